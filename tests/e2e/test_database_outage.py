"""PostgreSQL going away and coming back under a running portal and kiosk, in a real browser: the
"temporarily unavailable" message instead of a traceback, and the pages back by themselves
once the server is, with the same Streamlit processes (the engines' pool_pre_ping replaces the
connections the restart broke).

A private PostgreSQL cluster of this test's own (tests/private_postgres.py), so it can be
stopped; it runs in CI's SQLite pass only.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.availability import UNAVAILABLE_EN, UNAVAILABLE_ZH
from shared.core.config import get_settings
from shared.core.crypto import get_keyring
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from shared.models import DoorPlate, Gate, RecordStatus
from shared.places.links import plate_link
from tests.conftest import TEST_SECRET
from tests.e2e.conftest import KIOSK_ARGS, start_streamlit
from tests.private_postgres import PrivateCluster, only_in_sqlite_run, private_postgres

pytestmark = only_in_sqlite_run

RECOVERY_MS = 60_000  # the retry timers fire every 3-5 s; the rest is a loaded CI machine
KIOSK_DOWN = "系统暂时无法连接"


@dataclass(frozen=True)
class OutageTown:
    cluster: PrivateCluster
    plate_code: str
    address: str
    gate_name: str


@pytest.fixture
def outage_town(tmp_path: Path) -> Iterator[OutageTown]:
    """A small demo town on a private PostgreSQL server (encrypted under the test secret)."""
    get_settings.cache_clear()
    get_keyring.cache_clear()
    with private_postgres(tmp_path / "logs") as cluster:
        engine = make_engine(cluster.url)
        upgrade_database(engine)
        with Session(engine) as session:
            build_demo_town(session, scale="small", seed=2026, today=date.today())
            session.commit()
            plate = session.scalars(
                select(DoorPlate).where(DoorPlate.status == RecordStatus.ACTIVE).order_by(DoorPlate.code)
            ).first()
            gate_name = session.scalars(select(Gate.name).order_by(Gate.id)).first()
            assert plate is not None and gate_name
            town = OutageTown(cluster, plate.code, plate.address, gate_name)
        engine.dispose()
        yield town


@pytest.fixture
def apps(outage_town: OutageTown, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The portal and the kiosk under `streamlit run` against the private server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=outage_town.cluster.url, MENPAI_SECRET_KEY=TEST_SECRET, PYTHONUNBUFFERED="1")
    env.update(MENPAI_GATE=outage_town.gate_name, MENPAI_KIOSK_IDLE_SECONDS="600")
    env["MENPAI_DATA_DIR"] = str(tmp_path / "data")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        portal, portal_url = start_streamlit("portal/server.py", env, tmp_path / "portal.log")
        processes.append(portal)
        kiosk, kiosk_url = start_streamlit("kiosk/app.py", env, tmp_path / "kiosk.log", KIOSK_ARGS)
        processes.append(kiosk)
        yield portal_url, kiosk_url
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def expect_unavailable_without_traceback(page: Page, text: str = UNAVAILABLE_ZH) -> None:
    expect(page.get_by_text(text).first).to_be_visible(timeout=RECOVERY_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in page.content()


def test_pages_say_the_database_is_unavailable_and_recover_when_it_returns(
    page: Page, outage_town: OutageTown, apps: tuple[str, str]
) -> None:
    portal_url, kiosk_url = apps
    cluster = outage_town.cluster
    heading = page.get_by_role("heading", name=f"麻涌镇 {outage_town.address}")
    link = plate_link(outage_town.plate_code, portal_url=portal_url)

    # Both started while the server is down: migrating at start fails, is not cached, is retried.
    cluster.stop()
    page.goto(link)
    expect_unavailable_without_traceback(page)
    expect(page.get_by_text(UNAVAILABLE_EN).first).to_be_visible()
    search = page.context.new_page()  # a page other than the default keeps its path
    search.goto(f"{portal_url}/search")
    expect_unavailable_without_traceback(search)
    kiosk = page.context.new_page()
    kiosk.goto(kiosk_url)
    expect_unavailable_without_traceback(kiosk, KIOSK_DOWN)
    cluster.start()
    expect(heading).to_be_visible(timeout=RECOVERY_MS)  # no reload: the page retried by itself
    expect(page.get_by_text(UNAVAILABLE_ZH)).to_have_count(0)
    expect(search.get_by_role("heading", name="查找地址")).to_be_visible(timeout=RECOVERY_MS)
    assert search.url.endswith("/search")
    expect(kiosk.get_by_role("button", name="访客登记")).to_be_visible(timeout=RECOVERY_MS)
    expect(kiosk.get_by_text(KIOSK_DOWN)).to_have_count(0)

    # Down while the portal runs, with its pool full of connections the restart will break. The
    # plate page comes from the plate's shared copy (a minute) and still shows; a page that reads
    # the database says it is unavailable, and recovers.
    cluster.stop()
    page.reload()
    expect(heading).to_be_visible(timeout=RECOVERY_MS)
    search.reload()
    expect_unavailable_without_traceback(search)
    cluster.start()
    expect(search.get_by_role("heading", name="查找地址")).to_be_visible(timeout=RECOVERY_MS)
    expect(search.get_by_text(UNAVAILABLE_ZH)).to_have_count(0)
    expect(page.get_by_role("button", name="我住在这里")).to_be_visible()
