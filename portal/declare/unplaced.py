"""找不到我的地址: type the address, see the plates it may be, open one or declare against the
typed address (shared.self_service.unplaced). The search page and the refusal page lead here."""

from __future__ import annotations

from typing import Any

import streamlit as st

from portal.declare.person import person_fields
from portal.declare.sections import family_fields, stay_fields
from portal.declare.state import DeclForm, Where
from portal.declare.submit import checked_submission, show_receipt
from portal.declare.texts import privacy_notice
from portal.declare.widgets import (
    required_marks,
    tick_field,
)
from portal.ui.i18n import current_lang, t
from portal.ui.plate_refusal import MISSING_PARAM
from shared.address_cleaning.matching import AddressMatcher, Candidate, build_matcher, index_fingerprint
from shared.core.clock import local_today
from shared.core.config import get_settings
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.declarations.form_errors import FormErrors
from shared.models import utcnow
from shared.places.links import plate_link_query
from shared.self_service.unplaced import (
    TypedAddress,
    propose_candidates,
    read_typed_address,
    submit_unplaced_residence,
    validate_unplaced_residence,
)

NS = "unplaced"
__all__ = ["MISSING_PARAM", "missing_address"]
# The typed address and its step live apart from the form's keys, which a new address resets.
STEP = "missing"
ADDRESS, CANDIDATES, DECLARING = f"{STEP}.address", f"{STEP}.candidates", f"{STEP}.declaring"
ROOT = Where()


@st.cache_resource(max_entries=2, show_spinner=False)
def _matcher(database_url: str, fingerprint: str) -> AddressMatcher:
    """One index per state of the library (a new plate makes a new fingerprint)."""
    with session_scope(database_url) as session:
        return build_matcher(session)


def missing_address(village_names: dict[str, str]) -> None:
    """The whole way: the typed address, its candidates, then the residence form."""
    typed: TypedAddress | None = st.session_state.get(ADDRESS)
    if typed is None or not st.session_state.get(DECLARING):
        _address_step(village_names)
        typed = st.session_state.get(ADDRESS)
        if typed is not None:
            _candidates_step(typed, village_names)
    if typed is not None and st.session_state.get(DECLARING):
        _declare_step(typed, village_names.get(typed.village_code, ""))


def _address_step(village_names: dict[str, str]) -> None:
    st.caption(
        t(
            "新楼、门牌丢失或没有门牌：请填写地址，我们先帮您找相近的门牌。",
            "A new building, a lost plate or none at all: type the address and we look for plates near it.",
        )
    )
    raw: dict[str, Any] = {
        "village_code": st.selectbox(
            t("所在村（社区）", "Your village or community"),  # the first tab has a 村（社区） too
            list(village_names),
            format_func=village_names.__getitem__,
            index=None,
            placeholder=t("请选择", "Choose"),
            key=f"{STEP}.village",
        ),
        "street": st.text_input(t("街路巷名称", "Street name"), max_chars=60, key=f"{STEP}.street"),
        "number": st.text_input(t("门牌号码", "House number"), max_chars=20, key=f"{STEP}.number"),
    }
    left, right = st.columns(2)
    raw["building"] = left.text_input(
        t("楼栋（可不填）", "Building (optional)"), max_chars=40, key=f"{STEP}.building"
    )
    raw["room"] = right.text_input(t("房号（可不填）", "Room (optional)"), max_chars=20, key=f"{STEP}.room")
    if st.button(t("查找相近的门牌", "Look for plates"), key=f"{STEP}.look", type="primary", width="stretch"):
        try:
            with session_scope() as session:
                typed = read_typed_address(session, raw)
                fingerprint = index_fingerprint(session)
        except FormErrors as failed:
            for error in failed.errors:
                st.error(error.message(current_lang()))
            return
        matcher = _matcher(get_settings().database_url, fingerprint)
        st.session_state[ADDRESS] = typed
        st.session_state[CANDIDATES] = propose_candidates(matcher, typed, village_names[typed.village_code])


def _candidates_step(typed: TypedAddress, village_names: dict[str, str]) -> None:
    candidates: list[Candidate] = st.session_state.get(CANDIDATES) or []
    if candidates:
        st.markdown(
            t("**是以下地址之一吗？**点击打开该门牌申报。", "**Is it one of these?** Open it to declare.")
        )
        for found in candidates:
            st.page_link(
                "app_pages/plate.py",
                label=f"{found.village} · {found.address}",
                icon=":material/arrow_forward:",
                query_params=plate_link_query(found.plate_code),
            )
    else:
        st.info(t("门牌库中没有相近的地址。", "No plate in the library is near this address."))
    address = typed.text(village_names.get(typed.village_code, ""))
    if st.button(
        t(f"都不是，按“{address}”申报居住", f"None of these: declare my residence at {address}"),
        key=f"{STEP}.declare",
        icon=":material/edit_location_alt:",
        width="stretch",
    ):
        st.session_state[DECLARING] = True
        st.rerun()


def _declare_step(typed: TypedAddress, village_name: str) -> None:
    """我住在这里 without a room: the officer finds the room with the plate."""
    form = DeclForm(NS, owner=f"{typed.village_code}|{typed.text()}")
    if form.receipt:
        show_receipt(form.receipt)
        return
    st.subheader(t("居住登记（地址待补录）", "Residence (address to be placed)"))
    st.caption(f"{village_name} {typed.text()}")
    st.button(
        t("修改地址", "Change the address"),
        key=f"{STEP}.back",
        on_click=st.session_state.pop,
        args=(DECLARING,),
    )
    today = local_today()
    st.subheader(t("本人信息", "About you"))
    raw: dict[str, Any] = {"person": person_fields(form, ROOT.sub("person"), today=today)}
    st.subheader(t("居住情况", "Your stay"))
    raw.update(stay_fields(form, today))
    st.subheader(t("随行人员（含子女）", "Family living with you (children too)"))
    raw["family"] = family_fields(form, today)
    with st.expander(t("个人信息告知（请阅读）", "Privacy notice (please read)")):
        st.markdown(privacy_notice())
    accept = t("我已阅读并同意个人信息告知", "I have read and accept the privacy notice")
    raw["privacy_accepted"] = tick_field(form, ROOT.sub("privacy_accepted"), accept)
    required_marks(form)
    data = checked_submission(
        form, validate_unplaced_residence, raw, today=today, title=t("提交申报", "Submit")
    )
    if data is not None:
        _store(form, typed, data)


def _store(form: DeclForm, typed: TypedAddress, data: Any) -> None:
    candidates: list[Candidate] = st.session_state.get(CANDIDATES) or []
    try:
        with session_scope() as session:
            declaration = submit_unplaced_residence(
                session,
                address=typed,
                candidates=candidates,
                data=data,
                idempotency_key=form.idempotency_key(),
                now=utcnow(),
            )
            code = declaration.receipt_code
    except DomainError as error:
        st.error(error.message(current_lang()))
        return
    form.finish(code)
