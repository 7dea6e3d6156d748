"""A private PostgreSQL server for one test: started, stopped and started again at will.

For tests about the server itself (an outage, several app processes sharing one database), which
must not disturb the suite's own server at DATABASE_URL. Uses scripts/start-test-postgres with its
own port and directory; as root the server runs as the postgres user, so the cluster lives in a
fresh directory straight under /tmp (pytest's tmp dirs are private to root, and a Unix socket path
must stay short).

    with private_postgres() as cluster:      # skips without the binaries; fails under CI=true
        engine = make_engine(cluster.url)
        cluster.stop()                        # pg_ctl stop -m fast: connections drop
        cluster.start()                       # same data, same port

These tests need to run once per CI run: decorate them with `only_in_sqlite_run`, so the run with
DATABASE_URL=PostgreSQL does not repeat them (they use no `db`-marked fixture, so that skip is
not counted as a skipped database test).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import make_url

from shared.core.config import PROJECT_ROOT
from tests.conftest import ON_POSTGRES

START_SCRIPT = PROJECT_ROOT / "scripts" / "start-test-postgres"
FAST_WRITES = "-c fsync=off -c full_page_writes=off"  # as the script starts it: a throw-away server

only_in_sqlite_run = pytest.mark.skipif(
    ON_POSTGRES, reason="runs its own PostgreSQL server; the SQLite pass of CI covers it once"
)


def postgres_bindir() -> Path:
    """Debian's newest PostgreSQL bin directory; skips (locally) or fails (CI=true) without one."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
    )
    if not candidates or not (candidates[-1] / "pg_ctl").exists():
        reason = "PostgreSQL binaries are not installed (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(f"private PostgreSQL tests cannot be skipped in CI: {reason}")
        pytest.skip(reason)
    return candidates[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PrivateCluster:
    """One running (or stopped) PostgreSQL cluster; `url` names its database `menpai_test`."""

    url: str
    port: int
    directory: Path
    bindir: Path

    @property
    def log_path(self) -> Path:
        return self.directory / "server.log"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [*args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def _pg_ctl(self, *args: str) -> None:
        result = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.directory / "data"), *args)
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed:\n{result.stdout}{result.stderr}")

    def stop(self) -> None:
        """Stop the server now (fast shutdown: open connections are cut, as in an outage)."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        """Start the stopped server again on the same port with the same data; waits until ready."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 {FAST_WRITES}"
        self._pg_ctl("-l", str(self.log_path), "-w", "-o", options, "start")

    def is_running(self) -> bool:
        return (
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.directory / "data"), "status").returncode
            == 0
        )

    def create_database(self, name: str) -> str:
        """A further empty database on this server; returns its URL."""
        result = self._run(
            str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name
        )
        if result.returncode != 0:
            raise RuntimeError(f"createdb {name} failed:\n{result.stderr}")
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)


@contextmanager
def private_postgres(log_dir: Path | None = None, *, port: int | None = None) -> Iterator[PrivateCluster]:
    """Start a fresh cluster on a free port (or `port`); stop and delete it afterwards.

    `log_dir`, if given, receives a copy of the server log at the end, for a failing test's report.
    """
    bindir = postgres_bindir()
    port = port or _free_port()
    directory = Path(tempfile.mkdtemp(prefix=f"menpai-pg-{port}-", dir="/tmp"))
    env = {**os.environ, "PGPORT": str(port), "PGDIR": str(directory)}
    result = subprocess.run(
        [str(START_SCRIPT)], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    if result.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"could not start a private PostgreSQL:\n{result.stdout}{result.stderr}")
    cluster = PrivateCluster(url=result.stdout.strip(), port=port, directory=directory, bindir=bindir)
    try:
        yield cluster
    finally:
        if cluster.is_running():
            cluster.stop()
        if log_dir is not None and cluster.log_path.exists():
            log_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cluster.log_path, log_dir / f"postgres-{port}.log")
        shutil.rmtree(directory, ignore_errors=True)
