"""备份与恢复: an encrypted copy of the whole database, and putting it back.

SQLite is copied with its online backup API (the apps may keep writing meanwhile);
PostgreSQL with `pg_dump --format=custom`. The copy is then sealed with AES-256-GCM under the
master secret's backup key, in chunks, so a town's ~100 MB file never sits in memory whole.
Each chunk's nonce is the file's random prefix and the chunk's number, and its associated
data is the file header, the number and a last-chunk flag: reordering, truncating, appending
or editing the header all fail authentication.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, func, inspect, select, table, text
from sqlalchemy.engine import URL

from shared.core.clock import utcnow
from shared.core.crypto import Keyring, get_keyring
from shared.core.db import is_sqlite
from shared.core.errors import DomainError

MAGIC = b"MENPAIBK"
FORMAT_VERSION = 1
CHUNK_BYTES = 1 << 20
KIND_SQLITE, KIND_POSTGRES = "sqlite", "postgresql"
_KIND_CODES = {KIND_SQLITE: b"S", KIND_POSTGRES: b"P"}
# magic, version, key id, kind, created at (unix seconds), nonce prefix, chunk size
_HEADER = struct.Struct(">8sB4scQ8sI")
_CHUNK_LEN = struct.Struct(">I")
_TAG_BYTES = 16
_NOT_COUNTED = {"alembic_version"}  # present in every migrated database, empty or not


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file says about itself (readable without the key; trusted only once opened)."""

    path: Path
    kind: str
    key_id: str
    created_at: datetime
    size: int


def backup(*, engine: Engine, out: Path, keyring: Keyring | None = None) -> BackupInfo:
    """Copy the database behind `engine` into `out`, encrypted; the file is written whole or not at all."""
    ring = keyring or get_keyring()
    kind = KIND_SQLITE if is_sqlite(str(engine.url)) else KIND_POSTGRES
    created = utcnow().replace(microsecond=0)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _scratch(out.parent) as (plain, partial):
        if kind == KIND_SQLITE:
            _sqlite_copy(engine, plain)
        else:
            _pg_dump(engine, plain)
        header = _HEADER.pack(
            MAGIC, FORMAT_VERSION, ring.key_id, _KIND_CODES[kind], int(created.timestamp()),
            os.urandom(8), CHUNK_BYTES,
        )  # fmt: skip
        with plain.open("rb") as source, partial.open("wb") as sink:
            _seal(source, sink, header, ring.backup_key)
        os.replace(partial, out)  # readers never see half a backup under the final name
    return BackupInfo(out, kind, ring.key_id.hex(), created, out.stat().st_size)


def read_backup_info(src: Path) -> BackupInfo:
    """The header of a backup file, checked for shape only."""
    with src.open("rb") as handle:
        header = handle.read(_HEADER.size)
    _magic, _version, key_id, code, created, _prefix, _chunk = _parse_header(header)
    kind = next(k for k, c in _KIND_CODES.items() if c == code)
    return BackupInfo(src, kind, key_id.hex(), datetime.fromtimestamp(created, UTC), src.stat().st_size)


def restore(*, engine: Engine, src: Path, keyring: Keyring | None = None, force: bool = False) -> BackupInfo:
    """Put a backup back into the database behind `engine`.

    The whole file is opened and authenticated before the database is touched, so a wrong key
    or a damaged file leaves the target as it was. A database holding records is only
    overwritten with `force`.
    """
    ring = keyring or get_keyring()
    info = read_backup_info(src)
    target_kind = KIND_SQLITE if is_sqlite(str(engine.url)) else KIND_POSTGRES
    if info.kind != target_kind:
        raise DomainError(
            f"备份来自 {info.kind} 数据库，不能恢复到 {target_kind} 数据库",
            f"The backup is of a {info.kind} database and cannot be restored into {target_kind}",
        )
    if info.key_id != ring.key_id.hex():
        raise DomainError(
            "备份由另一个主密钥加密，无法解密（检查 MENPAI_SECRET_KEY）",
            "The backup was encrypted under another master secret (check MENPAI_SECRET_KEY)",
        )
    if not force and not is_empty(engine):
        raise DomainError(
            "目标数据库已有数据，未恢复（确认覆盖请加 --force）",
            "The target database already holds records; nothing was restored (add --force to overwrite)",
        )
    with _scratch(None) as (plain, _unused):
        with src.open("rb") as source, plain.open("wb") as sink:
            _open_sealed(source, sink, ring.backup_key)
        if target_kind == KIND_SQLITE:
            _sqlite_restore(engine, plain)
        else:
            _pg_restore(engine, plain)
    engine.dispose()  # pooled connections may hold pages or a catalogue of the old database
    return info


def is_empty(engine: Engine) -> bool:
    """True when no table but the migration marker holds a row."""
    with engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if n not in _NOT_COUNTED]
        return all(conn.scalar(select(func.count()).select_from(table(n))) == 0 for n in names)


# -- encryption --------------------------------------------------------------------------------


def _seal(source: BinaryIO, sink: BinaryIO, header: bytes, key: bytes) -> None:
    prefix = header[-12:-4]
    aead = AESGCM(key)
    sink.write(header)
    number, chunk = 0, source.read(CHUNK_BYTES)
    while True:
        following = source.read(CHUNK_BYTES)
        last = not following
        sealed = aead.encrypt(prefix + struct.pack(">I", number), chunk, _chunk_aad(header, number, last))
        sink.write(_CHUNK_LEN.pack(len(sealed)) + sealed)
        if last:
            return
        number, chunk = number + 1, following


def _open_sealed(source: BinaryIO, sink: BinaryIO, key: bytes) -> None:
    header = source.read(_HEADER.size)
    _magic, _version, _key_id, _kind, _created, prefix, chunk_bytes = _parse_header(header)
    aead = AESGCM(key)
    number, length_bytes = 0, source.read(_CHUNK_LEN.size)
    while True:
        if len(length_bytes) != _CHUNK_LEN.size:
            raise _altered()
        (length,) = _CHUNK_LEN.unpack(length_bytes)
        if not _TAG_BYTES <= length <= chunk_bytes + _TAG_BYTES:
            raise _altered()
        sealed = source.read(length)
        length_bytes = source.read(_CHUNK_LEN.size)  # nothing after it: this must be the last chunk
        last = not length_bytes
        try:
            plain = aead.decrypt(prefix + struct.pack(">I", number), sealed, _chunk_aad(header, number, last))
        except InvalidTag:
            raise _altered() from None
        sink.write(plain)
        if last:
            return
        number += 1


def _chunk_aad(header: bytes, number: int, last: bool) -> bytes:
    return header + struct.pack(">I?", number, last)


def _parse_header(header: bytes) -> tuple[bytes, int, bytes, bytes, int, bytes, int]:
    if len(header) != _HEADER.size or not header.startswith(MAGIC):
        raise DomainError("这不是门牌系统的备份文件", "This is not a Menpai backup file")
    fields: tuple[bytes, int, bytes, bytes, int, bytes, int] = _HEADER.unpack(header)
    if fields[1] != FORMAT_VERSION or fields[3] not in _KIND_CODES.values() or fields[6] <= 0:
        raise DomainError(
            "备份文件格式版本不受支持或文件头已损坏",
            "The backup's format version is not supported or its header is damaged",
        )
    return fields


def _altered() -> DomainError:
    return DomainError(
        "备份文件已被改动或损坏，或主密钥不对：未恢复任何数据",
        "The backup file was altered or damaged, or the master secret is wrong: nothing was restored",
    )


# -- SQLite ------------------------------------------------------------------------------------


def _sqlite_copy(engine: Engine, dest: Path) -> None:
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with sqlite3.connect(dest) as target:
            source.backup(target)
        target.close()
    finally:
        raw.close()


def _sqlite_restore(engine: Engine, plain: Path) -> None:
    engine.dispose()
    raw = engine.raw_connection()
    try:
        target = raw.driver_connection
        assert isinstance(target, sqlite3.Connection)
        source = sqlite3.connect(plain)
        try:
            if source.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise _altered()
            source.backup(target)
        finally:
            source.close()
    finally:
        raw.close()


# -- PostgreSQL --------------------------------------------------------------------------------


def _pg_dump(engine: Engine, dest: Path) -> None:
    url, env = _libpq(engine)
    _run(
        [_pg_tool(engine, "pg_dump"), "--format=custom", "--no-owner", f"--file={dest}", f"--dbname={url}"],
        env,
    )


def _pg_restore(engine: Engine, plain: Path) -> None:
    url, env = _libpq(engine)
    tool = _pg_tool(engine, "pg_restore")
    _run([tool, "--clean", "--if-exists", "--no-owner", "--exit-on-error", "--single-transaction",
          f"--dbname={url}", str(plain)], env)  # fmt: skip


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (argv is visible to every user); the password goes in the env."""
    url: URL = engine.url
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(engine: Engine, name: str) -> str:
    """The client of the server's major version: pg_dump refuses servers newer than itself."""
    with engine.connect() as conn:
        major = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise DomainError(
        f"找不到 {name}（PostgreSQL {major} 客户端），请安装 postgresql-client-{major}",
        f"{name} (PostgreSQL {major} client) was not found; install postgresql-client-{major}",
    )


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        tool = Path(argv[0]).name
        raise DomainError(f"{tool} 失败：{detail}", f"{tool} failed: {detail}")


@contextmanager
def _scratch(folder: Path | None) -> Iterator[tuple[Path, Path]]:
    """Two private temporary paths; beside the backup when writing one, so the rename is atomic."""
    with tempfile.TemporaryDirectory(prefix=".menpai-backup-", dir=folder) as tmp:
        os.chmod(tmp, 0o700)  # the clear copy must not be readable by other users even briefly
        yield Path(tmp) / "plain", Path(tmp) / "sealed"
