"""The plate card: a scanned plate link's first answer, one small HTML page (portal/plate_card.py).

The middleware is driven as the server drives it (an ASGI call), against a real database; what a
phone then does with the page is in tests/e2e (test_plate_page, test_declare_flow)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.orm import Session

from portal.plate_card import PlateCardMiddleware, plate_card_html, wants_card
from portal.ui.browser_session import COOKIE_NAME
from shared.core.config import PROJECT_ROOT
from shared.models import PlateKind, RecordStatus, Residence
from shared.places.links import plate_token
from shared.places.plates import BuildingView, PlateView, RoomView
from tests.factories import make_building, make_grid, make_person, make_plate, make_room, make_street
from tests.portal.asgi import STREAMLIT_ANSWER, request


def _plate(*, rooms: int = 2, address: str = "麻涌大道 12号", lon: float | None = 113.58) -> PlateView:
    building = BuildingView(
        id=1,
        name="A栋",
        type="02",
        use="01",
        floors=4,
        rooms=tuple(RoomView(i, f"{301 + i}", 3, i == 0, 2) for i in range(rooms)),
    )
    return PlateView(
        code="4419000010012",
        address=address,
        street="麻涌大道",
        number="12",
        village_code="441900001",
        village_name="麻一村",
        kind=PlateKind.FORMAL,
        status=RecordStatus.ACTIVE,
        successor_code=None,
        lon=lon,
        lat=23.05 if lon is not None else None,
        grid_code="G1",
        grid_name="麻一第3网格",
        officer_name="陈超",
        officer_phone="+8613800138000",
        police_station="麻涌派出所",
        police_phone="0769-88221110",
        buildings=(building,),
    )


def _links(html: str) -> dict[str, str]:
    """Each button's text → where it goes."""
    return {
        text: unescape(href)
        for href, text in re.findall(r'<a role="button" class="[^"]+" href="([^"]+)">([^<]+)</a>', html)
    }


def test_the_card_shows_the_address_rooms_and_whom_to_call_but_never_counts() -> None:
    html = plate_card_html(_plate(), token="TOKEN", lang="zh")
    assert "<h2>麻涌镇 麻涌大道 12号</h2>" in html
    assert "麻一村 · 正式门牌 · 4419000010012" in html
    assert "<td>301</td><td>3</td><td>是</td>" in html and "<td>302</td><td>3</td><td>否</td>" in html
    assert "陈超" in html and 'href="tel:+8613800138000"' in html and "138 0013 8000" in html
    assert 'href="tel:076988221110">0769-88221110</a>' in html
    assert 'a[href^="tel:"]{white-space:nowrap}' in html  # a number to call is not broken at its hyphen
    assert "现登记人数" not in html  # who lives how many to a room is for staff only


def test_its_buttons_open_the_forms_of_this_plate_in_the_chosen_language() -> None:
    zh = _links(plate_card_html(_plate(), token="4419.KABC", lang="zh"))
    assert zh["我住在这里"] == "./declare-tenant?p=4419.KABC"
    assert zh["我是房东/管理人"] == "./declare-landlord?p=4419.KABC"
    assert zh["单位申报"] == "./declare-organisation?p=4419.KABC"
    assert zh["我的回执（查进度、补正、搬离）"] == "./receipt"
    en = _links(plate_card_html(_plate(), token="4419.KABC", lang="en"))
    assert parse_qs(urlsplit(en["I live here"]).query) == {"p": ["4419.KABC"], "lang": ["English"]}


def test_typed_text_is_shown_as_text_not_markup() -> None:
    html = plate_card_html(_plate(address="<script>alert(1)</script> 12号"), token="T", lang="zh")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; 12号" in html


def test_a_long_list_of_rooms_is_folded_and_a_plate_without_position_has_no_map_link() -> None:
    html = plate_card_html(_plate(rooms=8, lon=None), token="T", lang="zh")
    assert "<details><summary>8 间房</summary>" in html
    assert "在地图上查看位置" not in html
    assert "在地图上查看位置" in plate_card_html(_plate(), token="T", lang="zh")


def test_english_card_has_no_chinese_labels_but_the_places_names() -> None:
    html = plate_card_html(_plate(), token="T", lang="en")
    assert "I live here" in html and "Grid officer" in html and "我住在这里" not in html
    assert '<a role="radio" aria-checked="true" href="./?p=T&amp;lang=English">English</a>' in html


@pytest.mark.parametrize(
    ("method", "path", "keys", "cookies", "expected"),
    [
        ("GET", "/", {"p"}, set(), True),
        ("GET", "/", {"p", "lang"}, set(), True),
        ("GET", "/", set(), set(), False),  # the home page
        ("GET", "/", {"p", "map"}, set(), False),  # the map is drawn by the app
        ("GET", "/", {"p"}, {COOKIE_NAME}, False),  # staff see the counts
        ("GET", "/declare-tenant", {"p"}, set(), False),
        ("POST", "/", {"p"}, set(), False),
    ],
)
def test_only_a_fresh_plate_link_from_the_public_gets_the_card(
    method: str, path: str, keys: set[str], cookies: set[str], expected: bool
) -> None:
    assert wants_card(method, path, keys, cookies) is expected


def _get(query: str, *, cookie: str = "") -> tuple[int, bytes]:
    """One GET of the portal's root through the middleware."""
    answer = request(PlateCardMiddleware, "/", query=query, headers={"cookie": cookie} if cookie else None)
    return answer.status, answer.body


@pytest.fixture
def plate_code(session: Session) -> str:
    grid = make_grid(session, name="麻一第3网格")
    grid.officer_name, grid.officer_phone = "陈超", "+8613800138000"
    street = make_street(session, village=grid.village, name="麻涌大道")
    plate = make_plate(session, street=street, number="12", grid=grid)
    room = make_room(session, building=make_building(session, plate=plate), number="301", is_rental=True)
    session.add(
        Residence(person_id=make_person(session).id, room_id=room.id, since=date(2025, 5, 1), reason="11")
    )
    session.commit()
    return plate.code


def test_a_plate_link_is_answered_with_the_card(plate_code: str) -> None:
    status, body = _get(f"p={plate_token(plate_code)}")
    html = body.decode()
    assert status == 200 and "<h2>麻涌镇 麻涌大道 12号</h2>" in html and "我住在这里" in html
    # The app's files are fetched while the card is read, so the form opens from the cache.
    assert re.search(r'<link rel="prefetch" crossorigin href="\./static/js/index\.[^"]+\.js">', html)
    # and so are the scripts of the form's widgets, which Streamlit loads only as they first show
    assert re.search(r'<link rel="prefetch" crossorigin href="\./static/js/Selectbox\.[^"]+\.js">', html)


def test_a_forged_or_retired_link_and_a_staff_browser_get_the_app(session: Session, plate_code: str) -> None:
    token = plate_token(plate_code)
    assert _get(f"p={token[:-1]}{'A' if token[-1] != 'A' else 'B'}")[1] == STREAMLIT_ANSWER
    assert _get(f"p={token}", cookie=f"{COOKIE_NAME}=abc")[1] == STREAMLIT_ANSWER
    assert _get(f"p={token}&map=1")[1] == STREAMLIT_ANSWER
    retired = make_plate(session, status=RecordStatus.RETIRED)
    session.commit()
    assert _get(f"p={plate_token(retired.code)}")[1] == STREAMLIT_ANSWER


def test_the_server_loads_no_streamlit_component_before_its_runtime() -> None:
    """A component imported with the server, outside a script run, is never registered, and its
    frame gets a 404 (the plate page's map was blank this way)."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, portal.server; print('streamlit_folium' in sys.modules)"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
