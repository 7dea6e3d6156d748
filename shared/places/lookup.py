"""Finding a village (村/社区) or a grid (网格) from what a person typed: its code or its name.

Officers know villages and grids by name; the records key them by 12-digit and 15-digit codes.
Every command and page that takes one goes through here, so all accept the same spellings and
refuse the same way: in both languages, with the close matches to pick from.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.errors import DomainError
from shared.models import Grid, Village

# A village is often said without its kind: 麻一 for 麻一村, 新基 for 新基社区.
_VILLAGE_SUFFIXES = ("村", "社区", "居委会", "村委会")
_SHOWN_MATCHES = 5


def find_village(session: Session, text: str) -> Village:
    """The village whose code, name, English name (any case) or name without 村/社区 is `text`.

    Raises a DomainError naming the close matches when none is, or when several are.
    """
    wanted = text.strip()
    villages = list(session.scalars(select(Village).order_by(Village.code)))
    exact = [v for v in villages if wanted in (v.code, v.name) or _same_words(v.name_en, wanted)]
    if not exact:
        exact = [v for v in villages if any(v.name == wanted + s for s in _VILLAGE_SUFFIXES)]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise _ambiguous_village(wanted, exact)
    # Words inside a name are suggestions, never a silent choice: an export of the wrong village
    # would look right.
    folded = wanted.casefold()
    containing = [
        v for v in villages if wanted and any(folded in s.casefold() for s in (v.name, v.code, v.name_en))
    ]
    if len(containing) > 1:
        raise _ambiguous_village(wanted, containing)
    spellings = {s: _label(v) for v in villages for s in (v.name, v.code, v.name_en) if s}
    suggestions = [_label(v) for v in containing] or _close(wanted, spellings)
    raise DomainError(
        f"没有找到村（社区）“{wanted}”。{_did_you_mean_zh(suggestions)}",
        f"No village or community “{wanted}” was found.{_did_you_mean_en(suggestions)}",
        field="village",
    )


def find_grids(session: Session, texts: Iterable[str]) -> list[Grid]:
    """The grids named by `texts` (each a code or a grid's name), in order, without repeats.

    Raises one DomainError listing every text that is unknown (with close matches) or names
    several grids (with their villages and codes).
    """
    grids = list(session.scalars(select(Grid).order_by(Grid.code)))
    villages = {v.code: v.name for v in session.scalars(select(Village))}
    found: dict[str, Grid] = {}
    problems_zh: list[str] = []
    problems_en: list[str] = []
    for text in (t.strip() for t in texts):
        if not text:
            continue
        matches = [g for g in grids if g.code == text] or [g for g in grids if g.name == text]
        if len(matches) == 1:
            found.setdefault(matches[0].code, matches[0])
            continue
        if matches:
            listed = "; ".join(
                f"{villages.get(g.village_code, g.village_code)} {g.name} {g.code}" for g in matches
            )
            problems_zh.append(f"“{text}”有多个网格同名，请用编码：{listed}")
            problems_en.append(f"“{text}” names several grids, give the code: {listed}")
            continue
        close = _close(text, {s: f"{g.name} {g.code}" for g in grids for s in (g.code, g.name)})
        problems_zh.append(f"网格不存在：“{text}”{_did_you_mean_zh(close)}")
        problems_en.append(f"No such grid: “{text}”{_did_you_mean_en(close)}")
    if problems_zh:
        hint_zh, hint_en = "（menpai grids 列出全部网格）", " (menpai grids lists every grid)"
        raise DomainError("；".join(problems_zh) + hint_zh, "; ".join(problems_en) + hint_en, field="grids")
    return list(found.values())


def _label(village: Village) -> str:
    return f"{village.name} {village.code}"


def _same_words(english: str, wanted: str) -> bool:
    return bool(english) and english.casefold() == wanted.casefold()


def _close(wanted: str, spellings: dict[str, str]) -> list[str]:
    """The labels whose spellings (spelling → label) are close to `wanted`, closest first."""
    close = difflib.get_close_matches(wanted, list(spellings), n=_SHOWN_MATCHES * 2, cutoff=0.5)
    return list(dict.fromkeys(spellings[s] for s in close))[:_SHOWN_MATCHES]


def _ambiguous_village(wanted: str, villages: list[Village]) -> DomainError:
    labels = [_label(v) for v in villages[:_SHOWN_MATCHES]]
    more = len(villages) > _SHOWN_MATCHES
    return DomainError(
        f"“{wanted}”可指多个村（社区），请写全名或编码：{'；'.join(labels)}{'……' if more else ''}",
        f"“{wanted}” could mean several villages or communities; give one's full name or code: "
        f"{'; '.join(labels)}{'…' if more else ''}",
        field="village",
    )


def _did_you_mean_zh(labels: list[str]) -> str:
    return f"是否要找：{'；'.join(labels)}？" if labels else ""


def _did_you_mean_en(labels: list[str]) -> str:
    return f" Did you mean: {'; '.join(labels)}?" if labels else ""
