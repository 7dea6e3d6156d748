"""A person on a declaration form (the tenant, each family member, each tenant of a landlord,
and the same on the correction form), and the declarant of a rental or an organisation.

Ask only what is not known: a 居民身份证 or 港澳台居民居住证 number holds the sex, the birth date
and the 户籍 region (GB 11643), so once it is valid they are shown, not asked; a passport or
another document keeps those fields. The nationality follows the document: it is asked only for
a foreigner's document. Required fields come first, marked; the rest is folded.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from typing import Any

import streamlit as st

from portal.declare.state import DeclForm, Where
from portal.declare.widgets import (
    choice_field,
    code_field,
    date_field,
    default,
    more_fields,
    required_fields,
    text_field,
)
from portal.ui.i18n import current_lang, t
from shared.core.codes import label
from shared.core.errors import ValidationError
from shared.core.regions import region_name
from shared.core.validate import (
    ID_HMT_RESIDENCE_PERMIT,
    ID_PASSPORT,
    ID_RESIDENT,
    IdCheck,
    validate_id_number,
)
from shared.core.validate_ids import ID_FOREIGNER_PERMANENT
from shared.declarations.inputs import FOREIGNER_ID_TYPES, RELATIONS

EARLIEST_BIRTH = date(1900, 1, 1)
# Numbers whose sex, birth date and region are read, never asked.
DERIVED_ID_TYPES = frozenset({ID_RESIDENT, ID_HMT_RESIDENCE_PERMIT})
HAN = "01"  # GB 3304: most residents; preselected, changed with one tap


def id_facts(id_type: str, number: str, today: date) -> IdCheck | None:
    """What a valid number of a document that carries data says; None otherwise."""
    if id_type not in DERIVED_ID_TYPES or not number.strip():
        return None
    try:
        return validate_id_number(id_type, number, today=today)
    except ValidationError:
        return None


def person_fields(form: DeclForm, where: Where, *, today: date, is_member: bool = False) -> dict[str, Any]:
    """One person: who they are and how to reach them; the rest under 更多信息."""
    raw: dict[str, Any] = {}
    with required_fields(form, where):
        if is_member:
            lang = current_lang()
            relations = [key for key in RELATIONS if key != "self"]
            raw["relation"] = choice_field(
                form, where.sub("relation"), relations, lambda key: RELATIONS[key][1 if lang == "en" else 0]
            )
        raw["name"] = name_field(form, where)
        identity = identity_fields(form, where, today=today)
        raw.update(identity)
        if not is_member:
            raw["phone"] = phone_field(form, where)
    if is_member:  # a child's is not needed: no red *, and the field itself says so
        raw["phone"] = phone_field(form, where, minors_may_skip=True)
    raw.update(more_person_fields(form, where, identity["id_type"] or ID_RESIDENT))
    return raw


def name_field(form: DeclForm, where: Where) -> str:
    return text_field(form, where.sub("name"), max_chars=40)


def identity_fields(form: DeclForm, where: Where, *, today: date) -> dict[str, Any]:
    """The document and what its number says, or the fields it does not say."""
    raw = document_field(form, where)
    id_type = raw["id_type"] or ID_RESIDENT
    number = number_fields(form, where, id_type, today=today)
    return {**raw, **number, **ethnicity_field(form, where, id_type)}


def document_field(form: DeclForm, where: Where) -> dict[str, Any]:
    """Which document: a resident card unless chosen otherwise; what else is asked follows it."""
    return {"id_type": code_field(form, where.sub("id_type"), "id_type", default=ID_RESIDENT)}


def number_fields(form: DeclForm, where: Where, id_type: str, *, today: date) -> dict[str, Any]:
    """The number and what it says, or the fields it does not say; a foreigner's nationality."""
    raw: dict[str, Any] = {"id_number": text_field(form, where.sub("id_number"), max_chars=30)}
    facts = id_facts(id_type, raw["id_number"], today)
    if id_type in DERIVED_ID_TYPES:
        _show_facts(facts)
    else:
        carries = id_type == ID_FOREIGNER_PERMANENT
        derived = t("可不填：按证件号码识别", "May be left empty: read from the document number")
        raw["sex"] = code_field(form, where.sub("sex"), "sex", help=derived if carries else None)
        raw["birth_date"] = date_field(
            form, where.sub("birth_date"), earliest=EARLIEST_BIRTH, latest=today,
            help=derived if carries else None,
        )  # fmt: skip
    if id_type in FOREIGNER_ID_TYPES:
        raw["nationality"] = code_field(form, where.sub("nationality"), "nationality")
        if id_type == ID_PASSPORT:
            raw["visa_expiry"] = date_field(
                form, where.sub("visa_expiry"), latest=today + timedelta(days=3660)
            )
    return raw


def ethnicity_field(form: DeclForm, where: Where, id_type: str) -> dict[str, Any]:
    """民族, asked with a resident card (preselected 汉族); another document has it under 更多信息."""
    if id_type != ID_RESIDENT:
        return {}
    default(form, where.sub("ethnicity"), HAN)
    return {"ethnicity": code_field(form, where.sub("ethnicity"), "ethnicity")}


def _example_mobile() -> str:
    """A phone field's placeholder: said to be an example, so it is not taken for a number given."""
    return t("例：138 0013 8000", "e.g. 138 0013 8000")


def phone_field(form: DeclForm, where: Where, *, minors_may_skip: bool = False) -> str:
    """`minors_may_skip`: a family member's, often a child's; the rule shows in the empty field
    itself, not only in a tooltip a phone opens on a long press."""
    minors = t("未满18周岁可不填", "Minors under 18 may leave it empty")
    if minors_may_skip:
        return text_field(form, where.sub("phone"), max_chars=24, kind="phone", placeholder=minors)
    return text_field(
        form, where.sub("phone"), max_chars=24, kind="phone", placeholder=_example_mobile(), help=minors
    )


def more_person_fields(form: DeclForm, where: Where, id_type: str) -> dict[str, Any]:
    """更多信息（可不填）; a 户籍 address left empty is the region the number names (read by
    shared.declarations.people_form)."""
    raw: dict[str, Any] = {}
    with more_fields(form, where):
        if id_type not in FOREIGNER_ID_TYPES:
            if id_type != ID_RESIDENT:
                raw["ethnicity"] = code_field(form, where.sub("ethnicity"), "ethnicity")
            hint = t("可不填：按证件号码识别地区", "May be left empty: the region is read from the number")
            hukou = text_field(form, where.sub("hukou_address"), max_chars=200, help=hint)
            raw["hukou_address"] = hukou
        raw["education"] = code_field(form, where.sub("education"), "education")
        raw["employer"] = text_field(form, where.sub("employer"), max_chars=120)
    return raw


# A caption's look, without Markdown: the line is drawn again at each rerun of the number's part,
# and Streamlit's Markdown costs the phone a parse each time (issue 12: the slowest field step).
_FACTS_LINE = '<p style="font-size:0.875rem;color:rgba(28,28,28,0.6);margin:0">{text}</p>'


def _show_facts(facts: IdCheck | None) -> None:
    """Read from the number, shown so the declarant can see it is right; said in the line itself,
    not in a tooltip, which a phone shows only on a long press. Before a valid number the same line
    says what will be read: nothing under it moves when the facts come (no relayout on the phone)."""
    if facts is None:
        text = t(
            "性别、出生日期、户籍地区：按证件号码自动识别",
            "Sex, birth date and registered region: read from the number",
        )
        st.html(_FACTS_LINE.format(text=escape(text)))
        return
    lang = current_lang()
    parts = [
        f"{t('性别', 'Sex')} {label('sex', facts.sex, lang)}" if facts.sex else "",
        f"{t('出生日期', 'Born')} {facts.birth_date.isoformat()}" if facts.birth_date else "",
        f"{t('户籍地区', 'Registered in')} {region_name(facts.region_code) or facts.region_code}"
        if facts.region_code
        else "",
    ]
    read = t("由证件号码识别：", "Read from the number: ")
    st.html(_FACTS_LINE.format(text=escape(read + " · ".join(p for p in parts if p))))


def declarant_fields(form: DeclForm, where: Where) -> dict[str, Any]:
    """Who declares a rental or an organisation; the number's last 6 characters open the receipt."""
    tail = t("查询回执时需要证件号码后6位", "The last 6 characters open your receipt later")
    with required_fields(form, where):
        return {
            "name": text_field(form, where.sub("name"), max_chars=40),
            "id_type": code_field(form, where.sub("id_type"), "id_type", default=ID_RESIDENT),
            "id_number": text_field(form, where.sub("id_number"), max_chars=30, help=tail),
            "phone": text_field(
                form, where.sub("phone"), max_chars=24, kind="phone", placeholder=_example_mobile()
            ),
        }
