"""Staff sign-in (工作人员登录) and sign-out."""

import streamlit as st

from portal.ui.i18n import t
from portal.ui.sign_in import sign_in_form
from portal.ui.staff import current_staff, sign_out
from shared.staff.auth import ROLE_NAMES, idle_minutes_text

staff = current_staff()
if staff is None:
    st.header(t("工作人员登录", "Staff sign-in"))
    st.caption(
        t(
            "供网格员、主管和系统管理员使用。居民申报无需登录。",
            "For grid officers, supervisors and administrators. Residents declare without signing in.",
        )
    )
    sign_in_form()
    st.stop()

role_zh, role_en = ROLE_NAMES[staff.role]
st.header(t("我的账号", "My account"))
st.write(
    t(
        f"已登录：**{staff.display_name}**（{staff.username}，{role_zh}）",
        f"Signed in as **{staff.display_name}** ({staff.username}, {role_en})",
    )
)
if staff.grid_codes:
    st.caption(t("负责网格：", "Grids: ") + ", ".join(staff.grid_codes))
minutes = idle_minutes_text()
st.caption(
    t(
        f"在顶部菜单“工作人员”中打开工作页面。{minutes} 分钟无操作将自动退出；刷新页面或新开标签页不会退出。",
        f"Open your work pages from the “Staff” menu at the top. You are signed out after {minutes} "
        "minutes without activity; reloading the page or opening another tab keeps you signed in.",
    )
)
if st.button(t("退出登录", "Sign out"), icon=":material/logout:", key="staff.sign_out"):
    sign_out()
