"""Portal router: page config, database at start, language, navigation. Pages live in app_pages/.

Staff pages are added to the navigation only for the roles that may open them, so a typed URL
of another role's page falls back to the plate page; each staff page also guards itself.
While the database is out of reach every page says so and retries (portal/ui/outage.py).
"""

import streamlit as st

from portal.ui.builtin_text import replace_builtin_text
from portal.ui.i18n import language_switch, t
from portal.ui.outage import is_outage, remembered_staff, show_unavailable, unless_database_is_down
from portal.ui.staff import current_staff
from shared.core.migrate import upgrade_database
from shared.models import Role

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
OFFICERS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
# (page file, url path, title, icon, roles that see it); hidden pages are opened from another page.
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
ADMINS = (Role.ADMIN,)
STAFF_PAGES = (
    ("review_queue", "review", t("审核队列", "Review queue"), ":material/fact_check:", OFFICERS),
    ("review_detail", "review-item", t("审核详情", "Review item"), None, OFFICERS),
    ("worklists", "worklists", t("到期工作清单", "Work lists"), ":material/event_upcoming:", OFFICERS),
    ("operation_map", "map", t("标准作业图", "Operation map"), ":material/map:", OFFICERS),
    ("dashboard", "dashboard", t("数据驾驶舱", "Dashboard"), ":material/monitoring:", SUPERVISORS),
    ("facilities", "facilities", t("实有设施", "Facilities"), ":material/construction:", SUPERVISORS),
    ("passages", "passages", t("通行记录", "Gate passages"), ":material/door_open:", SUPERVISORS),
    (
        "address_matching",
        "address-matching",
        t("地址清洗", "Address cleaning"),
        ":material/rule:",
        SUPERVISORS,
    ),
    (
        "admin_streets",
        "admin-streets",
        t("街路巷和门牌", "Streets and plates"),
        ":material/signpost:",
        ADMINS,
    ),
    ("admin_plates", "admin-plates", t("打印门牌", "Print plates"), ":material/print:", ADMINS),
    ("audit_log", "audit-log", t("审计日志", "Audit log"), ":material/history:", SUPERVISORS),
)
staff_pages = [
    st.Page(
        "app_pages/staff_login.py",
        title=t("登录", "Sign in") if staff is None else t("我的账号", "My account"),
        icon=":material/badge:",
        url_path="staff",
    )
]
if staff is not None:
    staff_pages += [
        st.Page(
            f"app_pages/{name}.py",
            title=title,
            url_path=path,
            icon=icon,
            visibility="visible" if icon else "hidden",
        )
        for name, path, title, icon, roles in STAFF_PAGES
        if staff.role in roles
    ]
page = st.navigation(
    {
        "": [
            st.Page("app_pages/plate.py", title=t("门牌", "Plate"), icon=":material/home:", default=True),
            st.Page(
                "app_pages/search.py",
                title=t("查找地址", "Find an address"),
                icon=":material/search:",
                url_path="search",
            ),
            st.Page(
                "app_pages/receipt.py",
                title=t("我的回执", "My receipt"),
                icon=":material/receipt_long:",
                url_path="receipt",  # receipt_access.RECEIPT_PATH: receipt QR codes link here
            ),
            # Reached from a plate page (they need its ?p= link), so not in the menu.
            *(
                st.Page(f"app_pages/{name}.py", title=title, url_path=path, visibility="hidden")
                for name, path, title in (
                    ("declare_tenant", "declare-tenant", t("居住登记", "Residence")),
                    ("declare_landlord", "declare-landlord", t("出租房屋登记", "Rental")),
                    ("declare_organisation", "declare-organisation", t("单位登记", "Organisation")),
                )
            ),
        ],
        t("工作人员", "Staff"): staff_pages,
    },
    position="top",
)
if database_down:
    show_unavailable()
with unless_database_is_down():
    page.run()
