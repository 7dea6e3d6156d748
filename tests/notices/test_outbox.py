"""The outbox: a notice is written with the decision it tells about and rolled back with it;
bulk approval writes one per approved item; a trigger with a key writes once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.errors import DomainError
from shared.models import Notice, NoticeKind, NoticeStatus
from shared.notices.outbox import claim_due, queue_notice, retry_delay
from shared.review.bulk import bulk_approve
from shared.review.decisions import approve, ask_correction, reject
from shared.review.queue import QueueFilters
from tests.notices.conftest import NOW, Town, declare


def notices(session: Session) -> list[tuple[int, NoticeKind, str, NoticeStatus]]:
    rows = session.execute(
        select(Notice.declaration_id, Notice.kind, Notice.receipt_code, Notice.status).order_by(Notice.id)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_each_decision_writes_its_notice_with_the_receipt_code(session: Session, town: Town) -> None:
    first, second, third = (declare(session, town, n) for n in range(3))
    approve(session, declaration_id=first.id, staff=town.officer, now=NOW, expected_version=first.row_version)
    reject(
        session,
        declaration_id=second.id,
        staff=town.officer,
        now=NOW,
        expected_version=second.row_version,
        reason="房间号不符",
    )
    ask_correction(
        session,
        declaration_id=third.id,
        staff=town.officer,
        now=NOW,
        expected_version=third.row_version,
        fields=["person.phone"],
        note="请核对电话",
    )
    session.commit()
    assert notices(session) == [
        (first.id, NoticeKind.APPROVED, first.receipt_code, NoticeStatus.PENDING),
        (second.id, NoticeKind.REJECTED, second.receipt_code, NoticeStatus.PENDING),
        (third.id, NoticeKind.CORRECTION_REQUESTED, third.receipt_code, NoticeStatus.PENDING),
    ]


def test_a_decision_rolled_back_leaves_no_notice(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    approve(
        session,
        declaration_id=declaration.id,
        staff=town.officer,
        now=NOW,
        expected_version=declaration.row_version,
    )
    assert len(notices(session)) == 1  # written in the decision's transaction …
    session.rollback()
    assert notices(session) == []  # … and gone with it


def test_a_refused_decision_writes_no_notice(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    with pytest.raises(DomainError):
        approve(
            session,
            declaration_id=declaration.id,
            staff=town.officer,
            now=NOW,
            expected_version=declaration.row_version + 7,
        )
    session.rollback()
    assert notices(session) == []


def test_bulk_approval_writes_one_notice_per_approved_item_and_none_for_a_skipped_one(
    session: Session, town: Town
) -> None:
    items = [declare(session, town, n) for n in range(3)]
    confirmed = {d.id: d.row_version for d in items}
    confirmed[items[1].id] += 1  # the officer was shown another version: skipped
    result = bulk_approve(session, staff=town.officer, filters=QueueFilters(), now=NOW, confirmed=confirmed)
    session.commit()
    assert result.skipped_ids == (items[1].id,)
    assert [(d, k) for d, k, _, _ in notices(session)] == [
        (items[0].id, NoticeKind.APPROVED),
        (items[2].id, NoticeKind.APPROVED),
    ]


def test_a_trigger_with_a_key_queues_once(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    key = f"permit:{declaration.id}"
    first = queue_notice(
        session, kind=NoticeKind.PERMIT_POSSIBLE, declaration=declaration, now=NOW, once_key=key
    )
    session.commit()
    again = queue_notice(
        session, kind=NoticeKind.PERMIT_POSSIBLE, declaration=declaration, now=NOW, once_key=key
    )
    session.commit()
    assert first is not None and again is None
    assert len(notices(session)) == 1


def test_a_claim_takes_due_rows_once_and_a_lapsed_lease_hands_them_back(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    for _ in range(3):
        queue_notice(session, kind=NoticeKind.APPROVED, declaration=declaration, now=NOW)
    queue_notice(session, kind=NoticeKind.APPROVED, declaration=declaration, now=NOW + timedelta(hours=1))
    session.commit()
    first = claim_due(session, now=NOW, limit=2, lease=timedelta(minutes=5))
    second = claim_due(session, now=NOW, limit=10, lease=timedelta(minutes=5))
    third = claim_due(session, now=NOW + timedelta(minutes=1), limit=10)
    session.commit()
    assert len(first) == 2 and len(second) == 1 and third == []  # the later one is not due yet
    assert {c.id for c in first}.isdisjoint(c.id for c in second)
    lapsed = claim_due(session, now=NOW + timedelta(minutes=6), limit=10)
    assert sorted(c.id for c in lapsed) == sorted(c.id for c in first + second)
    assert all(c.attempts == 2 for c in lapsed)  # a claim is an attempt


def test_backoff_doubles_from_a_minute_up_to_six_hours() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(30) == timedelta(hours=6)
