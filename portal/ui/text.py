"""Text as the portal and the kiosk show it: typed text kept literal in Streamlit's Markdown,
rooms as a table, numbers as people dial them. Plain Python: the plate card (portal/plate_card.py),
served outside Streamlit's script runs, uses it too."""

import re

from shared.core.validate_phone import format_phone_national

# More rooms than this in a building are folded (the plate page and the plate card).
ROOMS_SHOWN_OPEN = 6

# `:` too: `:smile:` is an emoji and `:red[…]` a colour in Streamlit's Markdown.
_MARKDOWN_SPECIALS = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|~$:"})


# Streamlit draws `:material/home:` as an icon even with its colons escaped; a word joiner
# (invisible, U+2060) after the first colon keeps a typed one as text.
_ICON_CODE = re.compile(r"(?<=\\:)(?=material/)")


def escape_markdown(text: object) -> str:
    """Typed text shown in markdown stays text (a name with `*` or `[` is not formatting, and
    `:material/home:` is not an icon)."""
    return without_icon_codes(str(text).translate(_MARKDOWN_SPECIALS))


def without_icon_codes(escaped: str) -> str:
    """Markdown whose colons are escaped (`\\:`), with no icon code left in it either."""
    return _ICON_CODE.sub("\u2060", escaped)


def phone_text(phone: str | None) -> str:
    """A public contact number as people dial it (`0769 8822 1110`, `138 1234 5678`)."""
    if not phone:
        return ""
    return format_phone_national(phone) if phone.startswith("+") else phone


def tel_target(phone: str) -> str:
    """What a link that calls `phone` points to: `tel:` and the digits (a leading + kept)."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def phone_link(phone: str | None) -> str:
    """A public contact number in Markdown, one tap to call (`[0769 8822 1110](tel:+8676988221110)`)."""
    if not phone:
        return ""
    return f"[{phone_text(phone)}]({tel_target(phone)})"


def markdown_table(rows: list[dict[str, object]]) -> str:
    """Rows as a Markdown table, every cell literal text. The plate page shows its rooms this way
    rather than with st.dataframe, whose grid makes a phone fetch about 1.5 MB more JavaScript
    before the page is usable (issue 12: plate page ready)."""
    if not rows:
        return ""
    header = list(rows[0])

    def line(cells: list[object]) -> str:  # a line break would end the row mid-cell
        return "| " + " | ".join(" ".join(escape_markdown(cell).splitlines()) for cell in cells) + " |"

    return "\n".join(
        [line(list(header)), "|" + "---|" * len(header), *(line([row[n] for n in header]) for row in rows)]
    )
