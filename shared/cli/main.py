"""`menpai`: the command line for setting up, filling and reading the database.

Every command applies the migrations first, so a new release needs no separate upgrade
step. A refusal by the rules prints its Chinese and English message and exits non-zero,
never a traceback; so does a database that cannot be reached. This file has the set-up
commands; shared.cli.accounts staff accounts, shared.cli.places the grids, shared.cli.records
the record commands, shared.cli.maintenance backup, restore and key rotation, shared.cli.parser
the bilingual help, and shared.cli.common what they share.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from shared.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REFUSED,
    StageBars,
    database_label,
    fail,
    first_line,
    open_database,
    pad,
    url_of,
)
from shared.cli.parser import BilingualParser
from shared.core.crypto import DecryptionError
from shared.core.errors import DomainError

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_REFUSED", "main", "run"]


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
        fail(error.message_zh, error.message_en)
        return EXIT_FAILED
    except (OperationalError, InterfaceError) as error:
        detail = f"{database_label()}: {first_line(error.orig or error)}"
        fail(f"无法使用数据库 {detail}", f"Cannot use the database {detail}")
        return EXIT_FAILED
    except ArgumentError as error:
        detail = first_line(error)
        fail(
            f"DATABASE_URL 不是可用的数据库地址：{detail}",
            f"DATABASE_URL is not a usable database URL: {detail}",
        )
        return EXIT_FAILED
    except DecryptionError:
        fail(
            "无法解密已存数据：主密钥与加密这些数据时的不同（检查 MENPAI_SECRET_KEY 或 data/secret.key）",
            "Cannot decrypt stored data: the master secret differs from the one it was encrypted with "
            "(check MENPAI_SECRET_KEY or data/secret.key)",
        )
        return EXIT_FAILED
    except BrokenPipeError:  # `menpai grids | head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (the interpreter flushes it at exit)
        return EXIT_OK
    except OSError as error:
        fail(f"文件或目录无法读写：{error}", f"A file or folder cannot be used: {error}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        fail("已中断", "Interrupted")
        return EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = BilingualParser(
        prog="menpai",
        description="门牌 Menpai：数据库初始化、演示数据、账号、导入导出与门牌打印 / "
        "set up the database, demo data, staff accounts, imports, exports and plate sheets.",
        epilog="数据库由环境变量 DATABASE_URL 指定（默认 data/menpai.db）/ DATABASE_URL picks the database "
        "(default: data/menpai.db).",
    )
    commands = parser.add_subparsers(title="命令 / commands", metavar="COMMAND")

    commands.add_parser(
        "init",
        help="创建数据目录、主密钥并升级数据库 / create data dir, master secret, migrate the database",
        description="可重复运行 / safe to run again.",
    ).set_defaults(handler=_cmd_init)

    demo = commands.add_parser(
        "demo",
        help="生成麻涌镇演示数据 / build the Mayong demo town",
        description="数据库已有数据时拒绝（可加 --if-empty）/ refused when the database holds data "
        "(unless --if-empty).",
    )
    demo.add_argument(
        "--scale",
        choices=("small", "town"),
        default="small",
        help="small：测试用小镇；town：全镇规模 / small: for tests; town: full size",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=2026,
        help="相同种子生成相同小镇（默认 2026）/ same seed, same town (default 2026)",
    )
    demo.add_argument(
        "--sample-declarations",
        action="store_true",
        help="另在麻一村提交几份待审申报（租客、房东、单位），审核队列不为空 / also submit a few pending "
        "declarations in 麻一村 (tenants, landlords, an organisation), so the review queue is not empty",
    )
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="数据库已有数据时什么也不做（退出码 0）/ do nothing (exit 0) when the database holds data",
    )
    demo.set_defaults(handler=_cmd_demo)

    commands.add_parser(
        "demo-accounts",
        help="列出演示账号 / list the demo accounts",
        description="只列出本数据库中存在的演示账号 / only those present in this database.",
    ).set_defaults(handler=_cmd_demo_accounts)

    from shared.cli.accounts import add_account_commands  # user add

    add_account_commands(commands)
    from shared.cli.places import add_place_commands  # grids

    add_place_commands(commands)
    from shared.cli.records import add_record_commands  # import, export, plates

    add_record_commands(commands)
    from shared.cli.checks import add_check_commands  # match, recheck

    add_check_commands(commands)
    from shared.cli.maintenance import add_maintenance_commands  # backup, restore, rotate-key

    add_maintenance_commands(commands)
    from shared.cli.purge import add_purge_command  # purge

    add_purge_command(commands)
    from shared.cli.notices import add_notice_commands  # notices send

    add_notice_commands(commands)
    return parser


# -- commands ----------------------------------------------------------------------------------


def _cmd_init(args: argparse.Namespace) -> int:
    from shared.core.config import get_settings
    from shared.core.crypto import get_keyring

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    existed = settings.secret_key_file.exists()
    get_keyring()  # creates the master secret file (0600) on first run
    engine = open_database()
    print(f"数据库 database: {url_of(engine)}")
    print(f"数据目录 data dir: {settings.data_dir}")
    if settings.secret_key:
        print("主密钥 master secret: 环境变量 MENPAI_SECRET_KEY / from the environment")
    else:
        state = "已有 existing" if existed else "已创建 created"
        print(f"主密钥 master secret: {settings.secret_key_file} ({state})")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from shared.demo import build_demo_town

    engine = open_database()
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
        bars = StageBars()
        try:
            build_demo_town(session, scale=args.scale, seed=args.seed, progress=bars)
        finally:
            bars.close()
        session.commit()
        if args.sample_declarations:
            from shared.core.clock import utcnow
            from shared.demo.declarations import add_sample_declarations
            from shared.demo.town import OFFICER_VILLAGE

            village = OFFICER_VILLAGE
            made = add_sample_declarations(session, village_name=village, seed=args.seed, now=utcnow())
            session.commit()
            print(f"待审申报 pending declarations: {made}（{village}）")
        print(f"演示数据已生成 demo town built (scale {args.scale}, seed {args.seed}) in {url_of(engine)}")
        _print_counts(session)
        _print_accounts(session)
    return EXIT_OK


def _cmd_demo_accounts(args: argparse.Namespace) -> int:
    with Session(open_database()) as session:
        _print_accounts(session)
    return EXIT_OK


# -- helpers -----------------------------------------------------------------------------------


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
        print(f"  {pad(label, 22)} {session.scalar(select(func.count()).select_from(model)):>9,}")


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


def run(argv: Sequence[str] | None = None) -> None:
    """Entry point for `python -m shared.cli.main`."""
    sys.exit(main(list(argv) if argv is not None else None))


if __name__ == "__main__":
    run()
