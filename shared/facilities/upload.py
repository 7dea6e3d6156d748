"""实有设施上传: a department's register (CSV/XLSX) in, every bad row reported, nothing doubled.

A facility is identified by its group, subtype, name and position (its plate, or its point to
within about a metre), so a department can send its whole list again every month: known
facilities are updated or left alone, new ones are added, nothing is duplicated, and retired
ones are reported rather than brought back. A file that is no usable table is refused as a
whole before anything is written. The columns and the reading of one row are in
shared.facilities.rows; matching rows to facilities on record is in shared.facilities.matching.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from shared.core.audit import record_file_import
from shared.core.table_columns import match_columns
from shared.core.tables import read_table, refuse
from shared.facilities.matching import KnownFacilities, PlateCache, apply_values, audit_update
from shared.facilities.rows import COLUMNS, COLUMNS_BY_KEY, FacilityInput, parse_facility
from shared.housing.cells import RowProblem
from shared.housing.import_report import RowError
from shared.models import Facility, RecordStatus
from shared.places.town_area import GridLocator


@dataclass
class ImportReport:
    """What an upload did; `errors` lists every row left out, with its line and column."""

    filename: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_imported(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def is_clean(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_failed": len({e.line for e in self.errors}),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def import_facilities(
    session: Session, *, data: bytes, filename: str | None, actor: str, now: datetime
) -> ImportReport:
    """Import a department's facility register (CSV or XLSX bytes).

    Raises `DomainError`, with nothing written, when the file is not a table, is empty, lacks a
    required column or has no position columns at all. Otherwise every good row is created or
    updated and every bad row reported; adds and flushes, the caller commits.
    """
    table = read_table(data=data, filename=filename)
    headers = match_columns(table, COLUMNS)
    has_pair = headers["lon"] is not None and headers["lat"] is not None
    if headers["lon"] is not None or headers["lat"] is not None:
        if not has_pair:
            missing = COLUMNS_BY_KEY["lat" if headers["lat"] is None else "lon"]
            raise refuse(
                f"缺少{missing.zh}列：经度和纬度要成对提供",
                f"the {missing.en} column is missing: longitude and latitude come in pairs",
                table.filename,
            )
    elif headers["coordinates"] is None and headers["plate_code"] is None:
        raise refuse(
            "缺少位置列：请提供经度和纬度两列（或坐标列），或门牌编码列",
            "no position columns: give longitude and latitude (or a coordinates column), or a plate code",
            table.filename,
        )
    report = ImportReport(filename=table.filename, rows_read=len(table.rows))
    parsed: list[tuple[int, FacilityInput]] = []
    plates = PlateCache(session)
    if headers["plate_code"] is not None:
        plates.preload(row.get(headers["plate_code"]) for row in table.rows)
    locator = GridLocator(session)
    for row in table.rows:
        cells = {key: row.get(header) for key, header in headers.items()}
        result = parse_facility(cells, find_plate=plates.get, find_grid=locator.grid_at)
        if isinstance(result, list):
            _report_problems(report, row.line, result, headers)
        else:
            parsed.append((row.line, result))
    known = KnownFacilities(session, {f.name for _, f in parsed})
    created: list[Facility] = []
    for line, facility_input in parsed:
        match = known.find(facility_input)
        if match is not None and match.line is not None:
            _report_problems(report, line, [_repeat_problem(match.line)], headers)
        elif match is not None and match.facility.status is not RecordStatus.ACTIVE:
            _report_problems(report, line, [_retired_problem(match.facility)], headers)
        elif match is not None:
            match.line = line
            changes = apply_values(match.facility, facility_input)
            if changes:
                report.updated += 1
                audit_update(session, match.facility, changes, actor=actor, now=now, source=table.filename)
            else:
                report.unchanged += 1
        else:
            facility = _new_facility(facility_input, now)
            session.add(facility)
            created.append(facility)
            known.add(facility, line)
            report.created += 1
    report.errors.sort(key=lambda e: e.line)  # stable: a row's problems keep their column order
    session.flush()
    record_file_import(
        session,
        actor=actor,
        action="import.facilities",
        filename=table.filename,
        file_format=table.format,
        data=data,
        counts={**report.counts(), "created_ids": [f.id for f in created]},
        at=now,
    )
    session.flush()
    return report


def _repeat_problem(first_line: int) -> RowProblem:
    return RowProblem(
        "name",
        f"与第 {first_line} 行是同一设施（大类、小类、名称和位置都相同）",
        f"the same facility as line {first_line} (same group, subtype, name and position)",
    )


def _retired_problem(facility: Facility) -> RowProblem:
    when = facility.retired_at.date().isoformat() if facility.retired_at else "?"
    return RowProblem(
        "name",
        f"该设施（编号 {facility.id}）已于 {when} 停用，不再重新登记；如确已重建，请改用新名称",
        f"this facility (no. {facility.id}) was retired on {when} and is not registered again; "
        "if it was really rebuilt, give it a new name",
    )


def _report_problems(
    report: ImportReport, line: int, problems: list[RowProblem], headers: Mapping[str, str | None]
) -> None:
    for p in problems:
        header = headers.get(p.column) or COLUMNS_BY_KEY[p.column].zh
        report.errors.append(RowError(line, header, p.message_zh, p.message_en))


def _new_facility(values: FacilityInput, now: datetime) -> Facility:
    return Facility(
        category=values.category,
        subtype=values.subtype,
        name=values.name,
        lon=values.lon,
        lat=values.lat,
        plate_code=values.plate_code,
        grid_code=values.grid_code,
        department=values.department,
        phone=values.phone,
        status=RecordStatus.ACTIVE,
        created_at=now,
    )
