"""单位申报 on the portal: an organisation's manager declares it at a plate (AppTest)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.declarations.store import payload_of
from shared.models import Declaration, DeclarationKind
from shared.self_service.receipt_access import format_receipt_code
from tests.factories import make_building, make_id_number, make_plate, make_room, make_uscc, wrong_check_digit
from tests.pages.declaring import click, fill, open_page, texts, value_of

MANAGER_ID = make_id_number("441900", "19800808", "051")
USCC = make_uscc()


@pytest.fixture
def plate(session: Session) -> dict[str, Any]:
    plate = make_plate(session, number="20")
    room = make_room(session, building=make_building(session, plate=plate, use="04"), number="101")
    session.commit()
    return {"code": plate.code, "room": room.id}


def good_values() -> dict[str, Any]:
    return {
        "organisation.name": "东莞市麻涌某五金有限公司",
        "organisation.uscc": USCC,
        "organisation.legal_rep": "王五",
        "organisation.manager": "赵六",
        "organisation.phone": "0769-88123456",
        "organisation.staff_count": 35,
        "organisation.declarant.name": "赵六",
        "organisation.declarant.id_number": MANAGER_ID,
        "organisation.declarant.phone": "13912345678",
    }


def declarations(session: Session) -> list[Declaration]:
    session.expire_all()
    return list(session.scalars(select(Declaration)))


def test_the_plate_page_offers_the_organisation_form(plate: dict[str, Any]) -> None:
    at = open_page("plate", plate_code=plate["code"])
    next(b for b in at.button if b.label == "单位申报").click()
    at.run()
    assert not at.exception
    assert "单位登记" in texts(at)


def test_a_manager_declares_an_organisation(session: Session, plate: dict[str, Any]) -> None:
    at = open_page("declare_organisation", plate_code=plate["code"])
    fill(at, {**good_values(), "organisation.room_id": plate["room"]})
    at = click(at, "organisation._submit")
    assert not at.exception
    [declaration] = declarations(session)
    assert declaration.kind is DeclarationKind.ORGANISATION and declaration.room_id == plate["room"]
    payload = payload_of(declaration)
    assert (payload["uscc"], payload["status"], payload["staff_count"]) == (USCC, "operating", 35)
    assert payload["phone"] == "+8676988123456"
    assert format_receipt_code(declaration.receipt_code) in texts(at)


BAD_FIELDS = [
    # The service names the organisation's name 姓名 (FIELD_LABELS has one "name"); shown under 单位名称.
    ("no name", {"organisation.name": ""}, "不能为空", "统一社会信用代码"),
    ("bad uscc", {"organisation.uscc": wrong_check_digit(USCC)}, "统一社会信用代码",
     None),
    ("no legal rep", {"organisation.legal_rep": ""}, "法定代表人不能为空", None),
    ("bad phone", {"organisation.phone": "88"}, "电话号码无效", None),
    ("bad declarant number", {"organisation.declarant.id_number": "44190019800808051"}, "证件号码", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("wrong", "message", "not_shown"), [c[1:] for c in BAD_FIELDS], ids=[c[0] for c in BAD_FIELDS]
)
def test_a_wrong_field_is_named_and_the_rest_kept(
    session: Session, plate: dict[str, Any], wrong: dict[str, Any], message: str, not_shown: str | None
) -> None:
    at = open_page("declare_organisation", plate_code=plate["code"])
    values = {**good_values(), **wrong}
    fill(at, values)
    at = click(at, "organisation._submit")
    assert declarations(session) == []
    beside = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert len(beside) == 1 and message in beside[0], beside
    assert not_shown is None or not_shown not in beside[0]
    for key, value in values.items():
        assert value_of(at, key) == value, key
