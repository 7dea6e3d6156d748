"""执法清单导出: the enforcement list as CSV or XLSX for the police station's case files.

One row per case (an unreported let room, a late declaration) with its landlord's line beside
it. Names, document numbers and phones are masked unless revealed; a reveal needs a reason and
one of the roles that may read people's numbers, and every export is audited — a clear one as
`export.enforcement.reveal`, so it stands out in the log like every other reveal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.crypto import mask_id_number, mask_name
from shared.core.spreadsheets import Cell, table_bytes
from shared.core.validate_text import typed_text
from shared.enforcement.landlords import EnforcementList, Landlord, enforcement_list
from shared.enforcement.rooms import LandlordKey, LetRoom
from shared.review.decisions import MAX_REASON_CHARS
from shared.review.reveal import REVEAL_ROLES
from shared.staff.auth import StaffIdentity, require_role

ExportFormat = Literal["csv", "xlsx"]
HEADERS = (
    "类别 Case",
    "房东 Landlord",
    "证件号码/信用代码 ID or USCC",
    "电话 Phone",
    "地址 Address",
    "村（社区） Village",
    "网格 Grid",
    "最近申报 Last reported",
    "未申报天数 Days unreported",
    "通行次数 Passages",
    "访客登记 Visitors",
    "未确认租客 Unconfirmed tenants",
    "申报编号 Declaration",
    "逾期人员 People declared late",
    "入住日期 Moved in",
    "申报日期 Declared on",
    "入住后工作日 Working days after moving in",
    "历次警告 Past warnings",
)
UNREPORTED = "未按期申报 Not reported"
LATE = "逾期申报 Declared late"


def export_enforcement(
    session: Session,
    *,
    staff: StaffIdentity,
    today: date,
    days: int,
    fmt: ExportFormat,
    now: datetime,
    village: str | None = None,
    reveal: bool = False,
    reason: str = "",
) -> bytes:
    """The file of the list as the page shows it (same period and village). Adds the audit
    entry; the caller commits."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}")
    why = ""
    if reveal:
        require_role(staff.role, *REVEAL_ROLES)
        why = typed_text(
            reason, max_chars=MAX_REASON_CHARS, field="reason", label=("查看原因", "Reason"), required=True
        )
    listed = enforcement_list(session, staff=staff, today=today, days=days, village=village, reveal=reveal)
    content, count = table_bytes(fmt, HEADERS, _rows(listed, reveal=reveal))
    detail = {"format": fmt, "rows": count, "days": days, "village": village, "revealed": reveal}
    record_audit(
        session,
        actor=staff.username,
        action="export.enforcement.reveal" if reveal else "export.enforcement",
        target_type="table",
        target_id="enforcement",
        detail={**detail, "reason": why},
        at=now,
    )
    session.flush()
    return content


def _rows(listed: EnforcementList, *, reveal: bool) -> Iterator[list[Cell]]:
    landlords = {x.key: x for x in listed.landlords}
    for room in listed.unreported:
        yield [
            UNREPORTED, *_landlord(landlords, room.room.landlord), *_place(room.room),
            room.last_reported, room.days_unreported, room.passages, room.visitors, room.unconfirmed,
            None, "", None, None, None, _warnings(landlords, room.room.landlord),
        ]  # fmt: skip
    for case in listed.late:
        people = "；".join(
            f"{p.name} {p.id_number}" if reveal else f"{mask_name(p.name)} {mask_id_number(p.id_number)}"
            for p in case.people
        )
        yield [
            LATE, *_landlord(landlords, case.room.landlord), *_place(case.room),
            None, None, None, None, None, case.declaration_id, people, case.move_in, case.submitted_on,
            case.working_days, _warnings(landlords, case.room.landlord),
        ]  # fmt: skip


def _landlord(landlords: dict[LandlordKey, Landlord], key: LandlordKey) -> list[Cell]:
    found = landlords.get(key)
    return [found.name, found.id_number, found.phone] if found else ["", "", ""]


def _place(room: LetRoom) -> list[Cell]:
    return [room.label, room.village_name, room.grid_code or ""]


def _warnings(landlords: dict[LandlordKey, Landlord], key: LandlordKey) -> int:
    found = landlords.get(key)
    return found.warnings if found else 0
