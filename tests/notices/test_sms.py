"""The SMS sender against a gateway on 127.0.0.1: what it posts, which answers are sent, which
are tried again and which are final; and its settings from the environment."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.core.errors import DomainError
from shared.models import Notice, NoticeKind, NoticeStatus
from shared.notices.delivery import send_due
from shared.notices.outbox import queue_notice
from shared.notices.senders import Message, SendError
from shared.notices.sms import SmsConfig, SmsGatewaySender, sms_config_from_env
from tests.notices.conftest import NOW, Town, declare

TEMPLATES = {NoticeKind.APPROVED: "SMS_100", NoticeKind.REJECTED: "SMS_102"}


class Gateway:
    """Answers each POST with the next scripted (status, body, delay); records what it got."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, Any], float]] = []
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append((dict(self.headers), body))
                status, reply, delay = gateway.script.pop(0) if gateway.script else (200, {"Code": "OK"}, 0)
                time.sleep(delay)
                data = json.dumps(reply).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"

    def sender(self, timeout: float = 5.0) -> SmsGatewaySender:
        return SmsGatewaySender(SmsConfig(self.url, "key-123", "麻涌门牌", TEMPLATES, timeout))


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    gw = Gateway()
    thread = threading.Thread(target=gw.server.serve_forever, daemon=True)
    thread.start()
    yield gw
    gw.server.shutdown()
    gw.server.server_close()


MESSAGE = Message("notice-5", NoticeKind.APPROVED, "+8613800138000", "ABCDEFGH23", "…")


def test_a_notice_is_posted_with_its_template_the_receipt_code_and_its_key(gateway: Gateway) -> None:
    gateway.script.append((200, {"Code": "OK", "BizId": "900619^0"}, 0))
    result = gateway.sender().send(MESSAGE)
    assert (result.channel, result.gateway_id) == ("sms", "900619^0")
    ((headers, body),) = gateway.requests
    assert headers["Authorization"] == "Bearer key-123"
    assert body == {
        "PhoneNumbers": "+8613800138000",
        "SignName": "麻涌门牌",
        "TemplateCode": "SMS_100",
        "TemplateParam": json.dumps({"code": "ABCDEFGH23"}),
        "OutId": "notice-5",
    }


@pytest.mark.parametrize(
    ("status", "reply", "retryable", "reason"),
    [
        (503, {}, True, "HTTP 503"),
        (429, {}, True, "HTTP 429"),
        (401, {"Code": "InvalidAccessKeyId"}, False, "HTTP 401"),
        (400, {}, False, "HTTP 400"),
        (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL"}, True, "gateway code isv.BUSINESS_LIMIT_CONTROL"),
    ],
)
def test_gateway_answers_that_are_not_sent(
    gateway: Gateway, status: int, reply: dict[str, Any], retryable: bool, reason: str
) -> None:
    gateway.script.append((status, reply, 0))
    with pytest.raises(SendError) as caught:
        gateway.sender().send(MESSAGE)
    assert (caught.value.retryable, caught.value.reason) == (retryable, reason)


def test_a_slow_or_absent_gateway_is_tried_again(gateway: Gateway) -> None:
    gateway.script.append((200, {"Code": "OK"}, 0.6))
    with pytest.raises(SendError) as slow:
        gateway.sender(timeout=0.2).send(MESSAGE)
    closed = SmsGatewaySender(SmsConfig("http://127.0.0.1:9/none", "k", templates=TEMPLATES, timeout=1))
    with pytest.raises(SendError) as absent:
        closed.send(MESSAGE)
    assert slow.value.retryable and absent.value.retryable
    assert slow.value.reason.startswith("gateway unreachable")


def test_a_kind_without_a_template_is_not_sent(gateway: Gateway) -> None:
    with pytest.raises(SendError) as caught:
        gateway.sender().send(Message("notice-6", NoticeKind.PERMIT_POSSIBLE, "+8613800138000", "X", "…"))
    assert not caught.value.retryable and gateway.requests == []


def test_the_outbox_retries_through_the_gateway_until_it_answers(
    session: Session, engine: Engine, town: Town, gateway: Gateway
) -> None:
    declaration = declare(session, town)
    notice = queue_notice(session, kind=NoticeKind.APPROVED, declaration=declaration, now=NOW)
    session.commit()
    gateway.script += [(502, {}, 0), (200, {"Code": "OK", "BizId": "B-1"}, 0)]
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    first = send_due(factory, sender=gateway.sender(), clock=lambda: NOW)
    second = send_due(factory, sender=gateway.sender(), clock=lambda: NOW + timedelta(minutes=1))
    assert (first.retrying, second.sent) == (1, 1)
    assert [body["OutId"] for _, body in gateway.requests] == [f"notice-{notice.id}"] * 2  # type: ignore[union-attr]
    session.expire_all()
    stored = session.get(Notice, notice.id)  # type: ignore[union-attr]
    assert stored is not None and (stored.status, stored.gateway_id) == (NoticeStatus.SENT, "B-1")


def test_settings_come_from_the_environment() -> None:
    config = sms_config_from_env(
        {
            "MENPAI_SMS_URL": "https://sms.example.gov.cn/send",
            "MENPAI_SMS_KEY": "k",
            "MENPAI_SMS_TEMPLATES": "approved=SMS_1, rejected=SMS_3,",
            "MENPAI_SMS_TIMEOUT": "3",
        }
    )
    assert config.templates == {NoticeKind.APPROVED: "SMS_1", NoticeKind.REJECTED: "SMS_3"}
    assert (config.sign, config.timeout) == ("门牌", 3.0)


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"MENPAI_SMS_KEY": "k"}, "MENPAI_SMS_URL"),
        ({"MENPAI_SMS_URL": "file:///etc/passwd", "MENPAI_SMS_KEY": "k"}, "http(s)"),
        ({"MENPAI_SMS_URL": "https://x", "MENPAI_SMS_KEY": "k", "MENPAI_SMS_TEMPLATES": "done=1"}, "done"),
    ],
)
def test_missing_or_bad_settings_are_refused(env: dict[str, str], names: str) -> None:
    with pytest.raises(DomainError) as caught:
        sms_config_from_env(env)
    assert names in caught.value.message_en
