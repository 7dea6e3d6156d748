"""Portal router: page config, database at start, language, navigation. Pages live in app_pages/.

The menu (portal/ui/navigation.py) shows staff pages only to the roles that may open them.
While the database is out of reach every page says so and retries (portal/ui/outage.py).
"""

import streamlit as st

from portal.ui.builtin_text import replace_builtin_text
from portal.ui.i18n import language_switch, t
from portal.ui.navigation import menu_position, public_pages, staff_pages
from portal.ui.outage import is_outage, remembered_staff, show_unavailable, unless_database_is_down
from portal.ui.staff import current_staff
from shared.core.migrate import upgrade_database

st.set_page_config(page_title="门牌 Menpai · 麻涌镇", page_icon="🏠", layout="centered")


@st.cache_resource
def _prepare_database() -> bool:
    """Apply migrations once per server process (a failure is not cached: tried again next run)."""
    upgrade_database()
    return True


language_switch()
replace_builtin_text()
database_down = False
try:
    _prepare_database()
    staff = current_staff()
except Exception as error:
    if not is_outage(error):
        raise
    # The navigation is still built, from the unchecked session: it keeps the page's URL.
    database_down, staff = True, remembered_staff()
menu = {"": public_pages(), t("工作人员", "Staff"): staff_pages(staff)}
page = st.navigation(menu, position=menu_position())
if database_down:
    show_unavailable()
with unless_database_is_down():
    page.run()
