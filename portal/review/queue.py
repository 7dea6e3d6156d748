"""Pieces of the review queue page: the filters, one page of the queue, counts per state and the
table whose selected row opens the detail."""

from datetime import datetime

import streamlit as st

from portal.review.widgets import open_detail, queue_table, rule_label, state_label
from portal.ui.exports import Build, export_buttons
from portal.ui.i18n import relabel_after_switch, t
from shared.core.db import session_scope
from shared.declarations.labels import OFFICER_STATUS_LABELS
from shared.models import DeclarationStatus, utcnow
from shared.reporting.audit_browse import ExportFormat
from shared.review.export import export_queue
from shared.review.queue import QueueFilters, QueuePage, list_queue
from shared.review.states import PENDING_STATES
from shared.staff.auth import StaffIdentity
from shared.staff.scope import filter_choices

PAGE_SIZE = 50
PAGE_KEY = "review_queue.page"


def queue_filters(staff: StaffIdentity) -> QueueFilters:
    """The filters, folded away; choices are the villages, grids and rules of the staff's scope."""
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
        relabel_after_switch("review_queue.states", preset=list(PENDING_STATES))
        states = st.multiselect(
            t("状态", "States"),
            list(OFFICER_STATUS_LABELS),
            format_func=state_label,
            key="review_queue.states",
        )
        relabel_after_switch("review_queue.rule")
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
    return QueueFilters(village, grid, tuple(states), rule, int(min_age) or None, int(max_age) or None)


def queue_page(staff: StaffIdentity, filters: QueueFilters, now: datetime) -> QueuePage:
    """The page of the queue the page number shows; back to the first when filters left fewer."""
    page_number = int(st.session_state.get(PAGE_KEY, 1))
    with session_scope() as session:
        offset = (page_number - 1) * PAGE_SIZE
        page = list_queue(session, staff=staff, filters=filters, now=now, limit=PAGE_SIZE, offset=offset)
    if not page.items and page_number > 1:  # the filters changed and left fewer pages
        st.session_state[PAGE_KEY] = 1
        st.rerun()
    return page


def state_counts(page: QueuePage) -> None:
    """One figure per state (withdrawn ones are not the officer's work)."""
    shown = [s for s in OFFICER_STATUS_LABELS if s is not DeclarationStatus.WITHDRAWN]
    for column, state in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(state_label(state), page.counts_by_state.get(state, 0))


def queue_list(page: QueuePage, staff: StaffIdentity, filters: QueueFilters) -> None:
    """The table (a selected row opens its detail), the page number and the exports."""
    if not page.items:
        st.info(t("没有符合条件的申报。", "No declarations match."))
        return
    st.caption(t(f"共 {page.total} 项，点选一行打开。", f"{page.total} in all; select a row to open it."))
    selected = queue_table(page.items, key="review_queue.table")
    if selected is not None:
        open_detail(selected)
    if page.total > PAGE_SIZE:
        st.number_input(t("页码", "Page"), 1, (page.total - 1) // PAGE_SIZE + 1, key=PAGE_KEY)
    export_buttons(
        lambda fmt: queue_export(staff, filters, fmt), file_stem="review-queue", key="review_queue.export"
    )


def queue_export(staff: StaffIdentity, filters: QueueFilters, fmt: ExportFormat) -> Build:
    """The review queue under the page's filters, in the staff member's scope, audited."""

    def build() -> bytes:
        with session_scope() as session:
            return export_queue(session, staff=staff, filters=filters, now=utcnow(), fmt=fmt)

    return build
