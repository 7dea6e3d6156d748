"""Export buttons of the staff pages: a CSV and an XLSX button whose file (and its audit entry)
is made only when the button is clicked, with the filters the page shows at that moment."""

from collections.abc import Callable

import streamlit as st

from portal.ui.i18n import t
from shared.core.spreadsheets import MIME_TYPES
from shared.reporting.audit_browse import ExportFormat

FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx")
Build = Callable[[], bytes]


def export_buttons(make: Callable[[ExportFormat], Build], *, file_stem: str, key: str) -> None:
    """A CSV and an XLSX button side by side; `make(fmt)` gives the function that builds the file."""
    for column, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
        column.download_button(
            t(f"导出 {fmt.upper()}", f"Export {fmt.upper()}"),
            data=make(fmt),
            file_name=f"{file_stem}.{fmt}",
            mime=MIME_TYPES[fmt],
            on_click="ignore",
            icon=":material/download:",
            key=f"{key}_{fmt}",
            width="stretch",
        )
