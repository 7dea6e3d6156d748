"""住户通行码: resident passes, issued for approved residences and checked at the gates.

A pass is bound to the person, the room (through the residence it was issued for) and a
validity window; it is revoked or runs out, never deleted. The gate allows it when its
signature verifies, it is neither revoked nor out of its window, the residence is still active
and the home lies in what the gate admits; otherwise it refuses with one plain reason. Every
check, allowed or not, writes a passage with a pseudonym, never a name. A foreign national's
pass ends with their visa or residence permit (出境入境管理法 第四十三条: staying beyond it is
illegal residence): no pass is valid past it, and none is issued once it has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.clock import CHINA_TZ, local_today
from shared.core.crypto import id_blind_index
from shared.core.errors import DomainError, ValidationError
from shared.core.validate_text import typed_text
from shared.declarations.store import payload_of
from shared.gate.pass_tokens import PassKind, pass_qr_png, sign_pass
from shared.models import (
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    Person,
    Residence,
    ResidentPass,
)
from shared.places.plates import active_residence_filter

__all__ = [
    "PassView",
    "has_visa_ended",
    "issue_pass",
    "latest_pass",
    "listed_residences",
    "pass_for_receipt",
    "pass_qr_png",
    "pass_token",
    "pass_views_for_receipt",
    "passes_for_receipt",
    "revoke_pass",
]

DEFAULT_VALID_DAYS = 180  # renewed on the receipt page: a pass outlives no one's stay by long
MAX_REVOKE_REASON = 200


def pass_token(resident_pass: ResidentPass) -> str:
    """The text of the pass's QR code (`R12.K` + 16 signature characters)."""
    return sign_pass(PassKind.RESIDENT, resident_pass.id)


def issue_pass(
    session: Session,
    *,
    residence_id: int,
    now: datetime,
    valid_days: int = DEFAULT_VALID_DAYS,
    actor: str = "declarant",
) -> ResidentPass:
    """A new pass for an active residence, valid from `now` for `valid_days`, but not past the
    end of the planned stay when one is recorded and still ahead, nor past the holder's visa."""
    residence = session.get(Residence, residence_id)
    today = local_today(now)
    if residence is None or not is_residence_active(residence.until, today):
        raise DomainError(
            "该居住登记已结束或不存在，不能签发通行码", "No current residence to issue a pass for"
        )
    if valid_days < 1:
        raise ValueError("valid_days must be at least 1")
    if has_visa_ended(residence.person.visa_expiry, today):
        raise DomainError(
            "签证或居留许可已到期，不能签发通行码",
            "The visa or residence permit has expired: no pass is issued",
        )
    until = now + timedelta(days=valid_days)
    if residence.planned_until is not None and residence.planned_until >= today:
        until = min(until, _end_of_day(residence.planned_until))
    if residence.person.visa_expiry is not None:
        until = min(until, _end_of_day(residence.person.visa_expiry))
    issued = ResidentPass(
        person_id=residence.person_id,
        room_id=residence.room_id,
        residence_id=residence.id,
        valid_from=now,
        valid_until=until,
        created_at=now,
    )
    session.add(issued)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="pass.issue",
        target_type="resident_pass",
        target_id=issued.id,
        detail={"residence_id": residence.id, "valid_until": until},
        at=now,
    )
    return issued


def passes_for_receipt(session: Session, *, declaration_id: int, now: datetime) -> list[ResidentPass]:
    """The passes of an approved residence declaration, the declarant's first, then the family's;
    of an approved rental, its tenants' (the landlord shows each tenant theirs).

    A current pass is kept; a missing or expired one is issued afresh (the receipt's code and
    document check are the renewal); a revoked one stays revoked and is returned as it is, so
    the page can say so. People who moved out get none.
    """
    return [resident_pass for resident_pass, _ in _receipt_passes(session, declaration_id, now)]


@dataclass(frozen=True)
class PassView:
    """A pass as the receipt page shows it (plain values): the QR's text, whose, until when."""

    token: str
    name: str
    valid_until: datetime
    is_revoked: bool
    is_visa_expired: bool = False  # the holder's visa has passed: no new pass until it is renewed


def pass_views_for_receipt(
    session: Session, *, declaration_id: int, now: datetime, holder: str | None = None
) -> list[PassView]:
    """`passes_for_receipt` with each holder's name, for the receipt page (the declarant typed
    them); with `holder` (a document's blind index), that person's only: a tenant's own view."""
    views = []
    today = local_today(now)
    for resident_pass, _ in _receipt_passes(session, declaration_id, now, holder):
        person = session.get(Person, resident_pass.person_id)
        views.append(
            PassView(
                pass_token(resident_pass),
                person.name if person else "",
                resident_pass.valid_until,
                resident_pass.revoked_at is not None,
                person is not None and has_visa_ended(person.visa_expiry, today),
            )
        )
    return views


def pass_for_receipt(session: Session, *, declaration_id: int, now: datetime) -> ResidentPass | None:
    """The declarant's own pass of an approved residence declaration (issued on first request)."""
    mine = (p for p, is_declarant in _receipt_passes(session, declaration_id, now) if is_declarant)
    return next(mine, None)


def _receipt_passes(
    session: Session, declaration_id: int, now: datetime, holder: str | None = None
) -> list[tuple[ResidentPass, bool]]:
    found: list[tuple[ResidentPass, bool]] = []
    listed = listed_residences(session, declaration_id=declaration_id, now=now, holder=holder)
    for residence, is_declarant in listed:
        latest = latest_pass(session, residence.id)
        if latest is None or (latest.revoked_at is None and latest.valid_until <= now):
            if has_visa_ended(residence.person.visa_expiry, local_today(now)):
                if latest is not None:  # kept, so the page can say why it no longer admits
                    found.append((latest, is_declarant))
                continue
            latest = issue_pass(session, residence_id=residence.id, now=now)
        found.append((latest, is_declarant))
    return found


def listed_residences(
    session: Session, *, declaration_id: int, now: datetime, holder: str | None = None
) -> list[tuple[Residence, bool]]:
    """(residence, is the declarant's) for each person an approved declaration lists who lives
    where it says today: a residence's declarant and family in its room, a rental's tenants each
    in their room (the landlord gets none: he does not live there). `holder`, a document's blind
    index, keeps that one person only (a tenant's own view). People are found by their
    documents, not by `Residence.declaration_id`: a later declaration of the same person takes
    the residence over, and the pass must stay."""
    declaration = session.get(Declaration, declaration_id)
    if (
        declaration is None
        or declaration.kind is DeclarationKind.ORGANISATION
        or declaration.status is not DeclarationStatus.APPROVED
    ):
        return []
    payload = payload_of(declaration)
    if declaration.kind is DeclarationKind.RESIDENCE:
        room = int(payload["room_id"])
        listed = [(_index(p), room) for p in (payload["person"], *payload["family"])]
    else:
        listed = [(_index(t["person"]), int(t["room_id"])) for t in payload["tenants"]]
    declarant = listed[0][0] if declaration.kind is DeclarationKind.RESIDENCE else None
    order = {pair: n for n, pair in reversed(list(enumerate(listed)))}
    if holder is not None:
        order = {pair: n for pair, n in order.items() if pair[0] == holder}
    if not order:
        return []
    rows = session.execute(
        select(Residence, Person.id_number_index)
        .join(Person, Residence.person_id == Person.id)
        .where(
            Person.id_number_index.in_({index for index, _ in order}),
            Residence.room_id.in_({room for _, room in order}),
            active_residence_filter(local_today(now)),
        )
    ).all()
    found = sorted(
        (order[(index, residence.room_id)], residence.id, residence, index)
        for residence, index in rows
        if (index, residence.room_id) in order
    )  # the declarant first, then the family or the tenants as listed
    return [(residence, index == declarant) for _, _, residence, index in found]


def _index(person: dict[str, str]) -> str:
    return id_blind_index(person["id_type"], person["id_number"])


def latest_pass(session: Session, residence_id: int) -> ResidentPass | None:
    """The pass last issued for a residence (a renewal is a new pass; old ones are kept)."""
    return session.scalars(
        select(ResidentPass)
        .where(ResidentPass.residence_id == residence_id)
        .order_by(ResidentPass.id.desc())
        .limit(1)
    ).first()


def revoke_pass(session: Session, *, pass_id: int, actor: str, reason: str, now: datetime) -> ResidentPass:
    """注销: the pass admits no one from now on (a lost phone, a misuse). Revoking twice keeps
    the first revocation."""
    if not reason.strip():
        raise ValidationError("请填写注销原因", "Give a reason for the revocation", field="reason")
    text = typed_text(reason, max_chars=MAX_REVOKE_REASON, field="reason", label=("注销原因", "Reason"))
    resident_pass = session.get(ResidentPass, pass_id)
    if resident_pass is None:
        raise DomainError("找不到该通行码", "No such pass")
    if resident_pass.revoked_at is None:
        resident_pass.revoked_at = now
        resident_pass.revoked_reason = text
        record_audit(
            session,
            actor=actor,
            action="pass.revoke",
            target_type="resident_pass",
            target_id=pass_id,
            detail={"reason": text},
            at=now,
        )
        session.flush()
    return resident_pass


def has_visa_ended(visa_expiry: date | None, today: date) -> bool:
    """A visa or residence permit is good through its expiry day (China time), ended after it."""
    return visa_expiry is not None and visa_expiry < today


def _end_of_day(day: date) -> datetime:
    """The moment `day` ends in China: midnight starting the next day."""
    return datetime.combine(day + timedelta(days=1), time(), CHINA_TZ)


def is_residence_active(until: date | None, today: date) -> bool:
    """A residence counts while it has no end date or ends after today (as `shared.places.plates`)."""
    return until is None or until > today
