"""Staff sign-in (工作人员登录) and sign-out."""

import streamlit as st

from portal.ui.i18n import t
from portal.ui.staff import current_staff, sign_in_form, sign_out
from shared.staff.auth import IDLE_TIMEOUT, ROLE_NAMES

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
minutes = int(IDLE_TIMEOUT.total_seconds() // 60)
st.caption(
    t(
        f"在顶部菜单“工作人员”中打开工作页面。{minutes} 分钟无操作将自动退出。",
        f"Open your work pages from the “Staff” menu at the top. "
        f"You are signed out after {minutes} minutes without activity.",
    )
)
if st.button(t("退出登录", "Sign out"), icon=":material/logout:", key="staff.sign_out"):
    sign_out()
