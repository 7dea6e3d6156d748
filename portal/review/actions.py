"""The review pages' forms: revealing numbers, the decisions on one item, a visit, the item's
resident passes (revoking one), and bulk approval with its confirmation. Each runs one
`shared.review.decisions` action in its own transaction."""

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from portal.review.widgets import flash, pick, run_action
from portal.ui.i18n import current_lang, t
from shared.core.clock import CHINA_TZ, local_today
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.models import DeclarationKind, DeclarationStatus, utcnow
from shared.review.bulk import bulk_approve
from shared.review.decisions import ask_correction, reject
from shared.review.detail import FindingView, ReviewDetail
from shared.review.findings_seen import NEEDS_CONFIRMATION, approve_seeing_findings, findings_to_confirm
from shared.review.passes import StaffPassView, passes_for_review, revoke_pass_for_review
from shared.review.queue import QueueFilters, clean_candidates
from shared.review.reveal import reveal_personal_data
from shared.review.visits import record_visit
from shared.rules.base import field_name
from shared.staff.auth import StaffIdentity

CONFIRM_KEY = "review_queue.confirm"
# (declaration id, version, finding ids): 核实通过 clicked on an item with warnings, to confirm
APPROVE_CONFIRM_KEY = "review_detail.approve_confirm"
APPROVED = ("已核实通过，记录已更新。", "Approved; the records are updated.")


def reveal_box(detail: ReviewDetail, staff: StaffIdentity) -> None:
    """The clear numbers, shown in this run only (never kept in the session), audited."""
    lang = current_lang()
    with st.form("review_detail.reveal", clear_on_submit=True):
        reason = st.text_input(
            t("查看完整证件号码和电话的原因", "Why you need the full numbers"), max_chars=200
        )
        if st.form_submit_button(t("查看（将记入审计日志）", "Reveal (recorded in the audit log)")):
            try:
                with session_scope() as session:
                    clear = reveal_personal_data(
                        session,
                        declaration_id=detail.declaration_id,
                        staff=staff,
                        now=utcnow(),
                        reason=reason,
                    )
            except DomainError as error:
                st.error(error.message(lang))
            else:
                rows = [
                    {t("项目", "Field"): field_name(p, lang), t("内容", "Value"): v} for p, v in clear.items()
                ]
                st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def decision_box(detail: ReviewDetail, staff: StaffIdentity, expected_version: int) -> None:
    """Approve, reject, ask for a correction: on the version the officer saw; and a visit."""
    lang = current_lang()
    version = {"expected_version": expected_version}
    target = {"declaration_id": detail.declaration_id, "staff": staff, "now": utcnow()}
    if detail.can_decide:
        approve_box(detail, target | version)
        with st.form("review_detail.reject"):
            why = st.text_area(
                t("不予通过的原因（申报人可见）", "Reason for rejecting (the declarant sees it)")
            )
            if st.form_submit_button(t("不予通过", "Reject")):
                run_action(reject, t("已不予通过。", "Rejected."), reason=why, **target, **version)
        with st.form("review_detail.correction"):
            fields = st.multiselect(
                t("需要补正的项目", "Fields to correct"),
                list(detail.field_paths),
                format_func=lambda p: field_name(p, lang),
                placeholder=t("选择需要补正的项目", "Choose the fields"),
            )
            note = st.text_area(t("说明（申报人可见）", "Note (the declarant sees it)"))
            if st.form_submit_button(t("要求补正", "Ask for a correction")):
                done = t(
                    "已要求补正，申报人可在回执中看到。",
                    "Correction requested; the declarant sees it on the receipt.",
                )
                run_action(ask_correction, done, fields=fields, note=note, **target, **version)
    with st.form("review_detail.visit"):
        today = local_today(utcnow())
        visited_on = st.date_input(t("入户核查日期", "Visit date"), today, today - timedelta(days=365), today)
        seen = st.checkbox(t("见到本人", "Seen in person"), key="review_detail.seen")
        visit_note = st.text_area(t("核查情况", "What you found"))
        if st.form_submit_button(t("记录入户核查", "Record the visit")):
            run_action(
                record_visit,
                t("已记录入户核查。", "Visit recorded."),
                visited_on=visited_on,
                seen_in_person=seen,
                note=visit_note,
                **target,
            )


def approve_box(detail: ReviewDetail, arguments: dict[str, object]) -> None:
    """核实通过; over warnings or errors only once the officer confirms having seen them, which
    the approval's record keeps (shared.review.findings_seen)."""
    to_confirm = [f for f in detail.findings if f.severity in NEEDS_CONFIRMATION]
    pending = st.session_state.get(APPROVE_CONFIRM_KEY)
    if isinstance(pending, tuple) and pending[:2] == (detail.declaration_id, arguments["expected_version"]):
        _confirm_approval(to_confirm, pending[2], arguments)
        return
    if not st.button(t("核实通过", "Approve"), type="primary", key="review_detail.approve"):
        return
    if not to_confirm:
        run_action(approve_seeing_findings, pick(APPROVED), confirmed=(), **arguments)
        return
    with session_scope() as session:
        ids = findings_to_confirm(session, declaration_id=detail.declaration_id)
    st.session_state[APPROVE_CONFIRM_KEY] = (detail.declaration_id, arguments["expected_version"], ids)
    st.rerun()


def _confirm_approval(
    to_confirm: list[FindingView], ids: tuple[int, ...], arguments: dict[str, object]
) -> None:
    english = current_lang() == "en"
    with st.container(border=True):
        st.warning(
            t(
                f"此申报有 {len(to_confirm)} 项比对问题。确认您已查看并仍要核实通过？此确认将记入办理记录。",
                f"This item has {len(to_confirm)} findings. Confirm that you have seen them and still "
                "approve? The confirmation is kept in the item's timeline.",
            )
        )
        st.markdown("\n".join(f"- {f.message_en if english else f.message_zh}" for f in to_confirm))
        left, right = st.columns(2)
        if left.button(
            t("已查看，确认核实通过", "Seen: approve"), type="primary", key="review_detail.approve_confirmed"
        ):
            st.session_state.pop(APPROVE_CONFIRM_KEY, None)
            run_action(approve_seeing_findings, pick(APPROVED), confirmed=ids, **arguments)
        if right.button(t("取消", "Cancel"), key="review_detail.approve_cancel"):
            st.session_state.pop(APPROVE_CONFIRM_KEY, None)
            st.rerun()


def bulk_approve_box(staff: StaffIdentity, filters: QueueFilters, now: datetime) -> None:
    """批量核实: the count first, then the officer confirms; what is approved is what was counted."""
    if st.button(t("批量核实无问题的申报", "Approve all items without findings"), key="review_queue.bulk"):
        with session_scope() as session:
            st.session_state[CONFIRM_KEY] = (
                filters,
                clean_candidates(session, staff=staff, filters=filters, now=now),
            )
    pending = st.session_state.get(CONFIRM_KEY)
    if pending and pending[0] == filters:  # a confirmation made under other filters is not offered
        clean = pending[1]
        if not clean:
            st.info(t("筛选结果中没有无问题的待审申报。", "Nothing awaiting review without findings here."))
        else:
            st.warning(
                t(
                    f"将核实 {len(clean)} 项没有任何问题的申报，并据此更新人口和房屋记录。",
                    f"This approves {len(clean)} declarations with no findings and updates the records.",
                )
            )
            yes, no = st.columns(2)
            if yes.button(
                t(f"确认核实 {len(clean)} 项", f"Approve {len(clean)}"),
                type="primary",
                key="review_queue.yes",
            ):
                with session_scope() as session:
                    result = bulk_approve(
                        session, staff=staff, filters=filters, now=utcnow(), confirmed=clean
                    )
                del st.session_state[CONFIRM_KEY]
                flash(
                    t(
                        f"已核实 {result.approved} 项；{result.skipped} 项期间有变动，已跳过。",
                        f"Approved {result.approved}; {result.skipped} changed meanwhile and were skipped.",
                    )
                )
                st.rerun()
            if no.button(t("取消", "Cancel"), key="review_queue.no"):
                del st.session_state[CONFIRM_KEY]
                st.rerun()


def passes_box(detail: ReviewDetail, staff: StaffIdentity) -> None:
    """住户通行码 of an approved residence: each holder's pass and its state; revoking one (a lost
    phone, a misuse) with a reason, audited. Nothing shows before approval."""
    if detail.kind is not DeclarationKind.RESIDENCE or detail.status is not DeclarationStatus.APPROVED:
        return
    now = utcnow()
    with session_scope() as session:
        views = passes_for_review(session, declaration_id=detail.declaration_id, staff=staff, now=now)
    st.subheader(t("住户通行码", "Resident passes"))
    if not views:
        st.caption(
            t(
                "尚未发放通行码：申报人打开回执时自动发放。",
                "No pass issued yet: the declarant gets one on opening the receipt.",
            )
        )
        return

    def state(view: StaffPassView) -> str:
        if view.revoked_at is not None:
            when = view.revoked_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
            return t(f"已注销（{when}，{view.revoked_reason}）", f"Revoked ({when}, {view.revoked_reason})")
        return t("已过期", "Expired") if view.is_expired(now) else t("有效", "Valid")

    rows = [
        {
            t("持有人", "Holder"): view.holder
            + (t("（申报人）", " (declarant)") if view.is_declarant else ""),
            t("有效期至", "Valid until"): view.valid_until.astimezone(CHINA_TZ).strftime("%Y-%m-%d"),
            t("状态", "State"): state(view),
        }
        for view in views
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    revocable = {view.pass_id: view for view in views if view.revoked_at is None}
    if not revocable:
        return
    with st.form("review_detail.revoke_pass"):
        chosen = st.selectbox(
            t("注销哪张通行码", "Pass to revoke"),
            list(revocable),
            format_func=lambda pass_id: revocable[pass_id].holder,
        )
        reason = st.text_input(t("注销原因（如手机遗失）", "Reason (e.g. lost phone)"), max_chars=200)
        if st.form_submit_button(t("注销通行码", "Revoke the pass")):
            run_action(
                revoke_pass_for_review,
                t("通行码已注销，门岗将拒绝通行。", "Pass revoked: the gates will refuse it."),
                declaration_id=detail.declaration_id,
                pass_id=chosen,
                staff=staff,
                reason=reason,
                now=utcnow(),
            )
