"""Names and free text as people type them: trimmed, checked, never silently altered.

Control and invisible characters are refused (has_hidden_chars says why), in names, in typed
reasons and notes, and in spreadsheet cells.
"""

from __future__ import annotations

import re
import unicodedata

from shared.core.errors import ValidationError

# Dots people type for the middle dot of transliterated names (买买提·艾力).
_NAME_DOTS = re.compile(r"\s*[·•‧∙⋅・]\s*")
_HAN = r"[\u3400-\u9fff\U00020000-\U0003134f]"
_HAN_CHAR = re.compile(_HAN)
_CJK_DOT = re.compile(rf"(?<={_HAN})\s*\.\s*(?={_HAN})")
_JOINERS = frozenset({"\u200c", "\u200d"})  # zero-width (non-)joiners
_LINE_BREAKS = frozenset("\t\n\r\x85\u2028\u2029")
_NAME_PUNCTUATION = frozenset(" ·'’ʼ-‐.,")
NAME_MAX_CHARS = 80


def validate_name(text: str, *, field: str = "name", max_chars: int = NAME_MAX_CHARS) -> str:
    """A person's name as written: Chinese (with a middle dot between transliterated parts)
    or letters of any script with spaces, hyphens, apostrophes, dots and commas. Trimmed, inner
    spaces collapsed. `max_chars` is lower where the record keeps less (an organisation's manager)."""
    name = unicodedata.normalize("NFKC", text).strip()
    if has_hidden_chars(name):
        raise ValidationError(
            "姓名含有控制字符或不可见字符", "Name: contains control or invisible characters", field=field
        )
    name = " ".join(name.split())
    name = _CJK_DOT.sub("·", _NAME_DOTS.sub("·", name))
    if not name:
        raise ValidationError("姓名不能为空", "Name: this field is required", field=field)
    if len(name) > max_chars:
        raise ValidationError(
            f"姓名不能超过{max_chars}个字符", f"Name: at most {max_chars} characters", field=field
        )
    if not any(c.isalpha() for c in name):
        raise ValidationError(
            "姓名不能只有数字或符号", "Name: must contain letters, not only digits or symbols", field=field
        )
    # Names are letters (digits stay for test and placeholder names such as 租客1); `=`, `@`,
    # brackets, quotes, emoji and the like make a formula, a link or markup, never a name.
    bad = sorted({c for c in name if not _is_name_char(c)})
    if bad:
        shown = " ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
        raise ValidationError(f"姓名不能含有这些字符：{shown}", f"Name: cannot contain {shown}", field=field)
    return name


def _is_name_char(char: str) -> bool:
    category = unicodedata.category(char)
    if category[0] in "LMN" or category == "Co" or char in _NAME_PUNCTUATION or char in _JOINERS:
        return True  # Co: rare characters some input methods put in the private use area
    # Ideographs added to Unicode after this Python's tables (CJK extensions in planes 2 and 3).
    return category == "Cn" and 0x20000 <= ord(char) <= 0x3FFFF


def typed_text(
    value: str, *, max_chars: int, field: str, label: tuple[str, str], required: bool = False
) -> str:
    """What someone types into a box (a reason, a note, a visit's purpose), trimmed: line breaks
    pass; control and invisible characters are refused as in names; at most `max_chars`."""
    text = value.strip()
    zh, en = label
    if required and not text:
        raise ValidationError(f"{zh}不能为空", f"{en}: this field is required", field=field)
    if has_hidden_chars(text, line_breaks=True):
        raise ValidationError(
            f"{zh}含有控制字符或不可见字符", f"{en}: contains control or invisible characters", field=field
        )
    if len(text) > max_chars:
        raise ValidationError(
            f"{zh}不能超过 {max_chars} 个字符", f"{en}: at most {max_chars} characters", field=field
        )
    return text


def has_hidden_chars(text: str, *, line_breaks: bool = False) -> bool:
    """Whether `text` holds control characters, line separators or invisible format characters
    (zero-width spaces, right-to-left overrides, …) that make it look like another text.
    `line_breaks` allows tabs and line breaks, for free text whose reader makes them spaces
    (an address cell typed on two lines); a name never has them.

    Such text is refused, never stripped: U+202E reverses what follows it, so a stripped name
    would not be the one the person saw; a clear refusal lets them type it again. The one
    exception is a joiner between letters of a script that needs it to shape a word (Arabic,
    Indic); between Han or Latin letters it only hides a difference."""
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if line_breaks and char in _LINE_BREAKS:
            continue
        if category in ("Cc", "Cs", "Zl", "Zp"):
            return True
        if category == "Cf" and not (char in _JOINERS and _joins_letters(text, index)):
            return True
    return False


def _joins_letters(text: str, index: int) -> bool:
    if not 0 < index < len(text) - 1:
        return False
    return all(
        c.isalpha() and not c.isascii() and not _HAN_CHAR.match(c) and "LATIN" not in unicodedata.name(c, "")
        for c in (text[index - 1], text[index + 1])
    )
