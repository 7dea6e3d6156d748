"""短信网关: notices as SMS through an HTTP gateway, with the standard library only.

Configured by the environment (`sms_config_from_env`): the gateway's URL, its access key, the
signature (签名) and one registered template id per kind of notice, as Alibaba Cloud SMS
(SignName, TemplateCode, TemplateParam, OutId) and Tencent Cloud SMS (SignName, TemplateId,
TemplateParamSet, SessionContext) both expect; a town's relay in front of either takes this
JSON body. The template's only parameter is the receipt code.

    MENPAI_SMS_URL        https://sms-relay.example.gov.cn/send
    MENPAI_SMS_KEY        the relay's access key (sent as a Bearer token)
    MENPAI_SMS_SIGN       签名, default 门牌
    MENPAI_SMS_TEMPLATES  approved=SMS_1,correction_requested=SMS_2,rejected=SMS_3,…
    MENPAI_SMS_TIMEOUT    seconds per request, default 10
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from shared.core.errors import DomainError
from shared.models import NoticeKind
from shared.notices.senders import Message, SendError, SendResult

OK_CODES = {"ok", "0"}


@dataclass(frozen=True)
class SmsConfig:
    url: str
    key: str
    sign: str = "门牌"
    templates: Mapping[NoticeKind, str] = field(default_factory=dict)
    timeout: float = 10.0


def sms_config_from_env(env: Mapping[str, str] | None = None) -> SmsConfig:
    """Read the gateway settings; a missing or malformed one is refused with its name."""
    values = os.environ if env is None else env
    url = values.get("MENPAI_SMS_URL", "").strip()
    key = values.get("MENPAI_SMS_KEY", "").strip()
    if not url or not key:
        raise DomainError(
            "未配置短信网关：需要 MENPAI_SMS_URL 和 MENPAI_SMS_KEY",
            "No SMS gateway: set MENPAI_SMS_URL and MENPAI_SMS_KEY",
        )
    if urlsplit(url).scheme not in ("http", "https"):  # urllib would also open file: URLs
        raise DomainError("MENPAI_SMS_URL 须为 http(s) 地址", "MENPAI_SMS_URL must be an http(s) URL")
    templates: dict[NoticeKind, str] = {}
    for item in values.get("MENPAI_SMS_TEMPLATES", "").split(","):
        name, _, template = item.partition("=")
        if not item.strip():
            continue
        try:
            templates[NoticeKind(name.strip())] = template.strip()
        except ValueError:
            raise DomainError(
                f"MENPAI_SMS_TEMPLATES 中的通知类型无效：{name.strip()}",
                f"MENPAI_SMS_TEMPLATES names an unknown kind of notice: {name.strip()}",
            ) from None
    return SmsConfig(
        url=url,
        key=key,
        sign=values.get("MENPAI_SMS_SIGN", "").strip() or "门牌",
        templates=templates,
        timeout=float(values.get("MENPAI_SMS_TIMEOUT", "") or 10),
    )


class SmsGatewaySender:
    """POST one JSON request per notice; 2xx with an OK code is sent. A refused key or template
    (4xx other than 429) is final; 429, 5xx, a timeout or no connection is tried again later."""

    channel = "sms"

    def __init__(self, config: SmsConfig) -> None:
        self.config = config

    def send(self, message: Message) -> SendResult:
        template = self.config.templates.get(message.kind)
        if not template:
            raise SendError(f"no template for {message.kind.value}", retryable=False)
        body = {
            "PhoneNumbers": message.phone,
            "SignName": self.config.sign,
            "TemplateCode": template,
            "TemplateParam": json.dumps({"code": message.receipt_code}),
            "OutId": message.key,
        }
        request = urllib.request.Request(
            self.config.url,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.config.key}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:
                reply = _json(response.read())
        except urllib.error.HTTPError as error:
            error.close()  # it holds the response's socket
            retryable = error.code == 429 or error.code >= 500
            raise SendError(f"HTTP {error.code}", retryable=retryable) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise SendError(f"gateway unreachable: {type(error).__name__}") from None
        code = str(reply.get("Code", reply.get("code", "OK")))
        if code.lower() not in OK_CODES:
            raise SendError(f"gateway code {code[:60]}")
        gateway_id = reply.get("BizId") or reply.get("SerialNo") or reply.get("id") or ""
        return SendResult(self.channel, str(gateway_id))


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        raise SendError("gateway reply is not JSON") from None
    return value if isinstance(value, dict) else {}
