"""Pieces of the enforcement page (未按规定报送): the period and village, the three lists, the
warning form (已警告) and the exports, masked unless revealed with a reason."""

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from portal.review.widgets import local_time, run_action, show_flash
from portal.ui.exports import export_buttons
from portal.ui.i18n import current_lang, t
from shared.core.crypto import mask_id_number, mask_name
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.enforcement.export import ExportFormat, export_enforcement
from shared.enforcement.landlords import (
    MAX_NOTE_CHARS,
    EnforcementList,
    Landlord,
    enforcement_list,
    record_warning,
    warnings_of,
)
from shared.enforcement.late import LatePerson
from shared.enforcement.rooms import MAX_DAYS, default_days
from shared.models import DeclarationKind, utcnow
from shared.places.search import list_villages
from shared.review.reveal import REVEAL_ROLES
from shared.staff.auth import StaffIdentity

KEY = "enforcement"
KINDS = {
    DeclarationKind.RESIDENCE: ("租客自报", "tenant's own"),
    DeclarationKind.RENTAL: ("房东申报", "landlord's"),
}


def enforcement_filters() -> tuple[int, str | None]:
    """The period in days (the town's default) and a village, or the whole town."""
    try:
        default = default_days()
    except DomainError as error:  # a bad setting: say so, and use the rule's own default
        st.warning(error.message(current_lang()))
        default = 90
    with session_scope() as session:
        villages = dict(list_villages(session))
    left, right = st.columns(2)
    days = left.number_input(t("未申报天数", "Days without a report"), min_value=1, max_value=MAX_DAYS,
                             value=default, step=1, key=f"{KEY}.days")  # fmt: skip
    village = right.selectbox(t("村（社区）", "Village"), list(villages), format_func=villages.__getitem__,
                              index=None, placeholder=t("全部", "All"), key=f"{KEY}.village")  # fmt: skip
    return int(days), village


def load_list(staff: StaffIdentity, today: date, days: int, village: str | None) -> EnforcementList:
    show_flash()
    with session_scope() as session:
        return enforcement_list(session, staff=staff, today=today, days=days, village=village)


def unreported_table(listed: EnforcementList) -> None:
    """Let rooms with signs of people and no landlord report in the period."""
    if not listed.unreported:
        st.info(t("没有超期未申报且有人员迹象的出租屋。", "No let room is unreported with signs of people."))
        return
    names = {x.key: x.name for x in listed.landlords}
    never = t("从未申报", "never")
    st.dataframe(pd.DataFrame({
        t("地址", "Address"): r.room.label,
        t("村（社区）", "Village"): r.room.village_name,
        t("房东", "Landlord"): names.get(r.room.landlord, ""),
        t("最近申报", "Last reported"): r.last_reported.isoformat() if r.last_reported else never,
        t("未申报天数", "Days"): r.days_unreported,
        t("通行", "Passages"): r.passages,
        t("访客", "Visitors"): r.visitors,
        t("未确认租客", "Unconfirmed tenants"): r.unconfirmed,
        t("最近通行", "Last seen"): local_time(r.last_seen),
    } for r in listed.unreported), hide_index=True, width="stretch")  # fmt: skip


def late_table(listed: EnforcementList) -> None:
    """Declarations made after the working-day rule, with the people masked."""
    if not listed.late:
        st.info(t("期间内没有逾期申报。", "No late declaration in the period."))
        return
    lang = current_lang()
    names = {x.key: x.name for x in listed.landlords}
    st.dataframe(pd.DataFrame({
        t("申报编号", "Declaration"): c.declaration_id,
        t("类型", "Kind"): KINDS[c.kind][lang == "en"],
        t("地址", "Address"): c.room.label,
        t("房东", "Landlord"): names.get(c.room.landlord, ""),
        t("人员", "People"): "、".join(_masked(p) for p in c.people),
        t("入住日期", "Moved in"): c.move_in.isoformat(),
        t("申报日期", "Declared on"): c.submitted_on.isoformat(),
        t("工作日", "Working days"): c.working_days,
    } for c in listed.late), hide_index=True, width="stretch")  # fmt: skip


def landlord_table(listed: EnforcementList) -> None:
    """One line per landlord with a case: let rooms, open cases, past warnings."""
    if not listed.landlords:
        st.info(t("没有需要处理的房东。", "No landlord has an open case."))
        return
    st.dataframe(pd.DataFrame({
        t("房东", "Landlord"): x.name,
        t("证件号码", "ID number"): x.id_number,
        t("电话", "Phone"): x.phone,
        t("出租房间", "Let rooms"): x.rooms,
        t("未申报房间", "Unreported rooms"): x.unreported,
        t("逾期申报", "Late declarations"): x.late,
        t("历次警告", "Warnings"): x.warnings,
        t("最近警告", "Last warned"): local_time(x.last_warned),
    } for x in listed.landlords), hide_index=True, width="stretch")  # fmt: skip


def warning_box(listed: EnforcementList, staff: StaffIdentity) -> None:
    """已警告: record that a landlord was warned, with a note; his past warnings below."""
    if not listed.landlords:
        return
    landlords = {x.key.ref: x for x in listed.landlords}
    ref = st.selectbox(t("房东", "Landlord"), list(landlords), key=f"{KEY}.landlord",
                       format_func=lambda r: _label(landlords[r]))  # fmt: skip
    chosen = landlords[ref]
    with st.form(f"{KEY}.warn", clear_on_submit=True):
        note = st.text_area(
            t("警告说明（方式、内容、期限）", "Note (how, what, by when)"), max_chars=MAX_NOTE_CHARS
        )
        if st.form_submit_button(t("已警告（记入审计日志）", "Warned (recorded in the audit log)")):
            rooms = [r.room.room_id for r in listed.unreported if r.room.landlord == chosen.key]
            cases = [c.declaration_id for c in listed.late if c.room.landlord == chosen.key]
            done = t("已记录警告。", "Warning recorded.")
            run_action(record_warning, done, staff=staff, landlord=chosen.key, note=note, now=utcnow(),
                       room_ids=rooms, declaration_ids=cases)  # fmt: skip
    with session_scope() as session:
        past = warnings_of(session, chosen.key)
    if past:
        st.dataframe(pd.DataFrame({
            t("时间", "Time"): local_time(w.at), t("记录人", "By"): w.actor, t("说明", "Note"): w.note,
        } for w in past), hide_index=True, width="stretch")  # fmt: skip


def enforcement_exports(staff: StaffIdentity, today: date, days: int, village: str | None) -> None:
    """CSV and XLSX of the list, made (and audited) when downloaded; clear only with a reason."""
    reveal, reason = False, ""
    if staff.role in REVEAL_ROLES:
        reveal = st.checkbox(t("导出完整姓名、证件号码和电话", "Export full names, numbers and phones"),
                             key=f"{KEY}.reveal")  # fmt: skip
        if reveal:
            reason = st.text_input(t("查看原因（记入审计日志）", "Reason (recorded in the audit log)"),
                                   max_chars=200, key=f"{KEY}.reason")  # fmt: skip
            if not reason.strip():
                st.info(t("填写原因后可导出完整信息。", "Give a reason to export the full details."))
                return

    def make(fmt: ExportFormat) -> Callable[[], bytes]:
        def build() -> bytes:
            with session_scope() as session:
                return export_enforcement(
                    session, staff=staff, today=today, days=days, fmt=fmt, now=utcnow(),
                    village=village, reveal=reveal, reason=reason,
                )  # fmt: skip

        return build

    export_buttons(make, file_stem=f"enforcement-{today.isoformat()}", key=f"{KEY}.export")


def _masked(person: LatePerson) -> str:
    return f"{mask_name(person.name)} {mask_id_number(person.id_number)}"


def _label(landlord: Landlord) -> str:
    cases = t(f"{landlord.cases} 件", f"{landlord.cases} case(s)")
    return f"{landlord.name} · {landlord.id_number} · {cases}"
