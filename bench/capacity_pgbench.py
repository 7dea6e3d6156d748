"""The declaration's writes on PostgreSQL alone, with pgbench (issue 16, the capacity plan's check).

bench/pgbench_declaration.sql replays what one tenant declaration writes (the draft after each
field, then the submission's transaction) against the Menpai schema of a town already loaded.
Printed: declarations a second and the mean latency at a few client counts, and per declaration
the WAL written and the growth of the tables it writes (tables and indexes), which give the
plan's write rate and its database size after five years. The servers the bench starts run with
fsync=off (scripts/start-test-postgres): the rate is then what the CPU allows, not the disk;
pg_test_fsync's figure for this disk is printed beside it, for the commit ceiling.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine, make_url, text

from shared.core.config import PROJECT_ROOT
from shared.core.db import make_engine

SCRIPT = PROJECT_ROOT / "bench" / "pgbench_declaration.sql"
SECONDS = 20
CLIENTS = (1, 4, 16)
WRITTEN = (
    "declarations",
    "declaration_versions",
    "declaration_events",
    "findings",
    "audit_log",
    "form_drafts",
)


def declaration_writes(database_url: str, bindir: Path) -> None:
    url = make_url(database_url)
    pgbench = bindir / "pgbench" if (bindir / "pgbench").exists() else shutil.which("pgbench")
    if pgbench is None:
        print("capacity_pgbench: skipped, pgbench is not installed")
        return
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS bench_plates"))
        connection.execute(
            text(
                "CREATE TABLE bench_plates AS SELECT row_number() OVER (ORDER BY p.code) AS n, p.code,"
                " min(r.id) AS room_id, p.grid_code FROM door_plates p"
                " JOIN buildings b ON b.plate_code = p.code JOIN rooms r ON r.building_id = b.id"
                " GROUP BY p.code, p.grid_code"
            )
        )
        connection.execute(text("CREATE UNIQUE INDEX ON bench_plates (n)"))
        plates = connection.scalar(text("SELECT count(*) FROM bench_plates"))
    for clients in CLIENTS:
        before_size, before_wal = _sizes(engine)
        command = [
            str(pgbench), "-n", "-f", str(SCRIPT), "-c", str(clients), "-j", str(min(clients, 2)),
            "-T", str(SECONDS), "-D", f"plates={plates}", "-h", str(url.host), "-p", str(url.port),
            "-U", str(url.username), str(url.database),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 60, check=False)
        if done.returncode != 0:
            print(f"capacity_pgbench_{clients}: failed: {done.stderr.strip()[-400:]}")
            return
        after_size, after_wal = _sizes(engine)
        count = int(_find(r"number of transactions actually processed: (\d+)", done.stdout))
        tps = float(_find(r"tps = ([\d.]+)", done.stdout))
        latency = float(_find(r"latency average = ([\d.]+) ms", done.stdout))
        wal_kb, size_kb = (after_wal - before_wal) / count / 1024, (after_size - before_size) / count / 1024
        print(
            f"capacity_pgbench_{clients}_clients: {tps:.0f} declarations a second, {latency:.1f} ms each "
            f"({count} in {SECONDS} s); per declaration {wal_kb:.1f} kB WAL, "
            f"{size_kb:.2f} kB of tables and indexes"
        )
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE bench_plates"))
    engine.dispose()
    _fsync_ceiling(bindir)


def _sizes(engine: Engine) -> tuple[int, int]:
    """Bytes of the tables a declaration writes (with their indexes and TOAST) and the WAL position."""
    with engine.connect() as connection:
        connection.execute(text("CHECKPOINT"))
        size = sum(
            connection.scalar(text("SELECT pg_total_relation_size(:t)"), {"t": table}) or 0
            for table in WRITTEN
        )
        wal = connection.scalar(text("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"))
    return int(size), int(wal or 0)


def _fsync_ceiling(bindir: Path) -> None:
    """fdatasync operations a second on this disk: one commit each without group commit."""
    tool = bindir / "pg_test_fsync"
    if not tool.exists():
        return
    done = subprocess.run(
        [str(tool), "-s", "1", "-f", "/tmp/menpai-pg-test-fsync"], capture_output=True, text=True, timeout=120
    )
    match = re.search(r"^\s+fdatasync\s+([\d,.]+) ops/sec", done.stdout, re.MULTILINE)
    if match:
        print(f"capacity_disk_fdatasync: {match.group(1)} a second (this disk, one writer)")


def _find(pattern: str, output: str) -> str:
    match = re.search(pattern, output)
    if match is None:
        raise RuntimeError(f"pgbench printed no {pattern!r}:\n{output[-600:]}")
    return match.group(1)
