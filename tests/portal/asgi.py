"""One HTTP request through one of the portal's middlewares, as uvicorn would make it, with a
stand-in for the Streamlit app behind it (it answers `STREAMLIT_ANSWER`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp

STREAMLIT_ANSWER = b"the Streamlit app"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def _streamlit_app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": STREAMLIT_ANSWER})


def request(
    middleware: Callable[[ASGIApp], ASGIApp],
    path: str,
    *,
    query: str = "",
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> Answer:
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [
            (b"host", b"portal"),
            *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items()),
        ],
        "scheme": "http",
        "server": ("portal", 80),
    }
    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, middleware(_streamlit_app)(scope, receive, send)).result()
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    answer_headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
    return Answer(start["status"], answer_headers, body)
