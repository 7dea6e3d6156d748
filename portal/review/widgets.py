"""Pieces of the review pages: labels, tables and the way every review action is run.

Plain rendering of what `shared.review.decisions*` returns; the decisions themselves stay in `shared/`.
"""

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from portal.ui.i18n import current_lang, t
from portal.ui.text import without_icon_codes
from shared.core.clock import CHINA_TZ
from shared.core.codes import label
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.declarations.inputs import CODED_FIELDS, RELATIONS
from shared.declarations.labels import (
    KIND_LABELS,
    OFFICER_STATUS_LABELS,
    OTHER_FINDING_LABELS,
    SEVERITY_LABELS,
)
from shared.models import DeclarationStatus, Severity
from shared.review.detail import ReviewDetail, flatten
from shared.review.queue_items import QueueItem
from shared.rules.base import field_name
from shared.rules.checks import RULE_LABELS

PAGES = Path(__file__).resolve().parents[1] / "app_pages"
QUEUE_PAGE = PAGES / "review_queue.py"
DETAIL_PAGE = PAGES / "review_detail.py"
ID_PARAM = "id"
FLASH_KEY = "review.flash"
# (declaration id, row version) the detail page last showed: an action is taken on what the
# officer saw, and a change made meanwhile by someone else is pointed out.
SHOWN_KEY = "review_detail.shown"
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>~$:]")
FINDING_BOX = {Severity.ERROR: st.error, Severity.WARNING: st.warning, Severity.INFO: st.info}


def rule_label(rule: str) -> str:
    """A comparison rule's name in the officer's language (its id if it has none)."""
    return pick(RULE_LABELS.get(rule) or OTHER_FINDING_LABELS.get(rule, (rule, rule)))


def pick(pair: tuple[str, str]) -> str:
    return t(*pair)


def state_label(state: DeclarationStatus) -> str:
    return pick(OFFICER_STATUS_LABELS[state])


def local_time(at: datetime | None) -> str:
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if at else ""


def open_detail(declaration_id: int) -> None:
    """The detail page of one declaration; the language stays as it is."""
    params = {k: v for k, v in st.query_params.to_dict().items() if k != ID_PARAM}
    st.switch_page(DETAIL_PAGE, query_params={**params, ID_PARAM: str(declaration_id)})


def flash(message: str) -> None:
    """A confirmation shown once, on the next run (after `st.rerun()`)."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def run_action(action: Callable[..., Any], done: str, **arguments: Any) -> None:
    """Run one review action in its own transaction. A refusal (another officer was quicker, a
    missing reason) is shown and nothing of the action is kept; success reruns the page."""
    try:
        with session_scope() as session:
            action(session, **arguments)
    except DomainError as error:
        st.error(error.message(current_lang()))
        return
    st.session_state.pop(SHOWN_KEY, None)  # our own change: nothing to point out
    flash(done)
    st.rerun()


def seen_version(declaration_id: int, row_version: int) -> int:
    """The version the officer saw on the previous run of the page (this one on a first run);
    says so when someone else changed the item since."""
    shown = st.session_state.get(SHOWN_KEY)
    seen = shown[1] if isinstance(shown, tuple) and shown[0] == declaration_id else row_version
    st.session_state[SHOWN_KEY] = (declaration_id, row_version)
    if seen != row_version:
        st.warning(
            t(
                "该申报在您查看期间已被他人处理或修改，以下为最新内容，请重新核对。",
                "Someone else acted on or changed this item while you had it open; below is the latest. "
                "Please check it again.",
            )
        )
    return seen


def queue_table(items: list[QueueItem], *, key: str) -> int | None:
    """The queue as a table; the declaration id of the row the officer selected, if any."""
    frame = pd.DataFrame(
        [
            {
                "ID": item.declaration_id,
                t("超期", "Overdue"): "⚠️" if item.is_overdue else "",
                t("风险", "Risk"): pick(SEVERITY_LABELS[item.max_severity]) if item.max_severity else "",
                t("问题", "Findings"): "、".join(rule_label(rule) for rule in item.rules),
                t("状态", "State"): state_label(item.status),
                t("类型", "Kind"): pick(KIND_LABELS[item.kind]),
                t("申报人", "Declarant"): item.declarant,
                t("地址", "Address"): item.address,
                t("村（社区）", "Village"): item.village,
                t("网格", "Grid"): item.grid_code or "",
                t("等待（工作日）", "Waiting (working days)"): item.working_days,
            }
            for item in items
        ]
    )
    event = st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row", key=key)
    rows = event.selection.rows if event else []
    return items[rows[0]].declaration_id if rows else None


def show_findings(detail: ReviewDetail) -> None:
    if not detail.findings:
        st.success(t("自动比对未发现问题。", "The automatic comparison found nothing."))
        return
    english = current_lang() == "en"
    for finding in detail.findings:
        # The message starts with the field's name already (shared.rules.base.finding).
        text = finding.message_en if english else finding.message_zh
        FINDING_BOX[Severity(finding.severity)](f"**{rule_label(finding.rule)}**: {text}")


def declared_list(detail: ReviewDetail) -> None:
    """What was declared as a plain two-column list, read at a glance: no scrolling grid, and
    the fields left empty are not listed."""
    lang = current_lang()
    rows = [
        (field_name(path, lang), shown)
        for path, value in flatten(detail.declared).items()
        if (shown := _shown(path.rsplit(".", 1)[-1].split("[", 1)[0], value, detail.room_names))
    ]
    if not rows:
        st.caption(t("没有填写内容。", "Nothing was filled in."))
        return
    frame = pd.DataFrame([(_plain(name), _plain(value)) for name, value in rows], columns=["field", "value"])
    st.table(frame, hide_index=True, hide_header=True, border="horizontal")


def _plain(text: str) -> str:
    """A declarant's text as literal Markdown (st.table reads its cells as Markdown): no link,
    emphasis, icon or formula of theirs."""
    return without_icon_codes(_MARKDOWN_SPECIAL.sub(r"\\\g<0>", text)).replace("\n", " ")


def _shown(key: str, value: Any, rooms: dict[int, str]) -> str:
    if value is None or value == "":
        return ""
    if key in ("room_id", "room_ids"):
        return rooms.get(int(value), str(value))
    if isinstance(value, bool):
        return t("是", "Yes") if value else t("否", "No")
    if key in CODED_FIELDS:
        return label(CODED_FIELDS[key], str(value), current_lang())
    if key == "relation":
        return pick(RELATIONS.get(str(value), (str(value), str(value))))
    return str(value)


def records(detail: ReviewDetail) -> None:
    """The buildings at the plate, the declared rooms' residents, the people on record."""
    for building in detail.buildings:
        owner = f"{building.owner} {building.owner_id_number}".strip() or t("未登记", "not recorded")
        use = label("building_use", building.use, current_lang())
        st.markdown(
            f"**{building.name or t('楼栋', 'Building')}** · {use}"
            f" · {t('业主', 'Owner')}: {owner} · {t('上次入户核查', 'Last visit')}: "
            f"{local_time(building.last_visited_at) or t('从未', 'never')}"
        )
        rooms = [
            {
                t("房间", "Room"): r.label + (" ◀" if r.is_declared else ""),
                t("出租", "Let"): "✓" if r.is_rental else "",
                t("面积(m²)", "Area (m²)"): r.area_m2,
                t("现住人数", "Residents"): r.residents,
            }
            for r in building.rooms
        ]
        st.dataframe(pd.DataFrame(rooms), hide_index=True, width="stretch")
    st.markdown(f"**{t('申报房间的现住和曾住人员', 'Current and past residents of the declared rooms')}**")
    if detail.room_residents:
        st.dataframe(_residents_frame(detail.room_residents), hide_index=True, width="stretch")
    else:
        st.caption(t("无登记人员。", "Nobody on record."))
    st.markdown(f"**{t('申报人员在册情况', 'The declared people in the records')}**")
    for person in detail.people:
        state = (
            t(f"已在册（{person.recorded_name}）", f"on record ({person.recorded_name})")
            if person.recorded_name
            else t("未在册", "not on record")
        )
        st.write(f"{person.declared_name} · {field_name(person.path, current_lang())}: {state}")
        if person.residences:
            st.dataframe(_residents_frame(person.residences), hide_index=True, width="stretch")
    if detail.organisation_on_record:
        st.markdown(f"**{t('在册单位', 'Organisation on record')}**")
        st.json(detail.organisation_on_record)


def _residents_frame(residents: Any) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("姓名", "Name"): r.name,
                t("证件号码", "Document"): r.id_number,
                t("房间", "Room"): r.room,
                t("入住", "Since"): r.since.isoformat(),
                t("搬离", "Until"): r.until.isoformat() if r.until else "",
                t("现住", "Current"): "✓" if r.is_current else "",
            }
            for r in residents
        ]
    )


def changes(detail: ReviewDetail) -> None:
    if not detail.changes:
        return
    st.subheader(t(f"第 {detail.version} 版的修改", f"What version {detail.version} changed"))
    lang = current_lang()
    rows = [
        {
            t("项目", "Field"): field_name(c.path, lang),
            t("原内容", "Before"): c.old,
            t("新内容", "Now"): c.new,
        }
        for c in detail.changes
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def timeline(detail: ReviewDetail) -> None:
    for item in detail.timeline:
        extra = ""
        if item.fields:
            extra = " · " + ", ".join(field_name(f, current_lang()) for f in item.fields)
        if item.visited_on:
            seen = t("见到本人", "seen in person") if item.seen_in_person else t("未见到", "nobody seen")
            extra = f" · {item.visited_on.isoformat()} · {seen}"
        note = f" · {item.note}" if item.note else ""
        st.caption(
            f"{local_time(item.at)} · {pick((item.label_zh, item.label_en))} · {item.actor}{extra}{note}"
        )
