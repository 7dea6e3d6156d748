"""Streamlit's own scripts and styles served from memory, compressed once.

Every phone that opens a form for the first time loads about 3 MB of Streamlit's JavaScript.
Streamlit serves it uncompressed, read from disk in 64 KB chunks each handed to a worker thread:
on a profile of a tenant's session (plate link to form) that serving was the server's largest
cost, and on a phone's mobile data it is the largest wait. The files under `static/` have their
hash in their name and never change while the process runs, so each is read once, gzipped once
(about a third of the size), and then answered from memory in one piece to every browser that
accepts gzip. Anything else (index.html, a name we do not hold) goes on to Streamlit.
"""

from __future__ import annotations

import gzip
import json
import mimetypes
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import streamlit
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

STATIC_DIR = Path(streamlit.__file__).parent / "static"
PREFIX = "/static/"  # hashed bundles only; the page itself (index.html) must stay fresh
YEAR = 365 * 24 * 60 * 60  # as Streamlit marks these files: public, immutable
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
# The widgets of the declaration forms whose scripts Streamlit loads only when one first shows
# (the language switch is a ButtonGroup; a landlord picks rooms in a Multiselect and uploads and
# downloads a spreadsheet; an organisation counts its staff in a NumberInput).
FORM_WIDGETS = frozenset(
    {
        "Button",
        "ButtonGroup",
        "Checkbox",
        "DateInput",
        "DownloadButton",
        "FileUploader",
        "Html",
        "Multiselect",
        "NumberInput",
        "PageLink",
        "Selectbox",
        "TextInput",
    }
)
ICON_FONT = "MaterialSymbols-Rounded"  # the icons (:material/…:), a font loaded on first use
# Vite's bundle names every lazily imported file once, in one list, and each import by its
# places in that list: `import(`./Selectbox.7rsxE6LC.js`),__vite__mapDeps([193,1,2,…])`.
_PAGE_FILE = re.compile(r'(?:src|href)="\./(static/[^"]+\.(?:js|css|woff2))"')  # in index.html
_ENTRY_SCRIPT = re.compile(r'<script[^>]*\ssrc="\./(static/js/[^"]+\.js)"')
_BUNDLE_FILES = re.compile(r"m\.f=(\[[^\]]*\])")
_LAZY_IMPORT = re.compile(r"import\(`\./([\w.-]+\.js)`\),__vite__mapDeps\(\[([\d,]+)\]\)")


@dataclass(frozen=True)
class Asset:
    media_type: str
    body: bytes
    gzipped: bytes | None  # None: not worth it (fonts and images are compressed already)


@lru_cache(maxsize=1)
def asset_paths() -> dict[str, Path]:
    """URL path → file, for every file under Streamlit's `static/static/`: a request can only
    name one of these, never a path of its own making."""
    root = STATIC_DIR / "static"
    return {
        f"{PREFIX}{path.relative_to(root).as_posix()}": path for path in root.rglob("*") if path.is_file()
    }


@lru_cache(maxsize=1)
def _index_html() -> str:
    """Streamlit's page, which names its entry script and the files it preloads ("" if unread)."""
    try:
        return (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    except OSError:
        return ""


def page_files() -> tuple[str, ...]:
    """Paths (`static/…`) of the scripts, styles and fonts Streamlit's page names itself."""
    return tuple(dict.fromkeys(_PAGE_FILE.findall(_index_html())))


@lru_cache(maxsize=1)
def form_files() -> tuple[str, ...]:
    """Paths (`static/js/…`, `static/media/…`) of what a declaration form makes the browser load
    beyond the page itself: the scripts of its widgets with what they import, read from the
    bundle's own map of them, and the icon font. Fetched ahead while the plate card is read, they
    took a tenant form's opening on a phone's network from 1.7 s to 1.2 s (80 ms, 1.5 MB/s).
    Empty if the bundle is built some other way: the form then loads them as before."""
    root = STATIC_DIR / "static"
    try:
        named = _ENTRY_SCRIPT.search(_index_html())
        entry = (STATIC_DIR / named[1]).read_text(encoding="utf-8") if named else ""
        listed = _BUNDLE_FILES.search(entry)
        names: list[str] = json.loads(listed[1]) if listed else []
    except (OSError, ValueError):
        return ()
    found: dict[str, None] = {}
    for lazy in _LAZY_IMPORT.finditer(entry):
        if lazy[1].split(".", 1)[0] in FORM_WIDGETS:
            for place in lazy[2].split(","):
                name = names[int(place)] if int(place) < len(names) else ""
                if name.startswith("./"):  # beside the entry script (a style sheet is ../css/)
                    found[f"static/js/{name[2:]}"] = None
                elif name.startswith("../"):
                    found[f"static/{name[3:]}"] = None
    for font in sorted((root / "media").glob(f"{ICON_FONT}.*.woff2")):
        found[f"static/media/{font.name}"] = None
    return tuple(found)


_loaded: dict[str, Asset] = {}  # two first requests of one file may both read it: same result


def load_asset(url_path: str) -> Asset | None:
    """The file for `url_path`, read and compressed on its first request; None if not ours."""
    asset = _loaded.get(url_path)
    if asset is not None:
        return asset
    path = asset_paths().get(url_path)
    if path is None:
        return None
    body = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media_type == "text/javascript":
        media_type = "application/javascript"
    squeezable = media_type.startswith(COMPRESSED_TYPES)
    gzipped = gzip.compress(body, compresslevel=6, mtime=0) if squeezable else None
    asset = Asset(media_type, body, gzipped if gzipped is not None and len(gzipped) < len(body) else None)
    _loaded[url_path] = asset
    return asset


def asset_response(asset: Asset, request_headers: Headers) -> Response:
    headers = {"Cache-Control": f"public, immutable, max-age={YEAR}", "Vary": "Accept-Encoding"}
    if asset.gzipped is not None and "gzip" in request_headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


class StaticAssetsMiddleware:
    """A GET of a file of Streamlit's bundle, answered from memory (HEAD goes on to Streamlit)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(PREFIX) and scope["method"] == "GET":
            asset = _loaded.get(path) or await run_in_threadpool(load_asset, path)
            if asset is not None:
                await asset_response(asset, Headers(scope=scope))(scope, receive, send)
                return
        await self.app(scope, receive, send)
