"""Pieces of the facilities page: the register upload, the list with its filters, the edit and
retire forms, and the rows of its two tables. Rules are in shared.facilities.records."""

from typing import Any

import streamlit as st

from portal.ui.i18n import ALL, relabel_after_switch, t
from portal.ui.text import phone_text
from shared.core.codes import code_list, label
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.facilities.records import FacilityView, list_facilities, retire_facility, update_facility
from shared.facilities.rows import COLUMNS_BY_KEY
from shared.facilities.template import facility_template
from shared.facilities.upload import ImportReport, import_facilities
from shared.models import utcnow
from shared.places.search import list_villages
from shared.staff.auth import StaffIdentity

REPORT_KEY = "facilities.report"
NOTICE_KEY = "facilities.notice"
RESET_KEY = "facilities.reset"
CHOSEN_KEY = "facilities.chosen"
FIELD_COLUMNS = {"category": "group", "grid_code": None}  # edit field → upload column, for labels


def field_label(field: str, lang: str) -> str:
    """A facility field named as the upload's column is (`name` → 设施名称)."""
    key = FIELD_COLUMNS.get(field, field)
    if key is None:
        return t("网格", "grid")
    column = COLUMNS_BY_KEY[key]
    return column.en if lang == "en" else column.zh


def code_choices(name: str, lang: str) -> dict[str, str]:
    """Codes of a facility list with their labels; subtypes carry their group's (公共安全 · 消火栓)."""
    choices = {}
    for c in code_list(name):
        group = f"{label('facility_group', c.parent, lang)} · " if c.parent else ""
        choices[c.code] = group + c.label(lang)
    return choices


def edit_form(view: FacilityView, lang: str) -> dict[str, Any] | None:
    """The facility's values in a form; the values as typed once it is submitted, else None."""
    groups, subtypes = code_choices("facility_group", lang), code_choices("facility_subtype", lang)
    key = f"facilities.edit.{view.id}"
    with st.form(key):
        values: dict[str, Any] = {}
        for field, choices, current in (
            ("category", groups, view.category),
            ("subtype", subtypes, view.subtype),
        ):
            if current not in choices:  # a code since dropped from its list: kept, as it is
                choices = {**choices, current: current}
            relabel_after_switch(f"{key}.{field}", preset=current)
            values[field] = st.selectbox(
                field_label(field, lang),
                list(choices),
                format_func=choices.__getitem__,
                key=f"{key}.{field}",
            )
        texts = {
            "name": view.name,
            "lon": "" if view.lon is None else str(view.lon),
            "lat": "" if view.lat is None else str(view.lat),
            "plate_code": view.plate_code or "",
            "department": view.department,
            "phone": phone_text(view.phone),
        }
        for field, value in texts.items():
            values[field] = st.text_input(field_label(field, lang), value, key=f"{key}.{field}")
        submitted = st.form_submit_button(t("保存修改", "Save changes"), type="primary", key=f"{key}.save")
    return values if submitted else None


def error_rows(report: ImportReport, lang: str) -> list[dict[str, Any]]:
    return [
        {
            t("行", "Line"): e.line,
            t("列", "Column"): e.column,
            t("原因", "Reason"): e.message_en if lang == "en" else e.message_zh,
        }
        for e in report.errors
    ]


def list_rows(views: list[FacilityView], lang: str) -> list[dict[str, Any]]:
    return [
        {
            t("编号", "No."): v.id,
            t("大类", "Group"): label("facility_group", v.category, lang),
            t("小类", "Subtype"): label("facility_subtype", v.subtype, lang),
            t("名称", "Name"): v.name,
            t("位置", "Position"): v.address or (f"{v.lon}, {v.lat}" if v.lon is not None else ""),
            t("村（社区）", "Village"): v.village_name or "",
            t("网格", "Grid"): v.grid_code or "",
            t("责任部门", "Department"): v.department,
            t("联系电话", "Phone"): phone_text(v.phone),
            t("状态", "Status"): t("在用", "active") if v.is_active else t("已停用", "retired"),
        }
        for v in views
    ]


def start_afresh() -> None:
    """Drop the fields a change was made with, before the widgets exist, so they start afresh."""
    for stale in st.session_state.pop(RESET_KEY, []):
        st.session_state.pop(stale, None)


def show_notice() -> None:
    """What the last change did, once."""
    if notice := st.session_state.pop(NOTICE_KEY, None):
        st.success(notice)


@st.cache_data
def _template(fmt: str, lang: str) -> bytes:
    return facility_template(fmt, lang=lang)


def upload_box(staff: StaffIdentity, lang: str) -> None:
    """The templates, a department's register uploaded, and what its import did."""
    st.caption(
        t(
            "每行一个设施：大类、小类、名称、经纬度或门牌编码、责任部门、联系电话。同一文件再次上传不会重复登记。",
            "One facility a row: group, subtype, name, coordinates or plate code, department, phone. "
            "Sending the same file again registers nothing twice.",
        )
    )
    for column, fmt in zip(st.columns(2), ("xlsx", "csv"), strict=True):
        column.download_button(
            t(f"下载模板（{fmt.upper()}）", f"Download the template ({fmt.upper()})"),
            data=_template(fmt, lang),
            file_name=f"facilities-template.{fmt}",
            on_click="ignore",
            icon=":material/download:",
            key=f"facilities.template_{fmt}",
        )
    upload = st.file_uploader(
        t("设施登记表", "Facility register"), type=["csv", "xlsx"], key="facilities.file"
    )
    if upload is not None and st.button(t("导入", "Import"), type="primary", key="facilities.import"):
        st.session_state.pop(REPORT_KEY, None)
        try:
            with session_scope() as session:
                st.session_state[REPORT_KEY] = import_facilities(
                    session, data=upload.getvalue(), filename=upload.name, actor=staff.username, now=utcnow()
                )
        except DomainError as error:
            st.error(error.message(lang))
    if report := st.session_state.get(REPORT_KEY):
        counts = report.counts()
        st.success(
            t(
                f"{report.filename}：读取 {report.rows_read} 行，新增 {report.created}，"
                f"更新 {report.updated}，无变化 {report.unchanged}，出错 {counts['rows_failed']} 行。",
                f"{report.filename}: {report.rows_read} rows read, {report.created} added, {report.updated} "
                f"updated, {report.unchanged} unchanged, {counts['rows_failed']} with errors.",
            )
        )
        if report.errors:
            st.warning(
                t(
                    "以下行未导入，请改正后重新上传：",
                    "These rows were not imported; fix them and upload again:",
                )
            )
            st.dataframe(error_rows(report, lang), hide_index=True)


def facility_list(staff: StaffIdentity, lang: str) -> None:
    """The facilities under the filters; one chosen to edit or retire."""
    with session_scope() as session:
        villages = {ALL: t("全部村（社区）", "All villages")} | dict(list_villages(session))
    groups = {ALL: t("全部大类", "All groups")} | code_choices("facility_group", lang)
    left, middle, right = st.columns(3)
    relabel_after_switch("facilities.village")
    relabel_after_switch("facilities.group")
    village = left.selectbox(
        t("村（社区）", "Village"), list(villages), format_func=villages.__getitem__, key="facilities.village"
    )
    group = middle.selectbox(
        t("大类", "Group"), list(groups), format_func=groups.__getitem__, key="facilities.group"
    )
    text = right.text_input(t("名称或部门", "Name or department"), max_chars=60, key="facilities.text")
    include_retired = st.checkbox(
        t("包括已停用的设施", "Include retired facilities"), key="facilities.retired"
    )
    with session_scope() as session:
        views = list_facilities(
            session, village=village or None, group=group or None, include_retired=include_retired, text=text
        )
    st.caption(t(f"共 {len(views)} 个设施。", f"{len(views)} facilities."))
    st.dataframe(list_rows(views, lang), hide_index=True)
    active = {v.id: v for v in views if v.is_active}
    chosen = st.selectbox(
        t("修改或停用设施", "Edit or retire a facility"),
        list(active),
        format_func=lambda i: f"{i} · {active[i].name}",
        index=None,
        placeholder=t("请选择设施", "Choose a facility"),
        key=CHOSEN_KEY,
    )
    if chosen is None:
        st.stop()
    view = active[chosen]
    if (changes := edit_form(view, lang)) is not None:
        try:
            with session_scope() as session:
                change = update_facility(
                    session, facility_id=view.id, changes=changes, actor=staff.username, now=utcnow()
                )
        except DomainError as error:
            st.error(error.message(lang))
        else:
            fields = [field_label(f, lang) for f in change.changed]
            st.session_state[NOTICE_KEY] = t(
                f"设施 {view.id} 已保存（修改了：{'、'.join(fields) or '无'}）。",
                f"Facility {view.id} saved (changed: {', '.join(fields) or 'nothing'}).",
            )
            st.session_state[RESET_KEY] = [
                k for k in st.session_state if k.startswith(f"facilities.edit.{view.id}.")
            ]
            st.rerun()
    with st.form(f"facilities.retire_form.{view.id}"):
        reason = st.text_input(t("停用原因", "Reason for retiring"), max_chars=200, key="facilities.reason")
        retire = st.form_submit_button(t("停用此设施", "Retire this facility"), key="facilities.retire")
    if retire:
        try:
            with session_scope() as session:
                retire_facility(
                    session, facility_id=view.id, actor=staff.username, now=utcnow(), reason=reason
                )
        except DomainError as error:
            st.error(error.message(lang))
        else:
            st.session_state[NOTICE_KEY] = t(
                f"设施 {view.id}（{view.name}）已停用，仍保留在历史记录中。",
                f"Facility {view.id} ({view.name}) is retired; it stays in the records.",
            )
            st.session_state[RESET_KEY] = [CHOSEN_KEY, "facilities.reason"]
            st.rerun()
