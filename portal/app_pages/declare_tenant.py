"""我住在这里: a tenant declares their own residence (with family) in a room of this plate."""

import streamlit as st

from portal.declare.plate_access import back_to_plate, open_declaring_plate, require_rooms
from portal.declare.sections import residence_section
from portal.declare.state import DeclForm
from portal.declare.submit import checked_submission, show_declared, store_declaration
from portal.ui.i18n import t
from shared.core.clock import local_today
from shared.declarations.forms import validate_residence
from shared.models import utcnow
from shared.self_service.submit import submit_residence

plate = open_declaring_plate()
form = DeclForm("tenant", owner=plate.code)
back_to_plate(plate)
if form.receipt:
    show_declared(form)
    st.stop()

st.header(t("居住登记：我住在这里", "Residence: I live here"))
st.caption(f"麻涌镇 {plate.address}")
require_rooms(plate)

today = local_today(utcnow())
raw = residence_section(form, plate, today=today)
data = checked_submission(form, validate_residence, raw, today=today, title=t("提交申报", "Submit"))
if data is not None:
    store_declaration(form, submit_residence, plate_code=plate.code, data=data)
