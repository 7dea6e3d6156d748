"""Officer review: the comparison rules per declaration, `menpai recheck` over the whole town, and
a supervisor's first queue page.

On a fresh SQLite file with the town-scale demo (issue 5 target: the recheck of all 150,000
residences under 60 s). The demo has no declarations, so every current residence (about
148,000) gets one pending tenant declaration first: its resident declaring themself in their
room with their real move-in date, as a town-wide re-declaration campaign would bring in.
Submitting that many one at a time through `submit_residence` is the declare benchmark's
business and would take minutes, so they are written in bulk, sealed as
`shared.declarations.store.seal_payload` seals a submission (version 1, its event, no findings
yet; the first payload is checked against `to_payload`). Then:

- `rules_per_declaration_median`: `run_rules` over a sample of those declarations, each alone as
  at submit (records read lazily, one declaration at a time);
- `recheck_seconds`: `recheck_all` as `menpai recheck` runs it, committing after each batch,
  over every pending declaration. None has findings stored yet and nearly all are late (moved
  in long ago), so this first run writes findings, a status and an event for almost every
  declaration: the worst case. `recheck_again_seconds` is a second run, where nothing changed;
- `queue_load_ms`: `list_queue` for a supervisor (the whole town), first page, default
  filters, each time in a new session; the median of a few loads.

Printed, not asserted.
"""

from __future__ import annotations

import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Row, func, insert, select
from sqlalchemy.orm import Session

from shared.core.crypto import decrypt
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.declarations.inputs import PersonInput, ResidenceInput, to_payload
from shared.declarations.store import RECEIPT_ALPHABET, RECEIPT_LENGTH, EventAction, payload_of, seal_payload
from shared.demo import build_demo_town
from shared.models import (
    Building,
    DeclarantRole,
    Declaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    DeclarationVersion,
    DoorPlate,
    Finding,
    Person,
    Residence,
    Room,
    User,
)
from shared.places.plates import active_residence_filter
from shared.review.queue import QueueFilters, list_queue
from shared.rules.checks import run_rules
from shared.rules.recheck import recheck_all
from shared.self_service.submit import PUBLIC_ACTOR
from shared.staff.auth import StaffIdentity

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
CHUNK = 5_000
RULE_SAMPLE = 300
QUEUE_LOADS = 5


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="menpai-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'review.db'}")
        upgrade_database(engine)
        with Session(engine) as session:
            build_demo_town(session, scale="town", seed=2026, today=TODAY)
            session.commit()
        started = time.perf_counter()
        declared = _declare_every_residence(engine)
        print(f"pending_declarations: {declared} (bulk-written in {time.perf_counter() - started:.1f} s)")
        _bench_rules(engine)
        _bench_recheck(engine)
        _bench_queue(engine)
        engine.dispose()


def _declare_every_residence(engine: Engine) -> int:
    """One pending tenant declaration per current residence, written in bulk; the count."""
    written = 0
    codes: set[str] = set()
    with Session(engine) as session:
        next_id = (session.scalar(select(func.max(Declaration.id))) or 0) + 1
        for rows in _residences(session):
            declarations, versions, events = [], [], []
            for row in rows:
                sealed = seal_payload(_payload(row, check=written == 0))
                declarations.append(
                    {
                        "id": next_id, "kind": DeclarationKind.RESIDENCE, "plate_code": row.plate_code,
                        "room_id": row.room_id, "declarant_role": DeclarantRole.TENANT,
                        "declarant_index": row.id_number_index, "payload_enc": sealed, "version": 1,
                        "status": DeclarationStatus.RECEIVED, "receipt_code": _receipt_code(codes),
                        "grid_code": row.grid_code, "created_at": NOW, "updated_at": NOW, "row_version": 1,
                    }
                )  # fmt: skip
                versions.append(
                    {"declaration_id": next_id, "version": 1, "payload_enc": sealed, "created_at": NOW}
                )
                events.append(
                    {"declaration_id": next_id, "actor": PUBLIC_ACTOR, "action": str(EventAction.SUBMITTED),
                     "note": "", "at": NOW}
                )  # fmt: skip
                next_id += 1
                written += 1
            # Core inserts on the connection: the ORM's bulk path costs more than SQLite here.
            connection = session.connection()
            connection.execute(insert(Declaration), declarations)
            connection.execute(insert(DeclarationVersion), versions)
            connection.execute(insert(DeclarationEvent), events)
            session.commit()
    return written


def _residences(session: Session) -> Iterator[Sequence[Row[*tuple[Any, ...]]]]:
    """Current residences with their person and plate, as plain rows, a chunk at a time."""
    query = (
        select(
            Residence.id, Residence.room_id, Residence.since, Residence.planned_until, Residence.reason,
            Residence.dwelling_type, Person.name, Person.sex, Person.ethnicity, Person.birth_date,
            Person.id_type, Person.id_number_enc, Person.id_number_index, Person.nationality,
            Person.hukou_address, Person.education, Person.phone_enc, Person.employer, Person.visa_expiry,
            DoorPlate.code.label("plate_code"), DoorPlate.grid_code,
        )
        .join(Person, Person.id == Residence.person_id)
        .join(Room, Room.id == Residence.room_id)
        .join(Building, Building.id == Room.building_id)
        .join(DoorPlate, DoorPlate.code == Building.plate_code)
        .where(active_residence_filter(TODAY))
        .order_by(Residence.id)
    )  # fmt: skip
    last = 0
    while True:
        rows = session.execute(query.where(Residence.id > last).limit(CHUNK)).all()
        if not rows:
            return
        last = rows[-1].id
        yield rows


def _payload(row: Row[*tuple[Any, ...]], *, check: bool = False) -> dict[str, Any]:
    """What the tenant form would have sent for this resident in this room: the dictionary
    `to_payload` makes, built directly (its `asdict` would be a third of the time here).
    `check` compares the two once."""
    person = {
        "name": row.name,
        "sex": row.sex,
        "ethnicity": row.ethnicity,
        "birth_date": row.birth_date.isoformat(),
        "id_type": row.id_type,
        "id_number": decrypt(row.id_number_enc),
        "nationality": row.nationality,
        "hukou_address": row.hukou_address,
        "education": row.education,
        "phone": decrypt(row.phone_enc) if row.phone_enc else None,
        "employer": row.employer,
        "relation": "self",
        "visa_expiry": row.visa_expiry.isoformat() if row.visa_expiry else None,
    }
    payload = {
        "room_id": row.room_id,
        "person": person,
        "family": [],
        "reason": row.reason,
        "dwelling_type": row.dwelling_type,
        "move_in": row.since.isoformat(),
        "planned_until": row.planned_until.isoformat() if row.planned_until else None,
        "privacy_accepted": True,
        "move_out": None,
    }
    if check:
        fields = {**person, "birth_date": row.birth_date, "visa_expiry": row.visa_expiry}
        form = ResidenceInput(
            room_id=row.room_id, person=PersonInput(**fields), family=(), reason=row.reason,
            dwelling_type=row.dwelling_type, move_in=row.since, planned_until=row.planned_until,
            privacy_accepted=True,
        )  # fmt: skip
        assert payload == to_payload(form), "the bulk payload differs from a submitted one"
    return payload


def _receipt_code(used: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
        if code not in used:
            used.add(code)
            return code


def _bench_rules(engine: Engine) -> None:
    with Session(engine) as session:
        total = session.scalar(select(func.count(Declaration.id))) or 0
        step = max(1, total // RULE_SAMPLE)
        ids = list(range(1, total + 1, step))[:RULE_SAMPLE]
    timings, found = [], 0
    for declaration_id in ids:
        with Session(engine) as session:
            declaration = session.get(Declaration, declaration_id)
            assert declaration is not None
            payload = payload_of(declaration)
            started = time.perf_counter()
            findings = run_rules(session, declaration, payload, now=NOW)
            timings.append((time.perf_counter() - started) * 1000)
            found += len(findings)
    print(f"rules_per_declaration_median: {statistics.median(timings):.2f} ms")
    print(f"rules_per_declaration_p95: {sorted(timings)[int(len(timings) * 0.95)]:.2f} ms")
    print(f"rules_sample: {len(timings)} declarations, {found} findings")


def _bench_recheck(engine: Engine) -> None:
    for label in ("recheck", "recheck_again"):
        with Session(engine) as session:
            started = time.perf_counter()
            report = recheck_all(session, now=NOW, after_batch=session.commit)
            session.commit()
            seconds = time.perf_counter() - started
        print(f"{label}_seconds: {seconds:.1f} s")
        print(
            f"{label}_report: {report.checked} checked, {report.changed} changed, {report.opened} opened, "
            f"{report.skipped} skipped, {report.unreadable} unreadable, {sum(report.failed_rules.values())} "
            "rule failures"
        )
    with Session(engine) as session:
        findings = session.scalar(select(func.count(Finding.id))) or 0
    print(f"recheck_findings: {findings} findings; by rule: {dict(report.findings_by_rule.most_common())}")


def _bench_queue(engine: Engine) -> None:
    with Session(engine) as session:
        supervisor = StaffIdentity.of(
            session.scalars(select(User).where(User.username == "supervisor")).one()
        )
    timings = []
    for _ in range(QUEUE_LOADS):
        with Session(engine) as session:
            started = time.perf_counter()
            page = list_queue(session, staff=supervisor, filters=QueueFilters(), now=NOW, limit=50)
            timings.append((time.perf_counter() - started) * 1000)
    print(f"queue_load_ms: {statistics.median(timings):.0f} ms (first load {timings[0]:.0f} ms)")
    print(f"queue_total: {page.total} items")
