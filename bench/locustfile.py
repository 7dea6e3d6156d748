"""Locust users declaring as tenants over Streamlit's own protocol — no browser (issue 16).

    locust -f bench/locustfile.py --host http://127.0.0.1:8080 -u 100 -r 10 -t 5m --headless

Each simulated user is a phone: it opens a plate link, waits for the plate page, opens the tenant
form, fills it as tests.e2e.steps.tenant_form does with pauses between fields (a person reads
and types), submits and reads the receipt code; then the next person picks up the next phone.
Locust's stats get "page ready", "form ready", "submit" and a "declaration" from
link to receipt (failures carry what the page showed).

The plates: MENPAI_BENCH_LINKS names a file of `<plate link>\\t<room>` lines (links printed on
plates, signed with the deployment's secret; `python -m bench capacity` writes one). Without it,
DATABASE_URL and MENPAI_SECRET_KEY of the deployment build the list (the first active plates of
one building each). Optional: MENPAI_BENCH_THINK="3,8" (seconds between steps, uniform; "0,0" is
a stress test), MENPAI_BENCH_RECORD (a file that gets one JSON line per visit: times, receipt
code, error), MENPAI_BENCH_FIRST_SERIAL (the first person's serial: every visit declares a
different person, so none is taken for a repeat).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from locust import User, between, task

from bench.streamlit_client import StreamlitClient
from bench.tenant_visit import declare_tenant, person

TIMEOUT_S = float(os.environ.get("MENPAI_BENCH_TIMEOUT", "120"))
_serials = itertools.count(int(os.environ.get("MENPAI_BENCH_FIRST_SERIAL", str(os.getpid() % 500 * 40_000))))
_links: list[tuple[str, str]] = []
_next_link = itertools.count()


def _think_range() -> tuple[float, float]:
    low, _, high = os.environ.get("MENPAI_BENCH_THINK", "3,8").partition(",")
    return float(low), float(high or low)


def _load_links(host: str) -> list[tuple[str, str]]:
    named = os.environ.get("MENPAI_BENCH_LINKS")
    if named:
        rows = [line.split("\t") for line in Path(named).read_text("utf-8").splitlines() if line.strip()]
        return [(link, room) for link, room in rows]
    from shared.places.links import plate_link
    from tests.e2e.steps import plates_with_rooms

    database = os.environ["DATABASE_URL"]
    return [
        (plate_link(code, portal_url=host), room) for code, room in plates_with_rooms(database, limit=500)
    ]


def _plate(host: str) -> tuple[str, str]:
    """The next plate link and room, the list loaded on first use (once per Locust process)."""
    if not _links:
        _links.extend(_load_links(host.rstrip("/")))
        if not _links:
            raise RuntimeError("no plate links: set MENPAI_BENCH_LINKS or DATABASE_URL")
    return _links[next(_next_link) % len(_links)]


class Tenant(User):
    """A phone user declaring their residence from a plate's QR code."""

    wait_time = between(1, 5)  # the next person scans a little later

    @task
    def declare(self) -> None:
        link, room = _plate(self.host or "")
        name, id_number = person(next(_serials))
        low, high = _think_range()
        client = StreamlitClient(self.host or "", timeout=TIMEOUT_S)
        record: dict[str, Any] = {"started": time.time()}
        started = time.perf_counter()
        try:
            done = declare_tenant(
                client,
                link,
                room=room,
                name=name,
                id_number=id_number,
                think=lambda: time.sleep(random.uniform(low, high)),  # gevent's, under Locust
            )
        except Exception as error:
            record["error"] = f"{type(error).__name__}: {str(error)[:300]}"
            self._fire("declaration", time.perf_counter() - started, error)
        else:
            record.update(
                page_ready_s=done.page_ready_s,
                form_ready_s=done.form_ready_s,
                submit_s=done.submit_s,
                receipt_code=done.receipt_code,
            )
            for name_, seconds in (
                ("page ready", done.page_ready_s),
                ("form ready", done.form_ready_s),
                ("submit", done.submit_s),
                ("declaration", time.perf_counter() - started),
            ):
                self._fire(name_, seconds, None)
        finally:
            client.close()
        record["ended"] = time.time()
        if path := os.environ.get("MENPAI_BENCH_RECORD"):
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _fire(self, name: str, seconds: float, error: Exception | None) -> None:
        self.environment.events.request.fire(
            request_type="STREAMLIT",
            name=name,
            response_time=seconds * 1000,
            response_length=0,
            exception=error,
            context={},
        )
