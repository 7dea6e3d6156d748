"""The portal's menu: public pages for everyone, staff pages only for the roles that may open them.

A typed URL of another role's page is not in the menu, so it falls back to the plate page; each
staff page also guards itself. Signed out, a typed URL of a staff page shows the sign-in in its
place, and the page once signed in. Page paths are relative to portal/app.py, the router.
"""

from functools import partial
from typing import Literal
from urllib.parse import urlsplit

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from portal.ui.i18n import t
from portal.ui.sign_in import sign_in_instead
from shared.models import Role
from shared.staff.auth import StaffIdentity

OFFICERS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
ADMINS = (Role.ADMIN,)


def _staff_page_table() -> tuple[tuple[str, str, str, str | None, tuple[Role, ...]], ...]:
    """(page file, url path, title, icon, roles that see it); no icon: hidden, opened from another page."""
    return (
        ("review_queue", "review", t("审核队列", "Review queue"), ":material/fact_check:", OFFICERS),
        ("review_detail", "review-item", t("审核详情", "Review item"), None, OFFICERS),
        ("worklists", "worklists", t("到期工作清单", "Work lists"), ":material/event_upcoming:", OFFICERS),
        ("inspection", "inspection", t("平安出租屋", "Rental safety"), ":material/shield:", OFFICERS),
        ("operation_map", "map", t("标准作业图", "Operation map"), ":material/map:", OFFICERS),
        ("dashboard", "dashboard", t("数据驾驶舱", "Dashboard"), ":material/monitoring:", SUPERVISORS),
        ("facilities", "facilities", t("实有设施", "Facilities"), ":material/construction:", SUPERVISORS),
        ("passages", "passages", t("通行记录", "Gate passages"), ":material/door_open:", SUPERVISORS),
        ("notices", "notices", t("通知发件箱", "Notice outbox"), ":material/sms:", SUPERVISORS),
        ("enforcement", "enforcement", t("未按规定报送", "Not reporting"), ":material/gavel:", SUPERVISORS),
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


def staff_pages(staff: StaffIdentity | None) -> list[StreamlitPage]:
    """Sign-in (or 我的账号), then the pages the signed-in role may open."""
    pages = [
        st.Page(
            "app_pages/staff_login.py",
            title=t("登录", "Sign in") if staff is None else t("我的账号", "My account"),
            icon=":material/badge:",
            url_path="staff",
        )
    ]
    if staff is None:
        pages += [
            st.Page(partial(sign_in_instead, title), title=title, url_path=path, visibility="hidden")
            for _, path, title, _, _ in _staff_page_table()
        ]
    else:
        pages += [
            st.Page(
                f"app_pages/{name}.py",
                title=title,
                url_path=path,
                icon=icon,
                visibility="visible" if icon else "hidden",
            )
            for name, path, title, icon, roles in _staff_page_table()
            if staff.role in roles
        ]
    return pages


# The declaration forms, by URL path: reached from a plate page (they need its ?p= link).
FORM_PAGES = (
    ("declare_tenant", "declare-tenant", ("居住登记", "Residence")),
    ("declare_landlord", "declare-landlord", ("出租房屋登记", "Rental")),
    ("declare_organisation", "declare-organisation", ("单位登记", "Organisation")),
)

FORM_PATHS = frozenset(path for _, path, _ in FORM_PAGES)


def menu_position() -> Literal["top", "hidden"]:
    """A form in progress shows no menu, as the government apps residents know: the way back to
    the plate and the language stay on the page. It also spares every field's rerun on a phone
    the menu's redrawing (issue 12). `st.context.url` names the page about to run, also when it
    was reached by a link inside the app."""
    page = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    return "hidden" if page in FORM_PATHS else "top"


def public_pages() -> list[StreamlitPage]:
    """The plate page (the default: plate QR codes open it), search, receipt, and the forms."""
    return [
        st.Page("app_pages/plate.py", title=t("门牌", "Plate"), icon=":material/home:", default=True),
        st.Page(
            "app_pages/search.py",
            title=t("查找地址", "Find an address"),
            icon=":material/search:",
            url_path="search",
        ),
        # receipt_access.RECEIPT_PATH: receipt QR codes link here
        st.Page(
            "app_pages/receipt.py",
            title=t("我的回执", "My receipt"),
            icon=":material/receipt_long:",
            url_path="receipt",
        ),
        *(
            st.Page(f"app_pages/{name}.py", title=t(*title), url_path=path, visibility="hidden")
            for name, path, title in FORM_PAGES
        ),
    ]
