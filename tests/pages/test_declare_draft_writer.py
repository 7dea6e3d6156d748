"""The draft writer (portal.declare.draft_writer): a field's rerun hands its draft over and goes
on; the latest values are written soon, in order, and never after the draft was deleted."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from portal.declare.draft_writer import DraftWriter


class Store:
    """What a draft table would hold: the last value written per token, and every write."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.writes: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def write(self, token: str, value: int, *, slow: float = 0.0) -> Callable[[], None]:
        def run() -> None:
            time.sleep(slow)
            with self.lock:
                self.rows[token] = value
                self.writes.append((token, value))

        return run


def wait_until(done: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.01)
    return False


def test_a_change_is_written_soon_and_not_in_the_callers_run() -> None:
    store, writer = Store(), DraftWriter(delay=0.05)
    writer.submit("a", store.write("a", 1, slow=0.2))
    assert store.rows == {}, "the rerun does not wait for the write"
    assert wait_until(lambda: store.rows == {"a": 1})


def test_changes_close_together_are_one_write_of_the_latest_values() -> None:
    store, writer = Store(), DraftWriter(delay=0.2)
    for value in range(5):
        writer.submit("a", store.write("a", value))
    assert wait_until(lambda: store.rows == {"a": 4})
    time.sleep(0.3)
    assert store.writes == [("a", 4)]


def test_flush_writes_what_waits_at_once() -> None:
    store, writer = Store(), DraftWriter(delay=60)
    writer.submit("a", store.write("a", 1))
    writer.submit("b", store.write("b", 2))
    writer.flush("a")
    assert store.rows == {"a": 1}, "a reload opening draft a finds its last change"
    writer.flush("a")
    assert store.writes == [("a", 1)], "nothing is written twice"


def test_a_write_under_way_is_not_overtaken_by_a_later_one() -> None:
    store, writer = Store(), DraftWriter(delay=0.0)
    writer.submit("a", store.write("a", 1, slow=0.3))
    assert wait_until(lambda: not writer._pending)  # the thread has taken it and is writing
    writer.submit("a", store.write("a", 2))
    writer.flush("a")
    assert store.writes == [("a", 1), ("a", 2)] and store.rows == {"a": 2}


def test_a_discarded_draft_is_not_written_again() -> None:
    store, writer = Store(), DraftWriter(delay=0.1)
    writer.submit("a", store.write("a", 1))
    writer.discard("a")
    time.sleep(0.3)
    assert store.writes == []


def test_a_full_queue_makes_the_caller_write_itself() -> None:
    store, writer = Store(), DraftWriter(delay=60, max_pending=2)
    writer.submit("a", store.write("a", 1))
    writer.submit("b", store.write("b", 2))
    writer.submit("c", store.write("c", 3))
    assert store.rows == {"c": 3}, "bounded: the third waits for nobody"


def test_a_failed_write_is_logged_and_the_writer_goes_on() -> None:
    store, writer = Store(), DraftWriter(delay=0.0)

    def broken() -> None:
        raise ValueError("the database is gone")

    writer.submit("a", broken)
    writer.submit("b", store.write("b", 1))
    assert wait_until(lambda: store.rows == {"b": 1})
