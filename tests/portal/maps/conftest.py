"""Folium maps: each test starts from folium's shipped (CDN) asset lists and no 天地图 key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.orm import Session

from portal.maps.base import folium_cdn_defaults
from shared.core.config import get_settings
from shared.demo import build_demo_town


@pytest.fixture(autouse=True)
def _folium_defaults(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """offline_assets() changes class attributes (also when a page test ran it earlier in this
    process): start each test from folium's shipped defaults and restore them after; no 天地图 key
    and no tile setting (the default: the town's own basemap, nothing from outside)."""
    for cls, (js, css) in folium_cdn_defaults().items():
        monkeypatch.setattr(cls, "default_js", js)
        monkeypatch.setattr(cls, "default_css", css)
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    monkeypatch.delenv("MENPAI_MAP_TILES", raising=False)
    get_settings.cache_clear()
    yield


@pytest.fixture
def town(session: Session) -> Session:
    """The small demo town (about 120 plates, 60 facilities), committed."""
    build_demo_town(session, scale="small", seed=2026, today=date(2026, 11, 25))
    session.commit()
    return session
