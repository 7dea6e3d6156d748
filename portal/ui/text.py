"""Typed text shown safely in Streamlit markdown, for the portal and the kiosk."""

_MARKDOWN_SPECIALS = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|~$"})


def escape_markdown(text: object) -> str:
    """Typed text shown in markdown stays text (a name with `*` or `[` is not formatting)."""
    return str(text).translate(_MARKDOWN_SPECIALS)


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
