"""Portal router: page config, database at start, language, navigation. Pages live in app_pages/."""

import streamlit as st

from portal.i18n import language_switch, t
from shared.migrate import upgrade_database

st.set_page_config(page_title="门牌 Menpai · 麻涌镇", page_icon="🏠", layout="centered")


@st.cache_resource
def _prepare_database() -> bool:
    """Apply migrations once per server process."""
    upgrade_database()
    return True


_prepare_database()
language_switch()
page = st.navigation(
    [
        st.Page("app_pages/plate.py", title=t("门牌", "Plate"), icon=":material/home:", default=True),
        st.Page(
            "app_pages/search.py",
            title=t("查找地址", "Find an address"),
            icon=":material/search:",
            url_path="search",
        ),
    ],
    position="top",
)
page.run()
