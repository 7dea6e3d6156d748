"""One person on a declaration form: name, document, what the document number tells, family ties.

The number of a resident identity card or a residence permit carries birth date, sex and
(for the permits) nationality; given ones must agree with it, and what it carries need not be
typed (shared.declarations.forms calls `read_person` for the declarant, family and tenants).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.core.regions import region_name
from shared.core.validate import (
    ID_FOREIGNER_PERMANENT,
    ID_HK_MACAO_PERMIT,
    ID_HMT_RESIDENCE_PERMIT,
    ID_RESIDENT,
    ID_TAIWAN_PERMIT,
    IdCheck,
    validate_birth_date,
    validate_id_number,
)
from shared.core.validate_ids import check_agreement
from shared.declarations.fields import (
    Form,
    age_on,
    code_of,
    code_or,
    optional_date,
    person_name,
    phone,
    problem,
    required,
    text,
    text_upto,
)
from shared.declarations.inputs import (
    ADULT_AGE,
    CHINESE_NATIONALITIES,
    FOREIGNER_ID_TYPES,
    RELATIONS,
    PersonInput,
)

# Numbers that carry the holder's birth date and sex (GB 11643 and the 2023 foreigner's ID).
_NUMBERS_WITH_DATA = frozenset({ID_RESIDENT, ID_HMT_RESIDENCE_PERMIT, ID_FOREIGNER_PERMANENT})
_HMT_NATIONALITY = {"810000": "HKG", "820000": "MAC", "830000": "TWN"}


def read_person(form: Form, today: date, *, relation: str | None = None) -> PersonInput | None:
    """A person; `relation` is fixed for the declarant, a family member must give theirs.

    Birth date, sex and nationality may be left empty when the document number carries them;
    given ones must agree with it. Foreign nationals use a passport or a permanent residence ID
    and have no ethnic group; resident-card holders give ethnic group and 户籍 address.
    """
    name = form.read("name", person_name, "")
    id_type = form.read("id_type", code_or("id_type", ID_RESIDENT), "")
    sex = form.read("sex", code_of("sex"), None)
    birth = form.read("birth_date", _birth_date(today), None)
    nationality = form.read("nationality", code_of("nationality"), None)
    check = form.read("id_number", id_number_reader(id_type, today), None)
    if check is not None:
        form.check("birth_date", lambda: check_agreement(check, birth_date=birth, sex=None, nationality=None))
        form.check("sex", lambda: check_agreement(check, birth_date=None, sex=sex, nationality=None))
        form.check(
            "nationality", lambda: check_agreement(check, birth_date=None, sex=None, nationality=nationality)
        )
        birth, sex = birth or check.birth_date, sex or check.sex
        nationality = nationality or _implied_nationality(id_type, check)
    # While the number is wrong, ask only for what it could not have given.
    number_failed = form.has_error("id_number")
    for key, value in (("birth_date", birth), ("sex", sex), ("nationality", nationality)):
        derivable = id_type in _NUMBERS_WITH_DATA
        if value is None and not form.has_error(key) and not (number_failed and derivable):
            form.file(required(form.prefix + key), key)
    foreign = nationality is not None and nationality not in CHINESE_NATIONALITIES
    if foreign and id_type and id_type not in FOREIGNER_ID_TYPES:
        form.fail(
            "id_type",
            "：外国籍人员请选择护照或外国人永久居留身份证",
            "foreign nationals use a passport or a foreigner's permanent residence ID",
        )
    if id_type == ID_RESIDENT and nationality not in (None, "CHN"):
        form.fail(
            "nationality", "：持居民身份证者为中国国籍", "holders of a resident identity card are Chinese"
        )
    ethnicity = None if foreign else form.read("ethnicity", code_of("ethnicity"), None)
    if ethnicity is None and id_type == ID_RESIDENT and not form.has_error("ethnicity"):
        form.file(required(form.prefix + "ethnicity"), "ethnicity")
    # A 户籍 address left empty is the region a resident card's number names (issue 12: derived,
    # not asked), for every way in: the forms, a landlord's spreadsheet, the kiosk. It is asked
    # only for a right number whose region is not in the table, never beside a wrong number.
    region = (
        region_name(check.region_code) if id_type == ID_RESIDENT and check and check.region_code else None
    )
    hukou_needed = id_type == ID_RESIDENT and not number_failed and region is None
    hukou = form.read("hukou_address", text_upto(200, needed=hukou_needed), "") or region or ""
    education = form.read("education", code_of("education"), None)
    contact = form.read("phone", lambda path, value: phone(path, value) if text(value) else None, None)
    # Known to be a minor: no phone needed. A declarant of unknown age (the number not given or
    # wrong yet) is asked at once, as the form marks it, not after the number is put right.
    minor = birth is not None and age_on(birth, today) < ADULT_AGE
    phone_needed = not minor and (birth is not None or relation == "self")
    if contact is None and not form.has_error("phone") and phone_needed:
        form.fail(
            "phone",
            "不能为空（未满18周岁可不填）",
            "this field is required (minors under 18 may leave it empty)",
        )
    employer = form.read("employer", text_upto(120), "")
    visa = form.read("visa_expiry", optional_date, None)
    kin = relation or form.read("relation", _relation, "")
    if not form.is_clean:
        return None
    assert check is not None and birth is not None and sex is not None and nationality is not None
    return PersonInput(name, sex, ethnicity, birth, id_type, check.number, nationality, hukou, education,
                       contact, employer, kin, visa)  # fmt: skip


def id_number_reader(id_type: str, today: date) -> Any:
    def read(path: str, value: Any) -> IdCheck:
        if not id_type:  # the type itself was refused: its own error says so
            raise problem(path, "：请先选择正确的证件类型", "choose a valid document type first")
        return validate_id_number(id_type, text(value), today=today)

    return read


def _birth_date(today: date) -> Any:
    def read(path: str, value: Any) -> date | None:
        born = optional_date(path, value)
        return validate_birth_date(born, today=today) if born is not None else None

    return read


def _implied_nationality(id_type: str, check: IdCheck) -> str | None:
    """The nationality a document implies; passports and some foreigners' IDs imply none."""
    if id_type == ID_RESIDENT:
        return "CHN"
    if id_type == ID_HMT_RESIDENCE_PERMIT:
        return _HMT_NATIONALITY.get(check.number[:6])
    if id_type == ID_HK_MACAO_PERMIT:
        return "HKG" if check.number.startswith("H") else "MAC"
    if id_type == ID_TAIWAN_PERMIT:
        return "TWN"
    if check.nationality and check.nationality.isalpha():
        return check.nationality
    return None


def _relation(path: str, value: Any) -> str:
    cleaned = text(value).casefold()
    if not cleaned:
        raise required(path)
    choices = {k: v for k, v in RELATIONS.items() if k != "self"}
    for key, (zh, en) in choices.items():
        if cleaned in (key, zh, en.casefold()):
            return key
    raise problem(
        path,
        f"无效，可选：{'、'.join(zh for zh, _ in choices.values())}",
        f"choose one of: {', '.join(en for _, en in choices.values())}",
    )
