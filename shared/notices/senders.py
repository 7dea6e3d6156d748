"""发送通道: the `Sender` interface, and the file/console sender of the demo.

A sender gets one `Message` with the phone in clear (opened by `shared.notices.delivery` just
before the call, never stored) and either returns a `SendResult` or raises `SendError`, saying
whether trying again later may help. Every message carries a key that stays the same when the
same notice is sent again (after a sender died between sending and recording it), so a channel
that honours keys delivers it once: the file sender does, and the SMS gateway gets it as OutId.
"""

from __future__ import annotations

import fcntl
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from shared.core.crypto import mask_phone
from shared.models import NoticeKind


@dataclass(frozen=True)
class Message:
    key: str  # "notice-<id>": the same for every attempt at one notice
    kind: NoticeKind
    phone: str  # E.164, in memory only
    receipt_code: str
    text: str


@dataclass(frozen=True)
class SendResult:
    channel: str
    gateway_id: str = ""


class SendError(Exception):
    """A send that did not happen. `reason` is stored on the notice: a code, never a phone."""

    def __init__(self, reason: str, *, retryable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Sender(Protocol):
    """Where notices go: `FileSender` for the demo, `shared.notices.sms.SmsGatewaySender`."""

    def send(self, message: Message) -> SendResult: ...


class FileSender:
    """The demo's channel: one JSON line per notice in a file (the phone masked), and the text on
    a console stream if given. A key already in the file is not written again, as a gateway that
    honours idempotency keys would not send twice; the file lock makes two senders agree."""

    channel = "file"

    def __init__(self, path: Path | None, *, echo: TextIO | None = None) -> None:
        self.path = path
        self.echo = echo

    def send(self, message: Message) -> SendResult:
        line = {
            "key": message.key,
            "kind": message.kind.value,
            "to": mask_phone(message.phone),
            "text": message.text,
        }
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                handle.seek(0)
                if not any(json.loads(row).get("key") == message.key for row in handle if row.strip()):
                    handle.write(json.dumps(line, ensure_ascii=False) + "\n")
                    handle.flush()
        if self.echo is not None:
            print(f"{line['to']}  {message.text}", file=self.echo, flush=True)
        return SendResult(self.channel, message.key)


def console_sender() -> FileSender:
    return FileSender(None, echo=sys.stdout)
