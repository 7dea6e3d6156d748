"""门牌打印 (admin): the A4 PDF of a village's or one street's plate QR codes, with cut marks."""

import streamlit as st

from portal.supervision.plate_sheets import build_sheet_button, sheet_choice, sheet_download
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.models import Role

guard(Role.ADMIN)
st.header(t("打印门牌", "Print door plates"))
st.caption(t("每页 A4 八个门牌二维码，带裁切线。", "Eight plate QR codes per A4 page, with cut marks."))
choice = sheet_choice()
build_sheet_button(choice)
sheet_download(choice)
