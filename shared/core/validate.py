"""Validation of identity document numbers as people type them, by document type.

Every refusal is a `ValidationError` naming its field in Chinese and English. Numbers
that carry a birth date (GB 11643 family, foreigners' IDs) are read in `shared.core.validate_ids`;
its public names are re-exported here, so callers import from this module only. Credit codes,
phones and names have their own modules: validate_uscc, validate_phone, validate_text.
"""

from __future__ import annotations

import re
from datetime import date

from shared.core.clock import local_today
from shared.core.errors import ValidationError
from shared.core.regions import is_known_region
from shared.core.validate_ids import (
    ID_FOREIGNER_PERMANENT,
    ID_HK_MACAO_PERMIT,
    ID_HMT_RESIDENCE_PERMIT,
    ID_LABEL,
    ID_PASSPORT,
    ID_RESIDENT,
    ID_TAIWAN_PERMIT,
    ID_TYPES,
    SEX_CODES,
    SEX_FEMALE,
    SEX_MALE,
    SEX_NOT_STATED,
    SEX_UNKNOWN,
    IdCheck,
    ValidationWarning,
    check_agreement,
    check_citizen_number,
    check_foreigner_id,
    id_error,
    normalise_number,
    validate_birth_date,
)

__all__ = [
    "ID_FOREIGNER_PERMANENT",
    "ID_HK_MACAO_PERMIT",
    "ID_HMT_RESIDENCE_PERMIT",
    "ID_PASSPORT",
    "ID_RESIDENT",
    "ID_TAIWAN_PERMIT",
    "ID_TYPES",
    "SEX_CODES",
    "SEX_FEMALE",
    "SEX_MALE",
    "SEX_NOT_STATED",
    "SEX_UNKNOWN",
    "IdCheck",
    "ValidationWarning",
    "excerpt",
    "is_known_region",
    "validate_birth_date",
    "validate_id_number",
    "validate_passport",
]


def excerpt(text: str, limit: int = 40) -> str:
    """A typed value as a message repeats it: a spreadsheet cell can hold a novel."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validate_id_number(
    id_type: str,
    number: str,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    nationality: str | None = None,
    today: date | None = None,
) -> IdCheck:
    """Check a document number of `id_type` and its agreement with the declared birth date,
    sex and nationality; unknown region codes come back as warnings, not errors."""
    today = today or local_today()
    if id_type not in ID_TYPES:
        raise ValidationError(
            f"证件类型代码无效：{id_type}", f"Document type: unknown code {id_type!r}", field="id_type"
        )
    if sex is not None and sex not in SEX_CODES:
        raise ValidationError(f"性别代码无效：{sex}", f"Sex: unknown code {sex!r}", field="sex")
    text = normalise_number(number)
    if not text:
        raise id_error("不能为空", "this field is required")
    if id_type in (ID_RESIDENT, ID_HMT_RESIDENCE_PERMIT):
        check = check_citizen_number(id_type, text, today)
    elif id_type == ID_FOREIGNER_PERMANENT:
        check = check_foreigner_id(text, today)
    elif id_type == ID_PASSPORT:
        check = IdCheck(validate_passport(text, field="id_number"))
    elif id_type == ID_HK_MACAO_PERMIT:
        check = IdCheck(_check_hk_macao_permit(text))
    else:
        check = IdCheck(_check_taiwan_permit(text))
    check_agreement(check, birth_date=birth_date, sex=sex, nationality=nationality)
    return check


def validate_passport(number: str, *, field: str = "passport") -> str:
    """Passports carry no checksum of their own: upper-case letters and digits, 5–17 long."""
    text = normalise_number(number)
    zh, en = ("护照号码", "Passport number") if field == "passport" else ID_LABEL
    if not text:
        raise ValidationError(f"{zh}不能为空", f"{en}: this field is required", field=field)
    if not re.fullmatch(r"[A-Z0-9]+", text):
        raise ValidationError(
            f"{zh}只能包含字母和数字", f"{en}: a passport number has only letters and digits", field=field
        )
    if not 5 <= len(text) <= 17:
        raise ValidationError(
            f"{zh}应为5至17个字符", f"{en}: a passport number has 5 to 17 characters", field=field
        )
    return text


def _check_hk_macao_permit(text: str) -> str:
    # The card since 2012 is H/M + 8 digits; older booklets added a 2-digit issue count.
    if not re.fullmatch(r"[HM][0-9]{8}([0-9]{2})?", text):
        raise id_error(
            "有误：港澳居民来往内地通行证号码为H或M加8位或10位数字",
            "a home-return permit number is H or M followed by 8 or 10 digits",
        )
    return text


def _check_taiwan_permit(text: str) -> str:
    # The card since 2015 is 8 digits; older booklets had 10 digits, often followed by the
    # issue letter in brackets, e.g. 1234567890(B).
    if not re.fullmatch(r"[0-9]{8}|[0-9]{10}(\([A-Z]\))?", text):
        raise id_error(
            "有误：台湾居民来往大陆通行证号码为8位数字（旧版为10位数字，可带括号字母如(B)）",
            "a Taiwan compatriot permit number is 8 digits (older ones: 10 digits, "
            "optionally with a letter in brackets such as (B))",
        )
    return text
