"""平安出租屋 on the operation map: a layer of circles per rating at the rentals' plates.

A circle stands at a plate and counts the rentals there with that rating (most plates have
one); 高风险 and 需整改 are drawn at first, 平安出租屋 and 未检查 listed in the layer control.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.inspections.checklist import RATING_COLOURS, RATING_LABELS, Rating
from shared.inspections.ratings import building_ratings
from shared.models import Building, DoorPlate, RecordStatus
from shared.reporting.dashboard import in_grids
from shared.reporting.map_data import DotLayer, LegendEntry, map_point

_SHOWN = (Rating.HIGH_RISK, Rating.NEEDS_WORK)
_ORDER = (Rating.HIGH_RISK, Rating.NEEDS_WORK, Rating.SAFE, Rating.NOT_INSPECTED)


def rental_layers(
    session: Session, grid_codes: Sequence[str] | None, *, name: str, lang: str, today: date
) -> tuple[list[DotLayer], list[LegendEntry]]:
    """One layer per rating, and the legend entries."""
    places = {
        building_id: (lat, lon)
        for building_id, lat, lon in session.execute(
            select(Building.id, DoorPlate.lat, DoorPlate.lon)
            .join(DoorPlate, DoorPlate.code == Building.plate_code)
            .where(
                Building.status == RecordStatus.ACTIVE,
                DoorPlate.lat.is_not(None),
                DoorPlate.lon.is_not(None),
                in_grids(Building.grid_code, grid_codes),
            )
        )
    }
    counts: Counter[tuple[Rating, float | None, float | None]] = Counter()
    for building_id, rating in building_ratings(session, today=today, building_ids=list(places)).items():
        lat, lon = places[building_id]
        counts[(rating, lat, lon)] += 1
    layers: list[DotLayer] = []
    entries: list[LegendEntry] = []
    for rating in _ORDER:
        label = RATING_LABELS[rating][1 if lang.startswith("en") else 0]
        rows: list[list[float | int]] = [
            [*map_point(lat, lon), n] for (r, lat, lon), n in counts.items() if r is rating
        ]
        colour = RATING_COLOURS[rating]
        layers.append(DotLayer(f"{name} · {label}", rows, colour=colour, label=label, show=rating in _SHOWN))
        entries.append((("dot", colour), label))
    return layers, entries
