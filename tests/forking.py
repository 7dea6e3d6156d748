"""Running a test's worker in a forked process, as the fault tests kill and restart them."""

from __future__ import annotations

import os
from typing import Any


def run_forked(target: Any, *args: Any) -> int:
    """Run target(*args) in a forked process; its wait status."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            target(*args)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return os.waitpid(pid, 0)[1]
