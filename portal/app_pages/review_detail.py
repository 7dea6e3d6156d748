"""审核详情 (officer, supervisor, admin): one declaration beside the records it was compared with,
its findings, what a resubmission changed, a small map and the timeline; the decisions
(approve, reject with a reason, ask for a correction naming the fields, record a visit), the
resident passes of an approved residence (revoke one) and, with a reason, the document numbers
and phones in clear (audited)."""

import streamlit as st

from portal.review.actions import decision_box, passes_box, reveal_box
from portal.review.inspection import inspection_link
from portal.review.unplaced import placing_box
from portal.review.widgets import (
    ID_PARAM,
    QUEUE_PAGE,
    changes,
    declared_list,
    pick,
    records,
    seen_version,
    show_findings,
    show_flash,
    state_label,
    timeline,
)
from portal.ui.i18n import current_lang, t
from portal.ui.staff import guard
from portal.ui.widgets import mini_map
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.declarations.labels import KIND_LABELS
from shared.models import Role, utcnow
from shared.review.detail import get_detail

st.set_page_config(layout="wide")  # the declaration beside the records: the page's whole width
staff = guard(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
lang = current_lang()
st.page_link(QUEUE_PAGE, label=t("返回审核队列", "Back to the queue"), icon=":material/arrow_back:")
raw_id = st.query_params.get(ID_PARAM, "")
if not raw_id.isdigit():
    st.info(t("请在审核队列中选择一项申报。", "Choose a declaration in the review queue."))
    st.stop()
try:
    with session_scope() as session:
        detail = get_detail(session, declaration_id=int(raw_id), staff=staff, now=utcnow())
except DomainError as error:
    st.error(error.message(lang))
    st.stop()

st.header(f"{pick(KIND_LABELS[detail.kind])} · {detail.address} {' '.join(detail.rooms)}")
overdue = t(" · ⚠️ 已超期", " · ⚠️ overdue") if detail.is_overdue else ""
st.caption(
    f"{detail.village} · {detail.grid_code or ''} · {state_label(detail.status)} · {t('第', 'version ')}"
    f"{detail.version}{t('版', '')} · {t('已等待', 'waiting')} {detail.working_days} "
    f"{t('个工作日', 'working days')}{overdue}"
)
show_flash()
seen = seen_version(detail.declaration_id, detail.row_version)
show_findings(detail)
placing_box(detail, staff)
left, right = st.columns(2)
with left:
    st.subheader(t("申报内容", "Declared"))
    declared_list(detail)
    reveal_box(detail, staff)
with right:
    st.subheader(t("比对记录", "Records compared"))
    records(detail)
changes(detail)
mini_map(detail.lon, detail.lat, detail.address, key=f"review-map-{detail.plate_code}", height=240)
inspection_link(detail.plate_code)  # 平安出租屋: inspect the rental at this plate
with st.expander(t("办理记录", "Timeline")):
    timeline(detail)

st.subheader(t("处理", "Decide"))
decision_box(detail, staff, seen)
passes_box(detail, staff)
