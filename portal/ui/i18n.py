"""Language of the portal: Simplified Chinese by default, English by a switch kept in the URL.

The switch lives in the router (the entrypoint file) and is bound to the `lang` query
parameter, so it survives page changes and reloads.
"""

from urllib.parse import quote

import streamlit as st

LANG_KEY = "lang"
LANGUAGES = {"zh": "中文", "en": "English"}


def current_lang() -> str:
    return "en" if st.session_state.get(LANG_KEY) == "en" else "zh"


def lang_query() -> str:
    """The language part of a link to another portal page ("" for the default, Chinese), as the
    switch writes it into the URL."""
    return f"{LANG_KEY}={quote(LANGUAGES['en'])}" if current_lang() == "en" else ""


def t(zh: str, en: str) -> str:
    """The text in the user's language."""
    return en if current_lang() == "en" else zh


def language_switch(*, in_url: bool = True) -> None:
    """中文 / English. `in_url`: the choice stays in the link (the portal); the kiosk keeps it
    only in the session, which it forgets when the next person comes."""
    st.segmented_control(
        "语言 Language",
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        default="zh",
        required=True,
        key=LANG_KEY,
        bind="query-params" if in_url else None,
        label_visibility="collapsed",
    )
