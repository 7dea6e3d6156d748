"""Streamlit's bundle from memory, gzipped once (portal/static_assets.py): what a browser gets is
byte for byte Streamlit's file, smaller on the wire, and nothing outside the bundle is served."""

from __future__ import annotations

import gzip
import re

from portal.static_assets import STATIC_DIR, StaticAssetsMiddleware, form_files
from tests.portal.asgi import STREAMLIT_ANSWER, request


def _main_script() -> str:
    """The bundle's entry script, as index.html names it (`static/js/index.<hash>.js`)."""
    index = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    found = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', index)
    assert found is not None
    return found[1]


def test_a_script_is_sent_gzipped_to_a_browser_that_accepts_it_and_is_the_same_file() -> None:
    name = _main_script()
    answer = request(StaticAssetsMiddleware, f"/{name}", headers={"Accept-Encoding": "gzip, deflate, br"})
    original = (STATIC_DIR / name).read_bytes()
    assert answer.status == 200 and answer.headers["content-encoding"] == "gzip"
    assert gzip.decompress(answer.body) == original
    assert len(answer.body) < len(original) / 2
    assert answer.headers["content-type"].startswith("application/javascript")
    assert "immutable" in answer.headers["cache-control"] and answer.headers["vary"] == "Accept-Encoding"


def test_a_browser_without_gzip_gets_the_plain_file_and_a_font_is_never_recompressed() -> None:
    name = _main_script()
    plain = request(StaticAssetsMiddleware, f"/{name}")
    assert "content-encoding" not in plain.headers and plain.body == (STATIC_DIR / name).read_bytes()
    font = next((STATIC_DIR / "static" / "media").glob("*.woff2"))
    path = f"/static/media/{font.name}"
    answer = request(StaticAssetsMiddleware, path, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in answer.headers and answer.body == font.read_bytes()


def test_anything_outside_the_bundle_goes_on_to_streamlit() -> None:
    for path in ("/", "/index.html", "/static/js/no-such-file.js", "/static/../index.html", "/static/"):
        assert request(StaticAssetsMiddleware, path).body == STREAMLIT_ANSWER, path
    assert request(StaticAssetsMiddleware, f"/{_main_script()}", method="HEAD").body == STREAMLIT_ANSWER


def test_the_forms_widget_scripts_and_icons_are_named_with_what_they_import() -> None:
    # Read from the bundle's own map: each is a file of the bundle, and a select box's script
    # comes with the scripts it imports (the card fetches all of them ahead of the form).
    files = form_files()
    assert files and all((STATIC_DIR / path).is_file() for path in files)
    names = {path.rsplit("/", 1)[1].split(".", 1)[0] for path in files}
    assert {
        "Selectbox",
        "TextInput",
        "DateInput",
        "Checkbox",
        "ButtonGroup",
        "FileUploader",
        "Multiselect",
    } <= names
    assert "Autocomplete" in names  # imported by the select box's script, not a widget of its own
    assert "MaterialSymbols-Rounded" in names
    assert not names & {"Slider", "TextArea", "CameraInput", "ColorPicker"}  # no form of ours draws these
