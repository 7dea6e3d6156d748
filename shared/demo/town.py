"""Build the demo town of 麻涌镇 into an empty database.

Everything is generated in plain Python from one seeded random generator, then written
with bulk INSERTs in chunks (primary keys assigned up front, so no round trips), which is
what lets the town scale (150,000 people) build in well under a minute on SQLite. The
function flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.clock import local_today
from shared.core.codes import VillageRow, load_villages
from shared.core.crypto import get_keyring
from shared.core.errors import DomainError
from shared.demo.context import HOUSE, Build, Site
from shared.demo.facilities import GridPlace, add_facilities, add_gates
from shared.demo.geo import village_areas
from shared.demo.housing import Premises, plan_premises
from shared.demo.organisations import Organisations
from shared.demo.places import (
    add_grids,
    add_retired_plates,
    add_streets_and_plates,
    add_village,
    mark_special_plates,
)
from shared.demo.population import Family, add_local_family
from shared.demo.tenants import Employers, fill_rooms
from shared.models import (
    Base,
    Building,
    DoorPlate,
    Facility,
    Gate,
    Grid,
    Organisation,
    Person,
    Residence,
    Role,
    Room,
    Street,
    User,
    Village,
    VillageKind,
)
from shared.staff.accounts import create_user

Scale = Literal["small", "town"]
Progress = Callable[[str, int, int], None]

LOCAL_SHARE = 0.30  # 户籍: villagers registered in Mayong
FOREIGN_SHARE = 0.02  # 境外: Hong Kong, Macao, Taiwan and foreign residents
FAMILY_MEAN = 3.4  # people per villager family (population.add_local_family)
CHUNK_ROWS = 5_000
TOWN_CODE = "441900126000"


@dataclass(frozen=True)
class ScalePlan:
    """Targets of one scale; the build lands within a few per cent of them."""

    buildings: int
    people: int
    organisations: int
    facilities: int
    grids_per_village: tuple[int, int]
    plates_per_street: int


SCALES: dict[str, ScalePlan] = {
    "small": ScalePlan(130, 400, 60, 60, (2, 3), 4),
    "town": ScalePlan(20_000, 150_000, 5_000, 8_000, (3, 6), 40),
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    password: str
    display_name: str


# Demo passwords are fixed so the run command can print them; never use them in production.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("officer", Role.OFFICER, "mayong-officer-2026", "麻一村网格员"),
    DemoAccount("supervisor", Role.SUPERVISOR, "mayong-supervisor-2026", "麻涌镇综治中心"),
    DemoAccount("admin", Role.ADMIN, "mayong-admin-2026", "系统管理员"),
)
OFFICER_VILLAGE = "麻一村"


@dataclass(frozen=True)
class DemoSummary:
    """What the build wrote: rows per table and the demo accounts it created."""

    scale: str
    seed: int
    counts: dict[str, int]
    accounts: tuple[DemoAccount, ...]


# Bulk-written tables in foreign-key order. Organisations come twice: owners of buildings
# first, organisations renting a room after the rooms exist.
_WRITE_ORDER: tuple[tuple[str, type[object]], ...] = (
    ("villages", Village),
    ("grids", Grid),
    ("streets", Street),
    ("door_plates", DoorPlate),
    ("people", Person),
    ("organisations", Organisation),
    ("buildings", Building),
    ("rooms", Room),
    ("organisations_in_rooms", Organisation),
    ("residences", Residence),
    ("facilities", Facility),
    ("gates", Gate),
)
_ID_TABLES = ("streets", "people", "organisations", "buildings", "rooms", "residences", "facilities", "gates")


def build_demo_town(
    session: Session,
    *,
    scale: Scale = "small",
    seed: int = 2026,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill an empty database with the demo town; the same seed gives the same town."""
    if session.scalar(select(Village.code).limit(1)) is not None:
        raise DomainError(
            "数据库中已有村/社区数据，演示数据只能导入空数据库",
            "The database already has villages: the demo town can only be built into an empty database",
        )
    if scale not in SCALES:
        raise DomainError(
            f"未知的规模：{scale}", f"Unknown scale {scale!r}: use small or town", field="scale"
        )
    report = progress or _silent
    build = Build.start(
        seed=seed, today=today or local_today(), keyring=get_keyring(), next_ids=_next_ids(session)
    )
    officer_grids = _generate(build, SCALES[scale], report)
    counts = _write(session, build, report)
    accounts = _add_accounts(session, officer_grids, report)
    counts["users"] = len(accounts)
    record_audit(
        session,
        actor="system",
        action="demo.build",
        target_type="town",
        target_id=TOWN_CODE,
        detail={"scale": scale, "seed": seed, "counts": counts},
    )
    session.flush()
    report("done", 1, 1)
    return DemoSummary(scale, seed, counts, accounts)


def _silent(stage: str, done: int, total: int) -> None:
    """The default progress callback: say nothing."""


def _next_ids(session: Session) -> dict[str, int]:
    """The first free id per table (the database is empty of villages, maybe not of all else)."""
    next_ids: dict[str, int] = {}
    for name in _ID_TABLES:
        table = Base.metadata.tables[name]
        next_ids[name] = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return next_ids


def _generate(build: Build, plan: ScalePlan, report: Progress) -> list[str]:
    """Every row of the town, in memory; returns the grids of the officer's village."""
    villages = list(load_villages())
    sites, grid_places, officer_grids = _lay_out(build, plan, villages)
    report("generate", 1, 4)
    orgs = Organisations(build)
    premises = _settle_villagers(build, villages, sites, orgs)
    report("generate", 2, 4)
    wanted = max(0, plan.organisations - build.count("organisations"))
    org_rooms = premises.org_rooms
    for plate_code, room_id, kind in build.rng.sample(org_rooms, min(wanted, len(org_rooms))):
        orgs.add(kind, plate_code=plate_code, room_id=room_id, table="organisations_in_rooms")
    fill_rooms(
        build,
        premises.slots,
        target=max(0, plan.people - build.count("people")),
        foreign_share=FOREIGN_SHARE / (1 - LOCAL_SHARE),
        employers=Employers(orgs.employers),
    )
    report("generate", 3, 4)
    add_facilities(build, plan.facilities, grid_places, sites)
    report("generate", 4, 4)
    return officer_grids


def _lay_out(
    build: Build, plan: ScalePlan, villages: list[VillageRow]
) -> tuple[list[Site], list[GridPlace], list[str]]:
    """Villages, their grids, gates, streets and plates; returns the active plates, the grids
    and the grids of the officer's village."""
    rng = build.rng
    houses = round(plan.people * LOCAL_SHARE / FAMILY_MEAN)
    premises = plan_premises(rng, villages, buildings=plan.buildings, houses=houses)
    sites: list[Site] = []
    grid_places: list[GridPlace] = []
    officer_grids: list[str] = []
    for village, area in zip(villages, village_areas(len(villages)), strict=True):
        add_village(build, village)
        grids = add_grids(build, village, area, rng.randint(*plan.grids_per_village))
        grid_places.extend(GridPlace(grid.code, village, grid.rect) for grid in grids)
        per_street = plan.plates_per_street
        sites.extend(
            add_streets_and_plates(build, village, grids, premises[village.code], per_street=per_street)
        )
        add_gates(build, village, area, [grid.code for grid in grids])
        if village.name == OFFICER_VILLAGE or not officer_grids:
            officer_grids = [grid.code for grid in grids]
    mark_special_plates(build, sites)
    add_retired_plates(build, sites)
    return sites, grid_places, officer_grids


def _settle_villagers(
    build: Build, villages: list[VillageRow], sites: list[Site], orgs: Organisations
) -> Premises:
    """Each village's collective, the villagers' families in their houses, then every
    building and room (villagers own the rentals and shops of their village)."""
    first_site: dict[str, str] = {}
    for site in sites:
        first_site.setdefault(site.village.code, site.code)
    collectives = {
        v.code: orgs.add_collective(v, plate_code=first_site[v.code]).name
        for v in villages
        if v.kind is VillageKind.VILLAGE and v.code in first_site
    }
    families: dict[str, Family] = {}
    owners: dict[str, list[int]] = {v.code: [] for v in villages}
    for site in sites:
        if site.premises == HOUSE:
            family = add_local_family(build, site, collective=collectives.get(site.village.code, ""))
            families[site.code] = family
            owners[site.village.code].extend(family.adults)
    premises = Premises(build, orgs, owners)
    for site in sites:
        premises.add(site, families.get(site.code))
    return premises


def _write(session: Session, build: Build, report: Progress) -> dict[str, int]:
    """Bulk INSERT every table in chunks, in foreign-key order; returns rows per table."""
    counts: dict[str, int] = {}
    for key, model in _WRITE_ORDER:
        rows = build.rows.get(key, [])
        table: Table = model.__table__  # type: ignore[attr-defined]
        for start in range(0, len(rows), CHUNK_ROWS):
            session.execute(insert(table), rows[start : start + CHUNK_ROWS])
            report(table.name, min(start + CHUNK_ROWS, len(rows)), len(rows))
        counts[table.name] = counts.get(table.name, 0) + len(rows)
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Ids were given explicitly: move each sequence past them, or the next ORM insert collides.
        for name in _ID_TABLES:
            session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))")
            )
    return counts


def _add_accounts(session: Session, officer_grids: list[str], report: Progress) -> tuple[DemoAccount, ...]:
    """The demo's officer (grids of one village), supervisor and admin; an account whose
    username is already taken is left as it is."""
    made: list[DemoAccount] = []
    for done, account in enumerate(DEMO_ACCOUNTS, start=1):
        if session.scalar(select(User.id).where(User.username == account.username)) is None:
            create_user(
                session,
                username=account.username,
                password=account.password,
                role=account.role,
                grid_codes=officer_grids if account.role is Role.OFFICER else [],
                display_name=account.display_name,
                actor="demo",
            )
            made.append(account)
        report("users", done, len(DEMO_ACCOUNTS))
    return tuple(made)
