"""The suite never writes to the checkout's data/: the guard in tests/conftest.py fails the run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_a_test_writing_into_data_fails_the_run(tmp_path: Path) -> None:
    """A throw-away test that writes data/ is run by a real pytest, and the run must fail."""
    name = "test_zz_writes_data_tmp.py"
    victim = ROOT / "data" / "zz-guard-check.tmp"
    probe = ROOT / "tests" / "core" / name
    probe.write_text(
        "from pathlib import Path\n\n\n"
        "def test_writes() -> None:\n"
        f"    Path({str(victim)!r}).write_text('x')\n"
    )
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", str(probe)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        probe.unlink(missing_ok=True)
        victim.unlink(missing_ok=True)
    assert "1 passed" in run.stdout  # the test itself passed ...
    assert run.returncode != 0, run.stdout[-1000:]  # ... but the run failed
    assert "zz-guard-check.tmp" in run.stdout


@pytest.mark.parametrize("name", ["MENPAI_SECRET_KEY", "MENPAI_DATA_DIR"])
def test_the_secret_and_data_dir_point_away_from_the_checkout(name: str) -> None:
    import os

    assert os.environ.get(name)
    assert not os.environ[name].startswith(str(ROOT / "data"))
