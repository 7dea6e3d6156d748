"""What the receipt page shows of an opened receipt: status, the officer's request, what was
declared, the tenants of a rental, the timeline; and the client key of the look-up rate limit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from portal.ui.i18n import current_lang, t
from portal.ui.text import escape_markdown
from shared.core.clock import CHINA_TZ
from shared.core.codes import label
from shared.declarations.form_errors import field_label
from shared.declarations.inputs import CODED_FIELDS, RELATIONS
from shared.declarations.labels import KIND_LABELS
from shared.models import DeclarationKind
from shared.places.links import plate_link_query
from shared.self_service.receipt_access import format_receipt_code
from shared.self_service.receipt_masking import mask_payload
from shared.self_service.receipt_people import room_ids_of
from shared.self_service.receipt_view import ReceiptView

CLIENT_KEY = "receipt._client"
# The order the forms ask in; payloads are stored with sorted keys.
_FORM_ORDER = (
    "relation", "name", "uscc", "status", "legal_rep", "manager", "id_type", "id_number", "sex",
    "birth_date", "nationality", "visa_expiry", "ethnicity", "hukou_address", "education", "phone",
    "employer", "staff_count", "room_id", "room_ids", "landlord", "declarant", "person", "reason",
    "dwelling_type", "move_in", "planned_until", "lease_start", "lease_end", "use", "family", "move_out",
    "privacy_accepted", "pledge_accepted",
)  # fmt: skip
_ORDER = {name: index for index, name in enumerate(_FORM_ORDER)}


def client_key() -> str:
    """Who is looking, for the per-client limit on failed look-ups.

    The connection's address (and a proxy's X-Forwarded-For) when there is one, so opening a new
    browser session does not reset the count; a random id per browser session otherwise (a local
    connection, where Streamlit gives no address). Behind a proxy the header is what tells
    clients apart; a client that forges it only escapes the per-client limit, never the
    per-receipt one.
    """
    address = st.context.ip_address
    forwarded = st.context.headers.get("X-Forwarded-For") if st.context.headers else None
    if isinstance(address, str) or forwarded:
        return f"ip:{address if isinstance(address, str) else ''}|{forwarded or ''}"[:200]
    return "session:" + str(st.session_state.setdefault(CLIENT_KEY, uuid.uuid4().hex))


def show_way_back(place: DeltaGenerator, view: ReceiptView | None) -> None:
    """Above the heading, as on the forms: back to the plate of the opened receipt (the address as
    its label), or to the home page; a phone shows the app's menu only folded away."""
    with place.container():
        if view is not None and view.plate_code is not None:
            label, query = f"{view.village} · {view.address}", plate_link_query(view.plate_code)
        else:  # nothing opened yet, or an address still waiting for its plate
            label, query = t("首页", "Home"), {}
        st.page_link("app_pages/plate.py", label=label, icon=":material/arrow_back:", query_params=query)


def local_time(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def show_status(view: ReceiptView) -> None:
    """The code, what kind of declaration, where, and where it stands."""
    lang = current_lang()
    kind = t(*KIND_LABELS[view.kind])
    if view.tenant_key is not None:  # a tenant's own view of the rental that lists them
        kind = t("房东为您申报的居住登记", "Your residence, declared by your landlord")
    st.markdown(f"**{kind}** · {t('回执码', 'Receipt')} {format_receipt_code(view.receipt_code)}")
    st.subheader(f"{t('状态：', 'Status: ')}{view.status_label(lang)}")
    rooms = "、".join(view.rooms)
    st.markdown(
        f"{escape_markdown(view.village)} · 麻涌镇 {escape_markdown(view.address)}"
        + (f" · {escape_markdown(rooms)}" if rooms else "")
        + f"  \n{t('提交于', 'Submitted')} {local_time(view.submitted_at)} · "
        f"{t('更新于', 'Updated')} {local_time(view.updated_at)} · {t('版本', 'Version')} {view.version}"
    )
    if view.rejection_reason:
        st.error(f"{t('未通过原因', 'Reason for rejection')}: {escape_markdown(view.rejection_reason)}")
    request = view.correction
    if request is not None and request.is_open:
        fields = "\n".join(f"- {field_label(path, lang)}" for path in request.fields)
        st.warning(
            f"**{t('工作人员请您补正', 'An officer asks you to correct this declaration')}**"
            f" ({local_time(request.at)})\n\n{escape_markdown(request.note)}\n\n{fields}"
        )


def show_declared(view: ReceiptView) -> None:
    """What was declared, field by field (numbers and phones masked); the fields an officer
    asked about are marked."""
    requested = set(view.correction.fields) if view.correction and view.correction.is_open else set()
    rooms = dict(zip(room_ids_of(view.kind, view.payload), view.rooms, strict=False))
    lines = []
    for path, name, value in _fields(mask_payload(view.payload), ""):
        title = escape_markdown(field_label(path, current_lang()))
        shown = escape_markdown(_display(name, value, rooms))
        marked = f":orange[**{title}** ⚠]" if path in requested else f"**{title}**"
        lines.append(f"- {marked}: {shown}")
    with st.expander(t("申报内容", "What you declared"), expanded=bool(requested)):
        st.markdown("\n".join(lines))


def _fields(values: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, str, Any]]:
    for name, value in sorted(values.items(), key=lambda item: _ORDER.get(item[0], len(_ORDER))):
        path = f"{prefix}.{name}" if prefix else name
        if name == "tenants" or value in (None, "", []) or (name == "relation" and value == "self"):
            continue  # a rental's tenants are listed as people; "self" says nothing
        if isinstance(value, Mapping):
            yield from _fields(value, path)
        elif isinstance(value, list) and value and isinstance(value[0], Mapping):
            for index, entry in enumerate(value):
                yield from _fields(entry, f"{path}[{index}]")
        else:
            yield path, name, value


def _display(name: str, value: Any, rooms: dict[int, str]) -> str:
    lang = current_lang()
    if name in CODED_FIELDS:
        return label(CODED_FIELDS[name], str(value), lang)
    if name == "room_id":
        return rooms.get(int(value), str(value))
    if name == "room_ids":
        return "、".join(rooms.get(int(room), str(room)) for room in value)
    if name == "relation":
        zh, en = RELATIONS.get(str(value), (str(value), str(value)))
        return en if lang == "en" else zh
    if isinstance(value, bool):
        return t("已同意", "accepted") if value else t("未同意", "not accepted")
    return str(value)  # identity numbers and phones arrive masked


def show_people(view: ReceiptView) -> None:
    """A rental's tenants: names the landlord declared in full, self-declared ones masked;
    every document number masked."""
    if view.kind is not DeclarationKind.RENTAL or not view.people:
        return
    st.subheader(t("租客", "Tenants"))
    st.dataframe(
        [
            {
                t("姓名", "Name"): p.name,
                t("证件号码", "Document"): p.id_number,
                t("房间", "Room"): p.room,
                t("入住", "Moved in"): p.move_in.isoformat() if p.move_in else "",
                t("搬离", "Moved out"): p.move_out.isoformat() if p.move_out else "",
                t("申报人", "Declared by"): t("您", "you") if p.declared_by_you else t("租客", "tenant"),
                t("房东确认", "Confirmed"): "✓" if p.confirmed_by_landlord else "",
            }
            for p in view.people
        ],
        hide_index=True,
        width="stretch",
    )


def show_timeline(view: ReceiptView) -> None:
    with st.expander(t("办理记录", "History")):
        lines = [f"- {local_time(entry.at)} · {t(entry.label_zh, entry.label_en)}" for entry in view.timeline]
        st.markdown("\n".join(lines))
