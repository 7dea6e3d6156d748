"""The plate page as a resident sees it, for good, forged, retired and unknown links (AppTest)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from portal.ui.plate_page import LANDLORD_OF_KEY
from shared.core.config import PROJECT_ROOT
from shared.models import PlateKind, RecordStatus, Residence, Role
from shared.places.links import plate_token
from shared.staff.accounts import create_user
from tests.factories import make_building, make_grid, make_person, make_plate, make_room, make_street
from tests.pages.staff_tab import sign_in_tab

PORTAL = str(PROJECT_ROOT / "portal" / "app.py")
REFUSAL = "无法识别这个门牌链接"


def _portal(token: str | None, *, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(PORTAL, default_timeout=30)
    if token is not None:
        at.query_params["p"] = token
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def _rooms(at: AppTest) -> dict[str, list[str]]:
    """The first building's rooms table, column by column, as the phone shows it."""
    table = next(str(m.value) for m in at.markdown if str(m.value).startswith("| "))
    header, _rule, *rows = (line.strip("| ").split(" | ") for line in table.splitlines())
    return {name: [row[i] for row in rows] for i, name in enumerate(header)}


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.header, *at.error, *at.warning, *at.info)]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def plate_code(session: Session) -> str:
    grid = make_grid(session, name="麻一第3网格")
    grid.officer_name, grid.officer_phone = "陈超", "+8613800138000"
    grid.village.name, grid.village.police_station = "麻一村", "麻涌派出所"
    street = make_street(session, village=grid.village, name="麻涌大道")
    plate = make_plate(session, street=street, number="12", grid=grid)
    building = make_building(session, plate=plate, type="02", use="01", floors=4)
    room = make_room(session, building=building, number="301", is_rental=True)
    make_room(session, building=building, number="302")
    tenant = make_person(session, name="李四")
    session.add(Residence(person_id=tenant.id, room_id=room.id, since=date(2025, 5, 1), reason="11"))
    session.commit()
    return plate.code


def test_good_link_shows_address_rooms_officer_and_the_two_ways_on(plate_code: str) -> None:
    at = _portal(plate_token(plate_code))
    assert not at.exception
    text = _texts(at)
    assert "麻涌镇 麻涌大道 12号" in text
    assert "陈超 [138 0013 8000](tel:+8613800138000)" in text and "麻涌派出所" in text  # one tap to call
    assert "麻一村" in text and "正式门牌" in text
    rooms = _rooms(at)
    assert rooms["房间"] == ["301", "302"]
    assert rooms["出租"] == ["是", "否"]
    assert "李四" not in text  # never names
    assert {b.label for b in at.button} >= {"我是房东/管理人", "我住在这里"}


def test_the_public_never_learns_which_rooms_stand_empty(plate_code: str) -> None:
    assert "现登记人数" not in _rooms(_portal(plate_token(plate_code)))


def test_staff_see_how_many_live_in_each_room(session: Session, plate_code: str) -> None:
    officer = create_user(session, username="chen", password="officer-password-2026", role=Role.OFFICER)
    session.commit()
    at = AppTest.from_file(PORTAL, default_timeout=30)
    at.query_params["p"] = plate_token(plate_code)
    sign_in_tab(at, officer)
    at.run()
    assert _rooms(at)["现登记人数"] == ["1", "0"]
    assert "李四" not in _texts(at)  # numbers, never names


def test_the_landlord_sees_the_counts_after_his_receipt_check(plate_code: str) -> None:
    at = AppTest.from_file(PORTAL, default_timeout=30)
    at.query_params["p"] = plate_token(plate_code)
    at.session_state[LANDLORD_OF_KEY] = {plate_code}  # what opening his rental's receipt leaves
    assert _rooms(at.run())["现登记人数"] == ["1", "0"]
    at.session_state[LANDLORD_OF_KEY] = {"0000000000"}  # another plate's landlord
    assert "现登记人数" not in _rooms(at.run())


def test_a_long_room_list_is_folded_so_the_declaring_buttons_stay_near_the_top(session: Session) -> None:
    plate = make_plate(session, number="8")
    building = make_building(session, plate=plate, floors=5)
    for number in ["101", "102", "201", "202", "301", "302", "401", "4|02"]:
        make_room(session, building=building, number=number)
    session.commit()
    at = _portal(plate_token(plate.code))
    assert not at.exception
    assert [e.label for e in at.expander] == ["8 间房"]
    assert sorted(_rooms(at)["房间"])[-2:] == ["401", "4\\|02"]  # a typed "|" stays in its cell


def test_the_small_map_is_drawn_only_when_asked(session: Session) -> None:
    plate = make_plate(session, number="9", lon=113.58, lat=23.05)
    session.commit()
    at = _portal(plate_token(plate.code))
    assert not at.get("iframe") and not at.get("component_instance")
    [switch] = at.toggle
    assert switch.label == "在地图上查看位置" and not switch.value
    at = switch.set_value(True).run()
    assert not at.exception
    assert at.get("component_instance") or at.get("iframe")


def test_good_link_in_english(plate_code: str) -> None:
    at = _portal(plate_token(plate_code), lang="English")  # the switch keeps its label in the URL
    assert {b.label for b in at.button} >= {"I am the landlord or manager", "I live here"}
    assert "Permanent plate" in _texts(at)


@pytest.mark.parametrize("bad", ["garbage", "0010010001.AAAAAAAAAAAAAAAAA", "'; drop table x; --"])
def test_forged_or_mistyped_link_is_refused_with_a_search(plate_code: str, bad: str) -> None:
    at = _portal(bad)
    assert not at.exception
    assert REFUSAL in _texts(at)
    assert "麻涌大道" not in _texts(at)


def test_altered_signature_is_refused(plate_code: str) -> None:
    token = plate_token(plate_code)
    at = _portal(token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert REFUSAL in _texts(at)


def test_link_to_an_unknown_plate_is_refused(plate_code: str) -> None:
    at = _portal(plate_token("9999999999"))
    assert REFUSAL in _texts(at)


def test_retired_plate_says_which_plate_replaced_it(session: Session, plate_code: str) -> None:
    old = make_plate(session, number="10", kind=PlateKind.TEMPORARY, status=RecordStatus.RETIRED)
    old.successor_code = plate_code
    session.commit()
    at = _portal(plate_token(old.code))
    assert not at.exception
    assert "已停用" in _texts(at)
    assert any("麻涌大道 12号" in str(getattr(link, "label", "")) for link in at.get("page_link"))


def test_no_link_invites_to_scan_or_search() -> None:
    at = _portal(None)
    assert not at.exception
    assert "扫描门牌上的二维码" in _texts(at)
