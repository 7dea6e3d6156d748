"""Three tenants declare at the same moment, each in a browser of their own, against one portal:
every receipt code shown stands for exactly one stored declaration, and no declaration is lost or
stored twice. (`python -m bench load` does the same with 5, 10 and 20 and times it.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.db import make_engine
from shared.models import Declaration
from shared.places.links import plate_link
from tests.e2e.conftest import RunningApp
from tests.e2e.steps import Visit, declare_at_once, plates_with_rooms
from tests.factories import make_id_number

SESSIONS = 3
TIMEOUT_MS = 40_000


def _newest_declaration_id(database_url: str) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        newest = session.scalar(select(func.max(Declaration.id))) or 0
    engine.dispose()
    return newest


def test_tenants_declaring_at_once_each_get_exactly_one_declaration(
    portal: RunningApp, browser_type_launch_args: dict[str, Any]
) -> None:
    plates = plates_with_rooms(portal.database_url, limit=SESSIONS)
    visits = [
        Visit(
            link=plate_link(code, portal_url=portal.url),
            room=room,
            name=name,
            id_number=make_id_number("440106", f"1991050{n}", f"{n}1{n}"),
        )
        for n, ((code, room), name) in enumerate(zip(plates, ("王伟", "陈芳", "黄磊"), strict=True), start=1)
    ]
    before = _newest_declaration_id(portal.database_url)

    declare_at_once(visits, launch_args=browser_type_launch_args, timeout_ms=TIMEOUT_MS)

    assert [v.error for v in visits] == [None] * SESSIONS
    codes = [v.receipt_code for v in visits if v.receipt_code]
    assert len(set(codes)) == SESSIONS
    engine = make_engine(portal.database_url)
    with Session(engine) as session:
        new = session.scalars(select(Declaration.receipt_code).where(Declaration.id > before)).all()
    engine.dispose()
    assert sorted(new) == sorted(codes)
