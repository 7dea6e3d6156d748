"""密钥轮换: re-encrypt every personal field and recompute every blind index under a new master secret.

Encrypted columns are found generically (binary columns named `*_enc`), so a table added later
is rotated without touching this module. Blind indexes are not: each `*_index` column beside
them must have a rule below, and a table with an index we do not know is refused before any
row changes, because a stale index would silently break look-ups.

Rows are rewritten in batches, each its own transaction, and a row whose ciphertexts already
carry the new key id is skipped, so an interrupted rotation is simply run again. Each update
is guarded by the ciphertexts it read: a row an app changed meanwhile is left for the rerun.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, Engine, LargeBinary, Table, and_, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session, sessionmaker

from shared.core.crypto import (
    DecryptionError,
    Keyring,
    decrypt,
    encrypt,
    id_blind_index,
    key_id_of,
    phone_blind_index,
)
from shared.core.errors import DomainError
from shared.models import Base

Progress = Callable[[str, int, int], None]  # table, rows done, rows in table
Clear = Mapping[str, Any]  # a row's plain columns plus each `*_enc` column decrypted (None stays None)
IndexRule = Callable[[Clear, Keyring], str | None]

_DECLARANT_HOLDER = {"residence": "person", "rental": "landlord", "organisation": "declarant"}


def _id_index(row: Clear, ring: Keyring) -> str | None:
    return id_blind_index(row["id_type"], row["id_number_enc"], ring)


def _phone_index(row: Clear, ring: Keyring) -> str | None:
    return phone_blind_index(row["phone_enc"], ring) if row["phone_enc"] is not None else None


def _declarant_index(row: Clear, ring: Keyring) -> str | None:
    # The same document declarations.submit_* indexed: the declarant named by the payload's kind.
    holder = json.loads(row["payload_enc"])[_DECLARANT_HOLDER[str(row["kind"]).lower()]]
    return id_blind_index(holder["id_type"], holder["id_number"], ring)


# (table, index column) → how to recompute it, and the plain columns it needs.
INDEX_RULES: dict[tuple[str, str], tuple[IndexRule, tuple[str, ...]]] = {
    ("people", "id_number_index"): (_id_index, ("id_type",)),
    ("people", "phone_index"): (_phone_index, ()),
    ("visitors", "id_number_index"): (_id_index, ("id_type",)),
    ("visitors", "phone_index"): (_phone_index, ()),
    ("organisations", "phone_index"): (_phone_index, ()),
    ("declarations", "declarant_index"): (_declarant_index, ("kind",)),
}


@dataclass
class RotationReport:
    """Rows rewritten, rows found already rotated, rows changed by someone else meanwhile."""

    rotated: dict[str, int] = field(default_factory=dict)
    already_done: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0

    @property
    def total_rotated(self) -> int:
        return sum(self.rotated.values())


@dataclass(frozen=True)
class _Plan:
    table: Table
    enc: tuple[Column[Any], ...]
    indexes: tuple[tuple[str, IndexRule], ...]
    plain: tuple[str, ...]  # read and written back as they were (onupdate timestamps)


def encrypted_tables() -> list[_Plan]:
    """Every mapped table holding `*_enc` columns, with the rules for its blind indexes."""
    plans = []
    for tbl in Base.metadata.sorted_tables:
        enc = tuple(c for c in tbl.columns if c.name.endswith("_enc") and isinstance(c.type, LargeBinary))
        if not enc:
            continue
        indexes, plain = [], {c.name for c in tbl.columns if c.onupdate is not None}
        for col in tbl.columns:
            if not col.name.endswith("_index"):
                continue
            rule = INDEX_RULES.get((tbl.name, col.name))
            if rule is None:
                raise DomainError(
                    f"不知道如何重算 {tbl.name}.{col.name}，未轮换任何数据",
                    f"No rule recomputes {tbl.name}.{col.name}; nothing was rotated",
                )
            indexes.append((col.name, rule[0]))
            plain.update(rule[1])
        plans.append(_Plan(tbl, enc, tuple(indexes), tuple(sorted(plain))))
    return plans


def rotate_key(
    target: Engine | sessionmaker[Session],
    *,
    old: Keyring,
    new: Keyring,
    batch: int = 500,
    progress: Progress | None = None,
) -> RotationReport:
    """Re-encrypt every personal field from `old` to `new`, committing each batch.

    Afterwards the operator sets MENPAI_SECRET_KEY to the new secret and lists the old one in
    MENPAI_PREVIOUS_SECRET_KEYS, so plates already printed keep verifying.
    """
    if old.key_id == new.key_id:
        raise DomainError("新主密钥与当前主密钥相同", "The new master secret is the current one")
    engine = target if isinstance(target, Engine) else target.kw["bind"]
    if not isinstance(engine, Engine):
        raise TypeError("the session factory must be bound to an engine")
    report = RotationReport()
    for plan in encrypted_tables():
        _rotate_table(engine, plan, old=old, new=new, batch=batch, progress=progress, report=report)
    return report


def _rotate_table(
    engine: Engine,
    plan: _Plan,
    *,
    old: Keyring,
    new: Keyring,
    batch: int,
    progress: Progress | None,
    report: RotationReport,
) -> None:
    tbl = plan.table
    (pk,) = tbl.primary_key.columns
    columns = [pk, *plan.enc, *(tbl.c[name] for name in plan.plain)]
    name = tbl.name
    report.rotated.setdefault(name, 0)
    report.already_done.setdefault(name, 0)
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(tbl)) or 0
    done, last_id = 0, None
    while True:
        query = select(*columns).order_by(pk).limit(batch)
        if last_id is not None:
            query = query.where(pk > last_id)
        with engine.begin() as conn:
            rows = conn.execute(query).mappings().all()
            for row in rows:
                outcome = _rotate_row(conn, plan, row, old=old, new=new)
                if outcome == "rotated":
                    report.rotated[name] += 1
                elif outcome == "done":
                    report.already_done[name] += 1
                else:
                    report.conflicts += 1
        if not rows:
            return
        done += len(rows)
        last_id = rows[-1][pk.name]
        if progress is not None:
            progress(name, done, total)


def _rotate_row(conn: Connection, plan: _Plan, row: RowMapping, *, old: Keyring, new: Keyring) -> str:
    tbl = plan.table
    (pk,) = tbl.primary_key.columns
    blobs = {c.name: row[c.name] for c in plan.enc}
    if all(b is None or key_id_of(b) == new.key_id for b in blobs.values()):
        return "done"
    clear: dict[str, Any] = {name: row[name] for name in plan.plain}
    values: dict[str, Any] = {name: row[name] for name in plan.plain}
    for name, blob in blobs.items():
        if blob is None:
            clear[name] = None
            continue
        ring = new if key_id_of(blob) == new.key_id else old
        try:
            clear[name] = decrypt(blob, ring)
        except DecryptionError as exc:
            raise DomainError(
                f"{tbl.name} 第 {row[pk.name]} 行的 {name} 无法用旧主密钥解密，轮换已停止",
                f"{tbl.name} row {row[pk.name]}: {name} does not open under the old master secret; "
                "rotation stopped",
            ) from exc
        values[name] = encrypt(clear[name], new)
    for name, rule in plan.indexes:
        values[name] = rule(clear, new)
    # Compare-and-swap on what was read: an app's write in between must not be overwritten.
    guard = and_(
        pk == row[pk.name],
        *((c.is_(None) if blobs[c.name] is None else c == blobs[c.name]) for c in plan.enc),
    )
    changed = conn.execute(update(tbl).where(guard).values(values)).rowcount
    return "rotated" if changed == 1 else "conflict"
