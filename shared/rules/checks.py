"""信息自动分析、比对: the automatic comparison rules, run at submit and by `menpai recheck`.

Every rule is a named function of a `DeclarationCheck` (in `shared.rules.people`,
`shared.rules.dates` and `shared.rules.records`) returning findings whose rule id is the
function's name. `run_rules` runs them all over one declaration and returns unsaved findings;
`check_declaration`, which submitting calls (`shared.self_service.submit.COMPARISON_RULES`),
replaces a declaration's findings at submit and at each new version. A rule that crashes is
logged and noted on the declaration as a `rule_failed` event: the others still run, and the declarant's
submission never fails for it. `shared.rules.recheck.recheck_all` re-runs them for the town.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.declarations.store import EventAction, add_event
from shared.models import Declaration, DeclarationVersion, Finding
from shared.rules.base import DeclarationCheck, Declared, RuleSettings, load_rule_settings, read_declared
from shared.rules.dates import foreigner_registered_late, impossible_dates, late_declaration
from shared.rules.lookup import Records
from shared.rules.people import (
    foreigner_passport_visa,
    id_matches_birth_sex,
    id_number_valid,
    minor_without_adult,
    phone_valid,
)
from shared.rules.records import (
    declarant_not_owner,
    duplicate_pending,
    plate_active,
    residence_in_industrial_building,
    resident_elsewhere,
    room_active,
    room_not_rental,
    room_over_capacity,
)

__all__ = [
    "RULES",
    "RULE_LABELS",
    "RuleResult",
    "RuleSettings",
    "check_declaration",
    "evaluate",
    "load_rule_settings",
    "rule_result",
    "run_rules",
]

log = logging.getLogger(__name__)
RULES_ACTOR = "rules"  # actor of rule_failed events and recheck's audit entries

Rule = Callable[[DeclarationCheck], list[Finding]]

# In the order an officer reads them: the address, the documents, then the comparisons.
RULES: tuple[Rule, ...] = (
    plate_active,
    room_active,
    id_number_valid,
    id_matches_birth_sex,
    phone_valid,
    foreigner_passport_visa,
    impossible_dates,
    resident_elsewhere,
    duplicate_pending,
    room_over_capacity,
    room_not_rental,
    declarant_not_owner,
    minor_without_adult,
    residence_in_industrial_building,
    late_declaration,
    foreigner_registered_late,
)

# What the queue's rule filter and the recheck summary call each rule id.
RULE_LABELS: dict[str, tuple[str, str]] = {
    "plate_active": ("门牌不存在或已停用", "Plate missing or retired"),
    "room_active": ("房间不存在或已停用", "Room missing or retired"),
    "id_number_valid": ("证件号码有误", "Document number invalid"),
    "id_matches_birth_sex": ("出生日期或性别与证件号码不符", "Birth date or sex disagree with the document"),
    "phone_valid": ("联系电话有误", "Phone invalid"),
    "foreigner_passport_visa": ("外国人护照、签证信息", "Foreigner's passport or visa"),
    "impossible_dates": ("日期不合理", "Impossible dates"),
    "resident_elsewhere": ("已在别处登记居住", "Resident elsewhere"),
    "duplicate_pending": ("重复申报", "Duplicate pending declaration"),
    "room_over_capacity": ("人均面积不足", "Room over capacity"),
    "room_not_rental": ("房间未登记为出租屋", "Room not registered as a rental"),
    "declarant_not_owner": ("申报人不是登记业主或负责人", "Declarant is not the recorded owner or manager"),
    "minor_without_adult": ("未成年人无成年人同住", "Minor without an adult"),
    "residence_in_industrial_building": ("厂房、仓库内住人", "Residence in a factory or warehouse"),
    "late_declaration": ("逾期申报", "Late declaration"),
    "foreigner_registered_late": ("外国人未在24小时内登记", "Foreigner not registered within 24 hours"),
}


@dataclass(frozen=True)
class RuleResult:
    """The findings of one run over one declaration, and the rules that crashed in it."""

    findings: list[Finding]
    failed: tuple[str, ...] = ()


def evaluate(check: DeclarationCheck, *, now: datetime) -> RuleResult:
    """Run every rule; one that raises is logged and named in `failed`, the rest still run."""
    findings: list[Finding] = []
    failed: list[str] = []
    for rule in RULES:
        try:
            found = rule(check)
        except Exception:
            log.exception("rule %s failed on declaration %s", rule.__name__, check.declared.declaration_id)
            failed.append(rule.__name__)
            continue
        for item in found:
            item.declaration_id = check.declared.declaration_id
            item.created_at = now
        findings.extend(found)
    return RuleResult(findings, tuple(failed))


def rule_result(
    session: Session,
    declaration: Declaration,
    payload: Mapping[str, Any],
    *,
    now: datetime,
    settings: RuleSettings | None = None,
    records: Records | None = None,
    version_at: datetime | None = None,
) -> RuleResult:
    """Run the rules over one declaration at its current version (`payload`), as of `now`.
    `version_at`: when that version was made, if the caller knows (else read, or for a first
    version the declaration's own time)."""
    today = local_today(now)
    declared = read_declared(
        declaration_id=declaration.id,
        kind=declaration.kind,
        # A declaration at a typed address (no plate yet) reads as a missing plate.
        plate_code=declaration.plate_code or "",
        payload=payload,
    )
    # A first version is as old as the declaration.
    if version_at is None:
        version_at = (
            declaration.created_at
            if declaration.version == 1
            else session.scalar(
                select(DeclarationVersion.created_at).where(
                    DeclarationVersion.declaration_id == declaration.id,
                    DeclarationVersion.version == declaration.version,
                )
            )
        )
    if records is None:
        records = Records(session, today=today)
    # A rental may list thousands of rooms: read them in bulk, skipping what is already known.
    records.prefetch([declared], holds_whole_plates=False)
    check = build_check(
        declared,
        records=records,
        settings=settings or load_rule_settings(),
        now=now,
        version_at=version_at,
        submitted_at=declaration.created_at,
    )
    return evaluate(check, now=now)


def build_check(
    declared: Declared,
    *,
    records: Records,
    settings: RuleSettings,
    now: datetime,
    version_at: datetime | None,
    submitted_at: datetime | None,
) -> DeclarationCheck:
    """The check of one declaration; the days are China's (a declaration at 07:00 in Mayong is
    23:00 the day before in UTC)."""
    today = local_today(now)
    version_on = local_today(version_at) if version_at else today
    submitted_on = local_today(submitted_at) if submitted_at else version_on
    return DeclarationCheck(declared, records, settings, today, version_on, submitted_on)


def run_rules(
    session: Session,
    declaration: Declaration,
    payload: Mapping[str, Any],
    *,
    now: datetime,
    settings: RuleSettings | None = None,
) -> list[Finding]:
    """Every rule's findings on `declaration` with this payload: unsaved, for the caller to add."""
    return rule_result(session, declaration, payload, now=now, settings=settings).findings


def check_declaration(
    session: Session, declaration: Declaration, payload: Mapping[str, Any], records: Records
) -> list[Finding]:
    """The comparison rules as submitting runs them: the findings of the new version replace the
    previous version's; a crashed rule leaves a `rule_failed` event naming it. Its clock is the
    declaration's own `updated_at`, which submitting and every new version set to their `now`."""
    now = declaration.updated_at
    # The version being checked was made just now (and is not written yet).
    result = rule_result(session, declaration, payload, now=now, records=records, version_at=now)
    # Only this hook's rule ids: another hook's findings of this version may be waiting to flush.
    # A first version has no earlier findings to replace.
    if declaration.version > 1:
        session.execute(
            delete(Finding)
            .where(Finding.declaration_id == declaration.id, Finding.rule.in_(RULE_LABELS))
            .execution_options(synchronize_session="fetch")
        )
    for name in result.failed:
        add_event(session, declaration, action=EventAction.RULE_FAILED, actor=RULES_ACTOR, now=now, note=name)
    return result.findings
