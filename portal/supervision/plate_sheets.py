"""Pieces of the plate printing page: the choice of village and street, the PDF built on request
and its download (offered only for the choice it was built for)."""

import io
from dataclasses import dataclass

import streamlit as st

from portal.ui.i18n import ALL, relabel_after_switch, t
from portal.ui.progress import progress_bar
from shared.core.db import session_scope
from shared.places.search import list_streets, list_villages
from shared.places.sheets import build_plate_sheet, plates_for_village

SHEET_KEY = "admin_plates.sheet"


@dataclass(frozen=True)
class SheetChoice:
    """A village, and one of its streets or all of them (street_id None)."""

    village_code: str
    village_name: str
    street_id: int | None
    street: str | None


def sheet_choice() -> SheetChoice:
    """The village and street boxes; stops the page until a village is chosen."""
    with session_scope() as session:
        village_names = dict(list_villages(session))
    # Options are ids shown by name (ids keep AppTest and reruns simple).
    village_code = st.selectbox(
        t("村（社区）", "Village or community"),
        list(village_names),
        format_func=village_names.__getitem__,
        index=None,
        placeholder=t("请选择", "Choose"),
        key="admin_plates.village",
    )
    if village_code is None:
        st.stop()
    with session_scope() as session:
        street_names: dict[int | str, str] = {ALL: t("全部街路巷", "All streets")}
        street_names |= {s.id: s.name for s in list_streets(session, village_code=village_code)}
    relabel_after_switch("admin_plates.street")
    chosen = st.selectbox(
        t("街路巷（可选）", "Street (optional)"),
        list(street_names),
        format_func=street_names.__getitem__,
        key="admin_plates.street",
    )
    street_id = chosen if isinstance(chosen, int) else None
    street = street_names[street_id] if street_id is not None else None
    return SheetChoice(village_code, village_names[village_code], street_id, street)


def build_sheet_button(choice: SheetChoice) -> None:
    """Build the chosen plates' PDF when asked, and keep it for the download."""
    if not st.button(t("生成 PDF", "Build the PDF"), type="primary", icon=":material/print:"):
        return
    with session_scope() as session:
        plates = plates_for_village(session, village=choice.village_code, street=choice.street)
    if not plates:
        st.session_state.pop(SHEET_KEY, None)
        st.info(t("这里没有在用的门牌，无可打印。", "There are no active plates here: nothing to print."))
        st.stop()
    advance = progress_bar(t("正在生成…", "Building…"))
    out = io.BytesIO()
    pages = build_plate_sheet(
        plates,
        out=out,
        title=f"{choice.village_name} {choice.street or ''}".strip(),
        progress=advance,
    )
    suffix = f"-{choice.street_id}" if choice.street_id is not None else ""
    st.session_state[SHEET_KEY] = {
        "selection": (choice.village_code, choice.street_id),
        "pdf": out.getvalue(),
        "plates": len(plates),
        "pages": pages,
        "file_name": f"menpai-plates-{choice.village_code}{suffix}.pdf",
    }


def sheet_download(choice: SheetChoice) -> None:
    """The built PDF's download; a sheet built for another choice is not offered."""
    sheet = st.session_state.get(SHEET_KEY)
    if not sheet or sheet["selection"] != (choice.village_code, choice.street_id):
        return
    st.success(
        t(
            f"共 {sheet['plates']} 个门牌，{sheet['pages']} 页。",
            f"{sheet['plates']} plate{'s' * (sheet['plates'] != 1)} on "
            f"{sheet['pages']} page{'s' * (sheet['pages'] != 1)}.",
        )
    )
    st.download_button(
        t("下载 PDF", "Download the PDF"),
        data=sheet["pdf"],
        file_name=sheet["file_name"],
        mime="application/pdf",
        on_click="ignore",
        icon=":material/download:",
        key="admin_plates.download",
    )
