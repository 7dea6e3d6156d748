"""审核队列 (officer, supervisor, admin): the declarations of the staff member's grids, riskiest
and oldest first, with filters and counts per state; a selected row opens its detail, and the
items without findings can be approved together after a confirmation."""

import streamlit as st

from portal.review.actions import bulk_approve_box
from portal.review.queue import queue_filters, queue_list, queue_page, state_counts
from portal.review.widgets import show_flash
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.models import Role, utcnow

staff = guard(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
st.set_page_config(layout="wide")  # the queue has eleven columns
st.header(t("审核队列", "Review queue"))
show_flash()
filters = queue_filters(staff)
now = utcnow()
page = queue_page(staff, filters, now)
state_counts(page)
queue_list(page, staff, filters)
st.divider()
bulk_approve_box(staff, filters, now)
