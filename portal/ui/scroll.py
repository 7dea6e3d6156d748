"""Where the page shows: a new screen drawn in place of a long one starts at its top."""

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
