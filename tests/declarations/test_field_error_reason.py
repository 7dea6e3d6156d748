"""A summary names each wrong field once: by its place on the form, then the reason alone."""

from __future__ import annotations

import pytest

from shared.declarations.form_errors import FieldError


@pytest.mark.parametrize(
    ("field", "zh", "en", "reason_zh", "reason_en"),
    [
        ("tenants[1].room_id", "房间不能为空", "Room: this field is required",
         "不能为空", "This field is required"),
        ("person.id_number", "证件号码有误，请逐位核对（校验位错误）",
         "Identity number: a digit is wrong, please check each one (the check character is wrong)",
         "有误，请逐位核对（校验位错误）",
         "A digit is wrong, please check each one (the check character is wrong)"),
        # a message that goes on from the name keeps its own link word: `证件号码：其中的出生日期…`
        ("person.id_number", "证件号码：其中的出生日期晚于今天",
         "Identity number: the birth date in it is after today",
         "其中的出生日期晚于今天", "The birth date in it is after today"),
        # a validator's own wording of the name is dropped in English, kept in Chinese when it differs
        ("person.phone", "电话号码无效", "Phone number: not a valid number",
         "电话号码无效", "Not a valid number"),
        ("privacy_accepted", "请阅读并同意隐私告知", "Please read and accept the privacy notice",
         "请阅读并同意隐私告知", "Please read and accept the privacy notice"),
        ("move_in", "入住日期", "Move-in date: ", "入住日期", "Move-in date: "),  # nothing left: all of it
    ],
)  # fmt: skip
def test_reason_drops_the_name_the_summary_already_gives(
    field: str, zh: str, en: str, reason_zh: str, reason_en: str
) -> None:
    error = FieldError(field, zh, en)
    assert (error.reason("zh"), error.reason("en")) == (reason_zh, reason_en)
    assert (error.message("zh"), error.message("en")) == (zh, en)  # under the field: unchanged
