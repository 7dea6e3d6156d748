"""Fixtures of the self-service tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shared.models import Room
from tests.factories import make_building, make_plate, make_room


@pytest.fixture
def room(session: Session) -> Room:
    """Room 301 of a building at a plate of its own (a test file may define its own `room`)."""
    found = make_room(session, building=make_building(session, plate=make_plate(session)), number="301")
    session.commit()
    return found
