"""Town-scale demo: build time, database size, and plate look-up latency.

Targets (issue 2): build under 90 s, look-up p95 under 2 ms on SQLite. Printed, not asserted.
Set BENCH_DATABASE_URL to measure an empty PostgreSQL database instead of a fresh SQLite file.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from shared.models import DoorPlate
from shared.places.plates import lookup_plate

LOOKUPS = 10_000
TODAY = date(2026, 11, 25)


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="menpai-bench-") as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'town.db'}"
        engine = make_engine(url)
        upgrade_database(engine)
        started = time.perf_counter()
        with Session(engine) as session:
            build_demo_town(session, scale="town", seed=2026, today=TODAY)
            session.commit()
        print(f"town_build: {time.perf_counter() - started:.1f} s")
        print(f"town_database: {_database_mb(engine, url):.1f} MB")

        with Session(engine) as session:
            codes = list(session.scalars(select(DoorPlate.code)))
        sample = random.Random(1).choices(codes, k=LOOKUPS)
        timings = []
        for code in sample:
            t0 = time.perf_counter()
            with Session(engine) as session:
                view = lookup_plate(session, code, today=TODAY)
            timings.append((time.perf_counter() - t0) * 1000)
            assert view is not None
        timings.sort()
        print(f"plate_lookup_median: {statistics.median(timings):.3f} ms")
        print(f"plate_lookup_p95: {timings[int(len(timings) * 0.95)]:.3f} ms")
        engine.dispose()


def _database_mb(engine, url: str) -> float:  # type: ignore[no-untyped-def]
    if url.startswith("sqlite"):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    with engine.connect() as conn:
        return float(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()) / 1e6
