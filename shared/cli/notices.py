"""`menpai notices send`: drain the notice outbox once and exit, for cron (every minute is
fine: two runs at once each take their own claims, and a run that dies hands its claims back
when their lease runs out).

The channel is MENPAI_NOTICE_SENDER (or --sender): `file` (default; JSON lines in
data/notices.jsonl, phones masked, for the demo), `console` (the same on standard output) or
`sms` (the HTTP gateway of `shared.notices.sms`, configured by MENPAI_SMS_*).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

SENDERS = ("file", "console", "sms")


def add_notice_commands(commands: Any) -> None:
    """Register `notices send` on `menpai`'s sub-parser collection."""
    actions = commands.add_parser(
        "notices", help="通知发件箱 / the notice outbox", description="通知发件箱 / the notice outbox."
    ).add_subparsers(title="通知命令 / notice commands", metavar="ACTION", required=True)
    send = actions.add_parser(
        "send",
        help="发送一次到期通知后退出（可由 cron 运行）/ send what is due once and exit (for cron)",
        description="失败的通知按指数退避稍后重试 / failed notices are tried again later, with backoff.",
    )
    send.add_argument(
        "--sender",
        choices=SENDERS,
        default=None,
        help="发送通道（默认 MENPAI_NOTICE_SENDER 或 file）/ channel (default MENPAI_NOTICE_SENDER or file)",
    )
    send.add_argument(
        "--file",
        type=Path,
        default=None,
        help="file 通道的输出文件（默认 data/notices.jsonl）/ output of the file channel",
    )
    send.add_argument(
        "--limit", type=int, default=1000, help="本次最多处理条数 / at most this many notices this run"
    )
    send.set_defaults(handler=_cmd_send)


def _cmd_send(args: argparse.Namespace) -> int:
    import sys

    from shared.cli.common import EXIT_FAILED, EXIT_OK, fail, open_database
    from shared.core.config import get_settings
    from shared.core.db import get_session_factory
    from shared.notices.delivery import send_due
    from shared.notices.senders import FileSender, Sender
    from shared.notices.sms import SmsGatewaySender, sms_config_from_env

    choice = args.sender or os.environ.get("MENPAI_NOTICE_SENDER", "").strip().lower() or "file"
    if choice not in SENDERS:
        fail(f"MENPAI_NOTICE_SENDER 无效：{choice}", f"MENPAI_NOTICE_SENDER is not one of {SENDERS}")
        return EXIT_FAILED
    sender: Sender
    if choice == "sms":
        sender = SmsGatewaySender(sms_config_from_env())
    elif choice == "console":
        sender = FileSender(None, echo=sys.stdout)
    else:
        sender = FileSender(args.file or get_settings().data_dir / "notices.jsonl")
    open_database()
    report = send_due(get_session_factory(), sender=sender, limit=args.limit)
    print(
        f"通知 notices: 已发送 sent {report.sent}, 待重试 to retry {report.retrying}, "
        f"失败 failed {report.failed}, 无电话 no phone {report.no_recipient}"
    )
    return EXIT_FAILED if report.failed else EXIT_OK
