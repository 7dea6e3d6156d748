"""实有房屋 of the demo town: what stands behind each plate, its owner and its rooms.

Most plates in Mayong's villages are 城中村 self-built houses: the family on the lower
floors, rooms let above, or whole houses let room by room. Factories and warehouses stand
beside a dormitory; communities have more blocks of flats, shops and offices.
"""

from __future__ import annotations

import random
from datetime import timedelta

from shared.core.codes import VillageRow
from shared.demo.context import (
    APARTMENT,
    FACTORY,
    HOUSE,
    OFFICE,
    RENTAL,
    SHOP,
    SHOPHOUSE,
    WAREHOUSE,
    Build,
    RoomSlot,
    Site,
)
from shared.demo.organisations import (
    FACTORY_ORG,
    LOGISTICS_ORG,
    OFFICE_ORG,
    PROPERTY_ORG,
    SHOP_ORG,
    Organisations,
    OrgKind,
)
from shared.demo.population import Family, add_family_residences, home_rooms_needed
from shared.models import RecordStatus, VillageKind

# Mix of premises on the plates that are not villagers' own houses.
OTHER_PREMISES = {
    VillageKind.VILLAGE: {
        RENTAL: 46, SHOPHOUSE: 14, SHOP: 11, FACTORY: 13, WAREHOUSE: 8, OFFICE: 3, APARTMENT: 5,
    },
    VillageKind.COMMUNITY: {
        RENTAL: 26, SHOPHOUSE: 24, SHOP: 18, FACTORY: 3, WAREHOUSE: 3, OFFICE: 10, APARTMENT: 16,
    },
}  # fmt: skip
BUILDINGS_PER_PLATE = {FACTORY: 2.0, WAREHOUSE: 1.5}
COMMUNITY_HOUSE_FACTOR = 0.5  # communities have fewer villagers' houses
VISITED_SHARE = 0.6  # buildings an officer has visited (the rest are due)

# Room kinds: use (building_use codes), let or not, area range in m².
ROOM_KINDS: dict[str, tuple[str, bool, tuple[int, int]]] = {
    "home": ("01", False, (30, 120)),
    "spare": ("01", False, (12, 40)),  # storage, or empty and not let
    "rental": ("01", True, (10, 40)),
    "flat": ("01", True, (40, 120)),
    "dorm": ("01", False, (15, 35)),
    "shop": ("02", False, (15, 80)),
    "office": ("03", False, (20, 120)),
    "plant": ("04", False, (80, 120)),
    "store": ("05", False, (80, 120)),
}
Layout = list[list[str]]  # room kinds floor by floor, ground floor first


def plan_premises(
    rng: random.Random, villages: list[VillageRow], *, buildings: int, houses: int
) -> dict[str, list[str]]:
    """The premises of every plate, per village: `houses` villagers' houses in all, the rest
    of the `buildings` budget in other premises. Bigger villages get more of both."""
    size = {v.code: rng.uniform(0.7, 1.3) for v in villages}
    house_weight = {
        v.code: size[v.code] * (COMMUNITY_HOUSE_FACTOR if v.kind is VillageKind.COMMUNITY else 1.0)
        for v in villages
    }
    house_counts = _apportion(houses, house_weight, minimum=1)
    budget = _apportion(max(0, buildings - sum(house_counts.values())), size, minimum=1)
    plans: dict[str, list[str]] = {}
    for village in villages:
        mix = OTHER_PREMISES[village.kind]
        per_plate = sum(w * BUILDINGS_PER_PLATE.get(k, 1.0) for k, w in mix.items()) / sum(mix.values())
        count = max(1, round(budget[village.code] / per_plate))
        kinds = [HOUSE] * house_counts[village.code] + rng.choices(list(mix), list(mix.values()), k=count)
        rng.shuffle(kinds)
        plans[village.code] = kinds
    return plans


def _apportion(total: int, weights: dict[str, float], *, minimum: int) -> dict[str, int]:
    """Split `total` in proportion to `weights` (largest remainders), each at least `minimum`."""
    spare = max(0, total - minimum * len(weights))
    scale = sum(weights.values())
    exact = {key: spare * w / scale for key, w in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(weights, key=lambda key: (counts[key] - exact[key], key))
    for key in by_remainder[: spare - sum(counts.values())]:
        counts[key] += 1
    return {key: counts[key] + minimum for key in weights}


def _floors(rng: random.Random, floors: int, per_floor: tuple[int, int], kind: str) -> Layout:
    return [[kind] * rng.randint(*per_floor) for _ in range(floors)]


def _structure(rng: random.Random) -> str:
    """Self-built houses: mostly reinforced concrete, some mixed, a few old brick and timber."""
    return rng.choices("345", (60, 30, 10))[0]


class Premises:
    """Builds the buildings and rooms behind each plate, and collects the rooms people can
    live in (`slots`) and the rooms organisations can take (`org_rooms`)."""

    def __init__(self, build: Build, orgs: Organisations, owners: dict[str, list[int]]) -> None:
        self.build = build
        self.orgs = orgs
        self.owners = owners  # village code → local adults who may own more buildings
        self.all_owners = [person for adults in owners.values() for person in adults]
        self.slots: list[RoomSlot] = []
        self.org_rooms: list[tuple[str, int, OrgKind]] = []

    def add(self, site: Site, family: Family | None) -> None:
        """The building(s) and rooms behind one plate; a house's family moves into its home rooms."""
        if site.premises == HOUSE and family is not None:
            self._house(site, family)
        elif site.premises in (FACTORY, WAREHOUSE):
            self._works(site, is_factory=site.premises == FACTORY)
        else:
            {
                HOUSE: self._rental,
                RENTAL: self._rental,
                SHOPHOUSE: self._shophouse,
                SHOP: self._shop,
                OFFICE: self._office,
                APARTMENT: self._apartment,
            }[site.premises](site)

    def _house(self, site: Site, family: Family) -> None:
        """A villager's house: the family keeps the lower rooms, most of the rest are let."""
        rng = self.build.rng
        floors = [rng.choices((1, 2), (88, 12))[0] for _ in range(rng.choice((2, 2, 3, 3, 4)))]
        home = home_rooms_needed(family)
        kinds = iter(
            "home" if i < home else "rental" if rng.random() < 0.8 else "spare" for i in range(sum(floors))
        )
        layout = [[next(kinds) for _ in range(count)] for count in floors]
        rooms = self._put(site, layout, "02", "01", _structure(rng), owner_person=family.head)
        add_family_residences(self.build, family, [room for room, kind in rooms if kind == "home"])

    def _rental(self, site: Site) -> None:
        """A self-built house let room by room (城中村出租屋), owned by a villager."""
        rng = self.build.rng
        layout = _floors(rng, rng.choice((3, 4, 4, 5, 5, 6)), (1, 2), "rental")
        self._put(site, layout, "02", "01", _structure(rng), owner_person=self._owner(site))

    def _shophouse(self, site: Site) -> None:
        rng = self.build.rng
        layout = [["shop"] * rng.randint(1, 2), *_floors(rng, rng.randint(1, 3), (1, 2), "rental")]
        self._put(site, layout, "10", "06", "3", owner_person=self._owner(site))

    def _shop(self, site: Site) -> None:
        rng = self.build.rng
        layout = _floors(rng, rng.randint(1, 2), (1, 3), "shop")
        self._put(site, layout, "06", "02", _structure(rng), owner_person=self._owner(site))

    def _works(self, site: Site, *, is_factory: bool) -> None:
        """A factory or a warehouse, owned by its company, with a dormitory beside it (always
        for a factory): two buildings on one plate."""
        rng = self.build.rng
        org = self.orgs.add(FACTORY_ORG if is_factory else LOGISTICS_ORG, plate_code=site.code)
        if is_factory:
            layout = _floors(rng, rng.randint(1, 3), (1, 2), "plant")
            self._put(site, layout, "04", "04", rng.choice("12"), owner_org=org.id, name=f"{org.name}厂房")
        else:
            layout = _floors(rng, rng.randint(1, 2), (1, 1), "store")
            self._put(site, layout, "05", "05", rng.choice("126"), owner_org=org.id, name=f"{org.name}仓库")
        if is_factory or rng.random() < 0.5:
            floors = rng.randint(2, 4) if is_factory else rng.randint(1, 2)
            # A company that is not operating houses nobody: its dormitory stands empty.
            layout = _floors(rng, floors, (2, 4), "dorm" if org.is_operating else "spare")
            name = f"{org.name}宿舍楼"
            self._put(site, layout, "08", "01", "3", owner_org=org.id, name=name, employer=org.name)

    def _office(self, site: Site) -> None:
        """An office building owned by a company; its other rooms are let to more companies."""
        rng = self.build.rng
        org = self.orgs.add(OFFICE_ORG, plate_code=site.code)
        layout = _floors(rng, rng.randint(2, 6), (2, 3), "office")
        self._put(site, layout, "07", "03", rng.choice("23"), owner_org=org.id, name=f"{org.name[3:5]}商务楼")

    def _apartment(self, site: Site) -> None:
        """A block of flats run by a property company, most flats let."""
        rng = self.build.rng
        org = self.orgs.add(PROPERTY_ORG, plate_code=site.code)
        floors = _floors(rng, rng.randint(4, 7), (2, 3), "flat")
        layout = [["flat" if rng.random() < 0.85 else "spare" for _ in floor] for floor in floors]
        self._put(site, layout, "01", "01", "3", owner_org=org.id, name=f"{org.name[3:5]}花园")

    def _put(
        self,
        site: Site,
        layout: Layout,
        type_code: str,
        use: str,
        structure: str,
        *,
        owner_person: int | None = None,
        owner_org: int | None = None,
        name: str = "",
        employer: str = "",
    ) -> list[tuple[int, str]]:
        """One building of `layout`'s floors and its rooms; returns (room id, kind) per room."""
        building_id = self._building(
            site,
            type_code,
            use,
            structure,
            floors=len(layout),
            owner_person=owner_person,
            owner_org=owner_org,
            name=name,
        )
        return self._rooms(site, building_id, layout, employer=employer)

    def _owner(self, site: Site) -> int:
        """A villager of the same village (any villager if it has none) owns the building."""
        pool = self.owners.get(site.village.code) or self.all_owners
        return pool[self.build.rng.randrange(len(pool))]

    def _building(
        self,
        site: Site,
        type_code: str,
        use: str,
        structure: str,
        *,
        floors: int,
        owner_person: int | None = None,
        owner_org: int | None = None,
        name: str = "",
    ) -> int:
        build = self.build
        building_id = build.take_id("buildings")
        visited = build.rng.random() < VISITED_SHARE
        build.add(
            "buildings",
            {
                "id": building_id,
                "plate_code": site.code,
                "name": name[:80],
                "type": type_code,
                "use": use,
                "structure": structure,
                "floors": floors,
                "owner_person_id": owner_person,
                "owner_org_id": owner_org,
                "grid_code": site.grid_code,
                "status": RecordStatus.ACTIVE,
                "last_visited_at": build.now - timedelta(days=build.rng.randint(1, 300)) if visited else None,
            },
        )
        return building_id

    def _rooms(
        self, site: Site, building_id: int, layout: Layout, *, employer: str = ""
    ) -> list[tuple[int, str]]:
        """Rooms numbered floor and position (101, 102, 201 …); returns (id, kind) per room."""
        build = self.build
        rng = build.rng
        made: list[tuple[int, str]] = []
        for floor, kinds in enumerate(layout, start=1):
            for position, kind in enumerate(kinds, start=1):
                use, is_rental, (low, high) = ROOM_KINDS[kind]
                room_id = build.take_id("rooms")
                build.add(
                    "rooms",
                    {
                        "id": room_id,
                        "building_id": building_id,
                        "number": f"{floor}{position:02d}",
                        "floor": floor,
                        "area_m2": float(rng.randint(low, high)),
                        "use": use,
                        "is_rental": is_rental,
                        "status": RecordStatus.ACTIVE,
                    },
                )
                made.append((room_id, kind))
                if is_rental:
                    self.slots.append(RoomSlot(room_id, site.village.code, "rental", ""))
                elif kind == "dorm":
                    self.slots.append(RoomSlot(room_id, site.village.code, "dorm", employer))
                elif kind in ("shop", "office"):
                    self.org_rooms.append((site.code, room_id, SHOP_ORG if kind == "shop" else OFFICE_ORG))
        return made
