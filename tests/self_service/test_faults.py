"""Faults: a submission killed at any moment leaves a whole declaration or none, and a retry
makes it whole exactly once; writers in several processes at once wait for each other instead
of failing. On a SQLite file in every run, and on PostgreSQL when DATABASE_URL names one.

The processes are real: `python -m tests.self_service.test_faults <mode> <json>` runs the portal's way of
submitting (validate the form, then one `session_scope` transaction per declaration). In the
kill mode that child forks one process per kill point, and each SIGKILLs itself at its point:
before the k-th SQL statement, before COMMIT, right after it, or a few microseconds into the
COMMIT itself. Forking from one warm process keeps a hundred kills to seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from subprocess import PIPE
from typing import Any

import pytest
from sqlalchemy import Engine, func, make_url, select, text
from sqlalchemy.orm import Session

from shared.core import db
from shared.core.audit import record_audit
from shared.core.config import PROJECT_ROOT
from shared.core.migrate import upgrade_database
from shared.declarations.store import EventAction, declarant_number, payload_of
from shared.models import AuditLog, Declaration, DeclarationEvent, DeclarationVersion, Finding
from shared.self_service.receipts import open_receipt
from tests.conftest import ON_POSTGRES, POSTGRES_URL
from tests.factories import (
    declarant_fields,
    make_building,
    make_grid,
    make_id_number,
    make_plate,
    make_room,
    person_fields,
    rental_fields,
    residence_fields,
    tenant_fields,
)
from tests.forking import run_forked
from tests.postgres_databases import scratch_database

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
COMMIT_DELAYS_US = (0, 100, 300, 1000, 3000, 10_000)  # kills that land inside COMMIT, or after it
CHILD_TIMEOUT = 300


# -- the database under test -----------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    """One plate with two rooms: enough for a residence and a rental with a tenant."""

    url: str
    plate_code: str
    room_ids: tuple[int, int]


@pytest.fixture(params=["sqlite", "postgresql"])
def town(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Town]:
    """A migrated database of this test's own with a plate and two rooms. No `db_url`: the
    SQLite variant runs in the PostgreSQL run too, and the PostgreSQL variant needs a database
    its children may fill and that is dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'faults.db'}"
        yield _seeded(url)
        return
    if not ON_POSTGRES:
        pytest.skip("DATABASE_URL is not PostgreSQL (CI's PostgreSQL run covers it)")
    name = f"{make_url(POSTGRES_URL).database}_faults_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with scratch_database(POSTGRES_URL, name) as url:
        yield _seeded(url)


def _seeded(url: str) -> Town:
    engine = db.make_engine(url)
    upgrade_database(engine)
    with Session(engine) as session:
        plate = make_plate(session, grid=make_grid(session))
        building = make_building(session, plate=plate)
        rooms = (
            make_room(session, building=building, number="101"),
            make_room(session, building=building, number="102"),
        )
        town = Town(url, plate.code, (rooms[0].id, rooms[1].id))
        session.commit()
    engine.dispose()
    return town


@contextmanager
def _children() -> Iterator[Callable[[str, dict[str, Any]], subprocess.Popen[str]]]:
    """Start `python -m tests.self_service.test_faults <mode> <spec>` children; any still running at the end
    (a failed test) are killed."""
    started: list[subprocess.Popen[str]] = []

    def start(mode: str, spec: dict[str, Any]) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "tests.self_service.test_faults", mode, json.dumps(spec)]
        child = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=PIPE, stderr=PIPE, text=True)
        started.append(child)
        return child

    try:
        yield start
    finally:
        for child in started:
            if child.poll() is None:
                child.kill()
            child.communicate()


# -- what a whole declaration is -------------------------------------------------------------------


def assert_every_declaration_is_whole(engine: Engine) -> int:
    """Each declaration has its versions 1..n, one "submitted" event, one submission audit entry,
    and its receipt opens with the declarant's document tail; no version, event, finding or
    declaration audit entry points at a declaration that is not there. Returns the count."""
    with Session(engine) as session:
        declarations = session.scalars(select(Declaration).order_by(Declaration.id)).all()
        ids = {d.id for d in declarations}
        for d in declarations:
            versions = session.scalars(
                select(DeclarationVersion.version).where(DeclarationVersion.declaration_id == d.id)
            ).all()
            assert sorted(versions) == list(range(1, d.version + 1)), (
                f"declaration {d.id}: versions {versions}"
            )
            submitted = session.scalar(
                select(func.count())
                .select_from(DeclarationEvent)
                .where(
                    DeclarationEvent.declaration_id == d.id, DeclarationEvent.action == EventAction.SUBMITTED
                )
            )
            assert submitted == 1, f"declaration {d.id}: {submitted} submitted events"
            audited = session.scalar(
                select(func.count())
                .select_from(AuditLog)
                .where(
                    AuditLog.target_type == "declaration",
                    AuditLog.target_id == str(d.id),
                    AuditLog.action == f"declaration.submit.{d.kind.value}",
                )
            )
            assert audited == 1, f"declaration {d.id}: {audited} submission audit entries"
            tail = declarant_number(d.kind, payload_of(d))[-6:]
            view = open_receipt(
                session, receipt_code=d.receipt_code, doc_tail=tail, client_key="faults", now=NOW
            )
            assert view.declaration_id == d.id
        for model in (DeclarationVersion, DeclarationEvent, Finding):
            pointed = set(session.scalars(select(model.declaration_id).distinct()))
            assert pointed <= ids, f"{model.__tablename__} of missing declarations: {pointed - ids}"
        audited_ids = set(
            session.scalars(
                select(AuditLog.target_id).where(
                    AuditLog.target_type == "declaration", AuditLog.action.like("declaration.submit.%")
                )
            )
        )
        assert audited_ids <= {str(i) for i in ids}, f"audit entries of missing declarations: {audited_ids}"
        if engine.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        return len(declarations)


# -- the tests -------------------------------------------------------------------------------------


def test_a_killed_submission_leaves_a_whole_declaration_or_none(town: Town, tmp_path: Path) -> None:
    """One process per kill point, each killed at its point in a residence and then a rental
    submission; after each kill what is in the database is exactly what had committed, and a
    retry with the same form (same idempotency key) completes it once."""
    spec = {"url": town.url, "plate": town.plate_code, "rooms": town.room_ids, "logs": str(tmp_path)}
    with _children() as start:
        out, err = (child := start("kill", spec)).communicate(timeout=CHILD_TIMEOUT)
    assert child.returncode == 0, err
    runs = [json.loads(line) for line in out.splitlines()]
    exact = [r for r in runs if r["point"].startswith("event")]
    # Every event of both submissions was a kill point: the last run got through untouched.
    assert exact[-1]["killed"] is False and all(r["killed"] for r in exact[:-1])
    assert len(exact) > 2 * 10, "a submission is more than ten statements"
    where = {r["where"] for r in exact}
    assert {"INSERT INTO declarations", "INSERT INTO audit_log", "COMMIT", "after COMMIT"} <= where
    for run in runs:
        if run["point"].startswith("event"):
            assert run["present"] == run["committed"], run
        else:  # killed somewhere in or after a COMMIT: committed or not, the check below says whole
            assert set(run["committed"]) <= set(run["present"]) <= set(run["keys"]), run
        assert sorted(run["after_retry"]) == sorted(run["keys"]), run
    engine = db.make_engine(town.url)
    try:
        assert assert_every_declaration_is_whole(engine) == 2 * len(runs)
    finally:
        engine.dispose()


WRITERS = 4
RUNS_PER_WRITER = 6  # a residence and a rental each


def test_writers_in_several_processes_wait_for_each_other(town: Town, tmp_path: Path) -> None:
    """Four processes submit at once (each submission reads before it writes, as every real one
    does); none fails with "database is locked", and every declaration is there and whole."""
    go = tmp_path / "go"
    spec = {"url": town.url, "plate": town.plate_code, "rooms": town.room_ids, "count": RUNS_PER_WRITER}
    with _children() as start:
        writers = [start("write", {**spec, "writer": w, "go": str(go)}) for w in range(WRITERS)]
        deadline = time.monotonic() + 120
        while not all(Path(f"{go}.ready{w}").exists() for w in range(WRITERS)):
            assert time.monotonic() < deadline, "the writers did not start"
            assert all(w.poll() is None for w in writers), "a writer ended before the start"
            time.sleep(0.05)
        go.touch()
        results = [w.communicate(timeout=CHILD_TIMEOUT) for w in writers]
    failures = [err for w, (_, err) in zip(writers, results, strict=True) if w.returncode != 0]
    assert not failures, failures[0]
    engine = db.make_engine(town.url)
    try:
        assert assert_every_declaration_is_whole(engine) == WRITERS * RUNS_PER_WRITER * 2
    finally:
        engine.dispose()


def test_work_in_a_savepoint_commits_with_its_transaction_not_before(db_url: str) -> None:
    """A savepoint opened after reads but before any write (the recheck's guarded update) is
    part of the session's transaction: released, its rows stay invisible to others, and the
    session's rollback removes them."""
    engine = db.make_engine(db_url)
    probe = select(func.count()).select_from(AuditLog).where(AuditLog.action == "faults.probe")
    try:
        with Session(engine) as session, engine.connect() as other:
            session.scalars(select(Declaration.id)).all()
            with session.begin_nested():
                record_audit(session, actor="test", action="faults.probe", target_type="test", target_id=1)
            assert session.scalar(probe) == 1
            assert other.scalar(probe) == 0, "released savepoint was committed on its own"
            session.rollback()
        with engine.connect() as conn:
            assert conn.scalar(probe) == 0
    finally:
        engine.dispose()


# -- the child processes ---------------------------------------------------------------------------


def _forms(spec: dict[str, Any], n: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Run n's residence and rental forms, with declarants of their own (so no submission is a
    repeat of another's) and keys of their own; the same n gives the same forms."""
    room, other = spec["rooms"]
    born = date(1960, 1, 1) + timedelta(days=n)
    tenant_id = make_id_number("430102", born.strftime("%Y%m%d"), "011")
    lodger_id = make_id_number("430102", born.strftime("%Y%m%d"), "033")
    landlord_id = make_id_number("441900", born.strftime("%Y%m%d"), "051")
    residence = residence_fields(room, person=person_fields(id_number=tenant_id, birth_date=born))
    lodger = tenant_fields(other, id_number=lodger_id, birth_date=born, name="王五")
    rental = rental_fields([room, other], landlord=declarant_fields(id_number=landlord_id), tenants=[lodger])
    return [("residence", f"{n}-residence", residence), ("rental", f"{n}-rental", rental)]


def _submit(spec: dict[str, Any], kind: str, key: str, raw: dict[str, Any]) -> None:
    """As the portal's form does: check the input, then one transaction for the declaration."""
    from shared.declarations.forms import validate_rental, validate_residence
    from shared.self_service.submit import submit_rental, submit_residence

    validate, submit = {
        "residence": (validate_residence, submit_residence),
        "rental": (validate_rental, submit_rental),
    }[kind]
    data = validate(raw, today=TODAY)
    with db.session_scope(spec["url"]) as session:
        submit(session, plate_code=spec["plate"], data=data, idempotency_key=key, now=NOW)


def _kill_at(spec: dict[str, Any], n: int, point: str, log_fd: int) -> None:
    """In a forked process: submit run n's forms, logging each event to `log_fd` (unbuffered, so
    the log survives the kill), and SIGKILL this process at `point`: `event:k` before the k-th
    event (a statement, a COMMIT, the return from one), `commit:j:us` us microseconds into the
    j-th COMMIT."""
    from sqlalchemy import event

    engine = db.get_engine(spec["url"])
    kind, *args = point.split(":")
    events = commits = 0

    def reached(what: str) -> None:
        nonlocal events
        events += 1
        os.write(log_fd, json.dumps({"event": events, "what": what}).encode() + b"\n")
        if kind == "event" and events == int(args[0]):
            os.kill(os.getpid(), signal.SIGKILL)

    def kill_soon(delay: float) -> None:
        # Sleeping lets the main thread run into the driver's COMMIT, which runs without the GIL.
        time.sleep(delay)
        os.kill(os.getpid(), signal.SIGKILL)

    def before_statement(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        reached(" ".join(statement.split()[:3]))

    def before_commit(conn: Any) -> None:
        nonlocal commits
        reached("COMMIT")
        commits += 1
        if kind == "commit" and commits == int(args[0]):
            threading.Thread(target=kill_soon, args=(int(args[1]) / 1e6,), daemon=True).start()

    event.listen(engine, "before_cursor_execute", before_statement)
    event.listen(engine, "commit", before_commit)
    sys.setswitchinterval(1e-5)  # the killer thread wakes when its time is up, not 5 ms later
    for form_kind, key, raw in _forms(spec, n):
        _submit(spec, form_kind, key, raw)
        os.write(log_fd, json.dumps({"committed": key}).encode() + b"\n")
        reached("after COMMIT")
    time.sleep(1 if kind == "commit" else 0)  # a killer thread may still be on its way


def _present_keys(url: str, keys: list[str]) -> list[str]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.scalars(
                select(Declaration.idempotency_key).where(Declaration.idempotency_key.in_(keys))
            )
            return sorted(k for k in found if k is not None)
    finally:
        engine.dispose()


def _retry(spec: dict[str, Any], n: int) -> None:
    for form in _forms(spec, n):
        _submit(spec, *form)


def _one_run(spec: dict[str, Any], n: int, point: str) -> dict[str, Any]:
    """Run n killed at `point`: what had committed, what is in the database, what a retry leaves."""
    log = Path(spec["logs"]) / f"run{n}.log"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    status = run_forked(_kill_at, spec, n, point, fd)
    os.close(fd)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    if not killed and status != 0:
        raise SystemExit(f"run {n} killed at {point} failed otherwise (wait status {status})")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    keys = [key for _, key, _ in _forms(spec, n)]
    present = _present_keys(spec["url"], keys)
    if run_forked(_retry, spec, n) != 0:
        raise SystemExit(f"the retry of run {n} failed")
    events = [line["what"] for line in lines if "event" in line]
    return {
        "point": point,
        "killed": killed,
        "where": events[-1] if killed and events else "",
        "keys": keys,
        "committed": sorted(line["committed"] for line in lines if "committed" in line),
        "present": present,
        "after_retry": _present_keys(spec["url"], keys),
    }


def kill_child(spec: dict[str, Any]) -> None:
    """Kill a run at every event until one gets through, then runs inside each COMMIT; one line
    of JSON per run on stdout."""
    import shared.rules.checks  # noqa: F401  (loaded before forking, as in a warm server)

    points = (f"event:{k}" for k in range(1, 10_000))
    n = 0
    for n, point in enumerate(points):
        result = _one_run(spec, n, point)
        print(json.dumps(result), flush=True)
        if not result["killed"]:
            break
    for which in (1, 2):
        for delay in COMMIT_DELAYS_US:
            n += 1
            print(json.dumps(_one_run(spec, n, f"commit:{which}:{delay}")), flush=True)


def write_child(spec: dict[str, Any]) -> None:
    """Wait for the go signal, then submit `count` runs of forms as fast as possible."""
    import shared.rules.checks  # noqa: F401

    go = Path(spec["go"])
    Path(f"{go}.ready{spec['writer']}").touch()
    while not go.exists():
        time.sleep(0.005)
    for i in range(spec["count"]):
        for form in _forms(spec, 1000 * (spec["writer"] + 1) + i):
            _submit(spec, *form)


if __name__ == "__main__":
    {"kill": kill_child, "write": write_child}[sys.argv[1]](json.loads(sys.argv[2]))
