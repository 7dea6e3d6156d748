"""The plate card: what a phone shows first after scanning a door plate, as one small HTML page.

A scanned plate link (`/?p=…`) used to start the whole Streamlit app before the address showed:
about 3 MB of JavaScript to load and compile, 1.1 s on a phone-sized Chromium (issue 12: plate
page ready <= 1.0 s). The person at the door needs the address, the rooms and the ways on, which
are plain text and links; so a fresh GET of a valid plate link is answered here, in one response
with no script, and its buttons open the Streamlit forms. While the card is read, the browser
fetches Streamlit's files at low priority, so the form the person taps opens from its cache.

The Streamlit plate page (portal/app_pages/plate.py) stays for everything else, and any of these
sends the request on to it: a link that is not a valid active plate (its refusal and contacts
live there), a staff session cookie (staff see the resident counts and the rental box), a query
beyond `p` and `lang` (`map=1`: the map drawn), the database out of reach (the app says so).
A navigation inside the app never comes here: it does not fetch the page.

Nothing here may import the app's pages or widgets: a Streamlit component (st_folium) is
registered only when its module is first imported inside a script run, and one imported with the
server is never served (its map frame gets a 404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from html import escape
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from portal.static_assets import form_files, page_files
from portal.ui.browser_session import COOKIE_NAME
from portal.ui.text import ROOMS_SHOWN_OPEN, phone_text, tel_target
from shared.core.availability import is_database_unavailable
from shared.core.clock import local_today
from shared.core.codes import label
from shared.core.db import session_scope
from shared.models import PlateKind
from shared.places.links import MAP_PARAM, PLATE_PARAM
from shared.places.plates import BuildingView, PlateLinkResult, PlateLinkStatus, PlateView, open_plate_link

LANG_PARAM = "lang"
ENGLISH = "English"  # the language switch writes `lang=English` (portal.ui.i18n)
CARD_PARAMS = frozenset({PLATE_PARAM, LANG_PARAM})

NO_BUILDINGS = ("此门牌下暂无楼栋记录。", "No building is recorded at this plate yet.")

Text = Callable[[str, str], str]


def plate_card_html(plate: PlateView, *, token: str, lang: str) -> str:
    """The whole card for an active plate, in `lang` ("zh" or "en"); every stored text escaped."""

    def t(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    query = {PLATE_PARAM: token} | ({LANG_PARAM: ENGLISH} if lang == "en" else {})
    kind = (
        t("正式门牌", "Permanent plate")
        if plate.kind is PlateKind.FORMAL
        else t("临时门牌", "Temporary plate")
    )
    parts = [
        _language_switch(token, lang),
        f'<p class="caption">{escape(plate.village_name)} · {kind} · {escape(plate.code)}</p>',
        f"<h2>麻涌镇 {escape(plate.address)}</h2>",
        *(_building(building, t, lang) for building in plate.buildings),
        "" if plate.buildings else f'<p class="info">{t(*NO_BUILDINGS)}</p>',
        '<div class="pair">',
        _button(t("我是房东/管理人", "I am the landlord or manager"), "declare-landlord", query, "primary"),
        _button(t("我住在这里", "I live here"), "declare-tenant", query, "primary"),
        "</div>",
        _button(t("单位申报", "Declare an organisation here"), "declare-organisation", query, "tertiary"),
        _button(
            t("我的回执（查进度、补正、搬离）", "My receipt (progress, corrections, move-out)"),
            "receipt",
            {LANG_PARAM: ENGLISH} if lang == "en" else {},
            "secondary",
        ),
        _officer(plate, t),
        _map_link(plate, query, t),
        f'<p class="foot"><a href="./staff{_query({LANG_PARAM: ENGLISH} if lang == "en" else {})}">'
        f"{t('工作人员登录', 'Staff sign-in')}</a></p>",
    ]
    title = f"{escape(plate.address)} · 门牌 Menpai"
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{CARD_CSS}</style>{_prefetch_streamlit()}</head>"
        f"<body><main>{''.join(parts)}</main></body></html>"
    )


def _query(values: dict[str, str]) -> str:
    """A query for an href, `&` written as `&amp;` as HTML wants it."""
    return escape(f"?{urlencode(values)}") if values else ""


def _language_switch(token: str, lang: str) -> str:
    """中文 / English as links that keep the plate; the chosen one is marked, as radios are."""
    options = (
        ("zh", "中文", {PLATE_PARAM: token}),
        ("en", "English", {PLATE_PARAM: token, LANG_PARAM: ENGLISH}),
    )
    links = "".join(
        f'<a role="radio" aria-checked="{str(code == lang).lower()}" href="./{_query(query)}">{name}</a>'
        for code, name, query in options
    )
    return f'<div class="lang" role="radiogroup" aria-label="语言 Language">{links}</div>'


def _building(building: BuildingView, t: Text, lang: str) -> str:
    name = escape(building.name or t("楼栋", "Building"))
    head = (
        f"<p><b>{name}</b> · {escape(label('building_type', building.type, lang))}"
        f" · {escape(label('building_use', building.use, lang))} · {building.floors} {t('层', 'floors')}</p>"
    )
    rows = "".join(
        f"<tr><td>{escape(room.number)}</td><td>{room.floor}</td>"
        f"<td>{t('是', 'yes') if room.is_rental else t('否', 'no')}</td></tr>"
        for room in building.rooms
    )
    table = (
        f"<table><thead><tr><th>{t('房间', 'Room')}</th><th>{t('楼层', 'Floor')}</th>"
        f"<th>{t('出租', 'Rental')}</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    if len(building.rooms) > ROOMS_SHOWN_OPEN:  # folded, so the buttons stay near the top
        count = len(building.rooms)
        table = f"<details><summary>{t(f'{count} 间房', f'{count} rooms')}</summary>{table}</details>"
    return f'<section class="box">{head}{table if building.rooms else ""}</section>'


def _button(text: str, page: str, query: dict[str, str], kind: str) -> str:
    """A link that looks and reads (role) as the app's buttons do."""
    return f'<a role="button" class="button {kind}" href="./{page}{_query(query)}">{escape(text)}</a>'


def _officer(plate: PlateView, t: Text) -> str:
    officer = f"{escape(plate.officer_name or '—')} {_phone_link(plate.officer_phone)}"
    police = f"{escape(plate.police_station)} {_phone_link(plate.police_phone)}"
    return (
        f'<section class="box"><b>{t("网格员", "Grid officer")}</b>: {officer}'
        f"<br><b>{t('网格', 'Grid')}</b>: {escape(plate.grid_name or '—')}"
        f"<br><b>{t('派出所', 'Police station')}</b>: {police}</section>"
    )


def _phone_link(phone: str | None) -> str:
    """A number as people dial it, one tap to call."""
    if not phone:
        return ""
    return f'<a href="{escape(tel_target(phone))}">{escape(phone_text(phone))}</a>'


def _map_link(plate: PlateView, query: dict[str, str], t: Text) -> str:
    if plate.lon is None or plate.lat is None:
        return ""
    href = f"./{_query(query | {MAP_PARAM: '1'})}"
    return f'<p><a class="map" href="{href}">{t("在地图上查看位置", "Show on a map")}</a></p>'


@lru_cache(maxsize=1)
def _prefetch_streamlit() -> str:
    """Streamlit's own scripts, styles and fonts, and those of the forms' widgets, fetched while
    the card is read (low priority, after the card is drawn), so the form opened from it starts
    from the browser's cache."""
    files = dict.fromkeys([*page_files(), *form_files()])
    return "".join(f'<link rel="prefetch" crossorigin href="./{escape(path)}">' for path in files)


CARD_CSS = """
body{margin:0;color:#1c1c1c;background:#fff;font-size:16px;line-height:1.5;
font-family:"Source Sans",-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:736px;margin:0 auto;padding:1rem 1rem 3rem}
h2{font-size:1.6rem;line-height:1.25;margin:.25rem 0 1rem}
.caption{color:#6b6f76;font-size:.875rem;margin:0}
.lang{display:inline-flex;border:1px solid #d5dae0;border-radius:.5rem;overflow:hidden;margin-bottom:.75rem}
.lang a{padding:.3rem .9rem;color:#1c1c1c;text-decoration:none}
.lang a[aria-checked="true"]{background:#1f5fa8;color:#fff}
.box{border:1px solid #d5dae0;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}
.box p{margin:0 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border-bottom:1px solid #e6e9ef;padding:.3rem .5rem;text-align:left}
th{color:#6b6f76;font-weight:600}
summary{cursor:pointer;color:#1f5fa8;padding:.25rem 0}
.pair{display:flex;gap:.75rem}
.pair .button{flex:1;display:flex;align-items:center;justify-content:center}
.button{display:block;box-sizing:border-box;text-align:center;text-decoration:none;border-radius:.5rem;
padding:.6rem .75rem;margin:0 0 .75rem;min-height:2.75rem;font-weight:500}
.primary{background:#1f5fa8;color:#fff;border:1px solid #1f5fa8}
.secondary{background:#fff;color:#1c1c1c;border:1px solid #d5dae0}
.tertiary{display:inline-block;color:#1f5fa8;padding-left:0;padding-right:0}
.info{background:#eef3f9;border-radius:.5rem;padding:.75rem 1rem}
a{color:#1f5fa8}
a[href^="tel:"]{white-space:nowrap}
.map{font-weight:500}
.foot{margin-top:2rem;font-size:.875rem}
"""


def card_lang(lang_value: str | None) -> str:
    return "en" if lang_value == ENGLISH else "zh"


def wants_card(method: str, path: str, query_keys: Iterable[str], cookies: Iterable[str]) -> bool:
    """Only a fresh GET of a plain plate link, from someone who is not signed in as staff."""
    keys = set(query_keys)
    return (
        method == "GET"
        and path == "/"
        and PLATE_PARAM in keys
        and keys <= CARD_PARAMS
        and COOKIE_NAME not in set(cookies)
    )


async def plate_card_response(request: Request) -> HTMLResponse | None:
    """The card, or None to let the Streamlit app answer (see the module's docstring)."""
    token = request.query_params.get(PLATE_PARAM, "")
    try:
        result = await run_in_threadpool(_open_plate_link, token)
    except Exception as error:
        if is_database_unavailable(error):
            return None  # the app tells the person the service is down and retries
        raise
    if result.status is not PlateLinkStatus.OK or result.plate is None:
        return None
    html = plate_card_html(result.plate, token=token, lang=card_lang(request.query_params.get(LANG_PARAM)))
    return HTMLResponse(html, headers={"Cache-Control": "no-cache", "Referrer-Policy": "same-origin"})


def _open_plate_link(token: str) -> PlateLinkResult:
    """What the link leads to (`open_plate_link` verifies it first: a forged one reads nothing)."""
    with session_scope() as session:
        return open_plate_link(session, token, today=local_today())


class PlateCardMiddleware:
    """Answers a plate link's first GET with the card; everything else goes on to Streamlit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            if wants_card(request.method, request.url.path, request.query_params.keys(), request.cookies):
                response = await plate_card_response(request)
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
