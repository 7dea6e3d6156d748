"""街路巷和门牌维护 (admin): rename a street, retire a plate for its successor, add a temporary
plate. Nothing is deleted; the rules and the audit are in shared.places.maintenance."""

import streamlit as st

from portal.supervision.streets import maintenance_tabs, show_notice, start_afresh, village_streets
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.models import Role

staff = guard(Role.ADMIN)
start_afresh()
st.header(t("街路巷和门牌维护", "Streets and plates"))
st.caption(
    t("改名、停用和新增都记入审计日志；不会删除任何记录。", "Every change is audited; nothing is deleted.")
)
show_notice()
maintenance_tabs(village_streets(), staff)
