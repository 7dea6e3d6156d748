"""Which staff pages each role finds in the portal's menu (the router), signed in for real."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shared.models import Role
from shared.staff.accounts import create_user
from tests.pages.test_staff_pages import is_in_navigation, portal, sign_in

PASSWORD = "router-password-2026"
PAGES = {
    "review": "app_pages/review_queue.py",
    "detail": "app_pages/review_detail.py",
    "worklists": "app_pages/worklists.py",
    "map": "app_pages/operation_map.py",
    "dashboard": "app_pages/dashboard.py",
    "facilities": "app_pages/facilities.py",
    "matching": "app_pages/address_matching.py",
    "streets": "app_pages/admin_streets.py",
    "plates": "app_pages/admin_plates.py",
    "passages": "app_pages/passages.py",
    "audit": "app_pages/audit_log.py",
}
OFFICER_PAGES = {"review", "detail", "worklists", "map"}
SUPERVISOR_PAGES = OFFICER_PAGES | {"dashboard", "facilities", "matching", "passages", "audit"}
EXPECTED = {
    Role.OFFICER: OFFICER_PAGES,
    Role.SUPERVISOR: SUPERVISOR_PAGES,
    Role.ADMIN: SUPERVISOR_PAGES | {"streets", "plates"},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_exactly_its_pages(session: Session, role: Role) -> None:
    create_user(session, username=f"{role.value}1", password=PASSWORD, role=role)
    session.commit()
    at = sign_in(portal(), f"{role.value}1", PASSWORD)
    assert not at.exception
    reachable = {name for name, page in PAGES.items() if is_in_navigation(at, page)}
    assert reachable == EXPECTED[role]


def test_signed_out_visitor_reaches_no_staff_page() -> None:
    at = portal()
    assert not any(is_in_navigation(at, page) for page in PAGES.values())
