"""`menpai user add`: staff accounts from the command line; an officer's grids by code or name."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from sqlalchemy.orm import Session

from shared.cli.common import EXIT_OK, actor, open_database
from shared.core.errors import DomainError


def add_account_commands(commands: Any) -> None:
    """Register `user add` on `menpai`'s sub-parser collection."""
    user = commands.add_parser(
        "user", help="工作人员账号 / staff accounts", description="工作人员账号 / staff accounts."
    ).add_subparsers(title="账号命令 / user commands", metavar="ACTION", required=True)
    add = user.add_parser(
        "add",
        help="添加账号 / add a staff account",
        description="密码从终端输入两次，或用 --password-stdin / the password is typed twice, "
        "or read with --password-stdin.",
    )
    add.add_argument("username", help="登录用户名 / the login name")
    add.add_argument(
        "--role",
        required=True,
        choices=("officer", "supervisor", "admin"),
        help="officer 网格员（只见自己的网格）、supervisor 主管（全镇）、admin 管理员 / "
        "officer (own grids), supervisor (whole town), admin",
    )
    add.add_argument(
        "--grids",
        default="",
        metavar="GRID,…",
        help="网格员负责的网格，逗号分隔，写编码或名称（menpai grids 列出全部）/ comma-separated grids "
        "the officer answers for, by code or name (menpai grids lists them)",
    )
    add.add_argument(
        "--display-name",
        default="",
        help="门户中显示的姓名（默认为用户名）/ name shown in the portal (default: the username)",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="从标准输入第一行读取密码 / read the password from the first line of stdin",
    )
    add.set_defaults(handler=_cmd_user_add)


def _cmd_user_add(args: argparse.Namespace) -> int:
    from shared.models import Role
    from shared.places.lookup import find_grids
    from shared.staff.accounts import create_user

    engine = open_database()
    with Session(engine) as session:
        found = find_grids(session, args.grids.split(","))
        grids = [grid.code for grid in found]
        password = _read_password(args.password_stdin)
        user = create_user(
            session,
            username=args.username,
            password=password,
            role=Role(args.role),
            grid_codes=grids,
            display_name=args.display_name,
            actor=actor(),
        )
        session.commit()
        named = ", ".join(f"{grid.name} {grid.code}" for grid in found) or "-"
        print(f"已创建账号 created user {user.username} ({user.role.value}; 网格 grids: {named})")
    if args.role == "officer" and not grids:
        print(
            "注意：该网格员未分配网格 / note: this officer has no grids and will see an empty queue",
            file=sys.stderr,
        )
    return EXIT_OK


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
