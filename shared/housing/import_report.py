"""What an import did: rows read and kept, created/updated/unchanged counts, and every row left out.

Shared by every upload that reports rows (房屋登记, facilities, a landlord's tenant list).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    """Why one row was not imported: the line the user sees (header = line 1) and the column."""

    line: int
    column: str
    message_zh: str
    message_en: str


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated


@dataclass
class ImportReport:
    """What an import did; `errors` lists every row left out."""

    filename: str
    rows_read: int = 0
    rows_imported: int = 0
    buildings: Tally = field(default_factory=Tally)
    rooms: Tally = field(default_factory=Tally)
    owners: Tally = field(default_factory=Tally)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, object]:
        """Plain counts for the audit log and the CLI (no personal data)."""
        return {
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_failed": len({e.line for e in self.errors}),
            **{
                name: {"created": t.created, "updated": t.updated, "unchanged": t.unchanged}
                for name, t in (("buildings", self.buildings), ("rooms", self.rooms), ("owners", self.owners))
            },
        }
