"""The kiosk after a resident declared a move-out on their receipt: the pass is refused with
已申报搬离 at once, and admits again once an officer rejects the move-out (AppTest)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import streamlit as st
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from kiosk.config import GATE_ENV
from shared.core.config import PROJECT_ROOT
from shared.gate.passes import pass_token, passes_for_receipt
from shared.models import utcnow
from shared.review.decisions import approve, reject
from shared.self_service.residence_actions import end_residence
from tests.factories import (
    TENANT_ID,
    declare_residence,
    make_building,
    make_gate,
    make_grid,
    make_plate,
    make_room,
    make_street,
    make_village,
    staff_identity,
)
from tests.pages.declaring import today

KIOSK = str(PROJECT_ROOT / "kiosk" / "app.py")
OFFICER = staff_identity("officer", ["G1"])

pytestmark = pytest.mark.usefixtures("without_comparison_rules")


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """The kiosk caches its gate per process; every test has its own database."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def scanned(token: str, lang: str | None = None) -> str:
    """What the kiosk says after a USB scanner types the pass and presses Enter."""
    at = AppTest.from_file(KIOSK, default_timeout=60).run()
    if lang:
        at.segmented_control(key="lang").set_value(lang).run()
    at = at.text_input(key="kiosk.scan").input(token).run()
    assert not at.exception
    parts = (*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success)
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p.value) for p in parts))


def test_the_kiosk_refuses_a_pass_after_a_declared_move_out_until_an_officer_rejects_it(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    village = make_village(session, name="麻一村")
    grid = make_grid(session, village=village, code="G1")
    plate = make_plate(session, street=make_street(session, village=village), number="12", grid=grid)
    room = make_room(session, building=make_building(session, plate=plate), number="301")
    make_gate(session, village=village, name="麻一村东门")
    declaration = declare_residence(
        session, room=room, now=utcnow() - timedelta(days=2), move_in=today() - timedelta(days=10)
    )
    session.commit()
    approve(session, declaration_id=declaration.id, staff=OFFICER, now=utcnow(), expected_version=1)
    [issued] = passes_for_receipt(session, declaration_id=declaration.id, now=utcnow())
    session.commit()
    monkeypatch.setenv(GATE_ENV, "麻一村东门")
    token = pass_token(issued)
    assert "✓ 请通行" in scanned(token)

    end_residence(
        session,
        receipt_code=declaration.receipt_code,
        doc_tail=TENANT_ID[-6:],
        move_out=today(),
        now=utcnow(),
        client_key="c",
    )
    session.commit()
    page = scanned(token)
    assert "✗ 不能通行" in page and "已申报搬离" in page
    assert "Move-out declared" in scanned(token, "en")

    session.refresh(declaration)
    reject(
        session,
        declaration_id=declaration.id,
        staff=OFFICER,
        now=utcnow(),
        expected_version=declaration.row_version,
        reason="经核实仍在此居住",
    )
    session.commit()
    assert "✓ 请通行" in scanned(token)
