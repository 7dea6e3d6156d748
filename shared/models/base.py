"""The one declarative base, column types every model shares, and the closed vocabularies."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from shared.core.clock import utcnow as utcnow  # re-exported: the models' column defaults

# Stable constraint names so Alembic autogenerate and `alembic check` agree on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(enum_cls: type[enum.StrEnum]) -> Enum:
    """Store a StrEnum as its value in a plain string column (no native enum types to migrate)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
    )


class VillageKind(enum.StrEnum):
    """村 village committee or 社区 residents' committee."""

    VILLAGE = "village"
    COMMUNITY = "community"


class PlateKind(enum.StrEnum):
    """正式 permanent plate or 临时 temporary plate."""

    FORMAL = "formal"
    TEMPORARY = "temporary"


class RecordStatus(enum.StrEnum):
    """Records are retired, never deleted."""

    ACTIVE = "active"
    RETIRED = "retired"


class PersonCategory(enum.StrEnum):
    """户籍 registered locally, 流动 migrant from elsewhere in China, 境外 from outside the mainland."""

    LOCAL = "local"
    MIGRANT = "migrant"
    FOREIGN = "foreign"


class OrganisationStatus(enum.StrEnum):
    OPERATING = "operating"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class DeclarationKind(enum.StrEnum):
    RESIDENCE = "residence"
    RENTAL = "rental"
    ORGANISATION = "organisation"


class DeclarantRole(enum.StrEnum):
    LANDLORD = "landlord"
    TENANT = "tenant"
    MANAGER = "manager"


class DeclarationStatus(enum.StrEnum):
    """Review states, after ODK Central's."""

    RECEIVED = "received"
    HAS_ISSUES = "has_issues"
    CORRECTION_REQUESTED = "correction_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Role(enum.StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class PassageResult(enum.StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


def json_default(value: Any) -> Any:
    """JSON encoder fallback for dates in payloads and audit details."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
