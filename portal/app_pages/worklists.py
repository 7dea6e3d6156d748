"""到期工作清单 (officer, supervisor, admin): let buildings due for a visit, planned stays ending
soon, records with no position on the map, 居住证 falling due and foreigners whose stay or visa
ends, in the staff member's grids."""

import streamlit as st

from portal.review.residence_lists import residence_lists_section
from portal.review.worklists import worklist_tabs
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.models import Role

staff = guard(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
st.header(t("到期工作清单", "Due-date work lists"))
worklist_tabs(staff)
residence_lists_section(staff)  # 居住证 due, foreigners whose stay or visa ends
