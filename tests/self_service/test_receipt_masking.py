"""A receipt masks identity numbers and phones; its correction form sends the masks back, and
an unchanged mask keeps the stored value while a changed number is validated as typed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.core.errors import DomainError
from shared.declarations.forms import validate_residence
from shared.declarations.inputs import to_payload
from shared.self_service.receipt_masking import mask_payload, restore_masked
from tests.factories import CHILD_ID, TENANT_ID, make_id_number, person_fields, residence_fields

TODAY = date(2026, 11, 25)
SPOUSE_ID = make_id_number("430102", "19910303", "024")


def stored() -> dict[str, Any]:
    """A residence as stored: the declarant, a spouse and a child, phones in E.164."""
    derived = {"birth_date": "", "sex": ""}  # read from the number
    family = [
        person_fields(name="王芳", id_number=SPOUSE_ID, relation="spouse", phone="13900139000", **derived),
        person_fields(name="李小", id_number=CHILD_ID, relation="child", phone="", **derived),
    ]
    data = validate_residence(residence_fields(1, family=family), today=TODAY)
    return to_payload(data)


def test_every_number_and_phone_is_masked_first_3_and_last_4() -> None:
    shown = mask_payload(stored())
    assert shown["person"]["id_number"] == TENANT_ID[:3] + "*" * 11 + TENANT_ID[-4:]
    assert shown["person"]["phone"] == "138****8000"
    assert [m["id_number"] for m in shown["family"]] == [
        SPOUSE_ID[:3] + "*" * 11 + SPOUSE_ID[-4:],
        CHILD_ID[:3] + "*" * 11 + CHILD_ID[-4:],
    ]
    assert shown["family"][0]["phone"] == "139****9000"
    assert shown["person"]["name"] == "李四"  # names are the declarant's own typing
    text = repr(shown)
    assert all(number not in text for number in (TENANT_ID, SPOUSE_ID, CHILD_ID, "13800138000"))


def test_unchanged_masks_keep_the_stored_numbers() -> None:
    payload = stored()
    sent = mask_payload(payload)
    sent["person"]["employer"] = "另一家工厂"  # the correction
    restored = restore_masked(sent, payload)
    assert restored["person"]["id_number"] == TENANT_ID
    assert restored["person"]["phone"] == payload["person"]["phone"]
    assert [m["id_number"] for m in restored["family"]] == [SPOUSE_ID, CHILD_ID]
    assert restored["person"]["employer"] == "另一家工厂"


def test_a_removed_family_member_does_not_shift_the_numbers() -> None:
    payload = stored()
    sent = mask_payload(payload)
    sent["family"] = sent["family"][1:]  # the spouse moved away: the child is now family[0]
    assert restore_masked(sent, payload)["family"][0]["id_number"] == CHILD_ID


def test_a_corrected_form_with_unchanged_masks_validates_to_the_stored_numbers() -> None:
    payload = stored()
    raw = mask_payload(residence_fields(1, family=payload["family"], person=payload["person"]))
    data = validate_residence(restore_masked(raw, payload), today=TODAY)
    assert data.person.id_number == TENANT_ID
    assert [m.id_number for m in data.family] == [SPOUSE_ID, CHILD_ID]


def test_a_changed_number_is_validated_as_typed() -> None:
    payload = stored()
    new_number = make_id_number("440103", "19900115", "015")
    sent = mask_payload(payload)
    sent["person"]["id_number"] = new_number
    assert restore_masked(sent, payload)["person"]["id_number"] == new_number
    sent["person"]["id_number"] = TENANT_ID[:3] + "*" * 10 + "1" + TENANT_ID[-4:]  # a mask half edited
    raw = residence_fields(1, person=sent["person"], family=payload["family"])
    with pytest.raises(DomainError) as failed:  # FormErrors, whose home is moving
        validate_residence(restore_masked(raw, payload), today=TODAY)
    assert [e.field for e in getattr(failed.value, "errors", ())] == ["person.id_number"]


def test_a_phone_outside_the_mainland_is_masked_and_kept() -> None:
    payload = {"person": {"phone": "+85221234567", "id_number": TENANT_ID}}
    sent = mask_payload(payload)
    assert sent["person"]["phone"] == "+852****4567"
    assert restore_masked(sent, payload) == payload


def test_two_numbers_with_one_mask_are_told_apart_by_their_place() -> None:
    first = make_id_number("430102", "19900115", "011")
    second = first[:3] + "9" + first[4:-4] + first[-4:]  # same first 3 and last 4
    payload = {"family": [{"id_number": first}, {"id_number": second}]}
    sent = mask_payload(payload)
    assert sent["family"][0]["id_number"] == sent["family"][1]["id_number"]
    assert restore_masked(sent, payload) == payload
