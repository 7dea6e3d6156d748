"""The small town every address-cleaning test matches against."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shared.address_cleaning.matching import AddressMatcher, build_matcher
from tests.factories import make_plate, make_street, make_village

Codes = dict[tuple[str, str, str], str]


@pytest.fixture
def codes(session: Session) -> Codes:
    """麻一村 and 麻二村 both have a 麻涌大道 (numbers 1–15 and 1–12); 麻一村 also 12之一 and
    105, 古梅路 1–5 with 4之一, 麻一新村路, and two lanes that differ in one numeral.
    Keys: (village, street, number)."""
    plates: Codes = {}
    villages = {
        "麻一村": make_village(session, code="441900126200", name="麻一村"),
        "麻二村": make_village(session, code="441900126201", name="麻二村"),
    }
    layout = {
        ("麻一村", "麻涌大道"): [*map(str, range(1, 16)), "12之一", "105"],
        ("麻一村", "古梅路"): ["1", "2", "3", "4", "4之一", "5"],
        ("麻一村", "麻一新村路"): ["1", "2", "3"],
        ("麻一村", "麻一十一巷"): ["1", "2", "3"],
        ("麻一村", "麻一十二巷"): ["1", "2", "3"],
        ("麻二村", "麻涌大道"): [str(n) for n in range(1, 13)],
        ("麻二村", "新港路"): ["1", "2", "3"],
    }
    for seq, ((village, name), numbers) in enumerate(layout.items(), start=1):
        street = make_street(session, village=villages[village], name=name)
        for n, number in enumerate(numbers, start=1):
            code = f"{villages[village].code[-3:]}{seq:03d}{n:04d}"
            make_plate(session, street=street, number=number, code=code)
            plates[(village, name, number)] = code
    session.commit()
    return plates


@pytest.fixture
def matcher(session: Session, codes: Codes) -> AddressMatcher:
    return build_matcher(session)
