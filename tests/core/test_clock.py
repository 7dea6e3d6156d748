"""One clock: every "today" is China's date, asked through shared.core.clock only."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared.core.clock import CHINA_TZ, local_today, utcnow

ROOT = Path(__file__).resolve().parents[2]
CLOCK = ROOT / "shared" / "core" / "clock.py"
# date.today() and datetime.now() read the server's zone (UTC on most servers): between 00:00
# and 08:00 China time they name yesterday.
FORBIDDEN = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today")}


def clock_calls_outside_the_clock() -> list[str]:
    found = []
    for folder in ("shared", "portal", "kiosk", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == CLOCK or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                owner = node.func.value
                name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
                if (name, node.func.attr) in FORBIDDEN:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}.{node.func.attr}()")
    return found


def test_no_code_asks_the_server_for_the_date_or_time_outside_the_clock() -> None:
    assert clock_calls_outside_the_clock() == []


@pytest.mark.parametrize(
    ("utc", "china_day"),
    [
        (datetime(2026, 12, 5, 15, 59, tzinfo=UTC), date(2026, 12, 5)),
        (datetime(2026, 12, 5, 16, 0, tzinfo=UTC), date(2026, 12, 6)),  # 00:00 in China
        (datetime(2026, 12, 5, 23, 30, tzinfo=UTC), date(2026, 12, 6)),  # 07:30 in China
    ],
)
def test_today_is_the_date_in_china_whatever_the_servers_zone(utc: datetime, china_day: date) -> None:
    assert local_today(utc) == china_day


def test_now_is_aware_utc_and_today_defaults_to_now() -> None:
    now = utcnow()
    assert now.tzinfo is UTC
    assert local_today() in {local_today(now), now.astimezone(CHINA_TZ).date()}
