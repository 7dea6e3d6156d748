"""`menpai`: the command line for setting up, filling and reading the database.

Every command applies the migrations first, so a new release needs no separate upgrade
step. A refusal by the rules prints its Chinese and English message and exits non-zero,
never a traceback; so does a database that cannot be reached.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from shared.crypto import DecryptionError
from shared.errors import DomainError

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]


def main(argv: list[str] | None = None) -> int:
    """Run one command; the return value is the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_REFUSED
    try:
        return handler(args)
    except DomainError as error:
        _fail(error.message_zh, error.message_en)
        return EXIT_FAILED
    except (OperationalError, InterfaceError) as error:
        detail = f"{_database_label()}: {_first_line(error.orig or error)}"
        _fail(f"无法使用数据库 {detail}", f"Cannot use the database {detail}")
        return EXIT_FAILED
    except ArgumentError as error:
        detail = _first_line(error)
        _fail(
            f"DATABASE_URL 不是可用的数据库地址：{detail}",
            f"DATABASE_URL is not a usable database URL: {detail}",
        )
        return EXIT_FAILED
    except DecryptionError:
        _fail(
            "无法解密已存数据：主密钥与加密这些数据时的不同（检查 MENPAI_SECRET_KEY 或 data/secret.key）",
            "Cannot decrypt stored data: the master secret differs from the one it was encrypted with "
            "(check MENPAI_SECRET_KEY or data/secret.key)",
        )
        return EXIT_FAILED
    except OSError as error:
        _fail(f"文件或目录无法读写：{error}", f"A file or folder cannot be used: {error}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _fail("已中断", "Interrupted")
        return EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="menpai",
        description="门牌 Menpai：数据库初始化、演示数据、账号、导入导出与门牌打印 / "
        "set up the database, demo data, staff accounts, imports, exports and plate sheets.",
        epilog="数据库由环境变量 DATABASE_URL 指定（默认 data/menpai.db）/ DATABASE_URL picks the database "
        "(default: data/menpai.db).",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    init = commands.add_parser(
        "init", help="创建数据目录、主密钥并升级数据库 / create data dir, master secret, migrate the database"
    )
    init.set_defaults(handler=_cmd_init)

    demo = commands.add_parser("demo", help="生成麻涌镇演示数据 / build the Mayong demo town")
    demo.add_argument(
        "--scale", choices=("small", "town"), default="small", help="small: for tests; town: full size"
    )
    demo.add_argument("--seed", type=int, default=2026, help="same seed, same town (default 2026)")
    demo.add_argument(
        "--if-empty", action="store_true", help="do nothing (exit 0) when the database already holds data"
    )
    demo.set_defaults(handler=_cmd_demo)

    accounts = commands.add_parser("demo-accounts", help="列出演示账号 / list the demo accounts")
    accounts.set_defaults(handler=_cmd_demo_accounts)

    user = commands.add_parser("user", help="工作人员账号 / staff accounts").add_subparsers(
        title="user commands", metavar="ACTION", required=True
    )
    add = user.add_parser("add", help="添加账号 / add a staff account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=("officer", "supervisor", "admin"))
    add.add_argument(
        "--grids", default="", help="comma-separated grid codes an officer answers for, e.g. G1,G2"
    )
    add.add_argument("--display-name", default="", help="name shown in the portal (default: the username)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )
    add.set_defaults(handler=_cmd_user_add)

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

    from shared.export_rows import EXPORTS

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

    from shared.cli_maintenance import add_maintenance_commands  # backup, restore, rotate-key

    add_maintenance_commands(commands)
    return parser


# -- commands ----------------------------------------------------------------------------------


def _cmd_init(args: argparse.Namespace) -> int:
    from shared.config import get_settings
    from shared.crypto import get_keyring

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    existed = settings.secret_key_file.exists()
    get_keyring()  # creates the master secret file (0600) on first run
    engine = _open_database()
    print(f"数据库 database: {_url(engine)}")
    print(f"数据目录 data dir: {settings.data_dir}")
    if settings.secret_key:
        print("主密钥 master secret: 环境变量 MENPAI_SECRET_KEY / from the environment")
    else:
        state = "已有 existing" if existed else "已创建 created"
        print(f"主密钥 master secret: {settings.secret_key_file} ({state})")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from shared.demo import build_demo_town

    engine = _open_database()
    with Session(engine) as session:
        if _is_populated(session):
            if not args.if_empty:
                raise DomainError(
                    "数据库中已有数据，未生成演示数据（可加 --if-empty 跳过）",
                    "The database already holds data; the demo town was not built (add --if-empty to skip)",
                )
            print("已有演示数据 demo data already present")
            _print_accounts(session)
            return EXIT_OK
        bars = _StageBars()
        try:
            build_demo_town(session, scale=args.scale, seed=args.seed, progress=bars)
        finally:
            bars.close()
        session.commit()
        print(f"演示数据已生成 demo town built (scale {args.scale}, seed {args.seed}) in {_url(engine)}")
        _print_counts(session)
        _print_accounts(session)
    return EXIT_OK


def _cmd_demo_accounts(args: argparse.Namespace) -> int:
    with Session(_open_database()) as session:
        _print_accounts(session)
    return EXIT_OK


def _cmd_user_add(args: argparse.Namespace) -> int:
    from shared.accounts import create_user
    from shared.models import Grid, Role

    engine = _open_database()
    grids = list(dict.fromkeys(g.strip() for g in args.grids.split(",") if g.strip()))
    with Session(engine) as session:
        known = set(session.scalars(select(Grid.code).where(Grid.code.in_(grids)))) if grids else set()
        unknown = [g for g in grids if g not in known]
        if unknown:
            raise DomainError(f"网格不存在：{'、'.join(unknown)}", f"No such grid: {', '.join(unknown)}")
        password = _read_password(args.password_stdin)
        user = create_user(
            session,
            username=args.username,
            password=password,
            role=Role(args.role),
            grid_codes=grids,
            display_name=args.display_name,
            actor=_actor(),
        )
        session.commit()
        print(
            f"已创建账号 created user {user.username} ({user.role.value}; grids: {', '.join(grids) or '-'})"
        )
    if args.role == "officer" and not grids:
        print(
            "注意：该网格员未分配网格 / note: this officer has no grids and will see an empty queue",
            file=sys.stderr,
        )
    return EXIT_OK


def _cmd_import_housing(args: argparse.Namespace) -> int:
    from shared.housing_import import import_housing

    path: Path = args.file
    if not path.is_file():
        _fail(f"找不到文件：{path}", f"File not found: {path}")
        return EXIT_REFUSED
    engine = _open_database()
    with Session(engine) as session:
        bar = _RowBar()
        try:
            report = import_housing(session, path=path, actor=_actor(), today=date.today(), progress=bar)
        except DomainError as error:
            session.rollback()
            _fail(error.message_zh, error.message_en)
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
    from shared.exports import export_table

    engine = _open_database()
    with Session(engine) as session:
        count = export_table(
            session, what=args.what, path=args.out, actor=_actor(), village=args.village, reveal=args.reveal
        )
        session.commit()
    print(f"已导出 {count} 行到 {args.out} / exported {count} rows to {args.out}")
    if args.reveal:
        print("明文导出已记入审计日志 / this clear-text export is recorded in the audit log", file=sys.stderr)
    return EXIT_OK


def _cmd_plates_print(args: argparse.Namespace) -> int:
    from shared.plate_sheets import build_plate_sheet, plates_for_village

    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        _fail(f"输出文件名须以 .pdf 结尾：{out}", f"The output file name must end in .pdf: {out}")
        return EXIT_REFUSED
    with Session(_open_database()) as session:
        plates = plates_for_village(session, village=args.village, street=args.street)
    if not plates:
        where = f"{args.village} {args.street or ''}".strip()
        raise DomainError(
            f"{where}没有在用的门牌，未生成文件", f"{where} has no active plates; no file was written"
        )
    # Written beside the target and renamed at the end: an interrupted run leaves no half PDF.
    partial = out.with_name(out.name + ".part")
    bar = _StageBars()
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
    from shared.address_match_files import match_addresses_file

    path: Path = args.file
    if not path.is_file():
        _fail(f"找不到文件：{path}", f"File not found: {path}")
        return EXIT_REFUSED
    out: Path = args.out or path.with_name(f"{path.stem}.matched.csv")
    with Session(_open_database()) as session:
        bar = _RowBar()
        try:
            report = match_addresses_file(session, path=path, out=out, progress=bar)
        except DomainError as error:
            _fail(error.message_zh, error.message_en)
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
    from shared.models import utcnow
    from shared.rules_base import load_rule_settings
    from shared.rules_recheck import recheck_all

    settings = load_rule_settings()  # a bad MENPAI_* value is refused before any work
    engine = _open_database()
    with Session(engine) as session:
        bar = _StageBars()
        try:
            report = recheck_all(
                session,
                now=utcnow(),
                settings=settings,
                progress=lambda done, total: bar("declarations", done, total),
                after_batch=session.commit,  # officers approving meanwhile wait for one batch only
                actor=_actor(),
            )
        finally:
            bar.close()
        session.commit()
    _print_recheck(report)
    return EXIT_OK


# -- helpers -----------------------------------------------------------------------------------


def _open_database() -> Engine:
    """The configured database, migrated to the newest schema."""
    from shared.db import get_engine
    from shared.migrate import upgrade_database

    engine = get_engine()
    upgrade_database(engine)
    return engine


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _database_label() -> str:
    from sqlalchemy.engine import make_url

    from shared.config import get_settings

    try:
        return make_url(get_settings().database_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparsable DATABASE_URL)"


def _actor() -> str:
    """Who the audit log names for command-line work: the operating-system account."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = os.environ.get("USER", "unknown")
    return f"cli:{user}"[:60]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise DomainError("标准输入中没有密码", "No password on standard input")
        return password
    if not sys.stdin.isatty():
        raise DomainError(
            "没有终端可输入密码，请使用 --password-stdin",
            "No terminal to type a password; use --password-stdin",
        )
    first = getpass.getpass("密码 Password: ")
    if getpass.getpass("再次输入 Repeat password: ") != first:
        raise DomainError("两次输入的密码不一致", "The passwords do not match")
    return first


def _is_populated(session: Session) -> bool:
    from shared.models import DoorPlate, Village

    return any(session.scalar(select(func.count()).select_from(m)) for m in (Village, DoorPlate))


def _print_counts(session: Session) -> None:
    from shared import models

    names = [
        ("村/社区 villages", models.Village), ("网格 grids", models.Grid), ("街路巷 streets", models.Street),
        ("门牌 plates", models.DoorPlate), ("楼栋 buildings", models.Building), ("房间 rooms", models.Room),
        ("人员 people", models.Person), ("居住 residences", models.Residence),
        ("单位 organisations", models.Organisation), ("设施 facilities", models.Facility),
        ("门禁 gates", models.Gate), ("账号 users", models.User),
    ]  # fmt: skip
    for label, model in names:
        print(f"  {_pad(label, 22)} {session.scalar(select(func.count()).select_from(model)):>9,}")


def _print_accounts(session: Session) -> None:
    """The demo accounts that exist in this database, with their demo passwords."""
    from shared.demo import DEMO_ACCOUNTS
    from shared.models import User

    accounts = [_account_fields(a) for a in DEMO_ACCOUNTS]
    present = set(session.scalars(select(User.username).where(User.username.in_([a[0] for a in accounts]))))
    shown = [a for a in accounts if a[0] in present]
    if not shown:
        print("  （没有演示账号 no demo accounts in this database）")
        return
    print("  演示账号 demo accounts (username / password / role):")
    for username, password, role in shown:
        print(f"    {username:<14} {password:<22} {role}")


def _account_fields(account: Any) -> tuple[str, str, str]:
    """(username, password, role) from a DEMO_ACCOUNTS entry: a record, or a (username, role,
    password) tuple."""
    if hasattr(account, "username"):
        role = account.role
        return str(account.username), str(account.password), str(getattr(role, "value", role))
    username, role, password = account
    return str(username), str(password), str(getattr(role, "value", role))


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
    from shared.rules import RULE_LABELS

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


class _StageBars:
    """One tqdm bar per stage of a long job that reports (stage, done, total)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.stage: str | None = None
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage != self.stage or self.bar is None:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=stage, file=self.stream, dynamic_ncols=True, mininterval=0.2)
        if self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class _RowBar:
    """A progress bar over the rows of a file."""

    def __init__(self) -> None:
        self.bars = _StageBars()

    def __call__(self, done: int, total: int) -> None:
        self.bars("rows", done, total)

    def close(self) -> None:
        self.bars.close()


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, where a Chinese character takes two columns."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 0)


def _fail(message_zh: str, message_en: str) -> None:
    print(f"错误：{message_zh}\nError: {message_en}", file=sys.stderr)


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def run(argv: Sequence[str] | None = None) -> None:
    """Entry point for `python -m shared.cli`."""
    sys.exit(main(list(argv) if argv is not None else None))


if __name__ == "__main__":
    run()
