"""The dashboard page's pieces: headline metrics and the tables, in the page's language. The
figures and what they mean are in shared.reporting.dashboard."""

import pandas as pd
import streamlit as st

from portal.ui.i18n import current_lang, t
from shared.reporting.dashboard import AreaFigures, DashboardFigures


def share_text(share: float | None) -> str:
    return "–" if share is None else f"{share:.1%}"


def town_metrics(town: AreaFigures) -> None:
    """One row of cards; the small grey note under a number qualifies it (see its label)."""
    metrics = (
        (t("门牌（有坐标）", "Plates (geo-tagged)"), f"{town.plates:,}", share_text(town.geotagged_share)),
        (
            t("出租房间（已申报）", "Rental rooms (declared)"),
            f"{town.rental_rooms:,}",
            share_text(town.declared_share),
        ),
        (t("已核实", "Verified"), share_text(town.verified_share), None),
        (t("待审核（超期）", "Pending (overdue)"), f"{town.pending:,}", f"{town.overdue:,}"),
        (t("实有人口", "Residents"), f"{town.local + town.migrant + town.foreign:,}", None),
        (t("网格员（应配）", "Officers (needed)"), f"{town.officers}", f"{town.officers_needed}"),
    )
    for column, (label, value, note) in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(label, value, delta=note, delta_color="off", delta_arrow="off", border=True)


def share_columns() -> tuple[str, str, str]:
    return t("坐标率", "Geo-tagged"), t("申报率", "Declared"), t("核实率", "Verified")


def population_columns() -> list[str]:
    return [t("户籍", "Local"), t("流动", "Migrant"), t("境外", "Foreign")]


def village_table(figures: DashboardFigures) -> pd.DataFrame:
    """One row per village and the town's last; shares in percentage points."""
    geotagged, declared, verified = share_columns()
    local, migrant, foreign = population_columns()
    english = current_lang() == "en"
    return pd.DataFrame(
        {
            t("村（社区）", "Village"): area.name_en if english and area.name_en else area.name,
            t("门牌", "Plates"): area.plates,
            geotagged: _points(area.geotagged_share),
            t("楼栋", "Buildings"): area.buildings,
            t("出租楼栋", "Rental buildings"): area.rental_buildings,
            t("出租房间", "Rental rooms"): area.rental_rooms,
            declared: _points(area.declared_share),
            verified: _points(area.verified_share),
            t("待审核", "Pending"): area.pending,
            t("超期", "Overdue"): area.overdue,
            t("待补录地址", "Addresses to place"): area.unplaced,
            t("居住证待办", "Permits due"): area.permits_due,
            t("出租屋需整改", "Rentals to rectify"): area.rentals_needs_work,
            t("出租屋高风险", "High-risk rentals"): area.rentals_high_risk,
            local: area.local,
            migrant: area.migrant,
            foreign: area.foreign,
            t("网格员", "Officers"): area.officers,
            t("应配", "Needed"): area.officers_needed,
        }
        for area in [*figures.villages, figures.town]
    )


def officer_table(figures: DashboardFigures) -> None:
    load = t("负荷", "Load")
    st.dataframe(
        pd.DataFrame(
            {
                t("网格员", "Officer"): officer.display_name or officer.username,
                t("网格", "Grids"): ", ".join(officer.grid_codes),
                t("出租楼栋", "Rental buildings"): officer.rental_buildings,
                load: officer.load,
            }
            for officer in figures.officers
        ),
        hide_index=True,
        column_config={load: st.column_config.ProgressColumn(format="%.2f", min_value=0, max_value=2)},
    )


def _points(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)
