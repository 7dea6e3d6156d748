"""The one helper every write path calls to append to the audit log."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shared.core.clock import utcnow
from shared.models import AuditLog
from shared.models.base import json_default


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str | int,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditLog:
    """Append who did what to which record, when. Never store personal data in `detail`
    in clear: pass masked values or blind indexes."""
    safe_detail = json.loads(json.dumps(detail or {}, default=json_default, ensure_ascii=False))
    entry = AuditLog(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=safe_detail,
        at=at or utcnow(),
    )
    session.add(entry)
    return entry


def record_file_import(
    session: Session,
    *,
    actor: str,
    action: str,
    filename: str,
    file_format: str,
    data: bytes,
    counts: dict[str, Any],
    at: datetime | None = None,
) -> AuditLog:
    """The audit entry of an uploaded file: which file (name and SHA-256, never its rows, which
    hold personal data) and what importing it did."""
    return record_audit(
        session,
        actor=actor,
        action=action,
        target_type="file",
        target_id=filename[-40:],
        detail={
            "filename": filename,
            "format": file_format,
            "sha256": hashlib.sha256(data).hexdigest(),
            **counts,
        },
        at=at,
    )
