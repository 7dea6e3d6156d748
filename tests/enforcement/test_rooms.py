"""未按期申报的出租屋: let rooms with no landlord report for N days while people show there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.errors import DomainError
from shared.declarations.store import EventAction, add_event
from shared.enforcement.rooms import LandlordKey, default_days, unreported_rentals
from shared.models import DeclarationStatus, utcnow
from tests.enforcement.town import declare_rental, lives_and_passes, make_town, visit
from tests.factories import declare_residence, make_room

pytestmark = pytest.mark.db


@pytest.mark.parametrize(("declared_days_ago", "listed"), [(91, True), (90, True), (89, False), (None, True)])
def test_let_room_with_passages_is_listed_once_unreported_for_90_days(
    session: Session, declared_days_ago: int | None, listed: bool
) -> None:
    town = make_town(session)
    now = utcnow()
    room = town.rooms[0]
    if declared_days_ago is not None:
        declare_rental(session, town, [room], at=now - timedelta(days=declared_days_ago))
    lives_and_passes(session, town, room, at=now - timedelta(days=2), times=3)
    found = unreported_rentals(session, today=local_today(now), days=90)
    assert [r.room.room_id for r in found] == ([room.id] if listed else [])
    if listed:
        [row] = found
        assert row.passages == 3 and row.visitors == 0 and row.unconfirmed == 0
        assert row.days_unreported == declared_days_ago
        assert row.room.landlord == LandlordKey("person", town.owner.id)
        assert row.room.label == "麻涌大道 12号 301" and row.room.village_name == "麻一村"


def test_a_quiet_room_or_a_room_not_let_is_not_listed(session: Session) -> None:
    town = make_town(session)
    now = utcnow()
    own_home = make_room(session, building=town.rooms[0].building, number="101", is_rental=False)
    lives_and_passes(session, town, own_home, at=now - timedelta(days=1))
    old = lives_and_passes(session, town, town.rooms[1], at=now - timedelta(days=120))
    assert old is not None
    assert unreported_rentals(session, today=local_today(now), days=90) == []


def test_the_period_is_configurable(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    town = make_town(session)
    now = utcnow()
    declare_rental(session, town, [town.rooms[0]], at=now - timedelta(days=40))
    lives_and_passes(session, town, town.rooms[0], at=now - timedelta(days=1))
    today = local_today(now)
    assert unreported_rentals(session, today=today, days=90) == []
    assert [r.days_unreported for r in unreported_rentals(session, today=today, days=30)] == [40]
    monkeypatch.setenv("MENPAI_UNREPORTED_DAYS", "30")
    assert default_days() == 30
    monkeypatch.setenv("MENPAI_UNREPORTED_DAYS", "soon")
    with pytest.raises(DomainError, match="MENPAI_UNREPORTED_DAYS"):
        default_days()
    with pytest.raises(DomainError):
        unreported_rentals(session, today=today, days=0)


def test_visitor_registrations_and_their_passages_are_signs(session: Session) -> None:
    town = make_town(session)
    now = utcnow()
    visit(session, town, town.rooms[1], at=now - timedelta(days=3))
    [row] = unreported_rentals(session, today=local_today(now), days=90)
    assert (row.room.room_id, row.visitors, row.passages, row.last_reported) == (town.rooms[1].id, 1, 1, None)
    assert row.last_seen is not None


def test_a_several_room_rental_reports_each_room_it_names(session: Session) -> None:
    town = make_town(session)
    now = utcnow()
    declare_rental(session, town, town.rooms[:2], at=now - timedelta(days=10))
    for room in town.rooms:
        lives_and_passes(session, town, room, at=now - timedelta(days=1))
    assert [r.room.room_id for r in unreported_rentals(session, today=local_today(now), days=90)] == [
        town.rooms[2].id
    ]


def test_withdrawn_rental_reports_nothing(session: Session) -> None:
    town = make_town(session)
    now = utcnow()
    rental = declare_rental(session, town, [town.rooms[0]], at=now - timedelta(days=5))
    rental.status = DeclarationStatus.WITHDRAWN
    lives_and_passes(session, town, town.rooms[0], at=now - timedelta(days=1))
    assert len(unreported_rentals(session, today=local_today(now), days=90)) == 1


def test_self_declared_tenant_never_confirmed_is_listed_until_the_landlord_confirms(
    session: Session, without_comparison_rules: None
) -> None:
    town = make_town(session)
    now = utcnow()
    tenant = declare_residence(session, room=town.rooms[2], now=now - timedelta(days=5),
                               move_in=local_today(now) - timedelta(days=6))  # fmt: skip
    [row] = unreported_rentals(session, today=local_today(now), days=90)
    assert (row.room.room_id, row.unconfirmed, row.passages, row.last_reported) == (
        town.rooms[2].id,
        1,
        0,
        None,
    )
    add_event(session, tenant, action=EventAction.LANDLORD_CONFIRMED, actor="landlord:1", now=now)
    session.flush()
    assert unreported_rentals(session, today=local_today(now), days=90) == []


def test_a_resident_who_moved_counts_at_the_new_home_only(session: Session) -> None:
    from shared.models import Residence

    town = make_town(session)
    now = utcnow()
    person = lives_and_passes(session, town, town.rooms[0], at=now - timedelta(days=1))
    old = session.query(Residence).filter_by(person_id=person.id).one()
    old.until = local_today(now) - timedelta(days=30)
    from tests.factories import make_residence

    make_residence(session, room=town.rooms[1], person=person, since=local_today(now) - timedelta(days=30))
    assert [r.room.room_id for r in unreported_rentals(session, today=local_today(now), days=90)] == [
        town.rooms[1].id
    ]
