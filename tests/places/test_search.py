"""Finding a standard address without a QR code."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shared.models import DoorPlate, RecordStatus
from shared.places.search import chinese_to_int, list_plate_numbers, plate_number_sort_key, search_addresses
from tests.factories import make_plate, make_street, make_village


@pytest.fixture
def town(session: Session) -> dict[str, str]:
    mayi = make_village(session, name="麻一村")
    dongtai = make_village(session, name="东太村")
    avenue = make_street(session, village=mayi, name="麻涌大道")
    codes = {n: make_plate(session, street=avenue, number=n).code for n in ["2", "10", "12", "12之一"]}
    make_plate(session, street=avenue, number="99", status=RecordStatus.RETIRED)
    codes["东太12"] = make_plate(
        session, street=make_street(session, village=dongtai, name="东太大道"), number="12"
    ).code
    session.flush()
    return codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("麻涌大道12号", ["麻涌大道 12号"]),
        ("东莞市麻涌镇麻涌大道12号", ["麻涌大道 12号"]),
        ("麻一村 麻涌大道 12", ["麻涌大道 12号"]),
        ("麻涌大道12号之一", ["麻涌大道 12号之一"]),
        ("麻涌大道", ["麻涌大道 2号", "麻涌大道 10号", "麻涌大道 12号", "麻涌大道 12号之一"]),
        ("东太 12号", ["东太大道 12号"]),
        ("麻涌大道99号", []),  # retired plates are not offered
        ("不存在的路1号", []),
        ("   ", []),
    ],
)
def test_free_text_search_finds_the_standard_address(
    session: Session, town: dict[str, str], text: str, expected: list[str]
) -> None:
    assert [hit.address for hit in search_addresses(session, text)] == expected


def test_a_plate_code_finds_its_plate(session: Session, town: dict[str, str]) -> None:
    [hit] = search_addresses(session, town["10"])
    assert hit.address == "麻涌大道 10号" and hit.village_name == "麻一村"


def test_street_numbers_are_listed_in_door_order(session: Session, town: dict[str, str]) -> None:
    plate = session.get(DoorPlate, town["2"])
    assert plate is not None
    street_id = plate.street_id
    assert [n for _, n in list_plate_numbers(session, street_id=street_id)] == ["2", "10", "12", "12之一"]


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十三", 23), ("7", 7)])
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_to_int(text) == value


def test_sort_key_orders_sub_numbers_after_their_number() -> None:
    numbers = ["12之二", "10", "12", "2", "12之一"]
    assert sorted(numbers, key=plate_number_sort_key) == ["2", "10", "12", "12之一", "12之二"]
