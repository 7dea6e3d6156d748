"""Pieces of the audit log page: the date filter's days and the table of entries."""

from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from portal.review.widgets import local_time
from portal.ui.i18n import t
from shared.core.clock import CHINA_TZ
from shared.reporting.audit_browse import AuditEntry, detail_text


def start_of(day: date) -> datetime:
    """Midnight of a day in China: the date fields are China's days."""
    return datetime.combine(day, time(), CHINA_TZ)


def audit_table(entries: list[AuditEntry]) -> None:
    """The entries, with times in China's time zone (the export keeps them in UTC)."""
    st.dataframe(
        pd.DataFrame(
            {
                t("时间", "Time"): local_time(e.at),
                t("操作人", "Actor"): e.actor,
                t("操作", "Action"): e.action,
                t("对象类型", "Target type"): e.target_type,
                t("对象", "Target"): e.target_id,
                t("详情", "Detail"): detail_text(e.detail),
            }
            for e in entries
        ),
        hide_index=True,
        width="stretch",
    )
