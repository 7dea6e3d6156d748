"""Settings read once from the environment.

`get_settings()` is cached: the apps and the CLI read the environment at start. Tests that
change the environment call `get_settings.cache_clear()`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
# Where map backgrounds come from: "none" draws the town's own basemap and fetches nothing from
# outside (an intranet, 政务外网, reaches no tile server); "osm" and "tianditu" are tile servers.
MAP_TILES = ("none", "osm", "tianditu")


@dataclass(frozen=True)
class Settings:
    """What the deployment decides: which database, which secret, which public URL."""

    database_url: str
    secret_key: str | None
    secret_key_file: Path
    portal_url: str
    data_dir: Path
    map_tiles: str = "none"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read settings from the environment; the default database is a SQLite file in data/."""
    data_dir = Path(os.environ.get("MENPAI_DATA_DIR", str(DATA_DIR)))
    default_db = f"sqlite:///{data_dir / 'menpai.db'}"
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or default_db,
        secret_key=os.environ.get("MENPAI_SECRET_KEY") or None,
        secret_key_file=Path(os.environ.get("MENPAI_SECRET_KEY_FILE", str(data_dir / "secret.key"))),
        portal_url=(os.environ.get("PORTAL_URL") or "http://localhost:8501").rstrip("/"),
        data_dir=data_dir,
        map_tiles=_map_tiles(),
    )


def _map_tiles() -> str:
    """MENPAI_MAP_TILES (none, osm, tianditu); unset, a TIANDITU_KEY alone still means 天地图 tiles,
    as before the setting existed, else none."""
    value = os.environ.get("MENPAI_MAP_TILES", "").strip().lower()
    if not value:
        return "tianditu" if os.environ.get("TIANDITU_KEY", "").strip() else "none"
    if value not in MAP_TILES:
        raise ValueError(f"MENPAI_MAP_TILES={value!r}: choose one of {', '.join(MAP_TILES)}")
    return value
