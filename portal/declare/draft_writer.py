"""Drafts written off the user's path: a field's rerun hands the form's values to one background
thread and finishes; the thread writes them a moment later (issue 12, part 3: sealing and
committing a draft inside every field's rerun was the largest share of our code's time in it).

Changes to one draft within `DELAY` are coalesced into one write of the latest values, so a
draft is at most about `DELAY` behind what was typed; whoever needs it exact first calls `flush`
(a reload opening the draft, a submit or 清空 deleting it, a whole-page run). Writes of one
draft keep their order: only the holder of `_writing` takes a job and writes it. A full queue
makes the caller write itself, so memory stays bounded whatever the load.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("menpai.drafts")

DELAY = 0.4  # seconds: after the rerun has been drawn, well before a reload can come back
MAX_PENDING = 500  # drafts waiting at once; beyond, a change is written in its own rerun

Write = Callable[[], None]


@dataclass
class _Job:
    due: float
    write: Write


class DraftWriter:
    """One writer thread per server process, started on first use."""

    def __init__(self, *, delay: float = DELAY, max_pending: int = MAX_PENDING) -> None:
        self.delay = delay
        self.max_pending = max_pending
        self._pending: dict[str, _Job] = {}
        self._cond = threading.Condition()
        self._writing = threading.Lock()  # held from taking a job until it is written
        self._thread: threading.Thread | None = None

    def submit(self, token: str, write: Write) -> None:
        """Write the draft `token` soon; a write of it still waiting is replaced (same due time:
        a stream of changes is written at least every `delay`)."""
        with self._cond:
            job = self._pending.get(token)
            if job is not None:
                job.write = write
                return
            if len(self._pending) < self.max_pending:
                self._pending[token] = _Job(time.monotonic() + self.delay, write)
                self._start()
                self._cond.notify()
                return
        self.flush(token)  # no room: this caller waits for its own write, in order
        _run(write)

    def flush(self, token: str) -> None:
        """Until what was submitted for `token` is written."""
        with self._writing:
            with self._cond:
                job = self._pending.pop(token, None)
            if job is not None:
                _run(job.write)

    def discard(self, token: str) -> None:
        """Forget what waits for `token` (its draft is being deleted); a write under way ends first."""
        with self._writing, self._cond:
            self._pending.pop(token, None)

    def flush_all(self) -> None:
        for token in list(self._pending):
            self.flush(token)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="menpai-drafts", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending:
                    self._cond.wait()
                token, job = min(self._pending.items(), key=lambda item: item[1].due)
                wait = job.due - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
            self.flush(token)


def _run(write: Write) -> None:
    try:
        write()
    except Exception as error:  # a draft is a convenience: the form goes on, the next change writes again
        log.warning("draft not saved: %s", type(error).__name__)  # no values: they are personal


WRITER = DraftWriter()
atexit.register(WRITER.flush_all)  # a server stopped cleanly keeps what was typed last
