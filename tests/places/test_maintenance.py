"""标准地址维护: a renamed street stays findable by its old name, a retired plate names an active
successor, a temporary plate gets a code never issued before and the grid its point lies in;
nothing is deleted and every change is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.address_cleaning.matching import build_matcher
from shared.core.errors import DomainError, ValidationError
from shared.models import AuditLog, DoorPlate, PlateKind, RecordStatus, Street
from shared.places import maintenance
from shared.places.maintenance import add_temporary_plate, next_plate_code, rename_street, retire_plate
from shared.places.search import search_addresses
from tests.factories import make_grid_area, make_plate, make_street, make_village

NOW = datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
IN_A = (113.58, 23.05)  # in 麻一村's grid G-A
IN_B = (113.60, 23.05)  # in 新基村's grid G-B


class Town:
    """麻一村 (grid G-A) with 麻涌大道 (plates 1, 2 and retired 3: codes 200 001 0001–0003) and
    东一巷 (200 002 0001); 新基村 (grid G-B) with 新基路."""

    def __init__(self, session: Session) -> None:
        self.ma1 = make_village(session, code="441900126200", name="麻一村")
        self.xinji = make_village(session, code="441900126206", name="新基村")
        make_grid_area(
            session, village=self.ma1, code="G-A", west=113.57, south=23.04, east=113.59, north=23.06
        )
        make_grid_area(
            session, village=self.xinji, code="G-B", west=113.59, south=23.04, east=113.61, north=23.06
        )
        self.avenue = make_street(session, village=self.ma1, name="麻涌大道")
        self.lane = make_street(session, village=self.ma1, name="东一巷")
        self.xinji_road = make_street(session, village=self.xinji, name="新基路")
        self.p1 = make_plate(session, code="2000010001", street=self.avenue, number="1")
        self.p2 = make_plate(session, code="2000010002", street=self.avenue, number="2")
        self.p3 = make_plate(
            session, code="2000010003", street=self.avenue, number="3", status=RecordStatus.RETIRED
        )
        self.lane1 = make_plate(session, code="2000020001", street=self.lane, number="1")
        session.commit()


@pytest.fixture
def town(session: Session) -> Town:
    return Town(session)


def audit(session: Session, action: str) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


# -- renaming a street -----------------------------------------------------------------------------


def test_rename_keeps_the_old_name_as_alias_and_search_still_finds_the_plate(
    session: Session, town: Town
) -> None:
    street = rename_street(
        session, street_id=town.avenue.id, new_name=" 麻涌新大道 ", actor="admin1", now=NOW
    )
    session.commit()
    assert (street.name, street.aliases) == ("麻涌新大道", ["麻涌大道"])
    for query in ("麻涌大道1号", "麻一村麻涌大道 1", "麻涌新大道1号"):
        hits = search_addresses(session, query)
        assert [(h.code, h.address) for h in hits] == [("2000010001", "麻涌新大道 1号")], query
    [entry] = audit(session, "street.rename")
    assert (entry.actor, entry.at, entry.target_id) == ("admin1", NOW, str(town.avenue.id))
    assert (entry.detail["before"], entry.detail["after"]) == ("麻涌大道", "麻涌新大道")


def test_address_matching_still_finds_the_plate_by_the_old_name(session: Session, town: Town) -> None:
    rename_street(session, street_id=town.avenue.id, new_name="麻涌新大道", actor="admin1", now=NOW)
    session.commit()
    result = build_matcher(session).match("东莞市麻涌镇麻一村麻涌大道2号")
    assert result.best is not None
    assert (result.best.plate_code, result.best.address) == ("2000010002", "麻涌新大道 2号")


def test_renaming_again_keeps_every_old_name_and_a_name_taken_back_leaves_the_aliases(
    session: Session, town: Town
) -> None:
    rename_street(session, street_id=town.avenue.id, new_name="麻涌新大道", actor="admin1", now=NOW)
    rename_street(session, street_id=town.avenue.id, new_name="滨江大道", actor="admin1", now=NOW)
    assert town.avenue.aliases == ["麻涌大道", "麻涌新大道"]
    assert [h.code for h in search_addresses(session, "麻涌大道2号")] == ["2000010002"]
    rename_street(session, street_id=town.avenue.id, new_name="麻涌大道", actor="admin1", now=NOW)
    session.commit()
    session.expire_all()
    street = session.get(Street, town.avenue.id)
    assert street is not None and (street.name, street.aliases) == ("麻涌大道", ["麻涌新大道", "滨江大道"])


BAD_NAMES = [
    ("taken in the village", "东一巷", "已是本村（社区）另一条街路巷的现名（东一巷）"),
    ("blank", "  ", "请填写新名称"),
    ("unchanged", "麻涌大道", "新名称与现名称相同"),
    ("too long", "路" * 61, "不能超过 60 个字符"),
]


@pytest.mark.parametrize(("name", "zh"), [b[1:] for b in BAD_NAMES], ids=[b[0] for b in BAD_NAMES])
def test_a_bad_new_name_is_refused(session: Session, town: Town, name: str, zh: str) -> None:
    with pytest.raises(ValidationError) as refused:
        rename_street(session, street_id=town.avenue.id, new_name=name, actor="admin1", now=NOW)
    assert zh in refused.value.message_zh and refused.value.field == "new_name"
    session.rollback()
    assert (town.avenue.name, town.avenue.aliases) == ("麻涌大道", [])
    assert audit(session, "street.rename") == []


def test_another_streets_former_name_is_refused(session: Session, town: Town) -> None:
    rename_street(session, street_id=town.lane.id, new_name="东二巷", actor="admin1", now=NOW)
    with pytest.raises(ValidationError, match="另一条街路巷的曾用名（东二巷）"):
        rename_street(session, street_id=town.avenue.id, new_name="东一巷", actor="admin1", now=NOW)


def test_the_same_name_in_another_village_is_fine(session: Session, town: Town) -> None:
    street = rename_street(
        session, street_id=town.xinji_road.id, new_name="麻涌大道", actor="admin1", now=NOW
    )
    assert street.name == "麻涌大道"


def test_unknown_street(session: Session, town: Town) -> None:
    with pytest.raises(DomainError, match="街路巷 9999 不存在"):
        rename_street(session, street_id=9999, new_name="x", actor="admin1", now=NOW)


# -- retiring a plate ------------------------------------------------------------------------------


def test_retiring_a_plate_names_its_successor_and_keeps_the_row(session: Session, town: Town) -> None:
    plate = retire_plate(
        session, plate_code=" 2000010002", successor_code="2000010001", actor="admin1", now=NOW
    )
    session.commit()
    assert (plate.status, plate.retired_at, plate.successor_code) == (RecordStatus.RETIRED, NOW, "2000010001")
    assert session.get(DoorPlate, "2000010002") is not None
    assert [h.code for h in search_addresses(session, "麻涌大道2号")] == []  # search offers active plates
    [entry] = audit(session, "plate.retire")
    assert (entry.target_id, entry.detail["successor"], entry.detail["address"]) == (
        "2000010002", "2000010001", "麻涌大道 2号"
    )  # fmt: skip


BAD_RETIREMENTS = [
    ("successor is the plate", "2000010002", "2000010002", "successor_code", "接替门牌不能是同一个门牌"),
    ("successor retired", "2000010002", "2000010003", "successor_code", "接替门牌 2000010003 已停用"),
    ("successor unknown", "2000010002", "9999999999", "successor_code", "接替门牌 9999999999 不存在"),
    ("no successor", "2000010002", " ", "successor_code", "请填写接替门牌编码"),
    ("plate already retired", "2000010003", "2000010001", "plate_code", "门牌 2000010003 已停用"),
    ("plate unknown", "NOPE", "2000010001", "plate_code", "门牌 NOPE 不存在"),
]


@pytest.mark.parametrize(
    ("code", "successor", "field", "zh"),
    [b[1:] for b in BAD_RETIREMENTS],
    ids=[b[0] for b in BAD_RETIREMENTS],
)
def test_a_bad_retirement_is_refused(
    session: Session, town: Town, code: str, successor: str, field: str, zh: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        retire_plate(session, plate_code=code, successor_code=successor, actor="admin1", now=NOW)
    assert zh in refused.value.message_zh and refused.value.field == field
    session.rollback()
    assert town.p2.status is RecordStatus.ACTIVE and town.p2.successor_code is None
    assert audit(session, "plate.retire") == []


# -- temporary plates ------------------------------------------------------------------------------


def add(session: Session, street: Street, number: str, point: tuple[float, float] = IN_A) -> DoorPlate:
    return add_temporary_plate(
        session, street_id=street.id, number=number, lon=point[0], lat=point[1], actor="admin1", now=NOW
    )


def test_a_temporary_plate_gets_a_new_code_past_retired_ones_and_the_grid_of_its_point(
    session: Session, town: Town
) -> None:
    plate = add(session, town.avenue, "12号之一")
    session.commit()
    # 0003 is retired, not free: codes are stable for life and never issued twice.
    assert plate.code == "2000010004"
    assert (plate.kind, plate.status, plate.number, plate.grid_code) == (
        PlateKind.TEMPORARY, RecordStatus.ACTIVE, "12之一", "G-A"
    )  # fmt: skip
    assert (plate.lon, plate.lat, plate.created_at, plate.address) == (
        113.58,
        23.05,
        NOW,
        "麻涌大道 12号之一",
    )
    assert add(session, town.avenue, "13").code == "2000010005"
    assert [h.code for h in search_addresses(session, "麻涌大道12号之一")] == ["2000010004"]
    [first, _] = audit(session, "plate.add_temporary")
    assert (first.target_id, first.detail["grid"], first.detail["address"]) == (
        "2000010004", "G-A", "麻涌大道 12号之一"
    )  # fmt: skip


def test_a_street_without_plates_takes_the_villages_next_street_number(session: Session, town: Town) -> None:
    new_street = make_street(session, village=town.ma1, name="新开路")
    assert next_plate_code(session, new_street) == "2000030001"
    add(session, new_street, "1")
    assert add(session, new_street, "2").code == "2000030002"
    assert add(session, town.lane, "2").code == "2000020002"


def test_codes_in_another_format_do_not_collide(session: Session, town: Town) -> None:
    old_street = make_street(session, village=town.ma1, name="旧街")
    make_plate(session, street=old_street, number="1", code="441900126200000777")
    assert add(session, old_street, "2").code == "2000030001"


def test_a_code_taken_meanwhile_is_skipped(
    session: Session, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another admin's plate took the code between our look-up and our insert."""
    real: Callable[[Session, Street], str] = maintenance.next_plate_code
    answers = iter(["2000010001"])
    monkeypatch.setattr(
        maintenance, "next_plate_code", lambda s, street: next(answers, None) or real(s, street)
    )
    session.expunge_all()  # as in another process: the taken plate is not in this session
    plate = add_temporary_plate(
        session, street_id=town.avenue.id, number="20", lon=IN_A[0], lat=IN_A[1], actor="admin1", now=NOW
    )
    session.commit()
    assert plate.code == "2000010004"
    assert session.scalar(select(func.count()).select_from(DoorPlate)) == 5


BAD_PLATES = [
    ("number on an active plate", "2", IN_A, "number", "麻涌大道 2号 已有在用门牌（2000010002）"),
    ("number of a retired plate", "3", IN_A, "number", "曾由已停用的门牌 2000010003 使用"),
    ("blank number", " ", IN_A, "number", "请填写门牌号"),
    ("not a door number", "十二", IN_A, "number", "门牌号“十二”无效"),
    ("outside the town", "30", (113.2, 23.05), "lon", "不在麻涌镇范围内"),
    ("in another village's grid", "30", IN_B, "lon", "该位置在新基村的网格 G-B 内，不在麻涌大道所在的麻一村"),
    ("in no grid of the village", "30", (113.52, 23.0), "lon", "该位置不在麻一村的任何网格内"),
]


@pytest.mark.parametrize(
    ("number", "point", "field", "zh"), [b[1:] for b in BAD_PLATES], ids=[b[0] for b in BAD_PLATES]
)
def test_a_bad_temporary_plate_is_refused(
    session: Session, town: Town, number: str, point: tuple[float, float], field: str, zh: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(session, town.avenue, number, point)
    assert zh in refused.value.message_zh and refused.value.field == field
    session.rollback()
    assert session.scalar(select(func.count()).select_from(DoorPlate)) == 4
    assert audit(session, "plate.add_temporary") == []


def test_a_village_without_grid_polygons_gets_a_plate_without_grid(session: Session, town: Town) -> None:
    village = make_village(session, code="441900126210", name="漳澎村")
    street = make_street(session, village=village, name="漳澎大街")
    plate = add(session, street, "8", (113.52, 23.0))
    assert (plate.code, plate.grid_code) == ("2100010001", None)


def test_a_retired_street_takes_no_new_plate(session: Session, town: Town) -> None:
    town.lane.status = RecordStatus.RETIRED
    with pytest.raises(DomainError, match="不存在或已停用"):
        add(session, town.lane, "9")
