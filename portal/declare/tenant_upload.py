"""A landlord's tenant list as a file: the templates to download, the upload, and every bad row
reported (line, column, reason) while the good rows go into the declaration.

A file is read once (by its upload id), not on every rerun of the form: a 5,000-row list takes
seconds to check.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from portal.declare.state import DeclForm
from portal.ui.i18n import current_lang, t
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.declarations.inputs import TenantInput
from shared.places.plates import PlateView
from shared.self_service.landlord_upload import UploadResult, parse_tenant_upload, tenant_template

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False)
def _template(kind: str) -> bytes:
    return tenant_template("xlsx" if kind == "xlsx" else "csv")


def tenant_upload(form: DeclForm, plate: PlateView, *, today: date) -> list[TenantInput] | None:
    """The good tenants of the uploaded file, or None while no usable file is uploaded."""
    st.caption(
        t(
            "房间多时可下载模板，按示例逐行填写租客后上传（证件号码列请设为“文本”格式）。",
            "For many rooms: download the template, fill in one tenant per row as in the example and "
            "upload it (format the document-number column as Text).",
        )
    )
    with st.container(horizontal=True):
        st.download_button(
            t("下载模板 Excel", "Template (Excel)"),
            data=_template("xlsx"),
            file_name="租客名单-tenants.xlsx",
            mime=XLSX_MIME,
            on_click="ignore",
            icon=":material/download:",
            key=form.key("_template_xlsx"),
        )
        st.download_button(
            t("下载模板 CSV", "Template (CSV)"),
            data=_template("csv"),
            file_name="租客名单-tenants.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key=form.key("_template_csv"),
        )
    file = st.file_uploader(
        t("上传租客名单（.xlsx 或 .csv）", "Upload the tenant list (.xlsx or .csv)"),
        type=["xlsx", "csv", "xls"],  # .xls is refused by the reader with a how-to, not by the browser
        key=form.key("_upload"),
    )
    if file is None:
        return None
    cache_key = form.key("_upload_read")
    cached = st.session_state.get(cache_key)
    if cached is None or cached[0] != file.file_id:
        try:
            with session_scope() as session:
                read: UploadResult | DomainError = parse_tenant_upload(
                    session, plate_code=plate.code, data=file.getvalue(), filename=file.name, today=today
                )
        except DomainError as error:
            read = error
        cached = (file.file_id, read)
        st.session_state[cache_key] = cached
    result = cached[1]
    lang = current_lang()
    if isinstance(result, DomainError):
        st.error(result.message(lang))
        return None
    good, bad_lines = len(result.tenants), len({e.line for e in result.errors})
    st.success(
        t(
            f"读取 {result.rows_read} 行：{good} 位租客将一并申报。",
            f"{result.rows_read} rows read: {good} tenants will be declared.",
        )
    )
    if result.errors:
        st.warning(
            t(
                f"{bad_lines} 行有问题，这些行不会申报；请修改后单独上传。",
                f"{bad_lines} rows have problems and will not be declared; fix them and upload them again.",
            )
        )
        st.dataframe(
            [
                {
                    t("行", "Line"): e.line,
                    t("列", "Column"): e.column,
                    t("问题", "Problem"): e.message_en if lang == "en" else e.message_zh,
                }
                for e in result.errors
            ],
            hide_index=True,
            width="stretch",
        )
    return list(result.tenants)
