"""The ways in when a plate link does not lead to a plate: no link at all (the home page), a
broken, forged or unknown link, a retired plate. Each offers the address search as a big button
and, when the plate is known, whom to call."""

from __future__ import annotations

import streamlit as st

from portal.ui.i18n import t
from portal.ui.text import phone_link
from shared.core.db import session_scope
from shared.places.contacts import PlateContacts, contacts_of_link, contacts_of_plate
from shared.places.links import plate_link_query
from shared.places.plates import PlateView

SEARCH_PAGE = "app_pages/search.py"
MISSING_PARAM = "missing"  # ?missing=1 opens the search page on 找不到我的地址
RECEIPT_PAGE = "app_pages/receipt.py"


def big_button(
    label: str, *, page: str, key: str, icon: str, primary: bool = False, query: dict[str, str] | None = None
) -> None:
    """A full-width button to another page: a thumb finds it where a text link is missed."""
    if st.button(label, key=key, icon=icon, type="primary" if primary else "secondary", width="stretch"):
        st.switch_page(page, query_params=query)


def missing_button() -> None:
    """找不到我的地址: a building with no plate (new, lost, never installed) is declared too."""
    big_button(
        t("找不到我的地址（新楼、没有门牌）", "My address is not listed (new building, no plate)"),
        page=SEARCH_PAGE,
        key="plate.to_missing",
        icon=":material/add_location_alt:",
        query={MISSING_PARAM: "1"},
    )


def search_button(*, primary: bool = True) -> None:
    big_button(
        t("按地址查找门牌", "Find a plate by its address"),
        page=SEARCH_PAGE,
        key="plate.to_search",
        icon=":material/search:",
        primary=primary,
    )


def receipt_button() -> None:
    """我的回执: on a phone the page menu hides behind "»", so the home and plate pages show it."""
    big_button(
        t("我的回执（查进度、补正、搬离）", "My receipt (progress, corrections, move-out)"),
        page=RECEIPT_PAGE,
        key="plate.to_receipt",
        icon=":material/receipt_long:",
    )


def show_home() -> None:
    """The portal opened without a plate link."""
    st.header(t("门牌 · 麻涌镇", "Door plates · Mayong"))
    st.write(
        t(
            "请用手机扫描门牌上的二维码，或按地址查找。",
            "Scan the QR code on a door plate with your phone, or find the address.",
        )
    )
    search_button()
    missing_button()
    receipt_button()


def refuse_plate_link(token: str | None) -> None:
    """In the language chosen (the switch is at the top of the page, as everywhere)."""
    st.error(
        t(
            "无法识别这个门牌链接：二维码可能已损坏、被篡改或输入有误。",
            "This door-plate link is not valid: the QR code may be damaged, altered or mistyped.",
        )
    )
    search_button()
    missing_button()
    receipt_button()  # a receipt's QR may have brought them here, or a plate that changed since
    with session_scope() as session:
        contacts = contacts_of_link(session, token)
    if contacts is not None:
        show_contacts(contacts)


def show_retired(plate: PlateView, successor: PlateView | None) -> None:
    """A retired plate: its replacement if it has one, the search, and whom to call."""
    st.warning(t(f"门牌 {plate.address} 已停用。", f"The plate {plate.address} has been retired."))
    if successor:
        st.page_link(
            "app_pages/plate.py",
            label=t(f"新门牌：{successor.address}", f"Its replacement: {successor.address}"),
            icon=":material/arrow_forward:",
            query_params=plate_link_query(successor.code),
        )
    search_button(primary=successor is None)
    missing_button()
    receipt_button()
    with session_scope() as session:
        contacts = contacts_of_plate(session, plate.code)
    if contacts is not None:
        show_contacts(contacts)


def show_contacts(contacts: PlateContacts) -> None:
    """Whom to call, numbers as people dial them."""
    lines = [f"**{t('需要帮助？请联系', 'Need help? Call')}** · {contacts.village_name}"]
    if contacts.officer_phone:
        lines.append(
            f"{t('网格员', 'Grid officer')}: {contacts.officer_name} {phone_link(contacts.officer_phone)}"
        )
    if contacts.police_phone:
        lines.append(
            f"{t('派出所', 'Police station')}: {contacts.police_station} {phone_link(contacts.police_phone)}"
        )
    with st.container(border=True):
        st.markdown("  \n".join(lines))
