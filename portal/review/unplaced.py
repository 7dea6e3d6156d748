"""补录地址 on the detail page: the typed address, the matcher's candidates, and the officer's
one step, linking a plate of the library or creating the plate (and its street)."""

from __future__ import annotations

import streamlit as st

from portal.review.widgets import run_action
from portal.ui.i18n import relabel_after_switch, t
from shared.core.db import session_scope
from shared.models import utcnow
from shared.places.town_area import TOWN_BOUNDS
from shared.review.detail import ReviewDetail
from shared.review.unplaced import RoomChoice, create_plate, link_plate, rooms_at
from shared.review.unplaced_view import UnplacedView
from shared.staff.auth import StaffIdentity

NS = "review_unplaced"
NEW_ROOM = 0  # the room choice "a new room"
TOWN_CENTRE = (113.58, 23.05)


def placing_box(detail: ReviewDetail, staff: StaffIdentity) -> None:
    """Nothing for a declaration made at a plate; the placing, or how it was placed, otherwise."""
    view = detail.unplaced
    if view is None:
        return
    if not view.is_open:
        st.caption(
            t(
                f"地址已补录：{view.typed} → 门牌 {view.plate_code}（{view.resolved_by}）",
                f"Address placed: {view.typed} → plate {view.plate_code} ({view.resolved_by})",
            )
        )
        return
    with st.container(border=True):
        st.subheader(t("待补录地址", "Address to place"))
        st.markdown(f"**{t('申报人填写', 'Typed by the declarant')}**：{view.village_name} {view.typed}")
        _candidates(view)
        target = {
            "declaration_id": detail.declaration_id,
            "staff": staff,
            "expected_version": detail.row_version,
        }
        link_tab, create_tab = st.tabs([t("关联已有门牌", "Link a plate"), t("新建门牌", "Create the plate")])
        with link_tab:
            _link(view, target)
        with create_tab:
            _create(view, target)


def _candidates(view: UnplacedView) -> None:
    if not view.candidates:
        st.caption(t("地址匹配没有找到相近的门牌。", "The matcher found no plate near it."))
        return
    st.dataframe(
        [
            {t("候选地址", "Candidate"): c.address, t("村/社区", "Village"): c.village,
             t("门牌编码", "Plate code"): c.plate_code, t("得分", "Score"): round(c.score, 2),
             t("在用", "Active"): "✓" if c.is_active else "✗"}
            for c in view.candidates
        ],
        hide_index=True,
    )  # fmt: skip


def _link(view: UnplacedView, target: dict[str, object]) -> None:
    active = [c.plate_code for c in view.candidates if c.is_active]
    code = st.text_input(
        t("门牌编码", "Plate code"), value=active[0] if active else "", max_chars=32, key=f"{NS}.plate"
    ).strip()
    if not code:
        return
    with session_scope() as session:
        rooms = dict(rooms_at(session, code.upper()))
    room = _room_fields(view, rooms, "link")
    if st.button(t("关联该门牌", "Link this plate"), key=f"{NS}.link", type="primary"):
        done = t(f"已关联门牌 {code}，比对规则已重新运行。", f"Linked to plate {code}; the rules ran again.")
        run_action(link_plate, done, plate_code=code, room=room, now=utcnow(), **target)


def _create(view: UnplacedView, target: dict[str, object]) -> None:
    st.caption(
        t(
            "新建临时门牌（街路巷不存在时一并新建），坐标决定所属网格。",
            "A temporary plate (and its street if the village lacks it); the point sets its grid.",
        )
    )
    street = st.text_input(t("街路巷", "Street"), value=view.street, max_chars=60, key=f"{NS}.street")
    number = st.text_input(t("门牌号", "Number"), value=view.number, max_chars=20, key=f"{NS}.number")
    # The map opens at the best candidate, a neighbour: the new plate starts there.
    lon0, lat0 = view.centre
    left, right = st.columns(2)
    b = TOWN_BOUNDS
    lon = left.number_input(t("经度", "Longitude"), b.west, b.east, lon0 or TOWN_CENTRE[0],
                            step=0.0001, format="%.6f", key=f"{NS}.lon")  # fmt: skip
    lat = right.number_input(t("纬度", "Latitude"), b.south, b.north, lat0 or TOWN_CENTRE[1],
                             step=0.0001, format="%.6f", key=f"{NS}.lat")  # fmt: skip
    room = _room_fields(view, {}, "create")
    if st.button(t("新建门牌并关联", "Create the plate and link it"), key=f"{NS}.create", type="primary"):
        done = t("已新建门牌并关联，比对规则已重新运行。", "Plate created and linked; the rules ran again.")
        run_action(
            create_plate,
            done,
            street_name=street,
            number=number,
            lon=lon,
            lat=lat,
            room=room,
            now=utcnow(),
            **target,
        )


def _room_fields(view: UnplacedView, rooms: dict[int, str], where: str) -> RoomChoice:
    """One of the plate's rooms, or a new room (in a new building named as typed)."""
    options = [NEW_ROOM, *rooms]
    label = {NEW_ROOM: t("新房间", "A new room"), **rooms}
    relabel_after_switch(f"{NS}.{where}.room")  # 新房间 / A new room
    chosen = st.selectbox(t("房间", "Room"), options, format_func=label.__getitem__, key=f"{NS}.{where}.room")
    if chosen != NEW_ROOM:
        return RoomChoice(room_id=int(chosen))
    left, mid, right = st.columns(3)
    building = left.text_input(
        t("楼栋", "Building"), value=view.building, max_chars=40, key=f"{NS}.{where}.bld"
    )
    number = mid.text_input(t("房号", "Room number"), value=view.room, max_chars=20, key=f"{NS}.{where}.no")
    floor = right.number_input(t("楼层", "Floor"), 1, 200, 1, key=f"{NS}.{where}.floor")
    return RoomChoice(building_name=building, room_number=number, floor=int(floor))
