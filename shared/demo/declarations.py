"""Sample declarations for the demo town, so an officer signing in to a fresh demo finds a queue:
tenants who declared their own residence (some with a child), landlords who declared a rental
with its tenants, a manager who declared an organisation. All in the demo officer's village,
submitted through the portal's own path (`shared.self_service.submit`): validated, stored,
checked by the comparison rules, audited, each with a receipt code.

Opt-in (`menpai demo --sample-declarations`, used by `make run`): the tests and benchmarks build
the town without them and count their own declarations.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.regions import region_name
from shared.declarations.forms import validate_organisation, validate_rental, validate_residence
from shared.demo.identity import Numbers
from shared.demo.names import chinese_name
from shared.models import Building, DoorPlate, RecordStatus, Room, Street, Village
from shared.self_service.submit import submit_organisation, submit_rental, submit_residence

# Where Mayong's migrant workers come from (GB/T 2260 county codes the region table knows).
HOME_REGIONS = ("430102", "450102", "360102", "440582", "510104", "411302", "452601", "431002")
TENANTS = 6  # own residence declarations (我住在这里)
RENTALS = 2  # landlord declarations (我是房东), each with two tenants
REASON_WORK = "11"  # 务工
# Most declare within days, some weeks late: the queue shows both (the late ones get a finding).
MOVED_IN_DAYS_AGO = (1, 0, 12, 2, 30, 1)
LEASE_STARTED_DAYS_AGO = (2, 60)


def add_sample_declarations(session: Session, *, village_name: str, seed: int, now: datetime) -> int:
    """Declare in `village_name` as residents and landlords would; returns how many. Flushes."""
    rng = random.Random(f"{seed}-declarations")
    numbers = Numbers(rng)
    today = local_today(now)
    rooms, letting = _rooms_by_plate(session, village_name)
    plates = sorted(rooms)
    if not plates:
        return 0
    rng.shuffle(plates)
    plates.sort(key=lambda code: code not in letting)  # plates with let rooms first, shuffled
    # A plate each while there are enough; a small village's plates take several (a building
    # with many tenants is what a queue looks like anyway).
    plates = [plates[i % len(plates)] for i in range(TENANTS + RENTALS + 1)]
    for serial, plate_code in enumerate(plates[:TENANTS]):
        raw = {
            "room_id": rooms[plate_code][0],
            "person": _person(rng, numbers, today),
            "family": [_child(rng, numbers, today)] if serial % 3 == 0 else [],
            "reason": REASON_WORK,
            "dwelling_type": None,
            "move_in": today - timedelta(days=MOVED_IN_DAYS_AGO[serial % len(MOVED_IN_DAYS_AGO)]),
            "planned_until": None,
            "privacy_accepted": True,
        }
        data = validate_residence(raw, today=today)
        submit_residence(
            session, plate_code=plate_code, data=data, idempotency_key=f"demo-{seed}-r{serial}", now=now
        )
    for serial, plate_code in enumerate(plates[TENANTS : TENANTS + RENTALS]):
        let = rooms[plate_code][:2]
        start = today - timedelta(days=LEASE_STARTED_DAYS_AGO[serial % len(LEASE_STARTED_DAYS_AGO)])
        raw = {
            "landlord": _declarant(rng, numbers, today, local=True),
            "room_ids": list(let),
            "lease_start": start,
            "lease_end": start + timedelta(days=365),
            "use": "01",
            "tenants": [
                {
                    "room_id": room_id,
                    "person": _person(rng, numbers, today),
                    "move_in": start,
                    "reason": REASON_WORK,
                }
                for room_id in (let * 2)[:2]
            ],
            "pledge_accepted": True,
        }
        rental = validate_rental(raw, today=today)
        submit_rental(
            session, plate_code=plate_code, data=rental, idempotency_key=f"demo-{seed}-l{serial}", now=now
        )
    plate_code = plates[TENANTS + RENTALS]
    manager = _declarant(rng, numbers, today, local=True)
    raw = {
        "name": "东莞市麻涌镇" + chinese_name(rng, is_male=True, local=True)[:1] + "记五金加工店",
        "uscc": numbers.uscc("92"),
        "status": "operating",
        "legal_rep": manager["name"],
        "manager": manager["name"],
        "phone": numbers.landline(),
        "staff_count": str(rng.randrange(3, 25)),
        "room_id": rooms[plate_code][0],
        "declarant": manager,
    }
    organisation = validate_organisation(raw, today=today)
    submit_organisation(
        session, plate_code=plate_code, data=organisation, idempotency_key=f"demo-{seed}-o", now=now
    )
    return len(plates)


def _rooms_by_plate(session: Session, village_name: str) -> tuple[dict[str, list[int]], set[str]]:
    """Active rooms of the village's active plates of one building each, by plate code, rooms
    registered as let first; and the plates that have such a room."""
    rows = session.execute(
        select(DoorPlate.code, Building.id, Room.id, Room.is_rental)
        .join(Street, Street.id == DoorPlate.street_id)
        .join(Village, Village.code == Street.village_code)
        .join(Building, Building.plate_code == DoorPlate.code)
        .join(Room, Room.building_id == Building.id)
        .where(
            Village.name == village_name,
            DoorPlate.status == RecordStatus.ACTIVE,
            Building.status == RecordStatus.ACTIVE,
            Room.status == RecordStatus.ACTIVE,
        )
        .order_by(DoorPlate.code, Room.id)
    ).all()
    buildings: dict[str, set[int]] = {}
    rooms: dict[str, list[tuple[bool, int]]] = {}
    for plate_code, building_id, room_id, is_rental in rows:
        buildings.setdefault(plate_code, set()).add(building_id)
        rooms.setdefault(plate_code, []).append((not is_rental, room_id))
    # Rooms registered as let first: tenants live there (a let room not registered is a finding).
    single = {code: sorted(ids) for code, ids in rooms.items() if len(buildings[code]) == 1}
    letting = {code for code, ids in single.items() if not ids[0][0]}
    return {code: [room_id for _, room_id in ids] for code, ids in single.items()}, letting


def _birth(rng: random.Random, today: date, *, youngest: int, oldest: int) -> date:
    return today - timedelta(days=rng.randrange(youngest * 366, oldest * 365))


def _person(rng: random.Random, numbers: Numbers, today: date) -> dict[str, Any]:
    """An adult migrant with a resident card: what the tenant form sends (the rest derived)."""
    is_male = rng.random() < 0.55
    born = _birth(rng, today, youngest=19, oldest=55)
    region = rng.choice(HOME_REGIONS)
    return {
        "name": chinese_name(rng, is_male=is_male, born_year=born.year),
        "id_type": "01",
        "id_number": numbers.citizen_number(region, born, is_male=is_male),
        "ethnicity": "01",
        "phone": numbers.mobile(),
        "hukou_address": region_name(region) or "",  # as the form does for a field left empty
        "education": None,
        "employer": "",
    }


def _child(rng: random.Random, numbers: Numbers, today: date) -> dict[str, Any]:
    is_male = rng.random() < 0.5
    born = _birth(rng, today, youngest=2, oldest=12)
    region = rng.choice(HOME_REGIONS)
    return {
        "relation": "child",
        "name": chinese_name(rng, is_male=is_male, born_year=born.year),
        "id_type": "01",
        "id_number": numbers.citizen_number(region, born, is_male=is_male),
        "ethnicity": "01",
        "phone": "",
        "hukou_address": region_name(region) or "",
    }


def _declarant(rng: random.Random, numbers: Numbers, today: date, *, local: bool) -> dict[str, Any]:
    is_male = rng.random() < 0.7
    born = _birth(rng, today, youngest=35, oldest=70)
    return {
        "name": chinese_name(rng, is_male=is_male, born_year=born.year, local=local),
        "id_type": "01",
        "id_number": numbers.citizen_number("441900", born, is_male=is_male),
        "phone": numbers.mobile(),
    }
