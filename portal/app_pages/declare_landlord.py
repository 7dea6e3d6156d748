"""我是房东/管理人: a landlord declares the rooms let at this plate and their tenants."""

import streamlit as st

from portal.declare.plate_access import back_to_plate, open_declaring_plate, require_rooms
from portal.declare.sections import rental_section
from portal.declare.state import DeclForm
from portal.declare.submit import checked_submission, show_declared, store_declaration
from portal.ui.i18n import t
from shared.core.clock import local_today
from shared.declarations.forms import validate_rental
from shared.models import utcnow
from shared.self_service.submit import submit_rental

plate = open_declaring_plate()
form = DeclForm("landlord", owner=plate.code)
back_to_plate(plate)
if form.receipt:
    show_declared(form)
    st.stop()

st.header(t("出租房屋登记：我是房东/管理人", "Rental: I am the landlord or manager"))
st.caption(f"麻涌镇 {plate.address}")
require_rooms(plate)

today = local_today(utcnow())
raw = rental_section(form, plate, today=today)
data = checked_submission(form, validate_rental, raw, today=today, title=t("提交申报", "Submit"))
if data is not None:
    store_declaration(form, submit_rental, plate_code=plate.code, data=data)
