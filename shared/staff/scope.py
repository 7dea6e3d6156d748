"""Who reviews what: officers their own grids (网格), supervisors and admins the whole town.

Every review query and action goes through these, so a typed URL or a changed query parameter
reaches nothing the staff member's role and grids do not cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from shared.models import Declaration, Finding, Grid, Role, Village
from shared.staff.auth import AccessDenied, StaffIdentity, require_role

REVIEW_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class FilterChoices:
    """What the queue's filters offer this staff member: only villages and grids in scope."""

    villages: dict[str, str]  # code → name
    grids: dict[str, str]  # code → "village name · grid name"
    rules: tuple[str, ...]  # rule ids found on declarations in scope


def grid_scope(staff: StaffIdentity, column: Any) -> ColumnElement[bool]:
    """The rows a staff member may see, by the grid code in `column`: officers their own grids
    (none when no grid is assigned), supervisors and admins everything."""
    require_role(staff.role, *REVIEW_ROLES)
    if staff.role is not Role.OFFICER:
        return true()
    if not staff.grid_codes:
        return false()
    result: ColumnElement[bool] = column.in_(staff.grid_codes)
    return result


def can_see(staff: StaffIdentity, grid_code: str | None) -> bool:
    try:
        require_role(staff.role, *REVIEW_ROLES)
    except AccessDenied:
        return False
    return staff.role is not Role.OFFICER or (grid_code is not None and grid_code in staff.grid_codes)


def filter_choices(session: Session, *, staff: StaffIdentity) -> FilterChoices:
    grids = session.execute(
        select(Grid.code, Grid.name, Village.code, Village.name)
        .join(Village, Village.code == Grid.village_code)
        .where(grid_scope(staff, Grid.code))
        .order_by(Village.code, Grid.code)
    ).all()
    rules = session.scalars(
        select(Finding.rule)
        .join(Declaration, Declaration.id == Finding.declaration_id)
        .where(grid_scope(staff, Declaration.grid_code))
        .distinct()
        .order_by(Finding.rule)
    ).all()
    villages = select(Village.code, Village.name).order_by(Village.code)
    if staff.role is Role.OFFICER:
        villages = villages.where(Village.code.in_({village for _, _, village, _ in grids}))
    return FilterChoices(
        villages={code: name for code, name in session.execute(villages)},
        grids={code: f"{village_name} · {name}" for code, name, _, village_name in grids},
        rules=tuple(rules),
    )


__all__ = ["REVIEW_ROLES", "FilterChoices", "can_see", "filter_choices", "grid_scope"]
