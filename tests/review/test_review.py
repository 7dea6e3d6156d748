"""Officer review: the queue (scope, risk and age order, filters, counts, overdue), the detail
with its permission check, the decisions and what approval writes to the records, bulk
approval, two officers at once, and revealing personal data."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from shared.core.errors import DomainError, ValidationError
from shared.declarations.forms import validate_organisation, validate_rental
from shared.housing.people import find_person_by_id_number, reveal_phone
from shared.models import (
    AuditLog,
    Building,
    Declaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    Organisation,
    Person,
    Residence,
    Room,
    Severity,
)
from shared.review import apply as review_apply
from shared.review.bulk import bulk_approve
from shared.review.decisions import StaleItem, approve, ask_correction, reject
from shared.review.detail import get_detail
from shared.review.queue import QueueFilters, list_queue
from shared.review.reveal import reveal_personal_data
from shared.review.states import working_days_between
from shared.review.visits import record_visit
from shared.self_service.receipts import open_receipt, resubmit
from shared.self_service.residence_actions import end_residence
from shared.self_service.submit import submit_organisation, submit_rental
from shared.staff.auth import AccessDenied
from tests.factories import (
    CHILD_ID,
    LANDLORD_ID,
    TENANT_ID,
    declarant_fields,
    declare_residence,
    make_building,
    make_finding,
    make_grid,
    make_id_number,
    make_person,
    make_plate,
    make_room,
    make_street,
    make_uscc,
    make_village,
    organisation_fields,
    person_fields,
    rental_fields,
    staff_identity,
    tenant_fields,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday, 10:00 in Mayong
TODAY = date(2026, 11, 25)
SPOUSE_ID = make_id_number("430102", "19920303", "024")  # Changsha, female
OTHER_ID = make_id_number("450103", "19880808", "033")  # Nanning, male
ALL_STATES = tuple(DeclarationStatus)


pytestmark = pytest.mark.usefixtures("without_comparison_rules")


@dataclass
class Town:
    """麻一村 (grids G1, G2) and 新基村 (G3): a let building with an owner in G1, one building
    in G2 and one in G3; the officers of G1 and G2 and a supervisor."""

    rooms: dict[str, Room]
    officer: Any
    other_officer: Any
    supervisor: Any
    village: str
    other_village: str


@pytest.fixture
def town(session: Session) -> Town:
    mayi = make_village(session, name="麻一村")
    xinji = make_village(session, name="新基村")
    g1, g2 = make_grid(session, village=mayi, code="G1"), make_grid(session, village=mayi, code="G2")
    g3 = make_grid(session, village=xinji, code="G3")
    avenue = make_street(session, village=mayi, name="麻涌大道")
    road = make_street(session, village=xinji, name="新基路")
    owner = make_person(session, name="陈大文", id_number=LANDLORD_ID, phone="+8613912345678")
    a = make_building(
        session, plate=make_plate(session, street=avenue, number="12", grid=g1), name="A栋", owner=owner
    )
    b = make_building(session, plate=make_plate(session, street=avenue, number="30", grid=g2))
    c = make_building(
        session, plate=make_plate(session, street=road, number="5", grid=g3, lon=None, lat=None)
    )
    rooms = {
        "A101": make_room(session, building=a, number="101", is_rental=True),
        "A102": make_room(session, building=a, number="102"),
        "A201": make_room(session, building=a, number="201"),
        "B101": make_room(session, building=b, number="101"),
        "C101": make_room(session, building=c, number="101"),
    }
    session.commit()
    return Town(
        rooms=rooms,
        officer=staff_identity("officer", ["G1"], username="officer1"),
        other_officer=staff_identity("officer", ["G2"], username="officer2"),
        supervisor=staff_identity("supervisor", username="chief"),
        village=mayi.code,
        other_village=xinji.code,
    )


def declare(
    session: Session, town: Town, room: str = "A101", *, at: datetime = NOW, **fields: Any
) -> Declaration:
    declaration = declare_residence(session, room=town.rooms[room], now=at, **fields)
    session.commit()
    return declaration


def someone(id_number: str, name: str, **fields: Any) -> dict[str, Any]:
    """Another adult's form values; birth date and sex come from the number."""
    return person_fields(name=name, id_number=id_number, birth_date="", sex="", **fields)


def queue(session: Session, staff: Any, **filters: Any) -> list[int]:
    page = list_queue(session, staff=staff, filters=QueueFilters(**filters), now=NOW)
    return [item.declaration_id for item in page.items]


def decide(session: Session, action: Any, declaration: Declaration, staff: Any, **extra: Any) -> Any:
    """One decision as the detail page takes it: with the version it showed, committed."""
    detail = get_detail(session, declaration_id=declaration.id, staff=staff, now=NOW)
    result = action(
        session,
        declaration_id=declaration.id,
        staff=staff,
        now=NOW,
        expected_version=detail.row_version,
        **extra,
    )
    session.commit()
    return result


def residences_of(session: Session, id_number: str) -> list[tuple[int, date, date | None]]:
    person = find_person_by_id_number(session, id_type="01", id_number=id_number)
    assert person is not None
    rows = session.scalars(select(Residence).where(Residence.person_id == person.id).order_by(Residence.id))
    return [(r.room_id, r.since, r.until) for r in rows]


# -- the queue ------------------------------------------------------------------------------------


def test_officer_sees_own_grids_and_supervisor_the_whole_town(session: Session, town: Town) -> None:
    mine = declare(session, town, "A101")
    theirs = declare(session, town, "B101", person=someone(OTHER_ID, "王五"))
    elsewhere = declare(session, town, "C101", person=someone(SPOUSE_ID, "赵丽"))
    assert queue(session, town.officer) == [mine.id]
    assert queue(session, town.other_officer) == [theirs.id]
    assert sorted(queue(session, town.supervisor)) == [mine.id, theirs.id, elsewhere.id]
    assert queue(session, staff_identity("officer", [])) == []  # no grid assigned: nothing


def test_plate_without_grid_is_seen_by_supervisors_only(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    declaration.grid_code = None
    session.commit()
    assert queue(session, town.officer) == []
    assert queue(session, town.supervisor) == [declaration.id]
    assert queue(session, staff_identity("admin")) == [declaration.id]


def test_queue_sorts_by_worst_finding_then_number_of_findings_then_age(session: Session, town: Town) -> None:
    clean_old = declare(session, town, at=NOW - timedelta(days=10))
    warning = declare(session, town, at=NOW - timedelta(days=1), person=someone(OTHER_ID, "王五"))
    one_error = declare(session, town, at=NOW - timedelta(days=2), person=someone(SPOUSE_ID, "赵丽"))
    two = declare(session, town, "A102", at=NOW - timedelta(days=3))
    clean_new = declare(session, town, "A201", at=NOW - timedelta(days=5))
    make_finding(session, warning, severity="warning")
    make_finding(session, one_error, rule="room_missing", severity="error")
    make_finding(session, two, rule="room_missing", severity="error")
    make_finding(session, two, rule="late_declaration", severity="info")
    session.commit()
    assert queue(session, town.officer) == [two.id, one_error.id, warning.id, clean_old.id, clean_new.id]
    [first, *_] = list_queue(session, staff=town.officer, filters=QueueFilters(), now=NOW).items
    assert (first.rules, first.max_severity, first.finding_count) == (
        ("room_missing", "late_declaration"),
        Severity.ERROR,
        2,
    )


def test_queue_item_masks_the_declarant_and_gives_address_kind_state_and_age(
    session: Session, town: Town
) -> None:
    declaration = declare(session, town, at=NOW - timedelta(days=3))
    [item] = list_queue(session, staff=town.officer, filters=QueueFilters(), now=NOW).items
    assert (item.declaration_id, item.kind, item.status, item.declarant) == (
        declaration.id,
        DeclarationKind.RESIDENCE,
        DeclarationStatus.RECEIVED,
        "李*",
    )
    assert (item.address, item.village, item.grid_code, item.age_days, item.rules) == (
        "麻涌大道 12号 A栋 101",
        "麻一村",
        "G1",
        3,
        (),
    )


@pytest.mark.parametrize(
    ("days_ago", "working_days", "is_overdue"),
    [(0, 0, False), (1, 1, False), (7, 5, False), (8, 6, True), (14, 10, True)],
)
def test_pending_more_than_five_working_days_is_overdue(
    session: Session, town: Town, days_ago: int, working_days: int, is_overdue: bool
) -> None:
    declare(session, town, at=NOW - timedelta(days=days_ago))
    [item] = list_queue(session, staff=town.officer, filters=QueueFilters(), now=NOW).items
    assert (item.working_days, item.is_overdue) == (working_days, is_overdue)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 20), date(2026, 11, 23), 1),  # Friday → Monday
        (date(2026, 11, 21), date(2026, 11, 22), 0),  # a weekend
        (date(2026, 11, 2), date(2026, 11, 30), 20),  # four weeks
        (date(2026, 11, 25), date(2026, 11, 25), 0),
        (date(2026, 11, 26), date(2026, 11, 25), 0),
    ],
)
def test_working_days_skip_weekends(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_items_waiting_on_the_declarant_are_never_overdue(session: Session, town: Town) -> None:
    declaration = declare(session, town, at=NOW - timedelta(days=20))
    decide(session, ask_correction, declaration, town.officer, fields=["person.phone"], note="请核对电话")
    [item] = list_queue(
        session, staff=town.officer, filters=QueueFilters(states=ALL_STATES), now=NOW + timedelta(days=20)
    ).items
    assert item.status is DeclarationStatus.CORRECTION_REQUESTED and not item.is_overdue


def test_filters_by_village_grid_state_rule_and_age(session: Session, town: Town) -> None:
    a = declare(session, town, at=NOW - timedelta(days=10))
    b = declare(session, town, "B101", at=NOW - timedelta(days=1), person=someone(OTHER_ID, "王五"))
    c = declare(session, town, "C101", at=NOW - timedelta(days=4), person=someone(SPOUSE_ID, "赵丽"))
    make_finding(session, b, rule="room_over_capacity")
    session.commit()
    chief = town.supervisor
    assert sorted(queue(session, chief, village=town.village)) == [a.id, b.id]
    assert queue(session, chief, village=town.other_village) == [c.id]
    assert queue(session, chief, grid="G2") == [b.id]
    assert queue(session, chief, rule="room_over_capacity") == [b.id]
    assert queue(session, chief, states=(DeclarationStatus.HAS_ISSUES,)) == [b.id]
    assert queue(session, chief, min_age_days=4) == [a.id, c.id]
    assert queue(session, chief, max_age_days=4) == [b.id, c.id]  # b has a finding
    assert queue(session, chief, min_age_days=2, max_age_days=9) == [c.id]
    assert queue(session, town.officer, grid="G2") == []  # a filter never widens an officer's scope


def test_counts_per_state_for_the_same_scope_and_filters(session: Session, town: Town) -> None:
    approved = declare(session, town)
    rejected = declare(session, town, "A102", person=someone(OTHER_ID, "王五"))
    declare(session, town, "A201", person=someone(SPOUSE_ID, "赵丽"))
    declare(session, town, "B101", person=someone(make_id_number(), "钱七"))  # G2: not the officer's
    decide(session, approve, approved, town.officer)
    decide(session, reject, rejected, town.officer, reason="房间号有误")
    page = list_queue(session, staff=town.officer, filters=QueueFilters(), now=NOW)
    assert page.total == 1
    assert {s: n for s, n in page.counts_by_state.items() if n} == {
        DeclarationStatus.RECEIVED: 1,
        DeclarationStatus.APPROVED: 1,
        DeclarationStatus.REJECTED: 1,
    }
    chief = list_queue(session, staff=town.supervisor, filters=QueueFilters(grid="G2"), now=NOW)
    assert {s: n for s, n in chief.counts_by_state.items() if n} == {DeclarationStatus.RECEIVED: 1}


def test_queue_pages(session: Session, town: Town) -> None:
    ids = [declare(session, town, at=NOW - timedelta(days=9 - n), key=f"k{n}").id for n in range(5)]
    page = list_queue(session, staff=town.officer, filters=QueueFilters(), now=NOW, limit=2, offset=2)
    assert [i.declaration_id for i in page.items] == ids[2:4]
    assert page.total == 5


# -- the detail -----------------------------------------------------------------------------------


def test_officer_cannot_open_another_grids_item_and_cannot_tell_it_exists(
    session: Session, town: Town
) -> None:
    theirs = declare(session, town, "B101")
    messages = set()
    for declaration_id in (theirs.id, 999_999):
        with pytest.raises(DomainError) as refused:
            get_detail(session, declaration_id=declaration_id, staff=town.officer, now=NOW)
        messages.add(refused.value.message_en)
    assert messages == {"There is no such declaration in the grids you look after."}
    for act, extra in ((approve, {}), (reject, {"reason": "x"})):
        with pytest.raises(DomainError):
            act(session, declaration_id=theirs.id, staff=town.officer, now=NOW, expected_version=1, **extra)
    assert get_detail(session, declaration_id=theirs.id, staff=town.other_officer, now=NOW).address


def test_detail_shows_the_declaration_masked_beside_the_records(session: Session, town: Town) -> None:
    spouse = someone(SPOUSE_ID, "赵丽", relation="spouse", phone="13700137000")
    declaration = declare(session, town, family=[spouse])
    lisi = make_person(session, name="李四", id_number=TENANT_ID)  # on record, living in G2
    session.add(
        Residence(person_id=lisi.id, room_id=town.rooms["B101"].id, since=date(2025, 3, 1), reason="11")
    )
    neighbour = make_person(session, name="孙八", id_number=OTHER_ID)
    session.add_all(
        [
            Residence(
                person_id=neighbour.id, room_id=town.rooms["A101"].id, since=date(2024, 1, 1), reason="11"
            ),
            Residence(
                person_id=neighbour.id,
                room_id=town.rooms["A101"].id,
                since=date(2022, 1, 1),
                until=date(2023, 6, 1),
                reason="11",
            ),
        ]
    )
    make_finding(session, declaration, rule="person_resident_elsewhere", severity="warning", field="person")
    session.commit()

    detail = get_detail(session, declaration_id=declaration.id, staff=town.officer, now=NOW)
    assert (detail.address, detail.rooms, detail.village, detail.lon, detail.lat) == (
        "麻涌大道 12号",
        ("A栋 101",),
        "麻一村",
        113.58,
        23.05,
    )
    assert detail.declared["person"]["name"] == "李四"
    assert detail.declared["person"]["id_number"] == TENANT_ID[:3] + "*" * 11 + TENANT_ID[-4:]
    assert detail.declared["person"]["phone"] == "138****8000"
    assert detail.declared["family"][0]["phone"] == "137****7000"
    assert TENANT_ID not in repr(detail) and "13800138000" not in repr(detail)
    [building] = detail.buildings
    assert (building.owner, building.owner_id_number) == (
        "陈**",
        LANDLORD_ID[:3] + "*" * 11 + LANDLORD_ID[-4:],
    )
    assert [(r.label, r.is_rental, r.residents, r.is_declared) for r in building.rooms] == [
        ("A栋 101", True, 1, True),
        ("A栋 102", False, 0, False),
        ("A栋 201", False, 0, False),
    ]
    assert [(r.name, r.since, r.until, r.is_current) for r in detail.room_residents] == [
        ("孙*", date(2024, 1, 1), None, True),
        ("孙*", date(2022, 1, 1), date(2023, 6, 1), False),
    ]
    me, wife = detail.people
    assert (me.path, me.declared_name, me.recorded_name) == ("person", "李四", "李四")
    assert [(r.room, r.since, r.is_current) for r in me.residences] == [
        ("麻涌大道 30号 101", date(2025, 3, 1), True)
    ]
    assert (wife.path, wife.recorded_name, wife.residences) == ("family[0]", None, ())
    assert [(f.rule, f.severity, f.field) for f in detail.findings] == [
        ("person_resident_elsewhere", "warning", "person")
    ]
    assert [t.action for t in detail.timeline] == ["submitted"]
    assert "family[0].id_number" in detail.field_paths and detail.can_decide
    assert detail.changes == ()


def test_detail_shows_what_a_resubmission_changed_masked(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    decide(session, ask_correction, declaration, town.officer, fields=["person.phone"], note="电话打不通")
    data = validate_residence_again(town, phone="13600136000", employer="麻涌某五金厂")
    resubmit(
        session,
        receipt_code=declaration.receipt_code,
        doc_tail=TENANT_ID[-6:],
        data=data,
        now=NOW,
        client_key="c",
    )
    session.commit()
    detail = get_detail(session, declaration_id=declaration.id, staff=town.officer, now=NOW)
    assert detail.status is DeclarationStatus.RESUBMITTED and detail.version == 2
    assert [(c.path, c.old, c.new) for c in detail.changes] == [
        ("person.employer", "东莞麻涌某电子厂", "麻涌某五金厂"),
        ("person.phone", "138****8000", "136****6000"),
    ]
    request = next(t for t in detail.timeline if t.action == "correction_requested")
    assert (request.fields, request.note, request.actor) == (("person.phone",), "电话打不通", "officer1")


def validate_residence_again(town: Town, **person: Any) -> Any:
    from shared.declarations.forms import validate_residence
    from tests.factories import residence_fields

    return validate_residence(
        residence_fields(town.rooms["A101"].id, person=person_fields(**person)), today=TODAY
    )


# -- approving ------------------------------------------------------------------------------------


def test_approval_creates_the_people_opens_residences_and_ends_the_one_elsewhere(
    session: Session, town: Town
) -> None:
    lisi = make_person(session, name="李四旧名", id_number=TENANT_ID)
    old = Residence(person_id=lisi.id, room_id=town.rooms["B101"].id, since=date(2025, 3, 1), reason="11")
    session.add(old)
    session.commit()
    spouse = someone(SPOUSE_ID, "赵丽", relation="spouse")
    declaration = declare(session, town, family=[spouse])

    outcome = decide(session, approve, declaration, town.officer)

    assert (outcome.people_created, outcome.people_matched) == (1, 1)
    assert (outcome.residences_opened, outcome.residences_ended) == (2, 1)
    a101, b101 = town.rooms["A101"].id, town.rooms["B101"].id
    assert residences_of(session, TENANT_ID) == [
        (b101, date(2025, 3, 1), date(2026, 11, 1)),
        (a101, date(2026, 11, 1), None),
    ]
    assert residences_of(session, SPOUSE_ID) == [(a101, date(2026, 11, 1), None)]
    session.refresh(lisi)
    assert lisi.name == "李四" and reveal_phone(lisi) == "+8613800138000"
    new = session.scalars(select(Residence).where(Residence.room_id == a101)).all()
    assert {(r.declaration_id, r.planned_until, r.reason, r.dwelling_type) for r in new} == {
        (declaration.id, date(2027, 10, 31), "11", "02")
    }
    session.refresh(declaration)
    assert declaration.status is DeclarationStatus.APPROVED
    assert [e.action for e in declaration.events][-1] == "approved"
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "declaration.approve")).one()
    assert (audit.actor, audit.target_id, audit.detail["residences_ended"]) == (
        "officer1",
        str(declaration.id),
        1,
    )


def test_a_failure_midway_through_approval_leaves_nothing_applied(
    session: Session, town: Town, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    lisi = make_person(session, name="李四", id_number=TENANT_ID)
    session.add(
        Residence(person_id=lisi.id, room_id=town.rooms["B101"].id, since=date(2025, 3, 1), reason="11")
    )
    session.commit()
    declaration = declare(session, town, family=[someone(SPOUSE_ID, "赵丽", relation="spouse")])
    real = review_apply.settle_residence
    calls = []

    def fail_on_the_family_member(*args: Any, **kwargs: Any) -> Residence:
        calls.append(kwargs["person"].name)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(review_apply, "settle_residence", fail_on_the_family_member)
    with (
        Session(engine) as officer_session,
        pytest.raises(RuntimeError, match="disk full"),
        officer_session.begin(),
    ):
        approve(
            officer_session, declaration_id=declaration.id, staff=town.officer, now=NOW, expected_version=1
        )
    assert calls == ["李四", "赵丽"]  # the first person's residence was written, then it failed

    with Session(engine) as fresh:
        assert fresh.get(Declaration, declaration.id).status is DeclarationStatus.RECEIVED  # type: ignore[union-attr]
        assert residences_of(fresh, TENANT_ID) == [(town.rooms["B101"].id, date(2025, 3, 1), None)]
        assert find_person_by_id_number(fresh, id_type="01", id_number=SPOUSE_ID) is None
        assert (
            fresh.scalar(
                select(func.count())
                .select_from(DeclarationEvent)
                .where(DeclarationEvent.action == "approved")
            )
            == 0
        )


def test_approving_a_corrected_declaration_again_updates_the_residence(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    decide(session, approve, declaration, town.officer)
    data = validate_residence_again(town, phone="13600136000")
    resubmit(
        session,
        receipt_code=declaration.receipt_code,
        doc_tail=TENANT_ID[-6:],
        data=data,
        now=NOW,
        client_key="c",
    )
    session.commit()
    outcome = decide(session, approve, declaration, town.officer)
    assert (outcome.people_created, outcome.residences_opened, outcome.residences_updated) == (0, 0, 1)
    assert residences_of(session, TENANT_ID) == [(town.rooms["A101"].id, date(2026, 11, 1), None)]


def test_approving_a_move_out_ends_the_residence(session: Session, town: Town) -> None:
    declaration = declare(session, town, family=[someone(SPOUSE_ID, "赵丽", relation="spouse")])
    decide(session, approve, declaration, town.officer)
    end_residence(
        session, receipt_code=declaration.receipt_code, doc_tail=TENANT_ID[-6:], move_out=date(2026, 11, 20),
        now=NOW, client_key="c",
    )  # fmt: skip
    session.commit()
    assert declaration.status is DeclarationStatus.RESUBMITTED
    outcome = decide(session, approve, declaration, town.officer)
    assert outcome.residences_ended == 2
    a101 = town.rooms["A101"].id
    assert residences_of(session, TENANT_ID) == [(a101, date(2026, 11, 1), date(2026, 11, 20))]
    assert residences_of(session, SPOUSE_ID) == [(a101, date(2026, 11, 1), date(2026, 11, 20))]


def test_approving_a_rental_lets_the_rooms_and_records_tenants_and_landlord(
    session: Session, town: Town
) -> None:
    b = town.rooms["B101"]  # a building with no recorded owner
    tenants = [tenant_fields(b.id, name="王五", id_number=OTHER_ID, birth_date="", sex="")]
    data = validate_rental(rental_fields([b.id], tenants=tenants), today=TODAY)
    plate = session.get(Building, b.building_id).plate_code  # type: ignore[union-attr]
    declaration = submit_rental(session, plate_code=plate, data=data, idempotency_key="rental", now=NOW)
    session.commit()

    outcome = decide(session, approve, declaration, town.other_officer)

    assert (outcome.rooms_marked_rental, outcome.people_created, outcome.people_matched) == (1, 1, 1)
    assert outcome.residences_opened == 1
    session.refresh(b)
    assert b.is_rental
    assert residences_of(session, OTHER_ID) == [(b.id, date(2026, 10, 15), None)]
    [residence] = session.scalars(select(Residence).where(Residence.room_id == b.id))
    assert (residence.planned_until, residence.dwelling_type) == (date(2027, 9, 30), "02")
    landlord = find_person_by_id_number(session, id_type="01", id_number=LANDLORD_ID)
    assert landlord is not None and landlord.name == "陈大文"  # on record already (owner of A栋)
    assert session.get(Building, b.building_id).owner_person_id == landlord.id  # type: ignore[union-attr]


def test_approving_a_rental_never_replaces_a_recorded_owner(session: Session, town: Town) -> None:
    a101 = town.rooms["A101"]
    sub_landlord = declarant_fields(name="周二房", id_number=make_id_number("441900", "19750505", "071"))
    data = validate_rental(rental_fields([a101.id], landlord=sub_landlord), today=TODAY)
    plate = session.get(Building, a101.building_id).plate_code  # type: ignore[union-attr]
    declaration = submit_rental(session, plate_code=plate, data=data, idempotency_key="sub", now=NOW)
    session.commit()
    decide(session, approve, declaration, town.officer)
    owner = session.get(Building, a101.building_id).owner_person  # type: ignore[union-attr]
    assert owner is not None and owner.name == "陈大文"
    assert find_person_by_id_number(session, id_type="01", id_number=sub_landlord["id_number"]) is not None


def test_approving_an_organisation_creates_it_then_a_later_one_updates_it(
    session: Session, town: Town
) -> None:
    a201 = town.rooms["A201"]
    plate = session.get(Building, a201.building_id).plate_code  # type: ignore[union-attr]
    uscc = make_uscc()
    first = submit_organisation(
        session, plate_code=plate, data=validate_organisation(organisation_fields(uscc=uscc), today=TODAY),
        idempotency_key="org1", now=NOW,
    )  # fmt: skip
    session.commit()
    outcome = decide(session, approve, first, town.officer)
    organisation = session.get(Organisation, outcome.organisation_id)
    assert organisation is not None
    assert (organisation.name, organisation.uscc, organisation.plate_code, organisation.staff_count) == (
        "东莞市麻涌某五金有限公司", uscc, plate, 35,
    )  # fmt: skip
    moved = organisation_fields(
        uscc=uscc, name="东莞市麻涌新五金有限公司", room_id=str(a201.id), status="suspended"
    )
    second = submit_organisation(
        session,
        plate_code=plate,
        data=validate_organisation(moved, today=TODAY),
        idempotency_key="org2",
        now=NOW,
    )
    session.commit()
    assert decide(session, approve, second, town.officer).organisation_id == organisation.id
    session.refresh(organisation)
    assert (organisation.name, organisation.room_id, organisation.status.value) == (
        "东莞市麻涌新五金有限公司", a201.id, "suspended",
    )  # fmt: skip
    assert session.scalar(select(func.count()).select_from(Organisation)) == 1


# -- the other decisions --------------------------------------------------------------------------


def test_rejection_reason_is_on_the_receipt(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    decide(session, reject, declaration, town.officer, reason="该房间无人居住，经核实申报不实")
    view = open_receipt(
        session, receipt_code=declaration.receipt_code, doc_tail=TENANT_ID[-6:], client_key="c", now=NOW
    )
    assert (view.status, view.rejection_reason) == (
        DeclarationStatus.REJECTED,
        "该房间无人居住，经核实申报不实",
    )
    assert session.scalar(select(func.count()).select_from(Residence)) == 0


def test_rejection_needs_a_reason(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    with pytest.raises(ValidationError) as refused:
        reject(
            session,
            declaration_id=declaration.id,
            staff=town.officer,
            now=NOW,
            expected_version=1,
            reason="  ",
        )
    assert (refused.value.field, refused.value.message_en) == ("reason", "Reason: this field is required")


@pytest.mark.parametrize(
    ("action", "arguments"),
    [
        (reject, {"reason": "不实\x00", "expected_version": 1}),
        (ask_correction, {"fields": [], "note": "请核对\u202e", "expected_version": 1}),
        (record_visit, {"visited_on": NOW.date(), "seen_in_person": True, "note": "见到\x07本人"}),
        (reveal_personal_data, {"reason": "核查\x00"}),
    ],
)
def test_typed_reasons_and_notes_refuse_control_and_invisible_characters(
    session: Session, town: Town, action: Any, arguments: dict[str, Any]
) -> None:
    declaration = declare(session, town)
    with pytest.raises(ValidationError) as refused:
        action(session, declaration_id=declaration.id, staff=town.officer, now=NOW, **arguments)
    assert refused.value.message_en.endswith("contains control or invisible characters")
    session.rollback()
    assert session.get(Declaration, declaration.id).status is DeclarationStatus.RECEIVED  # type: ignore[union-attr]


def test_asked_correction_is_on_the_receipt(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    decide(
        session, ask_correction, declaration, town.officer, fields=["person.phone", "move_in"], note="请核对"
    )
    view = open_receipt(
        session, receipt_code=declaration.receipt_code, doc_tail=TENANT_ID[-6:], client_key="c", now=NOW
    )
    assert view.status is DeclarationStatus.CORRECTION_REQUESTED
    assert view.correction is not None
    assert (view.correction.fields, view.correction.note, view.correction.is_open) == (
        ("person.phone", "move_in"),
        "请核对",
        True,
    )


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("approve", "approve"),
        ("approve", "reject"),
        ("reject", "approve"),
        ("reject", "ask_correction"),
        ("approve", "ask_correction"),
    ],
)
def test_a_closed_declaration_cannot_be_decided_again(
    session: Session, town: Town, first: str, then: str
) -> None:
    actions: dict[str, tuple[Any, dict[str, Any]]] = {
        "approve": (approve, {}),
        "reject": (reject, {"reason": "不实"}),
        "ask_correction": (ask_correction, {"fields": ["person.phone"], "note": ""}),
    }
    declaration = declare(session, town)
    act, extra = actions[first]
    decide(session, act, declaration, town.officer, **extra)
    act, extra = actions[then]
    with pytest.raises(DomainError) as refused:
        decide(session, act, declaration, town.officer, **extra)
    assert not isinstance(refused.value, StaleItem)
    session.rollback()


def test_an_officer_may_approve_while_a_correction_is_outstanding(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    decide(session, ask_correction, declaration, town.officer, fields=[], note="电话核实后可通过")
    decide(session, approve, declaration, town.officer)
    assert declaration.status is DeclarationStatus.APPROVED


def test_visit_seen_in_person_counts_as_the_buildings_inspection(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    record_visit(
        session, declaration_id=declaration.id, staff=town.officer, now=NOW, visited_on=TODAY,
        seen_in_person=False, note="无人在家",
    )  # fmt: skip
    session.commit()
    building = session.get(Building, town.rooms["A101"].building_id)
    assert building is not None and building.last_visited_at is None  # 见到算数: nobody seen
    record_visit(
        session, declaration_id=declaration.id, staff=town.officer, now=NOW,
        visited_on=TODAY - timedelta(days=1), seen_in_person=True, note="见到本人及配偶",
    )  # fmt: skip
    session.commit()
    session.refresh(building)
    assert building.last_visited_at == datetime(2026, 11, 24, 4, 0, tzinfo=UTC)  # noon in Mayong
    detail = get_detail(session, declaration_id=declaration.id, staff=town.officer, now=NOW)
    visits = [t for t in detail.timeline if t.action == "visited"]
    assert [(v.visited_on, v.seen_in_person, v.note) for v in visits] == [
        (TODAY, False, "无人在家"),
        (TODAY - timedelta(days=1), True, "见到本人及配偶"),
    ]
    assert declaration.status is DeclarationStatus.RECEIVED  # a visit decides nothing
    with pytest.raises(ValidationError):
        record_visit(
            session, declaration_id=declaration.id, staff=town.officer, now=NOW,
            visited_on=TODAY + timedelta(days=1), seen_in_person=True,
        )  # fmt: skip


# -- bulk approval --------------------------------------------------------------------------------


def test_bulk_approve_takes_the_filtered_items_without_findings(session: Session, town: Town) -> None:
    clean = declare(session, town)
    flagged = declare(session, town, "A102", person=someone(OTHER_ID, "王五"))
    make_finding(session, flagged, severity="info")
    other_grid = declare(session, town, "B101", person=someone(SPOUSE_ID, "赵丽"))
    session.commit()
    result = bulk_approve(session, staff=town.officer, filters=QueueFilters(), now=NOW)
    session.commit()
    assert (result.approved, result.approved_ids) == (1, (clean.id,))
    statuses = {d.id: d.status for d in session.scalars(select(Declaration))}
    assert statuses == {
        clean.id: DeclarationStatus.APPROVED,
        flagged.id: DeclarationStatus.HAS_ISSUES,
        other_grid.id: DeclarationStatus.RECEIVED,
    }
    assert residences_of(session, TENANT_ID) == [(town.rooms["A101"].id, date(2026, 11, 1), None)]
    audit = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert audit[-2:] == ["declaration.bulk_approve", "declaration.approve"]


def test_bulk_approve_skips_what_changed_since_the_officer_confirmed(session: Session, town: Town) -> None:
    shown = declare(session, town)
    changed = declare(session, town, "A102", person=someone(OTHER_ID, "王五"))
    confirmed = {shown.id: shown.row_version, changed.id: changed.row_version}
    decide(session, reject, changed, town.officer, reason="重复申报")
    late = declare(session, town, "A201", person=someone(SPOUSE_ID, "赵丽"))  # not shown: left alone
    result = bulk_approve(session, staff=town.officer, filters=QueueFilters(), now=NOW, confirmed=confirmed)
    session.commit()
    assert (result.approved_ids, result.skipped_ids) == ((shown.id,), (changed.id,))
    assert session.get(Declaration, late.id).status is DeclarationStatus.RECEIVED  # type: ignore[union-attr]


# -- two officers at once -------------------------------------------------------------------------


@pytest.fixture
def second_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as other:
        yield other


def test_second_officer_with_a_stale_page_is_told_and_nothing_is_applied_twice(
    session: Session, second_session: Session, town: Town
) -> None:
    declaration = declare(session, town)
    shown_to_both = get_detail(second_session, declaration_id=declaration.id, staff=town.supervisor, now=NOW)
    decide(session, approve, declaration, town.officer)
    with pytest.raises(StaleItem) as refused:
        approve(
            second_session, declaration_id=declaration.id, staff=town.supervisor, now=NOW,
            expected_version=shown_to_both.row_version,
        )  # fmt: skip
    second_session.rollback()
    assert refused.value.message_en == "This item was just changed by someone else; reload it and try again."
    assert refused.value.message_zh == "该申报刚刚已被他人处理或修改，请刷新后重试。"
    assert len(residences_of(session, TENANT_ID)) == 1
    for act, extra in ((reject, {"reason": "x"}), (ask_correction, {"fields": [], "note": "x"})):
        with pytest.raises(StaleItem):
            act(
                second_session, declaration_id=declaration.id, staff=town.supervisor, now=NOW,
                expected_version=shown_to_both.row_version, **extra,
            )  # fmt: skip
        second_session.rollback()


def test_the_database_stops_the_second_of_two_simultaneous_approvals(
    session: Session, second_session: Session, town: Town
) -> None:
    """Both officers passed the version check before either wrote: the row version in the
    UPDATE's WHERE decides."""
    declaration = declare(session, town)
    version = declaration.row_version
    fired: list[bool] = []

    def first_officer_commits_in_between(*_: Any) -> None:
        if not fired:
            fired.append(True)
            approve(
                session, declaration_id=declaration.id, staff=town.officer, now=NOW, expected_version=version
            )
            session.commit()

    event.listen(second_session, "before_flush", first_officer_commits_in_between)
    with pytest.raises(StaleItem):
        approve(
            second_session,
            declaration_id=declaration.id,
            staff=town.supervisor,
            now=NOW,
            expected_version=version,
        )
    second_session.rollback()
    assert fired
    assert len(residences_of(session, TENANT_ID)) == 1
    approvals = (
        select(func.count()).select_from(DeclarationEvent).where(DeclarationEvent.action == "approved")
    )
    assert session.scalar(approvals) == 1


def test_two_threads_approving_at_once_one_wins(engine: Engine, session: Session, town: Town) -> None:
    declaration = declare(session, town, family=[someone(SPOUSE_ID, "赵丽", relation="spouse")])
    both_read = threading.Barrier(2, timeout=10)
    results: list[str] = []

    def officer(staff: Any) -> None:
        with Session(engine) as own:
            shown = get_detail(own, declaration_id=declaration.id, staff=staff, now=NOW)
            both_read.wait()
            try:
                approve(
                    own,
                    declaration_id=declaration.id,
                    staff=staff,
                    now=NOW,
                    expected_version=shown.row_version,
                )
                own.commit()
                results.append("approved")
            except StaleItem:
                own.rollback()
                results.append("told")

    threads = [threading.Thread(target=officer, args=(s,)) for s in (town.officer, town.supervisor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["approved", "told"]
    assert len(residences_of(session, TENANT_ID)) == 1 and len(residences_of(session, SPOUSE_ID)) == 1
    assert session.scalar(select(func.count()).select_from(Person)) == 3  # owner, tenant, spouse


# -- revealing personal data ----------------------------------------------------------------------


def test_reveal_gives_clear_values_and_is_audited(session: Session, town: Town) -> None:
    child = person_fields(
        name="李小妹", id_number=CHILD_ID, birth_date="", sex="", relation="child", phone=""
    )
    declaration = declare(session, town, family=[child])
    values = reveal_personal_data(
        session, declaration_id=declaration.id, staff=town.officer, now=NOW, reason="上门核查前核对身份"
    )
    session.commit()
    assert values == {
        "person.id_number": TENANT_ID,
        "person.phone": "+8613800138000",
        "family[0].id_number": CHILD_ID,  # a child without a phone of her own
    }
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal")).one()
    assert (entry.actor, entry.target_type, entry.target_id, entry.at) == (
        "officer1", "declaration", str(declaration.id), NOW,
    )  # fmt: skip
    assert entry.detail == {
        "fields": ["family[0].id_number", "person.id_number", "person.phone"],
        "reason": "上门核查前核对身份",
        "version": 1,
    }
    assert TENANT_ID not in str(entry.detail)


def test_reveal_needs_a_reason_a_role_that_may_and_the_grid(session: Session, town: Town) -> None:
    declaration = declare(session, town)
    with pytest.raises(ValidationError):
        reveal_personal_data(session, declaration_id=declaration.id, staff=town.officer, now=NOW, reason=" ")
    with pytest.raises(AccessDenied):
        reveal_personal_data(
            session, declaration_id=declaration.id, staff=staff_identity("admin"), now=NOW, reason="x"
        )
    with pytest.raises(DomainError):
        reveal_personal_data(
            session, declaration_id=declaration.id, staff=town.other_officer, now=NOW, reason="x"
        )
    assert (
        session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "pii.reveal")) == 0
    )


@pytest.mark.parametrize(("dwelling_type", "is_rental"), [("02", True), ("01", False)])
def test_approving_a_tenants_residence_marks_the_room_let(
    session: Session, town: Town, dwelling_type: str, is_rental: bool
) -> None:
    declaration = declare(session, town, "A102", dwelling_type=dwelling_type)
    outcome = decide(session, approve, declaration, town.officer)
    session.refresh(town.rooms["A102"])
    assert (town.rooms["A102"].is_rental, outcome.rooms_marked_rental) == (is_rental, int(is_rental))
