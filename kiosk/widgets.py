"""Pieces every kiosk screen uses: the locked-down look, the scan field that keeps the focus,
the language switch, and the message shown while the database is out of reach."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kiosk import state
from portal.ui.builtin_text import replace_builtin_text
from portal.ui.i18n import LANG_KEY, language_switch, t

SCAN_KEY = "kiosk.scan"  # its container gets the class `st-key-kiosk-scan`
PLATE_SCAN_KEY = "kiosk.scan_plate"

# No menu, no toolbar, no sidebar; fingers, not mouse pointers: everything big.
KIOSK_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stMainMenu"],
[data-testid="stStatusWidget"], [data-testid="stAppDeployButton"], [data-testid="stSidebar"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 60rem; }
html { font-size: 20px; }
.stButton button, .stFormSubmitButton button, .stDownloadButton button {
  min-height: 3.6rem; font-size: 1.2rem; padding: 0.6rem 1.4rem; }
[class*="st-key-kiosk-choice-"] button { min-height: 8rem; }
[class*="st-key-kiosk-choice-"] button p { font-size: 1.7rem; font-weight: 600; }
[data-testid="stButtonGroup"] button { min-height: 3.2rem; min-width: 5rem; font-size: 1.2rem; }
.stTextInput input, .stSelectbox div[data-baseweb="select"] { min-height: 3.2rem; font-size: 1.2rem; }
.st-key-kiosk-result-allowed { background: #16803c; color: #fff; border-radius: 1rem; padding: 2rem; }
.st-key-kiosk-result-denied { background: #b3261e; color: #fff; border-radius: 1rem; padding: 2rem; }
.st-key-kiosk-result-allowed p, .st-key-kiosk-result-denied p,
.st-key-kiosk-result-allowed h1, .st-key-kiosk-result-denied h1 { color: #fff; }
</style>
"""

# Streamlit has no autofocus. This runs in the page itself (st.html with JavaScript is not in an
# iframe) and, while a scan field is on the screen, puts the focus back into it whenever no
# other field holds it, so a USB scanner's keystrokes and its Enter always land there. The
# field gets inputmode=none: a touch screen must not open its on-screen keyboard for it.
FOCUS_SCRIPT = """
<script>
(function () {
  if (window.__menpaiScanFocus) { return; }
  window.__menpaiScanFocus = true;
  var typing = 'input, textarea, select, [contenteditable="true"]';
  function keep() {
    var field = document.querySelector('div[class*="st-key-kiosk-scan"] input');
    if (!field) { return; }
    if (field.getAttribute('inputmode') !== 'none') { field.setAttribute('inputmode', 'none'); }
    var active = document.activeElement;
    if (active === field || (active && active !== document.body && active.matches(typing))) { return; }
    field.focus({ preventScroll: true });
  }
  document.addEventListener('focusout', function () { setTimeout(keep, 0); }, true);
  new MutationObserver(keep).observe(document.body, { childList: true, subtree: true });
  setInterval(keep, 500);
  keep();
})();
</script>
"""


def kiosk_chrome() -> None:
    """The kiosk's look; the language switch (Chinese first), top right."""
    st.html(KIOSK_CSS)
    _, right = st.columns([3, 1])
    with right:
        language_switch(in_url=False)
    replace_builtin_text()  # after the switch: in the language just chosen


def scan_field(key: str, label: str, on_scan: Callable[[str], None]) -> None:
    """A text field for a keyboard-wedge scanner: Enter hands the text to `on_scan`, and the
    field is emptied for the next scan."""

    def committed() -> None:
        text = str(st.session_state.get(key) or "")
        st.session_state[key] = ""
        if text.strip():
            on_scan(text)

    st.text_input(
        label,
        key=key,
        on_change=committed,
        autocomplete="off",
        placeholder=t("请将二维码对准扫码器", "Hold the QR code to the scanner"),
    )
    st.html(FOCUS_SCRIPT, unsafe_allow_javascript=True)


def unavailable(*, retrying: bool) -> None:
    """Both languages: whoever stands there may not have chosen theirs yet."""
    if retrying:
        text = (
            "系统暂时无法连接，正在自动重试，请稍候……\n\n"
            "The system is temporarily unavailable. Retrying automatically, please wait…"
        )
    else:
        text = (
            "系统暂时无法连接，您填写的内容仍在，请稍后再试。\n\n"
            "The system is temporarily unavailable. What you entered is kept: please try again shortly."
        )
    st.warning(text, icon=":material/cloud_off:")


def back_button(key: str = "kiosk.back") -> None:
    """To the start screen; what was typed is forgotten, the chosen language kept."""
    st.button(
        t("返回首页", "Back to start"),
        key=key,
        icon=":material/home:",
        on_click=state.forget_everything,
        kwargs={"keep": (LANG_KEY,)},
        width="stretch",
    )
