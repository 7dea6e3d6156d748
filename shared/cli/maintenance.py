"""`menpai backup`, `menpai restore` and `menpai rotate-key`: the operator's maintenance commands.

Kept beside cli.py (which registers them with one call) so the main command file stays a list
of everyday commands.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from shared.core.errors import DomainError

EXIT_OK = 0


def add_maintenance_commands(commands: Any) -> None:
    """Register the three commands on `menpai`'s sub-parser collection."""
    backup = commands.add_parser(
        "backup",
        help="加密备份整个数据库 / write an encrypted backup of the whole database",
        description="SQLite 在线备份；PostgreSQL 用 pg_dump；以主密钥派生的备份密钥加密。/ "
        "SQLite: online backup; PostgreSQL: pg_dump. Encrypted with the master secret's backup key.",
    )
    backup.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="要写入的加密备份文件 / the encrypted backup file to write",
    )
    backup.set_defaults(handler=_cmd_backup)

    restore = commands.add_parser(
        "restore",
        help="从加密备份恢复数据库 / restore the database from an encrypted backup",
        description="数据库已有记录时拒绝，除非加 --force / refuses a database that already holds "
        "records unless --force is given.",
    )
    restore.add_argument("file", metavar="FILE", help="menpai backup 写出的文件 / a file menpai backup wrote")
    restore.add_argument(
        "--force", action="store_true", help="覆盖已有记录的数据库 / overwrite a database that holds records"
    )
    restore.set_defaults(handler=_cmd_restore)

    rotate = commands.add_parser(
        "rotate-key",
        help="用新主密钥重新加密个人信息 / re-encrypt personal data under a new master secret",
        description="新主密钥从文件读取（'-' 为标准输入），绝不从命令行读取；中断后可再次运行。/ "
        "Reads the new secret from FILE ('-' for stdin), never from the command line. "
        "Safe to run again after an interruption.",
    )
    rotate.add_argument(
        "--new-secret-file",
        required=True,
        metavar="FILE",
        help="首行为新主密钥的文件，'-' 即标准输入 / file whose first line is the new secret, '-' for stdin",
    )
    rotate.add_argument(
        "--batch",
        type=int,
        default=500,
        help="每个事务的行数（默认 500）/ rows per transaction (default 500)",
    )
    rotate.set_defaults(handler=_cmd_rotate_key)


def _cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from shared.core.db import get_engine
    from shared.ops.backup import backup

    info = backup(engine=get_engine(), out=Path(args.out))
    size = info.size / 1_000_000
    print(f"备份已写入 backup written: {info.path} ({info.kind}, {size:.1f} MB, key {info.key_id})")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from shared.cli.common import open_database, url_of
    from shared.core.migrate import upgrade_database
    from shared.ops.backup import restore

    engine = open_database()
    info = restore(engine=engine, src=Path(args.file), force=args.force)
    upgrade_database(engine)  # a backup from an older release is brought up to this one
    created = info.created_at.isoformat(timespec="seconds")
    print(f"已恢复 restored: {info.path} (made {created}) into {url_of(engine)}")
    return EXIT_OK


def _cmd_rotate_key(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from shared.cli.common import StageBars, actor, open_database
    from shared.core.audit import record_audit
    from shared.core.crypto import Keyring, get_keyring
    from shared.ops.key_rotation import rotate_key
    from shared.places.links import PREVIOUS_SECRETS_ENV

    secret = _read_secret(args.new_secret_file)
    old, new = get_keyring(), Keyring.from_master(secret.encode("utf-8"))
    engine = open_database()
    bars = StageBars()
    try:
        report = rotate_key(engine, old=old, new=new, batch=args.batch, progress=bars)
    finally:
        bars.close()
    with Session(engine) as session:
        record_audit(
            session, actor=actor(), action="rotate_key", target_type="keyring", target_id=new.key_id.hex(),
            detail={"from": old.key_id.hex(), "rotated": report.rotated, "conflicts": report.conflicts},
        )  # fmt: skip
        session.commit()
    print(f"已重新加密 re-encrypted: {report.total_rotated} rows ({report.rotated})")
    if report.conflicts:
        print(
            f"{report.conflicts} 行在轮换时被修改，请再运行一次 / {report.conflicts} rows changed meanwhile: "
            "run the command again"
        )
        return 1
    print(
        "下一步 next: 把 MENPAI_SECRET_KEY 换成新主密钥，并把旧主密钥加入 "
        f"{PREVIOUS_SECRETS_ENV}（已印门牌仍可验证），然后重启各应用 / set MENPAI_SECRET_KEY to the new "
        f"secret, add the old one to {PREVIOUS_SECRETS_ENV} (printed plates keep verifying), "
        "restart the apps."
    )
    return EXIT_OK


def _read_secret(source: str) -> str:
    """The new master secret: the first line of a file, or of stdin for '-'."""
    if source == "-":
        secret = sys.stdin.readline().strip()
    else:
        with open(source, encoding="utf-8") as handle:
            secret = handle.readline().strip()
    if len(secret) < 32:
        raise DomainError(
            "新主密钥太短（至少 32 个字符）", "The new master secret is too short (at least 32 characters)"
        )
    return secret
