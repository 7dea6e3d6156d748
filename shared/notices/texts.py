"""The words of a notice: short, both languages, and nothing personal beyond the receipt code.

An SMS gateway sends its own registered template (one per kind, `sms.SmsConfig.templates`) with
the receipt code as its only parameter; these texts are what the demo's file sender writes and
what the supervisor's page shows, and the model for the templates a town registers.
"""

from __future__ import annotations

from shared.models import NoticeKind, NoticeStatus

SIGNATURE = "【门牌 Menpai】"

_TEXTS: dict[NoticeKind, tuple[str, str]] = {
    NoticeKind.APPROVED: (
        "您的申报（回执码 {code}）已核实通过。",
        "Your declaration (receipt {code}) is approved.",
    ),
    NoticeKind.CORRECTION_REQUESTED: (
        "您的申报（回执码 {code}）需要补正，请凭回执码查看并修改。",
        "Your declaration (receipt {code}) needs a correction; open the receipt to see what.",
    ),
    NoticeKind.REJECTED: (
        "您的申报（回执码 {code}）未通过审核，原因请凭回执码查看。",
        "Your declaration (receipt {code}) was not accepted; the receipt says why.",
    ),
    NoticeKind.RECTIFICATION_DUE: (
        "您的出租屋有整改事项到期（回执码 {code}），请尽快完成。",
        "A safety fix for your rental is due (receipt {code}); please complete it.",
    ),
    NoticeKind.PERMIT_POSSIBLE: (
        "您已可申领居住证（回执码 {code}），所需材料请凭回执码查看。",
        "You can now apply for a residence permit (receipt {code}); the receipt lists what to bring.",
    ),
}

KIND_LABELS: dict[NoticeKind, tuple[str, str]] = {
    NoticeKind.APPROVED: ("核实通过", "Approved"),
    NoticeKind.CORRECTION_REQUESTED: ("要求补正", "Correction requested"),
    NoticeKind.REJECTED: ("不予通过", "Rejected"),
    NoticeKind.RECTIFICATION_DUE: ("整改到期", "Safety fix due"),
    NoticeKind.PERMIT_POSSIBLE: ("可申领居住证", "Permit possible"),
}

STATUS_LABELS: dict[NoticeStatus, tuple[str, str]] = {
    NoticeStatus.PENDING: ("待发送", "Waiting"),
    NoticeStatus.SENDING: ("发送中", "Sending"),
    NoticeStatus.SENT: ("已发送", "Sent"),
    NoticeStatus.FAILED: ("发送失败", "Failed"),
    NoticeStatus.NO_RECIPIENT: ("无联系电话", "No phone"),
}


def notice_text(kind: NoticeKind, receipt_code: str) -> str:
    """The whole message: signature, Chinese, then English (one SMS of a few segments)."""
    zh, en = _TEXTS[kind]
    return f"{SIGNATURE}{zh.format(code=receipt_code)} {en.format(code=receipt_code)}"
