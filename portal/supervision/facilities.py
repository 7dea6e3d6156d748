"""Pieces of the facilities page: the edit form and the rows of its two tables."""

from typing import Any

import streamlit as st

from portal.ui.i18n import t
from portal.ui.widgets import phone_text
from shared.core.codes import code_list, label
from shared.facilities.records import FacilityView
from shared.facilities.rows import COLUMNS_BY_KEY
from shared.facilities.upload import ImportReport

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
            values[field] = st.selectbox(
                field_label(field, lang),
                list(choices),
                list(choices).index(current),
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
