"""A sender killed anywhere loses no notice and, run again, sends each once.

The processes are real: `python -m tests.notices.test_faults kill <json>` runs a sender the way
`menpai notices send` does, forking one process per kill point, and each SIGKILLs itself at its
point: before the k-th SQL statement or COMMIT of the drain (claims, reads of the payload, the
record of each outcome), or right after the j-th message left the sender and before its outcome
was recorded. After each kill a second sender, started once the killed one's lease has run out,
drains the rest. The outbox is then all SENT, and the channel holds each notice exactly once.
A notice whose message had left before the kill is handed to the channel again with the same
key (`notice-<id>`), which the channel keeps once: the file sender does, an SMS gateway gets it
as OutId. On a SQLite file, and on PostgreSQL when DATABASE_URL names one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from subprocess import PIPE
from typing import Any

import pytest
from sqlalchemy import make_url, select, update
from sqlalchemy.orm import Session

from shared.core import db
from shared.core.config import PROJECT_ROOT
from shared.core.migrate import upgrade_database
from shared.models import Notice, NoticeStatus
from shared.notices.senders import FileSender, Message, SendResult
from shared.review.decisions import approve
from tests.conftest import ON_POSTGRES, POSTGRES_URL
from tests.factories import (
    declare_residence,
    make_building,
    make_grid,
    make_id_number,
    make_plate,
    make_room,
    person_fields,
    staff_identity,
)
from tests.forking import run_forked
from tests.notices.conftest import NOW
from tests.postgres_databases import scratch_database

NOTICES = 4
BATCH = 3  # two claims: a kill lands inside a batch and between batches
LATER = NOW + timedelta(minutes=10)  # the killed sender's lease (5 minutes) has run out
CHILD_TIMEOUT = 300


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox_url(
    request: pytest.FixtureRequest, tmp_path: Path, without_comparison_rules: None
) -> Iterator[str]:
    """A migrated database of this test's own with four approved declarations, so four notices."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'outbox.db'}"
        _seed(url)
        yield url
        return
    if not ON_POSTGRES:
        pytest.skip("DATABASE_URL is not PostgreSQL (CI's PostgreSQL run covers it)")
    name = f"{make_url(POSTGRES_URL).database}_notices_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with scratch_database(POSTGRES_URL, name) as url:
        _seed(url)
        yield url


def _seed(url: str) -> None:
    engine = db.make_engine(url)
    upgrade_database(engine)
    officer = staff_identity("officer", ["G1"])
    with Session(engine, expire_on_commit=False) as session:
        building = make_building(session, plate=make_plate(session, grid=make_grid(session, code="G1")))
        room = make_room(session, building=building, number="101")
        for n in range(NOTICES):
            number = make_id_number("430102", f"1990010{n + 1}", "011")
            person = person_fields(id_number=number, birth_date="")
            declaration = declare_residence(session, room=room, now=NOW, person=person)
            session.commit()
            approve(
                session,
                declaration_id=declaration.id,
                staff=officer,
                now=NOW,
                expected_version=declaration.row_version,
            )
            session.commit()
    engine.dispose()


def test_a_killed_sender_loses_nothing_and_a_second_run_sends_each_notice_once(
    outbox_url: str, tmp_path: Path
) -> None:
    spec = {"url": outbox_url, "out": str(tmp_path)}
    command = [sys.executable, "-m", "tests.notices.test_faults", "kill", json.dumps(spec)]
    child = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=PIPE, stderr=PIPE, text=True)
    try:
        out, err = child.communicate(timeout=CHILD_TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, err
    runs = [json.loads(line) for line in out.splitlines()]
    events = [r for r in runs if r["point"].startswith("event")]
    assert events[-1]["killed"] is False and all(r["killed"] for r in events[:-1])
    assert len(events) > 3 * NOTICES, "a drain is more than three statements a notice"
    assert {r["where"] for r in events} >= {
        "UPDATE notices SET",
        "SELECT declarations.kind, declarations.payload_enc",
        "COMMIT",
    }
    assert all(r["killed"] for r in runs if r["point"].startswith("sent"))
    keys = {f"notice-{i}" for i in runs[0]["ids"]}
    for run in runs:
        # Killed: whatever was not recorded as sent is still there to be sent.
        assert run["unfinished"] + run["sent_before"] == NOTICES, run
        assert set(run["statuses"]) == {NoticeStatus.SENT.value}, run
        assert run["delivered"] == dict.fromkeys(keys, 1), run  # each exactly once
        handed = Counter(run["handed"])
        assert set(handed) == keys, run
        # Handed twice only when the kill fell after the hand-over and before its record.
        assert sum(handed.values()) - NOTICES <= 1, run
    for j in range(1, NOTICES + 1):
        (run,) = [r for r in runs if r["point"] == f"sent:{j}"]
        assert sum(Counter(run["handed"]).values()) == NOTICES + 1, run


# -- the child processes ---------------------------------------------------------------------------


class Recording:
    """The demo's file sender, with every hand-over logged (unbuffered, so it survives a kill)
    and a kill right after the `kill_after`-th one."""

    channel = "file"

    def __init__(self, out: Path, kill_after: int | None) -> None:
        self.file = FileSender(out / "delivered.jsonl")
        self.handed = out / "handed.log"
        self.kill_after = kill_after
        self.count = 0

    def send(self, message: Message) -> SendResult:
        fd = os.open(self.handed, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.write(fd, message.key.encode() + b"\n")
        os.close(fd)
        result = self.file.send(message)
        self.count += 1
        if self.count == self.kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result


def _drain(spec: dict[str, Any], point: str, now: Any) -> None:
    """In a forked process: drain the outbox, SIGKILLed at `point` (`event:k`, `sent:j`, `none`)."""
    from sqlalchemy import event

    from shared.notices.delivery import send_due

    db.dispose_engines()
    engine = db.get_engine(spec["url"])
    kind, _, arg = point.partition(":")
    events = 0

    def reached(what: str) -> None:
        nonlocal events
        events += 1
        fd = os.open(Path(spec["out"]) / "events.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.write(fd, what.encode() + b"\n")
        os.close(fd)
        if kind == "event" and events == int(arg):
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(engine, "before_cursor_execute", lambda c, cur, statement, *a: reached(_words(statement)))
    event.listen(engine, "commit", lambda conn: reached("COMMIT"))
    sender = Recording(Path(spec["out"]), int(arg) if kind == "sent" else None)
    send_due(db.get_session_factory(spec["url"]), sender=sender, clock=lambda: now, batch=BATCH)


def _words(statement: str) -> str:
    return " ".join(statement.split()[:3])


def _statuses(url: str) -> list[tuple[int, str]]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Notice.id, Notice.status).order_by(Notice.id))
            return [(i, str(s)) for i, s in rows]
    finally:
        engine.dispose()


def _reset(spec: dict[str, Any]) -> None:
    """Every notice waiting again, the channel empty: the next kill point starts afresh."""
    engine = db.make_engine(spec["url"])
    try:
        with engine.begin() as conn:
            conn.execute(
                update(Notice).values(
                    status=NoticeStatus.PENDING,
                    attempts=0,
                    next_attempt_at=NOW,
                    claim_token=None,
                    lease_until=None,
                    sent_at=None,
                    channel="",
                    gateway_id="",
                    last_error="",
                )
            )
    finally:
        engine.dispose()
    for name in ("delivered.jsonl", "handed.log", "events.log"):
        (Path(spec["out"]) / name).unlink(missing_ok=True)


def _one_run(spec: dict[str, Any], point: str) -> dict[str, Any]:
    _reset(spec)
    out = Path(spec["out"])
    status = run_forked(_drain, spec, point, NOW)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    if not killed and status != 0:
        raise SystemExit(f"the drain killed at {point} failed otherwise (wait status {status})")
    events = (out / "events.log").read_text().splitlines() if (out / "events.log").exists() else []
    before = _statuses(spec["url"])
    if run_forked(_drain, spec, "none", LATER) != 0:
        raise SystemExit(f"the second drain after {point} failed")
    after = _statuses(spec["url"])
    delivered = Counter(
        json.loads(line)["key"] for line in (out / "delivered.jsonl").read_text(encoding="utf-8").splitlines()
    )
    return {
        "point": point,
        "killed": killed,
        "where": events[-1] if killed and events else "",
        "ids": [i for i, _ in after],
        "sent_before": sum(s == NoticeStatus.SENT.value for _, s in before),
        "unfinished": sum(s in (NoticeStatus.PENDING.value, NoticeStatus.SENDING.value) for _, s in before),
        "statuses": [s for _, s in after],
        "delivered": dict(delivered),
        "handed": (out / "handed.log").read_text().splitlines(),
    }


def kill_child(spec: dict[str, Any]) -> None:
    """Kill a drain at every event until one gets through, then after each hand-over; one line
    of JSON per run on stdout."""
    import shared.notices.delivery  # noqa: F401  (loaded before forking, as in a warm process)

    for k in range(1, 10_000):
        result = _one_run(spec, f"event:{k}")
        print(json.dumps(result), flush=True)
        if not result["killed"]:
            break
    for j in range(1, NOTICES + 1):
        print(json.dumps(_one_run(spec, f"sent:{j}")), flush=True)


if __name__ == "__main__":
    {"kill": kill_child}[sys.argv[1]](json.loads(sys.argv[2]))
