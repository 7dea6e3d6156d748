"""Door plates: QR PNGs rendered per second, the largest village's PDF sheet, link checks per second.

The sheet is the largest village of the town-scale demo, built into a fresh SQLite file;
`village_sheet_seconds` counts the query, the links and the PDF, not the demo build.
"""

from __future__ import annotations

import io
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.crypto import Keyring
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from shared.models import DoorPlate, PlateKind, RecordStatus, Street
from shared.places.links import plate_link, plate_token, verify_plate_token
from shared.places.qr import PlateLabel, plate_png
from shared.places.sheets import build_plate_sheet, plates_for_village

PNG_COUNT = 300
VERIFY_COUNT = 20_000
TODAY = date(2026, 11, 25)
KEYRING = Keyring.from_master(b"menpai benchmark secret")
PREVIOUS = Keyring.from_master(b"menpai benchmark previous secret")
PORTAL_URL = "https://mp.dg.gov.cn"


def run() -> None:
    _bench_png()
    _bench_village_sheet()
    _bench_verify()


def _bench_png() -> None:
    codes = [f"{2000010000 + n}" for n in range(PNG_COUNT)]
    started = time.perf_counter()
    for n, code in enumerate(codes):
        kind = PlateKind.TEMPORARY if n % 10 == 0 else PlateKind.FORMAL
        label = PlateLabel(f"麻涌大道 {n + 1}号", "麻一村", code, kind)
        plate_png(label, plate_link(code, keyring=KEYRING, portal_url=PORTAL_URL))
    print(f"plate_png_per_second: {PNG_COUNT / (time.perf_counter() - started):.0f} /s")


def _bench_village_sheet() -> None:
    with tempfile.TemporaryDirectory(prefix="menpai-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'plates.db'}")
        upgrade_database(engine)
        with Session(engine) as session:
            build_demo_town(session, scale="town", seed=2026, today=TODAY)
            session.commit()
            village_code, plate_count = session.execute(
                select(Street.village_code, func.count())
                .join(DoorPlate, DoorPlate.street_id == Street.id)
                .where(DoorPlate.status == RecordStatus.ACTIVE)
                .group_by(Street.village_code)
                .order_by(func.count().desc())
            ).first() or ("", 0)
            started = time.perf_counter()
            plates = plates_for_village(session, village=village_code, keyring=KEYRING, portal_url=PORTAL_URL)
            out = io.BytesIO()
            pages = build_plate_sheet(plates, out=out, title=plates[0][0].village)
            seconds = time.perf_counter() - started
        engine.dispose()
    print(f"village_sheet_plates: {plate_count} plates")
    print(f"village_sheet_pages: {pages} pages")
    print(f"village_sheet_size: {len(out.getvalue()) / 1e6:.1f} MB")
    print(f"village_sheet_seconds: {seconds:.1f} s")


def _bench_verify() -> None:
    tokens = [plate_token(f"{2000010000 + n}", keyring=KEYRING) for n in range(1000)]
    tokens += [plate_token(f"{2000020000 + n}", keyring=PREVIOUS) for n in range(200)]
    sample = random.Random(1).choices(tokens, k=VERIFY_COUNT)
    rings = (KEYRING, PREVIOUS)
    started = time.perf_counter()
    for token in sample:
        if verify_plate_token(token, keyrings=rings) is None:
            raise AssertionError(f"benchmark token failed to verify: {token}")
    rate = VERIFY_COUNT / (time.perf_counter() - started)
    print(f"plate_link_verifications_per_second: {rate:.0f} /s")
