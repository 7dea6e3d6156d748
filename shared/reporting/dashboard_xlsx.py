"""The dashboard's figures as an Excel workbook, with the definitions from shared.reporting.dashboard."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from shared.core.spreadsheets import xlsx_cell
from shared.reporting import dashboard
from shared.reporting.dashboard import OFFICER_STANDARD, AreaFigures, DashboardFigures

# (header, value of a village's or the town's figures, number format) of the export's first sheet.
_AREA_COLUMNS: tuple[tuple[str, Callable[[AreaFigures], Any], str | None], ...] = (
    ("代码 Code", lambda a: a.code, None),
    ("村/社区 Village", lambda a: a.name, None),
    ("门牌 Plates", lambda a: a.plates, None),
    ("有坐标门牌 Geo-tagged plates", lambda a: a.geotagged_plates, None),
    ("坐标率 Geo-tagged %", lambda a: a.geotagged_share, "0.0%"),
    ("楼栋 Buildings", lambda a: a.buildings, None),
    ("出租楼栋 Rental buildings", lambda a: a.rental_buildings, None),
    ("出租房间 Rental rooms", lambda a: a.rental_rooms, None),
    ("已申报房间 Declared rooms", lambda a: a.declared_rooms, None),
    ("申报率 Declared %", lambda a: a.declared_share, "0.0%"),
    ("已核实房间 Verified rooms", lambda a: a.verified_rooms, None),
    ("核实率 Verified %", lambda a: a.verified_share, "0.0%"),
    ("待审核 Pending", lambda a: a.pending, None),
    ("超期 Overdue", lambda a: a.overdue, None),
    ("待补录地址 Addresses to place", lambda a: a.unplaced, None),
    ("居住证待办 Permits due (30 days)", lambda a: a.permits_due, None),
    ("出租屋需整改 Rentals to rectify", lambda a: a.rentals_needs_work, None),
    ("出租屋高风险 High-risk rentals", lambda a: a.rentals_high_risk, None),
    ("户籍人口 Local", lambda a: a.local, None),
    ("流动人口 Migrant", lambda a: a.migrant, None),
    ("境外人员 Foreign", lambda a: a.foreign, None),
    ("网格员 Officers", lambda a: a.officers, None),
    ("应配网格员 Officers needed", lambda a: a.officers_needed, None),
)


def dashboard_xlsx(figures: DashboardFigures) -> bytes:
    """The figures as an Excel workbook: villages with the town's total last, officers' load,
    and the definitions. Text cells are neutralised (a village name cannot become a formula)."""
    from openpyxl import Workbook

    workbook = Workbook()
    areas = workbook.active
    areas.title = "村社区 Villages"
    areas.append([header for header, _, _ in _AREA_COLUMNS])
    for area in [*figures.villages, figures.town]:
        areas.append([xlsx_cell(value(area)) for _, value, _ in _AREA_COLUMNS])
    for column, (_, _, number_format) in enumerate(_AREA_COLUMNS, start=1):
        if number_format:
            for (cell,) in areas.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = number_format
    officers = workbook.create_sheet("网格员 Officers")
    officers.append(["用户名 Username", "姓名 Name", "网格 Grids", "出租楼栋 Rental buildings", "负荷 Load"])
    for officer in figures.officers:
        officers.append(
            [
                xlsx_cell(officer.username),
                xlsx_cell(officer.display_name),
                xlsx_cell(", ".join(officer.grid_codes)),
                officer.rental_buildings,
                officer.load,
            ]
        )
    for (cell,) in officers.iter_rows(min_row=2, min_col=5, max_col=5):
        cell.number_format = "0.00"
    notes = workbook.create_sheet("说明 Notes")
    notes.append(["统计日期 As of", figures.as_of])
    notes.append(
        [
            "标准 Standard",
            f"1 网格员 / {OFFICER_STANDARD} 出租楼栋 (1 officer per {OFFICER_STANDARD} rental buildings)",
        ]
    )
    for line in (dashboard.__doc__ or "").strip().splitlines():  # the definitions, bullets as "·"
        notes.append([xlsx_cell("·" + line[1:] if line.startswith("- ") else line)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
