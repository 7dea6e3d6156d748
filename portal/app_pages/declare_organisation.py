"""单位申报: an organisation's manager declares it at this plate."""

import streamlit as st

from portal.declare.plate_access import back_to_plate, open_declaring_plate
from portal.declare.sections import organisation_section
from portal.declare.state import DeclForm
from portal.declare.submit import checked_submission, show_declared, store_declaration
from portal.ui.i18n import t
from shared.core.clock import local_today
from shared.declarations.forms import validate_organisation
from shared.models import utcnow
from shared.self_service.submit import submit_organisation

plate = open_declaring_plate()
form = DeclForm("organisation", owner=plate.code)
back_to_plate(plate)
if form.receipt:
    show_declared(form)
    st.stop()

st.header(t("单位登记", "Organisation at this address"))
st.caption(f"麻涌镇 {plate.address}")
today = local_today(utcnow())
raw = organisation_section(form, plate, today=today)
data = checked_submission(form, validate_organisation, raw, today=today, title=t("提交申报", "Submit"))
if data is not None:
    store_declaration(form, submit_organisation, plate_code=plate.code, data=data)
