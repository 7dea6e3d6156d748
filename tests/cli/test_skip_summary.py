"""`make test` without chromium (or PostgreSQL, or nginx) says so in its last line, with the
Debian package to install, instead of skipping the browser tests silently."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shared.core.config import PROJECT_ROOT


@pytest.mark.slow
def test_a_run_without_chromium_ends_naming_the_package_to_install() -> None:
    # Only the venv on PATH: no chromium to find, so the browser tests skip as on a bare machine.
    env = {**os.environ, "PATH": str(PROJECT_ROOT / ".venv" / "bin"), "CI": ""}
    env.pop("PYTEST_XDIST_WORKER", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "tests/e2e/test_staff_login.py"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stdout[-2000:]
    assert "skipped" in lines[-2]
    assert "tests skipped for want of: chromium (" in lines[-1]
    assert lines[-1].endswith("sudo apt-get install chromium")
