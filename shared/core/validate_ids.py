"""证件号码 that carry data: GB 11643 numbers (resident identity cards, residence permits
for Hong Kong, Macao and Taiwan residents) and foreigners' permanent residence IDs.

We read the numbers ourselves and use python-stdnum only for its region table, because
`stdnum.cn.ric.validate()` refuses numbers real people carry (REFERENCE.md). Callers use
`shared.core.validate`, which dispatches on the document type and re-exports the public names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from shared.core.checkdigits import gb11643_check_char
from shared.core.errors import ValidationError
from shared.core.regions import is_known_region

ID_RESIDENT = "01"  # 居民身份证
ID_HMT_RESIDENCE_PERMIT = "02"  # 港澳台居民居住证
ID_FOREIGNER_PERMANENT = "03"  # 外国人永久居留身份证
ID_PASSPORT = "04"  # 护照
ID_HK_MACAO_PERMIT = "05"  # 港澳居民来往内地通行证
ID_TAIWAN_PERMIT = "06"  # 台湾居民来往大陆通行证
ID_TYPES = frozenset({"01", "02", "03", "04", "05", "06"})

# GB/T 2261.1
SEX_UNKNOWN, SEX_MALE, SEX_FEMALE, SEX_NOT_STATED = "0", "1", "2", "9"
SEX_CODES = frozenset({SEX_UNKNOWN, SEX_MALE, SEX_FEMALE, SEX_NOT_STATED})

EARLIEST_BIRTH = date(1900, 1, 1)

# GB/T 2260 province-level codes a resident identity card can start with.
MAINLAND_PROVINCES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
        "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    }
)  # fmt: skip
RESIDENT_PROVINCES = MAINLAND_PROVINCES | {"71"}
# Residence permits for Hong Kong, Macao and Taiwan residents carry these address codes only.
HMT_PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})

# ISO 3166-1 numeric codes of the nationalities most seen in Dongguan, to compare a 2023
# foreigner ID (numeric) with a declared alpha-3 nationality; others are not compared.
ISO_NUMERIC = {
    "AUS": "036", "BGD": "050", "BRA": "076", "MMR": "104", "KHM": "116", "CAN": "124",
    "FRA": "250", "DEU": "276", "IND": "356", "IDN": "360", "ITA": "380", "JPN": "392",
    "KOR": "410", "LAO": "418", "MYS": "458", "MEX": "484", "NLD": "528", "NZL": "554",
    "NGA": "566", "PAK": "586", "PHL": "608", "RUS": "643", "SGP": "702", "VNM": "704",
    "ZAF": "710", "ESP": "724", "THA": "764", "GBR": "826", "USA": "840",
}  # fmt: skip

ID_LABEL = ("证件号码", "Identity number")


@dataclass(frozen=True)
class ValidationWarning:
    """Something to check that does not stop the input (e.g. an unknown region code)."""

    message_zh: str
    message_en: str
    field: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


@dataclass(frozen=True)
class IdCheck:
    """What a valid document number says about its holder, read from the number itself."""

    number: str
    birth_date: date | None = None
    sex: str | None = None
    region_code: str | None = None
    warnings: tuple[ValidationWarning, ...] = ()
    nationality: str | None = None  # alpha-3 (2017 foreigner ID) or ISO numeric (2023)


def id_error(zh: str, en: str, field: str = "id_number") -> ValidationError:
    return ValidationError(f"{ID_LABEL[0]}{zh}", f"{ID_LABEL[1]}: {en}", field=field)


def normalise_number(text: str) -> str:
    """Full-width to ASCII (NFKC), digits of any script to 0–9, no whitespace anywhere, upper case."""
    folded = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    # A number is stored and compared as ASCII: ١٢٣ must not be a second spelling of 123.
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in folded)


def infer_id_type(number: str) -> str:
    """The document type of a number given without one (a blank cell in an import): a number
    with region code 810000, 820000 or 830000 is a 港澳台居民居住证 (GB 11643 layout, its region
    code names Hong Kong, Macao or Taiwan); any other is taken as a resident identity card."""
    return ID_HMT_RESIDENCE_PERMIT if normalise_number(number)[:6] in HMT_PERMIT_REGIONS else ID_RESIDENT


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() is also true of ¹ and ፩, which int() cannot read.
    return text.isascii() and text.isdigit()


def validate_birth_date(value: date, *, today: date) -> date:
    """A declared birth date: not in the future, not before 1900."""
    if value > today:
        raise ValidationError("出生日期不能晚于今天", "Birth date: cannot be after today", field="birth_date")
    if value < EARLIEST_BIRTH:
        raise ValidationError(
            "出生日期不能早于1900年", "Birth date: cannot be before 1900", field="birth_date"
        )
    return value


def check_citizen_number(id_type: str, text: str, today: date) -> IdCheck:
    """GB 11643 numbers: resident identity cards and residence permits for HK/Macao/Taiwan."""
    if id_type == ID_RESIDENT and len(text) == 15 and _is_ascii_digits(text):
        raise id_error(
            "为已停用的15位第一代身份证号码，请填写18位号码",
            "15-digit first-generation card numbers are no longer valid; enter the 18-digit number",
        )
    _check_mod11_2(text)
    region = text[:6]
    warnings: tuple[ValidationWarning, ...] = ()
    if id_type == ID_HMT_RESIDENCE_PERMIT:
        if region not in HMT_PERMIT_REGIONS:
            raise id_error(
                "有误：港澳台居民居住证号码以810000、820000或830000开头",
                "a residence permit for Hong Kong, Macao and Taiwan residents starts with "
                "810000, 820000 or 830000",
            )
    elif region in HMT_PERMIT_REGIONS:
        raise id_error(
            f"的地址码{region}属于港澳台居民居住证，请选择该证件类型",
            f"region code {region} belongs to residence permits for Hong Kong, Macao and Taiwan "
            "residents; choose that document type",
        )
    elif region[:2] not in RESIDENT_PROVINCES:
        raise id_error(f"的地址码{region}不属于任何省份", f"region code {region} is in no province")
    elif not is_known_region(region):
        warnings = (
            ValidationWarning(
                f"证件号码的地址码{region}不在行政区划代码表中，请核对",
                f"Identity number: region code {region} is not in the table of division codes; "
                "please check it",
                field="id_number",
            ),
        )
    born = _embedded_birth_date(text[6:14], today)
    return IdCheck(text, born, _sex_of(text[16]), region, warnings)


def check_foreigner_id(text: str, today: date) -> IdCheck:
    """外国人永久居留身份证, two layouts (REFERENCE.md, medium confidence):
    2023: 9 | province (2) | ISO numeric nationality (3) | YYYYMMDD | sequence (3, the last
    odd for men) | MOD 11-2 check. 2017: ISO alpha-3 nationality | place (4) | YYMMDD | 2
    digits, of which we check nothing (we could not confirm a check-digit rule)."""
    if len(text) == 18 and text.startswith("9"):
        _check_mod11_2(text)
        province = text[1:3]
        born = _embedded_birth_date(text[6:14], today)
        warnings: tuple[ValidationWarning, ...] = ()
        if province not in MAINLAND_PROVINCES:
            warnings = (
                ValidationWarning(
                    f"证件号码的受理地省级代码{province}不存在，请核对",
                    f"Identity number: {province} is not a province code; please check it",
                    field="id_number",
                ),
            )
        return IdCheck(text, born, _sex_of(text[16]), f"{province}0000", warnings, text[3:6])
    if re.fullmatch(r"[A-Z]{3}[0-9]{12}", text):
        born = _two_digit_year_birth_date(text[7:13], today)
        return IdCheck(text, born, nationality=text[:3])
    raise id_error(
        "有误：外国人永久居留身份证号码为以9开头的18位数字（2023版）或3个字母加12位数字（2017版）",
        "a foreigner's permanent residence ID is 18 digits starting with 9 (2023 version) "
        "or 3 letters and 12 digits (2017 version)",
    )


def _check_mod11_2(text: str) -> None:
    if len(text) != 18:
        raise id_error("应为18位", "must be 18 characters")
    if not (_is_ascii_digits(text[:17]) and (_is_ascii_digits(text[17]) or text[17] == "X")):
        raise id_error(
            "前17位应为数字，最后一位为数字或X", "the first 17 must be digits, the last a digit or X"
        )
    # GB 11643: ISO 7064 MOD 11-2
    if gb11643_check_char(text[:17]) != text[17]:
        raise id_error(
            "有误，请逐位核对（校验位错误）",
            "a digit is wrong, please check each one (the check character is wrong)",
        )


def _embedded_birth_date(yyyymmdd: str, today: date) -> date:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        raise id_error(
            f"：其中的出生日期{yyyymmdd}不是有效日期", f"the birth date {yyyymmdd} in it is not a real date"
        ) from None
    if born > today:
        raise id_error("：其中的出生日期晚于今天", "the birth date in it is after today")
    if born < EARLIEST_BIRTH:
        raise id_error("：其中的出生日期早于1900年", "the birth date in it is before 1900")
    return born


def _two_digit_year_birth_date(yymmdd: str, today: date) -> date:
    """The latest real date not after today that YYMMDD can mean (20YY, else 19YY)."""
    for century in (2000, 1900):
        try:
            born = date(century + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
        except ValueError:
            continue
        if born <= today:
            return born
    raise id_error(
        f"：其中的出生日期{yymmdd}不是有效日期", f"the birth date {yymmdd} in it is not a real date"
    )


def _sex_of(digit: str) -> str:
    # GB 11643: the last digit of the sequence code is odd for men, even for women.
    return SEX_MALE if int(digit) % 2 else SEX_FEMALE


def check_agreement(
    check: IdCheck, *, birth_date: date | None, sex: str | None, nationality: str | None
) -> None:
    if birth_date is not None and check.birth_date is not None and birth_date != check.birth_date:
        raise ValidationError(
            f"出生日期与证件号码不一致（号码中为{check.birth_date.isoformat()}）",
            f"Birth date: does not match the identity number (which says {check.birth_date.isoformat()})",
            field="birth_date",
        )
    if sex in (SEX_MALE, SEX_FEMALE) and check.sex is not None and sex != check.sex:
        zh, en = ("男", "male") if check.sex == SEX_MALE else ("女", "female")
        raise ValidationError(
            f"性别与证件号码不一致（号码中为{zh}）",
            f"Sex: does not match the identity number (which says {en})",
            field="sex",
        )
    if nationality and check.nationality and not _same_nationality(nationality, check.nationality):
        raise ValidationError(
            f"国籍与证件号码不一致（号码中为{check.nationality}）",
            f"Nationality: does not match the identity number (which says {check.nationality})",
            field="nationality",
        )


def _same_nationality(declared: str, encoded: str) -> bool:
    """Alpha-3 against alpha-3, numeric against numeric; a pair we cannot map counts as agreeing."""
    declared = declared.strip().upper()
    if declared.isdigit() == encoded.isdigit():
        return declared == encoded
    alpha, numeric = (encoded, declared) if declared.isdigit() else (declared, encoded)
    return ISO_NUMERIC.get(alpha, numeric) == numeric
