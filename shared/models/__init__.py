"""Typed SQLAlchemy 2 models for the whole data model of DESIGN.md."""

from shared.models.base import (
    Base,
    DeclarantRole,
    DeclarationKind,
    DeclarationStatus,
    OrganisationStatus,
    PassageResult,
    PersonCategory,
    PlateKind,
    RecordStatus,
    Role,
    Severity,
    VillageKind,
    utcnow,
)
from shared.models.declarations import Declaration, DeclarationEvent, DeclarationVersion, Finding
from shared.models.drafts import FormDraft
from shared.models.gate import Gate, Passage, Visitor
from shared.models.housing import Building, Facility, Organisation, Room
from shared.models.inspections import Inspection, Rectification, RectificationStatus
from shared.models.notices import Notice, NoticeKind, NoticeStatus
from shared.models.passes import ResidentPass
from shared.models.people import Person, Residence
from shared.models.places import DoorPlate, Grid, Street, Village
from shared.models.receipts import ReceiptAttempt
from shared.models.staff import AuditLog, User
from shared.models.unplaced import UnplacedAddress, UnplacedStatus

__all__ = [
    "AuditLog",
    "Base",
    "Building",
    "DeclarantRole",
    "Declaration",
    "DeclarationEvent",
    "DeclarationKind",
    "DeclarationStatus",
    "DeclarationVersion",
    "DoorPlate",
    "Facility",
    "Finding",
    "FormDraft",
    "Gate",
    "Grid",
    "Inspection",
    "Notice",
    "NoticeKind",
    "NoticeStatus",
    "Organisation",
    "OrganisationStatus",
    "Passage",
    "PassageResult",
    "Person",
    "PersonCategory",
    "PlateKind",
    "ReceiptAttempt",
    "RecordStatus",
    "Rectification",
    "RectificationStatus",
    "Residence",
    "ResidentPass",
    "Role",
    "Room",
    "Severity",
    "Street",
    "UnplacedAddress",
    "UnplacedStatus",
    "User",
    "Village",
    "VillageKind",
    "Visitor",
    "utcnow",
]
