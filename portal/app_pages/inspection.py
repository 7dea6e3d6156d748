"""平安出租屋检查 (officer, supervisor, admin): a rental at a plate — its rating, the 整改 still
open (close one seen fixed, send back one reported done but not fixed) and the on-site checklist,
whose failed items become 整改 with a deadline shown on the landlord's receipt."""

import streamlit as st

from portal.review.inspection import (
    BUILDING_PARAM,
    PLATE_PARAM,
    checklist_form,
    open_rectifications,
    show_rating,
)
from portal.review.widgets import show_flash
from portal.ui.i18n import current_lang, t
from portal.ui.staff import guard
from shared.core.clock import local_today
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.inspections.views import buildings_at_plate, rental_view
from shared.models import Role, utcnow

staff = guard(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
st.header(t("平安出租屋检查", "Rental safety inspection"))
plate_code = st.text_input(
    t("门牌编码", "Plate code"), value=st.query_params.get(PLATE_PARAM, ""), key="insp.plate", max_chars=32
).strip()
if not plate_code:
    st.info(
        t(
            "请从门牌页、审核详情或整改到期清单进入，或输入门牌编码。",
            "Open a plate from its page, a review item or the work list, or type its code.",
        )
    )
    st.stop()
try:
    with session_scope() as session:
        buildings = buildings_at_plate(session, staff=staff, plate_code=plate_code)
except DomainError as error:
    st.error(error.message(current_lang()))
    st.stop()
if not buildings:
    st.warning(t("该门牌下没有楼栋记录。", "No building is recorded at this plate."))
    st.stop()
wanted, ids = st.query_params.get(BUILDING_PARAM, ""), list(buildings)
start = ids.index(int(wanted)) if wanted.isdigit() and int(wanted) in ids else 0
building_id = st.selectbox(
    t("楼栋", "Building"), ids, index=start, format_func=buildings.__getitem__, key="insp.building"
)
with session_scope() as session:
    rental = rental_view(session, staff=staff, building_id=building_id, today=local_today(utcnow()))
show_flash()
show_rating(rental)
open_rectifications(rental, staff)
checklist_form(rental, staff)
