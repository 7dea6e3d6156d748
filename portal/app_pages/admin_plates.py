"""门牌打印 (admin): the A4 PDF of a village's or one street's plate QR codes, with cut marks."""

import io

import streamlit as st

from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.core.db import session_scope
from shared.models import Role
from shared.places.search import list_streets, list_villages
from shared.places.sheets import build_plate_sheet, plates_for_village

SHEET_KEY = "admin_plates.sheet"

guard(Role.ADMIN)
st.header(t("打印门牌", "Print door plates"))
st.caption(t("每页 A4 八个门牌二维码，带裁切线。", "Eight plate QR codes per A4 page, with cut marks."))

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
    street_names: dict[int | None, str] = {None: t("全部街路巷", "All streets")}
    street_names |= {s.id: s.name for s in list_streets(session, village_code=village_code)}
street_id = st.selectbox(
    t("街路巷（可选）", "Street (optional)"),
    list(street_names),
    format_func=street_names.__getitem__,
    key="admin_plates.street",
)
street = street_names[street_id] if street_id is not None else None
selection = (village_code, street_id)

if st.button(t("生成 PDF", "Build the PDF"), type="primary", icon=":material/print:"):
    with session_scope() as session:
        plates = plates_for_village(session, village=village_code, street=street)
    if not plates:
        st.session_state.pop(SHEET_KEY, None)
        st.info(t("这里没有在用的门牌，无可打印。", "There are no active plates here: nothing to print."))
        st.stop()
    bar = st.progress(0.0, text=t("正在生成…", "Building…"))
    out = io.BytesIO()
    pages = build_plate_sheet(
        plates,
        out=out,
        title=f"{village_names[village_code]} {street or ''}".strip(),
        progress=lambda done, total: bar.progress(done / total, text=f"{done} / {total}"),
    )
    suffix = f"-{street_id}" if street_id is not None else ""
    st.session_state[SHEET_KEY] = {
        "selection": selection,
        "pdf": out.getvalue(),
        "plates": len(plates),
        "pages": pages,
        "file_name": f"menpai-plates-{village_code}{suffix}.pdf",
    }

sheet = st.session_state.get(SHEET_KEY)
if sheet and sheet["selection"] == selection:  # a sheet built for another choice is not offered
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
