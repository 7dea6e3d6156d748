"""A progress bar for long tasks in `shared/` that report `done` of `total`."""

from collections.abc import Callable

import streamlit as st


def progress_bar(text: str) -> Callable[[int, int], None]:
    """A progress bar showing `text`, and the callback a long task moves it with."""
    bar = st.progress(0.0, text=text)

    def advance(done: int, total: int) -> None:
        bar.progress(done / total, text=f"{done} / {total}")

    return advance
