"""Pieces of the due-date work lists page: three tabs, each a list of the staff member's grids."""

import pandas as pd
import streamlit as st

from portal.review.widgets import local_time
from portal.ui.i18n import t
from shared.core.db import session_scope
from shared.models import utcnow
from shared.review.worklists import (
    ENDING_WITHIN_DAYS,
    records_without_coordinates,
    rental_visit_days,
    rentals_due_for_visit,
    stays_ending,
)
from shared.staff.auth import StaffIdentity


def table(rows: list[dict[str, object]], total: int) -> None:
    """A list, or a line saying it is empty; says so when only the first rows are shown."""
    if not rows:
        st.success(t("无待办事项。", "Nothing due."))
        return
    if total > len(rows):
        st.caption(
            t(f"共 {total} 项，显示前 {len(rows)} 项。", f"{total} in all; the first {len(rows)} shown.")
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def worklist_tabs(staff: StaffIdentity) -> None:
    """Rentals due for a visit, planned stays ending, and records without coordinates."""
    now, days = utcnow(), rental_visit_days()
    with session_scope() as session:
        rentals = rentals_due_for_visit(session, staff=staff, now=now, days=days)
        ending = stays_ending(session, staff=staff, now=now)
        unplaced = records_without_coordinates(session, staff=staff)
    visits, stays, places = st.tabs(
        [
            t(f"出租屋复查 ({rentals.total})", f"Rentals to visit ({rentals.total})"),
            t(f"居住期将满 ({ending.total})", f"Stays ending ({ending.total})"),
            t(f"缺少坐标 ({unplaced.total})", f"No coordinates ({unplaced.total})"),
        ]
    )
    with visits:
        st.caption(
            t(
                f"超过 {days} 天未入户核查的出租楼栋。",
                f"Let buildings not visited in person for {days} days.",
            )
        )
        table(
            [
                {
                    t("地址", "Address"): r.address,
                    t("村（社区）", "Village"): r.village,
                    t("网格", "Grid"): r.grid_code or "",
                    t("出租房间", "Let rooms"): r.rental_rooms,
                    t("上次核查", "Last visit"): local_time(r.last_visited_at) or t("从未", "never"),
                }
                for r in rentals.items
            ],
            rentals.total,
        )
    with stays:
        st.caption(
            t(
                f"拟居住期 {ENDING_WITHIN_DAYS} 天内届满（或已届满仍在住）的人员。",
                f"Planned stays ending within {ENDING_WITHIN_DAYS} days (or over, still open).",
            )
        )
        table(
            [
                {
                    t("姓名", "Name"): s.name,
                    t("证件号码", "Document"): s.id_number,
                    t("地址", "Address"): f"{s.address} {s.room}",
                    t("入住", "Since"): s.since.isoformat(),
                    t("拟居住至", "Planned until"): s.planned_until.isoformat(),
                    t("剩余天数", "Days left"): s.days_left,
                }
                for s in ending.items
            ],
            ending.total,
        )
    with places:
        kinds = {"plate": t("门牌", "Plate"), "facility": t("设施", "Facility")}
        table(
            [
                {
                    t("类型", "Kind"): kinds[m.kind],
                    t("编码", "Code"): m.key,
                    t("名称 / 地址", "Name / address"): m.name,
                    t("村（社区）", "Village"): m.village,
                    t("网格", "Grid"): m.grid_code or "",
                    t("楼栋数", "Buildings"): m.buildings,
                }
                for m in unplaced.items
            ],
            unplaced.total,
        )
