"""The servers `python -m bench capacity` loads: one portal process on SQLite, or several behind
nginx on a private PostgreSQL, configured as scripts/run-portal-cluster runs them
(deploy/nginx/menpai.conf rendered by deploy/nginx/render, sticky by the route cookie). All on
127.0.0.1, on free ports; everything stopped on the way out, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.load import SECRET, _build_town
from shared.core.config import PROJECT_ROOT
from shared.core.crypto import Keyring
from shared.places.links import plate_link
from tests.e2e.conftest import free_port, start_streamlit, wait_until_healthy
from tests.e2e.steps import plates_with_rooms

RENDER = PROJECT_ROOT / "deploy" / "nginx" / "render"


@dataclass(frozen=True)
class Target:
    """What the load is pointed at and what is measured of it."""

    label: str
    url: str  # what the simulated phones open: the process, or nginx
    database_url: str
    pids: tuple[int, ...]  # the portal processes
    logs: tuple[Path, ...]


def bench_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "MENPAI_"))}
    env.update(DATABASE_URL=database_url, MENPAI_SECRET_KEY=SECRET, PYTHONUNBUFFERED="1")
    env["MENPAI_DATA_DIR"] = str(data_dir)
    return env


def write_links(target: Target, path: Path, *, limit: int = 2000) -> Path:
    """The plate links the phones scan (signed with the bench secret, to the target's address)."""
    keyring = Keyring.from_master(SECRET.encode("utf-8"))
    rows = plates_with_rooms(target.database_url, limit=limit)
    path.write_text(
        "".join(
            f"{plate_link(code, keyring=keyring, portal_url=target.url)}\t{room}\n" for code, room in rows
        ),
        "utf-8",
    )
    return path


def _stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def one_process_on_sqlite(tmp: Path) -> Iterator[Target]:
    """The town-scale demo in a SQLite file, one `streamlit run portal/app.py` on it."""
    database_url = f"sqlite:///{tmp / 'capacity.db'}"
    env = bench_env(database_url, tmp / "data")
    _build_town(env)
    log = tmp / "portal-sqlite.log"
    process, url = start_streamlit("portal/app.py", env, log)
    try:
        yield Target("sqlite_1", url, database_url, (process.pid,), (log,))
    finally:
        _stop([process])


@contextlib.contextmanager
def processes_on_postgres(tmp: Path, count: int = 2) -> Iterator[Target]:
    """The town-scale demo on a private PostgreSQL, `count` portal processes, nginx in front."""
    from tests.private_postgres import private_postgres  # imports pytest: only when it is wanted

    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    with private_postgres() as postgres, contextlib.ExitStack() as stack:
        url = f"http://127.0.0.1:{free_port()}"
        env = bench_env(postgres.url, tmp / "data-pg")
        _build_town(env)
        env["PORTAL_URL"] = url
        running: list[subprocess.Popen[bytes]] = []
        stack.callback(_stop, running)
        logs = tuple(tmp / f"portal-pg-{n}.log" for n in range(count))
        with ThreadPoolExecutor(max_workers=count) as pool:
            starts = [pool.submit(start_streamlit, "portal/app.py", env, log) for log in logs]
        running.extend(start.result()[0] for start in starts)
        run_dir = Path(tempfile.mkdtemp(prefix="menpai-capacity-nginx-", dir="/tmp"))
        stack.callback(shutil.rmtree, run_dir, ignore_errors=True)
        addresses = [start.result()[1].removeprefix("http://") for start in starts]
        rendered = subprocess.run(
            [str(RENDER), str(run_dir), url.removeprefix("http://"), *addresses],
            capture_output=True,
            text=True,
            check=True,
        )
        config = rendered.stdout.strip()
        nginx_log = tmp / "nginx.out"
        with nginx_log.open("wb") as out:
            server = subprocess.Popen([nginx, "-c", config, "-g", "daemon off;"], stdout=out, stderr=out)
        running.append(server)
        wait_until_healthy(url, server, nginx_log, seconds=20, what="nginx")
        pids = tuple(process.pid for process in running[:count])
        yield Target(f"postgres_{count}", url, postgres.url, pids, logs)
