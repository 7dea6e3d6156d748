"""信息自动分析、比对: each comparison rule fires where it should and stays quiet where it should
not; findings name their field in both languages; submitting runs the rules; `recheck` follows
the records as they change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shared.cli.main import main
from shared.core.checkdigits import gb11643_check_char
from shared.core.clock import CHINA_TZ, local_today
from shared.core.errors import DomainError
from shared.declarations.forms import validate_organisation, validate_rental, validate_residence
from shared.declarations.inputs import (
    DeclarationInput,
    OrganisationInput,
    PersonInput,
    RentalInput,
    ResidenceInput,
    to_payload,
)
from shared.models import (
    AuditLog,
    Building,
    Declaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    DoorPlate,
    Finding,
    Person,
    RecordStatus,
    Residence,
    Room,
    Severity,
)
from shared.rules import checks as rules
from shared.rules import dates as rules_dates
from shared.rules import people as rules_people
from shared.rules import records as rules_records
from shared.rules.base import (
    DeclarationCheck,
    RuleSettings,
    field_name,
    load_rule_settings,
    read_declared,
    working_days_after,
)
from shared.rules.lookup import Records
from shared.rules.recheck import RECHECKED, recheck_all
from shared.self_service.receipts import resubmit
from shared.self_service.submit import COMPARISON_RULES, submit_rental, submit_residence
from tests.factories import (
    CHILD_ID,
    LANDLORD_ID,
    TENANT_ID,
    declarant_fields,
    make_building,
    make_grid,
    make_id_number,
    make_organisation,
    make_person,
    make_plate,
    make_room,
    make_uscc,
    organisation_fields,
    person_fields,
    rental_fields,
    residence_fields,
    tenant_fields,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday, 10:00 in Mayong
TODAY = date(2026, 11, 25)
ON_TIME = date(2026, 11, 23)  # Monday: two working days before TODAY
PLATE = "4419001262000001"


@dataclass
class Town:
    """One plate with a building owned by the landlord: 101 let (20 m²), 102 not let (12 m²),
    201 let with no recorded area; and a room at another plate."""

    plate: DoorPlate
    building: Building
    owner: Person
    rooms: dict[str, Room]
    elsewhere: Room


@pytest.fixture
def town(session: Session) -> Town:
    owner = make_person(session, name="陈大文", id_number=LANDLORD_ID)
    plate = make_plate(session, code=PLATE, grid=make_grid(session, code="G-MY-01"))
    building = make_building(session, plate=plate, name="A栋", owner=owner)
    rooms = {
        "101": make_room(session, building=building, number="101", area_m2=20.0, is_rental=True),
        "102": make_room(session, building=building, number="102", area_m2=12.0, is_rental=False),
        "201": make_room(session, building=building, number="201", area_m2=None, is_rental=True),
    }
    elsewhere = make_room(session, number="301", is_rental=True)
    session.commit()
    return Town(plate, building, owner, rooms, elsewhere)


# -- helpers -------------------------------------------------------------------------------------


def residence(room: Room, **fields: Any) -> ResidenceInput:
    """A tenant's own, clean residence in `room`, moved in on time; override any field."""
    return validate_residence(residence_fields(room.id, **{"move_in": ON_TIME, **fields}), today=TODAY)


def tenant(room: Room, **person: Any) -> dict[str, Any]:
    return {**tenant_fields(room.id, **person), "move_in": ON_TIME}


def rental(rooms: list[Room], **fields: Any) -> RentalInput:
    return validate_rental(rental_fields([r.id for r in rooms], **fields), today=TODAY)


def someone_else() -> dict[str, Any]:
    """Person fields of another adult (born 1980-01-01); birth date and sex read from the number."""
    return {"id_number": make_id_number(), "birth_date": "", "sex": "", "name": "王小明"}


def with_person(data: ResidenceInput, **changes: Any) -> ResidenceInput:
    return replace(data, person=replace(data.person, **changes))


def foreigner(**changes: Any) -> PersonInput:
    values: dict[str, Any] = {
        "name": "John Smith", "sex": "1", "ethnicity": None, "birth_date": date(1985, 3, 12), "id_type": "04",
        "id_number": "E12345678", "nationality": "USA", "hukou_address": "", "education": None,
        "phone": "+8613800138001", "employer": "", "relation": "self", "visa_expiry": date(2027, 3, 1),
    }  # fmt: skip
    values.update(changes)
    return PersonInput(**values)


KINDS = {
    ResidenceInput: DeclarationKind.RESIDENCE,
    RentalInput: DeclarationKind.RENTAL,
    OrganisationInput: DeclarationKind.ORGANISATION,
}


def check_of(
    session: Session,
    data: DeclarationInput,
    *,
    plate_code: str = PLATE,
    declaration_id: int = 0,
    now: datetime = NOW,
    submitted_at: datetime | None = None,
    settings: RuleSettings | None = None,
) -> DeclarationCheck:
    declared = read_declared(
        declaration_id=declaration_id, kind=KINDS[type(data)], plate_code=plate_code, payload=to_payload(data)
    )
    return rules.build_check(
        declared,
        records=Records(session, today=local_today(now)),
        settings=settings or RuleSettings(),
        now=now,
        version_at=now,
        submitted_at=submitted_at or now,
    )


def found(rule: Any, check: DeclarationCheck) -> list[tuple[str, str | None]]:
    """(severity, field) of a rule's findings, after checking each names its rule and field."""
    results = rule(check)
    for item in results:
        assert item.rule == rule.__name__
        assert_names_field(item)
    return [(item.severity.value, item.field) for item in results]


def assert_names_field(item: Finding) -> None:
    if item.field is None:
        assert "门牌" in item.message_zh and "plate" in item.message_en.lower()
        return
    assert item.message_zh.startswith(f"{field_name(item.field)}："), item.message_zh
    assert item.message_en.startswith(f"{field_name(item.field, 'en')}: "), item.message_en


def make_residence(session: Session, person: Person, room: Room, *, until: date | None = None) -> Residence:
    stay = Residence(person_id=person.id, room_id=room.id, since=date(2025, 3, 1), until=until, reason="11")
    session.add(stay)
    session.flush()
    return stay


def findings_of(session: Session, declaration: Declaration) -> list[str]:
    return sorted(session.scalars(select(Finding.rule).where(Finding.declaration_id == declaration.id)))


def events_of(session: Session, declaration: Declaration) -> list[tuple[str, str]]:
    rows = session.execute(
        select(DeclarationEvent.action, DeclarationEvent.note)
        .where(DeclarationEvent.declaration_id == declaration.id)
        .order_by(DeclarationEvent.id)
    )
    return [(action, note) for action, note in rows]


def declare(session: Session, data: ResidenceInput, key: str, *, now: datetime = NOW) -> Declaration:
    declaration = submit_residence(session, plate_code=PLATE, data=data, idempotency_key=key, now=now)
    session.commit()
    return declaration


# -- every rule ----------------------------------------------------------------------------------


def test_every_rule_is_named_labelled_and_registered() -> None:
    names = [rule.__name__ for rule in rules.RULES]
    assert names == list(rules.RULE_LABELS)
    assert all(rule.__doc__ for rule in rules.RULES)
    assert [rules.check_declaration] == COMPARISON_RULES


def test_a_clean_residence_and_rental_have_no_findings(session: Session, town: Town) -> None:
    for data in (residence(town.rooms["101"]), rental([town.rooms["101"]])):
        assert [f.rule for f in rules.evaluate(check_of(session, data), now=NOW).findings] == []


# -- plate and rooms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plate_state", "expected"),
    [("active", []), ("retired", [("error", None)]), ("missing", [("error", None)])],
)
def test_plate_active(session: Session, town: Town, plate_state: str, expected: list[Any]) -> None:
    if plate_state == "retired":
        town.plate.status = RecordStatus.RETIRED
    code = "NO-SUCH-PLATE" if plate_state == "missing" else PLATE
    assert found(
        rules_records.plate_active, check_of(session, residence(town.rooms["101"]), plate_code=code)
    ) == (expected)


@pytest.mark.parametrize("change", ["none", "room retired", "building retired", "other plate", "missing"])
def test_room_active(session: Session, town: Town, change: str) -> None:
    room = town.elsewhere if change == "other plate" else town.rooms["101"]
    data = residence(town.rooms["101"])
    data = replace(data, room_id=room.id if change != "missing" else 999_999)
    if change == "room retired":
        room.status = RecordStatus.RETIRED
    if change == "building retired":
        town.building.status = RecordStatus.RETIRED
    session.flush()
    expected = [] if change == "none" else [("error", "room_id")]
    assert found(rules_records.room_active, check_of(session, data)) == expected


def test_room_active_names_each_let_room_once(session: Session, town: Town) -> None:
    gone = make_room(session, building=town.building, number="301", status=RecordStatus.RETIRED)
    data = rental([town.rooms["101"], gone], tenants=[tenant(gone)])
    assert found(rules_records.room_active, check_of(session, data)) == [("error", "room_ids[1]")]


# -- documents and phones ------------------------------------------------------------------------

BAD_CHECK = TENANT_ID[:-1] + ("1" if TENANT_ID[-1] != "1" else "2")
UNKNOWN_REGION = make_id_number("449999", "19900115", "011")


@pytest.mark.parametrize(
    ("where", "number", "expected", "zh", "en"),
    [
        ("person", TENANT_ID, [], "", ""),
        ("person", BAD_CHECK, [("error", "person.id_number")], "校验位错误", "the check character is wrong"),
        ("family", BAD_CHECK, [("error", "family[0].id_number")], "校验位错误", "check character"),
        ("person", "12345", [("error", "person.id_number")], "应为18位", "must be 18 characters"),
        ("person", UNKNOWN_REGION, [("warning", "person.id_number")], "地址码449999", "region code 449999"),
    ],
)
def test_id_number_valid(
    session: Session, town: Town, where: str, number: str, expected: list[Any], zh: str, en: str
) -> None:
    data = residence(town.rooms["101"])
    if where == "person":
        data = with_person(data, id_number=number)
    else:
        child = validate_residence(
            residence_fields(1, person=person_fields(id_number=CHILD_ID, birth_date="", sex="", phone="")),
            today=TODAY,
        ).person
        data = replace(data, family=(replace(child, id_number=number, relation="child"),))
    check = check_of(session, data)
    assert found(rules_people.id_number_valid, check) == expected
    for item in rules_people.id_number_valid(check):
        assert zh in item.message_zh and en in item.message_en
        assert "证件号码：证件号码" not in item.message_zh  # the field is named once


def test_a_landlords_bad_document_is_found(session: Session, town: Town) -> None:
    data = rental([town.rooms["101"]])
    data = replace(data, landlord=replace(data.landlord, id_number=LANDLORD_ID[:-1] + "0"))
    assert found(rules_people.id_number_valid, check_of(session, data)) == [("error", "landlord.id_number")]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"birth_date": date(1990, 1, 16)}, [("error", "person.birth_date")]),
        ({"sex": "2"}, [("error", "person.sex")]),
        ({"sex": "9"}, []),  # 未说明: nothing to compare
        (
            {"birth_date": date(1991, 1, 15), "sex": "2"},
            [("error", "person.birth_date"), ("error", "person.sex")],
        ),
        ({"id_number": BAD_CHECK, "sex": "2"}, []),  # an unreadable number is id_number_valid's finding
    ],
)
def test_id_matches_birth_sex(
    session: Session, town: Town, changes: dict[str, Any], expected: list[Any]
) -> None:
    data = with_person(residence(town.rooms["101"]), **changes)
    assert found(rules_people.id_matches_birth_sex, check_of(session, data)) == expected


def test_id_matches_birth_sex_message_says_what_the_number_says(session: Session, town: Town) -> None:
    data = with_person(residence(town.rooms["101"]), birth_date=date(1990, 1, 16), sex="2")
    messages = [
        (f.message_zh, f.message_en) for f in rules_people.id_matches_birth_sex(check_of(session, data))
    ]
    assert messages == [
        ("本人 · 出生日期：与证件号码不一致（号码中为1990-01-15）",
         "You · Birth date: does not match the identity number (which says 1990-01-15)"),
        ("本人 · 性别：与证件号码不一致（号码中为男）",
         "You · Sex: does not match the identity number (which says male)"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("phone", "birth", "expected"),
    [
        ("+8613800138000", date(1990, 1, 15), []),
        ("+8607692234567", date(1990, 1, 15), [("error", "person.phone")]),
        ("12345", date(1990, 1, 15), [("error", "person.phone")]),
        (None, date(1990, 1, 15), [("warning", "person.phone")]),
        (None, date(2010, 5, 1), []),  # a minor may have no phone
    ],
)
def test_phone_valid(
    session: Session, town: Town, phone: str | None, birth: date, expected: list[Any]
) -> None:
    data = with_person(residence(town.rooms["101"]), phone=phone, birth_date=birth)
    assert found(rules_people.phone_valid, check_of(session, data)) == expected


def test_phone_valid_checks_landlord_declarant_and_organisation(session: Session, town: Town) -> None:
    let = rental([town.rooms["101"]])
    let = replace(let, landlord=replace(let.landlord, phone="+86123"))
    assert found(rules_people.phone_valid, check_of(session, let)) == [("error", "landlord.phone")]
    shop = validate_organisation(organisation_fields(), today=TODAY)
    shop = replace(shop, phone="555", declarant=replace(shop.declarant, phone=""))
    assert found(rules_people.phone_valid, check_of(session, shop)) == [
        ("warning", "declarant.phone"),
        ("error", "phone"),
    ]


def permanent_id() -> str:
    first17 = "944840" + "19850312" + "011"  # 2023 layout: 9, province, USA 840, birth, sequence
    return first17 + gb11643_check_char(first17)


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (foreigner(), []),
        (foreigner(visa_expiry=None), [("error", "person.visa_expiry")]),
        (foreigner(visa_expiry=date(2026, 11, 24)), [("error", "person.visa_expiry")]),
        (foreigner(id_type="03", id_number=permanent_id(), visa_expiry=None), []),
        (foreigner(id_type="01", id_number=TENANT_ID), [("error", "person.id_type")]),
        (foreigner(nationality="HKG", id_type="05", id_number="H12345678", visa_expiry=None), []),
    ],
    ids=["passport and visa", "no visa", "visa expired", "permanent resident", "resident card", "Hong Kong"],
)
def test_foreigner_passport_visa(
    session: Session, town: Town, person: PersonInput, expected: list[Any]
) -> None:
    data = replace(residence(town.rooms["101"]), person=person)
    assert found(rules_people.foreigner_passport_visa, check_of(session, data)) == expected


def test_a_visa_that_runs_out_while_waiting_is_found_later(session: Session, town: Town) -> None:
    data = replace(residence(town.rooms["101"]), person=foreigner(visa_expiry=date(2026, 12, 31)))
    assert found(rules_people.foreigner_passport_visa, check_of(session, data)) == []
    later = check_of(session, data, now=datetime(2027, 1, 2, tzinfo=UTC), submitted_at=NOW)
    assert found(rules_people.foreigner_passport_visa, later) == [("error", "person.visa_expiry")]


# -- household -----------------------------------------------------------------------------------


def child_tenant(room: Room) -> dict[str, Any]:
    return tenant(room, name="李小红", id_number=CHILD_ID, birth_date="", sex="", phone="", education="")


@pytest.mark.parametrize(
    ("household", "expected"),
    [
        ("child alone", [("warning", "tenants[0].person.birth_date")]),
        ("child with a declared adult", []),
        ("child with an adult already living there", []),
        ("child with a minor already living there", [("warning", "tenants[0].person.birth_date")]),
        ("adult alone", []),
    ],
)
def test_minor_without_adult(session: Session, town: Town, household: str, expected: list[Any]) -> None:
    room = town.rooms["201"]
    tenants = [child_tenant(room)] if household != "adult alone" else [tenant(room)]
    if household == "child with a declared adult":
        tenants.append(tenant(room))
    if household.endswith("already living there"):
        born = "19800101" if "adult" in household else "20150101"
        make_residence(session, make_person(session, id_number=make_id_number("430102", born)), room)
    data = rental([room], tenants=tenants)
    assert found(rules_people.minor_without_adult, check_of(session, data)) == expected


def test_a_child_in_the_tenants_family_is_not_alone(session: Session, town: Town) -> None:
    child = validate_residence(
        residence_fields(1, person=person_fields(id_number=CHILD_ID, birth_date="", sex="", phone="")),
        today=TODAY,
    ).person
    data = replace(residence(town.rooms["101"]), family=(replace(child, relation="child"),))
    assert found(rules_people.minor_without_adult, check_of(session, data)) == []


# -- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 11, 20), date(2026, 11, 25), 3),  # Fri → Wed: Mon, Tue, Wed
        (date(2026, 11, 19), date(2026, 11, 25), 4),
        (date(2026, 11, 21), date(2026, 11, 22), 0),  # Sat → Sun
        (date(2026, 11, 25), date(2026, 11, 25), 0),
        (date(2026, 11, 26), date(2026, 11, 25), 0),
        (date(2026, 10, 25), date(2026, 11, 25), 23),
    ],
)
def test_working_days_after(start: date, end: date, count: int) -> None:
    assert working_days_after(start, end) == count


@pytest.mark.parametrize(
    ("move_in", "settings", "expected"),
    [
        (date(2026, 11, 20), RuleSettings(), []),
        (date(2026, 11, 19), RuleSettings(), [("warning", "move_in")]),
        (date(2026, 11, 1), RuleSettings(), [("warning", "move_in")]),
        (date(2026, 11, 1), RuleSettings(late_working_days=30), []),
        (date(2026, 12, 5), RuleSettings(), []),  # declared ahead of moving in
    ],
)
def test_late_declaration(
    session: Session, town: Town, move_in: date, settings: RuleSettings, expected: list[Any]
) -> None:
    data = residence(town.rooms["101"], move_in=move_in)
    assert found(rules_dates.late_declaration, check_of(session, data, settings=settings)) == expected


def test_late_is_measured_to_the_first_submission_and_per_tenant(session: Session, town: Town) -> None:
    data = residence(town.rooms["101"], move_in=date(2026, 11, 20))
    corrected_later = check_of(session, data, now=NOW + timedelta(days=30), submitted_at=NOW)
    assert found(rules_dates.late_declaration, corrected_later) == []
    let = rental(
        [town.rooms["101"]],
        tenants=[tenant(town.rooms["101"]), tenant_fields(town.rooms["201"].id, **someone_else())],
    )
    assert found(rules_dates.late_declaration, check_of(session, let)) == [("warning", "tenants[1].move_in")]


def china_time(day: date, hours: int) -> datetime:
    """`hours` after the start of `day` in China, as the UTC moment a declaration stores."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ).astimezone(UTC) + timedelta(hours=hours)


@pytest.mark.parametrize(("hours", "is_late"), [(23, False), (25, True)])
def test_a_foreigner_registers_within_24_hours_of_the_move_in_day(
    session: Session, town: Town, hours: int, is_late: bool
) -> None:
    """The form gives no hour: the 24 hours run from the end of the move-in day (24:00 in China)."""
    moved = date(2026, 11, 23)
    data = replace(residence(town.rooms["101"], move_in=moved), person=foreigner())
    declared_at = china_time(moved + timedelta(days=1), hours)  # `hours` after the move-in day ended
    check = check_of(session, data, now=declared_at, submitted_at=declared_at)
    expected = [("warning", "move_in")] if is_late else []
    assert found(rules_dates.foreigner_registered_late, check) == expected
    assert found(rules_dates.late_declaration, check) == []  # one finding, not two
    if is_late:
        message = rules_dates.foreigner_registered_late(check)[0].message_zh
        assert "24小时" in message and "入住2天后" in message


def test_a_chinese_resident_is_not_held_to_the_24_hour_rule(session: Session, town: Town) -> None:
    moved = date(2026, 11, 23)
    data = residence(town.rooms["101"], move_in=moved)  # a Chinese citizen's own declaration
    declared_at = china_time(moved + timedelta(days=1), 25)
    check = check_of(session, data, now=declared_at, submitted_at=declared_at)
    assert found(rules_dates.foreigner_registered_late, check) == []
    assert found(rules_dates.late_declaration, check) == []  # 2 working days: on time


def test_a_foreigner_in_a_landlords_rental_is_flagged_on_their_own_move_in(
    session: Session, town: Town
) -> None:
    let = rental(
        [town.rooms["101"]], tenants=[tenant(town.rooms["101"]), tenant(town.rooms["201"], **someone_else())]
    )
    let = replace(let, tenants=(let.tenants[0], replace(let.tenants[1], person=foreigner())))
    assert found(rules_dates.foreigner_registered_late, check_of(session, let)) == [
        ("warning", "tenants[1].move_in")
    ]
    assert found(rules_dates.late_declaration, check_of(session, let)) == []


def test_a_foreigner_who_registered_late_is_a_rule_of_its_own(session: Session, town: Town) -> None:
    assert rules_dates.foreigner_registered_late in rules.RULES
    assert rules.RULE_LABELS["foreigner_registered_late"][0] == "外国人未在24小时内登记"


def test_impossible_dates_of_a_residence(session: Session, town: Town) -> None:
    data = residence(town.rooms["101"])
    cases: list[tuple[ResidenceInput, list[Any]]] = [
        (data, []),
        (replace(data, move_in=date(1989, 12, 1)), [("error", "move_in")]),
        (replace(data, move_in=date(2027, 1, 10), planned_until=None), [("error", "move_in")]),
        (replace(data, move_out=date(2026, 11, 1)), [("error", "move_out")]),
        (replace(data, planned_until=date(2026, 11, 23)), [("error", "planned_until")]),
        (
            with_person(data, birth_date=date(2026, 12, 1)),
            [("error", "person.birth_date"), ("error", "move_in")],
        ),
    ]
    for case, expected in cases:
        assert found(rules_dates.impossible_dates, check_of(session, case)) == expected


def test_a_child_born_after_the_family_moved_in_is_possible(session: Session, town: Town) -> None:
    baby = validate_residence(
        residence_fields(1, person=person_fields(id_number=CHILD_ID, birth_date="", sex="", phone="")),
        today=TODAY,
    ).person
    data = replace(
        residence(town.rooms["101"], move_in=date(2017, 1, 1)), family=(replace(baby, relation="child"),)
    )
    assert found(rules_dates.impossible_dates, check_of(session, data)) == []


def test_impossible_dates_of_a_rental(session: Session, town: Town) -> None:
    data = rental([town.rooms["101"]], tenants=[tenant(town.rooms["101"])])
    lease_backwards = replace(data, lease_end=date(2026, 9, 1))
    assert found(rules_dates.impossible_dates, check_of(session, lease_backwards)) == [("error", "lease_end")]
    moved_out_first = replace(data, tenants=(replace(data.tenants[0], move_out=date(2026, 11, 1)),))
    assert found(rules_dates.impossible_dates, check_of(session, moved_out_first)) == [
        ("error", "tenants[0].move_out")
    ]
    before_birth = replace(data, tenants=(replace(data.tenants[0], move_in=date(1980, 1, 1)),))
    assert found(rules_dates.impossible_dates, check_of(session, before_birth)) == [
        ("error", "tenants[0].move_in")
    ]


# -- comparisons with the records ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "until", "expected"),
    [
        ("nowhere", None, []),
        ("elsewhere", None, [("warning", "person.id_number")]),
        ("elsewhere", date(2026, 11, 1), []),  # that residence has ended
        ("elsewhere", date(2026, 12, 1), [("warning", "person.id_number")]),  # ends later
        ("this room", None, []),
    ],
)
def test_resident_elsewhere(
    session: Session, town: Town, where: str, until: date | None, expected: list[Any]
) -> None:
    if where != "nowhere":
        room = town.elsewhere if where == "elsewhere" else town.rooms["101"]
        make_residence(session, make_person(session, id_number=TENANT_ID), room, until=until)
    check = check_of(session, residence(town.rooms["101"]))
    assert found(rules_records.resident_elsewhere, check) == expected
    if expected:
        assert "301室" in rules_records.resident_elsewhere(check)[0].message_zh


@pytest.mark.parametrize(
    ("living_there", "settings", "expected"),
    [
        (1, RuleSettings(), []),  # 12 m² for 2: 6 m² each
        (2, RuleSettings(), [("warning", "room_id")]),  # 12 m² for 3: 4 m² each
        (1, RuleSettings(m2_per_person=7), [("warning", "room_id")]),
    ],
)
def test_room_over_capacity(
    session: Session, town: Town, living_there: int, settings: RuleSettings, expected: list[Any]
) -> None:
    room = town.rooms["102"]
    for _ in range(living_there):
        make_residence(session, make_person(session), room)
    check = check_of(session, residence(room), settings=settings)
    assert found(rules_records.room_over_capacity, check) == expected


def test_a_room_without_area_or_someone_counted_twice_is_not_over_capacity(
    session: Session, town: Town
) -> None:
    make_residence(session, make_person(session, id_number=TENANT_ID), town.rooms["102"])
    make_residence(session, make_person(session), town.rooms["102"])
    assert found(rules_records.room_over_capacity, check_of(session, residence(town.rooms["102"]))) == []
    for _ in range(5):
        make_residence(session, make_person(session), town.rooms["201"])
    assert found(rules_records.room_over_capacity, check_of(session, residence(town.rooms["201"]))) == []


def test_declarant_not_owner_for_a_person_owned_building(session: Session, town: Town) -> None:
    room = town.rooms["101"]
    assert found(rules_records.declarant_not_owner, check_of(session, rental([room]))) == []
    other = rental([room], landlord=declarant_fields(name="黄二", id_number=make_id_number()))
    assert found(rules_records.declarant_not_owner, check_of(session, other)) == [
        ("warning", "landlord.id_number")
    ]
    town.building.owner_person_id = None
    session.flush()
    assert found(rules_records.declarant_not_owner, check_of(session, other)) == [("info", "landlord.name")]


@pytest.mark.parametrize(
    ("landlord", "expected"), [("陈大文", []), ("赵六", []), ("黄二", [("warning", "landlord.name")])]
)
def test_declarant_not_owner_for_an_organisation_owned_building(
    session: Session, town: Town, landlord: str, expected: list[Any]
) -> None:
    plate = make_plate(session)
    company = make_organisation(session, plate=plate, legal_rep="陈大文", manager="赵六")
    room = make_room(session, building=make_building(session, plate=plate, owner_org=company))
    data = rental([room], landlord=declarant_fields(name=landlord, id_number=make_id_number()))
    assert (
        found(rules_records.declarant_not_owner, check_of(session, data, plate_code=plate.code)) == expected
    )


def test_declarant_not_owner_of_an_own_home_and_of_an_organisation(session: Session, town: Town) -> None:
    own_home = residence(town.rooms["101"], dwelling_type="01")
    assert found(rules_records.declarant_not_owner, check_of(session, own_home)) == [
        ("warning", "dwelling_type")
    ]
    owner_home = with_person(own_home, id_number=LANDLORD_ID)
    assert found(rules_records.declarant_not_owner, check_of(session, owner_home)) == []
    uscc = make_uscc()
    make_organisation(session, uscc=uscc, legal_rep="王五", manager="赵六")
    shop = validate_organisation(organisation_fields(uscc=uscc), today=TODAY)  # declared by 赵六
    assert found(rules_records.declarant_not_owner, check_of(session, shop)) == []
    stranger = replace(shop, declarant=replace(shop.declarant, name="孙七"))
    assert found(rules_records.declarant_not_owner, check_of(session, stranger)) == [
        ("warning", "declarant.name")
    ]
    unrecorded = replace(stranger, uscc=make_uscc())
    assert found(rules_records.declarant_not_owner, check_of(session, unrecorded)) == []


@pytest.mark.parametrize(
    ("room_no", "dwelling", "expected"),
    [
        ("101", "02", []),
        ("102", "02", [("warning", "room_id")]),
        ("102", None, [("warning", "room_id")]),
        ("102", "01", []),  # their own home
        ("102", "05", []),  # an employer's dormitory
    ],
)
def test_room_not_rental(
    session: Session, town: Town, room_no: str, dwelling: str | None, expected: list[Any]
) -> None:
    data = replace(residence(town.rooms[room_no]), dwelling_type=dwelling)
    assert found(rules_records.room_not_rental, check_of(session, data)) == expected


def test_a_landlords_rental_is_the_registration_itself(session: Session, town: Town) -> None:
    data = rental([town.rooms["102"]], tenants=[tenant(town.rooms["102"])])
    assert found(rules_records.room_not_rental, check_of(session, data)) == []


@pytest.mark.parametrize(("use", "fires"), [("01", False), ("04", True), ("05", True), ("06", False)])
def test_residence_in_industrial_building(session: Session, town: Town, use: str, fires: bool) -> None:
    town.building.use = use
    session.flush()
    data = rental(
        [town.rooms["101"]],
        tenants=[
            tenant(town.rooms["101"]),
            tenant(town.rooms["101"], id_number=CHILD_ID, birth_date="", sex=""),
        ],
    )
    expected = [("warning", "tenants[0].room_id")] if fires else []
    assert found(rules_records.residence_in_industrial_building, check_of(session, data)) == expected


# -- submitting runs the rules -------------------------------------------------------------------


def test_a_clean_declaration_stays_received(session: Session, town: Town) -> None:
    declaration = declare(session, residence(town.rooms["101"]), "clean")
    assert declaration.status is DeclarationStatus.RECEIVED
    assert findings_of(session, declaration) == []


def test_findings_are_saved_and_send_the_declaration_to_the_officer(session: Session, town: Town) -> None:
    make_residence(session, make_person(session, id_number=TENANT_ID), town.elsewhere)
    data = residence(town.rooms["102"], move_in=date(2026, 11, 2))
    declaration = declare(session, data, "issues")
    assert declaration.status is DeclarationStatus.HAS_ISSUES
    assert findings_of(session, declaration) == ["late_declaration", "resident_elsewhere", "room_not_rental"]
    rows = session.scalars(select(Finding).where(Finding.declaration_id == declaration.id)).all()
    assert {(f.created_at, f.severity) for f in rows} == {(NOW, Severity.WARNING)}
    assert all(f.message_zh and f.message_en for f in rows)


def test_duplicate_pending_is_found_at_submit_and_by_recheck(session: Session, town: Town) -> None:
    first = declare(session, residence(town.rooms["101"]), "first")
    later = NOW + timedelta(minutes=20)  # not the same submission repeated
    second = declare(session, residence(town.rooms["101"], reason="13"), "second", now=later)
    third = declare(
        session, residence(town.rooms["101"], reason="10"), "third", now=later + timedelta(minutes=20)
    )
    elsewhere = declare(session, residence(town.rooms["201"], reason="10"), "fourth", now=later)
    assert (first.status, second.status) == (DeclarationStatus.RECEIVED, DeclarationStatus.HAS_ISSUES)
    assert findings_of(session, second) == ["duplicate_pending"]
    assert findings_of(session, elsewhere) == []  # the same person, but another room
    message = session.scalars(select(Finding.message_en).where(Finding.declaration_id == third.id)).one()
    assert f"(#{first.id}, #{second.id})" in message
    report = recheck_all(session, now=later, batch_size=1)
    session.commit()
    assert (report.checked, report.opened, report.changed) == (4, 1, 2)  # first opened, second's ids grew
    assert [findings_of(session, d) for d in (first, second, third, elsewhere)] == [
        ["duplicate_pending"]
    ] * 3 + [[]]
    session.execute(update(Declaration).where(Declaration.id.in_([first.id, third.id])).values(
        status=DeclarationStatus.APPROVED))  # fmt: skip
    report = recheck_all(session, now=later)
    session.commit()
    assert report.cleared == 1
    assert session.get(Declaration, second.id).status is DeclarationStatus.RECEIVED  # type: ignore[union-attr]


def test_a_landlords_tenant_declared_twice_at_the_plate_is_a_duplicate(session: Session, town: Town) -> None:
    own = declare(session, residence(town.rooms["101"]), "own")
    data = rental([town.rooms["101"]], tenants=[tenant(town.rooms["101"])])
    let = submit_rental(session, plate_code=PLATE, data=data, idempotency_key="let", now=NOW)
    session.commit()
    assert findings_of(session, let) == ["duplicate_pending"]
    assert own.status is DeclarationStatus.RECEIVED


def test_a_crashing_rule_is_noted_and_the_others_still_run(
    session: Session, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_rule(check: DeclarationCheck) -> list[Finding]:
        raise RuntimeError("bug")

    monkeypatch.setattr(rules, "RULES", (broken_rule, *rules.RULES))
    declaration = declare(session, residence(town.rooms["102"]), "k")
    assert declaration.status is DeclarationStatus.HAS_ISSUES
    assert findings_of(session, declaration) == ["room_not_rental"]
    assert events_of(session, declaration) == [("submitted", ""), ("rule_failed", "broken_rule")]


def test_a_correction_replaces_the_findings(session: Session, town: Town) -> None:
    declaration = declare(session, residence(town.rooms["102"]), "k")
    assert findings_of(session, declaration) == ["room_not_rental"]
    resubmit(session, receipt_code=declaration.receipt_code, doc_tail=TENANT_ID[-6:],
             data=residence(town.rooms["101"]), now=NOW + timedelta(hours=1), client_key="c")  # fmt: skip
    session.commit()
    assert declaration.status is DeclarationStatus.RESUBMITTED
    assert findings_of(session, declaration) == []


def test_run_rules_returns_unsaved_findings(session: Session, town: Town) -> None:
    declaration = declare(session, residence(town.rooms["101"]), "k")
    payload = to_payload(residence(town.rooms["102"]))
    results = rules.run_rules(session, declaration, payload, now=NOW, settings=RuleSettings())
    assert [(f.rule, f.declaration_id, f.id) for f in results] == [("room_not_rental", declaration.id, None)]
    assert all(f not in session for f in results)


# -- recheck -------------------------------------------------------------------------------------


def test_recheck_clears_a_finding_when_the_room_becomes_a_rental(session: Session, town: Town) -> None:
    declaration = declare(session, residence(town.rooms["102"]), "k")
    assert declaration.status is DeclarationStatus.HAS_ISSUES
    row_version = declaration.row_version
    town.rooms["102"].is_rental = True
    session.commit()
    report = recheck_all(session, now=NOW + timedelta(days=1))
    session.commit()
    assert (report.checked, report.changed, report.cleared, report.opened) == (1, 1, 1, 0)
    assert declaration.status is DeclarationStatus.RECEIVED  # the session's copy is re-read
    assert declaration.row_version == row_version + 1  # an officer's open page is told it changed
    assert findings_of(session, declaration) == []
    assert events_of(session, declaration)[-1] == (RECHECKED, "1 → 0: -room_not_rental")
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "declaration.recheck")).one()
    assert audit.detail["cleared"] == 1 and audit.detail["checked"] == 1


def test_recheck_opens_a_declaration_whose_room_was_retired(session: Session, town: Town) -> None:
    declaration = declare(session, residence(town.rooms["101"]), "k")
    town.rooms["101"].status = RecordStatus.RETIRED
    session.commit()
    report = recheck_all(session, now=NOW)
    session.commit()
    assert (report.opened, report.findings_by_rule["room_active"]) == (1, 1)
    session.refresh(declaration)
    assert declaration.status is DeclarationStatus.HAS_ISSUES
    assert findings_of(session, declaration) == ["room_active"]


def test_recheck_without_changes_writes_nothing(session: Session, town: Town) -> None:
    declaration = declare(session, residence(town.rooms["102"]), "k")
    before = session.scalars(select(Finding.id).where(Finding.declaration_id == declaration.id)).all()
    report = recheck_all(session, now=NOW + timedelta(hours=1))
    session.commit()
    assert (report.checked, report.changed, report.findings_by_rule["room_not_rental"]) == (1, 0, 1)
    assert session.scalars(select(Finding.id).where(Finding.declaration_id == declaration.id)).all() == before
    assert [a for a, _ in events_of(session, declaration)] == ["submitted"]


def test_recheck_keeps_review_states_and_leaves_decided_declarations_alone(
    session: Session, town: Town
) -> None:
    waiting = declare(session, residence(town.rooms["101"]), "a")
    decided = declare(session, residence(town.rooms["201"], person=person_fields(**someone_else())), "b")
    session.execute(update(Declaration).where(Declaration.id == waiting.id).values(
        status=DeclarationStatus.RESUBMITTED))  # fmt: skip
    session.execute(update(Declaration).where(Declaration.id == decided.id).values(
        status=DeclarationStatus.APPROVED))  # fmt: skip
    for room in town.rooms.values():
        room.status = RecordStatus.RETIRED
    session.commit()
    report = recheck_all(session, now=NOW)
    session.commit()
    assert report.checked == 1
    session.refresh(waiting)
    session.refresh(decided)
    assert (waiting.status, findings_of(session, waiting)) == (DeclarationStatus.RESUBMITTED, ["room_active"])
    assert (decided.status, findings_of(session, decided)) == (DeclarationStatus.APPROVED, [])


def test_recheck_leaves_a_declaration_approved_meanwhile(
    session: Session, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    declaration = declare(session, residence(town.rooms["101"]), "k")
    town.rooms["101"].status = RecordStatus.RETIRED
    session.commit()
    prefetch = Records.prefetch

    def approve_meanwhile(self: Records, batch: Any) -> None:
        # An officer approves after recheck read the declaration, before it writes.
        session.execute(update(Declaration).values(status=DeclarationStatus.APPROVED).execution_options(
            synchronize_session=False))  # fmt: skip
        prefetch(self, batch)

    monkeypatch.setattr(Records, "prefetch", approve_meanwhile)
    report = recheck_all(session, now=NOW)
    session.commit()
    assert (report.checked, report.skipped, report.changed) == (1, 1, 0)
    session.refresh(declaration)
    assert (declaration.status, findings_of(session, declaration)) == (DeclarationStatus.APPROVED, [])


def test_recheck_writes_the_rest_of_a_batch_when_one_item_was_approved_meanwhile(
    session: Session, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's updates go out together; one of them no longer matching must not cost the
    others their findings, nor give the approved one any."""
    approved = declare(session, residence(town.rooms["101"]), "a")
    waiting = declare(session, residence(town.rooms["201"], person=person_fields(**someone_else())), "b")
    for room in town.rooms.values():
        room.status = RecordStatus.RETIRED
    session.commit()
    prefetch = Records.prefetch

    def approve_one_meanwhile(self: Records, batch: Any) -> None:
        session.execute(update(Declaration).where(Declaration.id == approved.id).values(
            status=DeclarationStatus.APPROVED).execution_options(synchronize_session=False))  # fmt: skip
        prefetch(self, batch)

    monkeypatch.setattr(Records, "prefetch", approve_one_meanwhile)
    report = recheck_all(session, now=NOW)
    session.commit()
    assert (report.checked, report.skipped, report.changed, report.opened) == (2, 1, 1, 1)
    assert report.findings_by_rule["room_active"] == 1
    session.refresh(approved)
    session.refresh(waiting)
    assert (approved.status, findings_of(session, approved)) == (DeclarationStatus.APPROVED, [])
    assert (waiting.status, findings_of(session, waiting)) == (DeclarationStatus.HAS_ISSUES, ["room_active"])
    assert [a for a, _ in events_of(session, approved)] == ["submitted"]
    assert [a for a, _ in events_of(session, waiting)] == ["submitted", RECHECKED]


def test_a_rule_crashing_in_recheck_keeps_its_earlier_findings(
    session: Session, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    declaration = declare(session, residence(town.rooms["102"]), "k")

    def room_not_rental(check: DeclarationCheck) -> list[Finding]:
        raise RuntimeError("bug")

    others = tuple(rule for rule in rules.RULES if rule.__name__ != "room_not_rental")
    monkeypatch.setattr(rules, "RULES", (*others, room_not_rental))
    report = recheck_all(session, now=NOW)
    session.commit()
    assert (report.failed_rules["room_not_rental"], report.changed, report.cleared) == (1, 0, 0)
    assert (declaration.status, findings_of(session, declaration)) == (
        DeclarationStatus.HAS_ISSUES,
        ["room_not_rental"],
    )


def test_recheck_counts_an_unreadable_payload(session: Session, town: Town) -> None:
    declaration = declare(session, residence(town.rooms["102"]), "k")
    declaration.payload_enc = b"\x01broken"
    session.commit()
    report = recheck_all(session, now=NOW)
    assert (report.checked, report.unreadable, report.findings_by_rule["room_not_rental"]) == (0, 1, 1)


def test_recheck_reports_progress(session: Session, town: Town) -> None:
    for i, room in enumerate(("101", "102", "201")):
        declare(session, residence(town.rooms[room], person=person_fields(**someone_else())), f"k{i}")
    seen: list[tuple[int, int]] = []
    recheck_all(session, now=NOW, batch_size=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 3), (3, 3)]  # one plate is never split across batches


# -- settings and the command line ---------------------------------------------------------------


def test_rule_settings_come_from_the_environment() -> None:
    assert load_rule_settings({}) == RuleSettings()
    custom = load_rule_settings({"MENPAI_M2_PER_PERSON": "6.5", "MENPAI_LATE_WORKING_DAYS": " 5 "})
    assert (custom.m2_per_person, custom.late_working_days) == (6.5, 5)


@pytest.mark.parametrize(
    ("name", "value"),
    [("MENPAI_M2_PER_PERSON", "five"), ("MENPAI_M2_PER_PERSON", "0"), ("MENPAI_LATE_WORKING_DAYS", "2.5")],
)
def test_a_bad_rule_setting_is_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(DomainError, match=name):
        load_rule_settings({name: value})


def test_menpai_recheck_prints_counts_per_rule(
    session: Session, town: Town, capsys: pytest.CaptureFixture[str]
) -> None:
    declaration = declare(session, residence(town.rooms["101"]), "k")
    session.execute(update(Room).where(Room.id == town.rooms["101"].id).values(is_rental=False))
    session.commit()
    assert main(["recheck"]) == 0
    out = capsys.readouterr().out
    assert "rechecked 1 pending declarations" in out
    assert "now with issues 1" in out
    line = next(row for row in out.splitlines() if "room_not_rental" in row)
    assert line.split()[1] == "1" and "Room not registered as a rental" in line
    session.rollback()
    session.refresh(declaration)
    assert declaration.status is DeclarationStatus.HAS_ISSUES
    assert (
        session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "declaration.recheck")
        )
        == 1
    )


def test_menpai_recheck_refuses_a_bad_setting(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MENPAI_M2_PER_PERSON", "lots")
    assert main(["recheck"]) == 1
    assert "MENPAI_M2_PER_PERSON" in capsys.readouterr().err


def test_menpai_recheck_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["recheck", "--help"])
    assert exited.value.code == 0
    assert "MENPAI_LATE_WORKING_DAYS" in capsys.readouterr().out


@pytest.fixture(autouse=True)
def _rules_registered() -> Iterator[None]:
    """Other test modules may edit COMPARISON_RULES; these tests need the comparison rules in it."""
    if rules.check_declaration not in COMPARISON_RULES:
        COMPARISON_RULES.append(rules.check_declaration)
    yield
