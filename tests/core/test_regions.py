"""The 户籍 region an identity number names, as a person would write it (GB/T 2260 codes)."""

from __future__ import annotations

import pytest

from shared.core.regions import region_name


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("430102", "湖南省 长沙市 芙蓉区"),  # province, city, district
        ("440301", "广东省 深圳市"),  # the city's districts as a whole (市辖区): the city
        ("440300", "广东省 深圳市"),
        ("441900", "广东省 东莞市"),  # a city with no districts
        ("110101", "北京市 东城区"),  # a municipality: no city between
        ("469001", "海南省 五指山市"),  # a county-level city the province runs itself
        ("659001", "新疆维吾尔自治区 石河子市"),
        ("500381", "重庆市 江津市"),  # the table's "市" groups Chongqing's county-level cities
        ("340901", "安徽省 黄山市"),  # under 省直辖行政单位
        ("430000", "湖南省"),  # a province's own code: named once
        ("439999", "湖南省"),  # a county not in the table: what is known
        ("810000", "香港特别行政区"),
    ],
)
def test_a_region_is_named_as_people_write_it(code: str, name: str) -> None:
    assert region_name(code) == name


@pytest.mark.parametrize("code", ["", "000000", "4403", "abcdef", None])
def test_no_name_for_a_code_not_in_the_table(code: str | None) -> None:
    assert region_name(code) is None
