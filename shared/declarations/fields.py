"""Reading the values a declaration form sends: forgiving about how they are typed, exact about
what they mean, and collecting every problem so a page can show each beside its field.

Pages pass strings from text inputs, dates from date inputs, ints from select boxes and bools
from checkboxes; a spreadsheet upload passes strings. Every reader accepts all of these, trims
spaces, folds full-width characters (NFKC) and treats "" as "not given".
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from shared.core.codes import code_list, find_code
from shared.core.errors import ValidationError
from shared.core.validate import excerpt
from shared.core.validate_phone import validate_phone
from shared.core.validate_text import NAME_MAX_CHARS, has_hidden_chars, validate_name
from shared.declarations.form_errors import FieldError, FormErrors, label_of

T = TypeVar("T")


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2})")
_TRUE = frozenset({"true", "1", "yes", "y", "是", "同意", "on"})


def problem(path: str, zh: str, en: str) -> ValidationError:
    """A refusal worded like the shared validators: `出生日期不能晚于今天` / `Birth date: …`."""
    label_zh, label_en = label_of(path)
    return ValidationError(f"{label_zh}{zh}", f"{label_en}: {en}", field=path)


def required(path: str) -> ValidationError:
    return problem(path, "不能为空", "this field is required")


Reader = Callable[[str, Any], T]  # (field path, value as sent) → checked value, or ValidationError


class Form:
    """The values of a form, or of one part of it (`person`, `family[1]`), with the errors
    found so far. Parts share one error list, so a page gets every error of the form at once."""

    def __init__(self, raw: Any, prefix: str = "", errors: list[FieldError] | None = None) -> None:
        self.raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        self.prefix = prefix
        self.errors: list[FieldError] = errors if errors is not None else []
        self.start = len(self.errors)

    def part(self, raw: Any, key: str) -> Form:
        """A nested group of fields, e.g. `form.part(raw["person"], "person")`."""
        return Form(raw, f"{self.prefix}{key}.", self.errors)

    def read(self, key: str, reader: Reader[T], default: T) -> T:
        """`reader(path, raw[key])`, or `default` with its error collected."""
        path = self.prefix + key
        try:
            return reader(path, self.raw.get(key))
        except ValidationError as error:
            self.file(error, path)
            return default

    def check(self, key: str, action: Callable[[], object]) -> None:
        """Run a check that raises ValidationError (e.g. number and birth date agree)."""
        try:
            action()
        except ValidationError as error:
            self.file(error, self.prefix + key)

    def fail(self, key: str, zh: str, en: str) -> None:
        self.file(problem(self.prefix + key, zh, en), self.prefix + key)

    def file(self, error: ValidationError, path: str) -> None:
        """Shared validators name bare fields (`birth_date`); they belong to this part."""
        field = error.field or path
        if not field.startswith(self.prefix):
            field = self.prefix + field
        self.errors.append(FieldError(field, error.message_zh, error.message_en))

    def has_error(self, key: str) -> bool:
        path = self.prefix + key
        return any(e.field == path for e in self.errors[self.start :])

    @property
    def is_clean(self) -> bool:
        """No error in this part (or in the parts read inside it)."""
        return len(self.errors) == self.start

    def raise_if_any(self) -> None:
        if self.errors:
            raise FormErrors(self.errors)


def text(value: Any) -> str:
    """A typed value as clean text: NFKC, trimmed, inner runs of spaces made one."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def text_upto(max_chars: int, *, needed: bool = False) -> Reader[str]:
    """Free text of at most `max_chars` characters; `needed` refuses an empty one."""

    def read(path: str, value: Any) -> str:
        cleaned = text(value)
        if needed and not cleaned:
            raise required(path)
        # Line breaks become spaces; any other control or invisible character is refused, as
        # in names (validate.has_hidden_chars says why).
        if has_hidden_chars(unicodedata.normalize("NFKC", str(value or "")), line_breaks=True):
            raise problem(path, "含有控制字符或不可见字符", "contains control or invisible characters")
        if len(cleaned) > max_chars:
            raise problem(path, f"不能超过 {max_chars} 个字符", f"at most {max_chars} characters")
        return cleaned

    return read


def optional_date(path: str, value: Any) -> date | None:
    """A date from a date input, an ISO string, `2026/3/5`, `2026年3月5日` or `20260305`."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    cleaned = text(value)
    if not cleaned:
        return None
    # A spreadsheet or a copied timestamp may add a time: `2026-03-05 00:00:00`, `…T08:00`.
    match = _DATE.fullmatch(cleaned) or _DATE.fullmatch(re.split(r"[ T]", cleaned, maxsplit=1)[0])
    try:
        if match is None:
            raise ValueError(cleaned)
        year, month, day = (int(g) for g in match.groups() if g is not None)
        return date(year, month, day)
    except ValueError:
        shown = excerpt(cleaned)
        raise problem(path, f"“{shown}”不是有效日期", f"{shown!r} is not a date (YYYY-MM-DD)") from None


def required_date(path: str, value: Any) -> date:
    found = optional_date(path, value)
    if found is None:
        raise required(path)
    return found


def whole_number(minimum: int, maximum: int) -> Reader[int | None]:
    """An optional whole number within bounds, typed or picked (`"12"`, `12`, `"1,200"`)."""

    def read(path: str, value: Any) -> int | None:
        if isinstance(value, bool):
            raise problem(path, "应为整数", "must be a whole number")
        if isinstance(value, int):
            number = value
        else:
            cleaned = text(value).replace(",", "")
            if not cleaned:
                return None
            if not re.fullmatch(r"-?\d+", cleaned):
                shown = excerpt(cleaned)
                raise problem(path, f"“{shown}”不是整数", f"{shown!r} is not a whole number")
            digits = cleaned.lstrip("-").lstrip("0") or "0"
            if len(digits) > 18:  # out of every bound here; int() refuses over 4300 digits
                number = maximum + 1
            else:
                number = -int(digits) if cleaned.startswith("-") else int(digits)
        if not minimum <= number <= maximum:
            raise problem(path, f"应在 {minimum} 至 {maximum} 之间", f"must be from {minimum} to {maximum}")
        return number

    return read


def record_id(path: str, value: Any) -> int:
    """The id of a record the page offered (a room): a positive whole number, required."""
    found = whole_number(1, 2**62)(path, value)
    if found is None:
        raise required(path)
    return found


def accepted(path: str, value: Any) -> bool:
    """The privacy notice and the 治安责任书 must be read and ticked before anything is sent."""
    if value is True or text(value).casefold() in _TRUE:
        return True
    raise problem(path, "：请阅读后勾选同意", "read it and tick to accept")


def code_of(list_name: str) -> Reader[str | None]:
    """A code-list value by code, Chinese or English label or alias (`男`, `M`, `1`)."""

    def read(path: str, value: Any) -> str | None:
        cleaned = text(value)
        if not cleaned:
            return None
        found = find_code(list_name, cleaned)
        if found is None:
            entries = code_list(list_name)
            more = "…" if len(entries) > 10 else ""
            shown = excerpt(cleaned)
            raise problem(
                path,
                f"“{shown}”无效，可选：{'、'.join(c.zh for c in entries[:10])}{more}",
                f"{shown!r} is not valid; choose one of: {', '.join(c.en for c in entries[:10])}{more}",
            )
        return found.code

    return read


def code_or(list_name: str, default: str) -> Reader[str]:
    """A code-list value, `default` when left empty."""
    optional = code_of(list_name)

    def read(path: str, value: Any) -> str:
        return optional(path, value) or default

    return read


def required_code_of(list_name: str) -> Reader[str]:
    optional = code_of(list_name)

    def read(path: str, value: Any) -> str:
        found = optional(path, value)
        if found is None:
            raise required(path)
        return found

    return read


def person_name(path: str, value: Any, *, max_chars: int = NAME_MAX_CHARS) -> str:
    """A name; for a legal representative or a manager the message names that field."""
    try:
        # As typed, not through text(): that would turn a tab or a control character into a space.
        return validate_name("" if value is None else str(value), field=path, max_chars=max_chars)
    except ValidationError as error:
        zh, en = label_of(path)
        if zh == "姓名":
            raise
        message_zh = error.message_zh.replace("姓名", zh, 1)
        raise ValidationError(message_zh, error.message_en.replace("Name", en, 1), field=path) from None


def phone(path: str, value: Any) -> str:
    return validate_phone(text(value), field=path)


def items(value: Any) -> Iterator[tuple[int, Any]]:
    """The entries of a list field with their indexes; blank entries (a row the page added and
    left empty) are skipped but keep their index, so paths match the page's rows."""
    if value is None or isinstance(value, str | bytes):
        return
    for index, entry in enumerate(value):
        if isinstance(entry, dict) and not any(_has_value(v) for k, v in entry.items() if k != "relation"):
            continue
        yield index, entry


def _has_value(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_value(v) for v in value.values())
    return value is not None and value is not False and text(value) != ""


def add_months(start: date, months: int) -> date:
    """31 January + 1 month is the last day of February."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
