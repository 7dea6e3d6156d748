"""`menpai grids`: every grid's code, village, officers and load, for assigning officers to grids
(`menpai user add NAME --role officer --grids …` takes the codes or names it lists)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shared.cli.common import EXIT_OK, open_database, pad, width_of

if TYPE_CHECKING:
    from shared.reporting.grid_load import GridLoad

HEADINGS = (
    "网格编码 code",
    "村/社区 village",
    "网格 grid",
    "门牌 plates",
    "出租楼 rental bldgs",
    "待审 pending",
    "超期 overdue",
    "网格员账号 officer accounts",
)
NUMBER_COLUMNS = range(3, 7)


def add_place_commands(commands: Any) -> None:
    """Register `grids` on `menpai`'s sub-parser collection."""
    grids = commands.add_parser(
        "grids",
        help="列出网格及其网格员和工作量 / list the grids with their officers and workload",
        description="每个网格：编码、所属村（社区）、网格员账号、门牌数、出租楼栋数（有出租房间的楼栋）、"
        "待审申报及超期件数。/ Each grid: its code, village, officer accounts, plates, rental buildings "
        "(buildings with a room let), pending declarations and those overdue.",
    )
    grids.add_argument(
        "--village",
        metavar="NAME_OR_CODE",
        help="只列此村（社区），名称或 12 位编码 / only this village or community, by name or 12-digit code",
    )
    grids.add_argument(
        "--unassigned",
        action="store_true",
        help="只列没有网格员账号的网格 / only grids no officer account answers for",
    )
    grids.set_defaults(handler=_cmd_grids)


def _cmd_grids(args: argparse.Namespace) -> int:
    from shared.core.clock import utcnow
    from shared.places.lookup import find_village
    from shared.reporting.dashboard import OFFICER_STANDARD
    from shared.reporting.grid_load import grid_loads

    with Session(open_database()) as session:
        village = find_village(session, args.village).code if args.village else None
        loads = grid_loads(session, now=utcnow(), village_code=village)
    shown = [g for g in loads if g.is_unassigned] if args.unassigned else loads
    if not shown:
        print("没有符合条件的网格 / no grids match")
        return EXIT_OK
    rows = [_row(g) for g in shown]
    widths = [max(width_of(row[i]) for row in (HEADINGS, *rows)) for i in range(len(HEADINGS))]
    print(_line(HEADINGS, widths, numbers_right=False))
    for row in rows:
        print(_line(row, widths, numbers_right=True))
    unassigned = [g for g in loads if g.is_unassigned]
    short = [g for g in loads if len(g.officers) < g.officers_needed]
    print(f"\n网格 grids: {len(loads)}   无网格员账号 without an officer account: {len(unassigned)}")
    print(
        f"标准：每名网格员负责 {OFFICER_STANDARD} 栋出租楼；网格员少于标准的网格 {len(short)} 个 / "
        f"standard: one officer per {OFFICER_STANDARD} rental buildings; grids with fewer: {len(short)}"
    )
    return EXIT_OK


def _row(g: GridLoad) -> tuple[str, ...]:
    officers = "、".join(g.officers) or "（无账号 none）"
    if g.is_unassigned and g.public_officer:
        officers += f" 公示 on plates: {g.public_officer}"
    numbers = (g.plates, g.rental_buildings, g.pending, g.overdue)
    return (g.code, g.village_name, g.name, *(f"{n:,}" for n in numbers), officers)


def _line(cells: tuple[str, ...], widths: list[int], *, numbers_right: bool) -> str:
    aligned = [
        " " * (width - width_of(cell)) + cell if numbers_right and i in NUMBER_COLUMNS else pad(cell, width)
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
    ]
    return "  ".join(aligned).rstrip()
