"""Validation of what people type: document numbers, credit codes, phones, names, dates.

Every refusal is a `ValidationError` naming its field in Chinese and English. Numbers
that carry a birth date (GB 11643 family, foreigners' IDs) are read in `shared.core.validate_ids`;
its public names are re-exported here, so callers import from this module only.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from shared.core.checkdigits import USCC_ALPHABET, uscc_check_char
from shared.core.clock import local_today
from shared.core.errors import ValidationError
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
    is_known_region,
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
    "format_phone_national",
    "has_hidden_chars",
    "is_known_region",
    "validate_birth_date",
    "validate_id_number",
    "validate_name",
    "validate_passport",
    "validate_phone",
    "validate_uscc",
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


# GB 32100 登记管理部门 (position 1) → 机构类别 (position 2). The standard's table has grown
# by later notices (e.g. 5 4/5 village and residents' committees, G/J/Q authorities), so the
# table is generous: a code we refuse here must be one no authority issues.
USCC_ENTITY_TYPES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 群众团体, 其他
    "2": "19",  # 外交
    "3": "1234569",  # 司法行政: 律师, 公证, 基层法律服务, 司法鉴定, 仲裁, 商事调解, 其他
    "4": "19",  # 文化
    "5": "123459",  # 民政: 社会团体, 民办非企业, 基金会, 村委会, 居委会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "129",  # 工会
    "9": "1239",  # 工商/市场监管: 企业, 个体工商户, 农民专业合作社, 其他
    "A": "19",  # 中央军委改革和编制办公室
    "G": "19",  # 公安 (境外非政府组织代表机构)
    "J": "19",  # 住房城乡建设 (业主大会)
    "N": "1239",  # 农业农村: 组级, 村级, 乡镇级集体经济组织, 其他
    "Q": "1239",  # 侨联
    "Y": "1",  # 其他
}


def _uscc_error(zh: str, en: str) -> ValidationError:
    return ValidationError(f"统一社会信用代码{zh}", f"Unified social credit code: {en}", field="uscc")


def validate_uscc(code: str) -> str:
    """统一社会信用代码 (GB 32100), including the N… and Y… codes stdnum refuses."""
    text = normalise_number(code)
    if not text:
        raise _uscc_error("不能为空", "this field is required")
    if len(text) != 18:
        raise _uscc_error("应为18位", "must be 18 characters")
    bad = sorted({c for c in text if c not in USCC_ALPHABET})
    if bad:
        shown = "、".join(bad)
        raise _uscc_error(
            f"含有不使用的字符{shown}（不使用I、O、S、V、Z）",
            f"{', '.join(bad)} not allowed (only digits and capital letters except I, O, S, V and Z)",
        )
    authority, entity_type = text[0], text[1]
    if authority not in USCC_ENTITY_TYPES:
        raise _uscc_error(
            f"第1位（登记管理部门）{authority}无效",
            f"{authority} is not a registering authority (position 1)",
        )
    if entity_type not in USCC_ENTITY_TYPES[authority]:
        raise _uscc_error(
            f"第2位（机构类别）{entity_type}不属于登记管理部门{authority}",
            f"{entity_type} is not an entity type of registering authority {authority} (position 2)",
        )
    if not text[2:8].isascii() or not text[2:8].isdigit():
        raise _uscc_error("第3至8位（行政区划码）应为数字", "positions 3 to 8 (division code) must be digits")
    if uscc_check_char(text[:17]) != text[17]:
        raise _uscc_error("校验位错误", "the check character is wrong")
    return text


_PHONE_CHARS = re.compile(r"\+?[\d\s\-().]{3,30}")
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
    if not _PHONE_CHARS.fullmatch(raw):
        raise invalid
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise invalid from None
    if not phonenumbers.is_valid_number(number):
        raise invalid
    if number.country_code == 86 and phonenumbers.number_type(number) not in _CN_PHONE_TYPES:
        raise ValidationError(
            "电话号码应为手机或固定电话号码", "Phone number: must be a mobile or landline number", field=field
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_phone_national(e164: str) -> str:
    """Display form of a stored E.164 number: "138 1234 5678", "0769 2234 5678". Numbers
    outside the mainland keep their country code ("+852 2123 4567"): a national form would
    mislead a caller here. Anything not E.164 raises phonenumbers.NumberParseException."""
    number = phonenumbers.parse(e164, None)
    if number.country_code == 86:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


# Dots people type for the middle dot of transliterated names (买买提·艾力).
_NAME_DOTS = re.compile(r"\s*[·•‧∙⋅・]\s*")
_HAN = r"[\u3400-\u9fff\U00020000-\U0003134f]"
_HAN_CHAR = re.compile(_HAN)
_CJK_DOT = re.compile(rf"(?<={_HAN})\s*\.\s*(?={_HAN})")
_JOINERS = frozenset({"\u200c", "\u200d"})  # zero-width (non-)joiners
_LINE_BREAKS = frozenset("\t\n\r\x85\u2028\u2029")
_NAME_PUNCTUATION = frozenset(" ·'’ʼ-‐.,")
NAME_MAX_CHARS = 80


def validate_name(text: str, *, field: str = "name", max_chars: int = NAME_MAX_CHARS) -> str:
    """A person's name as written: Chinese (with a middle dot between transliterated parts)
    or letters of any script with spaces, hyphens, apostrophes, dots and commas. Trimmed, inner
    spaces collapsed. `max_chars` is lower where the record keeps less (an organisation's manager)."""
    name = unicodedata.normalize("NFKC", text).strip()
    if has_hidden_chars(name):
        raise ValidationError(
            "姓名含有控制字符或不可见字符", "Name: contains control or invisible characters", field=field
        )
    name = " ".join(name.split())
    name = _CJK_DOT.sub("·", _NAME_DOTS.sub("·", name))
    if not name:
        raise ValidationError("姓名不能为空", "Name: this field is required", field=field)
    if len(name) > max_chars:
        raise ValidationError(
            f"姓名不能超过{max_chars}个字符", f"Name: at most {max_chars} characters", field=field
        )
    if not any(c.isalpha() for c in name):
        raise ValidationError(
            "姓名不能只有数字或符号", "Name: must contain letters, not only digits or symbols", field=field
        )
    # Names are letters (digits stay for test and placeholder names such as 租客1); `=`, `@`,
    # brackets, quotes, emoji and the like make a formula, a link or markup, never a name.
    bad = sorted({c for c in name if not _is_name_char(c)})
    if bad:
        shown = " ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
        raise ValidationError(f"姓名不能含有这些字符：{shown}", f"Name: cannot contain {shown}", field=field)
    return name


def _is_name_char(char: str) -> bool:
    category = unicodedata.category(char)
    if category[0] in "LMN" or category == "Co" or char in _NAME_PUNCTUATION or char in _JOINERS:
        return True  # Co: rare characters some input methods put in the private use area
    # Ideographs added to Unicode after this Python's tables (CJK extensions in planes 2 and 3).
    return category == "Cn" and 0x20000 <= ord(char) <= 0x3FFFF


def typed_text(
    value: str, *, max_chars: int, field: str, label: tuple[str, str], required: bool = False
) -> str:
    """What someone types into a box (a reason, a note, a visit's purpose), trimmed: line breaks
    pass; control and invisible characters are refused as in names; at most `max_chars`."""
    text = value.strip()
    zh, en = label
    if required and not text:
        raise ValidationError(f"{zh}不能为空", f"{en}: this field is required", field=field)
    if has_hidden_chars(text, line_breaks=True):
        raise ValidationError(
            f"{zh}含有控制字符或不可见字符", f"{en}: contains control or invisible characters", field=field
        )
    if len(text) > max_chars:
        raise ValidationError(
            f"{zh}不能超过 {max_chars} 个字符", f"{en}: at most {max_chars} characters", field=field
        )
    return text


def has_hidden_chars(text: str, *, line_breaks: bool = False) -> bool:
    """Whether `text` holds control characters, line separators or invisible format characters
    (zero-width spaces, right-to-left overrides, …) that make it look like another text.
    `line_breaks` allows tabs and line breaks, for free text whose reader makes them spaces
    (an address cell typed on two lines); a name never has them.

    Such text is refused, never stripped: U+202E reverses what follows it, so a stripped name
    would not be the one the person saw; a clear refusal lets them type it again. The one
    exception is a joiner between letters of a script that needs it to shape a word (Arabic,
    Indic); between Han or Latin letters it only hides a difference."""
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if line_breaks and char in _LINE_BREAKS:
            continue
        if category in ("Cc", "Cs", "Zl", "Zp"):
            return True
        if category == "Cf" and not (char in _JOINERS and _joins_letters(text, index)):
            return True
    return False


def _joins_letters(text: str, index: int) -> bool:
    if not 0 < index < len(text) - 1:
        return False
    return all(
        c.isalpha() and not c.isascii() and not _HAN_CHAR.match(c) and "LATIN" not in unicodedata.name(c, "")
        for c in (text[index - 1], text[index + 1])
    )
