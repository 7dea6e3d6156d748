"""`menpai demo --sample-declarations`: an officer signing in to a fresh demo finds a queue of
declarations in their village, made as residents and landlords make them."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.demo import build_demo_town
from shared.demo.declarations import add_sample_declarations
from shared.demo.town import OFFICER_VILLAGE
from shared.models import Declaration, DeclarationKind, User
from shared.review.queue import QueueFilters, list_queue
from shared.staff.auth import load_identity

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 in Mayong


def test_the_demo_officer_finds_tenants_landlords_and_an_organisation_to_review(session: Session) -> None:
    build_demo_town(session, scale="small", seed=2026, today=TODAY)
    made = add_sample_declarations(session, village_name=OFFICER_VILLAGE, seed=2026, now=NOW)
    session.commit()
    officer_id = session.scalars(select(User.id).where(User.username == "officer")).one()
    officer = load_identity(session, user_id=officer_id)
    assert officer is not None
    queue = list_queue(session, staff=officer, filters=QueueFilters(), now=NOW)
    assert queue.total == made == 9
    assert Counter(item.kind for item in queue.items) == {
        DeclarationKind.RESIDENCE: 6,
        DeclarationKind.RENTAL: 2,
        DeclarationKind.ORGANISATION: 1,
    }
    assert {item.village for item in queue.items} == {OFFICER_VILLAGE}
    # the comparison rules ran: some wait with findings (late, not the owner), some are clean
    assert any(item.finding_count for item in queue.items)
    assert any(not item.finding_count for item in queue.items)


def test_adding_them_again_adds_nothing(session: Session) -> None:
    build_demo_town(session, scale="small", seed=2026, today=TODAY)
    add_sample_declarations(session, village_name=OFFICER_VILLAGE, seed=2026, now=NOW)
    add_sample_declarations(session, village_name=OFFICER_VILLAGE, seed=2026, now=NOW)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Declaration)) == 9
