"""Knowing when Streamlit's rerun after a change is over, from the websocket itself.

Streamlit shows its "running" indicator only some time after a rerun starts, so waiting for the
indicator to be hidden may return before the rerun has even begun. Instead a script in the page
wraps the websocket: it notes each rerun request the page sends (BackMsg `rerun_script`) and each
run the server reports finished (ForwardMsg `script_finished`, any status but "finished early for
a rerun": that run was cut short and another follows). Reruns asked for while one runs are merged
by the server into one run, so the page is settled when a run finished after the last request,
the app says `notRunning` and no element is faded as stale. A touch (a click, a field left) may
ask for its rerun a moment later: until it has, or a quiet moment says it will not, the page is
not settled either.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page

# Top-level protobuf fields (streamlit/proto): BackMsg.rerun_script = 11,
# ForwardMsg.script_finished = 6 (an enum; 2 = FINISHED_EARLY_FOR_RERUN).
WATCH_RERUNS = """
(() => {
  if (window.__menpaiReruns) return;
  const runs = (window.__menpaiReruns = {
    seq: 0, lastRequest: 0, lastFinish: 0, lastTouch: 0, touchedAt: 0,
  });
  // A touch may ask for a rerun a moment later (a text field commits after its blur settles).
  const touch = () => {
    runs.lastTouch = ++runs.seq;
    runs.touchedAt = performance.now();
  };
  for (const type of ["focusout", "click", "change"]) document.addEventListener(type, touch, true);
  const bytes = (data) =>
    data instanceof ArrayBuffer ? new Uint8Array(data)
    : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : null;
  const fields = (buf) => {  // [field number, varint value or null] of each top-level field
    const found = [];
    let i = 0;
    const varint = () => {
      let value = 0, scale = 1, b;
      do { b = buf[i++]; value += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80 && i < buf.length);
      return value;
    };
    while (i < buf.length) {
      const key = varint(), type = key % 8, number = Math.floor(key / 8);
      if (type === 0) found.push([number, varint()]);
      else if (type === 1) { i += 8; found.push([number, null]); }
      else if (type === 2) { const n = varint(); i += n; found.push([number, null]); }
      else if (type === 5) { i += 4; found.push([number, null]); }
      else break;  // groups are not used by Streamlit's messages
    }
    return found;
  };
  const listen = (socket) => {
    if (socket.__menpaiWatched) return;
    socket.__menpaiWatched = true;
    socket.addEventListener("message", (event) => {
      const buf = bytes(event.data);
      if (!buf) return;
      for (const [number, value] of fields(buf))
        if (number === 6 && value !== null && value !== 2) runs.lastFinish = ++runs.seq;
    });
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    listen(this);
    const buf = bytes(data);
    if (buf && fields(buf).some(([number]) => number === 11)) runs.lastRequest = ++runs.seq;
    return send.call(this, data);
  };
  const Native = WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); listen(this); }
  };
})();
"""

# A touch asks for its rerun within tens of milliseconds (a text field after its blur, a select
# box after the click on an option); a touch with nothing after it this long asked for none.
QUIET_MS = 300
SETTLED = """
() => {
  // A page that is not the Streamlit app (no #root to mount in: the plate card) never reruns.
  if (!document.getElementById("root")) return document.readyState === "complete";
  const runs = window.__menpaiReruns;
  const app = document.querySelector('[data-testid="stApp"]');
  return Boolean(
    runs && app
    && runs.lastFinish > runs.lastRequest
    && (runs.lastRequest > runs.lastTouch || performance.now() - runs.touchedAt >= QUIET_MS)
    && app.getAttribute("data-test-script-state") === "notRunning"
    && !document.querySelector("[data-stale='true']")
  );
}
""".replace("QUIET_MS", str(QUIET_MS))


# Counting starts in a page already drawn: what came before is taken as over (the caller checks).
_SETTLED_SO_FAR = "() => { const r = window.__menpaiReruns; if (!r.seq) r.lastFinish = r.seq = 1; }"


def watch_reruns(context: BrowserContext) -> None:
    """Every page of `context` counts its rerun requests and finished runs, from its first load."""
    if not getattr(context, "_menpai_reruns", False):
        context.add_init_script(WATCH_RERUNS)
        setattr(context, "_menpai_reruns", True)  # noqa: B010 - a mark on Playwright's object


def is_watched(page: Page) -> bool:
    """Whether the page counts reruns; if not, it starts now (and its context from its next load)."""
    watched = bool(page.evaluate("() => Boolean(window.__menpaiReruns)"))
    if not watched:
        watch_reruns(page.context)
        page.evaluate(WATCH_RERUNS)
        page.evaluate(_SETTLED_SO_FAR)
    return watched


def wait_for_reruns(page: Page, *, timeout_ms: float) -> None:
    """Until every rerun the page asked for is over and drawn."""
    page.wait_for_function(SETTLED, timeout=timeout_ms, polling="raf")
