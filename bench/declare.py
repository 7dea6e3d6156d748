"""Self-declaration: tenant declarations submitted per second, and a 5,000-row landlord upload.

On a fresh SQLite file with the town-scale demo (issue 4 targets: at least 300 declarations a
second, the upload in under 10 s). Each declaration is checked by `validate_residence` before
the clock starts; the timed part is `submit_residence` and its commit, one transaction each, as
the portal does. The upload is timed whole: reading the XLSX, checking every row, checking the
rental form and submitting one declaration with all its tenants. Printed, not asserted.
"""

from __future__ import annotations

import io
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shared.core.checkdigits import gb11643_check_char
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.declarations.forms import validate_rental, validate_residence
from shared.declarations.inputs import ResidenceInput
from shared.demo import build_demo_town
from shared.models import Building, DoorPlate, RecordStatus, Room
from shared.self_service.landlord_upload import parse_tenant_upload
from shared.self_service.submit import submit_rental, submit_residence

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
MAX_SUBMISSIONS = 3_000
MAX_SECONDS = 10.0
UPLOAD_ROWS = 5_000
REGIONS = ("430102", "450103", "360102", "420102", "510104", "522301", "441900", "440106")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞")


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="menpai-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'declare.db'}")
        upgrade_database(engine)
        with Session(engine) as session:
            build_demo_town(session, scale="town", seed=2026, today=TODAY)
            session.commit()
        _bench_submit(engine)
        _bench_upload(engine)
        engine.dispose()


def _rental_rooms(session: Session) -> list[tuple[str, int]]:
    return [
        (plate, room)
        for plate, room in session.execute(
            select(Building.plate_code, Room.id)
            .join(Building, Room.building_id == Building.id)
            .join(DoorPlate, Building.plate_code == DoorPlate.code)
            .where(
                Room.is_rental.is_(True),
                Room.status == RecordStatus.ACTIVE,
                Building.status == RecordStatus.ACTIVE,
                DoorPlate.status == RecordStatus.ACTIVE,
            )
        )
    ]


def _person(rng: random.Random, serial: int) -> dict[str, object]:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{serial % 1000:03d}"
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        "ethnicity": "01",
        "id_type": "01",
        "id_number": first17 + gb11643_check_char(first17),
        "hukou_address": "湖南省长沙市芙蓉区",
        "phone": f"139{serial:08d}",
        "employer": "麻涌某电子厂",
    }


def _bench_submit(engine: Engine) -> None:
    rng = random.Random(4)
    with Session(engine) as session:
        rooms = _rental_rooms(session)
    inputs: list[tuple[str, ResidenceInput]] = []
    for serial in range(MAX_SUBMISSIONS):
        plate, room_id = rng.choice(rooms)
        raw = {
            "room_id": room_id,
            "person": _person(rng, 100_000 + serial),
            "reason": "11",
            "move_in": TODAY - timedelta(days=rng.randrange(60)),
            "planned_months": 12,
            "privacy_accepted": True,
        }
        inputs.append((plate, validate_residence(raw, today=TODAY)))
    done = 0
    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        for n, (plate, data) in enumerate(inputs):
            submit_residence(session, plate_code=plate, data=data, idempotency_key=f"bench-{n}", now=NOW)
            session.commit()
            done += 1
            if time.perf_counter() - started > MAX_SECONDS:
                break
    seconds = time.perf_counter() - started
    print(f"declarations_submitted: {done} declarations")
    print(f"declarations_per_second: {done / seconds:.0f} /s")


def _bench_upload(engine: Engine) -> None:
    rng = random.Random(5)
    with Session(engine) as session:
        plate_code, _ = session.execute(
            select(Building.plate_code, func.count(Room.id))
            .join(Room, Room.building_id == Building.id)
            .where(Room.status == RecordStatus.ACTIVE, Building.status == RecordStatus.ACTIVE)
            .group_by(Building.plate_code)
            .order_by(func.count(Room.id).desc())
        ).first() or ("", 0)
        numbers = list(
            session.scalars(
                select(Room.number)
                .join(Building, Room.building_id == Building.id)
                .where(Building.plate_code == plate_code, Room.status == RecordStatus.ACTIVE)
            )
        )
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        ["房号", "姓名", "民族", "证件号码", "联系电话", "户籍地址", "工作单位", "入住日期", "居住事由"]
    )
    for serial in range(UPLOAD_ROWS):
        person = _person(rng, 500_000 + serial)
        sheet.append([rng.choice(numbers), person["name"], "汉", person["id_number"], person["phone"],
                      person["hukou_address"], person["employer"], "2026-10-01", "务工"])  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        result = parse_tenant_upload(
            session, plate_code=plate_code, data=data, filename="租客.xlsx", today=TODAY
        )
        landlord = {"name": "陈大文", "id_number": "11010519491231002X", "phone": "13912345678"}
        rental = validate_rental(
            {"landlord": landlord, "lease_start": "2026-09-01", "tenants": list(result.tenants),
             "pledge_accepted": True},
            today=TODAY,
        )  # fmt: skip
        submit_rental(session, plate_code=plate_code, data=rental, idempotency_key="bench-upload", now=NOW)
        session.commit()
    seconds = time.perf_counter() - started
    print(f"landlord_upload_rooms: {len(numbers)} rooms")
    print(f"landlord_upload_tenants: {len(result.tenants)} tenants ({len(result.errors)} row errors)")
    print(f"landlord_upload_5000_rows_seconds: {seconds:.1f} s")
