"""Portal home: find a plate by its code, and the town's figures per village."""

from datetime import date

import streamlit as st

from shared.codes import label
from shared.db import session_scope
from shared.plates import lookup_plate
from shared.stats import village_figures

st.title("门牌 Menpai · 麻涌镇")
st.caption("二标四实 标准地址与自助申报 · Standard addresses and self-declaration")

code = st.text_input("门牌编码 Plate code", placeholder="200 001 0001", key="home.plate_code")
if code:
    with session_scope() as session:
        plate = lookup_plate(session, code.replace(" ", ""), today=date.today())
    if plate is None:
        st.warning(
            "没有找到这个门牌编码，请核对后重试。 No plate has this code: please check it and try again."
        )
    else:
        st.subheader(f"{plate.village_name} {plate.address}")
        st.write(f"网格员 Grid officer: {plate.officer_name or '—'} {plate.officer_phone or ''}")
        st.write(f"派出所 Police station: {plate.police_station} {plate.police_phone}")
        for building in plate.buildings:
            st.markdown(
                f"**{building.name or '楼栋 Building'}** · {label('building_use', building.use)} · "
                f"{building.floors} 层 floors"
            )
            st.dataframe(
                [
                    {
                        "房间 Room": r.number,
                        "出租 Rental": "是 yes" if r.is_rental else "否 no",
                        "现住人数 Residents": r.resident_count,
                    }
                    for r in building.rooms
                ],
                hide_index=True,
            )

st.divider()
st.subheader("各村（社区）概况 Villages and communities")
with session_scope() as session:
    figures = village_figures(session, today=date.today())
st.dataframe(
    [
        {
            "村（社区） Village": f.name,
            "门牌 Plates": f.plates,
            "楼栋 Buildings": f.buildings,
            "出租房间 Rental rooms": f.rental_rooms,
            "现住人口 Residents": f.residents,
        }
        for f in figures
    ],
    hide_index=True,
)
st.info(
    "扫描门牌二维码即可打开该地址的申报页面（下一版本提供）。 Scanning a plate's QR code opens the "
    "declaration page of that address (coming in the next release)."
)
