"""Ways in on a phone (issue 12, part 5): the home page's big buttons, and what a broken, forged,
unknown or retired plate link offers instead of a dead end (AppTest)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.core.config import PROJECT_ROOT
from shared.models import PlateKind, RecordStatus
from shared.places.links import plate_token
from tests.factories import make_grid, make_plate, make_street

PORTAL = str(PROJECT_ROOT / "portal" / "app.py")
SEARCH = "按地址查找门牌"
RECEIPT = "我的回执（查进度、补正、搬离）"


def _portal(token: str | None) -> AppTest:
    at = AppTest.from_file(PORTAL, default_timeout=30)
    if token is not None:
        at.query_params["p"] = token
    return at.run()


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*at.markdown, *at.error, *at.warning))


@pytest.fixture
def plate_code(session: Session) -> str:
    grid = make_grid(session, name="麻一第3网格")
    grid.officer_name, grid.officer_phone = "陈超", "+8613800138000"
    grid.village.name, grid.village.police_station = "麻一村", "麻涌派出所"
    grid.village.police_phone = "+867698822111"
    street = make_street(session, village=grid.village, name="麻涌大道")
    plate = make_plate(session, street=street, number="12", grid=grid)
    session.commit()
    return plate.code


def test_home_page_shows_search_and_my_receipt_as_big_buttons() -> None:
    at = _portal(None)
    assert not at.exception
    buttons = {b.label: b for b in at.button}
    assert SEARCH in buttons and RECEIPT in buttons
    buttons[RECEIPT].click().run()
    assert not at.exception
    assert any(h.value == "我的回执" for h in at.header)


def test_plate_page_offers_my_receipt_beside_declaring(plate_code: str) -> None:
    at = _portal(plate_token(plate_code))
    assert {"我是房东/管理人", "我住在这里", RECEIPT} <= {b.label for b in at.button}


def test_forged_link_of_a_known_plate_offers_search_and_its_grid_officer(plate_code: str) -> None:
    token = plate_token(plate_code)
    at = _portal(token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not at.exception
    text = _texts(at)
    assert "无法识别这个门牌链接" in text
    assert "陈超 [138 0013 8000](tel:+8613800138000)" in text and "麻涌派出所" in text  # one tap to call
    assert "麻涌大道" not in text  # the address itself stays behind the signature
    assert {SEARCH, RECEIPT} <= {b.label for b in at.button}
    next(b for b in at.button if b.label == SEARCH).click().run()
    assert any(h.value == "查找地址" for h in at.header)


@pytest.mark.parametrize("token", ["garbage", plate_token("9999999999")])
def test_unknown_plate_offers_the_search_without_contacts(plate_code: str, token: str) -> None:
    at = _portal(token)
    assert {SEARCH, RECEIPT} <= {b.label for b in at.button}  # a receipt's QR may have led here
    assert "陈超" not in _texts(at)


def test_retired_plate_offers_search_and_whom_to_call(session: Session, plate_code: str) -> None:
    grid = make_grid(session)
    grid.officer_name, grid.officer_phone = "王芳", "+8613900139000"
    old = make_plate(session, number="10", kind=PlateKind.TEMPORARY, status=RecordStatus.RETIRED, grid=grid)
    session.commit()
    at = _portal(plate_token(old.code))
    assert not at.exception
    assert "已停用" in _texts(at) and "王芳 [139 0013 9000](tel:+8613900139000)" in _texts(at)
    assert {SEARCH, RECEIPT} <= {b.label for b in at.button}
