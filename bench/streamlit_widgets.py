"""Reading a page's elements, and what a widget reports to the server, as the browser's frontend
would (bench.streamlit_client keeps the page)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.WidgetStates_pb2 import WidgetState

TEXT_WIDGETS = ("text_input", "text_area")
_TAG = re.compile(r"<[^>]+>")
_CODE_ONLY = re.compile(r"\s*<(style|script)")
# Widgets whose value the frontend reports from the moment they show (their default or the value
# the server set); buttons report only a click, in the one rerun it causes.
VALUED = (*TEXT_WIDGETS, "checkbox", "selectbox", "date_input", "number_input", "multiselect", "radio")


def shown_value(kind: str, widget: Any) -> WidgetState | None:
    """The state a widget of `kind` reports once shown: the value the server set, else its
    default; None where it reports nothing until touched."""
    state = WidgetState(id=widget.id)
    if kind in TEXT_WIDGETS:
        value = widget.value if widget.set_value else widget.default
        if widget.set_value or widget.HasField("default"):
            state.string_value = value
    elif kind == "checkbox":
        state.bool_value = widget.value if widget.set_value else widget.default
    elif kind == "selectbox":
        if widget.set_value and widget.HasField("raw_value"):
            state.string_value = widget.raw_value
        elif widget.HasField("default") and widget.default < len(widget.options):
            state.string_value = widget.options[widget.default]
    elif kind == "date_input":
        state.string_array_value.data.extend(widget.value if widget.set_value else widget.default)
    return state if state.WhichOneof("value") is not None else None


def page_texts(elements: Iterable[tuple[str, Element]]) -> list[str]:
    """The text of headings, markdown, HTML lines, alerts and exceptions, in page order (an HTML
    element's as people read it: the forms' headings and the number's facts; style sheets and
    scripts say nothing)."""
    found = []
    for kind, element in elements:
        if kind in ("markdown", "heading", "alert"):
            found.append(getattr(element, kind).body)
        elif kind == "html" and (text := html_text(element.html.body)) is not None:
            found.append(text)
        elif kind == "exception":
            found.append(f"{element.exception.type}: {element.exception.message}")
    return found


def html_text(body: str) -> str | None:
    """An HTML element's text as people read it; None for a style sheet or a script."""
    return None if _CODE_ONLY.match(body) else unescape(_TAG.sub("", body))


def page_errors(elements: Iterable[tuple[str, Element]]) -> list[str]:
    """Exceptions and error boxes on the page."""
    found = []
    for kind, element in elements:
        if kind == "exception":
            found.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            found.append(element.alert.body)
    return found
