"""Signed plate links: the URL a door plate's QR code holds.

A link is `PORTAL_URL/?p=<code>.<kid><signature>`: the plate code, a one-character key id and
an 80-bit HMAC-SHA256 of both under the plate key. The token uses only digits, upper-case
letters and a dot (QR alphanumeric mode), so the whole URL fits a version ≤ 5 code at error
level Q. The key id names the master secret that signed it: after a rotation the old secrets
stay listed in `MENPAI_PREVIOUS_SECRET_KEYS` and plates already on walls keep working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl

from shared.core.config import get_settings
from shared.core.crypto import Keyring, get_keyring

PLATE_PARAM = "p"  # the query parameter the portal reads
MAP_PARAM = "map"  # `?p=…&map=1`: the plate page with its map drawn (the plate card links there)
PREVIOUS_SECRETS_ENV = "MENPAI_PREVIOUS_SECRET_KEYS"
SIGNATURE_BYTES = 10  # 80 bits: exactly 16 base32 characters, so every signature has one spelling
SIGNATURE_CHARS = 16
KID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
MAX_TOKEN_CHARS = 64
_CODE = r"[0-9A-Z]{4,32}"
_TOKEN_RE = re.compile(rf"({_CODE})\.([{KID_ALPHABET}])([{KID_ALPHABET}]{{{SIGNATURE_CHARS}}})")
_CODE_RE = re.compile(_CODE)
_DOMAIN = b"menpai plate link v1\x00"


@dataclass(frozen=True)
class PlateToken:
    """The parts of a `?p=` value; parsed, not yet verified."""

    code: str
    kid: str
    signature: str


def key_id_char(keyring: Keyring) -> str:
    """One base32 character naming the keyring; a clash between two rings only costs a second try."""
    return KID_ALPHABET[keyring.key_id[0] % len(KID_ALPHABET)]


def _signature(code: str, kid: str, keyring: Keyring) -> str:
    mac = hmac.new(keyring.plate_key, _DOMAIN + f"{code}.{kid}".encode("ascii"), hashlib.sha256)
    return base64.b32encode(mac.digest()[:SIGNATURE_BYTES]).decode("ascii")


def plate_token(code: str, *, keyring: Keyring | None = None) -> str:
    """The `?p=` value for a plate: `2000010012.K` + 16 signature characters."""
    if not _CODE_RE.fullmatch(code):
        raise ValueError(f"plate code must be 4–32 digits or upper-case letters, got {code!r}")
    ring = keyring or get_keyring()
    kid = key_id_char(ring)
    return f"{code}.{kid}{_signature(code, kid, ring)}"


def plate_link(code: str, *, keyring: Keyring | None = None, portal_url: str | None = None) -> str:
    """The URL printed in a plate's QR code."""
    base = (portal_url if portal_url is not None else get_settings().portal_url).rstrip("/")
    return f"{base}/?{PLATE_PARAM}={plate_token(code, keyring=keyring)}"


def parse_plate_param(query_value: str | None) -> PlateToken | None:
    """Split a `?p=` value into its parts, or None when it cannot be a plate token.

    Surrounding whitespace is forgiven (copy and paste adds it); anything else out of shape
    is refused here, before any key is touched.
    """
    if not query_value or len(query_value) > MAX_TOKEN_CHARS + 8:
        return None
    match = _TOKEN_RE.fullmatch(query_value.strip())
    if match is None:
        return None
    return PlateToken(code=match[1], kid=match[2], signature=match[3])


def plate_param_from_scan(scanned: str) -> str:
    """The `?p=` value of what a kiosk's scanner typed (a whole plate link, in any case: a scanner
    may type with Caps Lock on), or the text itself when it is not a link; upper case.

    Never raises: the query is cut out of the text by hand, because `urlsplit` raises on text
    such as `http://[::1?p=…` and a scanner types whatever a QR code holds."""
    text = "".join(scanned.split())
    if "?" in text:
        query = text.split("?", 1)[1].split("#", 1)[0]
        for name, value in parse_qsl(query):
            if name.lower() == PLATE_PARAM:
                return value.upper()
    return text.upper()


def verify_plate_token(token: str | None, *, keyrings: Sequence[Keyring] | None = None) -> str | None:
    """The plate code when the token was signed by one of `keyrings`, else None.

    Default keyrings: the current master secret and every listed previous one.
    """
    parsed = parse_plate_param(token)
    if parsed is None:
        return None
    rings = active_keyrings() if keyrings is None else keyrings
    for ring in rings:
        if key_id_char(ring) != parsed.kid:
            continue
        expected = _signature(parsed.code, parsed.kid, ring)
        if hmac.compare_digest(expected, parsed.signature):
            return parsed.code
    return None


def previous_keyrings() -> tuple[Keyring, ...]:
    """Keyrings of retired master secrets (`MENPAI_PREVIOUS_SECRET_KEYS`, comma-separated).

    Read from the environment on each call (config.py does not carry it); derivation is cached
    per value, so verifying stays cheap.
    """
    return _keyrings_from(os.environ.get(PREVIOUS_SECRETS_ENV, ""))


def active_keyrings() -> tuple[Keyring, ...]:
    """The current keyring first, then the previous ones."""
    return (get_keyring(), *previous_keyrings())


@lru_cache(maxsize=8)
def _keyrings_from(raw: str) -> tuple[Keyring, ...]:
    secrets = (part.strip() for part in raw.split(","))
    return tuple(Keyring.from_master(secret.encode("utf-8")) for secret in secrets if secret)


def plate_link_query(code: str, *, keyring: Keyring | None = None) -> dict[str, str]:
    """Query parameters that open a plate's page inside the portal (search results, successors)."""
    return {PLATE_PARAM: plate_token(code, keyring=keyring)}
