"""The kiosk's settings: which gate it serves and how long it waits.

The gate comes from `MENPAI_GATE` (a gate's id or name), else from `data/kiosk-gate.json`,
written once by an administrator at the first start and never changed from the screen: to move
a kiosk to another gate, an administrator deletes the file (or sets the variable) and restarts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from shared.core.config import get_settings

GATE_ENV = "MENPAI_GATE"
IDLE_ENV = "MENPAI_KIOSK_IDLE_SECONDS"
RESULT_ENV = "MENPAI_KIOSK_RESULT_SECONDS"
GATE_FILE_NAME = "kiosk-gate.json"
DEFAULT_IDLE_SECONDS = 60.0
DEFAULT_RESULT_SECONDS = 6.0


@dataclass(frozen=True)
class GateSetting:
    """Where the kiosk's gate is named, and the name or id as written there."""

    ref: str
    source: str  # "env" or the file's path


class GateAlreadySet(Exception):
    """The gate file exists: the choice is fixed and is not overwritten from a screen."""


def gate_file() -> Path:
    return get_settings().data_dir / GATE_FILE_NAME


def configured_gate() -> GateSetting | None:
    """The gate setting, or None when this kiosk has none yet (first-run setup)."""
    ref = os.environ.get(GATE_ENV, "").strip()
    if ref:
        return GateSetting(ref, "env")
    path = gate_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return GateSetting("", str(path))  # unreadable: shown as a configuration error
    return GateSetting(str(data.get("gate_id", "")), str(path))


def save_gate(*, gate_id: int, gate_name: str, set_by: str, now: datetime) -> Path:
    """Write the gate file once; refuses (GateAlreadySet) when it exists."""
    path = gate_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"gate_id": gate_id, "gate_name": gate_name, "set_by": set_by, "set_at": now.isoformat()}
    try:
        # O_EXCL: two setup screens open at once must not both write.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError as exc:
        raise GateAlreadySet(str(path)) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle, ensure_ascii=False, indent=2)
    return path


def idle_seconds() -> float:
    """How long without a touch before the kiosk forgets everything (read on every run)."""
    return _seconds(IDLE_ENV, DEFAULT_IDLE_SECONDS)


def result_seconds() -> float:
    """How long an allowed or denied screen stays before the kiosk is ready for the next person."""
    return _seconds(RESULT_ENV, DEFAULT_RESULT_SECONDS)


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default
