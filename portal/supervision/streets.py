"""Pieces of the streets and plates page: the village's streets, and one form a tab to rename a
street, retire a plate for its successor, or add a temporary plate. The rules and the audit are in
shared.places.maintenance."""

import streamlit as st

from portal.ui.i18n import current_lang, t
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.models import utcnow
from shared.places.maintenance import add_temporary_plate, rename_street, retire_plate
from shared.places.search import list_streets, list_villages
from shared.places.town_area import TOWN_BOUNDS
from shared.staff.auth import StaffIdentity

NOTICE_KEY = "admin_streets.notice"
RESET_KEY = "admin_streets.reset"
RENAME_FIELDS = ["admin_streets.new_name"]
RETIRE_FIELDS = ["admin_streets.plate_code", "admin_streets.successor_code"]
ADD_FIELDS = ["admin_streets.number", "admin_streets.lon", "admin_streets.lat"]


def _done(message: str, fields: list[str]) -> None:
    """Say what was done on the next run, with the form's fields emptied, and rerun."""
    st.session_state[NOTICE_KEY] = message
    st.session_state[RESET_KEY] = fields
    st.rerun()


def _street_box(streets: dict[int, str], key: str) -> int | None:
    placeholder = t("先选村，再选街路巷", "Choose a village, then a street")
    return st.selectbox(
        t("街路巷", "Street"),
        list(streets),
        format_func=streets.__getitem__,
        index=None,
        placeholder=placeholder,
        key=key,
    )


def start_afresh() -> None:
    """Empty the fields a change was made with, before the widgets exist, so they start empty."""
    for stale in st.session_state.pop(RESET_KEY, []):
        st.session_state.pop(stale, None)


def show_notice() -> None:
    """What the last change did, once."""
    if notice := st.session_state.pop(NOTICE_KEY, None):
        st.success(notice)


def village_streets() -> dict[int, str]:
    """The village box; the chosen village's streets by id (none until a village is chosen)."""
    with session_scope() as session:
        villages = dict(list_villages(session))
    village = st.selectbox(
        t("村（社区）", "Village or community"),
        list(villages),
        format_func=villages.__getitem__,
        index=None,
        placeholder=t("请选择", "Choose"),
        key="admin_streets.village",
    )
    if village is None:
        return {}
    with session_scope() as session:
        return {s.id: s.name for s in list_streets(session, village_code=village)}


def maintenance_tabs(streets: dict[int, str], staff: StaffIdentity) -> None:
    """The three changes, one tab each."""
    rename_tab, retire_tab, add_tab = st.tabs(
        [
            t("街路巷改名", "Rename a street"),
            t("停用门牌", "Retire a plate"),
            t("新增临时门牌", "Add a temporary plate"),
        ]
    )
    with rename_tab:
        rename_form(streets, staff)
    with retire_tab:
        retire_form(staff)
    with add_tab:
        add_form(streets, staff)


def rename_form(streets: dict[int, str], staff: StaffIdentity) -> None:
    """Rename a street; the old name stays searchable."""
    lang = current_lang()
    with st.form("admin_streets.rename"):
        street_id = _street_box(streets, "admin_streets.rename_street")
        new_name = st.text_input(t("新名称", "New name"), max_chars=60, key="admin_streets.new_name")
        st.caption(
            t(
                "原名称保留为曾用名，按旧名仍能查到。",
                "The old name is kept as an alias: it stays searchable.",
            )
        )
        renamed = st.form_submit_button(
            t("改名", "Rename"), type="primary", key="admin_streets.rename_submit"
        )
    if renamed and street_id is None:
        st.warning(t("请先选择街路巷。", "Choose a street first."))
    elif renamed and street_id is not None:
        try:
            with session_scope() as session:
                street = rename_street(
                    session, street_id=street_id, new_name=new_name, actor=staff.username, now=utcnow()
                )
                old, new = street.aliases[-1], street.name
        except DomainError as error:
            st.error(error.message(lang))
        else:
            _done(
                t(f"已将“{old}”改名为“{new}”；“{old}”作为曾用名仍可查到。",
                  f"Renamed “{old}” to “{new}”; “{old}” stays searchable as a former name."),
                RENAME_FIELDS,
            )  # fmt: skip


def retire_form(staff: StaffIdentity) -> None:
    """Retire a plate for its successor."""
    lang = current_lang()
    with st.form("admin_streets.retire"):
        plate_code = st.text_input(t("要停用的门牌编码", "Code of the plate to retire"), max_chars=32,
                                   key="admin_streets.plate_code")  # fmt: skip
        successor_code = st.text_input(t("接替门牌编码", "Code of its successor"), max_chars=32,
                                       key="admin_streets.successor_code")  # fmt: skip
        retired = st.form_submit_button(
            t("停用门牌", "Retire the plate"), type="primary", key="admin_streets.retire_submit"
        )
    if retired:
        try:
            with session_scope() as session:
                plate = retire_plate(
                    session,
                    plate_code=plate_code,
                    successor_code=successor_code,
                    actor=staff.username,
                    now=utcnow(),
                )
                code, successor = plate.code, plate.successor_code
        except DomainError as error:
            st.error(error.message(lang))
        else:
            _done(
                t(f"门牌 {code} 已停用，由 {successor} 接替；扫描旧门牌会指向新门牌。",
                  f"Plate {code} is retired, succeeded by {successor}; the old plate's QR code leads on."),
                RETIRE_FIELDS,
            )  # fmt: skip


def add_form(streets: dict[int, str], staff: StaffIdentity) -> None:
    """Add a temporary plate at given coordinates."""
    lang = current_lang()
    with st.form("admin_streets.add"):
        add_street = _street_box(streets, "admin_streets.add_street")
        number = st.text_input(t("门牌号", "Door number"), max_chars=20, placeholder="12 / 12之一",
                               key="admin_streets.number")  # fmt: skip
        left, right = st.columns(2)
        lon = left.number_input(t("经度", "Longitude"), TOWN_BOUNDS.west, TOWN_BOUNDS.east, None,
                                step=0.000001, format="%.6f", key="admin_streets.lon")  # fmt: skip
        lat = right.number_input(t("纬度", "Latitude"), TOWN_BOUNDS.south, TOWN_BOUNDS.north, None,
                                 step=0.000001, format="%.6f", key="admin_streets.lat")  # fmt: skip
        added = st.form_submit_button(
            t("新增临时门牌", "Add the plate"), type="primary", key="admin_streets.add_submit"
        )
    if added and (add_street is None or lon is None or lat is None):
        st.warning(t("请选择街路巷并填写经纬度。", "Choose the street and give the coordinates."))
    elif added and add_street is not None and lon is not None and lat is not None:
        try:
            with session_scope() as session:
                plate = add_temporary_plate(
                    session,
                    street_id=add_street,
                    number=number,
                    lon=lon,
                    lat=lat,
                    actor=staff.username,
                    now=utcnow(),
                )
                code, address, grid = plate.code, plate.address, plate.grid_code or t("无", "none")
        except DomainError as error:
            st.error(error.message(lang))
        else:
            _done(
                t(f"已新增临时门牌 {address}，编码 {code}，网格 {grid}。",
                  f"Temporary plate {address} added: code {code}, grid {grid}."),
                ADD_FIELDS,
            )  # fmt: skip
