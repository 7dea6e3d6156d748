"""A browser tab signed in as a staff member, as the page tests set it up (the sign-in form itself
is tested in test_staff_pages.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from portal.ui.staff import IDENTITY_KEY, LAST_SEEN_KEY
from shared.models import User, utcnow
from shared.staff.auth import StaffIdentity


def sign_in_tab(at: AppTest, user: User) -> AppTest:
    """`at` with `user` signed in and seen just now."""
    at.session_state[IDENTITY_KEY] = StaffIdentity.of(user)
    at.session_state[LAST_SEEN_KEY] = utcnow()
    return at
