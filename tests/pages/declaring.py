"""Helpers of the declaration page tests: open a page from a plate link, fill widgets by key,
read what the page says."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from streamlit.testing.v1 import AppTest

from bench.streamlit_widgets import html_text
from portal.declare.widgets import FOLD_BUTTON, MORE
from shared.core.clock import local_today
from shared.core.config import PROJECT_ROOT
from shared.models import utcnow
from shared.places.links import plate_token

PORTAL = str(PROJECT_ROOT / "portal" / "app.py")
_WIDGET_KINDS = ("text_input", "selectbox", "date_input", "checkbox", "multiselect", "number_input")


def today() -> Any:
    """The date the pages check against (China's)."""
    return local_today(utcnow())


def open_page(
    page: str, *, plate_code: str | None = None, token: str | None = None, **params: str
) -> AppTest:
    """The portal's `app_pages/<page>.py` as opened from a plate link (or with query params)."""
    at = AppTest.from_file(PORTAL, default_timeout=60)
    if plate_code is not None or token is not None:
        at.query_params["p"] = token if token is not None else plate_token(plate_code or "")
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def widget(at: AppTest, key: str) -> Any:
    """The widget of `key`; one folded under a closed 更多信息 is unfolded first, as a person
    opens it to fill it in (its state is set, as a tap on its fold does)."""
    found = _find(at, key)
    if found is None:
        _open_more_fields(at, key)
        found = _find(at, key)
    if found is None:
        raise KeyError(f"no widget with key {key!r}")
    return found


def _open_more_fields(at: AppTest, key: str, *, run: bool = True) -> None:
    """Open every 更多信息 the field `key` may be under: its own group's and its form's parts'
    (`portal.declare.widgets.more_fields` keys each `<group>._more`)."""
    ns, *path = key.split(".")
    groups = [".".join([ns, *path[:end]]) for end in range(len(path))]
    for group in [*groups, f"{ns}.stay", f"{ns}.rental"]:
        at.session_state[f"{group}.{MORE}"] = True
    if run:
        at.run()


def fill(at: AppTest, values: Mapping[str, Any]) -> AppTest:
    """Set each widget (by key) to its value; the caller runs the app."""
    folded = [key for key in values if _find(at, key) is None]
    for key in folded:  # opened first, in one run, so every value is then set at once
        _open_more_fields(at, key, run=False)
    if folded:
        at.run()
    for key, value in values.items():
        widget(at, key).set_value(value)
    return at


def _find(at: AppTest, key: str) -> Any | None:
    """The widget of `key` as the page now shows it, or None."""
    for kind in _WIDGET_KINDS:
        try:
            return getattr(at, kind)(key=key)
        except KeyError:
            continue
    return None


def fold_titles(at: AppTest) -> list[str]:
    """The folds of a declaration form (更多信息, a text to read), as their buttons name them."""
    return [button.label for button in at.button if str(button.key).endswith(FOLD_BUTTON)]


def value_of(at: AppTest, key: str) -> Any:
    return widget(at, key).value


def qr_codes(at: AppTest) -> list[str]:
    """The alt text of each QR code the page shows (portal.ui.qr: a plain image, not st.image)."""
    bodies = [str(element.proto.body) for element in at.get("html")]
    return [re.search(r'alt="([^"]*)"', body).group(1) for body in bodies if "data:image/png;base64," in body]


def texts(at: AppTest) -> str:
    """Everything the page says, in one string."""
    parts = [
        e.value
        for e in (
            *at.markdown,
            *at.caption,
            *at.header,
            *at.subheader,
            *at.error,
            *at.warning,
            *at.info,
            *at.success,
        )
    ]
    # Lines drawn as HTML (the number's facts) as people read them; style sheets say nothing.
    parts += [text for e in at.html if (text := html_text(e.proto.body)) is not None]
    # Typed values and messages are shown markdown-escaped: read them as people see them.
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def click(at: AppTest, key: str) -> AppTest:
    return at.button(key=key).click().run()
