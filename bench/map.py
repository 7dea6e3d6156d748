"""Operation map and dashboard at town scale: a supervisor's full map built and rendered to HTML,
the dashboard's figures, and in a browser the requests the maps make to other hosts.

Targets (issue 7): map under 3 s, HTML under 8 MB. The town-scale demo (about 19,000 plates,
20,000 buildings, 8,000 facilities) is built into a fresh SQLite file, plus PENDING declarations
waiting for review (rows written directly, spread over the last four weeks so some are overdue;
the demo itself has none). `map_build_seconds` counts the queries, building the map and
rendering its HTML once (what `st_folium` then sends), not the demo build; `basemap_*` the town's
own basemap (shared.reporting.basemap_data), which the portal caches.

Then `streamlit run portal/server.py` serves that town (as the browser tests start it) and Debian's
chromium opens, as the demo supervisor, the operation map and a plate page with its small map:
`external_requests` counts every request to a host other than the app's own (each is stopped, as
an intranet would). Issue 17 asks for 0 by default; MENPAI_MAP_TILES=osm shows the tiles' count.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bench.map_browser import count_external_requests
from portal.maps.offline import external_hosts_in_map
from portal.maps.operation_map import PLATE_PAGE_FROM_COMPONENT, draw_operation_map
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.declarations.store import seal_payload
from shared.demo import build_demo_town
from shared.models import (
    Building,
    DeclarantRole,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    DeclarationVersion,
    Room,
)
from shared.reporting.basemap_data import town_basemap
from shared.reporting.dashboard import dashboard_figures
from shared.reporting.operation_map import operation_map_data

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
PENDING = 600


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="menpai-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'map.db'}")
        upgrade_database(engine)
        with Session(engine) as session:
            build_demo_town(session, scale="town", seed=2026, today=TODAY)
            _add_pending(session, count=PENDING)
            session.commit()
        with Session(engine) as session:
            started = time.perf_counter()
            basemap = town_basemap(session)
            basemap_seconds = time.perf_counter() - started
            started = time.perf_counter()
            data = operation_map_data(
                session, staff_grid_codes=None, plate_page=PLATE_PAGE_FROM_COMPONENT, now=NOW
            )
            folium_map = draw_operation_map(data, basemap)
            html = folium_map.get_root().render()
            seconds = time.perf_counter() - started
            hosts = external_hosts_in_map(folium_map)
            started = time.perf_counter()
            figures = dashboard_figures(session, now=NOW)
            dashboard_seconds = time.perf_counter() - started
        engine.dispose()
        sent = json.dumps(asdict(basemap), ensure_ascii=False, separators=(",", ":"))
        basemap_kb = len(sent.encode()) / 1e3
        print(f"map_build_seconds: {seconds:.2f} s")
        print(f"map_html_mb: {len(html.encode('utf-8')) / 1e6:.2f} MB")
        print(f"map_external_hosts: {len(hosts)}")
        print(f"basemap_build_seconds: {basemap_seconds:.2f} s (cached by the portal)")
        print(
            f"basemap_kb: {basemap_kb:.0f} kB ({len(basemap.villages)} villages, "
            f"{len(basemap.streets)} streets, {len(basemap.buildings) // 2} building points)"
        )
        print(f"dashboard_seconds: {dashboard_seconds:.2f} s")
        print(f"dashboard_villages: {len(figures.villages)}")
        count_external_requests(f"sqlite:///{Path(tmp) / 'map.db'}", Path(tmp))


def _add_pending(session: Session, *, count: int) -> None:
    """`count` tenant declarations on random rental rooms, waiting 0–27 days."""
    rng = random.Random(2026)
    rooms = session.execute(
        select(Room.id, Building.plate_code, Building.grid_code)
        .join(Building, Building.id == Room.building_id)
        .where(Room.is_rental.is_(True))
        .order_by(Room.id)
    ).all()
    sealed = seal_payload({"bench": True})
    declarations, versions = [], []
    for n, (room_id, plate_code, grid_code) in enumerate(rng.sample(rooms, count), start=1):
        at = NOW - timedelta(days=rng.randrange(28), hours=rng.randrange(24))
        declarations.append(
            {
                "id": n,
                "kind": DeclarationKind.RESIDENCE,
                "plate_code": plate_code,
                "room_id": room_id,
                "declarant_role": DeclarantRole.TENANT,
                "declarant_index": f"bench{n}",
                "payload_enc": sealed,
                "version": 1,
                "status": DeclarationStatus.RECEIVED,
                "receipt_code": f"BENCH{n:06d}",
                "grid_code": grid_code,
                "created_at": at,
                "updated_at": at,
            }
        )
        versions.append({"declaration_id": n, "version": 1, "payload_enc": sealed, "created_at": at})
    session.execute(insert(Declaration), declarations)
    session.execute(insert(DeclarationVersion), versions)
