"""The checklist and the rating rule of 平安出租屋.

The items are the town's code list `inspection_item` (data/codes/), each under a severity of
`inspection_severity`, so the town changes the checklist by editing a CSV. The rating of a
rental follows from the rectifications its inspections left open:

* 高风险 (high risk): an open 整改 of a major hazard (重大隐患: blocked escape routes, e-bikes
  charged indoors, people sleeping in storage or shop floors), or one past its deadline that
  the landlord has not reported done;
* 需整改 (needs rectification): any other 整改 not yet closed by an officer;
* 平安出租屋 (safe): inspected, and nothing left open.

A new inspection re-checks every item, closing what passes, so what is open always comes from
the last inspection.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.core.codes import code_list
from shared.models import RectificationStatus

ITEM_LIST = "inspection_item"
MAJOR = "major"
DEFAULT_DUE_DAYS = 7
MAX_DUE_DAYS = 90


class Rating(enum.StrEnum):
    """The rating a rental shows to staff; NOT_INSPECTED until its first inspection."""

    SAFE = "safe"
    NEEDS_WORK = "needs_work"
    HIGH_RISK = "high_risk"
    NOT_INSPECTED = "not_inspected"


RATING_LABELS: dict[Rating, tuple[str, str]] = {
    Rating.SAFE: ("平安出租屋", "Safe rental"),
    Rating.NEEDS_WORK: ("需整改", "Needs rectification"),
    Rating.HIGH_RISK: ("高风险", "High risk"),
    Rating.NOT_INSPECTED: ("未检查", "Not inspected"),
}
# Map colours: green, amber, red, grey.
RATING_COLOURS: dict[Rating, str] = {
    Rating.SAFE: "#2e7d32",
    Rating.NEEDS_WORK: "#ef8f00",
    Rating.HIGH_RISK: "#c62828",
    Rating.NOT_INSPECTED: "#757575",
}
STATUS_LABELS: dict[RectificationStatus, tuple[str, str]] = {
    RectificationStatus.OPEN: ("待整改", "To rectify"),
    RectificationStatus.DONE: ("已整改待复查", "Reported done, to check"),
    RectificationStatus.CLOSED: ("已销号", "Closed"),
}


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    zh: str
    en: str
    is_major: bool


def checklist() -> tuple[ChecklistItem, ...]:
    """The items an officer ticks, in the file's order."""
    return tuple(ChecklistItem(c.code, c.zh, c.en, c.parent == MAJOR) for c in code_list(ITEM_LIST))


def item_label(code: str) -> tuple[str, str]:
    """(zh, en) of an item; an item the town has since removed shows as its code."""
    for item in checklist():
        if item.code == code:
            return item.zh, item.en
    return code, code


def is_major(code: str) -> bool:
    return any(item.code == code and item.is_major for item in checklist())


@dataclass(frozen=True)
class OpenItem:
    """What the rating needs of a rectification not yet closed."""

    item_code: str
    status: RectificationStatus
    due_on: date


def rate(*, inspected: bool, open_items: Iterable[OpenItem], today: date) -> Rating:
    """The rating of one rental (see the module's docstring)."""
    if not inspected:
        return Rating.NOT_INSPECTED
    items = [i for i in open_items if i.status is not RectificationStatus.CLOSED]
    if not items:
        return Rating.SAFE
    major = {item.code for item in checklist() if item.is_major}
    for item in items:
        if item.item_code in major:
            return Rating.HIGH_RISK
        if item.status is RectificationStatus.OPEN and item.due_on < today:
            return Rating.HIGH_RISK
    return Rating.NEEDS_WORK


def worst(ratings: Iterable[Rating]) -> Rating:
    """The rating of a plate with several rentals: its worst inspected one."""
    order = [Rating.HIGH_RISK, Rating.NEEDS_WORK, Rating.SAFE, Rating.NOT_INSPECTED]
    found = set(ratings)
    return next((r for r in order if r in found), Rating.NOT_INSPECTED)
