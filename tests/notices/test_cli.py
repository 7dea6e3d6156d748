"""`menpai notices send`: drains once and exits, for cron; the channel from the environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.cli.main import main
from shared.models import Notice, NoticeKind, NoticeStatus
from shared.notices.outbox import queue_notice
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
