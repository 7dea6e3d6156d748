"""可申领居住证 notices: the day a migrant's registered stay reaches 183 days, the declarant of
their approved residence declaration is told once; nobody is told before, after moving away, or
without such a declaration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import Notice, NoticeKind, Residence, Room
from shared.self_service.permit import PERMIT_DAYS
from shared.self_service.permit_notices import CATCH_UP_DAYS, permit_once_key, queue_permit_notices
from tests.factories import (
    make_id_number,
    make_person,
    make_residence,
    person_fields,
)
from tests.self_service.permit_town import MOVED_IN, approved

pytestmark = pytest.mark.usefixtures("without_comparison_rules")

SPOUSE_ID = make_id_number("430102", "19910303", "024")


def on_day(days: int) -> datetime:
    """07:30 in Mayong (23:30 UTC the evening before) on day `days` of the stay: the China date."""
    day = MOVED_IN + timedelta(days=days)
    return datetime(day.year, day.month, day.day, 7, 30, tzinfo=UTC) - timedelta(hours=8)


def permit_notices(session: Session) -> list[tuple[int, str | None]]:
    rows = session.scalars(
        select(Notice).where(Notice.kind == NoticeKind.PERMIT_POSSIBLE).order_by(Notice.id)
    )
    return [(n.declaration_id, n.once_key) for n in rows]


def test_day_182_tells_nobody_and_day_183_tells_the_declarant_once(session: Session, room: Room) -> None:
    declaration = approved(session, room)
    assert queue_permit_notices(session, now=on_day(PERMIT_DAYS - 1)) == 0
    assert permit_notices(session) == []
    assert queue_permit_notices(session, now=on_day(PERMIT_DAYS)) == 1
    assert queue_permit_notices(session, now=on_day(PERMIT_DAYS)) == 0  # cron again
    assert queue_permit_notices(session, now=on_day(PERMIT_DAYS + 5)) == 0
    (person_id,) = session.scalars(select(Residence.person_id))
    assert permit_notices(session) == [(declaration.id, permit_once_key(person_id, MOVED_IN))]


def test_a_missed_run_catches_up_but_not_on_stays_long_past(session: Session, room: Room) -> None:
    approved(session, room)
    assert queue_permit_notices(session, now=on_day(PERMIT_DAYS + CATCH_UP_DAYS + 1)) == 0
    assert queue_permit_notices(session, now=on_day(PERMIT_DAYS + CATCH_UP_DAYS)) == 1


def test_the_family_is_told_through_its_declarant(session: Session, room: Room) -> None:
    spouse = person_fields(name="王芳", id_number=SPOUSE_ID, relation="spouse", birth_date="", sex="")
    declaration = approved(session, room, family=[spouse])
    assert queue_permit_notices(session, now=on_day(PERMIT_DAYS)) == 2
    assert [declaration_id for declaration_id, _ in permit_notices(session)] == [declaration.id] * 2


def test_who_moved_away_or_has_no_own_declaration_is_not_told(session: Session, room: Room) -> None:
    approved(session, room)
    residence = session.scalars(select(Residence)).one()
    residence.until = MOVED_IN + timedelta(days=PERMIT_DAYS)  # gone the day they would be told
    undeclared = make_person(session, name="王五", id_number=make_id_number("430102"))
    make_residence(session, room=room, person=undeclared, since=MOVED_IN)  # only on record
    session.commit()
    assert queue_permit_notices(session, now=on_day(PERMIT_DAYS)) == 0
    assert permit_notices(session) == []
