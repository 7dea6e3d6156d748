"""The bare page `python -m bench phone` compares the tenant form with: the same fields as
tests/e2e/steps.py's `tenant_form` describes them, as plain Streamlit widgets with nothing behind
them (no database, no checks, no translations), so a field step here is Streamlit's own cost.

Run by the benchmark as `streamlit run bench/phone_baseline.py`; built from `tenant_form`, it
follows the form as the steps change.
"""

from __future__ import annotations

import streamlit as st

from tests.e2e.steps import CONSENT, Field, tenant_form

ROOM, NAME, ID_NUMBER = "101", "王伟", "440106198501010011"


def baseline_fields() -> list[Field]:
    """The fields the benchmark fills here, with the values it types."""
    return tenant_form(room=ROOM, name=NAME, id_number=ID_NUMBER)


if __name__ == "__main__":  # as Streamlit runs it; the benchmark imports only the fields
    st.header("居住登记")
    for field in baseline_fields():
        if field.how == "choose":
            st.selectbox(field.label, [field.value, "其他"], index=None, placeholder="请选择")
        elif field.how == "date":
            st.date_input(field.label, value=None)
        else:
            st.text_input(field.label)
    st.checkbox(CONSENT)
    st.button("提交申报", type="primary")
