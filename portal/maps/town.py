"""The town's basemap for the portal's maps, built once and kept between reruns and sessions.

Building it reads every plate (about 0.4-0.8 s at 20,000 plates); checking whether plates, streets,
grids or buildings changed takes one small query (about 30 ms), so the cache is keyed on that
version, itself kept VERSION_SECONDS (plate pages rerun on every field a tenant fills in). A new
plate shows within VERSION_SECONDS; edits the version cannot see (a plate moved, a grid redrawn)
within CACHE_SECONDS.
"""

from __future__ import annotations

import streamlit as st

from shared.core.db import session_scope
from shared.reporting.basemap_data import BasemapData, basemap_near, basemap_version, town_basemap

CACHE_SECONDS = 3600
VERSION_SECONDS = 60
PLATE_MAP_METRES = 400  # the plate page's small map shows the streets and buildings around it


def cached_town_basemap(lang: str) -> BasemapData:
    """The whole town's basemap, village names in `lang`."""
    return _town_basemap(_version(), lang)


def basemap_around(*, lon: float, lat: float, lang: str) -> BasemapData:
    """The part of the town's basemap around a plate, for its small map (a few kB), kept per
    plate: cutting it out of the town's walks every building (a quarter of a plate page's CPU)."""
    return _around(_version(), lon, lat, lang)


@st.cache_data(ttl=CACHE_SECONDS, max_entries=5000, show_spinner=False)
def _around(version: tuple[object, ...], lon: float, lat: float, lang: str) -> BasemapData:
    """`version` is only a cache key here."""
    return basemap_near(cached_town_basemap(lang), lat=lat, lon=lon, metres=PLATE_MAP_METRES)


@st.cache_data(ttl=VERSION_SECONDS, max_entries=1, show_spinner=False)
def _version() -> tuple[object, ...]:
    with session_scope() as session:
        return basemap_version(session)


@st.cache_resource(ttl=CACHE_SECONDS, max_entries=4, show_spinner=False)
def _town_basemap(version: tuple[object, ...], lang: str) -> BasemapData:
    """Built anew when `version` (only a cache key here) or `lang` changes. A resource, not data:
    read-only, and st.cache_data would unpickle a copy of the whole town on every call."""
    with session_scope() as session:
        return town_basemap(session, lang=lang)
