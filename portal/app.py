"""Portal router: page config, database at start, navigation. Pages live in app_pages/."""

import streamlit as st

from shared.migrate import upgrade_database

st.set_page_config(page_title="门牌 Menpai · 麻涌镇", page_icon="🏠", layout="centered")


@st.cache_resource
def _prepare_database() -> bool:
    """Apply migrations once per server process."""
    upgrade_database()
    return True


_prepare_database()
page = st.navigation([st.Page("app_pages/home.py", title="门牌 Menpai", icon="🏠", default=True)])
page.run()
