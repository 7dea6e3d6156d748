"""Access control of the review pages under the portal's real router, signed in for real: an
officer cannot read another grid's item through any page or query parameter, nor through the
queue's filters or its export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.core.clock import local_today
from shared.models import Declaration, Role, Room, Village, utcnow
from shared.staff.accounts import create_user
from tests.factories import (
    declare_residence,
    make_building,
    make_grid,
    make_id_number,
    make_plate,
    make_room,
    make_street,
    make_village,
    person_fields,
)
from tests.pages.test_staff_pages import portal, sign_in

QUEUE = "app_pages/review_queue.py"
DETAIL = "app_pages/review_detail.py"
WORKLISTS = "app_pages/worklists.py"
PASSWORDS = {"officer1": "officer-password-2026", "chief": "chief-password-2026"}
REFUSED = "找不到该申报，或它不在您负责的网格内。"
# What the other grids' items would show if they leaked: names, streets, house numbers.
THEIR_TRACES = ("赵", "钱", "孙", "新基路", "30号", "8号")


pytestmark = pytest.mark.usefixtures("without_comparison_rules")


@pytest.fixture
def items(session: Session) -> dict[str, Declaration]:
    """One declaration in each place: the officer's grid G1; G2 of the same village; G3 of
    新基村; and a plate no grid covers (supervisors only)."""
    mayi, xinji = make_village(session, name="麻一村"), make_village(session, name="新基村")
    g1, g2 = make_grid(session, village=mayi, code="G1"), make_grid(session, village=mayi, code="G2")
    g3 = make_grid(session, village=xinji, code="G3")
    avenue = make_street(session, village=mayi, name="麻涌大道")
    road = make_street(session, village=xinji, name="新基路")
    places = {
        "mine": (make_plate(session, street=avenue, number="12", grid=g1), "李四"),
        "other_grid": (make_plate(session, street=avenue, number="30", grid=g2), "赵丽"),
        "other_village": (make_plate(session, street=road, number="5", grid=g3), "钱七"),
        "no_grid": (make_plate(session, street=avenue, number="8", grid=None), "孙八"),
    }
    rooms: dict[str, Room] = {
        key: make_room(session, building=make_building(session, plate=plate), number="101", is_rental=True)
        for key, (plate, _) in places.items()
    }
    session.commit()
    today = local_today(utcnow())
    found = {}
    for n, (key, (_, name)) in enumerate(places.items()):
        person = person_fields(name=name, id_number=make_id_number(sequence=f"{n}11"), birth_date="", sex="")
        found[key] = declare_residence(
            session, room=rooms[key], now=utcnow(), person=person, move_in=today - timedelta(days=3)
        )
    officer = create_user(session, username="officer1", password=PASSWORDS["officer1"], role=Role.OFFICER)
    officer.grid_codes = ["G1"]
    create_user(session, username="chief", password=PASSWORDS["chief"], role=Role.SUPERVISOR)
    session.commit()
    return found


def signed_in(username: str) -> AppTest:
    at = sign_in(portal(), username, PASSWORDS[username])
    assert not at.exception
    return at


def everything_shown(at: AppTest) -> str:
    """Every text, table cell and widget label on the page."""
    parts = [str(e.value) for e in (*at.header, *at.subheader, *at.markdown, *at.caption)]
    parts += [str(e.value) for e in (*at.error, *at.warning, *at.info, *at.success)]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [w.label for w in (*at.button, *at.text_input, *at.text_area, *at.selectbox)]
    parts += [str(option) for box in at.selectbox for option in box.options]
    return "\n".join(parts)


def open_detail(at: AppTest, raw_id: str) -> AppTest:
    at.query_params["id"] = raw_id
    return at.switch_page(DETAIL).run()


@pytest.mark.parametrize(
    "raw_id",
    [
        lambda d: str(d["other_grid"].id),
        lambda d: str(d["other_village"].id),
        lambda d: str(d["no_grid"].id),
        lambda d: f"000{d['other_grid'].id}",  # the same number written another way
        lambda d: str(d["other_grid"].id + 1000),  # one that does not exist: the same refusal
    ],
    ids=["other-grid", "other-village", "no-grid", "leading-zeros", "missing"],
)
def test_officer_cannot_open_another_grids_item_by_its_id(
    items: dict[str, Declaration], raw_id: Callable[[dict[str, Declaration]], str]
) -> None:
    at = open_detail(signed_in("officer1"), raw_id(items))
    assert not at.exception
    assert [e.value for e in at.error] == [REFUSED]
    assert not at.dataframe and not at.button and not at.text_area
    shown = everything_shown(at)
    assert not [trace for trace in THEIR_TRACES if trace in shown]


@pytest.mark.parametrize("raw_id", ["abc", "-1", "1 OR 1=1", "1e3", ""])
def test_a_malformed_id_opens_nothing(items: dict[str, Declaration], raw_id: str) -> None:
    at = open_detail(signed_in("officer1"), raw_id)
    assert not at.exception
    assert [i.value for i in at.info] == ["请在审核队列中选择一项申报。"]
    assert not at.dataframe and not at.button


def test_the_same_links_open_for_the_officers_own_item_and_for_a_supervisor(
    items: dict[str, Declaration],
) -> None:
    """The refusals above are about scope, not broken links."""
    mine = open_detail(signed_in("officer1"), str(items["mine"].id))
    assert not mine.error and "麻涌大道 12号 101" in everything_shown(mine)
    chief = open_detail(signed_in("chief"), str(items["no_grid"].id))
    assert not chief.error and "麻涌大道 8号 101" in everything_shown(chief)


def test_queue_filters_offer_only_the_officers_grids(items: dict[str, Declaration]) -> None:
    at = signed_in("officer1")
    at.switch_page(QUEUE).run()
    [own_grid] = at.selectbox(key="review_queue.grid").options  # G2 and G3 are not offered
    assert own_grid.startswith("麻一村 · ")
    assert at.selectbox(key="review_queue.village").options == ["麻一村"]


@pytest.mark.parametrize(
    ("key", "village"), [("review_queue.grid", None), ("review_queue.village", "新基村")]
)
def test_queue_filters_set_to_another_grid_show_nothing_of_it(
    session: Session, items: dict[str, Declaration], key: str, village: str | None
) -> None:
    """Forced past the widgets, as a crafted session would: still only the officer's own item."""
    value = session.scalars(select(Village.code).where(Village.name == village)).one() if village else "G2"
    at = signed_in("officer1")
    at.session_state[key] = value
    at.switch_page(QUEUE).run()
    assert not at.exception
    [table] = at.dataframe
    assert list(table.value["ID"]) == [items["mine"].id]
    assert {m.label: m.value for m in at.metric}["待核实"] == "1"
    assert not [trace for trace in THEIR_TRACES if trace in everything_shown(at)]


def test_queue_export_holds_only_the_officers_grids(
    items: dict[str, Declaration], downloads: dict[str, Callable[[], Any]]
) -> None:
    at = signed_in("officer1")
    at.session_state["review_queue.grid"] = "G2"
    at.switch_page(QUEUE).run()
    [csv_file] = [name for name in downloads if name.startswith("review-queue") and name.endswith(".csv")]
    _header, *rows = csv.reader(io.StringIO(downloads[csv_file]().decode("utf-8-sig")))
    assert [int(r[0]) for r in rows] == [items["mine"].id]
    assert not [trace for trace in THEIR_TRACES if trace in str(rows)]


def test_work_lists_show_only_the_officers_grids(items: dict[str, Declaration]) -> None:
    at = signed_in("officer1")
    at.switch_page(WORKLISTS).run()
    assert not at.exception
    [rentals, *_] = at.dataframe
    assert list(rentals.value["地址"]) == ["麻涌大道 12号"]
    chief = signed_in("chief")
    chief.switch_page(WORKLISTS).run()
    assert len(chief.dataframe[0].value) == 4
