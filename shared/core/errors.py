"""Domain errors carry a bilingual message and, where it applies, the field it concerns."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused something; pages show `message(lang)` to the user."""

    def __init__(self, message_zh: str, message_en: str, *, field: str | None = None) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


class ValidationError(DomainError):
    """User input is wrong; `field` names the form field."""
