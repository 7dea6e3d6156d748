"""The statements `Records` (shared.rules.lookup) reads the records with, and what counts as pending.

The look-ups run on every submission: built once, with bound parameters, so each run skips
building the statement and SQLAlchemy's compiled cache finds it at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Date, bindparam, select

from shared.models import (
    Building,
    Declaration,
    DeclarationStatus,
    DoorPlate,
    Organisation,
    Person,
    Residence,
    Room,
    Street,
)
from shared.places.plates import active_residence_filter

# Declarations still waiting for an officer: what `recheck` re-runs and duplicates are sought in.
PENDING_STATUSES = (
    DeclarationStatus.RECEIVED,
    DeclarationStatus.HAS_ISSUES,
    DeclarationStatus.RESUBMITTED,
    DeclarationStatus.CORRECTION_REQUESTED,
)
IDS: BindParameter[Any] = bindparam("ids", expanding=True)
TODAY: BindParameter[date] = bindparam("today", type_=Date)
PLATE_STATUS = select(DoorPlate.code, DoorPlate.status).where(DoorPlate.code.in_(IDS))
ROOM_FACTS = (
    select(
        Room.id, Room.number, Room.status, Room.area_m2, Room.is_rental,
        Building.id.label("building_id"), Building.status.label("building_status"),
        Building.use, Building.plate_code, Building.owner_person_id, Building.owner_org_id,
        Person.id_number_index.label("owner_index"), Organisation.legal_rep, Organisation.manager,
    )
    .join(Building, Room.building_id == Building.id)
    .outerjoin(Person, Building.owner_person_id == Person.id)
    .outerjoin(Organisation, Building.owner_org_id == Organisation.id)
    .where(Room.id.in_(IDS))
)  # fmt: skip
OCCUPANTS = (
    select(Residence.room_id, Person.id_number_index, Person.birth_date)
    .join(Person, Residence.person_id == Person.id)
    .where(Residence.room_id.in_(IDS), active_residence_filter(TODAY))
)
RESIDENCIES = (
    select(Person.id_number_index, Residence.room_id, Room.number, DoorPlate.number, Street.name)
    .join(Residence, Residence.person_id == Person.id)
    .join(Room, Residence.room_id == Room.id)
    .join(Building, Room.building_id == Building.id)
    .join(DoorPlate, Building.plate_code == DoorPlate.code)
    .join(Street, DoorPlate.street_id == Street.id)
    .where(Person.id_number_index.in_(IDS), active_residence_filter(TODAY))
)
ORGANISATIONS = select(
    Organisation.uscc, Organisation.name, Organisation.legal_rep, Organisation.manager
).where(Organisation.uscc.in_(IDS))
PENDING_AT_PLATE = select(Declaration.id, Declaration.kind, Declaration.payload_enc).where(
    Declaration.plate_code == bindparam("plate"), Declaration.status.in_(PENDING_STATUSES)
)
