"""What every `menpai` command shares: the exit codes, opening the database, who the audit log
names, refusals printed in both languages, and progress bars on standard error."""

from __future__ import annotations

import getpass
import os
import sys
import unicodedata
from typing import Any, TextIO

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2
EXIT_INTERRUPTED = 130


def open_database() -> Engine:
    """The configured database, migrated to the newest schema."""
    from shared.core.db import get_engine
    from shared.core.migrate import upgrade_database

    engine = get_engine()
    upgrade_database(engine)
    return engine


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def database_label() -> str:
    """The configured database's URL without its password, for an error message."""
    from sqlalchemy.engine import make_url

    from shared.core.config import get_settings

    try:
        return make_url(get_settings().database_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparsable DATABASE_URL)"


def actor() -> str:
    """Who the audit log names for command-line work: the operating-system account."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = os.environ.get("USER", "unknown")
    return f"cli:{user}"[:60]


class StageBars:
    """One tqdm bar per stage of a long job that reports (stage, done, total)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.stage: str | None = None
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage != self.stage or self.bar is None:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=stage, file=self.stream, dynamic_ncols=True, mininterval=0.2)
        if self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class RowBar:
    """A progress bar over the rows of a file."""

    def __init__(self) -> None:
        self.bars = StageBars()

    def __call__(self, done: int, total: int) -> None:
        self.bars("rows", done, total)

    def close(self) -> None:
        self.bars.close()


def width_of(text: str) -> int:
    """Columns `text` takes in a terminal, where a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """Left-align in a terminal, where a Chinese character takes two columns."""
    return text + " " * max(width - width_of(text), 0)


def fail(message_zh: str, message_en: str) -> None:
    print(f"错误：{message_zh}\nError: {message_en}", file=sys.stderr)


def first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
