"""Pieces of the passages page: the filters, the log as a table, and its exports."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from portal.receipt.pass_widgets import local_time, passage_export
from portal.supervision.audit import start_of
from portal.ui.exports import export_buttons
from portal.ui.i18n import current_lang, relabel_after_switch, t
from shared.core.db import session_scope
from shared.gate.gates import list_gates
from shared.gate.passages import PassageFilters, list_passages, short_subject
from shared.models import PassageResult
from shared.places.search import list_villages
from shared.staff.auth import StaffIdentity

SHOWN = 1000


def passage_filters(today: date) -> PassageFilters:
    """Village, gate, result and a range of China's days (the last seven by default)."""
    with session_scope() as session:
        villages = dict(list_villages(session))
        gates = {g.id: f"{g.village_name} · {g.name}" for g in list_gates(session)}
    left, middle, right = st.columns(3)
    village = left.selectbox(t("村（社区）", "Village"), list(villages), format_func=villages.__getitem__,
                             index=None, placeholder=t("全部", "All"), key="passages.village")  # fmt: skip
    gate_id = middle.selectbox(t("门岗", "Gate"), list(gates), format_func=gates.__getitem__, index=None,
                               placeholder=t("全部", "All"), key="passages.gate")  # fmt: skip
    results = {PassageResult.ALLOWED: t("通行", "Allowed"), PassageResult.DENIED: t("拒绝", "Denied")}
    relabel_after_switch("passages.result")
    result = right.selectbox(t("结果", "Result"), list(results), format_func=results.__getitem__,
                             index=None, placeholder=t("全部", "All"), key="passages.result")  # fmt: skip
    days = st.date_input(t("日期范围", "Dates"), value=(today - timedelta(days=6), today),
                         max_value=today, format="YYYY-MM-DD", key="passages.days")  # fmt: skip
    chosen = [d for d in (days if isinstance(days, tuple | list) else (days,)) if isinstance(d, date)]
    first, last = (chosen[0], chosen[-1]) if chosen else (None, None)
    return PassageFilters(
        gate_id=gate_id,
        village=village,
        result=result,
        since=start_of(first) if first else None,
        until=start_of(last + timedelta(days=1)) if last else None,
    )


def passage_table(filters: PassageFilters) -> None:
    """The latest passages under the filters; stops the page when there are none."""
    lang = current_lang()
    with session_scope() as session:
        rows = list_passages(
            session,
            gate_id=filters.gate_id,
            village=filters.village,
            result=filters.result,
            since=filters.since,
            until=filters.until,
            limit=SHOWN + 1,
        )
    if not rows:
        st.info(t("没有符合条件的通行记录。", "No passages match these filters."))
        st.stop()
    if len(rows) > SHOWN:
        rows = rows[:SHOWN]
        st.caption(
            t(f"仅显示最近 {SHOWN} 条；导出包含全部。", f"The latest {SHOWN} shown; exports hold them all.")
        )
    st.dataframe(
        pd.DataFrame(
            {
                t("时间", "Time"): local_time(p.at),
                t("门岗", "Gate"): p.gate_name,
                t("村（社区）", "Village"): p.village_name,
                t("结果", "Result"): p.result_text(lang),
                t("原因", "Reason"): p.reason_text(lang),
                t("对象（化名）", "Subject (pseudonym)"): short_subject(p.subject),
                t("类别", "Kind"): t("访客", "visitor")
                if p.is_visitor
                else t("住户", "resident")
                if p.subject
                else "",
            }
            for p in rows
        ),
        hide_index=True,
        width="stretch",
    )


def passage_exports(filters: PassageFilters, staff: StaffIdentity, today: date) -> None:
    """CSV and XLSX of every passage under the filters, made (and audited) when downloaded."""
    export_buttons(
        lambda fmt: passage_export(filters, fmt, staff.username),
        file_stem=f"passages-{today.isoformat()}",
        key="passages.export",
    )
