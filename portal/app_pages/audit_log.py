"""审计日志 (supervisor, admin): who did what to which record, with filters; the export (CSV or
XLSX) holds every entry under the same filters and is itself audited. Identity numbers and
phones in the details are masked."""

from datetime import timedelta

import streamlit as st

from portal.supervision.audit import audit_table, start_of
from portal.supervision.exports import audit_export
from portal.ui.exports import export_buttons
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.core.clock import local_today
from shared.core.db import session_scope
from shared.models import utcnow
from shared.reporting.audit_browse import AUDIT_ROLES, AuditFilters, audit_choices, list_audit

PAGE_SIZE = 100

staff = guard(*AUDIT_ROLES)
st.header(t("审计日志", "Audit log"))
today = local_today(utcnow())
with session_scope() as session:
    choices = audit_choices(session, staff=staff)

left, middle, right = st.columns(3)
everything = t("全部", "All")
actor = left.selectbox(t("操作人", "Actor"), choices.actors, index=None, placeholder=everything,
                       key="audit_log.actor")  # fmt: skip
action = middle.selectbox(t("操作", "Action"), choices.actions, index=None, placeholder=everything,
                          key="audit_log.action")  # fmt: skip
target = right.selectbox(t("对象类型", "Target type"), choices.target_types, index=None,
                         placeholder=everything, key="audit_log.target")  # fmt: skip
days = left.date_input(t("日期范围", "Dates"), value=(today - timedelta(days=29), today), max_value=today,
                       format="YYYY-MM-DD", key="audit_log.days")  # fmt: skip
text = st.columns([2, 1])[0].text_input(t("包含文字", "Containing"), max_chars=100, key="audit_log.text")
chosen = sorted(days) if isinstance(days, tuple | list) else [days]
filters = AuditFilters(
    actor=actor,
    action=action,
    target_type=target,
    since=start_of(chosen[0]) if chosen else None,
    until=start_of(chosen[-1] + timedelta(days=1)) if chosen else None,
    text=text.strip() or None,
)

page_number = int(st.session_state.get("audit_log.page", 1))
with session_scope() as session:
    page = list_audit(
        session, staff=staff, **filters.__dict__, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
if not page.items and page_number > 1:  # the filters changed and left fewer pages
    st.session_state["audit_log.page"] = 1
    st.rerun()
if not page.items:
    st.info(t("没有符合条件的审计记录。", "No audit entries match these filters."))
    st.stop()

st.caption(t(f"共 {page.total} 条，最新的在前。", f"{page.total} entries, newest first."))
audit_table(page.items)
if page.total > PAGE_SIZE:
    st.number_input(t("页码", "Page"), 1, (page.total - 1) // PAGE_SIZE + 1, key="audit_log.page")
export_buttons(
    lambda fmt: audit_export(staff, filters, fmt),
    file_stem=f"audit-log-{today.isoformat()}",
    key="audit_log.export",
)
