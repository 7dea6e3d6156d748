"""Pieces of the notice outbox page: counts per state, the filters, the table."""

from datetime import datetime

import pandas as pd
import streamlit as st

from portal.ui.i18n import relabel_after_switch, t
from shared.core.clock import CHINA_TZ
from shared.core.db import session_scope
from shared.models import NoticeKind, NoticeStatus
from shared.notices.listing import list_outbox, status_counts
from shared.notices.texts import KIND_LABELS, STATUS_LABELS

SHOWN = 500


def _time(at: datetime | None) -> str:
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if at else ""


def notice_counts() -> None:
    """One figure per state; the failed ones first to the eye."""
    with session_scope() as session:
        counts = status_counts(session)
    for column, status in zip(st.columns(len(counts)), counts, strict=True):
        column.metric(t(*STATUS_LABELS[status]), counts[status])


def notice_filters() -> tuple[NoticeStatus | None, NoticeKind | None]:
    left, right = st.columns(2)
    every = t("全部", "All")
    for key in ("notices.status", "notices.kind"):
        relabel_after_switch(key)
    status = left.selectbox(t("状态", "State"), list(NoticeStatus), index=None, key="notices.status",
                            format_func=lambda s: t(*STATUS_LABELS[s]), placeholder=every)  # fmt: skip
    kind = right.selectbox(t("类型", "Kind"), list(NoticeKind), index=None, key="notices.kind",
                           format_func=lambda k: t(*KIND_LABELS[k]), placeholder=every)  # fmt: skip
    return status, kind


def notice_table(status: NoticeStatus | None, kind: NoticeKind | None) -> None:
    """The newest notices under the filters, without phones or full receipt codes."""
    with session_scope() as session:
        rows = list_outbox(session, status=status, kind=kind, limit=SHOWN)
    if not rows:
        st.info(t("没有符合条件的通知。", "No notices match these filters."))
        return
    if len(rows) == SHOWN:
        st.caption(t(f"仅显示最近 {SHOWN} 条。", f"The latest {SHOWN} shown."))
    st.dataframe(
        pd.DataFrame(
            {
                t("生成时间", "Queued"): _time(r.created_at),
                t("类型", "Kind"): t(*KIND_LABELS[r.kind]),
                t("申报编号", "Declaration"): r.declaration_id,
                t("回执码尾号", "Receipt ends"): r.receipt_tail,
                t("状态", "State"): t(*STATUS_LABELS[r.status]),
                t("尝试次数", "Attempts"): r.attempts,
                t("下次尝试", "Next try"): _time(r.next_attempt_at),
                t("发送时间", "Sent"): _time(r.sent_at),
                t("通道", "Channel"): r.channel,
                t("错误", "Error"): r.last_error,
            }
            for r in rows
        ),
        hide_index=True,
        width="stretch",
    )
