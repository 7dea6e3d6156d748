"""Comparison rules about the people declared: their documents, phones, ages and visas.

Each rule is named as the rule id its findings carry. They read only the declaration (and, for
a minor's household, the room's current residents), so the forms already refuse most of what
they find; they matter for payloads that came another way (uploads, corrections, older rules)
and when `recheck` re-reads a declaration days later (a visa that has expired since).
"""

from __future__ import annotations

from collections import defaultdict

from shared.core.errors import ValidationError
from shared.core.validate import ID_PASSPORT, SEX_FEMALE, SEX_MALE
from shared.core.validate_phone import validate_phone
from shared.declarations.fields import age_on
from shared.declarations.inputs import CHINESE_NATIONALITIES, FOREIGNER_ID_TYPES, RentalInput, ResidenceInput
from shared.models import Finding, Severity
from shared.rules.base import ADULT_AGE, DeclarationCheck, Subject, finding

# Field names the validators put at the front of their messages; `finding` names the field itself.
_LABELS_ZH = ("证件号码", "证件类型", "电话号码", "出生日期", "性别", "国籍")
_LABELS_EN = (
    "Identity number: ",
    "Document type: ",
    "Phone number: ",
    "Birth date: ",
    "Sex: ",
    "Nationality: ",
)


def id_number_valid(check: DeclarationCheck) -> list[Finding]:
    """证件号码: every document number of the declaration (people, landlord, declarant) is well
    formed: GB 11643 numbers (resident identity cards, HK/Macao/Taiwan residence permits) with
    their ISO 7064 MOD 11-2 check and embedded birth date, the foreigner's permanent residence
    ID, the permits' patterns, passports. A region code missing from GB/T 2260 is a warning only:
    codes are kept for life, so old ones are real (REFERENCE.md)."""
    found: list[Finding] = []
    for path, id_type, number in _documents(check):
        result = check.read_document(id_type, number)
        if isinstance(result, ValidationError):
            field = f"{path}.{result.field or 'id_number'}"
            found.append(finding("id_number_valid", Severity.ERROR, field, *_reason(result)))
            continue
        for warning in result.warnings:
            zh, en = _strip(warning.message_zh, warning.message_en)
            found.append(finding("id_number_valid", Severity.WARNING, f"{path}.id_number", zh, en))
    return found


def id_matches_birth_sex(check: DeclarationCheck) -> list[Finding]:
    """The declared birth date and sex agree with the document number: GB 11643 numbers carry
    the birth date (positions 7–14) and the sex (position 17: odd for men, even for women)."""
    found: list[Finding] = []
    for subject in check.subjects:
        person = subject.person
        number = check.read_document(person.id_type, person.id_number)
        if isinstance(number, ValidationError):
            continue  # a number that does not read is id_number_valid's finding
        if number.birth_date is not None and person.birth_date != number.birth_date:
            said = number.birth_date.isoformat()
            found.append(
                finding(
                    "id_matches_birth_sex",
                    Severity.ERROR,
                    subject.field("birth_date"),
                    f"与证件号码不一致（号码中为{said}）",
                    f"does not match the identity number (which says {said})",
                )
            )
        if person.sex in (SEX_MALE, SEX_FEMALE) and number.sex is not None and person.sex != number.sex:
            zh, en = ("男", "male") if number.sex == SEX_MALE else ("女", "female")
            found.append(
                finding(
                    "id_matches_birth_sex",
                    Severity.ERROR,
                    subject.field("sex"),
                    f"与证件号码不一致（号码中为{zh}）",
                    f"does not match the identity number (which says {en})",
                )
            )
    return found


def phone_valid(check: DeclarationCheck) -> list[Finding]:
    """联系电话: a mainland mobile or landline, or a number abroad with its country code, as
    phonenumbers knows them (stored E.164). Adults must give one; under-18s may not have a phone
    (an adult's missing phone is a warning: the officer can still reach the household)."""
    found: list[Finding] = []
    phones: list[tuple[str, str | None, bool]] = [
        (s.field("phone"), s.person.phone, age_on(s.person.birth_date, check.version_on) >= ADULT_AGE)
        for s in check.subjects
    ]
    party = check.declared.party
    if party is not None:
        phones.append((f"{party.path}.phone", party.phone, True))
    data = check.declared.data
    if not isinstance(data, ResidenceInput | RentalInput):
        phones.append(("phone", data.phone, True))
    for field, phone, is_needed in phones:
        if not phone:
            if is_needed:
                found.append(
                    finding(
                        "phone_valid",
                        Severity.WARNING,
                        field,
                        "未填写（成年人应留联系电话）",
                        "missing (an adult must give a phone number)",
                    )
                )
            continue
        try:
            validate_phone(phone)
        except ValidationError as error:
            found.append(finding("phone_valid", Severity.ERROR, field, *_reason(error)))
    return found


def foreigner_passport_visa(check: DeclarationCheck) -> list[Finding]:
    """外国人: a foreign national (not Chinese, Hong Kong, Macao or Taiwan) registers with a
    passport or a permanent residence ID; a passport holder lives here on a visa or residence
    permit, whose expiry we need and which must not have passed (出境入境管理法 第四十三条:
    staying beyond it is illegal residence). Permanent residents need no visa."""
    found: list[Finding] = []
    for subject in check.current_subjects():
        person = subject.person
        if person.nationality in CHINESE_NATIONALITIES:
            continue
        if person.id_type not in FOREIGNER_ID_TYPES:
            found.append(
                finding(
                    "foreigner_passport_visa",
                    Severity.ERROR,
                    subject.field("id_type"),
                    "外国籍人员应以护照或外国人永久居留身份证登记",
                    "a foreign national registers with a passport or a permanent residence ID",
                )
            )
        elif person.id_type == ID_PASSPORT and person.visa_expiry is None:
            found.append(
                finding(
                    "foreigner_passport_visa",
                    Severity.ERROR,
                    subject.field("visa_expiry"),
                    "持护照的外国籍人员须填写签证或居留许可有效期",
                    "a foreign national with a passport must give the visa or residence permit expiry",
                )
            )
        elif person.id_type == ID_PASSPORT and person.visa_expiry and person.visa_expiry < check.today:
            said = person.visa_expiry.isoformat()
            found.append(
                finding(
                    "foreigner_passport_visa",
                    Severity.ERROR,
                    subject.field("visa_expiry"),
                    f"已于{said}到期，可能逾期居留",
                    f"expired on {said}: the person may be overstaying",
                )
            )
    return found


def minor_without_adult(check: DeclarationCheck) -> list[Finding]:
    """未成年人: a minor (under 18, 民法典 第十七条) declared in a room where nobody adult lives:
    not among the people declared with them, nor among the room's current residents. Parents
    may not let a child live apart from guardianship (未成年人保护法); the officer visits."""
    found: list[Finding] = []
    by_room: dict[int, list[Subject]] = defaultdict(list)
    for subject in check.current_subjects():
        by_room[subject.room_id].append(subject)
    for room_id, people in by_room.items():
        minors = [s for s in people if age_on(s.person.birth_date, check.today) < ADULT_AGE]
        if not minors or len(minors) < len(people):
            continue
        if any(age_on(o.birth_date, check.today) >= ADULT_AGE for o in check.records.occupants(room_id)):
            continue
        count = len(minors)
        found.append(
            finding(
                "minor_without_adult",
                Severity.WARNING,
                minors[0].field("birth_date"),
                f"未满18周岁，同住人员中没有成年人（未成年人{count}名）",
                f"under 18, and no adult lives in the room ({count} minor{'s' * (count != 1)})",
            )
        )
    return found


def _documents(check: DeclarationCheck) -> list[tuple[str, str, str]]:
    """(field path prefix, document type, number) of everyone in the declaration."""
    documents = [(s.path, s.person.id_type, s.person.id_number) for s in check.subjects]
    party = check.declared.party
    if party is not None:
        documents.append((party.path, party.id_type, party.id_number))
    return documents


def _reason(error: ValidationError) -> tuple[str, str]:
    return _strip(error.message_zh, error.message_en)


def _strip(zh: str, en: str) -> tuple[str, str]:
    """A validator's message without the field name it starts with."""
    for label in _LABELS_ZH:
        if zh.startswith(label) and len(zh) > len(label):
            zh = zh.removeprefix(label).removeprefix("：")
            break
    for label in _LABELS_EN:
        if en.startswith(label):
            en = en.removeprefix(label)
            break
    return zh, en
