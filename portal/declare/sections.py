"""The bodies of the three declaration forms, shared by the declaration pages, the kiosk and the
receipt's correction form: each renders its fields and returns the raw values `validate_*` checks.
Each is a few parts (`portal.declare.parts`): fragments on the declaration pages, plain calls elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import streamlit as st

from portal.declare.parts import part
from portal.declare.person import declarant_fields, person_fields
from portal.declare.person_parts import own_person_parts
from portal.declare.state import DeclForm, Where
from portal.declare.tenant_upload import tenant_upload
from portal.declare.texts import pledge, privacy_notice
from portal.declare.widgets import (
    code_field,
    count_field,
    date_field,
    default,
    fold,
    more_fields,
    required_fields,
    required_marks,
    room_field,
    room_labels,
    rooms_field,
    row_controls,
    text_field,
    tick_field,
)
from portal.ui.headings import section_heading
from portal.ui.i18n import t
from shared.declarations.inputs import TenantInput
from shared.places.plates import PlateView

ROOT = Where()
WORK = "11"  # 务工: why most tenants in Mayong live there; a landlord may not know, the tenant corrects
MAX_TENANT_BLOCKS = 20  # more tenants than this are corrected by uploading a new list
_YEARS_AHEAD = timedelta(days=3660)


def residence_section(form: DeclForm, plate: PlateView, *, today: date) -> dict[str, Any]:
    """我住在这里: the room, the person, the stay, the family, the privacy notice; each a part."""
    rooms = room_labels(plate)
    raw = part(form, "room", lambda f: _room(f, rooms))
    section_heading(t("本人信息", "About you"), anchor="about-you")
    raw.update(own_person_parts(form, today=today))
    section_heading(t("居住情况", "Your stay"), anchor="stay")
    raw.update(part(form, "stay", lambda f: stay_fields(f, today)))
    section_heading(t("随行人员（含子女）", "Family living with you (children too)"), anchor="family")
    # The notice and its tick in the family's part: each part is a container the phone redraws at
    # every field's step, and the two are light to send again with an added member.
    raw.update(part(form, "family", lambda f: {"family": family_fields(f, today), **_privacy(f)}))
    required_marks(form)
    return raw


def _room(form: DeclForm, rooms: dict[int, str]) -> dict[str, Any]:
    with required_fields(form, ROOT):
        return {"room_id": room_field(form, ROOT.sub("room_id"), rooms)}


def stay_fields(form: DeclForm, today: date) -> dict[str, Any]:
    with required_fields(form, ROOT.sub("stay")):
        raw: dict[str, Any] = {"reason": code_field(form, ROOT.sub("reason"), "residence_reason")}
        default(form, ROOT.sub("move_in"), today)
        raw["move_in"] = date_field(form, ROOT.sub("move_in"))
    with more_fields(form, ROOT.sub("stay")):
        raw["dwelling_type"] = code_field(form, ROOT.sub("dwelling_type"), "dwelling_type")
        raw["planned_until"] = date_field(form, ROOT.sub("planned_until"), latest=today + _YEARS_AHEAD)
    return raw


def family_fields(form: DeclForm, today: date) -> list[dict[str, Any]]:
    family = []
    for position, row_id in enumerate(form.rows("family")):
        with st.container(border=True):
            st.markdown(f"**{t('随行人员', 'Family member')} {position + 1}**")
            here = ROOT.row("family", position, row_id)
            member = person_fields(form, here, today=today, is_member=True)
            family.append(member if is_typed(member) else {})
            row_controls(form, "family", row_id)
    st.button(
        t("添加随行人员", "Add a family member"),
        key=form.key("family._add"),
        icon=":material/person_add:",
        on_click=form.add_row,
        args=("family",),
    )
    return family


def _privacy(form: DeclForm) -> dict[str, Any]:
    accepted = _read_and_accept(
        form,
        "privacy_accepted",
        t("个人信息告知（请阅读）", "Privacy notice (please read)"),
        privacy_notice(),
        t("我已阅读并同意个人信息告知", "I have read and accept the privacy notice"),
    )
    return {"privacy_accepted": accepted}


def rental_section(
    form: DeclForm,
    plate: PlateView,
    *,
    today: date,
    kept: Sequence[TenantInput] = (),
    correcting: bool = False,
) -> dict[str, Any]:
    """我是房东: who lets, which rooms, the lease, the tenants (typed or uploaded), the pledge.
    `kept` are tenants already declared that have no block (a long list): an upload replaces them."""
    rooms = room_labels(plate)
    section_heading(t("房东/管理人", "Landlord or manager"), anchor="landlord")
    raw = part(form, "landlord", lambda f: {"landlord": declarant_fields(f, ROOT.sub("landlord"))})
    section_heading(t("出租情况", "The rental"), anchor="rental")
    raw.update(part(form, "rental", lambda f: _rental(f, rooms, today)))
    section_heading(t("租客", "Tenants"), anchor="tenants")
    raw.update(part(form, "tenants", lambda f: _tenants(f, plate, rooms, today, kept, correcting)))
    raw.update(part(form, "pledge", _pledge))
    required_marks(form)
    return complete_rental(raw)


def complete_rental(raw: dict[str, Any]) -> dict[str, Any]:
    """A lease left without a start began, at the latest, when its first tenant moved in."""
    return {**raw, "lease_start": raw.get("lease_start") or _earliest_move_in(raw.get("tenants", []))}


def _rental(form: DeclForm, rooms: dict[int, str], today: date) -> dict[str, Any]:
    with more_fields(form, ROOT.sub("rental")):
        return {
            "room_ids": rooms_field(
                form, ROOT.sub("room_ids"), rooms,
                help=t("可不填：按租客的房间", "May be left empty: the tenants' rooms"),
            ),
            "lease_start": date_field(
                form, ROOT.sub("lease_start"),
                help=t("可不填：按最早的入住日期", "May be left empty: the earliest move-in"),
            ),
            "lease_end": date_field(form, ROOT.sub("lease_end"), latest=today + _YEARS_AHEAD),
            "use": code_field(form, ROOT.sub("use"), "building_use", default="01"),
        }  # fmt: skip


def _tenants(
    form: DeclForm,
    plate: PlateView,
    rooms: dict[int, str],
    today: date,
    kept: Sequence[TenantInput],
    correcting: bool,
) -> dict[str, Any]:
    by_hand, by_file = st.tabs([t("逐个填写", "One by one"), t("上传名单", "Upload a list")])
    with by_hand:
        typed = _tenant_blocks(form, rooms, today=today, correcting=correcting)
    with by_file:
        uploaded = tenant_upload(form, plate, today=today)
    if kept and uploaded is None:
        st.caption(
            t(
                f"已申报的 {len(kept)} 位租客保持不变；上传新名单将替换他们。",
                f"The {len(kept)} tenants declared stay as they are; uploading a new list replaces them.",
            )
        )
    return {"tenants": [*typed, *(uploaded if uploaded is not None else kept)]}


def _pledge(form: DeclForm) -> dict[str, Any]:
    accepted = _read_and_accept(
        form,
        "pledge_accepted",
        t("治安责任书（请阅读）", "Security responsibility pledge (please read)"),
        pledge(),
        t("我已阅读并承诺遵守治安责任书", "I have read the pledge and undertake to keep it"),
    )
    return {"pledge_accepted": accepted}


def _tenant_blocks(
    form: DeclForm, rooms: dict[int, str], *, today: date, correcting: bool
) -> list[dict[str, Any]]:
    """One block per tenant; a block left empty is ignored."""
    tenants = []
    for position, row_id in enumerate(form.rows("tenants", start=1)):
        here = ROOT.row("tenants", position, row_id)
        with st.container(border=True):
            st.markdown(f"**{t('租客', 'Tenant')} {position + 1}**")
            with required_fields(form, here):
                tenant: dict[str, Any] = {"room_id": room_field(form, here.sub("room_id"), rooms)}
            tenant["person"] = person_fields(form, here.sub("person"), today=today)
            with required_fields(form, here.sub("stay")):
                default(form, here.sub("move_in"), today)
                tenant["move_in"] = date_field(form, here.sub("move_in"))
            # The person's fold is 更多信息 just above: this one says what it holds.
            folded_stay = (
                t("居住事由、搬离日期（可不填）", "Reason, move-out date (optional)")
                if correcting
                else t("居住事由（默认务工，可不填）", "Reason (work unless changed; optional)")
            )
            with more_fields(form, here, title=folded_stay):
                default(form, here.sub("reason"), WORK)
                tenant["reason"] = code_field(form, here.sub("reason"), "residence_reason")
                if correcting:
                    tenant["move_out"] = date_field(
                        form,
                        here.sub("move_out"),
                        help=t("已搬走的租客请填写", "Fill in if this tenant left"),
                    )
            # A block left empty (defaults only) is ignored, but keeps its place: paths match rows.
            tenants.append(tenant if is_typed(tenant["person"]) else {})
            row_controls(form, "tenants", row_id)
    st.button(
        t("添加租客", "Add a tenant"),
        key=form.key("tenants._add"),
        icon=":material/person_add:",
        on_click=form.add_row,
        args=("tenants",),
    )
    return tenants


def is_typed(person: dict[str, Any]) -> bool:
    """Whether anyone typed a person here: the defaults alone (汉族, today) are no one."""
    return any(str(person.get(key) or "").strip() for key in ("name", "id_number", "phone"))


def _earliest_move_in(tenants: Sequence[Any]) -> date | None:
    """A lease left without a start began, at the latest, when its first tenant moved in."""
    days = [t.move_in if isinstance(t, TenantInput) else t.get("move_in") for t in tenants]
    return min((d for d in days if isinstance(d, date)), default=None)


def organisation_section(form: DeclForm, plate: PlateView, *, today: date) -> dict[str, Any]:
    """实有单位: the organisation at this address and who declares it."""
    rooms = room_labels(plate)
    raw = part(form, "organisation", lambda f: _organisation(f, rooms))
    section_heading(t("申报人", "Who declares"), anchor="declarant")
    raw.update(part(form, "declarant", lambda f: {"declarant": declarant_fields(f, ROOT.sub("declarant"))}))
    required_marks(form)
    return raw


def _organisation(form: DeclForm, rooms: dict[int, str]) -> dict[str, Any]:
    with required_fields(form, ROOT):
        raw: dict[str, Any] = {
            "name": text_field(
                form, ROOT.sub("name"), title=t("单位名称", "Organisation name"), max_chars=120
            ),
            "uscc": text_field(
                form, ROOT.sub("uscc"), max_chars=24, help=t("18位，见营业执照", "18 characters")
            ),
            "legal_rep": text_field(form, ROOT.sub("legal_rep"), max_chars=40),
            "manager": text_field(form, ROOT.sub("manager"), max_chars=40),
            "phone": text_field(
                form,
                ROOT.sub("phone"),
                max_chars=24,
                kind="phone",
                placeholder=t("例：0769 8812 3456", "e.g. 0769 8812 3456"),
            ),
        }
    with more_fields(form, ROOT):
        raw["status"] = code_field(form, ROOT.sub("status"), "organisation_status", default="operating")
        raw["staff_count"] = count_field(form, ROOT.sub("staff_count"))
        raw["room_id"] = room_field(
            form, ROOT.sub("room_id"), rooms, title=t("房间（可不填）", "Room (optional)")
        )
    return raw


def _read_and_accept(form: DeclForm, field: str, heading: str, text: str, accept: str) -> bool:
    """A text to read (folded, so the form stays short on a phone) and the box that accepts it.
    Folded as `more_fields` folds: on a form in parts by a `fold` button, the text drawn only while
    it is open (a page of hidden text slowed every field's step); on a form drawn whole (the kiosk,
    the correction form) in Streamlit's expander, like the 更多信息 beside it."""
    if form.checks is None:
        with st.expander(heading):
            st.markdown(text)
    elif fold(form.key(ROOT.sub(field).sub("_text").key), heading):
        with st.container(border=True):
            st.markdown(text)
    return tick_field(form, ROOT.sub(field), accept)
