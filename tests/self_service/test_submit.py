"""Declaring from a plate: forms checked field by field, submissions stored encrypted with a
receipt, a version and an event, and never twice for one click."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.crypto import id_blind_index
from shared.core.errors import DomainError
from shared.declarations.form_errors import FormErrors, field_label
from shared.declarations.forms import validate_organisation, validate_rental, validate_residence
from shared.declarations.inputs import ResidenceInput, from_payload, to_payload
from shared.declarations.store import RECEIPT_ALPHABET, payload_of
from shared.models import (
    AuditLog,
    Declaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    DeclarationVersion,
    DoorPlate,
    Finding,
    RecordStatus,
    Room,
    Severity,
)
from shared.self_service import submit as declarations
from shared.self_service.submit import submit_organisation, submit_rental, submit_residence
from tests.factories import (
    CHILD_ID,
    LANDLORD_ID,
    TENANT_ID,
    make_building,
    make_grid,
    make_id_number,
    make_plate,
    make_room,
    organisation_fields,
    person_fields,
    rental_fields,
    residence_fields,
    tenant_fields,
    wrong_check_digit,
)

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Mayong


pytestmark = pytest.mark.usefixtures("without_comparison_rules")


def errors_of(raw: dict[str, Any], validate: Any = validate_residence) -> dict[str, tuple[str, str]]:
    with pytest.raises(FormErrors) as caught:
        validate(raw, today=TODAY)
    return {e.field: (e.message_zh, e.message_en) for e in caught.value.errors}


# -- validation ------------------------------------------------------------------------------------


def test_a_good_tenant_form_becomes_a_checked_input() -> None:
    data = validate_residence(residence_fields(7), today=TODAY)
    assert data.room_id == 7
    assert data.person.id_number == TENANT_ID
    assert data.person.phone == "+8613800138000"
    assert data.person.nationality == "CHN"
    assert data.person.relation == "self"
    assert data.family == ()


def test_what_people_type_is_forgiven() -> None:
    """Spaces, full-width digits, a lower-case x, a spaced phone, labels instead of codes."""
    number = make_id_number("110105", "19491231", "002")  # ends in X
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + " x "
    raw = residence_fields(
        "7",
        person=person_fields(
            name="  李　四 ",
            sex="男",
            ethnicity="汉",
            birth_date="",
            id_number=full_width,
            phone="138 0013-8000",
            education="",
            employer="",
        ),
        reason="务工",
        move_in="2026/11/1",
        planned_until="",
        planned_months="6",
        privacy_accepted="yes",
    )
    raw["person"]["sex"] = "2"  # the number says female
    data = validate_residence(raw, today=TODAY)
    assert data.person.id_number == number
    assert data.person.birth_date == date(1949, 12, 31)
    assert data.person.phone == "+8613800138000"
    assert data.person.name == "李 四"
    assert (data.person.education, data.person.employer) == (None, "")
    assert data.planned_until == date(2027, 5, 1)
    assert data.move_in == date(2026, 11, 1)


BAD_RESIDENCE = [
    ("no room", {"room_id": ""}, "room_id", "房间不能为空", "Room: this field is required"),
    ("no name", {"person.name": ""}, "person.name", "姓名不能为空", "Name: this field is required"),
    ("bad check digit", {"person.id_number": wrong_check_digit(TENANT_ID)},
     "person.id_number", "证件号码有误，请逐位核对（校验位错误）",
     "Identity number: a digit is wrong, please check each one (the check character is wrong)"),
    ("birth date disagrees", {"person.birth_date": date(1990, 1, 16)}, "person.birth_date",
     "出生日期与证件号码不一致", "Birth date: does not match the identity number"),
    ("sex disagrees", {"person.sex": "2"}, "person.sex", "性别与证件号码不一致",
     "Sex: does not match the identity number"),
    ("born in the future", {"person.birth_date": date(2027, 1, 1)}, "person.birth_date",
     "出生日期不能晚于今天", "Birth date: cannot be after today"),
    ("bad phone", {"person.phone": "12345"}, "person.phone", "电话号码无效",
     "Phone number: not a valid number"),
    ("adult without phone", {"person.phone": ""}, "person.phone", "联系电话不能为空（未满18周岁可不填）",
     "Phone: this field is required (minors under 18 may leave it empty)"),
    ("no ethnic group", {"person.ethnicity": ""}, "person.ethnicity", "民族不能为空",
     "Ethnic group: this field is required"),
    ("unknown ethnic group", {"person.ethnicity": "火星"}, "person.ethnicity", "民族“火星”无效",
     "Ethnic group: '火星' is not valid"),
    ("no reason", {"reason": ""}, "reason", "居住事由不能为空",
     "Reason for residence: this field is required"),
    ("no move-in", {"move_in": None}, "move_in", "入住日期不能为空", "Move-in date: this field is required"),
    ("not a date", {"move_in": "next week"}, "move_in", "入住日期“next week”不是有效日期",
     "Move-in date: 'next week' is not a date"),
    ("move-in before birth", {"move_in": date(1989, 1, 1)}, "move_in", "入住日期不能早于出生日期",
     "Move-in date: cannot be before the birth date"),
    ("move-in far ahead", {"move_in": TODAY + timedelta(days=31)}, "move_in", "入住日期不能晚于今天起30天",
     "Move-in date: cannot be more than 30 days from today"),
    ("planned stay before move-in", {"planned_until": date(2026, 10, 1)}, "planned_until",
     "拟居住至应晚于入住日期", "Planned stay until: must be after the move-in date"),
    ("privacy not accepted", {"privacy_accepted": False}, "privacy_accepted", "隐私告知：请阅读后勾选同意",
     "Privacy notice: read it and tick to accept"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "zh", "en"), [b[1:] for b in BAD_RESIDENCE], ids=[b[0] for b in BAD_RESIDENCE]
)
def test_a_bad_field_is_named_with_its_message(change: dict[str, Any], field: str, zh: str, en: str) -> None:
    raw = residence_fields(7)
    for path, value in change.items():
        if path.startswith("person."):
            raw["person"][path.removeprefix("person.")] = value
        else:
            raw[path] = value
    found = errors_of(raw)
    assert list(found) == [field]
    assert found[field][0].startswith(zh)
    assert found[field][1].startswith(en)


def test_a_declarants_phone_is_asked_before_the_number_is_right() -> None:
    # The form marks it required: pressing 提交申报 on an empty form names it with the others,
    # not only once the number says the declarant is an adult.
    for number in ("", wrong_check_digit(TENANT_ID)):
        # as the phone form sends a resident card holder: sex and birth date come from the number
        person = person_fields(id_number=number, phone="", birth_date=None, sex="")
        assert {"person.id_number", "person.phone"} <= set(errors_of(residence_fields(7, person=person)))
    # A family member (often a child) of unknown age is not asked yet; of known age, as before.
    member = {"name": "李小", "relation": "子", "id_number": "", "phone": ""}
    assert "family[0].phone" not in errors_of(residence_fields(7, family=[member]))
    child = {**member, "id_number": CHILD_ID}
    assert "family[0].phone" not in errors_of(residence_fields(7, family=[child]))


def test_every_error_of_a_form_comes_at_once() -> None:
    raw = residence_fields(
        "",
        person=person_fields(name="", phone="1", sex="2"),
        family=[{"name": "李小", "id_number": CHILD_ID, "birth_date": "2018-06-02"}],
        move_in="",
        privacy_accepted=False,
    )
    found = errors_of(raw)
    assert list(found) == [
        "room_id",
        "person.name",
        "person.sex",
        "person.phone",
        "family[0].birth_date",
        "family[0].ethnicity",
        "family[0].relation",
        "move_in",
        "privacy_accepted",
    ]


@pytest.mark.parametrize("id_number", ["", wrong_check_digit(TENANT_ID)])
def test_a_wrong_or_missing_number_is_the_only_error_not_the_hukou_it_would_give(id_number: str) -> None:
    # The form fills the 户籍 region in from a right number; beside a wrong one, the folded
    # (optional-looking) 户籍地址 must not be flagged too.
    raw = residence_fields(7, person=person_fields(id_number=id_number, hukou_address=""))
    assert list(errors_of(raw)) == ["person.id_number"]


@pytest.mark.parametrize(
    ("region", "hukou"),
    [("430102", "湖南省 长沙市 芙蓉区"), ("439999", "湖南省")],  # a county not in the table
)
def test_a_blank_hukou_is_the_region_the_number_names(region: str, hukou: str) -> None:
    number = make_id_number(region, "19900115", "011")
    raw = residence_fields(7, person=person_fields(id_number=number, hukou_address=""))
    assert validate_residence(raw, today=TODAY).person.hukou_address == hukou
    typed = residence_fields(7, person=person_fields(id_number=number, hukou_address="湖南省长沙市五一路1号"))
    assert validate_residence(typed, today=TODAY).person.hukou_address == "湖南省长沙市五一路1号"


def test_a_child_may_have_no_phone_but_an_adult_family_member_needs_one() -> None:
    child = {
        "name": "李小",
        "id_number": CHILD_ID,
        "ethnicity": "01",
        "hukou_address": "湖南长沙",
        "relation": "子女",
    }
    spouse = person_fields(name="王芳", id_number=make_id_number("430102", "19920303", "024"), sex="2",
                           birth_date="", phone="", relation="spouse")  # fmt: skip
    found = errors_of(residence_fields(7, family=[child, spouse]))
    assert list(found) == ["family[1].phone"]
    spouse["phone"] = "13700137000"
    data = validate_residence(residence_fields(7, family=[child, {}, spouse]), today=TODAY)
    assert [(p.name, p.relation, p.phone, p.birth_date) for p in data.family] == [
        ("李小", "child", None, date(2018, 6, 1)),
        ("王芳", "spouse", "+8613700137000", date(1992, 3, 3)),
    ]


def test_a_17_year_old_family_member_may_have_no_phone() -> None:
    teen = {"name": "李小明", "id_number": make_id_number("430102", "20090601", "013"), "ethnicity": "01",
            "hukou_address": "湖南长沙", "relation": "child"}  # fmt: skip
    data = validate_residence(residence_fields(7, family=[teen]), today=TODAY)
    assert data.family[0].phone is None


def test_blank_family_rows_are_skipped_but_keep_their_index() -> None:
    found = errors_of(residence_fields(7, family=[{}, {"name": "", "relation": "child"}, {"name": "李小"}]))
    assert "family[2].id_number" in found
    assert not any(f.startswith(("family[0]", "family[1]")) for f in found)


def test_the_same_person_twice_is_refused() -> None:
    found = errors_of(residence_fields(7, family=[person_fields(relation="spouse")]))
    assert found == {
        "family[0].id_number": (
            "证件号码与前面填写的人员重复",
            "Identity number: the same document as someone listed above",
        )
    }


def test_a_foreigner_declares_with_a_passport_and_nationality_and_no_ethnic_group() -> None:
    foreigner = person_fields(name="NGUYEN VAN AN", id_type="04", id_number="c1234567", nationality="越南",
                              ethnicity="01", hukou_address="", birth_date="1995-05-05",
                              visa_expiry="2027-05-01")  # fmt: skip
    data = validate_residence(residence_fields(7, person=foreigner), today=TODAY)
    assert (data.person.id_number, data.person.nationality, data.person.ethnicity) == (
        "C1234567",
        "VNM",
        None,
    )
    assert data.person.visa_expiry == date(2027, 5, 1)


@pytest.mark.parametrize(
    ("change", "field", "zh"),
    [
        ({"nationality": ""}, "person.nationality", "国籍不能为空"),
        ({"birth_date": ""}, "person.birth_date", "出生日期不能为空"),
        ({"id_type": "01", "id_number": TENANT_ID}, "person.nationality", "国籍：持居民身份证者为中国国籍"),
    ],
    ids=["no nationality", "no birth date", "foreign national with a resident card"],
)
def test_a_foreigner_needs_nationality_and_birth_date(change: dict[str, Any], field: str, zh: str) -> None:
    foreigner = person_fields(name="NGUYEN VAN AN", id_type="04", id_number="C1234567", nationality="VNM",
                              ethnicity="", hukou_address="", birth_date="1995-05-05", sex="1")  # fmt: skip
    foreigner.update(change)
    found = errors_of(residence_fields(7, person=foreigner))
    assert field in found and found[field][0].startswith(zh)


def test_a_rental_form_counts_its_tenants_rooms_as_let() -> None:
    raw = rental_fields([3], tenants=[tenant_fields(4), {}], lease_end="")
    data = validate_rental(raw, today=TODAY)
    assert data.room_ids == (3, 4)
    assert data.lease_end is None
    assert data.landlord.id_number == LANDLORD_ID
    assert [t.room_id for t in data.tenants] == [4]


BAD_RENTAL = [
    ("lease ends before it starts", {"lease_end": date(2026, 9, 1)}, "lease_end",
     "租赁结束日期应晚于租赁开始日期"),
    ("pledge not accepted", {"pledge_accepted": False}, "pledge_accepted", "治安责任书：请阅读后勾选同意"),
    ("no rooms", {"room_ids": []}, "room_ids", "出租房间不能为空"),
    ("landlord without phone", {"landlord": {"name": "陈大文", "id_number": LANDLORD_ID}}, "landlord.phone",
     "电话号码不能为空"),
    ("tenant moves in before birth", {"tenants": [{**tenant_fields(3), "move_in": "1980-01-01"}]},
     "tenants[0].move_in", "入住日期不能早于出生日期"),
    ("tenant without document", {"tenants": [tenant_fields(3, id_number="")]}, "tenants[0].person.id_number",
     "证件号码不能为空"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "zh"), [b[1:] for b in BAD_RENTAL], ids=[b[0] for b in BAD_RENTAL]
)
def test_a_bad_rental_field_is_named(change: dict[str, Any], field: str, zh: str) -> None:
    raw = rental_fields([3])
    raw.update(change)
    found = errors_of(raw, validate_rental)
    assert list(found) == [field]
    assert found[field][0].startswith(zh)


def test_an_organisation_form_is_checked() -> None:
    data = validate_organisation(organisation_fields(), today=TODAY)
    assert (data.staff_count, data.status, data.phone) == (35, "operating", "+8676988123456")
    found = errors_of(
        organisation_fields(uscc="91441900X", legal_rep="", staff_count="many"), validate_organisation
    )
    assert found["uscc"][0] == "统一社会信用代码应为18位"
    assert found["legal_rep"] == ("法定代表人不能为空", "Legal representative: this field is required")
    assert found["staff_count"][0] == "从业人数“many”不是整数"


def test_field_paths_read_as_labels() -> None:
    assert field_label("family[1].birth_date") == "随行人员2 · 出生日期"
    assert field_label("tenants[0].person.phone", "en") == "Tenant 1 · You · Phone"
    assert field_label("move_in", "en") == "Move-in date"


def test_a_payload_turns_back_into_the_same_input_and_validates_again() -> None:
    child = {
        "name": "李小",
        "id_number": CHILD_ID,
        "ethnicity": "01",
        "hukou_address": "湖南",
        "relation": "child",
    }
    data = validate_residence(residence_fields(7, family=[child]), today=TODAY)
    payload = to_payload(data)
    assert payload["move_in"] == "2026-11-01" and payload["family"][0]["birth_date"] == "2018-06-01"
    assert from_payload(DeclarationKind.RESIDENCE, payload) == data
    assert validate_residence(payload, today=TODAY) == data
    rental = validate_rental(rental_fields([3], tenants=[tenant_fields(3)]), today=TODAY)
    assert from_payload(DeclarationKind.RENTAL, to_payload(rental)) == rental
    org = validate_organisation(organisation_fields(), today=TODAY)
    assert from_payload(DeclarationKind.ORGANISATION, to_payload(org)) == org


# -- submitting ------------------------------------------------------------------------------------


@pytest.fixture
def plate(session: Session) -> DoorPlate:
    grid = make_grid(session, code="G-MY-01")
    plate = make_plate(session, code="4419001262000001", grid=grid)
    building = make_building(session, plate=plate)
    for number in ("101", "102", "201"):
        make_room(session, building=building, number=number, is_rental=True)
    session.commit()
    return plate


def room(session: Session, plate: DoorPlate, number: str) -> Room:
    return session.scalars(
        select(Room)
        .join(Room.building)
        .where(Room.number == number, Room.building.has(plate_code=plate.code))
    ).one()


def residence(session: Session, plate: DoorPlate, **fields: Any) -> ResidenceInput:
    return validate_residence(residence_fields(room(session, plate, "101").id, **fields), today=TODAY)


def test_a_residence_is_stored_encrypted_with_receipt_version_event_and_audit(
    session: Session, plate: DoorPlate
) -> None:
    data = residence(session, plate)
    declaration = submit_residence(
        session, plate_code=plate.code, data=data, idempotency_key="form-1", now=NOW
    )
    session.commit()
    assert re.fullmatch(f"[{RECEIPT_ALPHABET}]{{10}}", declaration.receipt_code)
    assert not set(declaration.receipt_code) & set("01OIL")
    assert declaration.kind is DeclarationKind.RESIDENCE
    assert declaration.status is DeclarationStatus.RECEIVED
    assert (declaration.room_id, declaration.grid_code, declaration.version) == (data.room_id, "G-MY-01", 1)
    assert declaration.declarant_index == id_blind_index("01", TENANT_ID)
    assert TENANT_ID.encode() not in declaration.payload_enc
    assert "李四".encode() not in declaration.payload_enc
    assert payload_of(declaration) == to_payload(data)
    versions = session.scalars(
        select(DeclarationVersion).where(DeclarationVersion.declaration_id == declaration.id)
    )
    assert [(v.version, v.payload_enc) for v in versions] == [(1, declaration.payload_enc)]
    events = session.scalars(
        select(DeclarationEvent).where(DeclarationEvent.declaration_id == declaration.id)
    )
    assert [(e.action, e.actor, e.at) for e in events] == [("submitted", "declarant", NOW)]
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "declaration.submit.residence")).one()
    assert audit.target_id == str(declaration.id)
    assert TENANT_ID not in str(audit.detail) and "李四" not in str(audit.detail)
    assert declaration.receipt_code not in str(audit.detail)


def test_a_rental_with_tenants_and_an_organisation_are_submitted(session: Session, plate: DoorPlate) -> None:
    r101, r102 = room(session, plate, "101").id, room(session, plate, "102").id
    rental = validate_rental(rental_fields([r101], tenants=[tenant_fields(r102)]), today=TODAY)
    let = submit_rental(session, plate_code=plate.code, data=rental, idempotency_key="rent-1", now=NOW)
    org = validate_organisation(organisation_fields(room_id=r101), today=TODAY)
    shop = submit_organisation(session, plate_code=plate.code, data=org, idempotency_key="org-1", now=NOW)
    session.commit()
    assert (let.kind, let.declarant_role.value, let.room_id) == (DeclarationKind.RENTAL, "landlord", None)
    assert payload_of(let)["room_ids"] == [r101, r102]
    assert let.declarant_index == id_blind_index("01", LANDLORD_ID)
    assert (shop.kind, shop.declarant_role.value, shop.room_id) == (
        DeclarationKind.ORGANISATION,
        "manager",
        r101,
    )
    assert shop.receipt_code != let.receipt_code
    for declaration, number in ((let, LANDLORD_ID), (shop, org.declarant.id_number)):
        assert number.encode() not in declaration.payload_enc
        assert re.fullmatch(f"[{RECEIPT_ALPHABET}]{{10}}", declaration.receipt_code)
    assert session.scalar(select(func.count()).select_from(DeclarationVersion)) == 2
    audit = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert audit == ["declaration.submit.rental", "declaration.submit.organisation"]
    events = session.scalars(select(DeclarationEvent.action)).all()
    assert events == ["submitted", "submitted"]


def test_submitting_twice_with_one_key_makes_one_declaration(session: Session, plate: DoorPlate) -> None:
    data = residence(session, plate)
    first = submit_residence(session, plate_code=plate.code, data=data, idempotency_key="form-1", now=NOW)
    session.commit()
    again = submit_residence(
        session, plate_code=plate.code, data=data, idempotency_key="form-1", now=NOW + timedelta(hours=2)
    )
    session.commit()
    assert again.id == first.id
    assert session.scalar(select(func.count()).select_from(Declaration)) == 1
    assert session.scalar(select(func.count()).select_from(DeclarationEvent)) == 1


def test_the_same_content_moments_later_is_the_same_declaration(session: Session, plate: DoorPlate) -> None:
    data = residence(session, plate)
    first = submit_residence(session, plate_code=plate.code, data=data, idempotency_key="tab-1", now=NOW)
    again = submit_residence(
        session, plate_code=plate.code, data=data, idempotency_key="tab-2", now=NOW + timedelta(minutes=9)
    )
    assert again.id == first.id
    changed = replace(data, reason="13")
    other = submit_residence(
        session, plate_code=plate.code, data=changed, idempotency_key="tab-3", now=NOW + timedelta(minutes=9)
    )
    later = submit_residence(
        session, plate_code=plate.code, data=data, idempotency_key="tab-4", now=NOW + timedelta(minutes=11)
    )
    assert len({first.id, other.id, later.id}) == 3


def test_a_retired_plate_or_a_room_elsewhere_is_refused(session: Session, plate: DoorPlate) -> None:
    retired = make_plate(session, status=RecordStatus.RETIRED)
    elsewhere = make_room(session, number="901")
    session.commit()
    data = residence(session, plate)
    with pytest.raises(DomainError, match="该门牌已停用"):
        submit_residence(session, plate_code=retired.code, data=data, idempotency_key="k1", now=NOW)
    with pytest.raises(DomainError, match="No such door plate"):
        submit_residence(session, plate_code="NOPE", data=data, idempotency_key="k2", now=NOW)
    with pytest.raises(DomainError, match="not at this address"):
        submit_residence(
            session,
            plate_code=plate.code,
            data=replace(data, room_id=elsewhere.id),
            idempotency_key="k3",
            now=NOW,
        )
    rental = validate_rental(rental_fields([room(session, plate, "101").id, elsewhere.id]), today=TODAY)
    with pytest.raises(DomainError, match="not at this address"):
        submit_rental(session, plate_code=plate.code, data=rental, idempotency_key="k4", now=NOW)
    assert session.scalar(select(func.count()).select_from(Declaration)) == 0


@pytest.fixture
def rule_hooks() -> Iterator[list[declarations.RuleHook]]:
    saved = list(declarations.COMPARISON_RULES)
    yield declarations.COMPARISON_RULES
    declarations.COMPARISON_RULES[:] = saved


def test_a_finding_sends_the_declaration_to_the_officer_without_refusing_it(
    session: Session, plate: DoorPlate, rule_hooks: list[declarations.RuleHook]
) -> None:
    seen: list[dict[str, Any]] = []

    def room_not_rental(
        session: Session, declaration: Declaration, payload: Any, records: Any
    ) -> list[Finding]:
        seen.append(dict(payload))
        return [Finding(rule="room_not_rental", severity=Severity.WARNING, message_zh="房间未登记为出租屋",
                        message_en="Room is not registered as a rental")]  # fmt: skip

    def broken(session: Session, declaration: Declaration, payload: Any, records: Any) -> list[Finding]:
        raise RuntimeError("rule bug")

    rule_hooks.extend([room_not_rental, broken])
    declaration = submit_residence(
        session, plate_code=plate.code, data=residence(session, plate), idempotency_key="k", now=NOW
    )
    session.commit()
    assert declaration.status is DeclarationStatus.HAS_ISSUES
    assert seen[0]["person"]["id_number"] == TENANT_ID
    assert [(f.rule, f.created_at) for f in session.scalars(select(Finding))] == [("room_not_rental", NOW)]
    actions = session.scalars(select(DeclarationEvent.action).order_by(DeclarationEvent.id)).all()
    assert actions == ["submitted", "rule_failed"]
