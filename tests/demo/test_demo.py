"""The demo town: deterministic for a seed, complete, and valid by the project's own rules."""

from __future__ import annotations

import itertools
import os
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core import db
from shared.core.codes import code_list, load_villages
from shared.core.crypto import decrypt
from shared.core.errors import DomainError
from shared.core.migrate import upgrade_database
from shared.core.validate import validate_id_number
from shared.core.validate_phone import validate_phone
from shared.core.validate_uscc import validate_uscc
from shared.demo import DEMO_ACCOUNTS, DemoSummary, build_demo_town
from shared.models import (
    AuditLog,
    Building,
    DoorPlate,
    Facility,
    Gate,
    Grid,
    Organisation,
    Person,
    PersonCategory,
    PlateKind,
    RecordStatus,
    Residence,
    Room,
    Street,
    User,
    Village,
    VillageKind,
)
from shared.places.plates import active_residence_filter
from shared.staff.accounts import verify_password

TODAY = date(2026, 6, 1)
WEST, SOUTH, EAST, NORTH = 113.50, 22.98, 113.65, 23.10


@pytest.fixture
def town(session: Session) -> DemoSummary:
    return build_demo_town(session, scale="small", seed=2026, today=TODAY)


def inside(lon: float, lat: float, polygon: dict[str, Any]) -> bool:
    """Ray casting, written out here so the test does not trust the generator's geometry."""
    ring = polygon["coordinates"][0]
    result = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_small_town_has_every_village_and_fills_every_table(session: Session, town: DemoSummary) -> None:
    villages = session.scalars(select(Village)).all()
    kinds = Counter(v.kind for v in villages)
    assert kinds == {VillageKind.VILLAGE: 13, VillageKind.COMMUNITY: 2}
    assert {v.code for v in villages} == {row.code for row in load_villages()}
    for model in (
        Grid,
        Street,
        DoorPlate,
        Building,
        Room,
        Person,
        Residence,
        Organisation,
        Facility,
        Gate,
        User,
    ):
        assert count(session, model) > 0, model.__tablename__
    assert 300 <= count(session, Person) <= 600
    assert town.counts["people"] == count(session, Person)
    assert set(session.scalars(select(Facility.category).distinct())) == {
        c.code for c in code_list("facility_group")
    }
    assert set(session.scalars(select(Facility.subtype).distinct())) == {
        c.code for c in code_list("facility_subtype")
    }
    assert session.scalar(select(AuditLog).where(AuditLog.action == "demo.build")) is not None


def test_every_village_has_grids_streets_and_gates(session: Session, town: DemoSummary) -> None:
    for village in session.scalars(select(Village)):
        grids = session.scalars(select(Grid).where(Grid.village_code == village.code)).all()
        assert 2 <= len(grids) <= 6
        for grid in grids:
            assert grid.officer_name
            assert validate_phone(grid.officer_phone) == grid.officer_phone
        streets = session.scalars(select(Street.name).where(Street.village_code == village.code)).all()
        assert streets and len(set(streets)) == len(streets)
        gates = session.scalars(select(Gate).where(Gate.village_code == village.code)).all()
        assert 1 <= len(gates) <= 2
        assert all(set(g.grid_codes) <= {grid.code for grid in grids} and g.grid_codes for g in gates)


def snapshot(session: Session) -> dict[str, list[Any]]:
    """What must not change between two builds with the same seed (ciphertexts may)."""
    return {
        "people": list(
            session.execute(
                select(Person.name, Person.birth_date, Person.id_number_index, Person.phone_index).order_by(
                    Person.id
                )
            )
        ),
        "plates": list(
            session.execute(select(DoorPlate.code, DoorPlate.number, DoorPlate.lon, DoorPlate.lat))
        ),
        "organisations": list(
            session.execute(select(Organisation.uscc, Organisation.name).order_by(Organisation.id))
        ),
        "rooms": list(session.execute(select(Room.building_id, Room.number, Room.area_m2).order_by(Room.id))),
        "grids": list(
            session.execute(select(Grid.code, Grid.polygon, Grid.officer_name).order_by(Grid.code))
        ),
    }


def test_same_seed_builds_the_same_town_and_another_seed_does_not(session: Session) -> None:
    build_demo_town(session, scale="small", seed=7, today=TODAY)
    first = snapshot(session)
    session.rollback()
    build_demo_town(session, scale="small", seed=7, today=TODAY)
    assert snapshot(session) == first
    session.rollback()
    build_demo_town(session, scale="small", seed=8, today=TODAY)
    other = snapshot(session)
    for key in ("people", "plates", "organisations"):
        assert other[key] != first[key], key


def test_identity_numbers_decrypt_and_agree_with_birth_date_and_sex(
    session: Session, town: DemoSummary
) -> None:
    people = session.scalars(select(Person)).all()
    for person in people:
        number = decrypt(person.id_number_enc)
        check = validate_id_number(
            person.id_type,
            number,
            birth_date=person.birth_date,
            sex=person.sex,
            nationality=person.nationality,
            today=TODAY,
        )
        assert check.number == number
        if person.id_type in ("01", "02", "03"):
            assert check.birth_date == person.birth_date and check.sex == person.sex
    locals_ = [p for p in people if p.category is PersonCategory.LOCAL]
    numbers = [decrypt(p.id_number_enc) for p in locals_]
    assert any(
        n.startswith("441900") and p.birth_date.year < 1988 for n, p in zip(numbers, locals_, strict=True)
    )
    migrant_regions = {decrypt(p.id_number_enc)[:6] for p in people if p.category is PersonCategory.MIGRANT}
    assert len(migrant_regions) >= 10
    assert len({p.id_number_index for p in people}) == len(people)


def test_every_phone_is_valid_e164(session: Session, town: DemoSummary) -> None:
    sealed = [p.phone_enc for p in session.scalars(select(Person)) if p.phone_enc]
    sealed += [o.phone_enc for o in session.scalars(select(Organisation)) if o.phone_enc]
    assert len(sealed) > 300
    for blob in sealed:
        phone = decrypt(blob)
        assert validate_phone(phone) == phone
    for phone in session.scalars(select(Facility.phone)):
        assert validate_phone(phone) == phone


def test_credit_codes_are_valid_unique_and_include_village_collectives(
    session: Session, town: DemoSummary
) -> None:
    codes = list(session.scalars(select(Organisation.uscc)))
    assert all(code and validate_uscc(code) == code for code in codes)
    assert len(set(codes)) == len(codes)
    prefixes = Counter(code[:2] for code in codes if code)
    assert prefixes["N2"] == 13  # one 股份经济联合社 per village committee
    assert prefixes["91"] > 0 and prefixes["92"] > 0


def test_coordinates_lie_in_the_town_and_inside_their_grid(session: Session, town: DemoSummary) -> None:
    polygons = {code: polygon for code, polygon in session.execute(select(Grid.code, Grid.polygon))}
    plates = session.scalars(select(DoorPlate)).all()
    placed = [p for p in plates if p.lon is not None and p.lat is not None]
    assert len(placed) < len(plates)  # the "no coordinates" work list is not empty
    for plate in placed:
        assert WEST < plate.lon < EAST and SOUTH < plate.lat < NORTH  # type: ignore[operator]
        assert plate.grid_code and inside(plate.lon, plate.lat, polygons[plate.grid_code]), plate.code  # type: ignore[arg-type]
    for facility in session.scalars(select(Facility)):
        assert facility.lon is not None and facility.lat is not None and facility.grid_code
        assert inside(facility.lon, facility.lat, polygons[facility.grid_code]), facility.name
    for gate in session.scalars(select(Gate)):
        assert gate.lon is not None and gate.lat is not None
        assert WEST < gate.lon < EAST and SOUTH < gate.lat < NORTH
    for building in session.scalars(select(Building)):
        assert building.grid_code == building.plate.grid_code


def test_plate_codes_are_ten_unique_digits_with_temporary_and_retired_plates(
    session: Session, town: DemoSummary
) -> None:
    plates = session.scalars(select(DoorPlate)).all()
    assert all(len(p.code) == 10 and p.code.isdigit() for p in plates)
    assert len({p.code for p in plates}) == len(plates)
    village_of = {v.code[-3:]: v.code for v in session.scalars(select(Village))}
    assert all(village_of[p.code[:3]] == p.street.village_code for p in plates)
    assert any(p.kind is PlateKind.TEMPORARY for p in plates)
    assert any("之一" in p.number for p in plates) or len(plates) < 200
    retired = [p for p in plates if p.status is RecordStatus.RETIRED]
    assert retired
    by_code = {p.code: p for p in plates}
    for plate in retired:
        assert plate.successor_code and by_code[plate.successor_code].status is RecordStatus.ACTIVE
        assert not plate.buildings


def test_rental_rooms_hold_at_most_four_current_residents(session: Session, town: DemoSummary) -> None:
    current = active_residence_filter(TODAY)
    per_room = session.execute(
        select(Room.id, func.count(Residence.id))
        .join(Residence, Residence.room_id == Room.id)
        .where(Room.is_rental, current)
        .group_by(Room.id)
    ).all()
    assert per_room and max(n for _, n in per_room) <= 4
    per_person = Counter(session.scalars(select(Residence.person_id).where(current)))
    assert max(per_person.values()) == 1
    assert len(per_person) >= 0.95 * count(session, Person)
    assert session.scalar(select(func.count()).where(Residence.until.is_not(None))) > 0  # history
    soon = select(func.count()).where(Residence.planned_until.between(TODAY, TODAY + timedelta(days=14)))
    assert (session.scalar(soon) or 0) >= 3


def test_locals_live_in_their_own_buildings(session: Session, town: DemoSummary) -> None:
    rows = session.execute(
        select(Person.category, Room.is_rental, Building.owner_person_id)
        .join(Residence, Residence.person_id == Person.id)
        .join(Room, Room.id == Residence.room_id)
        .join(Building, Building.id == Room.building_id)
        .where(active_residence_filter(TODAY))
    ).all()
    local_rows = [r for r in rows if r.category is PersonCategory.LOCAL]
    assert local_rows and all(not r.is_rental and r.owner_person_id for r in local_rows)
    owners = session.scalars(select(Person.category).join(Building, Building.owner_person_id == Person.id))
    assert set(owners) == {PersonCategory.LOCAL}
    assert session.scalar(select(func.count()).where(Building.owner_org_id.is_not(None))) > 0


def test_town_has_people_from_hong_kong_macao_taiwan_and_abroad(session: Session, town: DemoSummary) -> None:
    foreign = session.scalars(select(Person).where(Person.category == PersonCategory.FOREIGN)).all()
    permits = {decrypt(p.id_number_enc)[:6] for p in foreign if p.id_type == "02"}
    assert {"810000", "830000"} <= permits
    passports = [p for p in foreign if p.id_type == "04"]
    assert passports and all(p.visa_expiry and p.ethnicity is None and p.name.isascii() for p in passports)
    assert any(p.id_type == "03" for p in foreign)
    hong_kong = [p for p in foreign if p.id_type == "02" and decrypt(p.id_number_enc).startswith("810000")]
    assert any(p.birth_date.year < 1997 for p in hong_kong)


def test_codes_come_from_the_code_lists(session: Session, town: DemoSummary) -> None:
    def codes(name: str) -> set[str]:
        return {c.code for c in code_list(name)}

    for building in session.scalars(select(Building)):
        assert building.type in codes("building_type") and building.use in codes("building_use")
        assert building.structure in codes("building_structure") and 1 <= building.floors <= 8
    for room in session.scalars(select(Room)):
        assert room.use in codes("building_use") and room.area_m2 and 10 <= room.area_m2 <= 120
    for person in session.scalars(select(Person)):
        assert person.sex in {"1", "2"} and person.id_type in codes("id_type")
        assert person.ethnicity is None or person.ethnicity in codes("ethnicity")
        assert person.education is None or person.education in codes("education")
        assert person.nationality in codes("nationality")
    for residence in session.scalars(select(Residence)):
        assert residence.reason in codes("residence_reason")
        assert residence.dwelling_type in codes("dwelling_type")
        assert residence.until is None or residence.since <= residence.until
    subtypes = {c.code: c.parent for c in code_list("facility_subtype")}
    assert all(subtypes[f.subtype] == f.category for f in session.scalars(select(Facility)))


def test_a_second_build_into_a_filled_database_is_refused(session: Session, town: DemoSummary) -> None:
    with pytest.raises(DomainError) as refused:
        build_demo_town(session, scale="small", seed=2026, today=TODAY)
    assert "演示" in refused.value.message_zh and "empty" in refused.value.message_en


def test_demo_accounts_log_in_and_the_officer_has_one_village(session: Session, town: DemoSummary) -> None:
    assert {a.username for a in town.accounts} == {a.username for a in DEMO_ACCOUNTS}
    for account in DEMO_ACCOUNTS:
        assert len(account.password) >= 10
        user = session.scalars(select(User).where(User.username == account.username)).one()
        assert user.role is account.role and verify_password(user.password_hash, account.password)
    officer = session.scalars(select(User).where(User.username == "officer")).one()
    ma_yi = session.scalars(select(Grid.code).join(Village).where(Village.name == "麻一村")).all()
    assert sorted(officer.grid_codes) == sorted(ma_yi)


def test_records_added_after_the_build_get_fresh_ids(session: Session, town: DemoSummary) -> None:
    """Ids were assigned by the build: on PostgreSQL the sequences must have moved past them."""
    top_street = session.scalar(select(func.max(Street.id))) or 0
    top_facility = session.scalar(select(func.max(Facility.id))) or 0
    village = session.scalars(select(Village).order_by(Village.code)).first()
    assert village is not None
    street = Street(name="演示新路", village_code=village.code)
    facility = Facility(category="1", subtype="101", name="新装视频监控")
    session.add_all([street, facility])
    session.flush()
    assert street.id > top_street and facility.id > top_facility


def test_progress_reports_stages_and_rows(session: Session) -> None:
    seen: list[tuple[str, int, int]] = []
    build_demo_town(session, scale="small", seed=1, today=TODAY, progress=lambda *a: seen.append(a))
    stages = [stage for stage, _, _ in seen]
    assert "generate" in stages and "people" in stages and stages[-1] == "done"
    assert all(0 <= done <= total for _, done, total in seen)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("MENPAI_SLOW_TESTS") != "1", reason="town scale: set MENPAI_SLOW_TESTS=1")
def test_town_scale_hits_its_targets(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'town.db'}")
    upgrade_database(engine)
    with Session(engine) as session:
        summary = build_demo_town(session, scale="town", seed=2026, today=TODAY)
        session.commit()
    engine.dispose()
    targets = {
        "buildings": 20_000,
        "rooms": 80_000,
        "people": 150_000,
        "organisations": 5_000,
        "facilities": 8_000,
    }
    for table, target in targets.items():
        assert abs(summary.counts[table] - target) <= 0.05 * target, (table, summary.counts[table])
