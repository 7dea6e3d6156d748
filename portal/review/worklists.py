"""Pieces of the due-date work lists page: three tabs, each a list of the staff member's grids."""

import pandas as pd
import streamlit as st

from portal.review.inspection import rectifications_due_section
from portal.review.widgets import DETAIL_PAGE, ID_PARAM, local_time
from portal.ui.i18n import t
from shared.core.db import session_scope
from shared.models import utcnow
from shared.review.worklists import (
    ENDING_WITHIN_DAYS,
    AddressToPlace,
    addresses_to_place,
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
    """Rentals due for a visit, planned stays ending, records without coordinates, and
    declarations at typed addresses waiting for their plate."""
    now, days = utcnow(), rental_visit_days()
    with session_scope() as session:
        rentals = rentals_due_for_visit(session, staff=staff, now=now, days=days)
        ending = stays_ending(session, staff=staff, now=now)
        unplaced = records_without_coordinates(session, staff=staff)
        to_place = addresses_to_place(session, staff=staff, now=now)
    visits, stays, places, typed = st.tabs(
        [
            t(f"出租屋复查 ({rentals.total})", f"Rentals to visit ({rentals.total})"),
            t(f"居住期将满 ({ending.total})", f"Stays ending ({ending.total})"),
            t(f"缺少坐标 ({unplaced.total})", f"No coordinates ({unplaced.total})"),
            t(f"待补录地址 ({to_place.total})", f"Addresses to place ({to_place.total})"),
        ]
    )
    with typed:
        _addresses_to_place(to_place.items, to_place.total)
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
    rectifications_due_section(staff)  # 整改到期 of 平安出租屋 (portal/review/inspection.py)


def _addresses_to_place(items: list[AddressToPlace], total: int) -> None:
    """Each opens its detail page, where the plate is linked or created."""
    st.caption(
        t(
            "居民按填写的地址申报、门牌库中尚无该地址：请关联已有门牌或新建门牌。",
            "Declared at a typed address the library lacks: link a plate or create one.",
        )
    )
    if not items:
        st.success(t("无待办事项。", "Nothing due."))
        return
    if total > len(items):
        st.caption(
            t(f"共 {total} 项，显示前 {len(items)} 项。", f"{total} in all; the first {len(items)} shown.")
        )
    for item in items:
        best = (
            t(f" · 最接近：{item.best_candidate}", f" · nearest: {item.best_candidate}")
            if item.best_candidate
            else ""
        )
        st.page_link(
            DETAIL_PAGE,
            label=f"{item.village} {item.typed} · {item.grid_code or ''} · "
            + t(f"已等 {item.days_waiting} 天", f"waiting {item.days_waiting} days")
            + best,
            icon=":material/edit_location_alt:",
            query_params={ID_PARAM: str(item.declaration_id)},
        )
