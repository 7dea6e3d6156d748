"""门岗设置: the first start of a kiosk with no gate configured. An administrator signs in and
chooses the gate; the choice is written to data/kiosk-gate.json and cannot be changed here."""

from __future__ import annotations

import streamlit as st

from kiosk.config import GateAlreadySet, gate_file, save_gate
from portal.ui.i18n import current_lang, t
from shared.core.audit import record_audit
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.gate.gates import list_gates
from shared.models import Role, utcnow
from shared.staff.auth import authenticate, require_role


def show() -> None:
    st.header(t("门岗设置", "Gate setup"))
    st.info(
        t(
            "本终端尚未设置门岗。请系统管理员登录并选择本终端所在的门岗；设置后不能在终端上更改。",
            "This kiosk has no gate yet. An administrator signs in and chooses the gate it stands at; "
            "the choice cannot be changed on the kiosk afterwards.",
        )
    )
    with session_scope() as session:
        gates = {g.id: f"{g.village_name} · {g.name}" for g in list_gates(session)}
    if not gates:
        st.warning(t("数据库中还没有门岗。", "There are no gates in the database yet."))
        return
    with st.form("kiosk.setup", clear_on_submit=True):
        username = st.text_input(t("管理员用户名", "Administrator username"), autocomplete="off")
        password = st.text_input(t("密码", "Password"), type="password", autocomplete="off")
        gate_id = st.selectbox(t("门岗", "Gate"), list(gates), format_func=gates.__getitem__)
        submitted = st.form_submit_button(t("保存设置", "Save"), type="primary")
    if submitted:
        _save(username, password, gate_id, gates.get(gate_id, ""))


def _save(username: str, password: str, gate_id: int | None, gate_label: str) -> None:
    """Only an administrator may fix the gate; refusals are audited by `authenticate` (and
    committed: the refusal is caught inside the transaction)."""
    now = utcnow()
    refused: DomainError | None = None
    with session_scope() as session:
        try:
            user = authenticate(session, username=username, password=password, now=now)
            require_role(user.role, Role.ADMIN)
            if gate_id is None:
                raise DomainError("请选择门岗", "Choose the gate")
            path = save_gate(gate_id=gate_id, gate_name=gate_label, set_by=user.username, now=now)
            record_audit(
                session,
                actor=user.username,
                action="kiosk.gate_set",
                target_type="gate",
                target_id=gate_id,
                detail={"file": path.name},
                at=now,
            )
        except DomainError as error:  # LoginRefused, AccessDenied
            refused = error
        except GateAlreadySet:
            refused = DomainError(f"门岗已设置（{gate_file()}）", f"The gate is already set ({gate_file()})")
    if refused is not None:
        st.error(refused.message(current_lang()))
        return
    st.rerun()
