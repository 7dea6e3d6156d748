"""The portal while the database is out of reach (AppTest of portal/app.py): the message in both
languages instead of a traceback, and the pages back once the database is."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

import portal.declare.plate_access
import shared.core.migrate
from portal.ui.outage import OUTAGE_KEY
from shared.core import db
from shared.core.availability import UNAVAILABLE_EN, UNAVAILABLE_ZH
from shared.core.config import PROJECT_ROOT
from shared.places.links import plate_link_query
from tests.factories import make_plate

PORTAL = str(PROJECT_ROOT / "portal" / "app.py")
GET_ENGINE = db.get_engine
WELCOME = "请用手机扫描门牌上的二维码"


def lose_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new connection is refused, as when the server or the file's disk is gone."""

    def refuse() -> Any:
        raise sqlite3.OperationalError("unable to open database file")

    broken = create_engine("sqlite://", creator=refuse)
    monkeypatch.setattr(db, "get_engine", lambda url=None: broken)
    monkeypatch.setattr(shared.core.migrate, "get_engine", lambda url=None: broken)
    db.get_session_factory.cache_clear()


def regain_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "get_engine", GET_ENGINE)
    monkeypatch.setattr(shared.core.migrate, "get_engine", GET_ENGINE)
    db.get_session_factory.cache_clear()


def shown(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*at.error, *at.markdown, *at.header, *at.caption))


@pytest.fixture
def plate_query(session: Any) -> dict[str, str]:
    plate = make_plate(session)
    session.commit()
    return plate_link_query(plate.code)


def test_a_page_says_the_database_is_unavailable_and_comes_back(
    plate_query: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = AppTest.from_file(PORTAL, default_timeout=30)
    at.query_params.update(plate_query)
    at.run()
    assert not at.exception
    address = [h.value for h in at.header]
    lose_database(monkeypatch)
    st.cache_data.clear()  # a minute later: the plate's shared copy has expired
    at.run()
    assert not at.exception
    assert UNAVAILABLE_ZH in shown(at) and UNAVAILABLE_EN in shown(at)
    assert OUTAGE_KEY in at.session_state, "the retry timer is set"
    regain_database(monkeypatch)
    at.run()  # what the retry timer does
    assert not at.exception
    assert UNAVAILABLE_ZH not in shown(at)
    assert [h.value for h in at.header] == address


def test_the_portal_starting_without_a_database_says_so(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Migrating at start fails, and is tried again (a failure is not cached), not a traceback."""
    st.cache_resource.clear()  # as in a fresh server process
    lose_database(monkeypatch)
    at = AppTest.from_file(PORTAL, default_timeout=30).run()
    assert not at.exception
    assert UNAVAILABLE_ZH in shown(at)
    regain_database(monkeypatch)
    at.run()
    assert not at.exception
    assert WELCOME in shown(at)


def test_a_bug_is_not_passed_off_as_an_outage(
    plate_query: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("a bug")

    monkeypatch.setattr(portal.declare.plate_access, "open_plate_link", broken)
    st.cache_data.clear()  # no copy of the plate from an earlier test
    at = AppTest.from_file(PORTAL, default_timeout=30)
    at.query_params.update(plate_query)
    at.run()
    assert at.exception, "the error surfaces (its details go to the server log)"
    assert UNAVAILABLE_ZH not in shown(at)
