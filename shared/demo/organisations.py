"""实有单位 of the demo town: factories, logistics firms, offices, shops and village collectives.

Every organisation has a valid unified social credit code (GB 32100): `91…` companies,
`92…` individual businesses (个体工商户), `N2…` the villages' joint economic
cooperatives (股份经济联合社), all registered in Dongguan (441900).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.core.codes import VillageRow
from shared.demo import names
from shared.demo.context import Build
from shared.housing.people import seal_phone
from shared.models import OrganisationStatus

COMPANY = "91"
INDIVIDUAL_BUSINESS = "92"
VILLAGE_COLLECTIVE = "N2"


@dataclass(frozen=True)
class OrgRef:
    id: int
    name: str
    is_operating: bool


@dataclass(frozen=True)
class OrgKind:
    """How one kind of organisation is named, registered and staffed."""

    uscc_prefix: str
    trades: tuple[str, ...]
    staff: tuple[int, int]
    founded_after: int  # year


FACTORY_ORG = OrgKind(COMPANY, names.FACTORY_TRADES, (20, 600), 1992)
LOGISTICS_ORG = OrgKind(COMPANY, names.LOGISTICS_TRADES, (5, 80), 2000)
OFFICE_ORG = OrgKind(COMPANY, names.OFFICE_TRADES, (3, 40), 2005)
PROPERTY_ORG = OrgKind(COMPANY, ("物业管理", "房地产开发"), (5, 60), 2000)
SHOP_ORG = OrgKind(INDIVIDUAL_BUSINESS, names.SHOP_KINDS, (1, 6), 2008)


class Organisations:
    """Makes organisation rows with unique names; remembers who employs how many."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self.names_used: set[str] = set()
        self.employers: list[tuple[str, int]] = []

    def _unique_name(self, make: str) -> str:
        """The name, or a numbered branch of it when taken (麻涌镇华美士多店2分店)."""
        name, n = make, 1
        while name in self.names_used:
            n += 1
            name = (
                f"{make.removesuffix('有限公司')}第{n}分公司"
                if make.endswith("有限公司")
                else f"{make}{n}分店"
            )
        self.names_used.add(name)
        return name

    def _draw_name(self, kind: OrgKind) -> str:
        """A trade name not yet taken in the town (a few tries), else a branch of one."""
        rng = self.build.rng
        trade = rng.choice(kind.trades)
        for _ in range(8):
            if kind.uscc_prefix == INDIVIDUAL_BUSINESS:
                name = f"麻涌镇{names.trade_name(rng)}{trade}"
            else:
                name = f"东莞市{names.trade_name(rng)}{trade}有限公司"
            if name not in self.names_used:
                break
        return self._unique_name(name)

    def add(
        self,
        kind: OrgKind,
        *,
        plate_code: str,
        room_id: int | None = None,
        table: str = "organisations",
    ) -> OrgRef:
        """One organisation at a plate (and room); returns its id and name."""
        build = self.build
        rng = build.rng
        name = self._draw_name(kind)
        legal_rep = names.chinese_name(rng, is_male=rng.random() < 0.75)
        manager = (
            legal_rep
            if kind.uscc_prefix == INDIVIDUAL_BUSINESS
            else names.chinese_name(rng, is_male=rng.random() < 0.6)
        )
        staff = rng.randint(*kind.staff)
        phone = (
            build.numbers.mobile() if kind.uscc_prefix == INDIVIDUAL_BUSINESS else build.numbers.landline()
        )
        status = rng.choices(
            (OrganisationStatus.OPERATING, OrganisationStatus.SUSPENDED, OrganisationStatus.CLOSED),
            (90, 6, 4),
        )[0]
        founded = date(kind.founded_after, 1, 1) + timedelta(
            days=rng.randrange(max(1, (build.anchor - date(kind.founded_after, 1, 1)).days))
        )
        org_id = self._row(
            table,
            uscc=build.numbers.uscc(kind.uscc_prefix),
            name=name,
            plate_code=plate_code,
            room_id=room_id,
            status=status,
            legal_rep=legal_rep,
            manager=manager,
            phone=phone,
            staff_count=staff,
            registered_on=founded,
        )
        if status is OrganisationStatus.OPERATING:
            self.employers.append((name, staff))
        return OrgRef(org_id, name, status is OrganisationStatus.OPERATING)

    def add_collective(self, village: VillageRow, *, plate_code: str) -> OrgRef:
        """The village's 股份经济联合社: registered with the agriculture authority (N2…)."""
        build = self.build
        rng = build.rng
        name = self._unique_name(f"东莞市麻涌镇{village.name}股份经济联合社")
        chair = names.chinese_name(rng, is_male=rng.random() < 0.85, local=True)
        staff = rng.randint(5, 20)
        org_id = self._row(
            "organisations",
            uscc=build.numbers.uscc(VILLAGE_COLLECTIVE),
            name=name,
            plate_code=plate_code,
            room_id=None,
            status=OrganisationStatus.OPERATING,
            legal_rep=chair,
            manager=chair,
            phone=build.numbers.landline(),
            staff_count=staff,
            registered_on=date(2018, 1, 1) + timedelta(days=rng.randrange(730)),
        )
        self.employers.append((name, staff))
        return OrgRef(org_id, name, True)

    def _row(self, table: str, *, phone: str, **values: object) -> int:
        org_id = self.build.take_id("organisations")
        sealed = seal_phone(phone, self.build.keyring)
        self.build.add(
            table, {"id": org_id, **values, "phone_enc": sealed.ciphertext, "phone_index": sealed.index}
        )
        return org_id
