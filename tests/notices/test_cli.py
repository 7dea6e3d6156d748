"""`menpai notices send`: drains once and exits, for cron; the channel from the environment."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.cli.main import main
from shared.core.clock import local_today, utcnow
from shared.declarations.forms import validate_rental
from shared.inspections.checklist import checklist
from shared.inspections.records import record_inspection
from shared.models import Notice, NoticeKind, NoticeStatus
from shared.notices.outbox import queue_notice
from shared.notices.texts import notice_text
from shared.review.decisions import approve
from shared.self_service.permit import PERMIT_DAYS
from shared.self_service.submit import submit_rental
from tests.factories import rental_fields, staff_identity
from tests.notices.conftest import NOW, Town, declare


def test_send_drains_the_outbox_once_into_the_demo_file(
    session: Session, town: Town, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    declaration = declare(session, town)
    queue_notice(session, kind=NoticeKind.APPROVED, declaration=declaration, now=NOW)
    session.commit()
    path = tmp_path / "out.jsonl"
    assert main(["notices", "send", "--file", str(path)]) == 0
    assert "已发送 sent 1" in capsys.readouterr().out
    assert main(["notices", "send", "--file", str(path)]) == 0  # nothing due: nothing again
    (line,) = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["to"] == "138****8000" and declaration.receipt_code in json.loads(line)["text"]
    session.rollback()
    assert list(session.scalars(select(Notice.status))) == [NoticeStatus.SENT]


def test_the_console_channel_prints_the_text(
    session: Session, town: Town, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    declaration = declare(session, town)
    queue_notice(session, kind=NoticeKind.REJECTED, declaration=declaration, now=NOW)
    session.commit()
    monkeypatch.setenv("MENPAI_NOTICE_SENDER", "console")
    assert main(["notices", "send"]) == 0
    out = capsys.readouterr().out
    assert f"138****8000  【门牌 Menpai】您的申报（回执码 {declaration.receipt_code}）未通过审核" in out


def test_the_sms_channel_without_its_settings_is_refused(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MENPAI_SMS_URL", raising=False)
    assert main(["notices", "send", "--sender", "sms"]) == 1
    assert "MENPAI_SMS_URL" in capsys.readouterr().err


def test_send_first_queues_the_fixes_due_and_the_permits_possible_then_sends_them(
    session: Session, town: Town, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Against the real clock: the command takes the time itself, as cron runs it.
    now = utcnow()
    today = local_today(now)
    room = town.rooms[1]
    data = validate_rental(rental_fields([room.id]), today=today)
    plate = town.rooms[1].building.plate_code
    rental = submit_rental(session, plate_code=plate, data=data, idempotency_key="rent", now=now)
    results = {item.code: item.code != "smoke" for item in checklist()}
    record_inspection(
        session, staff=town.officer, building_id=room.building_id, results=results, due_days=1, now=now
    )
    resident = declare(session, town, move_in=today - timedelta(days=PERMIT_DAYS))
    approve(
        session, declaration_id=resident.id, staff=staff_identity("supervisor"), now=now,
        expected_version=resident.row_version,
    )  # fmt: skip
    session.commit()
    path = tmp_path / "out.jsonl"
    assert main(["notices", "send", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "整改到期 fixes due 1, 可申领居住证 permits possible 1" in out and "已发送 sent 3" in out
    sent = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert sorted(sent) == sorted(
        [
            notice_text(NoticeKind.APPROVED, resident.receipt_code),
            notice_text(NoticeKind.RECTIFICATION_DUE, rental.receipt_code),
            notice_text(NoticeKind.PERMIT_POSSIBLE, resident.receipt_code),
        ]
    )
    assert main(["notices", "send", "--file", str(path)]) == 0  # the next minute: nothing new
    assert "fixes due 0, 可申领居住证 permits possible 0" in capsys.readouterr().out
    assert len(path.read_text(encoding="utf-8").splitlines()) == 3


def test_send_help_says_what_it_queues(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["notices", "send", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "可申领居住证" in help_text and "整改" in help_text and "183" in help_text
    assert "reported done" in help_text and "each is told once" in help_text
