"""居住证: when a migrant resident may apply for a Guangdong residence permit, and what to bring.

居住证暂行条例 第二条 and 广东省流动人口服务管理条例: a citizen living away from their household
registration for half a year (183 days here) of registered residence may apply. We count the
unbroken registered stay in the town: moving from one room to another the day the last one
ended keeps the count; a gap starts it again. Only 流动人口 apply (mainland citizens registered
elsewhere): local people need none, people from Hong Kong, Macao, Taiwan and abroad have
permits of their own. What to bring is the code list `permit_documents` (data/codes/), so the
town can change it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.codes import Code, code_list
from shared.gate.passes import listed_residences
from shared.models import DeclarationKind, DeclarationStatus, Person, PersonCategory, Residence
from shared.places.plates import active_residence_filter
from shared.self_service.receipt_view import ReceiptView

PERMIT_DAYS = 183  # half a year of registered residence
DOCUMENTS_LIST = "permit_documents"


@dataclass(frozen=True)
class PermitNotice:
    """What a receipt says about one resident's 居住证: since when they have lived here, and
    from which day they may apply (`days`: how long they have lived here today)."""

    name: str
    stay_since: date
    eligible_on: date
    days: int

    @property
    def is_eligible(self) -> bool:
        return self.days >= PERMIT_DAYS


def eligible_on(stay_since: date) -> date:
    """The first day a stay that began on `stay_since` may apply: 183 days later."""
    return stay_since + timedelta(days=PERMIT_DAYS)


def stay_start(periods: Iterable[tuple[date, date | None]], today: date) -> date | None:
    """The first day of the unbroken stay (residences `(since, until)`, `until` the move-out day,
    None while open) that includes `today`, or None when nobody lives here today."""
    start: date | None = None
    end = date.min
    for since, until in sorted(p for p in periods if p[0] <= today):
        if start is None or since > end:  # a gap: the count starts again
            start, end = since, until or date.max
        else:
            end = max(end, until or date.max)
    return start if start is not None and end > today else None


def migrant_stays(
    session: Session, *, today: date, person_ids: Iterable[int] | None = None
) -> dict[int, date]:
    """person id → first day of the unbroken stay in town, for every 流动人口 living here today
    (or only those of `person_ids`)."""
    living = select(Residence.person_id).where(active_residence_filter(today))
    query = (
        select(Residence.person_id, Residence.since, Residence.until)
        .join(Person, Person.id == Residence.person_id)
        .where(Person.category == PersonCategory.MIGRANT, Residence.person_id.in_(living))
    )
    if person_ids is not None:
        query = query.where(Residence.person_id.in_(list(person_ids)))
    periods: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for person_id, since, until in session.execute(query):
        periods[person_id].append((since, until))
    starts = {person_id: stay_start(stays, today) for person_id, stays in periods.items()}
    return {person_id: start for person_id, start in starts.items() if start is not None}


def permit_notices(session: Session, *, view: ReceiptView, now: datetime) -> list[PermitNotice]:
    """For an approved residence receipt, or a tenant's own view of a rental: each 流动人口 it
    lists who lives where it says. A landlord's receipt has none (the tenant is told on theirs)."""
    is_landlord = view.kind is DeclarationKind.RENTAL and view.tenant_key is None
    if (
        view.status is not DeclarationStatus.APPROVED
        or is_landlord
        or view.kind is DeclarationKind.ORGANISATION
    ):
        return []
    today = local_today(now)
    listed = listed_residences(session, declaration_id=view.declaration_id, now=now, holder=view.tenant_key)
    people = {residence.person_id: residence.person for residence, _ in listed}
    starts = migrant_stays(session, today=today, person_ids=people)
    return [
        PermitNotice(people[person_id].name, starts[person_id], eligible_on(starts[person_id]),
                     (today - starts[person_id]).days)
        for person_id in people
        if person_id in starts
    ]  # fmt: skip


def permit_documents() -> tuple[Code, ...]:
    """What to bring, as the town lists it in data/codes/permit_documents.csv."""
    return code_list(DOCUMENTS_LIST)


def permit_text(notice: PermitNotice) -> tuple[str, str]:
    """The receipt's words about one resident's permit (Chinese, English); the documents are
    listed after it."""
    since, day = notice.stay_since.isoformat(), notice.eligible_on.isoformat()
    if notice.is_eligible:
        return (
            f"{notice.name}自{since}起在本镇连续登记居住已满6个月（{notice.days}天），可以申领广东省居住证。"
            "请携带以下材料到居住地派出所或村（社区）出租屋管理服务中心办理：",
            f"{notice.name} has lived here on record since {since} ({notice.days} days, over 6 months) "
            "and can apply for a Guangdong residence permit (居住证). Bring the following to the local "
            "police station or the village rental-management service centre:",
        )
    return (
        f"{notice.name}自{since}起在本镇登记居住，连续满6个月后（{day}起）可申领广东省居住证。",
        f"{notice.name} has lived here on record since {since}; after 6 months (from {day}) they can "
        "apply for a Guangdong residence permit (居住证).",
    )
