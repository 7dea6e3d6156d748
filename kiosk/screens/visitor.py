"""Pieces of the visitor screen: the form (no `st.form`, see kiosk_pages/visitor.py), its
registration as the button's callback, and the pass issued."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st

from kiosk import state
from kiosk.data import note_outage
from kiosk.widgets import unavailable
from portal.ui.i18n import LANG_KEY, current_lang, relabel_after_switch, t
from portal.ui.text import escape_markdown
from shared.core.availability import is_database_unavailable
from shared.core.clock import CHINA_TZ, local_today
from shared.core.codes import code_list
from shared.core.db import session_scope
from shared.declarations.form_errors import FormErrors
from shared.gate.gates import GateView
from shared.gate.passes import pass_qr_png
from shared.gate.visitors import VisitorPass, register_visitor
from shared.models import utcnow
from shared.places.plates import lookup_plate
from shared.places.search import list_plate_numbers, list_streets

NS = "kiosk.visitor"
PASS_KEY = f"{NS}._pass"
ERRORS_KEY = f"{NS}._errors"
DOWN_KEY = f"{NS}._unavailable"
PURPOSES = (("探亲访友", "Visiting family or friends"), ("快递外卖", "Delivery"), ("维修服务", "Repairs"),
            ("看房租房", "Viewing a room to rent"), ("其他", "Other"))  # fmt: skip
HOURS = (2, 4, 8)


def key(name: str) -> str:
    return f"{state.fresh_key(NS)}.{name}"


def visitor_form(gate: GateView) -> None:
    """Who visits whom, for what and how long; each error beside its field, after a try."""
    if st.session_state.pop(DOWN_KEY, False):
        unavailable(retrying=False)
    errors: dict[str, str] = st.session_state.get(ERRORS_KEY, {})
    lang = current_lang()
    st.text_input(t("姓名", "Name"), key=key("name"), max_chars=40)
    _error(errors, "name")
    types = {c.code: c.label(lang) for c in code_list("id_type")}
    relabel_after_switch(key("id_type"))
    st.selectbox(
        t("证件类型", "Document type"), list(types), format_func=types.__getitem__, key=key("id_type")
    )
    st.text_input(t("证件号码", "Document number"), key=key("id_number"), max_chars=30)
    _error(errors, "id_number", "id_type")
    st.text_input(
        t("手机号码", "Mobile phone"),
        key=key("phone"),
        max_chars=24,
        type="phone",
        placeholder="138 0013 8000",
    )
    _error(errors, "phone")
    _host_fields(gate)
    _error(errors, "host_room")
    labels = [zh if lang == "zh" else en for zh, en in PURPOSES]
    relabel_after_switch(key("purpose"))
    st.selectbox(t("来访事由", "Purpose of the visit"), range(len(PURPOSES)), format_func=labels.__getitem__,
                 index=None, placeholder=t("请选择", "Choose"), key=key("purpose"))  # fmt: skip
    if st.session_state.get(key("purpose")) == len(PURPOSES) - 1:
        st.text_input(t("请说明", "Please describe"), key=key("purpose_text"), max_chars=100)
    _error(errors, "purpose")
    st.segmented_control(
        t("有效时长（小时）", "Valid for (hours)"), HOURS, default=4, required=True, key=key("hours")
    )
    st.button(
        t("登记并领取访客通行码", "Register and get a visitor pass"),
        key=key("_submit"),
        type="primary",
        width="stretch",
        on_click=_register,
        args=(gate.id,),
    )


def _host_fields(gate: GateView) -> None:
    """Street, number and room of the home visited, within this gate's village."""
    with session_scope() as session:
        streets = {s.id: s.name for s in list_streets(session, village_code=gate.village_code)}
    choose = t("请选择", "Choose")
    street = st.selectbox(t("被访街巷", "Street visited"), list(streets), format_func=streets.__getitem__,
                          index=None, placeholder=choose, key=key("street"))  # fmt: skip
    if street is None:
        return
    with session_scope() as session:
        numbers = {code: f"{number}号" for code, number in list_plate_numbers(session, street_id=street)}
    plate = st.selectbox(t("门牌号", "Number"), list(numbers), format_func=numbers.__getitem__,
                         index=None, placeholder=choose, key=key("plate"))  # fmt: skip
    if plate is None:
        return
    with session_scope() as session:
        view = lookup_plate(session, plate, today=local_today(utcnow()))
    named = view is not None and len(view.buildings) > 1
    rooms = {
        room.id: f"{building.name} {room.number}" if named else room.number
        for building in (view.buildings if view else ())
        for room in building.rooms
    }
    st.selectbox(t("房号", "Room"), list(rooms), format_func=rooms.__getitem__, index=None,
                 placeholder=choose, key=key("room"))  # fmt: skip


def _error(errors: dict[str, str], *fields: str) -> None:
    for field in fields:
        if field in errors:
            st.markdown(f":red[{escape_markdown(errors[field])}]")


def _register(gate_id: int) -> None:
    """The button's callback: store the visitor, or keep the form with every error beside its field."""
    fields = ("name", "id_type", "id_number", "phone", "room", "purpose", "purpose_text", "hours")
    values: dict[str, Any] = {name: st.session_state.get(key(name)) for name in fields}
    lang = str(st.session_state.get(LANG_KEY) or "zh")
    purpose = values["purpose"]
    text = "" if purpose is None else PURPOSES[purpose][0]
    if purpose == len(PURPOSES) - 1 and (values["purpose_text"] or "").strip():
        text = f"{text}：{values['purpose_text'].strip()}"
    try:
        with session_scope() as session:
            issued = register_visitor(
                session,
                gate_id=gate_id,
                name=values["name"] or "",
                id_type=values["id_type"] or "01",
                id_number=values["id_number"] or "",
                phone=values["phone"] or "",
                host_room_id=values["room"],
                purpose=text,
                hours=int(values["hours"] or 4),
                now=utcnow(),
            )
    except FormErrors as refused:
        st.session_state[ERRORS_KEY] = {
            e.field: e.message("en" if lang == "en" else "zh") for e in refused.errors
        }
        return
    except Exception as error:
        if not is_database_unavailable(error):  # a bug is not an outage: it surfaces
            raise
        note_outage(error)
        st.session_state[DOWN_KEY] = True
        return
    for name in [k for k in st.session_state if str(k).startswith((f"{NS}.", key("")))]:
        del st.session_state[name]  # nothing typed stays behind the pass
    st.session_state[PASS_KEY] = issued


def show_pass(issued: VisitorPass) -> None:
    """The pass to photograph, its validity, the masked visitor and the home visited."""
    st.header(t("访客通行码", "Visitor pass"))
    until = _local(issued.valid_until)
    st.success(t(f"登记成功，有效至 {until}", f"Registered: valid until {until}"))
    st.image(pass_qr_png(issued.token), width=280)
    st.markdown(
        f"{t('访客', 'Visitor')}：{escape_markdown(issued.masked_name)}  \n"
        f"{t('被访住址', 'Visiting')}：{escape_markdown(issued.host_label)}"
    )
    st.info(
        t(
            "请用手机拍下此二维码，进出时对准扫码器出示。",
            "Take a photo of this code with your phone and show it to the scanner on the way in and out.",
        )
    )
    st.button(t("完成", "Done"), key="kiosk.visitor_done", type="primary", width="stretch",
              on_click=state.forget_everything)  # fmt: skip


def _local(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
