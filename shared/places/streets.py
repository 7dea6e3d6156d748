"""新增街路巷: a street the library does not have yet (a new estate's lanes), added by an officer
placing a declaration's typed address or by an admin.

The name is unique in its village, also against other streets' old names (as renaming checks),
so a letter to that name leads to one street only. The audit entry is written beside the street.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.errors import ValidationError
from shared.models import RecordStatus, Street, Village
from shared.places.maintenance import STREET_NAME_MAX_CHARS


def clean_street_name(text: str) -> str:
    """A street name as stored: NFKC, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def find_street(session: Session, *, village_code: str, name: str) -> Street | None:
    """The active street of the village with this name or old name."""
    wanted = clean_street_name(name)
    streets = session.scalars(
        select(Street).where(Street.village_code == village_code, Street.status == RecordStatus.ACTIVE)
    )
    return next((s for s in streets if s.name == wanted or wanted in (s.aliases or [])), None)


def add_street(session: Session, *, village_code: str, name: str, actor: str, now: datetime) -> Street:
    """A new active street in the village; refused when the village already has that name."""
    village = session.get(Village, village_code)
    if village is None:
        raise ValidationError(
            f"村（社区）{village_code} 不存在", f"No village {village_code}", field="village"
        )
    clean = clean_street_name(name)
    if not clean:
        raise ValidationError("请填写街路巷名称", "Give the street's name", field="street_name")
    if len(clean) > STREET_NAME_MAX_CHARS:
        raise ValidationError(
            f"名称不能超过 {STREET_NAME_MAX_CHARS} 个字符",
            f"The name may have at most {STREET_NAME_MAX_CHARS} characters",
            field="street_name",
        )
    for other in session.scalars(select(Street).where(Street.village_code == village_code)):
        if other.name == clean or clean in (other.aliases or []):
            raise ValidationError(
                f"{village.name}已有街路巷“{other.name}”（名称或曾用名相同）",
                f"{village.name} already has the street {other.name!r} (same name or former name)",
                field="street_name",
            )
    street = Street(name=clean, village_code=village.code, aliases=[], status=RecordStatus.ACTIVE)
    session.add(street)
    session.flush()
    record_audit(
        session, actor=actor, action="street.add", target_type="street", target_id=street.id,
        detail={"name": clean, "village": village.code, "village_name": village.name},
        at=now,
    )  # fmt: skip
    return street
