"""代码表: the code lists records store as codes and pages show as Chinese/English labels.

Each list is one CSV in `data/codes/` (`code,zh,en`, plus `parent` where the list is
hierarchical and an optional `aliases` column of `;`-separated spellings importers accept).
A list is read once and checked as it is read: a broken file stops the app at start instead
of showing a blank label on some page later.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shared.core.config import DATA_DIR
from shared.models.base import VillageKind

CODES_DIR = DATA_DIR / "codes"
VILLAGES_FILE = DATA_DIR / "villages.csv"
TOWN_CODE_PREFIX = "441900126"  # NBS statistics code: 东莞市 441900 + 麻涌镇 126

LIST_NAMES: tuple[str, ...] = (
    "sex",  # GB/T 2261.1
    "ethnicity",  # GB 3304
    "education",  # GB/T 4658-2006
    "id_type",
    "building_type",
    "building_use",
    "building_structure",
    "facility_group",
    "facility_subtype",
    "residence_reason",
    "dwelling_type",
    "organisation_status",  # codes are the values of models.base.OrganisationStatus
    "nationality",  # ISO 3166-1 alpha-3
    "inspection_severity",  # 平安出租屋: major hazards rate a rental high-risk
    "inspection_item",  # 平安出租屋 checklist, each item under its severity
    "permit_documents",  # what to bring to apply for a 居住证 (shared.self_service.permit)
)

# A hierarchical list: where its parents come from, and whether every row must have one.
_PARENTS: dict[str, tuple[str, bool]] = {
    "education": ("education", False),  # GB/T 4658: detailed codes under their level
    "facility_subtype": ("facility_group", True),
    "inspection_item": ("inspection_severity", True),
}
# `children("facility_group", "1")` reads naturally, so it means the subtypes of group 1.
_CHILD_LIST = {"facility_group": "facility_subtype"}


class CodeListError(ValueError):
    """A code-list or village file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Code:
    """One entry of a code list; `aliases` are other spellings `find_code` accepts."""

    code: str
    zh: str
    en: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        """The label in the page's language: English for "en…", Chinese otherwise."""
        return self.en if _is_english(lang) else self.zh


@dataclass(frozen=True)
class _Loaded:
    codes: tuple[Code, ...]
    by_code: Mapping[str, Code]
    by_text: Mapping[str, Code]
    # All codes digits of one width: spreadsheets drop leading zeros, so "1" means "01".
    pad_width: int | None


def _is_english(lang: str) -> bool:
    return lang.lower().startswith("en")


def _normalise(text: str) -> str:
    """Fold what users type differently: full-width forms, case, stray and doubled spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _read_csv(path: Path, required: tuple[str, ...], allowed: set[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers, cells stripped; a wrong header or row shape is refused."""
    if not path.is_file():
        raise CodeListError(f"{path}: file not found")
    rows: list[tuple[int, dict[str, str]]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:  # -sig: files saved by Excel
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        missing = [c for c in required if c not in header]
        unknown = [c for c in header if c not in allowed]
        if missing or unknown or len(set(header)) != len(header):
            raise CodeListError(
                f"{path}: header {','.join(header)!r} is wrong; expected {','.join(required)}"
                f" (allowed columns: {', '.join(sorted(allowed))})"
            )
        for row in reader:
            if None in row or None in row.values():
                raise CodeListError(f"{path}, line {reader.line_num}: expected {len(header)} fields")
            rows.append((reader.line_num, {k: v.strip() for k, v in row.items()}))
    if not rows:
        raise CodeListError(f"{path}: no entries")
    return rows


@cache
def _load(name: str, directory: Path) -> _Loaded:
    """Read and check one list: unique codes, both labels, parents that exist, unambiguous text."""
    if name not in LIST_NAMES:
        raise KeyError(f"unknown code list {name!r}; known lists: {', '.join(LIST_NAMES)}")
    path = directory / f"{name}.csv"
    parent_spec = _PARENTS.get(name)
    extra = ("parent",) if parent_spec else ()
    rows = _read_csv(path, ("code", "zh", "en", *extra), {"code", "zh", "en", "aliases", *extra})
    by_code: dict[str, Code] = {}
    lines: dict[str, int] = {}
    for line, row in rows:
        code = row["code"]
        if not code or re.search(r"\s", code):
            raise CodeListError(f"{path}, line {line}: code {code!r} is empty or contains spaces")
        if code in by_code:
            raise CodeListError(f"{path}, line {line}: duplicate code {code!r} (first on line {lines[code]})")
        for column in ("zh", "en"):
            if not row[column]:
                raise CodeListError(f"{path}, line {line}: code {code!r} has no {column} label")
        aliases = tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip())
        by_code[code] = Code(code, row["zh"], row["en"], row.get("parent") or None, aliases)
        lines[code] = line
    if parent_spec:
        parent_list, is_required = parent_spec
        if parent_list == name:  # one level deep: a parent must itself be a top-level entry
            parents = {c.code for c in by_code.values() if c.parent is None}
        else:
            parents = {c.code for c in _load(parent_list, directory).codes}
        for entry in by_code.values():
            where = f"{path}, line {lines[entry.code]}"
            if entry.parent is None and is_required:
                raise CodeListError(f"{where}: code {entry.code!r} has no parent")
            if entry.parent is not None and entry.parent not in parents:
                raise CodeListError(
                    f"{where}: parent {entry.parent!r} of {entry.code!r} is not in {parent_list}"
                )
    by_text: dict[str, Code] = {}
    for entry in by_code.values():
        spellings = [entry.code, entry.zh, entry.en, *entry.aliases]
        if entry.zh.endswith("族") and len(entry.zh) > 1:
            spellings.append(entry.zh[:-1])  # people write 汉 as often as 汉族
        for spelling in spellings:
            key = _normalise(spelling)
            other = by_text.setdefault(key, entry)
            if other is not entry:
                raise CodeListError(
                    f"{path}, line {lines[entry.code]}: {spelling!r} would match both {other.code!r}"
                    f" and {entry.code!r}"
                )
    widths = {len(c) for c in by_code}
    is_numeric = all(c.isascii() and c.isdigit() for c in by_code)
    pad_width = widths.pop() if is_numeric and len(widths) == 1 else None
    return _Loaded(tuple(by_code.values()), by_code, by_text, pad_width)


def code_list(name: str, directory: Path | None = None) -> tuple[Code, ...]:
    """All entries of a list in file order; `directory` only for tests of malformed files."""
    return _load(name, directory or CODES_DIR).codes


def get_code(name: str, code: str) -> Code | None:
    """The entry stored under exactly this code, or None."""
    return _load(name, CODES_DIR).by_code.get(code)


def is_valid_code(name: str, code: str) -> bool:
    """Whether a stored code belongs to the list (exact match, no guessing)."""
    return code in _load(name, CODES_DIR).by_code


def label(name: str, code: str | None, lang: str = "zh") -> str:
    """What a page shows for a stored code; an unknown code shows as itself rather than failing."""
    if not code:
        return ""
    entry = get_code(name, code)
    return entry.label(lang) if entry else code


def bilingual(name: str, code: str | None) -> str:
    """Both labels, Chinese first ("男 Male"), for exports and bilingual pages."""
    if not code:
        return ""
    entry = get_code(name, code)
    return f"{entry.zh} {entry.en}" if entry else code


def children(name: str, parent: str) -> tuple[Code, ...]:
    """Entries under a parent: detailed education under a level, subtypes of a facility group."""
    return tuple(c for c in code_list(_CHILD_LIST.get(name, name)) if c.parent == parent)


def find_code(name: str, text: str) -> Code | None:
    """Match what an importer or a user wrote: code, zh or en label or alias, any case or width.

    Ethnic groups match without 族 ("汉"); a numeric code that lost its leading zeros in a
    spreadsheet ("1") matches its padded form ("01"). Anything else is None, never a guess.
    """
    key = _normalise(text)
    if not key:
        return None
    loaded = _load(name, CODES_DIR)
    found = loaded.by_text.get(key)
    if found is None and loaded.pad_width and key.isascii() and key.isdigit() and len(key) < loaded.pad_width:
        found = loaded.by_code.get(key.zfill(loaded.pad_width))
    return found


@dataclass(frozen=True)
class VillageRow:
    """村/社区 as shipped in data/villages.csv; `confirmed` says the code is the NBS's own."""

    code: str
    name: str
    name_en: str
    kind: VillageKind
    police_station: str
    police_phone: str
    confirmed: bool


_VILLAGE_COLUMNS = ("code", "name", "name_en", "kind", "police_station", "police_phone", "confirmed")


@cache
def load_villages(path: Path = VILLAGES_FILE) -> tuple[VillageRow, ...]:
    """The town's villages and residents' committees, checked against the NBS code rules."""
    rows = _read_csv(path, _VILLAGE_COLUMNS, set(_VILLAGE_COLUMNS))
    villages: list[VillageRow] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        where = f"{path}, line {line}"
        code = row["code"]
        if not re.fullmatch(TOWN_CODE_PREFIX + r"\d{3}", code):
            raise CodeListError(f"{where}: code {code!r} is not 12 digits starting {TOWN_CODE_PREFIX}")
        for key in (code, row["name"]):
            if key in seen:
                raise CodeListError(f"{where}: duplicate {key!r} (first on line {seen[key]})")
            seen[key] = line
        if not (row["name"] and row["name_en"]):
            raise CodeListError(f"{where}: village {code} needs both name and name_en")
        try:
            kind = VillageKind(row["kind"])
        except ValueError:
            raise CodeListError(f"{where}: kind {row['kind']!r} is not village or community") from None
        # GB/T 10114: 001–199 are residents' committees, 200–399 village committees.
        if (kind is VillageKind.VILLAGE) != (int(code[-3:]) >= 200):
            raise CodeListError(f"{where}: code {code} does not fit kind {kind.value}")
        if row["police_phone"] and not re.fullmatch(r"0\d{2,3}-\d{7,8}", row["police_phone"]):
            raise CodeListError(f"{where}: police_phone {row['police_phone']!r} is not like 0769-12345678")
        if row["confirmed"] not in ("yes", "no"):
            raise CodeListError(f"{where}: confirmed must be yes or no, not {row['confirmed']!r}")
        villages.append(
            VillageRow(
                code=code,
                name=row["name"],
                name_en=row["name_en"],
                kind=kind,
                police_station=row["police_station"],
                police_phone=row["police_phone"],
                confirmed=row["confirmed"] == "yes",
            )
        )
    return tuple(villages)
