"""The work lists about residents' papers, under the due-date lists: 居住证 falling due and
foreign nationals whose stay or visa ends (shared.review.residence_lists)."""

import streamlit as st

from portal.review.worklists import table
from portal.ui.i18n import current_lang, t
from shared.core.codes import label
from shared.core.db import session_scope
from shared.models import utcnow
from shared.review.residence_lists import DUE_WITHIN_DAYS, foreigners_ending, permits_due
from shared.staff.auth import StaffIdentity


def residence_lists_section(staff: StaffIdentity) -> None:
    """Two tabs: migrants who may apply for a permit within 30 days, foreigners ending within 30."""
    now = utcnow()
    with session_scope() as session:
        permits = permits_due(session, staff=staff, now=now)
        foreigners = foreigners_ending(session, staff=staff, now=now)
    st.subheader(t("居住证与境外人员", "Residence permits and foreigners"))
    permit_tab, foreign_tab = st.tabs(
        [
            t(f"居住证可申领 ({permits.total})", f"Permits due ({permits.total})"),
            t(f"境外人员到期 ({foreigners.total})", f"Foreigners ending ({foreigners.total})"),
        ]
    )
    with permit_tab:
        st.caption(
            t(
                f"{DUE_WITHIN_DAYS} 天内在本镇连续登记居住满6个月（183天）、可申领居住证的流动人口。",
                f"Migrants whose registered stay reaches 6 months (183 days) within {DUE_WITHIN_DAYS} days.",
            )
        )
        rows = [
            {
                t("姓名", "Name"): p.name,
                t("证件号码", "Document"): p.id_number,
                t("地址", "Address"): f"{p.address} {p.room}",
                t("村（社区）", "Village"): p.village,
                t("连续居住自", "Living here since"): p.stay_since.isoformat(),
                t("可申领日期", "Can apply from"): p.eligible_on.isoformat(),
                t("剩余天数", "Days left"): p.days_left,
            }
            for p in permits.items
        ]
        table(rows, permits.total)
    with foreign_tab:
        st.caption(
            t(
                f"拟居住期或签证（居留许可）{DUE_WITHIN_DAYS} 天内到期（或已到期仍在住）的外国籍人员。",
                f"Foreign nationals whose planned stay or visa ends within {DUE_WITHIN_DAYS} days "
                "(or has ended, still living here).",
            )
        )
        rows = [
            {
                t("姓名", "Name"): f.name,
                t("证件号码", "Document"): f.id_number,
                t("国籍", "Nationality"): label("nationality", f.nationality, current_lang()),
                t("地址", "Address"): f"{f.address} {f.room}",
                t("拟居住至", "Planned until"): f.planned_until.isoformat() if f.planned_until else "",
                t("签证有效期至", "Visa until"): f.visa_expiry.isoformat() if f.visa_expiry else "",
                t("剩余天数", "Days left"): f.days_left,
            }
            for f in foreigners.items
        ]
        table(rows, foreigners.total)
