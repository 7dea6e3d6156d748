"""The operation map and dashboard pages (AppTest), under a router listing them as the portal does
for staff: who may open them, what a supervisor and an officer get, the layer chooser."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from portal.maps.base import folium_cdn_defaults
from shared.core.config import PROJECT_ROOT
from shared.demo import build_demo_town
from shared.models import User
from tests.pages.staff_tab import sign_in_tab

PAGES = PROJECT_ROOT / "portal" / "app_pages"
MAP, DASHBOARD = "operation_map.py", "dashboard.py"
SIGN_IN_FIRST = "请先登录工作人员账号。"


@pytest.fixture(autouse=True)
def _folium_defaults(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The pages point folium at the vendored files (class-wide): undo it after each test."""
    for cls, (js, css) in folium_cdn_defaults().items():
        monkeypatch.setattr(cls, "default_js", js)
        monkeypatch.setattr(cls, "default_css", css)
    yield


@pytest.fixture
def town(session: Session) -> dict[str, User]:
    """The small demo town with its officer, supervisor and admin accounts."""
    build_demo_town(session, scale="small", seed=2026, today=date.today())
    session.commit()
    return {user.username: user for user in session.scalars(select(User))}


def page(name: str, user: User | None = None, *, lang: str = "zh") -> AppTest:
    """One page on its own (its guard must refuse by itself), signed in as `user` if given."""
    at = AppTest.from_file(str(PAGES / name), default_timeout=60)
    at.session_state["lang"] = lang
    if user is not None:
        sign_in_tab(at, user)
    return at.run()


def texts(at: AppTest) -> str:
    parts = (*at.header, *at.subheader, *at.markdown, *at.caption, *at.error, *at.warning, *at.info)
    return "\n".join(str(e.value) for e in parts)


@pytest.mark.parametrize("name", [MAP, DASHBOARD])
def test_signed_out_visitor_is_refused(name: str) -> None:
    at = page(name)
    assert not at.exception
    assert [e.value for e in at.error] == [SIGN_IN_FIRST]
    assert not at.get("component_instance") and not at.dataframe


def test_supervisor_gets_the_whole_town_on_the_map(town: dict[str, User]) -> None:
    at = page(MAP, town["supervisor"])
    assert not at.exception
    assert "标准作业图" in texts(at)
    assert "只显示您负责的网格" not in texts(at)
    [chooser] = at.get("button_group")
    assert chooser.value == ["plates", "buildings", "facilities", "grids", "pending", "rentals"]
    assert len(at.get("component_instance")) == 1


def test_officer_gets_own_grids_on_the_map(town: dict[str, User]) -> None:
    at = page(MAP, town["officer"])
    assert not at.exception
    assert "只显示您负责的网格。" in texts(at)
    assert len(at.get("component_instance")) == 1


def test_choosing_fewer_layers_reruns_the_map(town: dict[str, User]) -> None:
    at = page(MAP, town["supervisor"])
    [chooser] = at.get("button_group")
    chooser.set_value(["plates"]).run()
    assert not at.exception
    assert at.get("button_group")[0].value == ["plates"]
    assert len(at.get("component_instance")) == 1


def test_supervisor_gets_the_dashboard(
    town: dict[str, User], downloads: dict[str, Callable[[], Any]]
) -> None:
    at = page(DASHBOARD, town["supervisor"])
    assert not at.exception
    assert "数据驾驶舱" in texts(at) and "网格员负荷" in texts(at)
    assert len(at.metric) == 6
    villages, officers = at.dataframe
    assert len(villages.value) == 16  # 15 villages and the town
    assert villages.value.iloc[-1]["村（社区）"] == "全镇"
    assert list(officers.value["网格员"]) == ["麻一村网格员"]
    assert len(at.get("download_button")) == 1
    [(file_name, make_file)] = downloads.items()
    assert file_name.startswith("menpai-dashboard-") and file_name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(make_file()))["村社区 Villages"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == list(
        villages.value["村（社区）"]
    )


def test_admin_gets_the_dashboard_in_english(town: dict[str, User]) -> None:
    at = AppTest.from_file(str(PAGES / DASHBOARD), default_timeout=60)
    sign_in_tab(at, town["admin"])
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert "Dashboard" in texts(at)
    assert at.dataframe[0].value.iloc[-1]["Village"] == "Whole town"


def test_officer_is_refused_the_dashboard(town: dict[str, User]) -> None:
    at = page(DASHBOARD, town["officer"])
    assert not at.exception
    [error] = at.error
    assert "没有权限" in error.value and "主管" in error.value
    assert not at.dataframe and not at.metric


def test_map_popups_open_plate_pages_in_the_officers_language(town: dict[str, User]) -> None:
    at = page(MAP, town["supervisor"], lang="en")
    assert not at.exception
    [component] = at.get("component_instance")
    assert '\\"query\\": \\"lang=English\\"' in component.proto.json_args
