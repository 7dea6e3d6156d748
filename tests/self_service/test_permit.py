"""居住证: a migrant's receipt says from day 183 of the unbroken registered stay that they can
apply and what to bring, and before it from which day; nobody else's receipt says anything."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from shared.declarations.store import payload_of
from shared.models import Declaration, Room
from shared.self_service.permit import (
    PERMIT_DAYS,
    PermitNotice,
    migrant_stays,
    permit_documents,
    permit_notices,
    permit_text,
    stay_start,
)
from shared.self_service.receipt_view import build_receipt_view
from tests.factories import (
    LANDLORD_ID,
    declare_residence,
    make_id_number,
    make_person,
    make_residence,
    make_room,
    person_fields,
)
from tests.self_service.permit_town import DECLARED, MOVED_IN, approved

pytestmark = pytest.mark.usefixtures("without_comparison_rules")


def china_morning(day: date) -> datetime:
    """10:00 in Mayong on `day`."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def notices_on(session: Session, declaration: Declaration, day: date) -> list[PermitNotice]:
    view = build_receipt_view(session, declaration, payload_of(declaration))
    return permit_notices(session, view=view, now=china_morning(day))


@pytest.mark.parametrize(("days", "can_apply"), [(182, False), (183, True)])
def test_the_receipt_says_a_migrant_can_apply_from_day_183(
    session: Session, room: Room, days: int, can_apply: bool
) -> None:
    declaration = approved(session, room)
    (notice,) = notices_on(session, declaration, MOVED_IN + timedelta(days=days))
    assert notice.days == days and notice.is_eligible is can_apply
    assert notice.eligible_on == MOVED_IN + timedelta(days=PERMIT_DAYS) == date(2027, 5, 22)
    zh, en = permit_text(notice)
    assert zh.startswith("李四自2026-11-20起在本镇")
    if can_apply:
        assert "可以申领广东省居住证" in zh and "请携带以下材料" in zh
        assert "can apply for a Guangdong residence permit" in en and "Bring" in en
    else:
        assert "可以申领" not in zh and "2027-05-22起" in zh and "Bring" not in en
        assert "from 2027-05-22" in en


def test_what_to_bring_comes_from_the_towns_code_list() -> None:
    assert [code.zh for code in permit_documents()] == [
        "居民身份证",
        "居住登记凭证（本回执）",
        "近期免冠照片",
        "租赁合同或住所证明",
    ]
    assert all(code.en for code in permit_documents())


def test_local_people_and_open_declarations_are_told_nothing(session: Session, room: Room) -> None:
    local = approved(
        session,
        room,
        person=person_fields(name="陈大文", id_number=LANDLORD_ID, birth_date=date(1965, 7, 20)),
    )
    assert notices_on(session, local, MOVED_IN + timedelta(days=200)) == []
    pending = declare_residence(session, room=room, now=DECLARED, move_in=MOVED_IN)
    session.commit()
    assert notices_on(session, pending, MOVED_IN + timedelta(days=200)) == []


def test_moving_rooms_keeps_the_count_and_a_gap_restarts_it(session: Session, room: Room) -> None:
    today = date(2026, 11, 25)
    assert stay_start([(date(2026, 1, 1), date(2026, 6, 1)), (date(2026, 6, 1), None)], today) == date(
        2026, 1, 1
    )
    assert stay_start([(date(2026, 1, 1), date(2026, 6, 1)), (date(2026, 6, 3), None)], today) == date(
        2026, 6, 3
    )
    assert stay_start([(date(2026, 1, 1), date(2026, 6, 1))], today) is None  # moved away
    assert stay_start([(date(2026, 12, 1), None)], today) is None  # not yet here

    mover = make_person(session, name="王五", id_number=make_id_number("430102"))
    other = make_room(session, building=room.building, number="302")
    make_residence(session, room=other, person=mover, since=date(2026, 1, 1), until=date(2026, 6, 1))
    make_residence(session, room=room, person=mover, since=date(2026, 6, 1))
    local = make_person(session, name="陈大文", id_number=LANDLORD_ID)
    make_residence(session, room=room, person=local, since=date(2020, 1, 1))
    session.commit()
    assert migrant_stays(session, today=today) == {mover.id: date(2026, 1, 1)}
