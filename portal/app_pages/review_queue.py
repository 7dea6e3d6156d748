"""审核队列 (officer, supervisor, admin): the declarations of the staff member's grids, riskiest
and oldest first, with filters and counts per state; a selected row opens its detail, and the
items without findings can be approved together after a confirmation."""

import streamlit as st

from portal.review.actions import bulk_approve_box
from portal.review.widgets import open_detail, queue_table, rule_label, show_flash, state_label
from portal.supervision.exports import export_buttons, queue_export
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.core.db import session_scope
from shared.declarations.labels import OFFICER_STATUS_LABELS
from shared.models import DeclarationStatus, Role, utcnow
from shared.review.queue import QueueFilters, list_queue
from shared.review.scope import filter_choices
from shared.review.states import PENDING_STATES

PAGE_SIZE = 50

staff = guard(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
st.set_page_config(layout="wide")  # the queue has eleven columns
st.header(t("审核队列", "Review queue"))
show_flash()
with session_scope() as session:
    choices = filter_choices(session, staff=staff)

with st.expander(t("筛选", "Filters"), icon=":material/filter_list:"):
    left, right = st.columns(2)
    village = left.selectbox(
        t("村（社区）", "Village or community"),
        list(choices.villages),
        format_func=choices.villages.__getitem__,
        index=None,
        placeholder=t("全部", "All"),
        key="review_queue.village",
    )
    grid = right.selectbox(
        t("网格", "Grid"),
        list(choices.grids),
        format_func=choices.grids.__getitem__,
        index=None,
        placeholder=t("全部", "All"),
        key="review_queue.grid",
    )
    states = st.multiselect(
        t("状态", "States"),
        list(OFFICER_STATUS_LABELS),
        default=list(PENDING_STATES),
        format_func=state_label,
        key="review_queue.states",
    )
    rule = left.selectbox(
        t("问题（比对规则）", "Finding (rule)"),
        list(choices.rules),
        format_func=rule_label,
        index=None,
        placeholder=t("全部", "All"),
        key="review_queue.rule",
    )
    min_age = right.number_input(
        t("至少等待天数", "Waiting at least (days)"), 0, 3650, 0, key="review_queue.min"
    )
    max_age = right.number_input(
        t("至多等待天数（0：不限）", "At most (days, 0: any)"), 0, 3650, 0, key="review_queue.max"
    )
filters = QueueFilters(village, grid, tuple(states), rule, int(min_age) or None, int(max_age) or None)
page_number = int(st.session_state.get("review_queue.page", 1))
now = utcnow()
with session_scope() as session:
    offset = (page_number - 1) * PAGE_SIZE
    page = list_queue(session, staff=staff, filters=filters, now=now, limit=PAGE_SIZE, offset=offset)
if not page.items and page_number > 1:  # the filters changed and left fewer pages
    st.session_state["review_queue.page"] = 1
    st.rerun()

shown = [s for s in OFFICER_STATUS_LABELS if s is not DeclarationStatus.WITHDRAWN]
for column, state in zip(st.columns(len(shown)), shown, strict=True):
    column.metric(state_label(state), page.counts_by_state.get(state, 0))

if not page.items:
    st.info(t("没有符合条件的申报。", "No declarations match."))
else:
    st.caption(t(f"共 {page.total} 项，点选一行打开。", f"{page.total} in all; select a row to open it."))
    selected = queue_table(page.items, key="review_queue.table")
    if selected is not None:
        open_detail(selected)
    if page.total > PAGE_SIZE:
        st.number_input(t("页码", "Page"), 1, (page.total - 1) // PAGE_SIZE + 1, key="review_queue.page")
    export_buttons(
        lambda fmt: queue_export(staff, filters, fmt), file_stem="review-queue", key="review_queue.export"
    )

st.divider()
bulk_approve_box(staff, filters, now)
