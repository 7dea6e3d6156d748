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


@dataclass(frozen=True)
class Settings:
    """What the deployment decides: which database, which secret, which public URL."""

    database_url: str
    secret_key: str | None
    secret_key_file: Path
    portal_url: str
    data_dir: Path


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
    )
