"""The portal's web server: Streamlit's app (portal/app.py, the router) plus the routes that set
and clear the staff session cookie (portal/session_routes.py).

Launch with `streamlit run portal/server.py`: Streamlit finds `app` and serves it with uvicorn.
Page tests (AppTest) keep running portal/app.py.
"""

import streamlit as st

from portal.session_routes import ROUTES

app = st.App("app.py", routes=ROUTES)
