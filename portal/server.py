"""The portal's web server: Streamlit's app (portal/app.py, the router), the plate card that
answers a scanned plate link (portal/plate_card.py), Streamlit's bundle served from memory and
compressed (portal/static_assets.py), and the routes that set and clear the staff session cookie
(portal/session_routes.py).

Launch with `streamlit run portal/server.py`: Streamlit finds `app` and serves it with uvicorn.
Page tests (AppTest) keep running portal/app.py.
"""

import streamlit as st
from starlette.middleware import Middleware

from portal.plate_card import PlateCardMiddleware
from portal.session_routes import ROUTES
from portal.static_assets import StaticAssetsMiddleware

app = st.App(
    "app.py",
    routes=ROUTES,
    middleware=[Middleware(StaticAssetsMiddleware), Middleware(PlateCardMiddleware)],
)
