"""Gate kiosk: resident pass checks per second through the service layer, and the median check.

On a fresh SQLite file with the town-scale demo, passes are issued for a few thousand current
residences; then scans are checked at the gate of each home's village (one in ten forged), each
check reading the pass, writing its passage and committing on its own, as a kiosk does (issue 6
target: at least 1,000 a second). The same scans with one commit per 100 checks are printed too,
for a gate that logs in batches. Printed, not asserted. BENCH_DATABASE_URL measures an empty
PostgreSQL database instead.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shared.core import crypto
from shared.core.config import get_settings
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from shared.gate.gates import PLACE_COLUMNS, join_place, list_gates, place_of
from shared.gate.pass_check import check_pass
from shared.gate.passes import issue_pass, pass_token
from shared.models import Passage, Residence, Room

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
PASSES = 3_000
CHECKS = 10_000
BATCH = 100
SECRET = "menpai benchmark secret"


def run() -> None:
    saved = os.environ.get("MENPAI_SECRET_KEY")
    os.environ["MENPAI_SECRET_KEY"] = SECRET  # never the deployment's key, never a file in data/
    get_settings.cache_clear()
    crypto.get_keyring.cache_clear()
    try:
        with tempfile.TemporaryDirectory(prefix="menpai-bench-") as tmp:
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'gate.db'}"
            engine = make_engine(url)
            upgrade_database(engine)
            with Session(engine) as session:
                build_demo_town(session, scale="town", seed=2026, today=TODAY)
                session.commit()
            scans = _issue_passes(engine)
            _bench(engine, scans, batch=1, label="pass_checks_per_second", median_label="pass_check_median")
            _bench(engine, scans, batch=BATCH, label=f"pass_checks_per_second_commit_every_{BATCH}")
            with Session(engine) as session:
                print(f"passages_logged: {session.scalar(select(func.count()).select_from(Passage))}")
            engine.dispose()
    finally:
        if saved is None:
            os.environ.pop("MENPAI_SECRET_KEY", None)
        else:
            os.environ["MENPAI_SECRET_KEY"] = saved
        get_settings.cache_clear()
        crypto.get_keyring.cache_clear()


def _issue_passes(engine: Engine) -> list[tuple[int, str]]:
    """(gate id, scanned text) pairs: a pass of a current resident at a gate admitting the home."""
    rng = random.Random(6)
    started = time.perf_counter()
    with Session(engine) as session:
        gates = list_gates(session)
        rows = session.execute(
            join_place(
                select(Residence.id, *PLACE_COLUMNS)
                .select_from(Residence)
                .join(Room, Residence.room_id == Room.id)
                .where(Residence.until.is_(None))
            )
        ).all()
        scans: list[tuple[int, str]] = []
        for row in rng.sample(rows, min(len(rows), PASSES * 4)):
            place = place_of(row)
            admitting = [
                g for g in gates if g.admits(village_code=place.village_code, grid_code=place.grid_code)
            ]
            if not admitting:
                continue
            issued = issue_pass(session, residence_id=row[0], now=NOW - timedelta(days=1), actor="bench")
            scans.append((rng.choice(admitting).id, pass_token(issued)))
            if len(scans) == PASSES:
                break
        session.commit()
    print(f"passes_issued: {len(scans)} in {time.perf_counter() - started:.1f} s")
    return scans


def _bench(
    engine: Engine, passes: list[tuple[int, str]], *, batch: int, label: str, median_label: str | None = None
) -> None:
    rng = random.Random(batch)
    sample = [rng.choice(passes) for _ in range(CHECKS)]
    sample = [(gate, _forged(token) if n % 10 == 0 else token) for n, (gate, token) in enumerate(sample)]
    timings: list[float] = []
    allowed = 0
    session = Session(engine)
    started = time.perf_counter()
    for n, (gate_id, scanned) in enumerate(sample, start=1):
        t0 = time.perf_counter()
        allowed += check_pass(session, gate_id=gate_id, scanned=scanned, now=NOW).allowed
        if n % batch == 0:
            session.commit()
            session.close()  # a kiosk opens a session per check; so does this loop at batch=1
            session = Session(engine)
        timings.append((time.perf_counter() - t0) * 1000)
    session.commit()
    session.close()
    seconds = time.perf_counter() - started
    print(f"{label}: {CHECKS / seconds:.0f} /s ({allowed} of {CHECKS} allowed)")
    if median_label:
        print(f"{median_label}: {statistics.median(timings):.2f} ms")
        print(f"{median_label.replace('median', 'p95')}: {statistics.quantiles(timings, n=20)[-1]:.2f} ms")


def _forged(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")
