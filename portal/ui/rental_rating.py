"""平安出租屋 on the plate page, for staff only: each rental's rating and the way to inspect it.

The public never sees it: a rating is the police station's working knowledge, not a label for
the door. The router has already checked the staff session on this run, so its identity is read
from session state without asking the database again.
"""

from __future__ import annotations

import streamlit as st

from portal.ui.i18n import t
from portal.ui.staff import IDENTITY_KEY
from shared.core.clock import local_today
from shared.core.db import session_scope
from shared.inspections.checklist import RATING_LABELS
from shared.inspections.ratings import building_ratings
from shared.models import Role, utcnow
from shared.places.plates import PlateView
from shared.staff.auth import StaffIdentity

INSPECTORS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)


def staff_rental_box(plate: PlateView) -> None:
    """Ratings of the rentals at the plate and a link to its inspection page; nothing for the public."""
    staff = st.session_state.get(IDENTITY_KEY)
    if not isinstance(staff, StaffIdentity) or staff.role not in INSPECTORS or not plate.buildings:
        return
    names = {b.id: b.name or t("楼栋", "Building") for b in plate.buildings}
    with session_scope() as session:
        ratings = building_ratings(session, today=local_today(utcnow()), building_ids=list(names))
    with st.container(border=True, key="plate-rental-rating"):
        lines = [f"{names[b]}: **{t(*RATING_LABELS[r])}**" for b, r in sorted(ratings.items())]
        st.markdown(f"{t('平安出租屋评级', 'Rental safety rating')}  \n" + "  \n".join(lines or ["—"]))
        st.page_link(
            "app_pages/inspection.py",
            label=t("平安出租屋检查", "Rental safety inspection"),
            icon=":material/health_and_safety:",
            query_params={"plate": plate.code},
        )
