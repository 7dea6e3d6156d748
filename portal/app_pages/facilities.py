"""实有设施 (supervisor, admin): a department's register uploaded with row errors shown, the
list with filters, and one facility edited or retired. Rules are in shared.facilities.records."""

import streamlit as st

from portal.supervision.facilities import facility_list, show_notice, start_afresh, upload_box
from portal.ui.i18n import current_lang, t
from portal.ui.staff import guard
from shared.models import Role

staff = guard(Role.SUPERVISOR, Role.ADMIN)
lang = current_lang()
start_afresh()
st.header(t("实有设施", "Facilities"))
show_notice()
upload_tab, list_tab = st.tabs([t("上传登记表", "Upload a register"), t("设施列表", "Facility list")])
with upload_tab:
    upload_box(staff, lang)
with list_tab:
    facility_list(staff, lang)
