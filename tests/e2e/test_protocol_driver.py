"""The load benchmark's driver (bench/streamlit_client.py, no browser) declares as a browser does.

The same tenant declaration — same plate, room, person, fields in the same order
(tests.e2e.steps.tenant_form) — is made once by Chromium through Playwright and once by the
driver, each against a portal on its own copy of the demo town. Every table must then hold the
same rows in both copies, apart from ids, times, receipt codes and idempotency keys; sealed
columns are compared opened, since each seal has its own nonce.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser
from sqlalchemy import LargeBinary, select
from sqlalchemy.orm import Session

from bench.streamlit_client import StreamlitClient
from bench.tenant_visit import declare_tenant
from shared.core.crypto import Keyring, decrypt
from shared.core.db import make_engine
from shared.models import Base, Declaration
from shared.places.links import plate_link
from tests.conftest import TEST_SECRET
from tests.e2e.conftest import start_streamlit
from tests.e2e.steps import PHONE, declare_as_tenant, plates_with_rooms, wait_for_plate_page
from tests.factories import make_id_number

VOLATILE = {"id", "receipt_code", "idempotency_key", "token", "token_hash"}
Row = tuple[tuple[str, Any], ...]


@contextmanager
def _portal_on(database: Path, log: Path) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=f"sqlite:///{database}", MENPAI_SECRET_KEY=TEST_SECRET, PYTHONUNBUFFERED="1")
    env.pop("MENPAI_DATA_DIR", None)
    process, url = start_streamlit("portal/server.py", env, log)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _rows(database: Path) -> dict[str, Counter[Row]]:
    """Every table's rows, without the columns that differ by nature; sealed values opened."""
    keyring = Keyring.from_master(TEST_SECRET.encode("utf-8"))
    engine = make_engine(f"sqlite:///{database}")
    tables: dict[str, Counter[Row]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            kept = [c for c in table.columns if c.name not in VOLATILE and not c.name.endswith("_id_hash")]
            rows: Counter[Row] = Counter()
            for row in connection.execute(select(*kept)):
                values = []
                for column, value in zip(kept, row, strict=True):
                    if isinstance(value, datetime) or column.name.endswith("_at"):
                        continue
                    if isinstance(column.type, LargeBinary) and value is not None:
                        value = decrypt(value, keyring)
                    if isinstance(value, dict | list):
                        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
                    values.append((column.name, value))
                rows[tuple(values)] += 1
            tables[table.name] = rows
    engine.dispose()
    return tables


def _declarations(database: Path) -> int:
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        count = len(session.scalars(select(Declaration.id)).all())
    engine.dispose()
    return count


def test_the_driver_stores_what_the_browser_stores(
    browser: Browser, demo_database: str, tmp_path: Path
) -> None:
    pristine = Path(demo_database.removeprefix("sqlite:///"))
    by_browser, by_driver = tmp_path / "browser.db", tmp_path / "driver.db"
    shutil.copyfile(pristine, by_browser)
    shutil.copyfile(pristine, by_driver)
    before = _declarations(by_browser)
    plate, room = plates_with_rooms(f"sqlite:///{by_browser}", limit=1)[0]
    name, id_number = "欧阳晓明", make_id_number("440106", "19910204", "135")
    keyring = Keyring.from_master(TEST_SECRET.encode("utf-8"))

    with _portal_on(by_browser, tmp_path / "browser-portal.log") as url:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(plate_link(plate, keyring=keyring, portal_url=url))
        wait_for_plate_page(page)
        browser_code = declare_as_tenant(page, room=room, name=name, id_number=id_number)
        context.close()
    with _portal_on(by_driver, tmp_path / "driver-portal.log") as url:
        client = StreamlitClient(url, timeout=30)
        try:
            driver_code = declare_tenant(
                client,
                plate_link(plate, keyring=keyring, portal_url=url),
                room=room,
                name=name,
                id_number=id_number,
            ).receipt_code
        finally:
            client.close()

    assert browser_code != driver_code, "two databases, two declarations, two codes"
    assert _declarations(by_browser) == _declarations(by_driver) == before + 1
    browser_rows, driver_rows = _rows(by_browser), _rows(by_driver)
    differing = {
        name: (browser_rows[name] - driver_rows[name], driver_rows[name] - browser_rows[name])
        for name in browser_rows
        if browser_rows[name] != driver_rows[name]
    }
    assert not differing, f"rows only the browser / only the driver stored: {differing}"
    # and the declaration is there, in both, with the person typed
    assert any("欧阳晓明" in str(row) for row in browser_rows["declarations"])
