"""我住在这里 on the portal: a tenant declares their residence from a plate link (AppTest)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.declarations.store import payload_of
from shared.models import Declaration, DeclarationKind
from shared.places.links import plate_token
from shared.self_service.receipt_access import format_receipt_code
from tests.factories import (
    CHILD_ID,
    TENANT_ID,
    make_building,
    make_grid,
    make_plate,
    make_room,
    make_street,
    wrong_check_digit,
)
from tests.pages.declaring import click, fill, open_page, qr_codes, texts, today, value_of, widget


@pytest.fixture
def plate(session: Session) -> dict[str, Any]:
    grid = make_grid(session, name="麻一第3网格")
    street = make_street(session, village=grid.village, name="麻涌大道")
    plate = make_plate(session, street=street, number="12", grid=grid)
    building = make_building(session, plate=plate)
    rooms = {n: make_room(session, building=building, number=n, is_rental=True).id for n in ("301", "302")}
    session.commit()
    return {"code": plate.code, "rooms": rooms}


def good_values(room_id: int) -> dict[str, Any]:
    return {
        "tenant.room_id": room_id,
        "tenant.person.name": "李四",
        "tenant.person.id_number": TENANT_ID,
        "tenant.person.ethnicity": "01",
        "tenant.person.hukou_address": "湖南省长沙市芙蓉区五一路1号",
        "tenant.person.phone": "138 0013 8000",
        "tenant.person.employer": "东莞麻涌某电子厂",
        "tenant.reason": "11",
        "tenant.move_in": today() - timedelta(days=10),
        "tenant.privacy_accepted": True,
    }


def declarations(session: Session) -> list[Declaration]:
    session.expire_all()
    return list(session.scalars(select(Declaration).order_by(Declaration.id)))


def test_a_tenant_declares_and_gets_a_receipt(session: Session, plate: dict[str, Any]) -> None:
    at = open_page("declare_tenant", plate_code=plate["code"])
    assert not at.exception
    # The address is named once, by the way back to the plate above the form.
    [way_back] = [link.proto.label for link in at.get("page_link")]
    assert way_back.endswith(" · 麻涌大道 12号")
    fill(at, good_values(plate["rooms"]["302"]))
    at = click(at, "tenant._submit")
    assert not at.exception
    [declaration] = declarations(session)
    assert declaration.kind is DeclarationKind.RESIDENCE
    assert declaration.room_id == plate["rooms"]["302"]
    assert payload_of(declaration)["person"]["name"] == "李四"
    assert format_receipt_code(declaration.receipt_code) in texts(at)
    assert "后6位" in texts(at)
    assert qr_codes(at) == ["回执二维码"]
    receipt_links = [link.proto.query_string for link in at.get("page_link")]
    assert f"r={declaration.receipt_code}" in receipt_links


def test_plate_page_leads_to_the_tenant_form(plate: dict[str, Any]) -> None:
    at = open_page("plate", plate_code=plate["code"])
    next(b for b in at.button if b.label == "我住在这里").click()
    at.run()
    assert not at.exception
    assert "居住登记" in texts(at)
    assert at.selectbox(key="tenant.room_id").options == ["301", "302"]


def test_a_child_travels_with_the_tenant(session: Session, plate: dict[str, Any]) -> None:
    at = open_page("declare_tenant", plate_code=plate["code"])
    fill(at, good_values(plate["rooms"]["301"]))
    at = click(at, "tenant.family._add")
    fill(at, {"tenant.family#0.relation": "child", "tenant.family#0.name": "李小梅",
              "tenant.family#0.id_number": CHILD_ID, "tenant.family#0.ethnicity": "01",
              "tenant.family#0.hukou_address": "湖南省长沙市"})  # fmt: skip
    at = click(at, "tenant._submit")
    assert not at.exception, at.exception
    [declaration] = declarations(session)
    [child] = payload_of(declaration)["family"]
    assert (child["name"], child["relation"], child["phone"]) == ("李小梅", "child", None)


BAD_FIELDS = [
    ("no room", {"tenant.room_id": None}, "房间不能为空", "房间"),
    ("bad check digit", {"tenant.person.id_number": wrong_check_digit(TENANT_ID)},
     "证件号码有误，请逐位核对（校验位错误）", "本人 · 证件号码"),
    ("bad phone", {"tenant.person.phone": "12345"}, "电话号码无效", "本人 · 联系电话"),
    ("adult without phone", {"tenant.person.phone": ""}, "联系电话不能为空（未满18周岁可不填）",
     "本人 · 联系电话"),
    ("no name", {"tenant.person.name": ""}, "姓名不能为空", "本人 · 姓名"),
    ("no ethnic group", {"tenant.person.ethnicity": None}, "民族不能为空", "本人 · 民族"),
    ("no reason", {"tenant.reason": None}, "居住事由不能为空", "居住事由"),
    ("no move-in", {"tenant.move_in": None}, "入住日期不能为空", "入住日期"),
    ("move-in far ahead", {"tenant.move_in": today() + timedelta(days=40)}, "入住日期不能晚于今天起30天",
     "入住日期"),
    ("stay ends before move-in", {"tenant.planned_until": today() - timedelta(days=20)},
     "拟居住至应晚于入住日期", "拟居住至"),
    ("privacy not accepted", {"tenant.privacy_accepted": False}, "隐私告知：请阅读后勾选同意", "隐私告知"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("wrong", "message", "label"), [c[1:] for c in BAD_FIELDS], ids=[c[0] for c in BAD_FIELDS]
)
def test_a_wrong_field_is_named_beside_it_and_nothing_typed_is_lost(
    session: Session, plate: dict[str, Any], wrong: dict[str, Any], message: str, label: str
) -> None:
    at = open_page("declare_tenant", plate_code=plate["code"])
    values = {**good_values(plate["rooms"]["301"]), **wrong}
    fill(at, values)
    at = click(at, "tenant._submit")
    assert not at.exception
    assert declarations(session) == []
    beside = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert any(message in m for m in beside), beside
    [summary] = at.error
    # named once, by its place on the form: `**本人 · 姓名**：不能为空`, not `…：姓名不能为空`;
    # the name a link that shows the field (by the class Streamlit gives its element)
    name = label.rsplit(" · ", 1)[-1]
    [key] = wrong
    link = f"#to-st-key-{key.replace('.', '-')}"
    line = f"- [**{label}**]({link})：{message.removeprefix(name).lstrip('：')}"
    assert any(shown.startswith(line) for shown in summary.value.splitlines()), summary.value
    for key, value in values.items():
        assert value_of(at, key) == value, key


def test_messages_follow_the_users_language(session: Session, plate: dict[str, Any]) -> None:
    at = open_page("declare_tenant", plate_code=plate["code"], lang="English")
    wrong = wrong_check_digit(TENANT_ID)
    fill(at, {**good_values(plate["rooms"]["301"]), "tenant.person.id_number": wrong})
    at = click(at, "tenant._submit")
    assert "Identity number: a digit is wrong, please check each one (the check character is wrong)" in texts(
        at
    )
    assert (
        "- [**You · Identity number**](#to-st-key-tenant-person-id_number): "
        "A digit is wrong, please check each one (the check character is wrong)"
        in at.error[0].value.splitlines()
    )


def test_a_field_is_checked_as_soon_as_it_is_left_and_the_others_stay_quiet(
    plate: dict[str, Any],
) -> None:
    at = open_page("declare_tenant", plate_code=plate["code"])
    at.text_input(key="tenant.person.phone").input("12345").run()
    shown = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert len(shown) == 1 and "电话号码无效" in shown[0]
    assert not at.error  # no summary before a submission is tried
    at.text_input(key="tenant.person.phone").input("13800138000").run()
    assert not [m for m in at.markdown if m.value.startswith(":red[")]


def test_switching_language_keeps_what_was_typed(plate: dict[str, Any]) -> None:
    at = open_page("declare_tenant", plate_code=plate["code"])
    values = good_values(plate["rooms"]["302"])
    fill(at, values).run()
    at.segmented_control(key="lang").set_value("en").run()
    assert at.text_input(key="tenant.person.name").label == "Name"
    for key, value in values.items():
        assert value_of(at, key) == value, key


def test_a_passport_asks_for_nationality_and_visa(session: Session, plate: dict[str, Any]) -> None:
    at = open_page("declare_tenant", plate_code=plate["code"])
    assert "tenant.person.nationality" not in [s.key for s in at.selectbox]
    at.selectbox(key="tenant.person.id_type").set_value("04").run()
    keys = [s.key for s in at.selectbox]
    assert "tenant.person.nationality" in keys and "tenant.person.ethnicity" not in keys
    values = {
        k: v
        for k, v in good_values(plate["rooms"]["301"]).items()
        if "ethnicity" not in k and "hukou" not in k
    }
    fill(at, {**values, "tenant.person.name": "NGUYEN VAN AN", "tenant.person.id_number": "C1234567",
              "tenant.person.nationality": "VNM", "tenant.person.sex": "1",
              "tenant.person.birth_date": date(1995, 3, 4),
              "tenant.person.visa_expiry": today() + timedelta(days=200)})  # fmt: skip
    at = click(at, "tenant._submit")
    assert not at.exception and not at.error, texts(at)
    [declaration] = declarations(session)
    person = payload_of(declaration)["person"]
    assert (person["nationality"], person["id_type"], person["ethnicity"]) == ("VNM", "04", None)


def test_submitting_twice_makes_one_declaration(session: Session, plate: dict[str, Any]) -> None:
    """A second tap reaches the server with the same form (same idempotency key) even when it
    differs; the same content again from the same person is the same declaration too."""
    at = open_page("declare_tenant", plate_code=plate["code"])
    fill(at, good_values(plate["rooms"]["301"])).run()
    key = at.session_state["tenant._idempotency"]
    at = click(at, "tenant._submit")
    [first] = declarations(session)
    assert format_receipt_code(first.receipt_code) in texts(at)
    # Again from a fresh form with the same content: the same declaration.
    at = click(at, "tenant._again")
    assert value_of(at, "tenant.person.name") == "" and value_of(at, "tenant.room_id") is None
    fill(at, good_values(plate["rooms"]["301"]))
    at = click(at, "tenant._submit")
    assert [d.id for d in declarations(session)] == [first.id]
    assert format_receipt_code(first.receipt_code) in texts(at)
    # A tap whose rerun interrupted the first submission still carries the first form's key.
    at = click(at, "tenant._again")
    fill(at, {**good_values(plate["rooms"]["301"]), "tenant.person.employer": "另一家工厂"})
    at.session_state["tenant._idempotency"] = key
    at = click(at, "tenant._submit")
    assert [d.id for d in declarations(session)] == [first.id]
    assert session.scalar(select(func.count()).select_from(Declaration)) == 1


@pytest.mark.parametrize("token", ["garbage", "0010010001.AAAAAAAAAAAAAAAAA"])
def test_a_broken_plate_link_is_refused_like_on_the_plate_page(plate: dict[str, Any], token: str) -> None:
    at = open_page("declare_tenant", token=token)
    assert not at.exception
    assert "无法识别这个门牌链接" in texts(at)
    assert not at.text_input


def test_the_language_chosen_on_the_plate_page_carries_over(plate: dict[str, Any]) -> None:
    at = open_page("plate", plate_code=plate["code"], lang="English")
    next(b for b in at.button if b.label == "I live here").click()
    at.run()
    assert "Residence: I live here" in texts(at)
    assert at.text_input(key="tenant.person.name").label == "Name"


def test_what_was_typed_is_still_there_after_going_back_to_the_plate(plate: dict[str, Any]) -> None:
    at = open_page("declare_tenant", plate_code=plate["code"])
    values = good_values(plate["rooms"]["302"])
    fill(at, values).run()
    at.switch_page("app_pages/plate.py")
    at.run()
    next(b for b in at.button if b.label == "我住在这里").click()
    at.run()
    # AppTest runs its own current page again on the next run, not the one the button switched to:
    # pinned, so that opening 更多信息 (a run) stays on the form.
    at.switch_page("app_pages/declare_tenant.py")
    for key, value in values.items():
        assert value_of(at, key) == value, key


def test_another_plates_form_starts_empty(session: Session, plate: dict[str, Any]) -> None:
    other = make_plate(session, number="14")
    make_room(session, building=make_building(session, plate=other), number="101")
    session.commit()
    at = open_page("declare_tenant", plate_code=plate["code"])
    fill(at, good_values(plate["rooms"]["302"])).run()
    at.query_params["p"] = plate_token(other.code)
    at.switch_page("app_pages/declare_tenant.py")
    at.run()
    assert at.selectbox(key="tenant.room_id").options == ["101"]
    assert value_of(at, "tenant.person.name") == ""


def test_closed_more_fields_are_not_drawn_yet_what_was_typed_there_is_sent(
    session: Session, plate: dict[str, Any]
) -> None:
    """更多信息 draws its fields only while open (issue 12: hidden fields slowed every step); a
    value typed there and folded away again still goes with the declaration."""
    at = open_page("declare_tenant", plate_code=plate["code"])
    assert "tenant.person.employer" not in [field.key for field in at.text_input]
    fill(at, good_values(plate["rooms"]["302"])).run()  # 更多信息 opened to type the employer
    at.session_state["tenant.person._more"] = False  # and closed again
    at.run()
    assert "tenant.person.employer" not in [field.key for field in at.text_input]
    click(at, "tenant._submit")
    [declaration] = declarations(session)
    assert payload_of(declaration)["person"]["employer"] == "东莞麻涌某电子厂"


def test_a_refused_field_under_closed_more_fields_opens_it_with_the_message(
    session: Session, plate: dict[str, Any]
) -> None:
    at = open_page("declare_tenant", plate_code=plate["code"])
    fill(at, good_values(plate["rooms"]["302"])).run()
    at.session_state["tenant.stay._more"] = False
    at.session_state["tenant.planned_until"] = today() - timedelta(days=20)  # kept from earlier
    at.run()
    assert "tenant.planned_until" not in [field.key for field in at.date_input]
    at = click(at, "tenant._submit")
    assert declarations(session) == []
    assert "tenant.planned_until" in [field.key for field in at.date_input]  # opened by itself
    beside = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert beside == [":red[拟居住至应晚于入住日期]"]


def test_a_fresh_form_keeps_no_room_for_messages_until_one_shows(plate: dict[str, Any]) -> None:
    """Every element costs each field's rerun on a phone (issue 12): room for a message under a
    field is drawn once the field has one, and the message shows at the first try."""
    at = open_page("declare_tenant", plate_code=plate["code"])
    assert not at.get("empty")
    at.text_input(key="tenant.person.phone").input("12345").run()
    [shown] = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert "电话号码无效" in shown
    at.text_input(key="tenant.person.phone").input("13800138000").run()
    assert not [m for m in at.markdown if m.value.startswith(":red[")]
    assert len(at.get("empty")) == 1  # room stays under the field that had a message, now empty


def test_each_part_keeps_only_its_own_values(plate: dict[str, Any]) -> None:
    """A field's rerun on a phone checks the whole form from what each part kept. The first part's
    kept values once grew into the whole form of the page's first run (the page added the other
    parts to the dict it got back), so a phone number left wrong could be checked as the empty
    one of that run, and its message never showed."""
    at = open_page("declare_tenant", plate_code=plate["code"])
    kept = {key: at.session_state[key] for key in at.session_state if key.startswith("tenant._raw.")}
    assert set(kept["tenant._raw.room"]) == {"room_id"}
    assert set(kept["tenant._raw.person.phone"]) == {"person"}


def test_the_phone_fields_example_is_said_to_be_one(plate: dict[str, Any]) -> None:
    # "138 0013 8000" alone in an empty field read as a number already given.
    at = open_page("declare_tenant", plate_code=plate["code"])
    assert widget(at, "tenant.person.phone").proto.placeholder == "例：138 0013 8000"
    at = open_page("declare_tenant", plate_code=plate["code"], lang="English")
    assert widget(at, "tenant.person.phone").proto.placeholder == "e.g. 138 0013 8000"
