"""One phone user declaring as a tenant from a plate link, played over Streamlit's own protocol
(`bench.streamlit_client`) with the same fields, in the same order, as the browser tests
(`tests.e2e.steps.tenant_form`): the load benchmark and the driver's browser check share it.

The plate page is ready when its two declaring buttons are on it (the browser tests wait for the
same): on the plate card, as a phone gets it, whose 我住在这里 then loads the form's page; the
submission is done when 申报已提交 shows, and the receipt code is read from the page.
Between field steps the user may pause (`think`): people read and type; a load with no pauses
is a stress test, not a crowd.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin

from bench.streamlit_client import PageError, StreamlitClient
from tests.e2e.steps import CONSENT, PLATE_BUTTONS, Field, tenant_form
from tests.factories import make_id_number

SUBMITTED = "申报已提交"
TENANT_BUTTON = "我住在这里"
SUBMIT_BUTTON = "提交申报"
FORM_HEADING = "居住登记：我住在这里"
# As shown, two groups of five (tests.e2e.steps.RECEIPT_CODE), inside the receipt's markdown.
RECEIPT_CODE = re.compile(r"(?<![0-9A-Z])([2-9A-HJKMNP-Z]{5}) ([2-9A-HJKMNP-Z]{5})(?![0-9A-Z])")


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超霞"


def person(serial: int) -> tuple[str, str]:
    """A name and a valid, distinct citizen number for each serial (60 years of birthdays times
    1,000 sequence numbers): every visit declares someone else, so none is taken for a repeat."""
    born = date(1960, 1, 1) + timedelta(days=serial % 21_900)
    name = SURNAMES[serial % len(SURNAMES)] + GIVEN[serial // len(SURNAMES) % len(GIVEN)]
    return name, make_id_number("440106", f"{born:%Y%m%d}", f"{serial // 21_900 % 1000:03d}")


@dataclass
class Declared:
    """What one visit saw, and when."""

    page_ready_s: float
    form_ready_s: float
    submit_s: float
    receipt_code: str


def declare_tenant(
    client: StreamlitClient,
    link: str,
    *,
    room: str,
    name: str,
    id_number: str,
    moved_in: date | None = None,
    think: Callable[[], None] = lambda: None,
) -> Declared:
    """Open the plate link, open the tenant form, fill it, tick the notice, submit; the receipt."""
    started = time.perf_counter()
    card = client.fetch(link)  # the plate card (portal/plate_card.py), one HTML page
    form_link = _button_link(card, TENANT_BUTTON)
    if form_link is None:  # no card (another server, a staff browser): the plate page in the app
        client.open(link)
        client.wait_for(lambda: all(client.has_widget(b, "button") for b in PLATE_BUTTONS))
    page_ready = time.perf_counter() - started
    think()
    started = time.perf_counter()
    if form_link is None:
        client.click(TENANT_BUTTON)
    else:  # the card's button is a link: the browser loads the form's page
        client.open(urljoin(link, form_link))
    client.wait_for(lambda: client.has_text(FORM_HEADING) and not client.running)
    form_ready = time.perf_counter() - started
    for field in tenant_form(room=room, name=name, id_number=id_number, moved_in=moved_in):
        think()
        fill(client, field)
    think()
    client.tick(CONSENT)
    think()
    started = time.perf_counter()
    client.click(SUBMIT_BUTTON)
    client.wait_for(lambda: client.has_text(SUBMITTED))
    submitted = time.perf_counter() - started
    client.settle()
    codes = [m.group(1) + m.group(2) for text in client.texts() for m in RECEIPT_CODE.finditer(text)]
    if len(set(codes)) != 1:
        raise PageError(f"not one receipt code on the receipt page: {codes}")
    return Declared(page_ready, form_ready, submitted, codes[0])


def _button_link(card: str, label: str) -> str | None:
    """Where the card's button `label` leads, if the page is the card with that button."""
    found = re.search(rf'<a role="button" class="[^"]*" href="([^"]+)">{re.escape(label)}</a>', card)
    return html.unescape(found[1]) if found else None


def fill(client: StreamlitClient, field: Field) -> None:
    """One field as tests.e2e.steps describes it: "type", "choose" or "date"."""
    how: dict[str, Callable[[str, Any], None]] = {
        "type": client.type,
        "choose": client.choose,
        "date": client.enter_date,
    }
    how[field.how](field.label, field.value)
