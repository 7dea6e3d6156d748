"""A form's field errors, and the names people read for its fields (`随行人员2 · 出生日期`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from shared.core.errors import DomainError

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "Name"),
    "sex": ("性别", "Sex"),
    "ethnicity": ("民族", "Ethnic group"),
    "birth_date": ("出生日期", "Birth date"),
    "id_type": ("证件类型", "Document type"),
    "id_number": ("证件号码", "Identity number"),
    "nationality": ("国籍", "Nationality"),
    "hukou_address": ("户籍地址", "Household-registration address"),
    "education": ("文化程度", "Education"),
    "phone": ("联系电话", "Phone"),
    "employer": ("工作单位", "Employer"),
    "relation": ("与申报人关系", "Relation to the declarant"),
    "visa_expiry": ("签证（居留许可）有效期至", "Visa or residence permit valid until"),
    "room_id": ("房间", "Room"),
    "room_ids": ("出租房间", "Rooms let"),
    "reason": ("居住事由", "Reason for residence"),
    "dwelling_type": ("住所类型", "Type of dwelling"),
    "move_in": ("入住日期", "Move-in date"),
    "move_out": ("搬离日期", "Move-out date"),
    "planned_until": ("拟居住至", "Planned stay until"),
    "planned_months": ("拟居住月数", "Planned stay in months"),
    "privacy_accepted": ("隐私告知", "Privacy notice"),
    "lease_start": ("租赁开始日期", "Lease start"),
    "lease_end": ("租赁结束日期", "Lease end"),
    "use": ("出租用途", "Use of the let rooms"),
    "pledge_accepted": ("治安责任书", "Security responsibility pledge"),
    "uscc": ("统一社会信用代码", "Unified social credit code"),
    "status": ("经营状态", "Status"),
    "legal_rep": ("法定代表人", "Legal representative"),
    "manager": ("负责人", "Manager"),
    "staff_count": ("从业人数", "Number of staff"),
}
# The group a path starts with, as a page names it: `family[1].name` → 随行人员2 · 姓名.
_GROUP_LABELS: dict[str, tuple[str, str]] = {
    "person": ("本人", "You"),
    "family": ("随行人员", "Family member"),
    "tenants": ("租客", "Tenant"),
    "landlord": ("房东", "Landlord"),
    "declarant": ("申报人", "Declarant"),
}
# "Phone number: …": the English validators name the field first, as they may word it.
_NAMED_EN = re.compile(r"^[A-Z][\w ()'/-]{0,40}: (?=\S)")
_PATH_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class FieldError:
    """One problem with one field; `field` is a path such as `person.id_number` or
    `family[1].birth_date` (indexes from 0, as in the list the page sent)."""

    field: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang.lower().startswith("en") else self.message_zh

    def reason(self, lang: str = "zh") -> str:
        """The problem without the field's own name in front (`不能为空`, `This field is required`),
        for a summary that names the field by its place on the form (`租客2 · 房间`): the shared
        validators put the name first, so it would be said twice."""
        if lang.lower().startswith("en"):
            rest = _NAMED_EN.sub("", self.message_en, count=1)
            return rest[:1].upper() + rest[1:]
        rest = self.message_zh.removeprefix(label_of(self.field)[0]).lstrip("：:")
        return rest or self.message_zh


class FormErrors(DomainError):
    """Every field error of a submitted form at once; nothing typed is lost, the page keeps its
    values and shows `errors` beside their fields."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        count = len(errors)
        super().__init__(f"有 {count} 处需要修改", f"{count} field(s) need correcting")
        self.errors: tuple[FieldError, ...] = tuple(errors)

    def __str__(self) -> str:
        return f"{super().__str__()}: {', '.join(self.fields)}"

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(e.field for e in self.errors)

    def for_field(self, path: str) -> tuple[FieldError, ...]:
        """Errors of one field, e.g. to show under its input."""
        return tuple(e for e in self.errors if e.field == path)


def field_label(path: str, lang: str = "zh") -> str:
    """A field path as people read it: `family[1].birth_date` → `随行人员2 · 出生日期`."""
    english = lang.lower().startswith("en")
    parts = []
    for name, index in _PATH_PART.findall(path):
        zh, en = _GROUP_LABELS.get(name) or FIELD_LABELS.get(name) or (name, name)
        if index:
            zh, en = f"{zh}{int(index) + 1}", f"{en} {int(index) + 1}"
        parts.append(en if english else zh)
    return " · ".join(parts)


def label_of(path: str) -> tuple[str, str]:
    last = path.rsplit(".", 1)[-1].split("[", 1)[0]
    return FIELD_LABELS.get(last, (last, last))
