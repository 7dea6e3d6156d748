"""数据驾驶舱 (supervisor, admin): the town's figures per village, population by category, officers'
load against the standard, charts and an XLSX export. Figures and definitions: shared.reporting.dashboard."""

import streamlit as st

from portal.supervision.dashboard import (
    officer_table,
    population_columns,
    share_columns,
    town_metrics,
    village_table,
)
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.core.db import session_scope
from shared.models import Role, utcnow
from shared.reporting.dashboard import OFFICER_STANDARD, dashboard_figures
from shared.reporting.dashboard_xlsx import dashboard_xlsx

guard(Role.SUPERVISOR, Role.ADMIN)
st.set_page_config(layout="wide")
st.header(t("数据驾驶舱", "Dashboard"))
with session_scope() as session:
    figures = dashboard_figures(session, now=utcnow())
st.caption(t(f"统计日期：{figures.as_of}", f"As of {figures.as_of}"))
town_metrics(figures.town)

st.subheader(t("各村（社区）", "Villages"))
table = village_table(figures)
shares = share_columns()
percent = st.column_config.NumberColumn(format="%.1f%%")
st.dataframe(table, hide_index=True, height="content", column_config=dict.fromkeys(shares, percent))
villages = table.iloc[:-1].set_index(table.columns[0])  # the town's row is not a village
left, right = st.columns(2)
with left:
    st.markdown(t("**申报率与核实率（%）**", "**Declared and verified (%)**"))
    st.bar_chart(villages[list(shares[1:])], stack=False, horizontal=True, sort=False, y_label="", height=420)
with right:
    st.markdown(t("**实有人口**", "**Residents by category**"))
    st.bar_chart(villages[population_columns()], horizontal=True, sort=False, y_label="", height=420)

st.subheader(t("网格员负荷", "Officers' load"))
st.caption(
    t(
        f"标准：每 {OFFICER_STANDARD} 栋出租楼配 1 名网格员；负荷超过 1 即超出标准。",
        f"Standard: one officer per {OFFICER_STANDARD} rental buildings; a load above 1 is over it.",
    )
)
officer_table(figures)
st.download_button(
    t("下载 Excel", "Download Excel"),
    data=lambda: dashboard_xlsx(figures),
    file_name=f"menpai-dashboard-{figures.as_of}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    icon=":material/download:",
    key="dashboard.xlsx",
)
