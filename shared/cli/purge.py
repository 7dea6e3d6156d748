"""`menpai purge`: delete what is kept only for a while (form drafts after 24 hours, failed
receipt look-ups after their rate-limit windows). Safe from cron: it deletes only what has
expired, so running it twice, or while people are declaring, changes nothing else."""

from __future__ import annotations

import argparse
from typing import Any

EXIT_OK = 0


def add_purge_command(commands: Any) -> None:
    purge = commands.add_parser(
        "purge",
        help="删除过期的申报草稿和查询记录 / delete expired form drafts and receipt look-up counts",
        description="24 小时未动的草稿，以及超过限流时段的失败查询；可由 cron 运行。/ "
        "Drafts untouched for 24 hours and failed receipt look-ups older than the "
        "rate-limit windows. Safe to run from cron.",
    )
    purge.set_defaults(handler=_cmd_purge)


def _cmd_purge(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from shared.cli.common import open_database
    from shared.core.clock import utcnow
    from shared.self_service.drafts import purge_drafts
    from shared.self_service.receipt_access import purge_receipt_attempts

    now = utcnow()
    with Session(open_database()) as session:
        drafts = purge_drafts(session, now=now)
        attempts = purge_receipt_attempts(session, now=now)
        session.commit()
    print(f"已删除 deleted: {drafts} 份过期草稿 expired drafts, {attempts} 条查询记录 look-up counts")
    return EXIT_OK
