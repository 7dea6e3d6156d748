"""`menpai match addresses` and `menpai recheck`: checking legacy addresses and pending
declarations against the records. Registered by main.py with one call."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from shared.cli.common import EXIT_OK, EXIT_REFUSED, RowBar, StageBars, actor, fail, open_database
from shared.core.errors import DomainError


def add_check_commands(commands: Any) -> None:
    """Register `match addresses` and `recheck` on `menpai`'s sub-parser collection."""
    match = commands.add_parser(
        "match", help="地址清洗 / match legacy addresses", description="地址清洗 / match legacy addresses."
    ).add_subparsers(title="匹配命令 / match commands", metavar="KIND", required=True)
    match_addresses = match.add_parser(
        "addresses",
        help="把文件中的地址匹配到标准门牌（CSV 或 XLSX）/ match a file's addresses to standard plates",
        description="逐行写出最佳门牌、得分、是否需复核及其他候选。退出码 0：完成（需复核的行已计数）；"
        "2：被拒绝，未写文件。/ Writes every input row with its best plate, score, needs-review flag and "
        "next candidates. Exit code 0: done (rows to check are counted); 2: refused, nothing written.",
    )
    match_addresses.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="含地址列的 CSV 或 XLSX / a CSV or XLSX with an address column",
    )
    match_addresses.add_argument(
        "--out",
        type=Path,
        metavar="OUT",
        help="要写入的 CSV 或 XLSX（默认：同目录下 FILE.matched.csv）/ CSV or XLSX to write "
        "(default: FILE.matched.csv beside it)",
    )
    match_addresses.set_defaults(handler=_cmd_match_addresses)

    recheck = commands.add_parser(
        "recheck",
        help="对全部待审申报重新自动比对 / re-run the comparison rules on every pending declaration",
        description="发现有变化时替换，状态随之更新；MENPAI_M2_PER_PERSON 与 MENPAI_LATE_WORKING_DAYS "
        "可覆盖规则设置。完成时退出码 0。/ Findings are replaced where they changed; received and "
        "has-issues follow them. MENPAI_M2_PER_PERSON and MENPAI_LATE_WORKING_DAYS override the rule "
        "settings. Exit code 0 when done.",
    )
    recheck.set_defaults(handler=_cmd_recheck)


def _cmd_match_addresses(args: argparse.Namespace) -> int:
    from shared.address_cleaning.files import match_addresses_file

    path: Path = args.file
    if not path.is_file():
        fail(f"找不到文件：{path}", f"File not found: {path}")
        return EXIT_REFUSED
    out: Path = args.out or path.with_name(f"{path.stem}.matched.csv")
    with Session(open_database()) as session:
        bar = RowBar()
        try:
            report = match_addresses_file(session, path=path, out=out, progress=bar)
        except DomainError as error:
            fail(error.message_zh, error.message_en)
            return EXIT_REFUSED
        finally:
            bar.close()
    print(f"已写入 written: {out}")
    print(
        f"地址 addresses: {report.total}   已匹配 matched: {report.matched}   "
        f"需复核 needs review: {report.needs_review}（未找到 not found: {report.unmatched}）"
    )
    return EXIT_OK


def _cmd_recheck(args: argparse.Namespace) -> int:
    from shared.core.clock import utcnow
    from shared.rules.base import load_rule_settings
    from shared.rules.recheck import recheck_all

    settings = load_rule_settings()  # a bad MENPAI_* value is refused before any work
    engine = open_database()
    with Session(engine) as session:
        bar = StageBars()
        try:
            report = recheck_all(
                session,
                now=utcnow(),
                settings=settings,
                progress=lambda done, total: bar("declarations", done, total),
                after_batch=session.commit,  # officers approving meanwhile wait for one batch only
                actor=actor(),
            )
        finally:
            bar.close()
        session.commit()
    _print_recheck(report)
    return EXIT_OK


def _print_recheck(report: Any) -> None:
    from shared.rules.checks import RULE_LABELS

    print(f"已复核待审申报 {report.checked} 件 / rechecked {report.checked} pending declarations")
    print(
        f"  有变化 changed {report.changed}   转为有问题 now with issues {report.opened}   "
        f"问题已消除 cleared {report.cleared}   处理中被改动 skipped {report.skipped}   "
        f"无法读取 unreadable {report.unreadable}"
    )
    print("各规则的发现数 findings per rule:")
    for rule, (zh, en) in RULE_LABELS.items():
        print(f"  {rule:<34} {report.findings_by_rule.get(rule, 0):>7,}  {zh} / {en}")
    for rule, count in sorted(report.failed_rules.items()):
        print(f"  规则运行出错 rule failed: {rule} ×{count}", file=sys.stderr)
