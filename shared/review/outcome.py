"""What approving a declaration changed in the records (核实入库的结果)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ApplyOutcome:
    """What an approval changed, for the audit entry and the officer's confirmation."""

    people_created: int = 0
    people_matched: int = 0
    residences_opened: int = 0
    residences_updated: int = 0
    residences_ended: int = 0
    rooms_marked_rental: int = 0
    organisation_id: int | None = None
