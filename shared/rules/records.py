"""Comparison rules against the records: the plate, the rooms, who owns and who lives where.

Each rule is named as the rule id its findings carry, and asks `check.records` (a cached,
bulk-loading view of the database as of `check.today`), so a rule's answer changes when the
records do: `recheck` re-runs them and moves declarations in and out of HAS_ISSUES.
"""

from __future__ import annotations

from collections import defaultdict

from shared.core.codes import label
from shared.declarations.inputs import OrganisationInput, RentalInput, ResidenceInput
from shared.models import Finding, Severity
from shared.rules.base import INDUSTRIAL_USES, DeclarationCheck, Subject, finding
from shared.rules.facts import RoomFacts

DWELLING_OWN_HOME = "01"  # 自购房屋
DWELLING_RENTED = "02"  # 租赁房屋


def plate_active(check: DeclarationCheck) -> list[Finding]:
    """门楼牌: the plate declared at exists and is in use. Submitting refuses a retired plate;
    this finds the plates retired (renumbered streets) while a declaration waits."""
    state = check.records.plate_is_active(check.declared.plate_code)
    if state is None:
        return [finding("plate_active", Severity.ERROR, None, "门牌：不存在", "Door plate: no such plate")]
    if not state:
        return [
            finding(
                "plate_active",
                Severity.ERROR,
                None,
                "门牌：已停用（门牌已更换，请核对新门牌）",
                "Door plate: retired (the plate was replaced; check the new one)",
            )
        ]
    return []


def room_active(check: DeclarationCheck) -> list[Finding]:
    """户室: every room named exists, is in use, is in a building in use, and is behind the
    declaration's plate (a room merged, demolished or renumbered while the declaration waits)."""
    found: list[Finding] = []
    seen: set[int] = set()
    for path, room_id in check.declared.rooms:
        if room_id in seen:
            continue
        seen.add(room_id)
        room = check.records.room(room_id)
        problem: tuple[str, str] | None = None
        if room is None:
            problem = ("不存在", "no such room")
        elif not room.is_active:
            problem = (f"{room.number}室已停用", f"room {room.number} is no longer in use")
        elif not room.building_is_active:
            problem = (
                f"{room.number}室所在楼栋已停用",
                f"the building of room {room.number} is no longer in use",
            )
        elif room.plate_code != check.declared.plate_code:
            problem = (
                f"{room.number}室不在申报的门牌地址",
                f"room {room.number} is not at the declared plate",
            )
        if problem is not None:
            found.append(finding("room_active", Severity.ERROR, path, *problem))
    return found


def resident_elsewhere(check: DeclarationCheck) -> list[Finding]:
    """实有人口: a person declared here still has an open residence in another room (matched by
    the blind index of their document). Usually a move the officer confirms, and approval ends
    the old residence; sometimes the same document used twice."""
    found: list[Finding] = []
    for subject in check.current_subjects():
        elsewhere = [r for r in check.records.residencies(subject.index) if r.room_id != subject.room_id]
        if not elsewhere:
            continue
        zh = "、".join(f"{r.address} {r.room_number}室" for r in elsewhere[:3])
        en = "; ".join(f"{r.address}, room {r.room_number}" for r in elsewhere[:3])
        found.append(
            finding(
                "resident_elsewhere",
                Severity.WARNING,
                subject.field("id_number"),
                f"该人员仍登记居住在{zh}",
                f"this person is still recorded as living at {en}",
            )
        )
    return found


def room_over_capacity(check: DeclarationCheck) -> list[Finding]:
    """群租: the people declared in a room together with its current residents leave each less
    than `m2_per_person` of the room's recorded area (商品房屋租赁管理办法 第八条: at least the
    local minimum per person). Rooms with no recorded area are not judged."""
    found: list[Finding] = []
    for room_id, people in _by_room(check.current_subjects()).items():
        room = check.records.room(room_id)
        if room is None or not room.area_m2:
            continue
        indexes = {s.index for s in people} | {o.person_index for o in check.records.occupants(room_id)}
        count, area, minimum = len(indexes), room.area_m2, check.settings.m2_per_person
        if area / count >= minimum:
            continue
        each = area / count
        found.append(
            finding(
                "room_over_capacity",
                Severity.WARNING,
                people[0].room_path,
                f"{room.number}室面积{area:g}㎡，共{count}人居住，人均{each:.1f}㎡，低于{minimum:g}㎡",
                f"room {room.number} has {area:g} m² for {count} people, {each:.1f} m² each, "
                f"below {minimum:g} m²",
            )
        )
    return found


def declarant_not_owner(check: DeclarationCheck) -> list[Finding]:
    """房东身份: whoever lets rooms is the building's recorded owner (by blind index), or the
    legal representative or manager of the owning organisation (by name); a sublet landlord
    (二房东) needs the owner's consent (民法典 第七百一十六条), which the officer checks. A tenant
    declaring their own home must be, or live with, its owner; an organisation's declarant must
    be its recorded legal representative or manager."""
    data = check.declared.data
    party = check.declared.party
    if isinstance(data, RentalInput) and party is not None:
        found: list[Finding] = []
        for room in _buildings(check, [room_id for _, room_id in check.declared.rooms]):
            owner = room.owner
            if not owner.is_recorded:
                found.append(
                    finding(
                        "declarant_not_owner",
                        Severity.INFO,
                        "landlord.name",
                        f"{room.number}室所在楼栋没有登记业主，无法核对出租人",
                        f"the building of room {room.number} has no recorded owner to compare with",
                    )
                )
            elif party.index != owner.person_index and party.name.strip() not in owner.org_people:
                field = "landlord.id_number" if owner.person_index else "landlord.name"
                found.append(
                    finding(
                        "declarant_not_owner",
                        Severity.WARNING,
                        field,
                        f"不是{room.number}室所在楼栋登记的业主（转租须经业主同意，请核对）",
                        f"is not the recorded owner of the building of room {room.number} "
                        "(a sublet needs the owner's consent; please check)",
                    )
                )
        return found
    if isinstance(data, ResidenceInput) and data.dwelling_type == DWELLING_OWN_HOME:
        home = check.records.room(data.room_id)
        if home is None or not home.owner.is_recorded:
            return []
        owner = home.owner
        if any(s.index == owner.person_index or s.person.name in owner.org_people for s in check.subjects):
            return []
        return [
            finding(
                "declarant_not_owner",
                Severity.WARNING,
                "dwelling_type",
                "申报为自购房屋，但申报人及同住家人都不是登记的业主",
                "declared as their own home, but neither the declarant nor the family is the recorded owner",
            )
        ]
    if isinstance(data, OrganisationInput) and party is not None:
        recorded = check.records.organisation(data.uscc)
        if recorded is None or party.name.strip() in {recorded.legal_rep.strip(), recorded.manager.strip()}:
            return []
        return [
            finding(
                "declarant_not_owner",
                Severity.WARNING,
                "declarant.name",
                "不是该单位登记的法定代表人或负责人",
                "is not the organisation's recorded legal representative or manager",
            )
        ]
    return []


def room_not_rental(check: DeclarationCheck) -> list[Finding]:
    """出租屋登记: a tenant declares a rented home in a room not registered as let; the landlord
    should have registered the rental with the police (租赁房屋治安管理规定). A landlord's own
    rental declaration is that registration, so it is not judged here."""
    data = check.declared.data
    if not isinstance(data, ResidenceInput) or data.dwelling_type not in (None, DWELLING_RENTED):
        return []
    if not any(s.lives_there_on(check.today) for s in check.subjects):
        return []
    room = check.records.room(data.room_id)
    if room is None or room.is_rental:
        return []
    return [
        finding(
            "room_not_rental",
            Severity.WARNING,
            "room_id",
            f"{room.number}室未登记为出租屋",
            f"room {room.number} is not registered as a rental",
        )
    ]


def duplicate_pending(check: DeclarationCheck) -> list[Finding]:
    """重复申报: another declaration still waiting for an officer says the same person (blind
    index) lives in the same room, e.g. the tenant's own and the landlord's. One approval is
    enough; the officer settles the other."""
    found: list[Finding] = []
    declared = check.declared
    for subject in check.current_subjects():
        others = check.records.claims(declared.plate_code, subject.room_id, subject.index) - {
            declared.declaration_id
        }
        if not others:
            continue
        ids = "、".join(f"#{i}" for i in sorted(others)[:5])
        ids_en = ", ".join(f"#{i}" for i in sorted(others)[:5])
        found.append(
            finding(
                "duplicate_pending",
                Severity.WARNING,
                subject.field("id_number"),
                f"同一人员在该房间另有待审核的申报（{ids}）",
                f"another pending declaration has this person in the same room ({ids_en})",
            )
        )
    return found


def residence_in_industrial_building(check: DeclarationCheck) -> list[Finding]:
    """厂房、仓库住人: someone declared living in a factory or warehouse building (use 04/05).
    GB 50016 建筑设计防火规范 3.3.5 and 3.3.9 forbid staff dormitories inside factories and
    warehouses; dormitories on factory sites are common, so a warning for the officer to see."""
    found: list[Finding] = []
    for room_id, people in _by_room(check.current_subjects()).items():
        room = check.records.room(room_id)
        if room is None or room.building_use not in INDUSTRIAL_USES:
            continue
        use_zh, use_en = (
            label("building_use", room.building_use),
            label("building_use", room.building_use, "en"),
        )
        found.append(
            finding(
                "residence_in_industrial_building",
                Severity.WARNING,
                people[0].room_path,
                f"{room.number}室所在楼栋用途为{use_zh}，厂房、仓库内不得设员工宿舍，请核实消防安全",
                f"room {room.number} is in a building used as {use_en.lower()}; staff may not live "
                "inside factories or warehouses: check fire safety",
            )
        )
    return found


def _by_room(subjects: tuple[Subject, ...]) -> dict[int, list[Subject]]:
    rooms: dict[int, list[Subject]] = defaultdict(list)
    for subject in subjects:
        rooms[subject.room_id].append(subject)
    return rooms


def _buildings(check: DeclarationCheck, room_ids: list[int]) -> list[RoomFacts]:
    """One known room per building among these rooms (the owner is the building's)."""
    seen: dict[int, RoomFacts] = {}
    for room_id in room_ids:
        room = check.records.room(room_id)
        if room is not None and room.building_id not in seen:
            seen[room.building_id] = room
    return list(seen.values())
