"""Where the page shows: a new screen drawn in place of a long one starts at its top; a form sent
back with messages shows the first field to correct, and each line of its summary shows its own;
an answer to a look-up shows from its top; a form brought back by a reload opens where its user
was."""

import json
import re

import streamlit as st

# A summary line's link to its field (`field_link`): the page's script shows the field.
FIELD_LINK = "#to-"


def widget_class(key: str) -> str:
    """The class Streamlit's frontend gives the element of a widget with this key."""
    return "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key.strip())


def field_link(key: str) -> str:
    """A markdown link target that shows the widget with this key, on a page that draws
    `follow_field_links` (or `keep_place_across_reloads`)."""
    return FIELD_LINK + widget_class(key)


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
_TYPED_INPUT = "input:not([role]):not([type=hidden]), textarea"
_TO_THE_FIRST = (
    "<script>/* {turn} */ {{ const first = document.querySelector({selectors});"
    " if (first) {{ first.scrollIntoView({{block: 'center'}});"
    f" first.querySelector('{_TYPED_INPUT}')"
    "?.focus({{preventScroll: true}}); }} }}</script>"
)


def scroll_to_first(classes: list[str], *, turn: int) -> None:
    """Show the first element on the page of those with these classes: a phone user who pressed
    提交申报 at the form's foot sees the field to correct, not only a summary of it. The browser
    runs the script again only if it changed: `turn` (a count of tries) sees to that."""
    selectors = ", ".join(f".{name}" for name in sorted(classes))
    st.html(_TO_THE_FIRST.format(turn=turn, selectors=json.dumps(selectors)), unsafe_allow_javascript=True)


# An element's top to the screen's top, again whenever `turn` changes.
_TO_THE_START = (
    "<script>/* {turn} */ document.querySelector({selector})?.scrollIntoView({{block: 'start'}});</script>"
)


def scroll_to_start(class_name: str, *, turn: str) -> None:
    """Show an answer from its top (a receipt opened by 查询): a phone user pressed the button
    under the fields, with the keyboard open, and the answer began at the screen's foot. The
    browser runs the script again only if it changed: a new `turn` for each new answer."""
    selector = json.dumps(f".{class_name}")
    st.html(_TO_THE_START.format(turn=turn, selector=selector), unsafe_allow_javascript=True)


# Where the main area was scrolled, kept in the tab (sessionStorage) under the page and its draft
# token, and put back after a reload as soon as the form is drawn that far (it is drawn in parts),
# then held there for a second while the rest draws; never once its user has touched the page. A
# slow phone may take a while to draw that far: up to 15 s. Only with a draft (`d=`): a fresh form
# starts at its top. Registered once per page load.
_KEEP_PLACE = """<script>{
  const main = document.querySelector('[data-testid="stMain"]');
  const place = () => {
    const draft = new URLSearchParams(location.search).get("d");
    return draft && "menpai.place." + location.pathname + "." + draft;
  };
  if (main && !main.dataset.placeKept) {
    main.dataset.placeKept = "1";
    const key = place(), saved = key ? Number(sessionStorage.getItem(key) || 0) : 0;
    const until = performance.now() + 15000;
    let touched = false, reachedAt = 0;
    for (const type of ["touchstart", "wheel", "mousedown", "keydown"])  // keys: PageDown on the page
      document.addEventListener(type, () => { touched = true; }, {passive: true, once: true, capture: true});
    const restore = () => {
      if (touched) return;
      const now = performance.now();
      if (main.scrollHeight - main.clientHeight >= saved) {
        if (Math.abs(main.scrollTop - saved) > 2) main.scrollTop = saved;
        reachedAt = reachedAt || now;
        if (now - reachedAt < 1000) setTimeout(restore, 100);
      } else if (now < until) setTimeout(restore, 100);
    };
    if (saved > 0) restore();
    let waiting = false;
    main.addEventListener("scroll", () => {
      if (waiting) return;
      waiting = true;
      setTimeout(() => {
        waiting = false;
        const key = place();
        if (key) sessionStorage.setItem(key, String(Math.round(main.scrollTop)));
      }, 250);
    }, {passive: true});
  }
}</script>"""

# A summary line names its field with a link (`field_link`): a tap shows the
# field, as 提交申报 shows the first one, instead of following the link. Registered once per load.
_FOLLOW_FIELD_LINKS = """<script>{
  const prefix = PREFIX, typed = TYPED;
  if (!document.documentElement.dataset.fieldLinks) {
    document.documentElement.dataset.fieldLinks = "1";
    document.addEventListener("click", (event) => {
      const link = event.target instanceof Element && event.target.closest(`a[href^="${prefix}"]`);
      if (!link) return;
      event.preventDefault();
      event.stopPropagation();
      const field = document.querySelector("." + CSS.escape(link.getAttribute("href").slice(prefix.length)));
      if (!field) return;
      const show = () => {
        field.scrollIntoView({block: "center"});
        field.querySelector(typed)?.focus({preventScroll: true});
      };
      // A field in a closed fold (更多信息) can be neither seen nor focused: open the fold first.
      const fold = field.closest("details:not([open])");
      if (fold) {
        fold.querySelector("summary")?.click();
        setTimeout(show, 300);
      } else show();
    }, true);
  }
}</script>""".replace("PREFIX", json.dumps(FIELD_LINK)).replace("TYPED", json.dumps(_TYPED_INPUT))


def keep_place_across_reloads() -> None:
    """A form in progress opens where its user was after a reload: WeChat reloads the page when its
    user comes back from a chat (where they copied a number for a field far down the form). Its
    summary's links show their fields too (`follow_field_links`, in the same element: each element
    costs every field's rerun in the phone's browser)."""
    st.html(_KEEP_PLACE + _FOLLOW_FIELD_LINKS, unsafe_allow_javascript=True)


def follow_field_links() -> None:
    """A tap on a summary line's `field_link` shows its field (and focuses a field one types into)."""
    st.html(_FOLLOW_FIELD_LINKS, unsafe_allow_javascript=True)
