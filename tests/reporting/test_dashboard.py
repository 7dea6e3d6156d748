"""The dashboard's figures: on hand-built villages where every number is worked out in the test,
on the small demo town against counts made independently (walking the records in Python), and
the XLSX export."""

from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.declarations.forms import validate_rental
from shared.demo import build_demo_town
from shared.models import (
    Building,
    DoorPlate,
    Grid,
    PersonCategory,
    RecordStatus,
    Residence,
    Role,
    Room,
    Street,
    User,
)
from shared.reporting.dashboard import (
    OFFICER_STANDARD,
    AreaFigures,
    DashboardFigures,
    dashboard_figures,
    pending_declarations,
)
from shared.reporting.dashboard_xlsx import dashboard_xlsx
from shared.review.decisions import approve, reject
from shared.self_service.submit import submit_rental
from shared.staff.accounts import create_user
from tests.factories import (
    declare_residence,
    make_building,
    make_grid,
    make_id_number,
    make_person,
    make_plate,
    make_residence,
    make_room,
    make_street,
    make_village,
    person_fields,
    rental_fields,
    staff_identity,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # a Wednesday
TODAY = date(2026, 11, 25)
PASSWORD = "officer-password-2026"
SUPERVISOR = staff_identity("supervisor", username="zhang")


pytestmark = pytest.mark.usefixtures("without_comparison_rules")


def tenant(name: str, sequence: str) -> dict[str, Any]:
    """A tenant of the residence form with an identity number of their own."""
    sex = "1" if int(sequence[-1]) % 2 else "2"  # GB 11643: the last sequence digit
    number = make_id_number("430102", "19920304", sequence)
    return person_fields(name=name, sex=sex, birth_date=date(1992, 3, 4), id_number=number)


@pytest.fixture
def villages(session: Session) -> dict[str, Any]:
    """麻一村 and 新基村, each record there to test one clause of the definitions.

    麻一村: plates p1 (placed), p2 (no coordinates), p3 (retired, its building stays);
    building b1 at p1 with rental rooms 101, 102, 105, a room not let (103) and a retired
    rental room (104); b2 at p2 with rental rooms 201, 202; b3 at p2 retired, its rental room
    does not count; b4 at p3 with rental room 401.
    Room 101: a villager (local) and a migrant who also lives in 新基村, living there now, and a
    migrant who moved out. Rooms 102 and 105: one landlord's rental, approved. Room 201: a tenant's
    declaration waiting 14 days (overdue). Room 202: a rejected declaration. Room 401: a foreigner.
    新基村: one plate, building, rental room x, where the same migrant lives, and a declaration
    submitted three hours ago.
    """
    a, b = make_village(session, name="麻一村"), make_village(session, name="新基村")
    g1, g2, g3 = (make_grid(session, village=v, code=c) for v, c in ((a, "G1"), (a, "G2"), (b, "G3")))
    street = make_street(session, village=a, name="麻涌大道")
    p1 = make_plate(session, street=street, number="1", grid=g1)
    p2 = make_plate(session, street=street, number="2", grid=g2, lon=None, lat=None)
    p3 = make_plate(session, street=street, number="3", grid=g1, status=RecordStatus.RETIRED)
    b1, b2 = make_building(session, plate=p1), make_building(session, plate=p2)
    b3 = make_building(session, plate=p2, status=RecordStatus.RETIRED)
    b4 = make_building(session, plate=p3)
    rooms = {
        n: make_room(session, building=building, number=n, is_rental=True)
        for building, n in ((b1, "101"), (b1, "102"), (b1, "105"), (b2, "201"), (b2, "202"), (b3, "301"))
    }
    make_room(session, building=b1, number="103")
    make_room(session, building=b1, number="104", is_rental=True, status=RecordStatus.RETIRED)
    rooms["401"] = make_room(session, building=b4, number="401", is_rental=True)
    q1 = make_plate(session, street=make_street(session, village=b, name="新基路"), number="8", grid=g3)
    rooms["x"] = make_room(session, building=make_building(session, plate=q1), number="101", is_rental=True)

    local = make_person(session, name="麦阿婆", id_number=make_id_number("441900", "19500101", "022"))
    both = make_person(session, name="李四", id_number=make_id_number("430102", "19900115", "013"))
    gone = make_person(session, name="王五", id_number=make_id_number("450103", "19880808", "033"))
    foreign = make_person(session, name="John Smith", id_type="04", id_number="E12345678", nationality="GBR")
    make_residence(session, room=rooms["101"], person=local)
    make_residence(session, room=rooms["101"], person=both)
    make_residence(session, room=rooms["101"], person=gone, until=date(2026, 6, 30))
    make_residence(session, room=rooms["401"], person=foreign)
    make_residence(session, room=rooms["x"], person=both)

    rental = validate_rental(rental_fields([rooms["102"].id, rooms["105"].id]), today=local_today(NOW))
    let = submit_rental(session, plate_code=p1.code, data=rental, idempotency_key="rental-1", now=NOW)
    approve(session, declaration_id=let.id, staff=SUPERVISOR, now=NOW, expected_version=let.row_version)
    declare_residence(session, room=rooms["201"], now=NOW - timedelta(days=14), person=tenant("赵六", "015"))
    refused = declare_residence(
        session, room=rooms["202"], now=NOW - timedelta(days=3), person=tenant("钱七", "026")
    )
    reject(
        session,
        declaration_id=refused.id,
        staff=SUPERVISOR,
        now=NOW,
        expected_version=refused.row_version,
        reason="房间不存在",
    )
    declare_residence(session, room=rooms["x"], now=NOW - timedelta(hours=3), person=tenant("孙八", "037"))

    create_user(session, username="officer1", password=PASSWORD, role=Role.OFFICER, grid_codes=["G1", "G2"])
    create_user(session, username="officer3", password=PASSWORD, role=Role.OFFICER, grid_codes=["G3", "G3"])
    retired = create_user(
        session, username="officer2", password=PASSWORD, role=Role.OFFICER, grid_codes=["G3"]
    )
    retired.is_active = False
    create_user(session, username="boss", password=PASSWORD, role=Role.SUPERVISOR, grid_codes=["G1"])
    session.commit()
    return {"a": a, "b": b}


def test_every_figure_of_two_hand_built_villages(session: Session, villages: dict[str, Any]) -> None:
    figures = dashboard_figures(session, now=NOW)
    by_name = {v.name: v for v in figures.villages}
    assert by_name["麻一村"] == AreaFigures(
        code=villages["a"].code,
        name="麻一村",
        name_en=villages["a"].name_en,
        plates=2,  # p1, p2; p3 is retired
        geotagged_plates=1,  # p1
        buildings=3,  # b1, b2, b4 (behind the retired plate); b3 is retired
        rental_buildings=3,
        rental_rooms=6,  # 101, 102, 105, 201, 202, 401
        declared_rooms=5,  # all but 202, whose declaration was rejected
        verified_rooms=2,  # 102 and 105, by the approved rental
        pending=1,
        overdue=1,  # 201: ten working days
        local=1,
        migrant=1,  # 李四; 王五 moved out
        foreign=1,
        officers=1,  # officer1; the supervisor's grid list does not make an officer
    )
    assert by_name["新基村"] == AreaFigures(
        code=villages["b"].code,
        name="新基村",
        name_en=villages["b"].name_en,
        plates=1,
        geotagged_plates=1,
        buildings=1,
        rental_buildings=1,
        rental_rooms=1,
        declared_rooms=1,
        verified_rooms=0,
        pending=1,
        overdue=0,
        migrant=1,
        officers=1,  # officer3; officer2 is disabled
    )
    town = figures.town
    assert (town.plates, town.geotagged_plates, town.buildings, town.rental_buildings) == (3, 2, 4, 4)
    assert (town.rental_rooms, town.declared_rooms, town.verified_rooms) == (7, 6, 2)
    assert (town.pending, town.overdue, town.officers) == (2, 1, 2)
    assert (town.local, town.migrant, town.foreign) == (1, 1, 1)  # 李四 lives in both, counted once
    assert town.declared_share == pytest.approx(6 / 7)
    assert town.geotagged_share == pytest.approx(2 / 3)
    assert by_name["麻一村"].verified_share == pytest.approx(2 / 6)
    assert figures.as_of == TODAY


def test_officer_load_is_rental_buildings_in_own_grids_over_the_standard(
    session: Session, villages: dict[str, Any]
) -> None:
    officers = {o.username: o for o in dashboard_figures(session, now=NOW).officers}
    assert set(officers) == {"officer1", "officer3"}
    assert officers["officer1"].rental_buildings == 3  # b1, b4 in G1; b2 in G2
    assert officers["officer1"].load == pytest.approx(3 / OFFICER_STANDARD)
    assert officers["officer3"].rental_buildings == 1  # G3 listed twice counts once
    assert [o.username for o in dashboard_figures(session, now=NOW).officers] == ["officer1", "officer3"]


def test_a_village_needs_one_officer_per_sixty_rental_buildings() -> None:
    assert AreaFigures("1", "村", "v", rental_buildings=0).officers_needed == 0
    assert AreaFigures("1", "村", "v", rental_buildings=60).officers_needed == 1
    assert AreaFigures("1", "村", "v", rental_buildings=61).officers_needed == 2
    assert AreaFigures("1", "村", "v").declared_share is None  # no rental rooms: no share


def test_pending_declarations_in_an_officers_grids(session: Session, villages: dict[str, Any]) -> None:
    everywhere = pending_declarations(session, now=NOW)
    assert [p.is_overdue for p in everywhere] == [True, False]
    assert len(pending_declarations(session, now=NOW, grid_codes=["G3"])) == 1
    assert pending_declarations(session, now=NOW, grid_codes=[]) == []


def test_overdue_after_five_working_days_weekends_not_counted(session: Session) -> None:
    room = make_room(session, is_rental=True)
    monday = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    declare_residence(session, room=room, now=monday)
    session.commit()
    [next_monday] = pending_declarations(session, now=monday + timedelta(days=7))
    [next_tuesday] = pending_declarations(session, now=monday + timedelta(days=8))
    assert not next_monday.is_overdue  # five working days
    assert next_tuesday.is_overdue  # six


# -- the small demo town, counted another way ---------------------------------------------------


def test_figures_of_the_demo_town_equal_counts_made_by_walking_the_records(session: Session) -> None:
    build_demo_town(session, scale="small", seed=2026, today=TODAY)
    rooms = session.scalars(select(Room).where(Room.is_rental.is_(True))).all()
    declare_residence(session, room=rooms[0], now=NOW - timedelta(days=10), person=tenant("赵六", "015"))
    declare_residence(session, room=rooms[1], now=NOW, person=tenant("钱七", "026"))
    session.commit()
    figures = dashboard_figures(session, now=NOW)

    village_of = {s.id: s.village_code for s in session.scalars(select(Street))}
    plate_village = {p.code: village_of[p.street_id] for p in session.scalars(select(DoorPlate))}
    expected: dict[str, Counter[str]] = defaultdict(Counter)
    for plate in session.scalars(select(DoorPlate).where(DoorPlate.status == RecordStatus.ACTIVE)):
        expected[plate_village[plate.code]]["plates"] += 1
        expected[plate_village[plate.code]]["geotagged_plates"] += (
            plate.lon is not None and plate.lat is not None
        )
    living: dict[int, set[int]] = defaultdict(set)  # room → people living there today
    for residence in session.scalars(select(Residence)):
        if residence.until is None or residence.until > TODAY:
            living[residence.room_id].add(residence.person_id)
    for building in session.scalars(select(Building).where(Building.status == RecordStatus.ACTIVE)):
        village = plate_village[building.plate_code]
        let = [r for r in building.rooms if r.is_rental and r.status is RecordStatus.ACTIVE]
        expected[village]["buildings"] += 1
        expected[village]["rental_buildings"] += bool(let)
        expected[village]["rental_rooms"] += len(let)
        expected[village]["declared_rooms"] += sum(
            1 for r in let if living[r.id] or r.id in {rooms[0].id, rooms[1].id}
        )
    people: dict[tuple[str, PersonCategory], set[int]] = defaultdict(set)
    for residence in session.scalars(select(Residence)):
        if residence.until is None or residence.until > TODAY:
            village = plate_village[residence.room.building.plate_code]
            people[(village, residence.person.category)].add(residence.person_id)
    for village in figures.villages:
        counted = expected[village.code]
        for key in (
            "plates",
            "geotagged_plates",
            "buildings",
            "rental_buildings",
            "rental_rooms",
            "declared_rooms",
        ):
            assert getattr(village, key) == counted[key], (village.name, key)
        for category in PersonCategory:
            assert village.population(category) == len(people[(village.code, category)]), village.name
    assert figures.town.plates == sum(c["plates"] for c in expected.values()) > 100
    assert figures.town.pending == 2 and figures.town.overdue == 1
    assert figures.town.verified_rooms == 0  # the demo has no approved declarations
    [officer] = figures.officers
    grids = set(session.scalars(select(User.grid_codes).where(User.role == Role.OFFICER)).one())
    assert officer.rental_buildings == sum(
        1
        for b in session.scalars(select(Building).where(Building.status == RecordStatus.ACTIVE))
        if b.grid_code in grids and any(r.is_rental and r.status is RecordStatus.ACTIVE for r in b.rooms)
    )
    officer_villages = set(session.scalars(select(Grid.village_code).where(Grid.code.in_(grids))))
    assert {v.code for v in figures.villages if v.officers} == officer_villages
    assert all(v.officers_needed == math.ceil(v.rental_buildings / 60) for v in figures.villages)


# -- export ---------------------------------------------------------------------------------------


def test_xlsx_holds_every_village_the_town_and_the_officers(
    session: Session, villages: dict[str, Any]
) -> None:
    figures = dashboard_figures(session, now=NOW)
    workbook = load_workbook(io.BytesIO(dashboard_xlsx(figures)))
    assert workbook.sheetnames == ["村社区 Villages", "网格员 Officers", "说明 Notes"]
    rows = list(workbook["村社区 Villages"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("代码 Code", "村/社区 Village", "门牌 Plates")
    table = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [r["村/社区 Village"] for r in table] == [v.name for v in figures.villages] + ["全镇"]
    for area, row in zip([*figures.villages, figures.town], table, strict=True):
        assert row["门牌 Plates"] == area.plates
        assert row["出租房间 Rental rooms"] == area.rental_rooms
        assert row["申报率 Declared %"] == pytest.approx(area.declared_share)
        assert row["超期 Overdue"] == area.overdue
        assert row["流动人口 Migrant"] == area.migrant
        assert row["应配网格员 Officers needed"] == area.officers_needed
    assert workbook["村社区 Villages"]["J2"].number_format == "0.0%"
    officers = list(workbook["网格员 Officers"].iter_rows(values_only=True))
    assert (officers[1][0], *officers[1][2:4]) == ("officer1", "G1, G2", 3)
    assert officers[1][4] == pytest.approx(0.05)
    assert workbook["说明 Notes"]["B1"].value.date() == TODAY


def test_xlsx_cells_cannot_become_formulas() -> None:
    hostile = AreaFigures("441900126999", '=HYPERLINK("http://x","点我")', "@SUM(A1)", plates=1)
    figures = DashboardFigures(as_of=TODAY, villages=[hostile], town=hostile, officers=[])
    sheet = load_workbook(io.BytesIO(dashboard_xlsx(figures)))["村社区 Villages"]
    assert sheet["B2"].value == '\'=HYPERLINK("http://x","点我")'
    assert sheet["B2"].data_type == "s"


def test_xlsx_takes_a_control_character_in_a_name_and_still_neutralises_it() -> None:
    hostile = AreaFigures("441900126999", "\x01=HYPERLINK(1)", "", plates=1)
    town = AreaFigures("441900126", "麻涌\x00镇", "", plates=1)
    figures = DashboardFigures(as_of=TODAY, villages=[hostile], town=town, officers=[])
    sheet = load_workbook(io.BytesIO(dashboard_xlsx(figures)))["村社区 Villages"]
    assert (sheet["B2"].value, sheet["B3"].value) == ("'=HYPERLINK(1)", "麻涌镇")
