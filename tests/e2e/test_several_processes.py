"""Two portal processes on one PostgreSQL behind nginx, configured as in production: the config is
deploy/nginx/menpai.conf, rendered by deploy/nginx/render as scripts/run-portal-cluster does.

nginx's access log names the process (`upstream=`) and the route key (`route=`) of every request,
so the test can show that a browser stays on one process from its first page load on, websocket
included, and that a declaration made through one process opens through the other.

Needs nginx and PostgreSQL: skips locally without them, fails under CI=true. It runs its own
PostgreSQL server, so CI runs it once, in the SQLite pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy.orm import Session

from shared.core.config import PROJECT_ROOT
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from shared.places.links import plate_link
from shared.self_service.receipt_access import receipt_link
from tests.conftest import TEST_SECRET
from tests.e2e.conftest import free_port, start_streamlit, wait_until_healthy
from tests.e2e.steps import PAGE_TIMEOUT_MS, PHONE, declare_as_tenant, plates_with_rooms, wait_for_plate_page
from tests.factories import make_id_number
from tests.private_postgres import only_in_sqlite_run, private_postgres

pytestmark = only_in_sqlite_run

RENDER = PROJECT_ROOT / "deploy" / "nginx" / "render"
ROUTE_COOKIE = "menpai_route"
# One line of deploy/nginx/menpai.conf's `menpai` log format.
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
    r"upstream=(?P<upstream>.+?) route=(?P<route>\S+)"
)


@dataclass(frozen=True)
class Cluster:
    url: str  # nginx, the address browsers use
    database_url: str
    processes: tuple[str, ...]  # each portal process as nginx names it: host:port
    access_log: Path


def _nginx() -> str:
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if path is None:
        reason = "Debian's nginx is not installed (apt-get install nginx)"
        if os.environ.get("CI"):
            pytest.fail(f"the several-processes test cannot be skipped in CI: {reason}")
        pytest.skip(reason)
    return path


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """Signal every process first, then wait: they shut down side by side."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _keep_logs(run_dir: Path, target: Path) -> None:
    """nginx's logs outlive its run dir, beside the portals' logs, for a failing test's report."""
    for log in run_dir.glob("*.log"):
        shutil.copy(log, target / f"nginx-{log.name}")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A small demo town on a private PostgreSQL, two portal processes on it, nginx in front."""
    nginx = _nginx()
    with private_postgres(tmp_path / "logs") as postgres, ExitStack() as stack:
        engine = make_engine(postgres.url)
        upgrade_database(engine)
        with Session(engine) as session:
            build_demo_town(session, scale="small", seed=2026, today=date.today())
            session.commit()
        engine.dispose()

        url = f"http://127.0.0.1:{free_port()}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            DATABASE_URL=postgres.url, MENPAI_SECRET_KEY=TEST_SECRET, PORTAL_URL=url, PYTHONUNBUFFERED="1"
        )
        # nginx's workers run as nobody when we are root, and pytest's tmp dirs are root's alone.
        run_dir = Path(tempfile.mkdtemp(prefix="menpai-nginx-", dir="/tmp"))
        stack.callback(shutil.rmtree, run_dir, ignore_errors=True)
        stack.callback(_keep_logs, run_dir, tmp_path)
        running: list[subprocess.Popen[bytes]] = []
        stack.callback(_stop_all, running)

        with ThreadPoolExecutor(max_workers=2) as pool:
            starts = [
                pool.submit(start_streamlit, "portal/server.py", env, tmp_path / f"portal-{n}.log")
                for n in (1, 2)
            ]
        running.extend(start.result()[0] for start in starts if start.exception() is None)
        processes = tuple(start.result()[1].removeprefix("http://") for start in starts)

        listen = url.removeprefix("http://")
        rendered = subprocess.run(
            [str(RENDER), str(run_dir), listen, *processes], capture_output=True, text=True, check=True
        )
        config = rendered.stdout.strip()
        subprocess.run([nginx, "-t", "-q", "-c", config], capture_output=True, text=True, check=True)
        nginx_log = tmp_path / "nginx.out"
        with nginx_log.open("wb") as out:
            server = subprocess.Popen([nginx, "-c", config, "-g", "daemon off;"], stdout=out, stderr=out)
        running.append(server)
        wait_until_healthy(url, server, nginx_log, seconds=20, what="nginx")
        yield Cluster(
            url=url, database_url=postgres.url, processes=processes, access_log=run_dir / "access.log"
        )


def _log(cluster: Cluster) -> list[dict[str, str]]:
    lines = cluster.access_log.read_text().splitlines()
    return [m.groupdict() for line in lines if (m := LOG_LINE.search(line))]


def _served(
    cluster: Cluster, route: str, *, wait_for: str = "", timeout_s: float = 10
) -> list[dict[str, str]]:
    """The logged requests of one route key; nginx logs a request when it ends (a websocket when it
    closes), so this waits until one to `wait_for` (a path prefix) is there."""
    deadline = time.monotonic() + timeout_s
    while True:
        requests = [r for r in _log(cluster) if r["route"] == route]
        if any(r["path"].startswith(wait_for) for r in requests) or time.monotonic() > deadline:
            return requests
        time.sleep(0.1)


def _route_cookie(context: BrowserContext) -> str:
    values = [c.get("value", "") for c in context.cookies() if c.get("name") == ROUTE_COOKIE]
    assert len(values) == 1, f"nginx set one {ROUTE_COOKIE} cookie: {context.cookies()}"
    return values[0]


def _route_to_other_process(cluster: Cluster, taken: str) -> str:
    """A route key nginx hands out that its hash sends to another process than `taken`: ask for keys
    (as a new browser does) until one lands elsewhere; with two processes that is one try in two."""
    for _ in range(40):
        with urllib.request.urlopen(f"{cluster.url}/_stcore/health", timeout=5) as response:
            cookies = response.headers.get_all("Set-Cookie") or []
        route = next(filter(None, (re.match(rf"{ROUTE_COOKIE}=([0-9a-f]{{32}});", c) for c in cookies)), None)
        assert route, f"nginx sets the route cookie on a first request: {cookies}"
        served = _served(cluster, route[1], wait_for="/_stcore/health")
        if served[0]["upstream"] != taken:
            return route[1]
    raise AssertionError(f"nginx sent 40 new browsers to {taken}")


def _open_receipt(page: Page, cluster: Cluster, receipt_code: str, id_number: str) -> None:
    page.goto(receipt_link(receipt_code, portal_url=cluster.url))
    expect(page.get_by_label("回执码", exact=True)).to_have_value(receipt_code, timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("证件号码后6位", exact=True).fill(id_number[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=re.compile("^状态："))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(f"回执码 {receipt_code[:5]} {receipt_code[5:]}")).to_be_visible()


def test_a_browser_stays_on_one_process_and_each_process_opens_the_others_receipts(
    browser: Browser, cluster: Cluster
) -> None:
    (plate_a, room_a), (plate_b, room_b) = plates_with_rooms(cluster.database_url, limit=2)
    number_a = make_id_number("430102", "19900115", "011")
    number_b = make_id_number("430102", "19920307", "022")

    # A new browser brings no cookie: nginx picks its process by a fresh key and sets that key.
    first = browser.new_context(viewport=PHONE)
    page_a = first.new_page()
    page_a.goto(plate_link(plate_a, portal_url=cluster.url))
    wait_for_plate_page(page_a)
    route_a = _route_cookie(first)
    process_a = _served(cluster, route_a)[0]["upstream"]
    # A second browser, placed on the other process with a key nginx handed out.
    route_b = _route_to_other_process(cluster, process_a)
    second = browser.new_context(viewport=PHONE)
    second.add_cookies([{"name": ROUTE_COOKIE, "value": route_b, "url": cluster.url}])
    page_b = second.new_page()
    page_b.goto(plate_link(plate_b, portal_url=cluster.url))
    wait_for_plate_page(page_b)

    code_a = declare_as_tenant(page_a, room=room_a, name="李四", id_number=number_a)
    code_b = declare_as_tenant(page_b, room=room_b, name="王五", id_number=number_b)
    # Each receipt through the other process: both read the one database.
    _open_receipt(page_b, cluster, code_a, number_a)
    _open_receipt(page_a, cluster, code_b, number_b)
    first.close()
    second.close()  # their websockets close, and nginx logs them

    served_a = _served(cluster, route_a, wait_for="/_stcore/stream")
    served_b = _served(cluster, route_b, wait_for="/_stcore/stream")
    assert served_a[0]["path"].startswith("/?p="), "the first request of the new browser was its page"
    assert {r["upstream"] for r in served_a} == {process_a}, served_a
    process_b = served_b[-1]["upstream"]
    assert {r["upstream"] for r in served_b} == {process_b}, served_b
    assert {process_a, process_b} == set(cluster.processes)
    for served in (served_a, served_b):
        websockets = [r for r in served if r["path"] == "/_stcore/stream"]
        assert websockets, "the browser's websockets went through nginx"
        assert {r["status"] for r in websockets} == {"101"}
