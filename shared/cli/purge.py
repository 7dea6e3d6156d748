"""`menpai purge`: delete what is kept only for a while (form drafts after 24 hours, failed
receipt look-ups after their rate-limit windows, staff sessions 30 days after they ended). Safe
from cron: it deletes only what has expired, so running it twice, or while people are declaring,
changes nothing else (a staff session idle past its timeout is ended, as its next page would)."""

from __future__ import annotations

import argparse
from typing import Any

EXIT_OK = 0


def add_purge_command(commands: Any) -> None:
    purge = commands.add_parser(
        "purge",
        help="删除过期的申报草稿、查询记录和登录会话 / delete expired form drafts, receipt "
        "look-up counts and staff sessions",
        description="24 小时未动的草稿，超过限流时段的失败查询，结束满 30 天的工作人员登录会话"
        "（登录、退出仍记在审计日志）；可由 cron 运行。/ Drafts untouched for 24 hours, failed "
        "receipt look-ups older than the rate-limit windows, and staff sessions ended 30 days "
        "ago (the audit log keeps every sign-in and sign-out). Safe to run from cron.",
    )
    purge.set_defaults(handler=_cmd_purge)


def _cmd_purge(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from shared.cli.common import open_database
    from shared.core.clock import utcnow
    from shared.self_service.drafts import purge_drafts
    from shared.self_service.receipt_access import purge_receipt_attempts
    from shared.staff.sessions import purge_sessions

    now = utcnow()
    with Session(open_database()) as session:
        drafts = purge_drafts(session, now=now)
        attempts = purge_receipt_attempts(session, now=now)
        sessions = purge_sessions(session, now=now)
        session.commit()
    print(
        f"已删除 deleted: {drafts} 份过期草稿 expired drafts, {attempts} 条查询记录 look-up counts, "
        f"{sessions} 个登录会话 staff sessions"
    )
    return EXIT_OK
