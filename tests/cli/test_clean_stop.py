"""Ctrl-C (or SIGTERM) on `make run`, scripts/run-apps and scripts/run-portal-cluster is a clean
stop: the apps stop, the script says so and the exit code is 0. Run for real: each test starts
the processes, presses Ctrl-C in a pseudo-terminal (or sends SIGTERM) and reads what was printed."""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from shared.core.config import PROJECT_ROOT
from tests.private_postgres import only_in_sqlite_run, private_postgres

READY = "Press Ctrl-C to stop."
STOPPED = "Menpai stopped."
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def app_env(db_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment for the apps: this test's database and two free ports."""
    env = {**os.environ, "PORTAL_PORT": str(free_port()), "KIOSK_PORT": str(free_port())}
    env.pop("PYTEST_XDIST_WORKER", None)
    yield env


def run_in_terminal(
    argv: Sequence[str], env: dict[str, str], *, ready: str, timeout: float = 120
) -> tuple[int, str]:
    """Start `argv` in a pseudo-terminal, press Ctrl-C once `ready` is printed; (exit code, output)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the terminal's session leader, as a shell's job would
        os.chdir(PROJECT_ROOT)
        os.execvpe(argv[0], list(argv), env)
    output = b""
    status: int | None = None
    try:
        output = _read_until(fd, output, ready.encode(), deadline=time.monotonic() + timeout)
        assert ready.encode() in output, output.decode(errors="replace")[-2000:]
        os.write(fd, b"\x03")  # the terminal turns it into SIGINT for its foreground group
        output = _read_until(fd, output, None, deadline=time.monotonic() + 30)
        _, status = os.waitpid(pid, 0)
    finally:
        if status is None:  # never reached Ctrl-C, or it hung: leave no process behind
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def _read_until(fd: int, output: bytes, wanted: bytes | None, *, deadline: float) -> bytes:
    while time.monotonic() < deadline and (wanted is None or wanted not in output):
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the terminal closed: every process on it has ended
                return output
            if not chunk:
                return output
            output += chunk
    return output


def test_ctrl_c_stops_run_apps_cleanly(app_env: dict[str, str]) -> None:
    code, out = run_in_terminal(["./scripts/run-apps"], app_env, ready=READY)
    assert code == 0, out[-2000:]
    assert STOPPED in out and "ended" not in out
    assert not is_listening(int(app_env["PORTAL_PORT"])) and not is_listening(int(app_env["KIOSK_PORT"]))


def test_sigterm_stops_run_apps_cleanly(app_env: dict[str, str], tmp_path: Path) -> None:
    """No terminal (a service manager): SIGTERM to the script alone stops both apps."""
    log = tmp_path / "run-apps.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["./scripts/run-apps"], cwd=PROJECT_ROOT, env=app_env, stdout=sink, stderr=sink
        )
        try:
            deadline = time.monotonic() + 120
            while READY not in log.read_text(errors="replace") and time.monotonic() < deadline:
                assert process.poll() is None, log.read_text(errors="replace")
                time.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0, log.read_text(errors="replace")
        finally:
            process.kill()
    assert STOPPED in log.read_text(errors="replace")
    assert not is_listening(int(app_env["PORTAL_PORT"])) and not is_listening(int(app_env["KIOSK_PORT"]))


def test_ctrl_c_on_make_run_exits_0_without_a_make_error(app_env: dict[str, str]) -> None:
    """The whole `make run`: set-up, the small demo town, the apps; then Ctrl-C. `-o` keeps make
    from reinstalling the venv (no network in tests)."""
    argv = ["make", "--no-print-directory", "-o", ".venv/.installed", "run", "DEMO_SCALE=small"]
    code, out = run_in_terminal(argv, app_env, ready=READY, timeout=240)
    assert code == 0, out[-2000:]
    assert STOPPED in out and "make: ***" not in out


@only_in_sqlite_run
def test_ctrl_c_stops_the_portal_cluster_cleanly(tmp_path: Path) -> None:
    nginx = subprocess.run(
        ["bash", "-c", "command -v nginx || command -v /usr/sbin/nginx"], capture_output=True
    )
    if nginx.returncode != 0:
        pytest.skip("Debian's nginx is not installed (apt-get install nginx)")
    with private_postgres(tmp_path) as cluster:
        base, listen = free_port(), free_port()
        env = {
            **os.environ, "DATABASE_URL": cluster.create_database("menpai_cluster"),
            "PORTAL_BASE_PORT": str(base), "CLUSTER_LISTEN": f"127.0.0.1:{listen}",
            "MENPAI_RUN_DIR": str(tmp_path / "run"),
        }  # fmt: skip
        code, out = run_in_terminal(["./scripts/run-portal-cluster", "1"], env, ready=READY, timeout=180)
    assert code == 0, out[-2000:]
    assert "the Menpai cluster stopped." in out and "a process ended" not in out
    assert not is_listening(listen) and not is_listening(base)
