"""Finding a plate without a QR code, on the portal's search page (AppTest)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.core.config import PROJECT_ROOT
from shared.places.links import verify_plate_token
from tests.factories import make_plate, make_street, make_village


@pytest.fixture
def plate_code(session: Session) -> str:
    village = make_village(session, name="麻一村")
    street = make_street(session, village=village, name="麻涌大道")
    make_plate(session, street=street, number="2")
    code = make_plate(session, street=street, number="12").code
    session.commit()
    return code


def _search_page() -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "portal" / "app.py"), default_timeout=30).run()
    at.switch_page("app_pages/search.py")
    return at.run()


def test_choosing_village_street_and_number_links_to_the_plate(plate_code: str) -> None:
    at = _search_page()
    village = at.selectbox(key="search.village")
    village.select_index(village.options.index("麻一村")).run()
    at.selectbox(key="search.street").select_index(0).run()
    numbers = at.selectbox(key="search.number")
    assert numbers.options == ["2号", "12号"]
    numbers.select_index(1).run()
    [link] = at.get("page_link")
    assert "麻涌大道 12号" in link.proto.label
    assert verify_plate_token(link.proto.page.split("p=")[-1] if "p=" in link.proto.page else "") in (
        plate_code,
        None,
    )


def test_typed_address_lists_matches_and_a_miss_says_so(plate_code: str) -> None:
    at = _search_page()
    at.text_input(key="search.text").input("麻涌大道12号").run()
    labels = [link.proto.label for link in at.get("page_link")]
    assert labels == ["麻一村 · 麻涌大道 12号"]
    assert verify_plate_token(at.get("page_link")[0].proto.query_string.removeprefix("p=")) == plate_code
    at.text_input(key="search.text").input("没有这条路").run()
    assert any("没有找到" in w.value for w in at.warning)


def test_matches_read_as_links_and_say_how_many(session: Session, plate_code: str) -> None:
    # Plain names in a list did not read as something to tap; 20 of more matches are said to be
    # the first 20, so a resident writes more rather than scrolls for one that is not there.
    at = _search_page()
    at.text_input(key="search.text").input("麻涌大道").run()
    assert "找到 2 个地址，点击打开：" in [c.value for c in at.caption]
    assert all(link.proto.icon == ":material/arrow_forward:" for link in at.get("page_link"))

    street = make_street(session, village=make_village(session, name="麻二村"), name="麻涌大道")
    for number in range(1, 19):
        make_plate(session, street=street, number=str(number))
    session.commit()
    at.text_input(key="search.text").input("麻涌大道 ").run()
    assert len(at.get("page_link")) == 20
    assert "找到 20 个地址，点击打开：" in [c.value for c in at.caption]  # all of them

    make_plate(session, street=street, number="19")
    session.commit()
    at.text_input(key="search.text").input("麻涌大道").run()
    assert len(at.get("page_link")) == 20
    said = [c.value for c in at.caption if "点击打开" in c.value]
    assert said == ["前 20 个地址（写得更具体可缩小范围），点击打开："]
