"""A QR code on a phone's screen, to keep (a screenshot) or to show at a gate."""

import base64
from html import escape

import streamlit as st

_IMAGE = (
    '<img src="data:image/png;base64,{data}" width="{width}" alt="{alt}"'
    ' style="display: block; max-width: 100%">'
)


def show_qr(png: bytes, *, alt: str, width: int) -> None:
    """The code as a plain image: Streamlit's own (st.image) shows a full-screen button over the
    line above it while a finger rests there, and on a phone it rests where the tap was (the
    receipt code "Y636J" read "Y636 I" under it)."""
    data = base64.b64encode(png).decode("ascii")
    st.html(_IMAGE.format(data=data, width=width, alt=escape(alt)))
