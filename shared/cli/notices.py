"""`menpai notices send`: queue the notices that time brings, drain the notice outbox once and
exit, for cron (every minute is fine: two runs at once each take their own claims, and a run
that dies hands its claims back when their lease runs out).

First, in one transaction, the two scans whose facts come with the date rather than with a
decision: 整改 falling due (`shared.inspections.due_notices`) and 居住证 becoming possible
(`shared.self_service.permit_notices`). Each keys its notices (`once_key`), so running again
the same day queues nothing more; of two runs scanning at once, the second's commit meets the
first's keys and queues nothing, and both go on to send.

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
        help="生成到期提醒，发送一次后退出（可由 cron 运行）/ queue reminders, send once, exit (for cron)",
        description=(
            "先在同一事务中生成两类提醒：明日到期或已逾期且未报已整改的整改事项（发给出租屋房东），"
            "以及今日连续登记居住满183天、可申领居住证的流动人口（发给其居住申报人）；"
            "同一事项只提醒一次。然后发送到期通知，失败的按指数退避稍后重试。 / "
            "First queues, in one transaction, two kinds of reminder: 整改 due tomorrow or overdue "
            "and not reported done (to the rental's landlord), and migrants whose registered stay "
            "reached 183 days so they can apply for a 居住证 (to the declarant of their residence); "
            "each is told once. Then sends what is due; failed notices are tried again later, "
            "with backoff."
        ),
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

    from sqlalchemy.exc import IntegrityError

    from shared.cli.common import EXIT_FAILED, EXIT_OK, fail, open_database
    from shared.core.clock import utcnow
    from shared.core.config import get_settings
    from shared.core.db import get_session_factory
    from shared.inspections.due_notices import queue_rectification_notices
    from shared.notices.delivery import send_due
    from shared.notices.senders import FileSender, Sender
    from shared.notices.sms import SmsGatewaySender, sms_config_from_env
    from shared.self_service.permit_notices import queue_permit_notices

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
    factory = get_session_factory()
    try:
        with factory.begin() as session:
            now = utcnow()
            due = queue_rectification_notices(session, now=now)
            permits = queue_permit_notices(session, now=now)
    except IntegrityError:  # another run queued the same keys first: they are there to send
        due = permits = 0
    print(f"新提醒 queued: 整改到期 fixes due {due}, 可申领居住证 permits possible {permits}")
    report = send_due(factory, sender=sender, limit=args.limit)
    print(
        f"通知 notices: 已发送 sent {report.sent}, 待重试 to retry {report.retrying}, "
        f"失败 failed {report.failed}, 无电话 no phone {report.no_recipient}"
    )
    return EXIT_FAILED if report.failed else EXIT_OK
