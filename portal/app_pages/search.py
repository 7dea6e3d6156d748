"""Find an address without a QR code: village → street → number, or free text."""

from collections.abc import Mapping
from typing import TypeVar

import streamlit as st

from portal.declare.unplaced import MISSING_PARAM, missing_address
from portal.ui.i18n import current_lang, t
from shared.core.db import session_scope
from shared.places.links import plate_link_query
from shared.places.search import list_plate_numbers, list_streets, list_villages, search_addresses

HITS_SHOWN = 20  # a phone's list to scroll; more asks for a more specific address

st.header(t("查找地址", "Find an address"))

with session_scope() as session:
    village_names = dict(list_villages(session))


K = TypeVar("K", str, int)


def _choose(label: str, names: Mapping[K, str], key: str) -> K | None:
    """A selectbox over ids, showing names (ids keep AppTest and reruns simple)."""
    return st.selectbox(
        label,
        list(names),
        format_func=names.__getitem__,
        index=None,
        placeholder=t("请选择", "Choose"),
        key=key,
    )


missing = t("找不到我的地址", "My address is not listed")
# The chosen tab is kept by the phone under the tabs' key: a rerun that redraws the tabs, as the
# one after a page switch can, must not drop a resident back on the first tab mid-typing. Not on
# the server (on_change="rerun"): the rerun of a tap raced the thumb typing right after it, and
# could wipe what it had typed.
tab_choose, tab_text, tab_missing = st.tabs(
    [t("按村、街道、门牌号", "By village, street, number"), t("输入地址", "Type the address"), missing],
    default=missing if st.query_params.get(MISSING_PARAM) else None,
    key=f"search.tab.{current_lang()}",  # the tab is kept by its label, so one key per language
)
with tab_choose:
    village_code = _choose(t("村（社区）", "Village or community"), village_names, "search.village")
    if village_code:
        with session_scope() as session:
            street_names = {s.id: s.name for s in list_streets(session, village_code=village_code)}
        street_id = _choose(t("街路巷", "Street"), street_names, "search.street")
        if street_id:
            with session_scope() as session:
                numbers = {
                    code: f"{number}号" for code, number in list_plate_numbers(session, street_id=street_id)
                }
            plate_code = _choose(t("门牌号", "Number"), numbers, "search.number")
            if plate_code:
                address = f"{street_names[street_id]} {numbers[plate_code]}"
                st.page_link(
                    "app_pages/plate.py",
                    label=t(f"打开 {address}", f"Open {address}"),
                    icon=":material/arrow_forward:",
                    query_params=plate_link_query(plate_code),
                )
with tab_text:
    text = st.text_input(
        t("地址或门牌编码", "Address or plate code"),
        placeholder=t("例如 麻涌大道12号", "e.g. 麻涌大道12号"),
        key="search.text",
        max_chars=80,
    )
    if text:
        with session_scope() as session:
            hits = search_addresses(session, text, limit=HITS_SHOWN + 1)  # one more: are there more?
        if not hits:
            st.warning(t("没有找到匹配的标准地址：请换个写法，或点“找不到我的地址”。",
                         "Nothing matches: try another spelling or “My address is not listed”."))  # fmt: skip
        elif len(hits) <= HITS_SHOWN:  # plain text in a list did not read as something to tap
            st.caption(t(f"找到 {len(hits)} 个地址，点击打开：", f"{len(hits)} found; tap one to open it:"))
        else:
            first = t(
                f"前 {HITS_SHOWN} 个地址（写得更具体可缩小范围）",
                f"The first {HITS_SHOWN} (be more specific)",
            )
            st.caption(t(f"{first}，点击打开：", f"{first}; tap one to open it:"))
        for hit in hits[:HITS_SHOWN]:
            st.page_link(
                "app_pages/plate.py",
                label=f"{hit.village_name} · {hit.address}",
                icon=":material/arrow_forward:",
                query_params=plate_link_query(hit.code),
            )
with tab_missing:
    missing_address(village_names)
