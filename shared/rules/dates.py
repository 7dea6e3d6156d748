"""Comparison rules about a declaration's dates: how late it came, and dates that cannot be.

Lateness is measured to the first submission (`DeclarationCheck.submitted_on`, a day in China):
a later correction does not make a declaration late. The dates the forms refuse are checked
again here for payloads that came another way (uploads, corrections, older rules).
"""

from __future__ import annotations

from collections import defaultdict

from shared.declarations.inputs import CHINESE_NATIONALITIES, RentalInput, ResidenceInput
from shared.models import Finding, Severity
from shared.rules.base import DeclarationCheck, Subject, finding, working_days_after


def late_declaration(check: DeclarationCheck) -> list[Finding]:
    """逾期申报: declared more than `late_working_days` working days after moving in (广东省流动
    人口服务管理条例: residence registration within a few working days of arrival). People moving
    in with a foreign national are judged by the 24-hour rule instead (`foreigner_registered_late`).
    Measured to the first submission: a later correction does not make it late."""
    found: list[Finding] = []
    settings, declared_on = check.settings, check.submitted_on
    for path, people in _by_move_in(check).items():
        if any(_is_foreign(p) for p in people):
            continue
        working = working_days_after(people[0].move_in, declared_on)
        if working > settings.late_working_days:
            limit = settings.late_working_days
            found.append(
                finding(
                    "late_declaration",
                    Severity.WARNING,
                    path,
                    f"入住{working}个工作日后才申报（应在{limit}个工作日内）",
                    f"declared {working} working days after moving in (due within {limit})",
                )
            )
    return found


def foreigner_registered_late(check: DeclarationCheck) -> list[Finding]:
    """外国人逾期登记: a foreign national living outside a hotel registers within 24 hours of
    arriving (出境入境管理法 第三十九条; 第七十六条 fines the lapse). The form gives the move-in day,
    not the hour, so arrival is taken as the end of that day (24:00 China time): a declaration is
    late from `foreigner_late_days` days (24 hours) after it, and nobody who may have registered
    in time is sent to the officer. Measured to the first submission, like `late_declaration`."""
    found: list[Finding] = []
    limit = check.settings.foreigner_late_days
    for path, people in _by_move_in(check).items():
        if not any(_is_foreign(p) for p in people):
            continue
        days = (check.submitted_on - people[0].move_in).days
        if days > limit:
            hours = (days - limit) * 24  # at least this many hours past the deadline
            found.append(
                finding(
                    "foreigner_registered_late",
                    Severity.WARNING,
                    path,
                    f"外国籍人员应在入住后24小时内登记，本次在入住{days}天后申报（已超出至少{hours}小时）",
                    f"foreign nationals register within 24 hours of moving in; this came {days} days "
                    f"after (at least {hours} hours late)",
                )
            )
    return found


def _by_move_in(check: DeclarationCheck) -> dict[str, list[Subject]]:
    """The people of a declaration grouped by the move-in date field that applies to them."""
    groups: dict[str, list[Subject]] = defaultdict(list)
    for subject in check.subjects:
        groups[subject.move_in_path].append(subject)
    return groups


def _is_foreign(subject: Subject) -> bool:
    """A foreign national: neither a Chinese citizen nor from Hong Kong, Macao or Taiwan."""
    return subject.person.nationality not in CHINESE_NATIONALITIES


def impossible_dates(check: DeclarationCheck) -> list[Finding]:
    """Dates that cannot be: a birth after the declaration, a declarant moving in before being
    born (a family member may have been born after the family moved in), a move-in further
    ahead than `move_in_ahead_days`, a move-out before the move-in, a planned stay or lease
    ending before it starts."""
    found: dict[str, Finding] = {}

    def note(field: str, zh: str, en: str) -> None:
        found.setdefault(field, finding("impossible_dates", Severity.ERROR, field, zh, en))

    latest_move_in = check.version_on.toordinal() + check.settings.move_in_ahead_days
    for subject in check.subjects:
        born = subject.person.birth_date
        if born > check.version_on:
            note(subject.field("birth_date"), "晚于申报日期", "is after the day of the declaration")
        if subject.is_declarant and subject.move_in < born:
            note(
                subject.move_in_path,
                f"早于出生日期（{born.isoformat()}）",
                f"is before the birth date ({born})",
            )
        if subject.move_in.toordinal() > latest_move_in:
            ahead = check.settings.move_in_ahead_days
            note(
                subject.move_in_path,
                f"晚于申报日期{ahead}天以上",
                f"is more than {ahead} days after the declaration",
            )
        if subject.move_out is not None and subject.move_out < subject.move_in:
            note(subject.move_out_path, "早于入住日期", "is before the move-in date")
    data = check.declared.data
    if isinstance(data, ResidenceInput) and data.planned_until and data.planned_until <= data.move_in:
        note("planned_until", "不晚于入住日期", "is not after the move-in date")
    if isinstance(data, RentalInput):
        if data.lease_end is not None and data.lease_end <= data.lease_start:
            note("lease_end", "不晚于租赁开始日期", "is not after the lease start")
        if data.move_out is not None and data.move_out < data.lease_start:
            note("move_out", "早于租赁开始日期", "is before the lease start")
    return list(found.values())
