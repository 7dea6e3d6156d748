"""通行记录 (supervisor, admin): the gates' passage log with filters, and its export (CSV or
XLSX, the same filters, audited when downloaded). Subjects are pseudonyms, never names."""

import streamlit as st

from portal.supervision.passages import passage_exports, passage_filters, passage_table
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.core.clock import local_today
from shared.models import Role, utcnow

staff = guard(Role.SUPERVISOR, Role.ADMIN)
st.header(t("通行记录", "Gate passages"))
today = local_today(utcnow())
filters = passage_filters(today)
passage_table(filters)
passage_exports(filters, staff, today)
