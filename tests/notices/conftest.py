"""A grid with one building of three rooms, its officer, and declarations to decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from shared.models import Declaration, Room
from tests.factories import declare_residence, make_building, make_grid, make_plate, make_room, staff_identity

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday, 10:00 in Mayong


@dataclass
class Town:
    rooms: list[Room]
    officer: Any


@pytest.fixture
def town(session: Session, without_comparison_rules: None) -> Town:
    grid = make_grid(session, code="G1")
    building = make_building(session, plate=make_plate(session, grid=grid))
    rooms = [make_room(session, building=building, number=f"{n}01") for n in (1, 2, 3)]
    session.commit()
    return Town(rooms, staff_identity("officer", ["G1"], username="officer1"))


def declare(session: Session, town: Town, room: int = 0, **fields: Any) -> Declaration:
    """A tenant's own declaration, committed, awaiting review."""
    declaration = declare_residence(session, room=town.rooms[room], now=NOW, **fields)
    session.commit()
    return declaration
