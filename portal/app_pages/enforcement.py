"""未按规定报送 (supervisor, admin): landlords who do not report — let rooms with signs of people
and no landlord report for N days, tenants declared late, and per landlord his rooms, cases and
past warnings; a warning is recorded here (已警告), and the list exported for the police
station, masked unless revealed with a reason (发现不按规定报送信息的，一律由公安机关严格执法)."""

import streamlit as st

from portal.supervision.enforcement import (
    enforcement_exports,
    enforcement_filters,
    landlord_table,
    late_table,
    load_list,
    unreported_table,
    warning_box,
)
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.core.clock import local_today
from shared.models import Role, utcnow

staff = guard(Role.SUPERVISOR, Role.ADMIN)
st.header(t("未按规定报送", "Landlords who do not report"))
today = local_today(utcnow())
days, village = enforcement_filters()
listed = load_list(staff, today, days, village)
rooms_tab, late_tab, landlords_tab = st.tabs(
    [
        t(f"超期未申报（{len(listed.unreported)}）", f"Not reported ({len(listed.unreported)})"),
        t(f"逾期申报（{len(listed.late)}）", f"Declared late ({len(listed.late)})"),
        t(f"房东（{len(listed.landlords)}）", f"Landlords ({len(listed.landlords)})"),
    ]
)
with rooms_tab:
    st.caption(
        t(
            f"出租房间 {days} 天内没有房东申报或确认，但有通行记录、访客登记或租客自行申报未经确认。",
            f"Let rooms with no landlord report or confirmation in {days} days, yet with gate "
            "passages, visitors, or tenants' own declarations never confirmed.",
        )
    )
    unreported_table(listed)
with late_tab:
    st.caption(t("入住后超过规定工作日才申报（近期提交的）。", "Declared after the working-day rule."))
    late_table(listed)
with landlords_tab:
    landlord_table(listed)
    warning_box(listed, staff)
enforcement_exports(staff, today, days, village)
