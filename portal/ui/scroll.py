"""Where the page shows: a new screen drawn in place of a long one starts at its top; a form sent
back with messages shows the first field to correct."""

import json

import streamlit as st

# Streamlit scrolls its main area (stMain), not the document; both are reset, whichever it is.
_TO_THE_TOP = (
    "<script>for (const area of [document.scrollingElement, "
    "document.querySelector('[data-testid=\"stMain\"]')]) if (area) area.scrollTop = 0;</script>"
)


def scroll_to_top() -> None:
    """Show the page from its top: a screen (a receipt) drawn where a long form was keeps the
    form's scroll position, and a phone would open it at its foot."""
    st.html(_TO_THE_TOP, unsafe_allow_javascript=True)


# The first of the elements (in the page's order) to the middle of the screen; a field one types
# into is focused too (not a select's or a date's: on a phone that opens a keyboard or a list).
# In a block of its own: a page runs each such script in one global scope.
_TO_THE_FIRST = (
    "<script>/* {turn} */ {{ const first = document.querySelector({selectors});"
    " if (first) {{ first.scrollIntoView({{block: 'center'}});"
    " first.querySelector('input:not([role]):not([type=hidden]), textarea')"
    "?.focus({{preventScroll: true}}); }} }}</script>"
)


def scroll_to_first(classes: list[str], *, turn: int) -> None:
    """Show the first element on the page of those with these classes: a phone user who pressed
    提交申报 at the form's foot sees the field to correct, not only a summary of it. The browser
    runs the script again only if it changed: `turn` (a count of tries) sees to that."""
    selectors = ", ".join(f".{name}" for name in sorted(classes))
    st.html(_TO_THE_FIRST.format(turn=turn, selectors=json.dumps(selectors)), unsafe_allow_javascript=True)
