"""行政区划代码 (GB/T 2260): the region an identity number's address code names.

python-stdnum's table, read once; codes keep their meaning after a region is renamed or merged,
because a code is assigned at registration and people keep their numbers.
"""

from __future__ import annotations

import functools
import re
from functools import cache

from stdnum import numdb
from stdnum.numdb import NumDB


@cache
def _region_table() -> NumDB | None:
    try:
        return numdb.get("cn/loc")
    except (OSError, ValueError):  # no table, no warnings: a missing data file must not block people
        return None


@functools.cache  # called for every identity number a rule or an import checks
def is_known_region(code: str) -> bool:
    """Whether a 6-digit address code was ever in GB/T 2260 (python-stdnum's table).

    Codes are assigned at registration, so a code's validity period is ignored on purpose:
    a Dongguan 441900 number of someone born before 1988 is normal. Used for warnings only.
    """
    table = _region_table()
    if table is None:
        return True
    try:
        parts = table.info(code)
        return len(parts) == 2 and bool(parts[1][1].get("county"))
    except (KeyError, ValueError, IndexError):  # stdnum raises KeyError for some codes
        return True


_HMT_REGION_NAMES = {"810000": "香港特别行政区", "820000": "澳门特别行政区", "830000": "台湾省"}


@functools.cache
def region_name(code: str | None) -> str | None:
    """The 户籍 region an identity number's address code names (`湖南省 长沙市 芙蓉区`), by its
    latest names; None for a code the table does not know. GB/T 2260 via python-stdnum's table.
    A city's 市辖区 (its districts as a whole, e.g. 440301) is the city: `广东省 深圳市`."""
    if code in _HMT_REGION_NAMES:
        return _HMT_REGION_NAMES[code]
    if not code or len(code) != 6:
        return None
    province, county = _names(code)
    if province is None:
        return None
    city = _names(code[:4] + "00")[1] if code[4:] != "00" else None
    names: list[str] = []
    for name in (province, city, county):
        if name and _is_a_place(name) and name not in names:  # 430000 is 湖南省 once
            names.append(name)
    return " ".join(names) or None


def _is_a_place(name: str) -> bool:
    """Not what the table lists for a group of places: a city's or municipality's districts as a
    whole (市辖区, 县; Chongqing's county-level cities of 1997-2006, 市) or the places a province
    runs itself (省直辖县级行政单位, 省直辖行政单位)."""
    return name not in ("市辖区", "县", "市") and "直辖" not in name


def _names(code: str) -> tuple[str | None, str | None]:
    """(province, county) of a code, latest names; the county is the city for a code ending 00."""
    table = _region_table()
    if table is None:
        return None, None
    try:
        parts = table.info(code)
    except (KeyError, ValueError, IndexError):
        return None, None
    found = {level: _latest_name(str(info[level])) for _, info in parts for level in info}
    return found.get("province") or None, found.get("county") or None


def _latest_name(text: str) -> str:
    """`[1983-1995]东区,[1996-]芙蓉区` → `芙蓉区`: the name in use now (or last)."""
    return re.sub(r"^\[[^\]]*\]", "", text.split(",")[-1]).strip()
