"""Export buttons of the staff pages: the file, and its audit entry, are made only when a
button is clicked, with the filters the page shows at that moment."""

from collections.abc import Callable

import streamlit as st

from portal.ui.i18n import t
from shared.core.db import session_scope
from shared.core.spreadsheets import MIME_TYPES
from shared.models import utcnow
from shared.reporting.audit_browse import AuditFilters, ExportFormat, export_audit
from shared.review.export import export_queue
from shared.review.queue import QueueFilters
from shared.staff.auth import StaffIdentity

FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx")
Build = Callable[[], bytes]


def export_buttons(make: Callable[[ExportFormat], Build], *, file_stem: str, key: str) -> None:
    """A CSV and an XLSX button side by side; `make(fmt)` gives the function that builds the file."""
    for column, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
        column.download_button(
            t(f"导出 {fmt.upper()}", f"Export {fmt.upper()}"),
            data=make(fmt),
            file_name=f"{file_stem}.{fmt}",
            mime=MIME_TYPES[fmt],
            on_click="ignore",
            icon=":material/download:",
            key=f"{key}_{fmt}",
            width="stretch",
        )


def audit_export(staff: StaffIdentity, filters: AuditFilters, fmt: ExportFormat) -> Build:
    """The audit log under the page's filters, exported (and audited) in its own transaction."""

    def build() -> bytes:
        with session_scope() as session:
            content, _ = export_audit(session, staff=staff, filters=filters, fmt=fmt, now=utcnow())
        return content

    return build


def queue_export(staff: StaffIdentity, filters: QueueFilters, fmt: ExportFormat) -> Build:
    """The review queue under the page's filters, in the staff member's scope, audited."""

    def build() -> bytes:
        with session_scope() as session:
            return export_queue(session, staff=staff, filters=filters, now=utcnow(), fmt=fmt)

    return build
