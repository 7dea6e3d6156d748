"""`menpai import housing`, `export` and `plates print`: the commands that fill the records and
read them out. A village is given by name or code (shared.places.lookup) in every one of them.

Kept beside main.py (which registers them with one call) so each command file stays short.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
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

VILLAGE_HELP = (
    "只含此村（社区），写名称或 12 位编码，如 麻一村 / only this village or community, "
    "by name or 12-digit code"
)


def add_record_commands(commands: Any) -> None:
    """Register the commands on `menpai`'s sub-parser collection."""
    imports = commands.add_parser(
        "import", help="导入登记数据 / import records", description="导入登记数据 / import records."
    ).add_subparsers(title="导入命令 / import commands", metavar="KIND", required=True)
    housing = imports.add_parser(
        "housing",
        help="导入房屋登记（CSV 或 XLSX）/ import the housing register (CSV or XLSX)",
        description="退出码 0：全部导入；1：部分行失败（正确的行已保存）；2：文件被拒绝，未做任何改动。/ "
        "Exit code 0: every row imported; 1: some rows failed (the good ones are saved); "
        "2: the file was refused and nothing changed.",
    )
    housing.add_argument("file", type=Path, metavar="FILE", help="房屋登记表 / the housing register")
    housing.add_argument(
        "--dry-run", action="store_true", help="只检查并报告，不保存 / check and report, save nothing"
    )
    housing.set_defaults(handler=_cmd_import_housing)

    from shared.reporting.export_rows import EXPORTS

    export = commands.add_parser(
        "export",
        help="导出为 CSV 或 XLSX / export records to CSV or XLSX",
        description="默认遮盖个人信息 / personal data is masked unless --reveal is given.",
    )
    export.add_argument(
        "what",
        choices=tuple(EXPORTS),
        metavar="WHAT",
        help=f"导出内容 / what to export: {', '.join(EXPORTS)}",
    )
    export.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="文件名以 .csv 或 .xlsx 结尾 / file name ending .csv or .xlsx",
    )
    export.add_argument("--village", metavar="NAME_OR_CODE", help=VILLAGE_HELP)
    export.add_argument(
        "--reveal",
        action="store_true",
        help="导出明文证件号、电话和姓名（记入审计日志）/ clear identity numbers, phones and names "
        "(recorded in the audit log)",
    )
    export.set_defaults(handler=_cmd_export)

    plates = commands.add_parser(
        "plates", help="门牌二维码 / door-plate QR codes", description="门牌二维码 / door-plate QR codes."
    ).add_subparsers(title="门牌命令 / plates commands", metavar="ACTION", required=True)
    print_sheet = plates.add_parser(
        "print",
        help="生成 A4 门牌打印 PDF（带裁切线）/ build the A4 PDF of plate QR codes, with cut marks",
        description="一村（社区）或其中一条街路巷的在用门牌，或某日以来新建的门牌 / the active plates of "
        "a village or of one of its streets, or the plates created since a day.",
    )
    print_sheet.add_argument("--village", metavar="NAME_OR_CODE", help=VILLAGE_HELP)
    print_sheet.add_argument(
        "--new-since",
        type=_day,
        metavar="YYYY-MM-DD",
        help="只打印该日（含）以来新建的门牌，全镇或 --village 所指村（社区）/ only plates created on or "
        "after this day, in the whole town or the --village given",
    )
    print_sheet.add_argument(
        "--street",
        metavar="NAME",
        help="只打印此街路巷（现名或曾用名）/ only this street (its name or a former name)",
    )
    print_sheet.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="要写入的 PDF 文件 / PDF file to write"
    )
    print_sheet.set_defaults(handler=_cmd_plates_print)


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
    from shared.places.lookup import find_village
    from shared.reporting.exports import export_table

    engine = open_database()
    with Session(engine) as session:
        village = find_village(session, args.village).code if args.village else None
        count = export_table(
            session, what=args.what, path=args.out, actor=actor(), village=village, reveal=args.reveal
        )
        session.commit()
    print(f"已导出 {count} 行到 {args.out} / exported {count} rows to {args.out}")
    if args.reveal:
        print("明文导出已记入审计日志 / this clear-text export is recorded in the audit log", file=sys.stderr)
    return EXIT_OK


def _cmd_plates_print(args: argparse.Namespace) -> int:
    from shared.places.lookup import find_village
    from shared.places.sheets import build_plate_sheet, new_plates, plates_for_village

    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        fail(f"输出文件名须以 .pdf 结尾：{out}", f"The output file name must end in .pdf: {out}")
        return EXIT_REFUSED
    if args.new_since is None and not args.village:
        fail("请给出 --village 或 --new-since", "Give --village or --new-since")
        return EXIT_REFUSED
    if args.new_since is not None and args.street:
        fail("--new-since 不能与 --street 同用", "--new-since does not go with --street")
        return EXIT_REFUSED
    with Session(open_database()) as session:
        village = find_village(session, args.village) if args.village else None
        if args.new_since is not None:
            plates = new_plates(session, since=args.new_since, village=village.code if village else None)
            where = f"{village.name if village else '全镇'} {args.new_since.isoformat()}以来新建"
            title = f"新建门牌 {args.new_since.isoformat()} 起 {village.name if village else ''}".strip()
        else:
            assert village is not None
            plates = plates_for_village(session, village=village.code, street=args.street)
            where = title = f"{village.name} {args.street or ''}".strip()
    if not plates:
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
            title=title,
        )
        partial.replace(out)
    finally:
        bar.close()
        partial.unlink(missing_ok=True)
    count = len(plates)
    english = f"{count} plate{'s' * (count != 1)} on {pages} page{'s' * (pages != 1)}"
    print(f"已生成 {count} 个门牌，共 {pages} 页：{out} / {english}: {out}")
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


def _day(text: str) -> date:
    """A day as YYYY-MM-DD, for argparse (a wrong one is a usage error, not a crash)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD / a day as YYYY-MM-DD: {text!r}") from None
