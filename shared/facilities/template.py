"""设施登记模板: the empty register a department downloads, CSV or XLSX with a notes sheet."""

from __future__ import annotations

import io

from shared.facilities.rows import COLUMNS, COLUMNS_BY_KEY

TEMPLATE_KEYS = ("group", "subtype", "name", "lon", "lat", "plate_code", "department", "phone")


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
