"""Browser tests: real headless Chromium (Debian's `chromium`) driven by Playwright against a real
`streamlit run` serving a small demo town in its own SQLite file.

Locally they skip with a reason when no chromium is installed; under CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.config import PROJECT_ROOT, get_settings
from shared.core.crypto import get_keyring
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from tests.conftest import TEST_SECRET

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot be skipped in CI: {reason}")
        pytest.skip(reason)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class RunningApp:
    url: str
    database_url: str
    env: dict[str, str]


def start_streamlit(
    script: str, env: dict[str, str], log: Path, extra_args: tuple[str, ...] = ()
) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run script` headless on a free local port, its output in `log`; returns once it
    answers its health check (the process and its URL)."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port), "--server.headless", "true", "--server.address", "127.0.0.1",
        *extra_args,
    ]  # fmt: skip
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log)
    except RuntimeError:
        process.kill()
        raise
    return process, url


def wait_until_healthy(
    url: str, process: subprocess.Popen[bytes], log: Path, *, seconds: float = 60, what: str = "streamlit"
) -> None:
    """Until `url`/_stcore/health answers 200 (nginx passes it on); a process that exits or does
    not come up in time is an error with its log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not come up:\n{log.read_text()}")


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small demo town in its own SQLite file, shared by the browser tests, encrypted under the
    test secret the servers run with (this session fixture runs before any per-test secret)."""
    os.environ["MENPAI_SECRET_KEY"] = TEST_SECRET
    get_settings.cache_clear()
    get_keyring.cache_clear()
    path = tmp_path_factory.mktemp("e2e") / "menpai.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_database(engine)
    with Session(engine) as session:
        build_demo_town(session, scale="small", seed=2026, today=date.today())
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def portal(demo_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The portal under `streamlit run` on a free port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=demo_database, MENPAI_SECRET_KEY=TEST_SECRET, PYTHONUNBUFFERED="1")
    env.pop("MENPAI_DATA_DIR", None)
    log = tmp_path_factory.mktemp("logs") / "portal.log"
    process, url = start_streamlit("portal/server.py", env, log)
    env["PORTAL_URL"] = url
    yield RunningApp(url=url, database_url=demo_database, env=env)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def private_portal(portal: RunningApp, tmp_path: Path) -> Iterator[RunningApp]:
    """A portal of its own on a copy of the demo town, for a test whose writes would change what
    the tests sharing `portal` find (a new building with no owner yet, say)."""
    copy = tmp_path / "menpai.db"
    shutil.copyfile(portal.database_url.removeprefix("sqlite:///"), copy)
    env = {**portal.env, "DATABASE_URL": f"sqlite:///{copy}"}
    process, url = start_streamlit("portal/server.py", env, tmp_path / "portal.log")
    yield RunningApp(url=url, database_url=f"sqlite:///{copy}", env={**env, "PORTAL_URL": url})
    process.terminate()
    process.wait(timeout=10)


# The kiosk's flags, as scripts/run-apps starts it: no toolbar, no page menu, no top bar.
KIOSK_ARGS = ("--client.toolbarMode", "minimal", "--client.showSidebarNavigation", "false",
              "--ui.hideTopBar", "true", "--server.enableStaticServing", "false")  # fmt: skip


@pytest.fixture(scope="session")
def kiosk(demo_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The gate kiosk under `streamlit run`, fixed to the demo town's first gate (`MENPAI_GATE`
    in its env); a short idle time (20 s) so a test can watch it forget."""
    from shared.models import Gate

    engine = make_engine(demo_database)
    with Session(engine) as session:
        gate_name = session.scalars(select(Gate.name).order_by(Gate.id)).first()
    engine.dispose()
    assert gate_name, "the demo town has gates"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=demo_database, MENPAI_SECRET_KEY=TEST_SECRET, PYTHONUNBUFFERED="1")
    env.update(MENPAI_GATE=gate_name, MENPAI_KIOSK_IDLE_SECONDS="20", MENPAI_KIOSK_RESULT_SECONDS="30")
    env["MENPAI_DATA_DIR"] = str(tmp_path_factory.mktemp("kiosk-data"))
    log = tmp_path_factory.mktemp("logs") / "kiosk.log"
    process, url = start_streamlit("kiosk/app.py", env, log, KIOSK_ARGS)
    yield RunningApp(url=url, database_url=demo_database, env=env)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """pytest-playwright launches Debian's chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": _chromium(), "args": CHROMIUM_ARGS}
