"""标准作业图: the operation map of plates, buildings, facilities, grids and pending declarations.

Built for a whole town (20,000 plates, 8,000 facilities) in about a second: the queries read
columns, never ORM objects, and each layer goes to the browser as one compact array that
JavaScript turns into markers (shared.reporting.operation_map_layers, shared.reporting.map_layers).
Officers see their own grids (网格), supervisors and admins the whole town. Every script and style is served
locally (shared.reporting.mapping); the legend is plain HTML, never a branca colormap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import folium
from sqlalchemy.orm import Session

from shared.models import Role, utcnow
from shared.reporting.map_layers import MARKER_COLOURS, Legend, LegendEntry
from shared.reporting.mapping import TOWN_CENTRE, base_map
from shared.reporting.operation_map_layers import (
    GRID_COLOUR,
    OVERDUE_COLOUR,
    PENDING_COLOUR,
    PLATE_COLOUR,
    add_buildings,
    add_facilities,
    add_grids,
    add_pending,
    add_plates,
)
from shared.staff.auth import StaffIdentity, require_role

LAYERS = ("plates", "buildings", "facilities", "grids", "pending")
# The plate page from inside st_folium's component iframe (/component/<name>/index.html), which
# also holds under server.baseUrlPath; see STREAMLIT_STATIC_PREFIX in shared.reporting.mapping.
PLATE_PAGE_FROM_COMPONENT = "../../"
_TEXT = {
    "plates": ("门牌", "Plates"),
    "buildings": ("楼栋", "Buildings"),
    "facilities": ("设施", "Facilities"),
    "grids": ("网格", "Grids"),
    "pending": ("待审核申报", "Pending declarations"),
    "overdue": ("待审核申报（超期）", "Pending declarations (overdue)"),
    "rooms": ("房间", "Rooms"),
    "residents": ("现住人数", "Residents"),
    "open": ("打开门牌页", "Open the plate page"),
    "waiting": ("待审核", "Pending"),
    "late": ("超期", "overdue"),
    "legend": ("图例", "Legend"),
}


def build_operation_map(
    session: Session,
    *,
    staff_grid_codes: Sequence[str] | None,
    layers: Iterable[str] | None = None,
    now: datetime | None = None,
    lang: str = "zh",
    plate_page: str = PLATE_PAGE_FROM_COMPONENT,
    link_query: str = "",
) -> folium.Map:
    """The operation map for a staff member: `staff_grid_codes` None for the whole town
    (supervisor, admin), else an officer's grids (none: an empty map). `layers` picks from
    LAYERS (default all); building layers start hidden, the layer control shows them. Popups link
    to the plate page at `plate_page` with the plate's signed token, and `link_query` (the
    portal's language, e.g. "lang=English") so the page opens in the officer's language."""
    chosen = set(LAYERS if layers is None else layers)
    if unknown := chosen - set(LAYERS):
        raise ValueError(f"unknown map layers {sorted(unknown)}; choose from {LAYERS}")
    now = now or utcnow()
    text = {key: pair[1] if lang.startswith("en") else pair[0] for key, pair in _TEXT.items()}
    m = base_map(lon=TOWN_CENTRE[0], lat=TOWN_CENTRE[1], zoom=13)
    m.options["preferCanvas"] = True  # thousands of circles: canvas, not one SVG node each
    symbols: list[LegendEntry] = []  # the legend's first section, no heading
    legend: list[tuple[str, list[LegendEntry]]] = [("", symbols)]
    scope: list[list[float]] = []
    if "grids" in chosen:
        add_grids(m, session, staff_grid_codes, name=text["grids"])
        symbols.append((("outline", GRID_COLOUR), text["grids"]))
    if "buildings" in chosen:
        entries = add_buildings(m, session, staff_grid_codes, name=text["buildings"], lang=lang)
        legend.append((text["buildings"], entries))
    if "facilities" in chosen:
        entries = add_facilities(m, session, staff_grid_codes, name=text["facilities"], lang=lang)
        legend.append((text["facilities"], entries))
    if "plates" in chosen:
        scope = add_plates(
            m, session, staff_grid_codes, text=text, plate_page=plate_page, link_query=link_query, now=now
        )
        symbols.insert(0, (("dot", PLATE_COLOUR), text["plates"]))
    if "pending" in chosen:
        add_pending(
            m, session, staff_grid_codes, text=text, plate_page=plate_page, link_query=link_query, now=now
        )
        symbols += [
            (("marker", MARKER_COLOURS[PENDING_COLOUR], "hourglass-half"), text["pending"]),
            (("marker", MARKER_COLOURS[OVERDUE_COLOUR], "triangle-exclamation"), text["overdue"]),
        ]
    if scope:
        m.fit_bounds(scope)
    folium.LayerControl(collapsed=False).add_to(m)
    if chosen:
        Legend(text["legend"], [(heading, entries) for heading, entries in legend if entries]).add_to(m)
    return m


def map_scope(staff: StaffIdentity) -> list[str] | None:
    """The grids a staff member's map shows: an officer's own, None (all) for the others."""
    require_role(staff.role, Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
    return list(staff.grid_codes) if staff.role is Role.OFFICER else None
