"""Pieces of the new tenant screen: the plate chosen by its QR code or by street and number, the
residence declaration at it, and the receipt code to keep."""

from __future__ import annotations

import streamlit as st

from kiosk import state
from kiosk.widgets import PLATE_SCAN_KEY, scan_field
from portal.declare.sections import residence_section
from portal.declare.state import DeclForm
from portal.declare.submit import checked_submission, store_declaration
from portal.ui.i18n import t
from shared.core.clock import local_today
from shared.core.db import session_scope
from shared.declarations.forms import validate_residence
from shared.gate.gates import GateView
from shared.models import utcnow
from shared.places.links import plate_param_from_scan
from shared.places.plates import PlateLinkStatus, PlateView, lookup_plate, open_plate_link
from shared.places.search import list_plate_numbers, list_streets
from shared.self_service.receipt_access import format_receipt_code, receipt_qr_png
from shared.self_service.submit import submit_residence

PLATE_KEY = "kiosk.tenant.plate"  # the chosen plate's code
NUMBER_KEY = "kiosk.tenant.number"
NOTICE_KEY = "kiosk.tenant.notice"
FORM_NS = "kiosk_tenant"


def _plate_scanned(text: str) -> None:
    with session_scope() as session:
        result = open_plate_link(session, plate_param_from_scan(text), today=local_today(utcnow()))
    if result.status is PlateLinkStatus.OK and result.plate is not None:
        st.session_state[PLATE_KEY] = result.plate.code
    elif result.status is PlateLinkStatus.RETIRED:
        st.session_state[NOTICE_KEY] = t(
            "该门牌已停用，请扫描新门牌。", "This plate is retired: scan the new one."
        )
    else:
        st.session_state[NOTICE_KEY] = t(
            "无法识别这个门牌二维码，请重新扫描或在下方选择地址。",
            "This plate code is not valid: scan again or choose the address below.",
        )


def chosen_plate() -> PlateView | None:
    """The plate scanned or chosen, while it is in use."""
    code = st.session_state.get(PLATE_KEY)
    if not code:
        return None
    with session_scope() as session:
        return lookup_plate(session, code, today=local_today(utcnow()))


def choose_plate(gate: GateView) -> None:
    """Scan the plate, or choose its street and number in this gate's village."""
    st.header(t("新租户登记", "New tenant"))
    st.markdown(
        t(
            "请扫描您所住楼栋的**门牌二维码**，或在下方选择地址。",
            "Scan the **door plate's QR code** of the building you live in, or choose the address below.",
        )
    )
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(notice)
    scan_field(PLATE_SCAN_KEY, t("扫描门牌二维码", "Scan the door plate"), _plate_scanned)
    with session_scope() as session:
        streets = {s.id: s.name for s in list_streets(session, village_code=gate.village_code)}
    street = st.selectbox(t("街巷", "Street"), list(streets), format_func=streets.__getitem__, index=None,
                          placeholder=t("请选择", "Choose"), key="kiosk.tenant.street")  # fmt: skip
    if street is not None:
        with session_scope() as session:
            numbers = {
                c: f"{streets[street]} {n}号" for c, n in list_plate_numbers(session, street_id=street)
            }
        st.selectbox(t("门牌号", "Number"), list(numbers), format_func=numbers.__getitem__, index=None,
                     placeholder=t("请选择", "Choose"), key=NUMBER_KEY, on_change=_number_chosen)  # fmt: skip


def _number_chosen() -> None:
    # Kept under a key no widget owns: a widget's key is dropped once the widget is not drawn.
    st.session_state[PLATE_KEY] = st.session_state.get(NUMBER_KEY)


def declare(plate: PlateView) -> None:
    """The residence declaration at the plate; its receipt once stored."""
    form = DeclForm(state.fresh_key(FORM_NS), owner=plate.code)
    if form.receipt:
        _show_receipt(form.receipt)
        return
    st.header(t("居住登记：我住在这里", "Residence: I live here"))
    st.caption(f"{plate.village_name} · {plate.address}")
    if not any(building.rooms for building in plate.buildings):
        st.info(
            t(
                "此门牌下还没有登记房间，请联系网格员。",
                "No rooms are recorded here yet: ask the grid officer.",
            )
        )
        return
    today = local_today(utcnow())
    raw = residence_section(form, plate, today=today)
    data = checked_submission(form, validate_residence, raw, today=today, title=t("提交申报", "Submit"))
    if data is not None:
        store_declaration(form, submit_residence, plate_code=plate.code, data=data)


def _show_receipt(code: str) -> None:
    st.success(
        t("申报已提交，工作人员将核实。", "Your declaration was submitted; an officer will review it.")
    )
    st.markdown(f"{t('回执码', 'Receipt code')}\n## {format_receipt_code(code)}")
    st.image(
        receipt_qr_png(code),
        width=240,
        caption=t("用手机扫码保存回执", "Scan with your phone to keep the receipt"),
    )
    st.info(
        t(
            "请用手机拍下回执码或扫码保存。查询进度、补正或搬离时，需要回执码和证件号码后6位。",
            "Photograph the code or scan it with your phone. To follow, correct or end the declaration you "
            "need the code and the last 6 characters of your document number.",
        )
    )
    st.button(t("完成", "Done"), key="kiosk.tenant_done", type="primary", width="stretch",
              on_click=state.forget_everything)  # fmt: skip
