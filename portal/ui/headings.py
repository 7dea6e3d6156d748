"""Headings of the declaration forms, drawn as plain HTML in Streamlit's heading look.

A phone redraws the whole page at the start and at the end of every run, a field's own fragment
run included. Streamlit draws its heading element (Markdown, with a link icon) afresh at each
redraw, about fifteen components, where an HTML element is kept as it was: on a form a tenant
fills field by field, four headings were an eighth of every step's redraw (issue 12, part 3).
The look (size, weight, spacing, wrapping on a phone) is in `portal.ui.builtin_text`'s sheet.
"""

from __future__ import annotations

from html import escape

import streamlit as st

HEADING_CLASS = "menpai-heading"


def page_heading(text: str, *, anchor: str) -> None:
    """The page's own heading (as `st.header`); `anchor`: its id, a link's target."""
    _heading("h2", text, anchor)


def section_heading(text: str, *, anchor: str) -> None:
    """A section of a form (as `st.subheader`)."""
    _heading("h3", text, anchor)


def _heading(tag: str, text: str, anchor: str) -> None:
    st.html(f'<{tag} id="{escape(anchor)}" class="{HEADING_CLASS}">{escape(text)}</{tag}>')
