"""The audit log's export: the file, and its audit entry, are made only when a button is
clicked, with the filters the page shows at that moment (buttons: portal.ui.exports)."""

from portal.ui.exports import Build
from shared.core.db import session_scope
from shared.models import utcnow
from shared.reporting.audit_browse import AuditFilters, ExportFormat, export_audit
from shared.staff.auth import StaffIdentity


def audit_export(staff: StaffIdentity, filters: AuditFilters, fmt: ExportFormat) -> Build:
    """The audit log under the page's filters, exported (and audited) in its own transaction."""

    def build() -> bytes:
        with session_scope() as session:
            content, _ = export_audit(session, staff=staff, filters=filters, fmt=fmt, now=utcnow())
        return content

    return build
