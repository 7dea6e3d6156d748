"""The one clock: what time it is, and which day it is in China.

Stored times are UTC; "today" for a declarant, an officer or a gate is the date in China
(UTC+8, one zone, no daylight saving), whatever zone the server runs in. Everything that asks
for the time or the date asks here, so a UTC server between 00:00 and 08:00 China time never
has two notions of "today" (tests/core/test_clock.py fails on any other call).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

# China keeps one time zone and no daylight saving: "today" for a declarant is UTC+8.
CHINA_TZ = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    """This moment, as an aware UTC datetime (what every stored time is)."""
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """The date in China at `now` (an aware datetime), or at this moment."""
    return (now or utcnow()).astimezone(CHINA_TZ).date()
