"""Pieces of the 平安出租屋 inspection page: the rental's rating and open 整改 (close one, or
send back one reported done), and the checklist an officer fills on site."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from portal.review.widgets import flash, local_time, pick, run_action
from portal.ui.i18n import current_lang, t
from portal.ui.text import escape_markdown
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.inspections.checklist import (
    DEFAULT_DUE_DAYS,
    MAX_DUE_DAYS,
    RATING_LABELS,
    STATUS_LABELS,
    Rating,
    checklist,
)
from shared.inspections.records import close_rectification, record_inspection, reopen_rectification
from shared.inspections.rectifications_due import DUE_WITHIN_DAYS, rectifications_due
from shared.inspections.views import RectificationView, RentalView, rectification_photo
from shared.models import RectificationStatus, utcnow
from shared.staff.auth import StaffIdentity

INSPECTION_PAGE = Path(__file__).resolve().parents[1] / "app_pages" / "inspection.py"
PLATE_PARAM, BUILDING_PARAM = "plate", "b"
_RATING_BOX = {
    Rating.SAFE: st.success,
    Rating.NEEDS_WORK: st.warning,
    Rating.HIGH_RISK: st.error,
    Rating.NOT_INSPECTED: st.info,
}


def inspection_link(plate_code: str | None) -> None:
    """The link other staff pages show to this plate's inspection."""
    if plate_code:
        st.page_link(
            INSPECTION_PAGE,
            label=t("平安出租屋检查", "Rental safety inspection"),
            icon=":material/health_and_safety:",
            query_params={PLATE_PARAM: plate_code},
        )


def show_rating(rental: RentalView) -> None:
    last = local_time(rental.last_inspected_at) or t("从未", "never")
    _RATING_BOX[rental.rating](
        f"**{pick(RATING_LABELS[rental.rating])}** · {t('出租房间', 'let rooms')} {rental.let_rooms}"
        f" · {t('上次检查', 'last inspection')} {last} {escape_markdown(rental.last_officer)}"
    )


def _heading(item: RectificationView) -> str:
    due = t(f"期限 {item.due_on}", f"due {item.due_on}")
    overdue = t(" · ⚠️ 已逾期", " · ⚠️ overdue") if item.is_overdue else ""
    major = t(" · 重大隐患", " · major hazard") if item.is_major else ""
    return f"**{t(item.item_zh, item.item_en)}** · {pick(STATUS_LABELS[item.status])} · {due}{overdue}{major}"


def open_rectifications(rental: RentalView, staff: StaffIdentity) -> None:
    """Each 整改 not closed: what was found, what the landlord said, and the officer's buttons."""
    st.subheader(t("整改事项", "Rectifications"))
    if not rental.open:
        st.caption(t("没有未销号的整改事项。", "No rectification is open."))
    for item in rental.open:
        with st.container(border=True, key=f"rect-{item.id}"):
            st.markdown(_heading(item))
            if item.note:
                st.caption(f"{t('检查发现', 'Found')}: {escape_markdown(item.note)}")
            if item.status is RectificationStatus.DONE:
                st.info(f"{t('房东反馈', 'Landlord')}: {escape_markdown(item.landlord_note)}")
                if item.has_photo:
                    with session_scope() as session:
                        photo = rectification_photo(session, staff=staff, rectification_id=item.id)
                    if photo:
                        st.image(photo, width=320)
            note = st.text_input(
                t("复查说明", "Note of the visit"), key=f"rect-note-{item.id}", max_chars=300
            )
            close, back = st.columns(2)
            if close.button(
                t("复查合格，销号", "Fixed: close"), key=f"rect-close-{item.id}", width="stretch"
            ):
                run_action(
                    close_rectification,
                    t("已销号", "Closed"),
                    staff=staff,
                    rectification_id=item.id,
                    note=note,
                    now=utcnow(),
                )
            if item.status is RectificationStatus.DONE and back.button(
                t("未整改到位，退回", "Not fixed: send back"), key=f"rect-back-{item.id}", width="stretch"
            ):
                run_action(
                    reopen_rectification,
                    t("已退回房东", "Sent back to the landlord"),
                    staff=staff,
                    rectification_id=item.id,
                    note=note,
                    now=utcnow(),
                )


def checklist_form(rental: RentalView, staff: StaffIdentity) -> None:
    """The on-site checklist: every item passed or failed, a note on a failed one, the deadline."""
    items = checklist()
    prefix = f"insp.{rental.building_id}"
    with st.form(prefix, clear_on_submit=True):
        st.subheader(t("现场检查表", "On-site checklist"))
        answers: dict[str, str | None] = {}
        notes: dict[str, str] = {}
        for item in items:
            major = t("（重大隐患）", " (major hazard)") if item.is_major else ""
            answers[item.code] = st.radio(
                t(item.zh, item.en) + major,
                ["pass", "fail"],
                index=None,
                horizontal=True,
                key=f"{prefix}.{item.code}",
                format_func=lambda v: t("合格", "Pass") if v == "pass" else t("不合格", "Fail"),
            )
            notes[item.code] = st.text_input(
                t("问题说明（不合格时填写）", "What is wrong (if failed)"),
                key=f"{prefix}.{item.code}.note",
                max_chars=300,
                label_visibility="collapsed",
                placeholder=t("问题说明（不合格时填写）", "What is wrong"),
            )
        days = st.number_input(
            t("整改期限（天）", "Days to put it right"),
            min_value=1,
            max_value=MAX_DUE_DAYS,
            value=DEFAULT_DUE_DAYS,
            step=1,
            key=f"{prefix}.days",
        )
        note = st.text_area(t("检查备注", "Note"), key=f"{prefix}.note", max_chars=300)
        if not st.form_submit_button(
            t("提交检查结果", "Record the inspection"), type="primary", width="stretch"
        ):
            return
    unanswered = [item for item in items if answers[item.code] is None]
    if unanswered:
        st.error(t(f"请逐项填写：{unanswered[0].zh}", f"Answer every item: {unanswered[0].en}"))
        return
    results = {code: answer == "pass" for code, answer in answers.items()}
    try:
        with session_scope() as session:
            inspection = record_inspection(
                session,
                staff=staff,
                building_id=rental.building_id,
                results=results,
                notes={c: n for c, n in notes.items() if n.strip()},
                due_days=int(days),
                note=note,
                now=utcnow(),
            )
            failed = len(inspection.rectifications)
    except DomainError as error:
        st.error(error.message(current_lang()))
        return
    flash(t(f"已记录检查结果，新增整改 {failed} 项", f"Inspection recorded; {failed} new rectification(s)"))
    st.rerun()


def rectifications_due_section(staff: StaffIdentity) -> None:
    """整改到期: open 整改 due within days (overdue first) and those reported done, each with
    a link to its rental's inspection page."""
    with session_scope() as session:
        items, total = rectifications_due(session, staff=staff, now=utcnow())
    st.subheader(t(f"整改到期 ({total})", f"Rectifications due ({total})"))
    st.caption(
        t(
            f"{DUE_WITHIN_DAYS} 天内到期或已逾期的整改，以及房东已反馈待复查的整改。",
            f"Rectifications due within {DUE_WITHIN_DAYS} days or overdue, and those reported done.",
        )
    )
    if not items:
        st.success(t("无待办事项。", "Nothing due."))
        return
    if total > len(items):
        st.caption(
            t(f"共 {total} 项，显示前 {len(items)} 项。", f"{total} in all; the first {len(items)} shown.")
        )
    link = t("检查", "Inspect")
    rows = [
        {
            t("地址", "Address"): i.address,
            t("村（社区）", "Village"): i.village,
            t("整改事项", "Item"): t(i.item_zh, i.item_en)
            + (t("（重大）", " (major)") if i.is_major else ""),
            t("状态", "Status"): pick(STATUS_LABELS[i.status]),
            t("期限", "Due"): i.due_on.isoformat(),
            t("剩余天数", "Days left"): i.days_left,
            link: f"inspection?{PLATE_PARAM}={i.plate_code}&{BUILDING_PARAM}={i.building_id}",
        }
        for i in items
    ]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={link: st.column_config.LinkColumn(link, display_text=link)},
    )
