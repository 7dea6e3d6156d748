"""Test databases: each test gets its own, on SQLite by default or on the PostgreSQL server
that DATABASE_URL names (CI runs the suite both ways).

SQLite: a migrated template file is copied per test. PostgreSQL: migrated once per run,
every table truncated after each test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session

from shared.core import crypto, db
from shared.core.config import get_settings
from shared.core.migrate import upgrade_database
from shared.models import Base
from tests.postgres_databases import fresh_database

TEST_SECRET = "test-master-secret-not-for-production"
DB_FIXTURES = {"engine", "session", "db_url"}
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")
CHECKOUT_DATA = Path(__file__).resolve().parents[1] / "data"


def _data_snapshot() -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(CHECKOUT_DATA)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(CHECKOUT_DATA.rglob("*"))
        if path.is_file()
    }


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported, point the secret and the data dir away from the
    checkout: a module-level signature must not create `data/secret.key`, which the next
    `make run` would then encrypt the demo under."""
    os.environ["MENPAI_SECRET_KEY"] = TEST_SECRET
    os.environ["MENPAI_DATA_DIR"] = tempfile.mkdtemp(prefix="menpai-test-data-")
    config.stash[_DATA_BEFORE] = _data_snapshot()


_DATA_BEFORE = pytest.StashKey[dict[str, tuple[int, int]]]()


def _clear_caches() -> None:
    get_settings.cache_clear()
    crypto.get_keyring.cache_clear()
    db.get_session_factory.cache_clear()


@pytest.fixture(autouse=True)
def _test_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A fixed master secret and a private data dir for every test."""
    monkeypatch.setenv("MENPAI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("MENPAI_DATA_DIR", str(tmp_path / "data"))
    _clear_caches()
    yield
    db.dispose_engines()
    _clear_caches()


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a SQLite file to copy, or the PostgreSQL URL migrated once."""
    if ON_POSTGRES:
        url = _worker_database(POSTGRES_URL)
        engine = db.make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        except Exception as exc:  # a PostgreSQL run must never quietly fall back or skip
            pytest.exit(f"PostgreSQL at DATABASE_URL is not reachable: {exc}", returncode=3)
        upgrade_database(engine)
        engine.dispose()
        yield url
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    yield str(path)


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (`<name>_gw0`, …), created
    afresh, so workers never truncate each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    return fresh_database(url, f"{make_url(url).database}_{worker}")


@pytest.fixture
def db_url(_template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This test's own migrated database; DATABASE_URL points at it for code under test."""
    if ON_POSTGRES:
        url = _template
    else:
        target = tmp_path / "menpai.db"
        shutil.copyfile(_template, target)
        url = f"sqlite:///{target}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    if ON_POSTGRES:
        engine = db.make_engine(url)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()


@pytest.fixture
def without_comparison_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Submit declarations with no comparison rule running: for tests about something else
    (the rules have their own tests in tests/rules/test_rules.py), where a finding such as a late
    move-in would only get in the way; a test may still register hooks of its own."""
    import shared.self_service.submit

    monkeypatch.setattr(shared.self_service.submit, "COMPARISON_RULES", [])


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on this test's database; tests commit or flush as the code under test does."""
    with Session(engine, expire_on_commit=False) as sess:
        yield sess


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def pytest_report_header() -> str:
    return f"menpai test database: {'postgresql' if ON_POSTGRES else 'sqlite'}"


_skipped_db_tests: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "db" in report.keywords:
        _skipped_db_tests.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A PostgreSQL run that skipped database tests proved nothing about PostgreSQL.
    if ON_POSTGRES and _skipped_db_tests:
        print(f"\n{len(_skipped_db_tests)} database tests were skipped on PostgreSQL: failing the run")
        session.exitstatus = 1
    _fail_if_data_changed(session)


def _fail_if_data_changed(session: pytest.Session) -> None:
    """The suite never writes to the checkout's data/: a file added or changed there fails the run."""
    before = session.config.stash.get(_DATA_BEFORE, None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    after = _data_snapshot()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        session.config.get_terminal_writer().line(f"tests wrote to the checkout's data/: {changed}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# Hypothesis: the same examples on every run, so CI is reproducible, and no example database
# written into the working tree.
settings.register_profile("menpai", database=None, derandomize=True, deadline=None)
settings.load_profile("menpai")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """One line at the very end of the run naming the Debian packages whose absence skipped tests,
    and how to install them: a `make test` without chromium, PostgreSQL or nginx must not pass for
    a full run. Written at clean-up, so it comes after pytest's own summary and final count."""
    missing: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = (str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)).casefold()
        if "not installed" in reason or "apt-get install" in reason or "not found" in reason:
            for package in ("chromium", "postgresql", "nginx"):
                if package in reason:
                    missing[package] = missing.get(package, 0) + 1
    if missing:
        counts = ", ".join(f"{package} ({n})" for package, n in missing.items())
        line = (
            f"因缺少软件包而跳过的测试 / tests skipped for want of: {counts} — "
            f"sudo apt-get install {' '.join(missing)}"
        )
        config.add_cleanup(lambda: terminalreporter.write_line(line, yellow=True, bold=True))
