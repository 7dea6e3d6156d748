"""Validators: what people type is accepted, normalised, or refused with a message naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.checkdigits import USCC_ALPHABET, gb11643_check_char, uscc_check_char
from shared.core.errors import ValidationError
from shared.core.validate import (
    ID_FOREIGNER_PERMANENT,
    ID_HK_MACAO_PERMIT,
    ID_HMT_RESIDENCE_PERMIT,
    ID_PASSPORT,
    ID_RESIDENT,
    ID_TAIWAN_PERMIT,
    validate_birth_date,
    validate_id_number,
    validate_passport,
)
from shared.core.validate_phone import format_phone_national, validate_phone
from shared.core.validate_text import validate_name
from shared.core.validate_uscc import validate_uscc

TODAY = date(2026, 11, 25)


def cid(first17: str) -> str:
    """A GB 11643 number with its right check character."""
    return first17 + gb11643_check_char(first17)


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def wrong_last(number: str, alphabet: str = "0123456789X") -> str:
    return number[:-1] + next(c for c in alphabet if c != number[-1])


BEIJING_1949 = "11010519491231002X"
DONGGUAN_1975 = cid("44190019750315001")  # 东莞 441900 did not exist before 1988; such numbers do
TAIWAN_PERMIT = cid("83000019900101004")
HONG_KONG_1985 = cid("81000019850607003")
MACAO_1970 = cid("82000019700101002")
FOREIGNER_2023 = cid("94484019800101123")  # 9 | 44 | 840 | 19800101 | 123 | check


# --- identity numbers: accepted -------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "raw", "number", "birth_date", "sex", "region"),
    [
        (ID_RESIDENT, BEIJING_1949, BEIJING_1949, date(1949, 12, 31), "2", "110105"),
        (ID_RESIDENT, "11010519491231002x", BEIJING_1949, date(1949, 12, 31), "2", "110105"),
        (ID_RESIDENT, "  110105 19491231 002X \n", BEIJING_1949, date(1949, 12, 31), "2", "110105"),
        (
            ID_RESIDENT,
            "１１０１０５１９４９１２３１００２Ｘ",
            BEIJING_1949,
            date(1949, 12, 31),
            "2",
            "110105",
        ),
        (ID_RESIDENT, DONGGUAN_1975, DONGGUAN_1975, date(1975, 3, 15), "1", "441900"),
        (ID_HMT_RESIDENCE_PERMIT, TAIWAN_PERMIT, TAIWAN_PERMIT, date(1990, 1, 1), "2", "830000"),
        (ID_HMT_RESIDENCE_PERMIT, HONG_KONG_1985, HONG_KONG_1985, date(1985, 6, 7), "1", "810000"),
        (ID_HMT_RESIDENCE_PERMIT, MACAO_1970, MACAO_1970, date(1970, 1, 1), "2", "820000"),
        (ID_FOREIGNER_PERMANENT, FOREIGNER_2023, FOREIGNER_2023, date(1980, 1, 1), "1", "440000"),
        (ID_FOREIGNER_PERMANENT, "usa440080010112", "USA440080010112", date(1980, 1, 1), None, None),
        (ID_FOREIGNER_PERMANENT, "GBR440010050112", "GBR440010050112", date(2010, 5, 1), None, None),
        (ID_PASSPORT, " e 1234 5678 ", "E12345678", None, None, None),
        (ID_HK_MACAO_PERMIT, "h12345678", "H12345678", None, None, None),
        (ID_HK_MACAO_PERMIT, "M1234567801", "M1234567801", None, None, None),
        (ID_TAIWAN_PERMIT, "12345678", "12345678", None, None, None),
        (ID_TAIWAN_PERMIT, "1234567890（b）", "1234567890(B)", None, None, None),
    ],
)
def test_valid_id_numbers_are_normalised_and_read(
    id_type: str, raw: str, number: str, birth_date: date | None, sex: str | None, region: str | None
) -> None:
    check = validate_id_number(id_type, raw, today=TODAY)
    assert (check.number, check.birth_date, check.sex, check.region_code) == (number, birth_date, sex, region)
    assert check.warnings == ()


def test_declared_birth_date_sex_and_nationality_that_agree_are_accepted() -> None:
    check = validate_id_number(ID_RESIDENT, BEIJING_1949, birth_date=date(1949, 12, 31), sex="2", today=TODAY)
    assert check.number == BEIJING_1949
    validate_id_number(ID_FOREIGNER_PERMANENT, FOREIGNER_2023, nationality="usa", sex="1", today=TODAY)
    validate_id_number(ID_FOREIGNER_PERMANENT, FOREIGNER_2023, nationality="840", today=TODAY)
    validate_id_number(ID_FOREIGNER_PERMANENT, "USA440080010112", nationality="USA", today=TODAY)


@pytest.mark.parametrize("sex", ["0", "9"])
def test_unknown_or_unstated_sex_is_not_a_mismatch(sex: str) -> None:
    assert validate_id_number(ID_RESIDENT, BEIJING_1949, sex=sex, today=TODAY).sex == "2"


def test_nationality_outside_our_numeric_table_is_not_compared() -> None:
    """Fiji is not in the small ISO numeric table: the 2023 number cannot be checked against it."""
    validate_id_number(ID_FOREIGNER_PERMANENT, FOREIGNER_2023, nationality="FJI", today=TODAY)


def test_unknown_region_code_is_a_warning_not_an_error() -> None:
    number = cid("44099919800101001")
    check = validate_id_number(ID_RESIDENT, number, today=TODAY)
    assert check.number == number
    [warning] = check.warnings
    assert warning.field == "id_number"
    assert warning.message("en") == (
        "Identity number: region code 440999 is not in the table of division codes; please check it"
    )
    assert warning.message_zh == "证件号码的地址码440999不在行政区划代码表中，请核对"


def test_foreigner_id_with_unknown_province_is_a_warning() -> None:
    check = validate_id_number(ID_FOREIGNER_PERMANENT, cid("99984019800101123"), today=TODAY)
    assert [w.message_en for w in check.warnings] == [
        "Identity number: 99 is not a province code; please check it"
    ]


def test_today_defaults_to_the_real_date_at_the_outermost_api() -> None:
    assert validate_id_number(ID_RESIDENT, BEIJING_1949).birth_date == date(1949, 12, 31)


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
    region=st.sampled_from(["110105", "441900", "440300", "650102"]),
)
def test_any_well_formed_resident_number_reads_back(born: date, sequence: int, region: str) -> None:
    number = cid(f"{region}{born:%Y%m%d}{sequence:03d}")
    check = validate_id_number(ID_RESIDENT, number, today=TODAY)
    assert (check.birth_date, check.sex, check.warnings) == (born, "1" if sequence % 2 else "2", ())


# --- identity numbers: refused --------------------------------------------------------------

ID_REFUSALS: list[tuple[str, str, dict[str, Any], str, str]] = [
    (ID_RESIDENT, "", {}, "id_number", "Identity number: this field is required"),
    (ID_RESIDENT, "   ", {}, "id_number", "Identity number: this field is required"),
    (ID_RESIDENT, "11010519491231002", {}, "id_number", "Identity number: must be 18 characters"),
    (
        ID_RESIDENT,
        "11010519491231002A",
        {},
        "id_number",
        "Identity number: the first 17 must be digits, the last a digit or X",
    ),
    (
        ID_RESIDENT,
        "110105194912310021",
        {},
        "id_number",
        "Identity number: a digit is wrong, please check each one (the check character is wrong)",
    ),
    (
        ID_RESIDENT,
        "110105491231002",
        {},
        "id_number",
        "Identity number: 15-digit first-generation card numbers are no longer valid; "
        "enter the 18-digit number",
    ),
    (
        ID_RESIDENT,
        cid("11010519900230001"),
        {},
        "id_number",
        "Identity number: the birth date 19900230 in it is not a real date",
    ),
    (
        ID_RESIDENT,
        cid("11010520261126001"),
        {},
        "id_number",
        "Identity number: the birth date in it is after today",
    ),
    (
        ID_RESIDENT,
        cid("11010518991231001"),
        {},
        "id_number",
        "Identity number: the birth date in it is before 1900",
    ),
    (
        ID_RESIDENT,
        cid("99010519491231002"),
        {},
        "id_number",
        "Identity number: region code 990105 is in no province",
    ),
    (
        ID_RESIDENT,
        HONG_KONG_1985,
        {},
        "id_number",
        "Identity number: region code 810000 belongs to residence permits for Hong Kong, Macao and Taiwan "
        "residents; choose that document type",
    ),
    (
        ID_HMT_RESIDENCE_PERMIT,
        DONGGUAN_1975,
        {},
        "id_number",
        "Identity number: a residence permit for Hong Kong, Macao and Taiwan residents starts with "
        "810000, 820000 or 830000",
    ),
    (
        ID_RESIDENT,
        BEIJING_1949,
        {"birth_date": date(1949, 12, 30)},
        "birth_date",
        "Birth date: does not match the identity number (which says 1949-12-31)",
    ),
    (
        ID_RESIDENT,
        BEIJING_1949,
        {"sex": "1"},
        "sex",
        "Sex: does not match the identity number (which says female)",
    ),
    (
        ID_RESIDENT,
        DONGGUAN_1975,
        {"sex": "2"},
        "sex",
        "Sex: does not match the identity number (which says male)",
    ),
    (ID_RESIDENT, BEIJING_1949, {"sex": "F"}, "sex", "Sex: unknown code 'F'"),
    ("07", BEIJING_1949, {}, "id_type", "Document type: unknown code '07'"),
    (
        ID_FOREIGNER_PERMANENT,
        "USA44008001011",
        {},
        "id_number",
        "Identity number: a foreigner's permanent residence ID is 18 digits starting with 9 (2023 version) "
        "or 3 letters and 12 digits (2017 version)",
    ),
    (
        ID_FOREIGNER_PERMANENT,
        wrong_last(FOREIGNER_2023),
        {},
        "id_number",
        "Identity number: a digit is wrong, please check each one (the check character is wrong)",
    ),
    (
        ID_FOREIGNER_PERMANENT,
        "USA440080023012",
        {},
        "id_number",
        "Identity number: the birth date 800230 in it is not a real date",
    ),
    (
        ID_FOREIGNER_PERMANENT,
        FOREIGNER_2023,
        {"nationality": "GBR"},
        "nationality",
        "Nationality: does not match the identity number (which says 840)",
    ),
    (
        ID_FOREIGNER_PERMANENT,
        "USA440080010112",
        {"nationality": "GBR"},
        "nationality",
        "Nationality: does not match the identity number (which says USA)",
    ),
    (
        ID_FOREIGNER_PERMANENT,
        "USA440080010112",
        {"birth_date": date(2080, 1, 1)},
        "birth_date",
        "Birth date: does not match the identity number (which says 1980-01-01)",
    ),
    (ID_PASSPORT, "E123", {}, "id_number", "Identity number: a passport number has 5 to 17 characters"),
    (
        ID_PASSPORT,
        "E1234-5678",
        {},
        "id_number",
        "Identity number: a passport number has only letters and digits",
    ),
    (
        ID_HK_MACAO_PERMIT,
        "H1234567",
        {},
        "id_number",
        "Identity number: a home-return permit number is H or M followed by 8 or 10 digits",
    ),
    (
        ID_HK_MACAO_PERMIT,
        "X12345678",
        {},
        "id_number",
        "Identity number: a home-return permit number is H or M followed by 8 or 10 digits",
    ),
    (
        ID_TAIWAN_PERMIT,
        "1234567",
        {},
        "id_number",
        "Identity number: a Taiwan compatriot permit number is 8 digits (older ones: 10 digits, "
        "optionally with a letter in brackets such as (B))",
    ),
]


@pytest.mark.parametrize(("id_type", "raw", "declared", "field", "message_en"), ID_REFUSALS)
def test_bad_id_numbers_are_refused_naming_the_field(
    id_type: str, raw: str, declared: dict[str, Any], field: str, message_en: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(id_type, raw, today=TODAY, **declared)
    assert (caught.value.field, caught.value.message_en) == (field, message_en)


@pytest.mark.parametrize(
    ("raw", "message_zh"),
    [
        ("110105194912310021", "证件号码有误，请逐位核对（校验位错误）"),
        ("110105491231002", "证件号码为已停用的15位第一代身份证号码，请填写18位号码"),
        (cid("11010519900230001"), "证件号码：其中的出生日期19900230不是有效日期"),
    ],
)
def test_chinese_messages_name_the_field(raw: str, message_zh: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(ID_RESIDENT, raw, today=TODAY)
    assert caught.value.message_zh == message_zh


def test_passport_on_its_own_names_the_passport_field() -> None:
    assert validate_passport(" g1234567 ") == "G1234567"
    with pytest.raises(ValidationError) as caught:
        validate_passport("AB12")
    assert (caught.value.field, caught.value.message_en, caught.value.message_zh) == (
        "passport",
        "Passport number: a passport number has 5 to 17 characters",
        "护照号码应为5至17个字符",
    )


# --- birth dates ----------------------------------------------------------------------------


def test_birth_date_in_range_is_accepted() -> None:
    assert validate_birth_date(date(1900, 1, 1), today=TODAY) == date(1900, 1, 1)
    assert validate_birth_date(TODAY, today=TODAY) == TODAY


@pytest.mark.parametrize(
    ("value", "message_en"),
    [
        (date(2026, 11, 26), "Birth date: cannot be after today"),
        (date(1899, 12, 31), "Birth date: cannot be before 1900"),
    ],
)
def test_birth_date_out_of_range_is_refused(value: date, message_en: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_birth_date(value, today=TODAY)
    assert (caught.value.field, caught.value.message_en) == ("birth_date", message_en)


# --- unified social credit codes ------------------------------------------------------------

ENTERPRISE = uscc("91441900MA4UL1234")
VILLAGE_COLLECTIVE = uscc("N2441900MF0000017")
OTHER_AUTHORITY = uscc("Y1441900MB1234567")
PUBLIC_INSTITUTION = uscc("12441900456789012")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (ENTERPRISE, ENTERPRISE),
        (VILLAGE_COLLECTIVE, VILLAGE_COLLECTIVE),
        (OTHER_AUTHORITY, OTHER_AUTHORITY),
        (PUBLIC_INSTITUTION, PUBLIC_INSTITUTION),
        (f"  {ENTERPRISE[:8].lower()} {ENTERPRISE[8:].lower()} ", ENTERPRISE),
        (f"{ENTERPRISE[:8]}-{ENTERPRISE[8:]}", ENTERPRISE),  # as printed on some licences
        (f"{ENTERPRISE[:8]} － {ENTERPRISE[8:].lower()}", ENTERPRISE),
    ],
)
def test_valid_uscc_is_normalised(raw: str, expected: str) -> None:
    assert validate_uscc(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message_en"),
    [
        ("", "Unified social credit code: this field is required"),
        (ENTERPRISE[:17], "Unified social credit code: must be 18 characters"),
        (wrong_last(ENTERPRISE, USCC_ALPHABET), "Unified social credit code: the check character is wrong"),
        (
            wrong_last(VILLAGE_COLLECTIVE, USCC_ALPHABET),
            "Unified social credit code: the check character is wrong",
        ),
        *[
            (
                ENTERPRISE[:9] + letter + ENTERPRISE[10:],
                f"Unified social credit code: {letter} not allowed "
                "(only digits and capital letters except I, O, S, V and Z)",
            )
            for letter in "IOSVZ"
        ],
        (
            uscc("B1441900MA4UL1234"),
            "Unified social credit code: B is not a registering authority (position 1)",
        ),
        (
            uscc("95441900MA4UL1234"),
            "Unified social credit code: 5 is not an entity type of registering authority 9 (position 2)",
        ),
        (
            uscc("N4441900MF0000017"),
            "Unified social credit code: 4 is not an entity type of registering authority N (position 2)",
        ),
        (
            uscc("91A41900MA4UL1234"),
            "Unified social credit code: positions 3 to 8 (division code) must be digits",
        ),
    ],
)
def test_bad_uscc_is_refused(raw: str, message_en: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(raw)
    assert (caught.value.field, caught.value.message_en) == ("uscc", message_en)


def test_uscc_chinese_message() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(wrong_last(ENTERPRISE, USCC_ALPHABET))
    assert caught.value.message_zh == "统一社会信用代码校验位错误"


@given(body=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
def test_any_village_collective_code_with_its_check_character_is_accepted(body: str) -> None:
    code = uscc(f"N2441900{body}")
    assert validate_uscc(code) == code


# --- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("+8613812345678", "+8613812345678"),
        ("0086 138 1234 5678", "+8613812345678"),
        ("１３８１２３４５６７８", "+8613812345678"),
        ("19912345678", "+8619912345678"),
        ("0769-22345678", "+8676922345678"),
        ("(0769)22345678", "+8676922345678"),
        ("076922345678", "+8676922345678"),
        ("0769 2234 5678", "+8676922345678"),
        ("+86 769 2234 5678", "+8676922345678"),
        ("020-12345678", "+862012345678"),
        ("+852 2123 4567", "+85221234567"),
        ("00852 2123 4567", "+85221234567"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_valid_phones_are_stored_as_e164(raw: str, e164: str) -> None:
    assert validate_phone(raw) == e164


INVALID_PHONE = (
    "Phone number: not a valid number (landlines need the area code, e.g. 0769-22345678; "
    "numbers outside the mainland start with + and the country code)"
)


@pytest.mark.parametrize(
    ("raw", "message_en"),
    [
        ("", "Phone number: this field is required"),
        ("12345", INVALID_PHONE),
        # a mobile with a digit missing or one too many is told so, not the landline advice
        ("1381234567", "Phone number: a mobile number has 11 digits (this one has 10)"),
        ("138123456789", "Phone number: a mobile number has 11 digits (this one has 12)"),
        ("+86 138 1234 567", "Phone number: a mobile number has 11 digits (this one has 10)"),
        # the country code typed without its +
        ("86 1381234567", "Phone number: a mobile number has 11 digits (this one has 10)"),
        ("86 138123456789", "Phone number: a mobile number has 11 digits (this one has 12)"),
        ("86123", INVALID_PHONE),
        ("0769-123", INVALID_PHONE),
        ("22345678", INVALID_PHONE),  # a landline without its area code
        ("21234567", INVALID_PHONE),  # a Hong Kong number without +852
        # a letter or a word typed in is named as such, not met with the landline advice
        ("call 13812345678", "Phone number: digits only (spaces and - are fine)"),
        ("138abc80000", "Phone number: digits only (spaces and - are fine)"),
        ("138 0013 8000 张", "Phone number: digits only (spaces and - are fine)"),
        ("4008123123", "Phone number: must be a mobile or landline number"),
    ],
)
def test_bad_phones_are_refused(raw: str, message_en: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_phone(raw, field="owner_phone")
    assert (caught.value.field, caught.value.message_en) == ("owner_phone", message_en)


def test_phone_message_in_chinese() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_phone("0769-123")
    assert caught.value.field == "phone"
    assert caught.value.message_zh.startswith("电话号码无效")


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+8613812345678", "138 1234 5678"),
        ("+8676922345678", "0769 2234 5678"),
        ("+862012345678", "020 1234 5678"),
        ("+85221234567", "+852 2123 4567"),
    ],
)
def test_phones_are_shown_in_national_form(e164: str, shown: str) -> None:
    assert format_phone_national(e164) == shown


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        ("  张三 ", "张三"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提 · 艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("买买提.艾力", "买买提·艾力"),
        ("John O'Brien-Smith", "John O'Brien-Smith"),
        ("John   O'Brien-Smith\n", "John O'Brien-Smith"),
        ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("张" * 80, "张" * 80),
    ],
)
def test_valid_names_are_tidied(raw: str, expected: str) -> None:
    assert validate_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message_en"),
    [
        ("", "Name: this field is required"),
        ("   ", "Name: this field is required"),
        ("123", "Name: must contain letters, not only digits or symbols"),
        ("- ' ·", "Name: must contain letters, not only digits or symbols"),
        ("张\x00三", "Name: contains control or invisible characters"),
        ("张三\t李四", "Name: contains control or invisible characters"),
        ("张\u200b三", "Name: contains control or invisible characters"),
        ("张\u202e三", "Name: contains control or invisible characters"),
        ("张" * 81, "Name: at most 80 characters"),
    ],
)
def test_bad_names_are_refused(raw: str, message_en: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_name(raw, field="owner_name")
    assert (caught.value.field, caught.value.message_en) == ("owner_name", message_en)


def test_name_message_in_chinese() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_name("123")
    assert (caught.value.field, caught.value.message_zh) == ("name", "姓名不能只有数字或符号")
