"""通知发件箱 (AppTest of portal/app_pages/notices.py): who may open it, the counts per state,
the filters, and no phone or full receipt code on the page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from shared.core.config import PROJECT_ROOT
from shared.models import NoticeKind, Role, User, utcnow
from shared.notices.delivery import send_due
from shared.notices.outbox import queue_notice
from shared.notices.senders import Message, SendError, SendResult
from shared.staff.accounts import create_user
from tests.factories import declare_residence, make_building, make_grid, make_plate, make_room
from tests.pages.staff_tab import sign_in_tab

PAGE = str(PROJECT_ROOT / "portal" / "app_pages" / "notices.py")


class SendsFirstOnly:
    channel = "test"

    def __init__(self) -> None:
        self.calls = 0

    def send(self, message: Message) -> SendResult:
        self.calls += 1
        if self.calls > 1:
            raise SendError("HTTP 503")
        return SendResult(self.channel)


@pytest.fixture
def outbox(session: Session, without_comparison_rules: None) -> dict[str, Any]:
    """Three notices: one sent, one waiting after a failure, one new."""
    plate = make_plate(session, grid=make_grid(session))
    room = make_room(session, building=make_building(session, plate=plate))
    now = utcnow()
    codes = []
    for kind in (NoticeKind.APPROVED, NoticeKind.REJECTED):
        declaration = declare_residence(session, room=room, now=now)
        queue_notice(session, kind=kind, declaration=declaration, now=now - timedelta(minutes=5))
        codes.append(declaration.receipt_code)
    session.commit()
    send_due(sessionmaker(bind=session.get_bind()), sender=SendsFirstOnly(), clock=lambda: now)
    declaration = declare_residence(session, room=room, now=now)
    queue_notice(session, kind=NoticeKind.CORRECTION_REQUESTED, declaration=declaration, now=now)
    codes.append(declaration.receipt_code)
    users = {
        role: create_user(session, username=role.value, password=f"{role.value}-password-2026", role=role)
        for role in Role
    }
    session.commit()
    return {"users": users, "codes": codes}


def page(user: User | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if user is not None:
        sign_in_tab(at, user)
    return at.run()


def table(at: AppTest) -> list[dict[str, Any]]:
    return at.dataframe[0].value.to_dict("records") if at.dataframe else []


def test_officers_and_visitors_are_refused(outbox: dict[str, Any]) -> None:
    assert page(None).error and not page(None).dataframe
    officer = page(outbox["users"][Role.OFFICER])
    assert officer.error and not officer.dataframe


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisors_see_each_notice_with_its_state(outbox: dict[str, Any], role: Role) -> None:
    at = page(outbox["users"][role])
    assert not at.exception
    counts = {m.label: m.value for m in at.metric}
    assert (counts["待发送"], counts["已发送"], counts["发送失败"]) == ("2", "1", "0")
    rows = table(at)
    assert [(r["类型"], r["状态"], r["尝试次数"]) for r in rows] == [
        ("要求补正", "待发送", 0),
        ("不予通过", "待发送", 1),
        ("核实通过", "已发送", 1),
    ]
    assert rows[1]["错误"] == "HTTP 503" and rows[1]["下次尝试"] and not rows[1]["发送时间"]
    assert [r["回执码尾号"] for r in rows] == [c[-4:] for c in reversed(outbox["codes"])]
    shown = " ".join(str(v) for r in rows for v in r.values())
    assert not any(code in shown for code in outbox["codes"]) and "13800138000" not in shown


def test_the_filters_narrow_the_table(outbox: dict[str, Any]) -> None:
    at = page(outbox["users"][Role.SUPERVISOR])
    at.selectbox(key="notices.kind").set_value(NoticeKind.APPROVED).run()
    assert [r["状态"] for r in table(at)] == ["已发送"]
    at.selectbox(key="notices.kind").set_value(None).run()
    at.selectbox(key="notices.status").set_value("failed").run()
    assert not at.dataframe and "没有符合条件" in at.info[0].value
