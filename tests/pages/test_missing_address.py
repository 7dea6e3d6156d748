"""找不到我的地址 on the portal (AppTest): from the search page or a refused plate link, the
resident types the address, sees the candidates, and declares against the typed address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import Declaration, UnplacedStatus
from shared.places.links import verify_plate_token
from shared.self_service.receipt_access import format_receipt_code
from tests.factories import TENANT_ID, make_grid, make_plate, make_street, make_village
from tests.pages.declaring import click, fill, open_page, texts, today


@pytest.fixture
def village(session: Session) -> dict[str, Any]:
    village = make_village(session, name="鸥涌村")
    grid = make_grid(session, village=village)
    plate = make_plate(session, street=make_street(session, village=village, name="鸥涌七巷"), number="12")
    session.commit()
    return {"code": village.code, "grid": grid.code, "plate": plate.code}


def type_address(at: Any, village_code: str, street: str, number: str, **optional: str) -> Any:
    at.selectbox(key="missing.village").set_value(village_code)
    fill(
        at,
        {
            "missing.street": street,
            "missing.number": number,
            **{f"missing.{k}": v for k, v in optional.items()},
        },
    )
    return click(at, "missing.look")


def test_a_mistyped_address_proposes_the_plate(village: dict[str, Any]) -> None:
    at = open_page("search", missing="1")
    assert not at.exception
    at = type_address(at, village["code"], "欧涌七巷", "12")
    links = at.get("page_link")
    assert [link.proto.label for link in links] == ["鸥涌村 · 鸥涌七巷 12号"]
    assert verify_plate_token(links[0].proto.query_string.removeprefix("p=")) == village["plate"]


def test_the_address_needs_a_village_street_and_number(village: dict[str, Any]) -> None:
    at = open_page("search", missing="1")
    at = click(at, "missing.look")
    assert "村（社区）：请选择" in texts(at) and "街路巷不能为空" in texts(at)


def test_declaring_against_the_typed_address_gives_a_receipt(
    session: Session, village: dict[str, Any]
) -> None:
    at = open_page("search", missing="1")
    at = type_address(at, village["code"], "新村路", "8", building="A栋", room="302")
    assert "门牌库中没有相近的地址" in texts(at)
    at = click(at, "missing.declare")
    assert "居住登记（地址待补录）" in texts(at) and "鸥涌村 新村路 8号 A栋 302" in texts(at)
    fill(at, {
        "unplaced.person.name": "李四", "unplaced.person.id_number": TENANT_ID,
        "unplaced.person.ethnicity": "01", "unplaced.person.hukou_address": "湖南省长沙市芙蓉区五一路1号",
        "unplaced.person.phone": "138 0013 8000", "unplaced.reason": "11",
        "unplaced.move_in": today() - timedelta(days=3), "unplaced.privacy_accepted": True,
    })  # fmt: skip
    at = click(at, "unplaced._submit")
    assert not at.exception
    session.expire_all()
    [declaration] = session.scalars(select(Declaration)).all()
    assert declaration.plate_code is None and declaration.grid_code == village["grid"]
    assert declaration.unplaced is not None and declaration.unplaced.status is UnplacedStatus.OPEN
    assert declaration.unplaced.typed_text == "新村路 8号 A栋 302"
    assert format_receipt_code(declaration.receipt_code) in texts(at)


def test_a_refused_plate_link_leads_to_the_missing_address(village: dict[str, Any]) -> None:
    at = open_page("plate", token="broken")
    assert not at.exception
    at.button(key="plate.to_missing").click().run()
    assert not at.exception
    assert at.selectbox(key="missing.village").options[0]
