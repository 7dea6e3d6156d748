"""Pieces of the address cleaning page: one typed address tried, and a file matched as a whole."""

import pandas as pd
import streamlit as st

from portal.ui.i18n import current_lang, t
from portal.ui.progress import progress_bar
from shared.address_cleaning.files import (
    RESULT_HEADERS,
    REVIEW_YES,
    MatchReport,
    match_addresses_upload,
    result_file_name,
)
from shared.address_cleaning.matching import AddressMatcher, build_matcher, index_fingerprint
from shared.core.config import get_settings
from shared.core.db import session_scope
from shared.core.errors import DomainError

RESULT_KEY = "address_matching.result"
REVIEW_HEADER = RESULT_HEADERS[4]
SHOWN_ROWS = 500  # the table is for looking; the download holds every row


@st.cache_resource(max_entries=4, show_spinner=False)
def _matcher(database_url: str, fingerprint: str) -> AddressMatcher:
    """One index per database state: rebuilt when a plate or street changes (new fingerprint)."""
    with session_scope(database_url) as session:
        return build_matcher(session)


def current_matcher() -> AddressMatcher:
    """The index of the plates and streets as they are now."""
    url = get_settings().database_url
    with session_scope(url) as session:
        return _matcher(url, index_fingerprint(session))


def try_address_box(matcher: AddressMatcher) -> None:
    """One address typed in, its best plate and the candidates."""
    typed = st.text_input(
        t("试一个地址", "Try an address"),
        max_chars=300,
        placeholder="东莞市麻涌镇麻涌大道12号之一",
        key="address_matching.try",
    )
    if not typed:
        return
    result = matcher.match(typed)
    if result.best is None:
        st.warning(t("没有找到对应的门牌，请人工处理。", "No plate found: a person has to look at this one."))
    else:
        best = result.best
        line = f"{best.address} · {best.village} · {best.plate_code} · {t('得分', 'score')} {best.score:.2f}"
        (st.warning if result.needs_review else st.success)(line)
        if result.needs_review:
            st.caption(
                t("得分较低或有相近的候选，请人工确认。", "Low score or a close candidate: please check.")
            )
    if result.candidates:
        st.dataframe(
            [
                {t("地址", "Address"): c.address, t("村/社区", "Village"): c.village,
                 t("门牌编码", "Plate code"): c.plate_code, t("得分", "Score"): round(c.score, 2)}
                for c in result.candidates
            ],
            hide_index=True,
        )  # fmt: skip


def match_file_box(matcher: AddressMatcher) -> None:
    """A file of addresses matched on request; its result table and download, for that file only."""
    st.subheader(t("匹配文件", "Match a file"))
    upload = st.file_uploader(
        t(
            "地址表（CSV 或 XLSX，含“地址”列，否则用第一列）",
            "Address table (CSV or XLSX; an address column, else the first)",
        ),
        type=["csv", "xlsx"],
        key="address_matching.file",
    )
    if upload is not None and st.button(t("开始匹配", "Match"), type="primary", key="address_matching.run"):
        st.session_state.pop(RESULT_KEY, None)
        advance = progress_bar(t("正在匹配…", "Matching…"))
        try:
            report, content = match_addresses_upload(
                matcher, data=upload.getvalue(), filename=upload.name, progress=advance
            )
        except DomainError as error:
            st.error(error.message(current_lang()))
            st.stop()
        st.session_state[RESULT_KEY] = {"file_id": upload.file_id, "report": report, "content": content}

    saved = st.session_state.get(RESULT_KEY)
    if saved and upload is not None and saved["file_id"] == upload.file_id:  # never another file's result
        _result(saved["report"], saved["content"], result_file_name(upload.name))


def _flag_review(row: pd.Series) -> list[str]:
    return ["background-color: #fde2e1" if row[REVIEW_HEADER] == REVIEW_YES else ""] * len(row)


def _result(report: MatchReport, content: bytes, file_name: str) -> None:
    st.success(
        t(
            f"共 {report.total} 个地址：已匹配 {report.matched}，需复核 {report.needs_review}"
            f"（其中未找到 {report.unmatched}）。",
            f"{report.total} addresses: {report.matched} matched, {report.needs_review} to check "
            f"({report.unmatched} not found).",
        )
    )
    frame = pd.DataFrame(report.rows, columns=list(report.headers))
    if st.toggle(t("只看需复核的行", "Only rows to check"), key="address_matching.only_review"):
        frame = frame[frame[REVIEW_HEADER] == REVIEW_YES]
    if len(frame) > SHOWN_ROWS:
        st.caption(
            t(
                f"只显示前 {SHOWN_ROWS} 行，下载文件包含全部。",
                f"First {SHOWN_ROWS} rows shown; the download has all.",
            )
        )
    st.dataframe(frame.head(SHOWN_ROWS).style.apply(_flag_review, axis=1), hide_index=True)
    st.download_button(
        t("下载匹配结果", "Download the results"),
        data=content,
        file_name=file_name,
        on_click="ignore",
        icon=":material/download:",
        key="address_matching.download",
    )
