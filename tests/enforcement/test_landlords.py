"""逾期申报 and 房东: late declarations, the list per landlord, and warnings recorded from it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.errors import ValidationError
from shared.enforcement.landlords import enforcement_list, record_warning, warnings_of
from shared.enforcement.late import late_declarations
from shared.enforcement.rooms import LandlordKey
from shared.models import AuditLog, DeclarationKind, DeclarationStatus, utcnow
from shared.rules.base import working_days_after
from shared.staff.auth import AccessDenied
from tests.enforcement.town import declare_rental, late_tenant, lives_and_passes, make_town
from tests.factories import declare_residence, person_fields, staff_identity

pytestmark = pytest.mark.db


def test_tenant_declared_after_three_working_days_is_late(session: Session) -> None:
    town = make_town(session)
    now = utcnow()
    today = local_today(now)
    moved = today - timedelta(days=14)
    on_day = late_tenant(town.rooms[1], today, name="孙七", sequence="046")
    tenants = [late_tenant(town.rooms[0], moved), on_day]
    rental = declare_rental(session, town, town.rooms[:2], at=now, tenants=tenants)
    on_time = declare_residence(session, room=town.rooms[2], now=now, move_in=today - timedelta(days=1))
    assert on_time.id
    [case] = late_declarations(session, today=today, days=90)
    assert (case.declaration_id, case.kind) == (rental.id, DeclarationKind.RENTAL)
    assert case.room.room_id == town.rooms[0].id
    assert (case.move_in, case.submitted_on) == (moved, today)
    assert case.working_days == working_days_after(moved, today) == 10
    assert [p.name for p in case.people] == ["王小红"]
    assert case.room.landlord == LandlordKey("person", town.owner.id)


def test_late_tenants_own_declaration_counts_and_withdrawn_ones_do_not(session: Session) -> None:
    town = make_town(session)
    now = utcnow()
    today = local_today(now)
    tenant = declare_residence(session, room=town.rooms[2], now=now, move_in=today - timedelta(days=20))
    [case] = late_declarations(session, today=today, days=90)
    assert (case.declaration_id, case.kind) == (tenant.id, DeclarationKind.RESIDENCE)
    assert late_declarations(session, today=today + timedelta(days=91), days=90) == []
    tenant.status = DeclarationStatus.WITHDRAWN
    session.flush()
    assert late_declarations(session, today=today, days=90) == []


def test_the_list_groups_cases_by_landlord_masked(session: Session) -> None:
    town = make_town(session)
    now = utcnow()
    today = local_today(now)
    for room in town.rooms[:2]:
        lives_and_passes(session, town, room, at=now - timedelta(days=1))
    declare_residence(session, room=town.rooms[2], now=now, move_in=today - timedelta(days=20))
    supervisor = staff_identity("supervisor")
    listed = enforcement_list(session, staff=supervisor, today=today)
    # the late tenant's room is also unreported: a tenant's own declaration is no landlord report
    assert len(listed.unreported) == 3 and len(listed.late) == 1
    [landlord] = listed.landlords
    assert landlord.key == LandlordKey("person", town.owner.id)
    assert (landlord.rooms, landlord.unreported, landlord.late, landlord.cases) == (3, 3, 1, 4)
    assert (landlord.name, landlord.phone) == ("陈**", "139****5678")
    assert "*" in landlord.id_number
    clear = enforcement_list(session, staff=supervisor, today=today, reveal=True).landlords[0]
    assert (clear.name, clear.phone) == ("陈大文", "13912345678")
    with pytest.raises(AccessDenied):
        enforcement_list(session, staff=staff_identity("officer"), today=today)


def test_warnings_are_recorded_audited_and_counted(session: Session) -> None:
    town = make_town(session)
    now = utcnow()
    today = local_today(now)
    lives_and_passes(session, town, town.rooms[0], at=now - timedelta(days=1))
    supervisor = staff_identity("supervisor", username="police1")
    key = LandlordKey("person", town.owner.id)
    with pytest.raises(ValidationError):
        record_warning(session, staff=supervisor, landlord=key, note="  ", now=now)
    with pytest.raises(AccessDenied):
        record_warning(session, staff=staff_identity("officer"), landlord=key, note="电话警告", now=now)
    for days_ago, note in ((10, "电话警告，限三日内申报"), (1, "上门书面警告")):
        record_warning(session, staff=supervisor, landlord=key, note=note, now=now - timedelta(days=days_ago),
                       room_ids=[town.rooms[0].id])  # fmt: skip
    [landlord] = enforcement_list(session, staff=supervisor, today=today).landlords
    assert landlord.warnings == 2 and landlord.last_warned == now - timedelta(days=1)
    assert [w.note for w in warnings_of(session, key)] == ["上门书面警告", "电话警告，限三日内申报"]
    entries = session.scalars(select(AuditLog).where(AuditLog.action == "enforcement.warning")).all()
    assert {(e.actor, e.target_id) for e in entries} == {("police1", f"person:{town.owner.id}")}
    assert entries[0].detail["rooms"] == [town.rooms[0].id]


def test_a_foreigner_declared_after_24_hours_is_on_the_late_list(session: Session) -> None:
    """Foreign nationals are judged by the 24-hour rule, not the working days: listed all the same."""
    town = make_town(session)
    now = utcnow()
    today = local_today(now)
    foreigner = person_fields(
        name="John Smith", sex="1", ethnicity="", birth_date=date(1985, 3, 12), id_type="04",
        id_number="E12345678", nationality="USA", hukou_address="", visa_expiry=today + timedelta(days=200),
    )  # fmt: skip
    late = declare_residence(
        session, room=town.rooms[2], now=now, move_in=today - timedelta(days=2), person=foreigner
    )
    assert {f.rule for f in late.findings} >= {"foreigner_registered_late"}
    [case] = late_declarations(session, today=today, days=90)
    assert case.declaration_id == late.id and [p.name for p in case.people] == ["John Smith"]
