"""Load: tenants declaring at once from their phones, in real browsers, against one portal server.

A fresh SQLite file gets the town-scale demo (about 19,000 plates, 150,000 people), so every query
the plate page and a submission make runs against a town's worth of rows; the small demo would
hide a missing index. One `streamlit run portal/server.py` serves it, started as the browser tests
start it. A warm-up round of one session fills the server's caches (its times are the cold ones);
then rounds of 5, 10 and 20 sessions, each a browser context (its own cookies and Streamlit
session) on a phone-sized page of one Debian chromium. All open a plate link at once (page ready:
link opened until the plate page's buttons show) and fill the tenant form, then all press 提交申报
at once (submit: until 申报已提交 shows). Every session declares a different person at a different
plate, so none is taken for a second tap of another.

Printed per round: p50/p95 of both times (nearest rank: with 5 sessions p95 is the slowest), the
errors seen in the browsers and in the server log, the server's peak memory (RSS of the streamlit
process and its children, sampled every 0.2 s from /proc) and its CPU time, and a row count: each
receipt code shown is on exactly one declaration and the new declarations are exactly those shown.
The browsers run on the same two cores as the server and take most of them, so the times are an
upper bound; the server's CPU seconds per session say what one server process could carry alone,
and the load average before each round says how busy the machine already was. Issue 8 asks that
every round finish and report, and that the row count hold. Printed, not asserted.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.config import PROJECT_ROOT
from shared.core.crypto import Keyring
from shared.core.db import make_engine
from shared.models import Declaration
from shared.places.links import plate_link
from tests.e2e.conftest import CHROMIUM_ARGS, start_streamlit
from tests.e2e.steps import Visit, declare_at_once, plates_with_rooms
from tests.factories import make_id_number

ROUNDS = (1, 5, 10, 20)  # the first is the warm-up
SCALE = "town"
SECRET = "menpai benchmark secret"  # the server's only: this process signs plate links with it, no env
TIMEOUT_MS = 300_000  # per browser step; a round of 20 on two cores is slow, not broken
SAMPLE_SECONDS = 0.2
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超霞"
EXCEPTION_LINE = re.compile(r"^[\w.]*(Error|Exception|Warning)\b.*")


def run() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("load: skipped, Debian's chromium is not installed (apt-get install chromium)")
        return
    launch_args = {"executable_path": chromium, "args": CHROMIUM_ARGS, "headless": True}
    with tempfile.TemporaryDirectory(prefix="menpai-bench-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'load.db'}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "MENPAI_"))}
        env.update(DATABASE_URL=database_url, MENPAI_SECRET_KEY=SECRET, PYTHONUNBUFFERED="1")
        env["MENPAI_DATA_DIR"] = str(Path(tmp) / "data")
        _build_town(env)
        plates = plates_with_rooms(database_url, limit=sum(ROUNDS))
        log = Path(tmp) / "portal.log"
        with _portal(env, log) as (process, portal_url):
            memory = ServerMemory(process.pid)
            print(f"load_server_idle_rss: {memory.current_mb():.0f} MB")
            try:
                for first, size in zip(_starts(ROUNDS), ROUNDS, strict=True):
                    visits = _visits(plates[first : first + size], first=first, portal_url=portal_url)
                    _round(visits, launch_args=launch_args, database_url=database_url, memory=memory, log=log)
            finally:
                memory.stop()


def _starts(sizes: Sequence[int]) -> list[int]:
    return [sum(sizes[:n]) for n in range(len(sizes))]


def _visits(plates: Sequence[tuple[str, str]], *, first: int, portal_url: str) -> list[Visit]:
    """One visit per plate, each by a person of their own (serials from `first` on)."""
    keyring = Keyring.from_master(SECRET.encode("utf-8"))
    return [
        Visit(
            link=plate_link(code, keyring=keyring, portal_url=portal_url),
            room=room,
            name=_name(serial),
            id_number=_id_number(serial),
        )
        for serial, (code, room) in enumerate(plates, start=first)
    ]


def _build_town(env: dict[str, str]) -> None:
    """The demo town, built by the CLI in a child that holds the bench secret (it seals payloads)."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "shared.cli.main", "demo", "--scale", SCALE, "--seed", "2026"]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the demo town was not built:\n{done.stdout}\n{done.stderr}")
    print(f"load_demo_build_seconds: {time.perf_counter() - started:.1f} s ({SCALE} scale)")


def _name(serial: int) -> str:
    return SURNAMES[serial % len(SURNAMES)] + GIVEN[serial // len(SURNAMES) % len(GIVEN)]


def _id_number(serial: int) -> str:
    """A distinct valid citizen number per session: the same person twice would be one declaration."""
    born = date(1985, 1, 1) + timedelta(days=37 * serial)
    return make_id_number("440106", f"{born:%Y%m%d}", f"{serial % 1000:03d}")


@contextlib.contextmanager
def _portal(env: dict[str, str], log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The portal under `streamlit run`, started as the browser tests start it, stopped on the way
    out whatever happened (an error, Ctrl-C)."""
    process, url = start_streamlit("portal/server.py", env, log)
    try:
        yield process, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cpu_seconds(pid: int) -> float:
    """User and system time of a process and of its children that have ended, from /proc."""
    fields = _stat_fields(pid)
    ticks = sum(int(f) for f in fields[11:15]) if fields else 0  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


class ServerMemory:
    """Peak RSS of a process and its descendants, sampled from /proc in a thread; and its CPU time."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def current_mb(self) -> float:
        return self._rss() / 2**20

    def reset_peak(self) -> None:
        self.peak = self._rss()

    def peak_mb(self) -> float:
        return self.peak / 2**20

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stopped.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, self._rss())

    def _rss(self) -> int:
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
                parents[int(entry.name)] = int(fields[1])
        family, grew = {self.pid}, True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in family} - family
            family |= more
            grew = bool(more)
        total = 0
        for pid in family:
            with contextlib.suppress(OSError, IndexError, ValueError):  # it ended since the scan
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self._page
        return total


def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name (which may hold spaces): state, ppid, ..."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text[text.rfind(")") + 2 :].split()


def _round(
    visits: Sequence[Visit],
    *,
    launch_args: dict[str, object],
    database_url: str,
    memory: ServerMemory,
    log: Path,
) -> None:
    size = len(visits)
    label = f"load_{size}" + ("_warmup" if size == ROUNDS[0] else "")
    engine = make_engine(database_url)
    with Session(engine) as session:
        before = session.scalar(select(func.max(Declaration.id))) or 0
    print(f"{label}_load_average_before: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    log_offset = log.stat().st_size
    memory.reset_peak()
    cpu_before, started = memory.cpu_seconds(), time.perf_counter()
    declare_at_once(visits, launch_args=launch_args, timeout_ms=TIMEOUT_MS)
    seconds, cpu = time.perf_counter() - started, memory.cpu_seconds() - cpu_before
    ready = [v.page_ready_s for v in visits if v.page_ready_s is not None]
    submitted = [v.submit_s for v in visits if v.submit_s is not None]
    errors = [v.error for v in visits if v.error]
    print(f"{label}_sessions_with_receipt: {len(submitted)} of {size} ({seconds:.0f} s for the round)")
    print(f"{label}_page_ready_p50_p95: {_rank(ready, 0.50)} / {_rank(ready, 0.95)} s")
    print(f"{label}_submit_p50_p95: {_rank(submitted, 0.50)} / {_rank(submitted, 0.95)} s")
    print(f"{label}_browser_errors: {len(errors)}")
    for message in list(dict.fromkeys(errors))[:3]:
        print(f"  {message[:240]}")
    server_errors = _server_errors(log, log_offset)
    print(f"{label}_server_log_errors: {len(server_errors)}")
    for message in list(dict.fromkeys(server_errors))[:3]:
        print(f"  {message[:240]}")
    print(f"{label}_server_peak_rss: {memory.peak_mb():.0f} MB")
    print(
        f"{label}_server_cpu: {cpu:.1f} s in {seconds:.0f} s ({100 * cpu / seconds:.0f} % of one core, "
        f"{cpu / size:.2f} s a session)"
    )
    with Session(engine) as session:
        _check_rows(session, label=label, visits=visits, after_id=before)
    engine.dispose()


def _check_rows(session: Session, *, label: str, visits: Sequence[Visit], after_id: int) -> None:
    """No declaration lost, none stored twice: each code shown on exactly one row, the new rows
    exactly the codes shown, no declarant on two new rows."""
    shown = [v.receipt_code for v in visits if v.receipt_code]
    new = session.execute(
        select(Declaration.receipt_code, Declaration.declarant_index).where(Declaration.id > after_id)
    ).all()
    on_one_row = sum(
        session.scalar(select(func.count()).where(Declaration.receipt_code == code)) == 1 for code in shown
    )
    twice = len(new) - len({index for _, index in new})
    unseen = len({code for code, _ in new} - set(shown))
    holds = on_one_row == len(shown) == len(new) and twice == 0 and unseen == 0
    print(
        f"{label}_rows: {len(new)} new declarations for {len(shown)} receipts shown; "
        f"{on_one_row} of {len(shown)} codes on exactly one declaration; {unseen} new without a receipt "
        f"shown; {twice} declarants stored twice: {'holds' if holds else 'DOES NOT HOLD'}"
    )


def _rank(values: Sequence[float], share: float) -> str:
    """Nearest-rank percentile, or a dash when nothing was measured."""
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[max(0, math.ceil(share * len(ordered)) - 1)]:.2f}"


def _server_errors(log: Path, offset: int) -> list[str]:
    """Exception lines the server logged since `offset` (a traceback ends in one)."""
    with log.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode("utf-8", "replace")
    return [line.strip() for line in text.splitlines() if EXCEPTION_LINE.match(line.strip())]
