"""Phone numbers as people type them: mainland mobiles and landlines, others with +country code.

Stored as E.164; shown in the national form for the mainland.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from shared.core.errors import ValidationError

_PHONE_CHARS = re.compile(r"\+?[\d\s\-().]{3,30}")
_NOT_PHONE_CHAR = re.compile(r"[^\d\s\-().+]")  # a letter, a comma, a Chinese word
_CN_PHONE_TYPES = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def validate_phone(text: str, *, field: str = "phone") -> str:
    """A mainland mobile or landline (area code required), or a number outside the mainland
    written with + (or 00) and its country code; returned as E.164."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        raise ValidationError("电话号码不能为空", "Phone number: this field is required", field=field)
    invalid = ValidationError(
        "电话号码无效（固定电话请带区号，如0769-22345678；境外号码请以+和国家代码开头）",
        "Phone number: not a valid number (landlines need the area code, e.g. 0769-22345678; "
        "numbers outside the mainland start with + and the country code)",
        field=field,
    )
    if _NOT_PHONE_CHAR.search(raw):
        raise ValidationError(
            "电话号码只能填数字（可带空格或-）",
            "Phone number: digits only (spaces and - are fine)",
            field=field,
        )
    if not _PHONE_CHARS.fullmatch(raw):
        raise invalid
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise _mobile_length(raw, field) or invalid from None
    if not phonenumbers.is_valid_number(number):
        raise _mobile_length(raw, field) or invalid
    if number.country_code == 86 and phonenumbers.number_type(number) not in _CN_PHONE_TYPES:
        raise ValidationError(
            "电话号码应为手机或固定电话号码", "Phone number: must be a mobile or landline number", field=field
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _mobile_length(raw: str, field: str) -> ValidationError | None:
    """A mainland mobile with a digit missing or one too many (the slip people make): say so,
    not the landline and overseas advice that fits other numbers."""
    digits = re.sub(r"\D", "", raw)
    # "86 138…" is the country code without its +: no mainland number starts with 86.
    for prefix in ("+86", "0086", "86"):
        if raw.startswith(prefix):
            digits = digits[len(prefix.strip("+")) :]
            break
    else:
        if raw.startswith(("+", "00")):
            return None
    if not (digits.startswith("1") and len(digits) in (10, 12)):
        return None
    return ValidationError(
        f"手机号码应为11位（现为{len(digits)}位）",
        f"Phone number: a mobile number has 11 digits (this one has {len(digits)})",
        field=field,
    )


def format_phone_national(e164: str) -> str:
    """Display form of a stored E.164 number: "138 1234 5678", "0769 2234 5678". Numbers
    outside the mainland keep their country code ("+852 2123 4567"): a national form would
    mislead a caller here. Anything not E.164 raises phonenumbers.NumberParseException."""
    number = phonenumbers.parse(e164, None)
    if number.country_code == 86:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
