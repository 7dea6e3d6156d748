"""地址清洗 (supervisor, admin): legacy addresses matched to standard plates, typed or a file."""

import streamlit as st

from portal.supervision.address_matching import current_matcher, match_file_box, try_address_box
from portal.ui.i18n import t
from portal.ui.staff import guard
from shared.models import Role

guard(Role.SUPERVISOR, Role.ADMIN)
st.header(t("地址清洗", "Address cleaning"))
st.caption(
    t(
        "把旧登记地址匹配到标准门牌。得分低或有相近候选的，标为“需复核”，请人工确认。",
        "Match legacy registration addresses to standard plates. Low scores, or a close runner-up, "
        "are flagged for a person to check.",
    )
)
matcher = current_matcher()
try_address_box(matcher)
match_file_box(matcher)
