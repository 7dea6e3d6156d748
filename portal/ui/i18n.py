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


# The "all" option of a filter box (全部…): not None, as `relabel_after_switch` can set a real
# choice anew in the new language but a None set through the session blanks the box. Falsy.
ALL = ""

_DRAWN_IN = "_i18n.drawn_in"  # a choice's widget key → the language it was last drawn in


def relabel_after_switch(key: str, *, preset: object = None) -> None:
    """Call before drawing a keyed select or multiselect whose options show in the user's
    language. The browser keeps showing a choice held in the session by the label it had: drawn
    in another language than last time, the choice is set anew, and shows its new label.
    `preset`: the choice it starts with, held here rather than passed to the widget as its
    `default` or `index` (a widget given one and set through the session makes Streamlit warn)."""
    if preset is not None and key not in st.session_state:
        st.session_state[key] = preset
    lang = current_lang()
    drawn: dict[str, str] = st.session_state.setdefault(_DRAWN_IN, {})
    if drawn.get(key) not in (None, lang) and st.session_state.get(key) is not None:
        st.session_state[key] = st.session_state[key]
    drawn[key] = lang


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
