"""平安出租屋: the checklist becomes 整改 with deadlines, the landlord reports them done from his
receipt, the officer closes them, and each rental is rated from what its last inspection left."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.errors import DomainError, ValidationError
from shared.declarations.forms import validate_rental
from shared.inspections.checklist import Rating, checklist
from shared.inspections.landlord import rectifications_for_rooms, report_done
from shared.inspections.ratings import building_ratings, plate_ratings, village_rating_counts
from shared.inspections.records import close_rectification, record_inspection, reopen_rectification
from shared.inspections.views import rental_view
from shared.models import AuditLog, Building, Declaration, Rectification, RectificationStatus
from shared.self_service.receipt_access import ReceiptMismatch
from shared.self_service.submit import submit_rental
from shared.staff.auth import AccessDenied
from tests.factories import (
    LANDLORD_ID,
    make_building,
    make_grid,
    make_plate,
    make_room,
    make_village,
    rental_fields,
    staff_identity,
)

NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 01:00 on 25 November in Mayong
TODAY = date(2026, 11, 25)
TAIL = LANDLORD_ID[-6:]

pytestmark = pytest.mark.usefixtures("without_comparison_rules")


def all_pass(**failed: bool) -> dict[str, bool]:
    return {item.code: failed.get(item.code, True) for item in checklist()}


@pytest.fixture
def rental(session: Session) -> tuple[Building, Declaration]:
    """A let building in grid G1 and its landlord's rental declaration."""
    grid = make_grid(session, code="G1")
    building = make_building(session, plate=make_plate(session, grid=grid), name="A栋")
    room = make_room(session, building=building, is_rental=True)
    data = validate_rental(rental_fields([room.id]), today=TODAY)
    declaration = submit_rental(
        session, plate_code=building.plate_code, data=data, idempotency_key="r1", now=NOW
    )
    return building, declaration


@pytest.fixture
def officer() -> object:
    return staff_identity("officer", ["G1"], username="officer1")


def done(session: Session, declaration: Declaration, rectification_id: int, **kw: object) -> Rectification:
    args: dict[str, object] = {"note": "已清理通道", "photo": None} | kw
    return report_done(
        session, receipt_code=declaration.receipt_code, doc_tail=args.pop("tail", TAIL),  # type: ignore[arg-type]
        client_key="phone", rectification_id=rectification_id, now=NOW + timedelta(days=2), **args,  # type: ignore[arg-type]
    )  # fmt: skip


def test_checklist_comes_from_the_town_code_list_with_its_major_hazards() -> None:
    items = {item.code: item for item in checklist()}
    assert len(items) == 8
    assert {code for code, item in items.items() if item.is_major} == {"escape", "ebike", "three_in_one"}
    assert items["pledge"].zh.startswith("治安消防安全责任书")


def test_failed_items_become_rectifications_due_in_seven_china_days(session, rental, officer) -> None:
    building, _ = rental
    inspection = record_inspection(
        session, staff=officer, building_id=building.id, results=all_pass(smoke=False, wiring=False),
        notes={"smoke": "二楼无烟感"}, now=NOW,
    )  # fmt: skip
    rows = session.scalars(select(Rectification).order_by(Rectification.item_code)).all()
    assert [(r.item_code, r.status, r.due_on) for r in rows] == [
        ("smoke", RectificationStatus.OPEN, TODAY + timedelta(days=7)),  # from the China date, not UTC's
        ("wiring", RectificationStatus.OPEN, TODAY + timedelta(days=7)),
    ]
    assert rows[0].note == "二楼无烟感"
    assert inspection.results["smoke"] is False and inspection.officer == "officer1"
    assert building.last_visited_at == NOW  # the inspection is the in-person visit
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "inspection.recorded")).one()
    assert audit.actor == "officer1" and audit.detail["opened"] == ["wiring", "smoke"]


def test_deadline_follows_the_officer(session, rental, officer) -> None:
    building, _ = rental
    record_inspection(
        session, staff=officer, building_id=building.id, results=all_pass(pledge=False), due_days=3, now=NOW
    )
    assert session.scalars(select(Rectification.due_on)).one() == TODAY + timedelta(days=3)


@pytest.mark.parametrize(
    ("results", "days", "field"),
    [
        ({"smoke": True}, 7, "fire_ext"),  # every item must be answered
        (all_pass() | {"sauna": False}, 7, "sauna"),  # and only the town's items
        (all_pass(), 0, "due_days"),
        (all_pass(), 91, "due_days"),
    ],
)
def test_incomplete_checklist_or_bad_deadline_is_refused(
    session, rental, officer, results, days, field
) -> None:
    building, _ = rental
    with pytest.raises(ValidationError) as error:
        record_inspection(
            session, staff=officer, building_id=building.id, results=results, due_days=days, now=NOW
        )
    assert error.value.field == field
    assert session.scalars(select(Rectification)).all() == []


def test_officer_inspects_only_in_own_grid(session, rental) -> None:
    building, _ = rental
    stranger = staff_identity("officer", ["G9"])
    with pytest.raises(AccessDenied):
        record_inspection(session, staff=stranger, building_id=building.id, results=all_pass(), now=NOW)
    supervisor = staff_identity("supervisor")
    record_inspection(session, staff=supervisor, building_id=building.id, results=all_pass(), now=NOW)


def test_landlord_sees_and_reports_done_then_officer_closes(session, rental, officer) -> None:
    building, declaration = rental
    record_inspection(
        session, staff=officer, building_id=building.id, results=all_pass(escape=False), now=NOW
    )
    rooms = list(declaration.__dict__.get("room_ids", [])) or [
        r.id
        for r in session.get(Building, building.id).rooms  # type: ignore[union-attr]
    ]
    [shown] = rectifications_for_rooms(session, room_ids=rooms, today=TODAY)
    assert (shown.item_zh, shown.status, shown.days_left) == (
        "疏散通道、安全出口畅通",
        RectificationStatus.OPEN,
        7,
    )
    fixed = done(session, declaration, shown.id)
    assert (fixed.status, fixed.landlord_note, fixed.photo) == (RectificationStatus.DONE, "已清理通道", None)
    assert rental_view(session, staff=officer, building_id=building.id, today=TODAY).open[0].landlord_note
    closed = close_rectification(
        session, staff=officer, rectification_id=fixed.id, now=NOW + timedelta(days=5)
    )
    assert (closed.status, closed.closed_by) == (RectificationStatus.CLOSED, "officer1")
    actions = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions[-3:] == ["inspection.recorded", "rectification.done", "rectification.closed"]
    assert building_ratings(session, today=TODAY)[building.id] is Rating.SAFE
    with pytest.raises(DomainError):  # closed: nothing left to report
        done(session, declaration, fixed.id)


def test_landlord_needs_the_receipt_tail_and_his_own_rooms(session, rental, officer) -> None:
    building, declaration = rental
    other = make_building(session, plate=make_plate(session, grid=make_grid(session, code="G2")))
    make_room(session, building=other, is_rental=True)
    record_inspection(session, staff=officer, building_id=building.id, results=all_pass(smoke=False), now=NOW)
    record_inspection(
        session,
        staff=staff_identity("supervisor"),
        building_id=other.id,
        results=all_pass(ebike=False),
        now=NOW,
    )
    mine, theirs = session.scalars(select(Rectification).order_by(Rectification.id)).all()
    session.commit()  # a failed attempt is counted in its own transaction
    with pytest.raises(ReceiptMismatch):
        done(session, declaration, mine.id, tail="000000")
    with pytest.raises(DomainError, match="No such rectification"):
        done(session, declaration, theirs.id)
    with pytest.raises(ValidationError):
        done(session, declaration, mine.id, note="  ")
    assert mine.status is RectificationStatus.OPEN and theirs.status is RectificationStatus.OPEN


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 2000), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (23.0, 3.0, 0.0)}  # GPSInfo: where the phone was
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_landlord_photo_is_reencoded_small_and_without_exif(session, rental, officer) -> None:
    building, declaration = rental
    record_inspection(session, staff=officer, building_id=building.id, results=all_pass(smoke=False), now=NOW)
    rid = session.scalars(select(Rectification.id)).one()
    stored = done(session, declaration, rid, photo=_jpeg_with_gps()).photo
    assert stored is not None
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and max(image.size) == 1600
        assert not image.getexif()


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (b"GIF89a" + b"\0" * 100, "not a readable image"),
        (b"%PDF-1.4 not an image", "not a readable image"),
        (b"\xff\xd8" + b"\0" * (5 * 1024 * 1024), "at most 5 MB"),
    ],
)
def test_landlord_photo_of_wrong_kind_or_size_is_refused(session, rental, officer, photo, message) -> None:
    building, declaration = rental
    record_inspection(session, staff=officer, building_id=building.id, results=all_pass(smoke=False), now=NOW)
    rid = session.scalars(select(Rectification.id)).one()
    with pytest.raises(ValidationError, match=message):
        done(session, declaration, rid, photo=photo)


def test_next_inspection_closes_what_passes_and_sends_back_what_does_not(session, rental, officer) -> None:
    building, declaration = rental
    failed = all_pass(smoke=False, wiring=False, pledge=False)
    record_inspection(session, staff=officer, building_id=building.id, results=failed, now=NOW)
    by_item = {r.item_code: r for r in session.scalars(select(Rectification))}
    done(session, declaration, by_item["wiring"].id)
    later = NOW + timedelta(days=10)
    second = record_inspection(
        session,
        staff=officer,
        building_id=building.id,
        results=all_pass(wiring=False, pledge=False),
        now=later,
    )
    assert by_item["smoke"].status is RectificationStatus.CLOSED
    assert by_item["smoke"].closed_by_inspection_id == second.id
    assert by_item["wiring"].status is RectificationStatus.OPEN  # reported done, found not fixed
    assert by_item["wiring"].due_on == TODAY + timedelta(days=17)
    assert by_item["pledge"].due_on == TODAY + timedelta(days=7)  # still open: its deadline runs on
    assert session.scalars(select(Rectification)).all().__len__() == 3  # no duplicates


def test_reopen_needs_a_report_and_a_reason(session, rental, officer) -> None:
    building, declaration = rental
    record_inspection(session, staff=officer, building_id=building.id, results=all_pass(smoke=False), now=NOW)
    rid = session.scalars(select(Rectification.id)).one()
    with pytest.raises(DomainError, match="reported done"):
        reopen_rectification(session, staff=officer, rectification_id=rid, note="仍无烟感", now=NOW)
    done(session, declaration, rid)
    with pytest.raises(ValidationError):
        reopen_rectification(session, staff=officer, rectification_id=rid, note="", now=NOW)
    back = reopen_rectification(
        session, staff=officer, rectification_id=rid, note="仍无烟感", due_days=3, now=NOW
    )
    assert (back.status, back.note, back.due_on) == (
        RectificationStatus.OPEN,
        "仍无烟感",
        TODAY + timedelta(days=3),
    )


def test_ratings_from_the_last_inspection(session) -> None:
    village = make_village(session)
    grid = make_grid(session, village=village, code="G1")
    supervisor = staff_identity("supervisor")
    plate = make_plate(session, grid=grid, village=village)
    safe, general, major, overdue, never = (make_building(session, plate=plate) for _ in range(5))
    for building in (safe, general, major, overdue, never):
        make_room(session, building=building, is_rental=True)
    record_inspection(session, staff=supervisor, building_id=safe.id, results=all_pass(), now=NOW)
    record_inspection(
        session, staff=supervisor, building_id=general.id, results=all_pass(smoke=False), now=NOW
    )
    record_inspection(
        session, staff=supervisor, building_id=major.id, results=all_pass(three_in_one=False), now=NOW
    )
    record_inspection(
        session,
        staff=supervisor,
        building_id=overdue.id,
        results=all_pass(smoke=False),
        now=NOW - timedelta(days=8),
    )
    ratings = building_ratings(session, today=TODAY)
    assert ratings == {
        safe.id: Rating.SAFE,
        general.id: Rating.NEEDS_WORK,
        major.id: Rating.HIGH_RISK,  # 三合一 is a major hazard
        overdue.id: Rating.HIGH_RISK,  # past its deadline, not reported done
        never.id: Rating.NOT_INSPECTED,
    }
    assert plate_ratings(session, today=TODAY) == {plate.code: Rating.HIGH_RISK}  # its worst rental
    counts = village_rating_counts(session, today=TODAY)[village.code]
    assert counts == {Rating.SAFE: 1, Rating.NEEDS_WORK: 1, Rating.HIGH_RISK: 2, Rating.NOT_INSPECTED: 1}
    later = TODAY + timedelta(days=30)
    assert building_ratings(session, today=later)[general.id] is Rating.HIGH_RISK  # open past its deadline
    reported = session.get(Rectification, _open_id(session, overdue.id))
    assert reported is not None
    reported.status = RectificationStatus.DONE
    assert building_ratings(session, today=later)[overdue.id] is Rating.NEEDS_WORK  # reported done: to check


def _open_id(session: Session, building_id: int) -> int:
    return session.scalars(select(Rectification.id).where(Rectification.building_id == building_id)).one()
