"""实有设施上传: a department's register (CSV/XLSX) in, every bad row reported, nothing doubled.

A facility is identified by its group, subtype, name and position (its plate, or its point to
within about a metre), so a department can send its whole list again every month: known
facilities are updated or left alone, new ones are added, nothing is duplicated, and retired
ones are reported rather than brought back. A file that is no usable table is refused as a
whole before anything is written. The columns and the reading of one row are in
shared.facilities.rows; the edit form (shared.facilities.records) matches facilities the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit, record_file_import
from shared.core.tables import match_columns, read_table, refuse
from shared.facilities.rows import (
    COLUMNS,
    COLUMNS_BY_KEY,
    FacilityInput,
    PlateInfo,
    is_plate_code_like,
    normalise_plate_code,
    parse_facility,
)
from shared.housing.cells import RowProblem
from shared.housing.import_report import RowError
from shared.models import DoorPlate, Facility, RecordStatus
from shared.places.town_area import GridLocator

__all__ = ["COLUMNS", "ImportReport", "RowError", "facility_template", "import_facilities"]

# Two points this close (degrees, about a metre) are the same place: the same facility sent
# again, maybe through a spreadsheet that printed its coordinates with fewer digits.
SAME_PLACE_DEGREES = 1.5e-5
TEMPLATE_KEYS = ("group", "subtype", "name", "lon", "lat", "plate_code", "department", "phone")
_CHUNK = 500  # values per IN (…) query


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


class PlateCache:
    """Plates rows point at, each read once (a whole file's in a few queries)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: dict[str, PlateInfo | None] = {}

    def preload(self, texts: Iterable[str]) -> None:
        wanted = {code for text in texts if (code := normalise_plate_code(text)) and is_plate_code_like(code)}
        codes = sorted(wanted - set(self.found))
        for start in range(0, len(codes), _CHUNK):
            chunk = codes[start : start + _CHUNK]
            self.found.update(dict.fromkeys(chunk))
            for plate in self.session.scalars(select(DoorPlate).where(DoorPlate.code.in_(chunk))):
                self.found[plate.code] = _plate_info(plate)

    def get(self, code: str) -> PlateInfo | None:
        if code not in self.found:
            plate = self.session.get(DoorPlate, code)
            self.found[code] = _plate_info(plate) if plate else None
        return self.found[code]


def _plate_info(plate: DoorPlate) -> PlateInfo:
    return PlateInfo(plate.code, plate.status, plate.successor_code, plate.lon, plate.lat, plate.grid_code)


@dataclass
class _Entry:
    facility: Facility
    line: int | None  # the line of this upload that named it; None: not (yet) in this file


class KnownFacilities:
    """Facilities on record with the names a file uses, plus those this file adds."""

    def __init__(self, session: Session, names: Iterable[str]) -> None:
        self.by_key: dict[tuple[str, str, str], list[_Entry]] = {}
        wanted = sorted(names)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for facility in session.scalars(
                select(Facility).where(Facility.name.in_(chunk)).order_by(Facility.id)
            ):
                self.add(facility, None)

    def add(self, facility: Facility, line: int | None) -> None:
        key = (facility.category, facility.subtype, facility.name)
        self.by_key.setdefault(key, []).append(_Entry(facility, line))

    def find(self, wanted: FacilityInput, *, excluding: int | None = None) -> _Entry | None:
        """The facility `wanted` is, if known (see `_preference` when several are)."""
        entries = [
            e
            for e in self.by_key.get((wanted.category, wanted.subtype, wanted.name), [])
            if _is_same_facility(e.facility, wanted) and (excluding is None or e.facility.id != excluding)
        ]
        entries.sort(key=_preference)
        return entries[0] if entries else None


def _preference(entry: _Entry) -> tuple[int, int]:
    """An active facility no earlier row of this file claimed, then one a row claimed (the row
    repeats that one), then a retired one; newest first. Twins already on record so take one
    row each, and a file sent again matches them all."""
    if entry.facility.status is not RecordStatus.ACTIVE:
        return 2, -(entry.facility.id or 0)
    return (0 if entry.line is None else 1), -(entry.facility.id or 0)


def _is_same_facility(facility: Facility, wanted: FacilityInput) -> bool:
    """Same plate, or (neither on a plate) the same point to within SAME_PLACE_DEGREES."""
    if wanted.plate_code is not None or facility.plate_code is not None:
        return facility.plate_code == wanted.plate_code
    if None in (facility.lon, facility.lat, wanted.lon, wanted.lat):
        return False
    assert facility.lon is not None and facility.lat is not None
    assert wanted.lon is not None and wanted.lat is not None
    return (
        abs(facility.lon - wanted.lon) <= SAME_PLACE_DEGREES
        and abs(facility.lat - wanted.lat) <= SAME_PLACE_DEGREES
    )


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


def apply_values(facility: Facility, values: FacilityInput, *, keep_position: bool = True) -> dict[str, Any]:
    """Bring a matched facility in line with the upload; `{field: (before, after)}` of what changed.

    A facility found by its point keeps its stored point (the upload's is the same to within a
    metre). One found by its plate takes a point the upload gives, which may have been refined;
    a row without one leaves the stored point (maybe placed by an officer) alone, and only a
    facility without any point takes the plate's.
    """
    fields = ["department", "phone", "grid_code"]
    takes_point = facility.plate_code is not None and (values.position_given or facility.lon is None)
    if not keep_position or takes_point:
        fields += ["lon", "lat"]
    if not keep_position:
        fields += ["category", "subtype", "name", "plate_code"]
    changes: dict[str, Any] = {}
    for name in fields:
        before, after = getattr(facility, name), getattr(values, name)
        if before != after:
            changes[name] = (before, after)
            setattr(facility, name, after)
    return changes


def audit_update(
    session: Session,
    facility: Facility,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    actor: str,
    now: datetime,
    source: str | None = None,
) -> None:
    detail: dict[str, Any] = {
        "before": {k: before for k, (before, _) in changes.items()},
        "after": {k: after for k, (_, after) in changes.items()},
    }
    if source is not None:
        detail["source"] = source
    record_audit(
        session, actor=actor, action="facility.update", target_type="facility", target_id=facility.id,
        detail=detail, at=now,
    )  # fmt: skip


# -- the template departments download -------------------------------------------------------------


def facility_template(fmt: str, *, lang: str = "zh") -> bytes:
    """An empty register to fill in: CSV (UTF-8 with BOM, so Excel opens it right) or XLSX with
    a notes sheet. Only headers: an example row would be imported by whoever forgets to delete it."""
    english = lang.lower().startswith("en")
    headers = [COLUMNS_BY_KEY[k].en if english else COLUMNS_BY_KEY[k].zh for k in TEMPLATE_KEYS]
    if fmt == "csv":
        return (",".join(headers) + "\r\n").encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError(f"unknown template format {fmt!r}: csv or xlsx")
    return _template_xlsx(headers)


def _template_xlsx(headers: list[str]) -> bytes:
    from openpyxl import Workbook  # imported here: only the template download pays for it
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "设施 Facilities"
    sheet.append(headers)
    for index, key in enumerate(TEMPLATE_KEYS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 28 if key in ("name", "department") else 16
        if key in ("plate_code", "phone"):
            # Text, so Excel keeps leading zeros of codes and of 0769 landlines.
            for row in range(2, 2001):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("说明 Notes")
    notes.append(["列名", "column", "必填 required", "填写说明 values"])
    for column in COLUMNS:
        notes.append([column.zh, column.en, "是 yes" if column.required else "否 no", column.values])
    notes.append([])
    notes.append(["位置：填写经度和纬度，或门牌编码（两者都填时以经纬度为准，网格取门牌的网格）。"])
    notes.append(["Position: give longitude and latitude, or a plate code (with both, the coordinates "
                  "are kept and the grid is the plate's)."])  # fmt: skip
    notes.append(["示例 example", "1 公共安全", "102 消火栓", "麻一村消火栓1号", "113.58", "23.05", "",
                  "东莞市消防救援支队麻涌大队", "0769-88220119"])  # fmt: skip
    for letter, width in (("A", 16), ("B", 16), ("C", 14), ("D", 70)):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
