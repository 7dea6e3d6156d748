"""通知发件箱 (supervisor, admin): the notices to declarants and their states. `menpai notices
send`, run from cron, sends them; a failed one is tried again with a growing wait."""

import streamlit as st

from portal.supervision.notices import notice_counts, notice_filters, notice_table
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.models import Role

staff = guard(Role.SUPERVISOR, Role.ADMIN)
st.header(t("通知发件箱", "Notice outbox"))
st.caption(
    t(
        "申报核实通过、要求补正或不予通过时，系统向申报人发送简短通知（仅含回执码）。",
        "Declarants get a short notice (the receipt code only) when a declaration is approved, "
        "returned for correction or rejected.",
    )
)
notice_counts()
status, kind = notice_filters()
notice_table(status, kind)
