"""实有设施 (supervisor, admin): a department's register uploaded with row errors shown, the
list with filters, and one facility edited or retired. Rules are in shared.facilities.records."""

import streamlit as st

from portal.supervision.facilities import code_choices, edit_form, error_rows, field_label, list_rows
from portal.ui.i18n import current_lang, t
from portal.ui.staff import guard
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.facilities.records import list_facilities, retire_facility, update_facility
from shared.facilities.template import facility_template
from shared.facilities.upload import import_facilities
from shared.models import Role, utcnow
from shared.places.search import list_villages

REPORT_KEY = "facilities.report"
NOTICE_KEY = "facilities.notice"
RESET_KEY = "facilities.reset"
CHOSEN_KEY = "facilities.chosen"


@st.cache_data
def _template(fmt: str, lang: str) -> bytes:
    return facility_template(fmt, lang=lang)


staff = guard(Role.SUPERVISOR, Role.ADMIN)
lang = current_lang()
for stale in st.session_state.pop(RESET_KEY, []):  # before the widgets exist, so they start afresh
    st.session_state.pop(stale, None)
st.header(t("实有设施", "Facilities"))
if notice := st.session_state.pop(NOTICE_KEY, None):
    st.success(notice)

upload_tab, list_tab = st.tabs([t("上传登记表", "Upload a register"), t("设施列表", "Facility list")])
with upload_tab:
    st.caption(
        t(
            "每行一个设施：大类、小类、名称、经纬度或门牌编码、责任部门、联系电话。同一文件再次上传不会重复登记。",
            "One facility a row: group, subtype, name, coordinates or plate code, department, phone. "
            "Sending the same file again registers nothing twice.",
        )
    )
    for column, fmt in zip(st.columns(2), ("xlsx", "csv"), strict=True):
        column.download_button(
            t(f"下载模板（{fmt.upper()}）", f"Download the template ({fmt.upper()})"),
            data=_template(fmt, lang),
            file_name=f"facilities-template.{fmt}",
            on_click="ignore",
            icon=":material/download:",
            key=f"facilities.template_{fmt}",
        )
    upload = st.file_uploader(
        t("设施登记表", "Facility register"), type=["csv", "xlsx"], key="facilities.file"
    )
    if upload is not None and st.button(t("导入", "Import"), type="primary", key="facilities.import"):
        st.session_state.pop(REPORT_KEY, None)
        try:
            with session_scope() as session:
                st.session_state[REPORT_KEY] = import_facilities(
                    session, data=upload.getvalue(), filename=upload.name, actor=staff.username, now=utcnow()
                )
        except DomainError as error:
            st.error(error.message(lang))
    if report := st.session_state.get(REPORT_KEY):
        counts = report.counts()
        st.success(
            t(
                f"{report.filename}：读取 {report.rows_read} 行，新增 {report.created}，"
                f"更新 {report.updated}，无变化 {report.unchanged}，出错 {counts['rows_failed']} 行。",
                f"{report.filename}: {report.rows_read} rows read, {report.created} added, {report.updated} "
                f"updated, {report.unchanged} unchanged, {counts['rows_failed']} with errors.",
            )
        )
        if report.errors:
            st.warning(
                t(
                    "以下行未导入，请改正后重新上传：",
                    "These rows were not imported; fix them and upload again:",
                )
            )
            st.dataframe(error_rows(report, lang), hide_index=True)

with list_tab:
    with session_scope() as session:
        villages: dict[str | None, str] = {None: t("全部村（社区）", "All villages")}
        villages |= dict(list_villages(session))
    groups: dict[str | None, str] = {None: t("全部大类", "All groups")} | code_choices("facility_group", lang)
    left, middle, right = st.columns(3)
    village = left.selectbox(
        t("村（社区）", "Village"), list(villages), format_func=villages.__getitem__, key="facilities.village"
    )
    group = middle.selectbox(
        t("大类", "Group"), list(groups), format_func=groups.__getitem__, key="facilities.group"
    )
    text = right.text_input(t("名称或部门", "Name or department"), max_chars=60, key="facilities.text")
    include_retired = st.checkbox(
        t("包括已停用的设施", "Include retired facilities"), key="facilities.retired"
    )
    with session_scope() as session:
        views = list_facilities(
            session, village=village, group=group, include_retired=include_retired, text=text
        )
    st.caption(t(f"共 {len(views)} 个设施。", f"{len(views)} facilities."))
    st.dataframe(list_rows(views, lang), hide_index=True)
    active = {v.id: v for v in views if v.is_active}
    chosen = st.selectbox(
        t("修改或停用设施", "Edit or retire a facility"),
        list(active),
        format_func=lambda i: f"{i} · {active[i].name}",
        index=None,
        placeholder=t("请选择设施", "Choose a facility"),
        key=CHOSEN_KEY,
    )
    if chosen is None:
        st.stop()
    view = active[chosen]
    if (changes := edit_form(view, lang)) is not None:
        try:
            with session_scope() as session:
                change = update_facility(
                    session, facility_id=view.id, changes=changes, actor=staff.username, now=utcnow()
                )
        except DomainError as error:
            st.error(error.message(lang))
        else:
            fields = [field_label(f, lang) for f in change.changed]
            st.session_state[NOTICE_KEY] = t(
                f"设施 {view.id} 已保存（修改了：{'、'.join(fields) or '无'}）。",
                f"Facility {view.id} saved (changed: {', '.join(fields) or 'nothing'}).",
            )
            st.session_state[RESET_KEY] = [
                k for k in st.session_state if k.startswith(f"facilities.edit.{view.id}.")
            ]
            st.rerun()
    with st.form(f"facilities.retire_form.{view.id}"):
        reason = st.text_input(t("停用原因", "Reason for retiring"), max_chars=200, key="facilities.reason")
        retire = st.form_submit_button(t("停用此设施", "Retire this facility"), key="facilities.retire")
    if retire:
        try:
            with session_scope() as session:
                retire_facility(
                    session, facility_id=view.id, actor=staff.username, now=utcnow(), reason=reason
                )
        except DomainError as error:
            st.error(error.message(lang))
        else:
            st.session_state[NOTICE_KEY] = t(
                f"设施 {view.id}（{view.name}）已停用，仍保留在历史记录中。",
                f"Facility {view.id} ({view.name}) is retired; it stays in the records.",
            )
            st.session_state[RESET_KEY] = [CHOSEN_KEY, "facilities.reason"]
            st.rerun()
