"""The words for a declaration's kinds, states and events, one table per audience.

Declarants read their receipt (gentler words: "未通过", "请补正"); officers read the queue and
the review item (the office's words: "不予通过", "待补正"). Every page, export and message
takes its labels from here, so one state is never worded two ways for the same reader.
"""

from __future__ import annotations

from shared.declarations.store import EventAction
from shared.models import DeclarationKind, DeclarationStatus, Severity

KIND_LABELS: dict[DeclarationKind, tuple[str, str]] = {
    DeclarationKind.RESIDENCE: ("居住登记", "Residence"),
    DeclarationKind.RENTAL: ("出租房屋登记", "Rental"),
    DeclarationKind.ORGANISATION: ("单位登记", "Organisation"),
}

# -- declarants (我的回执) ------------------------------------------------------------------------

DECLARANT_STATUS_LABELS: dict[DeclarationStatus, tuple[str, str]] = {
    DeclarationStatus.RECEIVED: ("已受理，待核实", "Received, awaiting review"),
    DeclarationStatus.HAS_ISSUES: ("核实中", "Being checked"),
    DeclarationStatus.CORRECTION_REQUESTED: ("请补正", "Correction requested"),
    DeclarationStatus.RESUBMITTED: ("已重新提交，待核实", "Resubmitted, awaiting review"),
    DeclarationStatus.APPROVED: ("已核实", "Approved"),
    DeclarationStatus.REJECTED: ("未通过", "Rejected"),
    DeclarationStatus.WITHDRAWN: ("已撤回", "Withdrawn"),
}

DECLARANT_EVENT_LABELS: dict[str, tuple[str, str]] = {
    EventAction.SUBMITTED: ("已提交", "Submitted"),
    EventAction.RESUBMITTED: ("已补正并重新提交", "Corrected and resubmitted"),
    EventAction.CORRECTION_REQUESTED: ("工作人员请您补正", "An officer asked for a correction"),
    EventAction.MOVE_OUT: ("已申报搬离", "Move-out declared"),
    EventAction.WITHDRAWN: ("已撤回", "Withdrawn"),
    EventAction.LANDLORD_CONFIRMED: ("房东已确认", "Confirmed by the landlord"),
    EventAction.APPROVED: ("已核实", "Approved"),
    EventAction.REJECTED: ("未通过", "Rejected"),
    EventAction.VISITED: ("工作人员已上门核查", "An officer visited"),
    EventAction.ADDRESS_PLACED: ("工作人员已补录您的地址", "An officer placed your address"),
}

# -- officers (审核队列, 审核详情, exports) --------------------------------------------------------

OFFICER_STATUS_LABELS: dict[DeclarationStatus, tuple[str, str]] = {
    DeclarationStatus.RECEIVED: ("待核实", "Received"),
    DeclarationStatus.HAS_ISSUES: ("有问题", "Has issues"),
    DeclarationStatus.CORRECTION_REQUESTED: ("待补正", "Correction requested"),
    DeclarationStatus.RESUBMITTED: ("已重新提交", "Resubmitted"),
    DeclarationStatus.APPROVED: ("已核实", "Approved"),
    DeclarationStatus.REJECTED: ("不予通过", "Rejected"),
    DeclarationStatus.WITHDRAWN: ("已撤回", "Withdrawn"),
}

OFFICER_EVENT_LABELS: dict[str, tuple[str, str]] = {
    EventAction.SUBMITTED: ("已提交", "Submitted"),
    EventAction.RESUBMITTED: ("已重新提交", "Resubmitted"),
    EventAction.CORRECTION_REQUESTED: ("要求补正", "Correction requested"),
    EventAction.MOVE_OUT: ("申报搬离", "Move-out declared"),
    EventAction.WITHDRAWN: ("已撤回", "Withdrawn"),
    EventAction.LANDLORD_CONFIRMED: ("房东已确认", "Confirmed by the landlord"),
    EventAction.RULE_FAILED: ("比对规则未能运行", "A comparison rule failed to run"),
    EventAction.APPROVED: ("核实通过", "Approved"),
    EventAction.REJECTED: ("不予通过", "Rejected"),
    EventAction.VISITED: ("入屋核查", "On-site visit"),
    EventAction.ADDRESS_PLACED: ("地址已补录", "Address placed"),
}

SEVERITY_LABELS: dict[Severity, tuple[str, str]] = {
    Severity.ERROR: ("严重", "Error"),
    Severity.WARNING: ("警告", "Warning"),
    Severity.INFO: ("提示", "Info"),
}

# Findings that no comparison rule writes (the rules' own labels: shared.rules.checks.RULE_LABELS).
ADDRESS_UNPLACED = "address_unplaced"  # a residence declared against a typed address, no plate yet
OTHER_FINDING_LABELS: dict[str, tuple[str, str]] = {
    ADDRESS_UNPLACED: ("地址待补录", "Address not in the library yet"),
}
