"""Draining the outbox: each notice is sent once, a failure waits for its backoff and is tried
again, a refusal or spent attempts end as FAILED, no phone ends as NO_RECIPIENT, and two senders
draining at once never send one notice twice."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from shared.models import Notice, NoticeKind, NoticeStatus
from shared.notices.delivery import send_due
from shared.notices.outbox import MAX_ATTEMPTS, queue_notice
from shared.notices.senders import FileSender, Message, SendError, SendResult
from tests.factories import CHILD_ID, person_fields
from tests.notices.conftest import NOW, Town, declare


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Flaky:
    """Fails the first `failures` calls (retryable unless told), then sends; logs every call."""

    channel = "test"

    def __init__(self, failures: int = 0, *, retryable: bool = True) -> None:
        self.failures = failures
        self.retryable = retryable
        self.calls: list[Message] = []

    def send(self, message: Message) -> SendResult:
        self.calls.append(message)
        if len(self.calls) <= self.failures:
            raise SendError("HTTP 503", retryable=self.retryable)
        return SendResult(self.channel, f"gw-{len(self.calls)}")


def queued(session: Session, town: Town, count: int = 1, **fields: object) -> list[int]:
    ids = []
    for n in range(count):
        declaration = declare(session, town, n % 3, **fields)
        ids.append(queue_notice(session, kind=NoticeKind.APPROVED, declaration=declaration, now=NOW).id)  # type: ignore[union-attr]
        session.commit()
    return ids


def state(session: Session, notice_id: int) -> Notice:
    session.expire_all()
    notice = session.get(Notice, notice_id)
    assert notice is not None
    return notice


def test_a_notice_is_sent_once_with_the_phone_and_only_the_receipt_code(
    session: Session, engine: Engine, town: Town, tmp_path: Path
) -> None:
    (notice_id,) = queued(session, town)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    sender = Flaky()
    first = send_due(factory, sender=sender, clock=Clock(NOW))
    second = send_due(factory, sender=sender, clock=Clock(NOW + timedelta(days=1)))
    assert (first.sent, second.handled) == (1, 0)
    (message,) = sender.calls
    code = state(session, notice_id).receipt_code
    assert message.phone == "+8613800138000" and message.key == f"notice-{notice_id}"
    assert code in message.text and "李四" not in message.text and "13800138000" not in message.text
    assert "已核实通过" in message.text and "approved" in message.text
    notice = state(session, notice_id)
    assert (notice.status, notice.sent_at, notice.gateway_id, notice.attempts) == (
        NoticeStatus.SENT,
        NOW,
        "gw-1",
        1,
    )


def test_a_failed_send_waits_for_its_backoff_and_is_tried_again(
    session: Session, engine: Engine, town: Town
) -> None:
    (notice_id,) = queued(session, town)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    sender, clock = Flaky(failures=2), Clock(NOW)
    assert send_due(factory, sender=sender, clock=clock).retrying == 1
    notice = state(session, notice_id)
    assert (notice.status, notice.next_attempt_at, notice.last_error) == (
        NoticeStatus.PENDING,
        NOW + timedelta(minutes=1),
        "HTTP 503",
    )
    clock.now = NOW + timedelta(seconds=59)
    assert send_due(factory, sender=sender, clock=clock).handled == 0  # not before its time
    clock.now = NOW + timedelta(minutes=1)
    assert send_due(factory, sender=sender, clock=clock).retrying == 1
    assert state(session, notice_id).next_attempt_at == clock.now + timedelta(minutes=2)  # doubled
    clock.now += timedelta(minutes=2)
    assert send_due(factory, sender=sender, clock=clock).sent == 1
    notice = state(session, notice_id)
    assert (notice.status, notice.attempts, notice.last_error) == (NoticeStatus.SENT, 3, "")
    assert len(sender.calls) == 3


def test_spent_attempts_and_a_refusal_end_as_failed(session: Session, engine: Engine, town: Town) -> None:
    spent, refused = queued(session, town, 2)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    clock = Clock(NOW)
    always = Flaky(failures=10**6)
    refusing = Flaky(failures=10**6, retryable=False)
    send_due(factory, sender=refusing, clock=clock, limit=1)  # the older one first
    assert state(session, spent).status is NoticeStatus.FAILED and len(refusing.calls) == 1
    for _ in range(MAX_ATTEMPTS + 2):
        send_due(factory, sender=always, clock=clock)
        clock.now += timedelta(hours=7)
    notice = state(session, refused)
    assert (notice.status, notice.attempts, len(always.calls)) == (
        NoticeStatus.FAILED,
        MAX_ATTEMPTS,
        MAX_ATTEMPTS,
    )


def test_a_declarant_without_a_phone_gets_no_notice(session: Session, engine: Engine, town: Town) -> None:
    child = person_fields(name="李小", id_number=CHILD_ID, birth_date="", sex="", phone="")
    (notice_id,) = queued(session, town, person=child)
    sender = Flaky()
    report = send_due(sessionmaker(bind=engine), sender=sender, clock=Clock(NOW))
    assert report.no_recipient == 1 and sender.calls == []
    assert state(session, notice_id).status is NoticeStatus.NO_RECIPIENT


def test_the_file_sender_writes_a_key_once_with_the_phone_masked(tmp_path: Path) -> None:
    path = tmp_path / "notices.jsonl"
    sender = FileSender(path)
    message = Message("notice-7", NoticeKind.REJECTED, "+8613800138000", "ABCDEFGH23", "text ABCDEFGH23")
    sender.send(message)
    sender.send(message)  # the same notice again (a sender died before recording it)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"key": "notice-7", "kind": "rejected", "to": "138****8000", "text": "text ABCDEFGH23"}]


def test_two_senders_at_once_send_each_notice_once(session: Session, engine: Engine, town: Town) -> None:
    ids = queued(session, town, 24)
    calls: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(2)

    class Counting:
        channel = "test"

        def send(self, message: Message) -> SendResult:
            with lock:
                calls[message.key] += 1
            return SendResult(self.channel)

    def drain() -> None:
        own = sessionmaker(bind=engine, expire_on_commit=False)
        start.wait()
        send_due(own, sender=Counting(), clock=Clock(NOW), batch=3)

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert calls == Counter({f"notice-{i}": 1 for i in ids})
    session.expire_all()
    assert set(session.scalars(select(Notice.status))) == {NoticeStatus.SENT}
