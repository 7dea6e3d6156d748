"""Typed text shown safely in Streamlit markdown, for the portal and the kiosk."""

_MARKDOWN_SPECIALS = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|~$"})


def escape_markdown(text: object) -> str:
    """Typed text shown in markdown stays text (a name with `*` or `[` is not formatting)."""
    return str(text).translate(_MARKDOWN_SPECIALS)
