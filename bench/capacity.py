"""Capacity (issue 16): how many phones at once one portal process, and two behind nginx, carry —
measured at the server, with no browser (the load speaks Streamlit's protocol: bench/locustfile.py).

Two set-ups, each on the town-scale demo (about 19,000 plates, 150,000 people): one `streamlit
run portal/app.py` on SQLite; two behind nginx (deploy/nginx/menpai.conf) on a private PostgreSQL.
Each carries 25, 50, 100 and 200 simulated phones (Locust users, spawned over 10 s) for a fixed
time; every phone opens a plate link, waits for the plate page, opens the tenant form, fills it
with pauses of 2-5 s between steps (a quick person), submits and reads its receipt code, then the
next person takes the phone. A few declarations first warm each process (not counted). Users
still in a declaration when the time is up finish it.

Printed per level: page ready and submit p50/p95 (nearest rank, over all visits of the level),
declarations a second, errors (the phones' and the server logs'), the portal processes' CPU
seconds per declaration (from /proc) and the load generator's, peak RSS of each process, the load
average before the run, and the row check: each receipt shown is on exactly one new declaration
and no new declaration went unshown. Then, on the single process, the memory of idle sessions:
RSS before and after 200 phones hold the tenant form open. Last, on the PostgreSQL, the
declaration's writes alone under pgbench (bench/capacity_pgbench.py). Goals (issue 16): 100 phones on one
process with page ready p95 < 2 s and no error; 200 on two. The load generator runs on the same
two cores as the servers (and other work may too): the figures are an upper bound on the cost.
Printed, not asserted. MENPAI_CAPACITY_LEVELS="25,50" and MENPAI_CAPACITY_SECONDS=60 shorten it.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.capacity_pgbench import declaration_writes
from bench.capacity_servers import Target, one_process_on_sqlite, processes_on_postgres, write_links
from bench.load import ServerMemory, _server_errors
from bench.streamlit_client import StreamlitClient

# Not bench.locustfile: importing locust monkey-patches the whole process for gevent.
from bench.tenant_visit import FORM_HEADING, TENANT_BUTTON, declare_tenant, person
from shared.core.config import PROJECT_ROOT
from shared.core.db import make_engine
from shared.models import Declaration
from tests.private_postgres import postgres_bindir

LEVELS = tuple(int(n) for n in os.environ.get("MENPAI_CAPACITY_LEVELS", "25,50,100,200").split(","))
RUN_SECONDS = int(os.environ.get("MENPAI_CAPACITY_SECONDS", "90"))
STOP_SECONDS = 120  # users still declaring when the time is up finish within this
THINK = "2,5"
IDLE_SESSIONS = 200


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="menpai-capacity-") as name:
        tmp = Path(name)
        with one_process_on_sqlite(tmp) as target:
            _levels(target, tmp, serial_base=0)
            _idle_memory(target, tmp)
        with processes_on_postgres(tmp, count=2) as target:
            _levels(target, tmp, serial_base=5_000_000)
            declaration_writes(target.database_url, postgres_bindir())


def _levels(target: Target, tmp: Path, *, serial_base: int) -> None:
    links = write_links(target, tmp / f"links-{target.label}.tsv")
    print(f"capacity_{target.label}: {len(target.pids)} portal process(es) at {target.url}")
    _warm_up(target, links, first_serial=serial_base + 4_000_000)
    for number, users in enumerate(LEVELS):
        _level(target, tmp, links, users, first_serial=serial_base + number * 200_000)


def _level(target: Target, tmp: Path, links: Path, users: int, *, first_serial: int) -> None:
    label = f"capacity_{target.label}_{users}"
    record = tmp / f"{label}.jsonl"
    engine = make_engine(target.database_url)
    with Session(engine) as session:
        before = session.scalar(select(func.max(Declaration.id))) or 0
    offsets = [log.stat().st_size for log in target.logs]
    memories = [ServerMemory(pid) for pid in target.pids]
    print(f"{label}_loadavg_before: {Path('/proc/loadavg').read_text().strip()}")
    cpu_before = sum(m.cpu_seconds() for m in memories)
    client_before = _children_cpu()
    env = {**os.environ, "MENPAI_BENCH_LINKS": str(links), "MENPAI_BENCH_THINK": THINK}
    env.update(MENPAI_BENCH_RECORD=str(record), MENPAI_BENCH_FIRST_SERIAL=str(first_serial))
    command = [
        sys.executable, "-m", "locust", "-f", "bench/locustfile.py", "--headless", "--only-summary",
        "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{RUN_SECONDS}s",
        "--stop-timeout", str(STOP_SECONDS), "--host", target.url, "--loglevel", "WARNING",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS + STOP_SECONDS + 120,
        check=False,
    )
    seconds = time.perf_counter() - started
    cpu = sum(m.cpu_seconds() for m in memories) - cpu_before
    client_cpu = _children_cpu() - client_before
    for memory in memories:
        memory.stop()
    visits = [json.loads(line) for line in record.read_text("utf-8").splitlines()] if record.exists() else []
    shown = [v["receipt_code"] for v in visits if v.get("receipt_code")]
    errors = [v["error"] for v in visits if v.get("error")]
    if done.returncode not in (0, 1):  # 1: some requests failed, counted below
        errors.append(f"locust exited {done.returncode}: {done.stderr.strip()[-300:]}")
    server_errors = [e for log, at in zip(target.logs, offsets, strict=True) for e in _server_errors(log, at)]
    ready = [v["page_ready_s"] for v in visits if "page_ready_s" in v]
    submit = [v["submit_s"] for v in visits if "submit_s" in v]
    print(f"{label}_declarations: {len(shown)} in {seconds:.0f} s ({len(shown) / seconds:.2f} a second)")
    print(f"{label}_page_ready_p50_p95: {_rank(ready, 0.50)} / {_rank(ready, 0.95)} s")
    print(f"{label}_submit_p50_p95: {_rank(submit, 0.50)} / {_rank(submit, 0.95)} s")
    print(f"{label}_errors: {len(errors)} on the phones, {len(server_errors)} in the server logs")
    for message in list(dict.fromkeys(errors + server_errors))[:3]:
        print(f"  {message[:240]}")
    per = f"{cpu / len(shown):.2f} s a declaration" if shown else "no declaration"
    print(f"{label}_server_cpu: {cpu:.0f} s ({per}; {100 * cpu / seconds:.0f} % of one core)")
    print(f"{label}_load_generator_cpu: {client_cpu:.0f} s ({100 * client_cpu / seconds:.0f} % of one core)")
    print(f"{label}_peak_rss: {', '.join(f'{m.peak_mb():.0f}' for m in memories)} MB per process")
    with Session(engine) as session:
        print(f"{label}_rows: {_row_check(session, shown, after_id=before)}")
    engine.dispose()


def _warm_up(target: Target, links: Path, *, first_serial: int) -> None:
    """A few declarations one after another, not counted: a fresh process fills its caches on its
    first sessions (nginx spreads them over the processes)."""
    rows = [line.split("\t") for line in links.read_text("utf-8").splitlines()]
    for serial in range(first_serial, first_serial + 3 * len(target.pids)):
        name, id_number = person(serial)
        link, room = rows[serial % len(rows)]
        client = StreamlitClient(target.url, timeout=120)
        try:
            declare_tenant(client, link, room=room, name=name, id_number=id_number)
        finally:
            client.close()


def _row_check(session: Session, shown: Sequence[str], *, after_id: int) -> str:
    """Every receipt shown is on exactly one new declaration; no new declaration went unshown."""
    new = session.execute(
        select(Declaration.receipt_code, Declaration.declarant_index).where(Declaration.id > after_id)
    ).all()
    codes = [code for code, _ in new]
    on_one = sum(codes.count(code) == 1 for code in shown)
    unshown = len(set(codes) - set(shown))
    twice = len(new) - len({index for _, index in new})
    holds = on_one == len(shown) == len(new) and unshown == 0 and twice == 0
    verdict = "holds" if holds else "DOES NOT HOLD"
    return (
        f"{len(new)} new declarations for {len(shown)} receipts shown; {on_one} codes on exactly one; "
        f"{unshown} without a receipt shown; {twice} declarants twice: {verdict}"
    )


def _idle_memory(target: Target, tmp: Path) -> None:
    """RSS of the process before and after IDLE_SESSIONS phones hold the tenant form open."""
    links = [line.split("\t")[0] for line in (tmp / f"links-{target.label}.tsv").read_text().splitlines()]
    memory = ServerMemory(target.pids[0])
    time.sleep(1)
    before = memory.current_mb()

    def hold(link: str) -> StreamlitClient:
        client = StreamlitClient(target.url, timeout=120)
        client.open(link)
        client.wait_for(lambda: client.has_widget(TENANT_BUTTON, "button") and not client.running)
        client.click(TENANT_BUTTON)
        client.wait_for(lambda: client.has_text(FORM_HEADING) and not client.running)
        return client

    with ThreadPoolExecutor(max_workers=4) as pool:
        clients = list(pool.map(hold, [links[n % len(links)] for n in range(IDLE_SESSIONS)]))
    time.sleep(2)
    held = memory.current_mb()
    for client in clients:
        client.close()
    time.sleep(5)
    after = memory.current_mb()
    memory.stop()
    per = (held - before) / IDLE_SESSIONS
    print(
        f"capacity_idle_sessions: {IDLE_SESSIONS} tenant forms open: RSS {before:.0f} -> {held:.0f} MB "
        f"({per:.2f} MB a session); 5 s after they closed {after:.0f} MB"
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _rank(values: Sequence[float], share: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[max(0, math.ceil(share * len(ordered)) - 1)]:.2f}"
