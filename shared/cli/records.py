"""`menpai import housing`, `export`, `plates print`, `match addresses` and `recheck`: the
commands that fill the records, read them out and check the declarations against them.

Kept beside cli.py (which registers them with one call) so each command file stays short.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from shared.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_REFUSED,
    RowBar,
    StageBars,
    actor,
    fail,
    open_database,
)
from shared.core.clock import local_today
from shared.core.errors import DomainError


def add_record_commands(commands: Any) -> None:
    """Register the commands on `menpai`'s sub-parser collection."""
    imports = commands.add_parser("import", help="导入登记数据 / import records").add_subparsers(
        title="import commands", metavar="KIND", required=True
    )
    housing = imports.add_parser(
        "housing",
        help="导入房屋登记（CSV 或 XLSX）/ import the housing register (CSV or XLSX)",
        description="Exit code 0: every row imported; 1: some rows failed (the good ones are saved); "
        "2: the file was refused and nothing changed.",
    )
    housing.add_argument("file", type=Path, metavar="FILE")
    housing.add_argument("--dry-run", action="store_true", help="check and report, save nothing")
    housing.set_defaults(handler=_cmd_import_housing)

    from shared.reporting.export_rows import EXPORTS

    export = commands.add_parser("export", help="导出为 CSV 或 XLSX / export records to CSV or XLSX")
    export.add_argument("what", choices=tuple(EXPORTS), metavar="WHAT", help=f"one of: {', '.join(EXPORTS)}")
    export.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="file name ending .csv or .xlsx"
    )
    export.add_argument("--village", metavar="CODE", help="only this village (12-digit code)")
    export.add_argument(
        "--reveal",
        action="store_true",
        help="clear identity numbers, phones and names (recorded in the audit log)",
    )
    export.set_defaults(handler=_cmd_export)

    plates = commands.add_parser("plates", help="门牌二维码 / door-plate QR codes").add_subparsers(
        title="plates commands", metavar="ACTION", required=True
    )
    print_sheet = plates.add_parser(
        "print",
        help="生成 A4 门牌打印 PDF（带裁切线）/ build the A4 PDF of plate QR codes, with cut marks",
    )
    print_sheet.add_argument(
        "--village", required=True, metavar="NAME_OR_CODE", help="village or community, e.g. 麻一村"
    )
    print_sheet.add_argument("--street", metavar="NAME", help="only this street (its name or a former name)")
    print_sheet.add_argument("--out", required=True, type=Path, metavar="FILE", help="PDF file to write")
    print_sheet.set_defaults(handler=_cmd_plates_print)

    match = commands.add_parser("match", help="地址清洗 / match legacy addresses").add_subparsers(
        title="match commands", metavar="KIND", required=True
    )
    match_addresses = match.add_parser(
        "addresses",
        help="把文件中的地址匹配到标准门牌（CSV 或 XLSX）/ match a file's addresses to standard plates",
        description="Writes every input row with its best plate, score, needs-review flag and next "
        "candidates. Exit code 0: done (rows to check are counted); 2: refused, nothing written.",
    )
    match_addresses.add_argument("file", type=Path, metavar="FILE")
    match_addresses.add_argument(
        "--out", type=Path, metavar="OUT", help="CSV or XLSX to write (default: FILE.matched.csv beside it)"
    )
    match_addresses.set_defaults(handler=_cmd_match_addresses)

    recheck = commands.add_parser(
        "recheck",
        help="对全部待审申报重新自动比对 / re-run the comparison rules on every pending declaration",
        description="Findings are replaced where they changed; received and has-issues follow them. "
        "MENPAI_M2_PER_PERSON and MENPAI_LATE_WORKING_DAYS override the rule settings. "
        "Exit code 0 when done.",
    )
    recheck.set_defaults(handler=_cmd_recheck)


def _cmd_import_housing(args: argparse.Namespace) -> int:
    from shared.housing.register_import import import_housing

    path: Path = args.file
    if not path.is_file():
        fail(f"找不到文件：{path}", f"File not found: {path}")
        return EXIT_REFUSED
    engine = open_database()
    with Session(engine) as session:
        bar = RowBar()
        try:
            report = import_housing(session, path=path, actor=actor(), today=local_today(), progress=bar)
        except DomainError as error:
            session.rollback()
            fail(error.message_zh, error.message_en)
            return EXIT_REFUSED
        finally:
            bar.close()
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
    _print_report(report, dry_run=args.dry_run)
    return EXIT_OK if report.is_clean else EXIT_FAILED


def _cmd_export(args: argparse.Namespace) -> int:
    from shared.reporting.exports import export_table

    engine = open_database()
    with Session(engine) as session:
        count = export_table(
            session, what=args.what, path=args.out, actor=actor(), village=args.village, reveal=args.reveal
        )
        session.commit()
    print(f"已导出 {count} 行到 {args.out} / exported {count} rows to {args.out}")
    if args.reveal:
        print("明文导出已记入审计日志 / this clear-text export is recorded in the audit log", file=sys.stderr)
    return EXIT_OK


def _cmd_plates_print(args: argparse.Namespace) -> int:
    from shared.places.sheets import build_plate_sheet, plates_for_village

    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        fail(f"输出文件名须以 .pdf 结尾：{out}", f"The output file name must end in .pdf: {out}")
        return EXIT_REFUSED
    with Session(open_database()) as session:
        plates = plates_for_village(session, village=args.village, street=args.street)
    if not plates:
        where = f"{args.village} {args.street or ''}".strip()
        raise DomainError(
            f"{where}没有在用的门牌，未生成文件", f"{where} has no active plates; no file was written"
        )
    # Written beside the target and renamed at the end: an interrupted run leaves no half PDF.
    partial = out.with_name(out.name + ".part")
    bar = StageBars()
    try:
        pages = build_plate_sheet(
            plates,
            out=partial,
            progress=lambda done, total: bar("plates", done, total),
            title=f"{plates[0][0].village} {args.street or ''}".strip(),
        )
        partial.replace(out)
    finally:
        bar.close()
        partial.unlink(missing_ok=True)
    count = len(plates)
    english = f"{count} plate{'s' * (count != 1)} on {pages} page{'s' * (pages != 1)}"
    print(f"已生成 {count} 个门牌，共 {pages} 页：{out} / {english}: {out}")
    return EXIT_OK


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


def _print_report(report: Any, *, dry_run: bool) -> None:
    counts = report.counts()
    print(f"文件 file: {report.filename}")
    print(
        f"读取 rows read: {counts['rows_read']}   导入 imported: {counts['rows_imported']}   "
        f"失败 failed: {counts['rows_failed']}"
    )
    for key, label in (("buildings", "楼栋 buildings"), ("rooms", "房间 rooms"), ("owners", "业主 owners")):
        t = counts[key]
        print(f"{label}: 新建 created {t['created']}, 更新 updated {t['updated']}, ", end="")
        print(f"未变 unchanged {t['unchanged']}")
    if report.errors:
        print("有问题的行 rows with problems:")
        for e in report.errors:
            print(f"  第 {e.line} 行 line {e.line} [{e.column}] {e.message_zh} / {e.message_en}")
    if dry_run:
        print("试运行，未保存任何数据 / dry run: nothing was saved")


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
