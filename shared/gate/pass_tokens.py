"""通行码的签名: the text a gate pass's QR code holds, and reading it back from a scan.

A pass token is `R<id>.<kid><signature>` for a resident's pass and `V<id>.<kid><signature>` for
a visitor's: the kind, the row id, a one-character key id and an 80-bit HMAC-SHA256 of all of
them under the pass key, in base32. It is the plate links' scheme (`shared.places.links`) under its own
key and domain, so a plate signature can never pass as a gate pass: upper-case letters, digits
and a dot only (QR alphanumeric mode, a version 2 code), and old passes keep working after a
key rotation while the old secret is listed in `MENPAI_PREVIOUS_SECRET_KEYS`.

The token names a row and proves we issued it; whether the pass still admits anyone (revoked,
expired, moved out, another village) is the row's business, decided at the gate.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from shared.core.crypto import Keyring, get_keyring
from shared.places.links import KID_ALPHABET, SIGNATURE_BYTES, SIGNATURE_CHARS, active_keyrings, key_id_char
from shared.places.qr import QUIET_ZONE, qr_matrix

MAX_SCAN_CHARS = 512  # a scanner types the whole QR content; anything longer is not ours
_DOMAIN = b"menpai gate pass v1\x00"
_B32 = f"[{KID_ALPHABET}]"
# Not preceded by a letter or digit and not followed by a base32 character, so the token is
# found whole inside a URL (`https://…/?pass=R12.K…`) and never as a slice of a longer word.
_TOKEN_RE = re.compile(
    rf"(?<![0-9A-Z])([RV])([1-9][0-9]{{0,11}})\.({_B32})({_B32}{{{SIGNATURE_CHARS}}})(?!{_B32})"
)


class PassKind(enum.StrEnum):
    RESIDENT = "R"
    VISITOR = "V"


@dataclass(frozen=True)
class PassRef:
    """A verified token: which kind of pass, which row."""

    kind: PassKind
    id: int


def sign_pass(kind: PassKind, row_id: int, *, keyring: Keyring | None = None) -> str:
    """The token of pass `row_id` of `kind`, signed with the current key."""
    if row_id < 1 or row_id >= 10**12:
        raise ValueError(f"pass id out of range: {row_id}")
    ring = keyring or get_keyring()
    kid = key_id_char(ring)
    body = f"{kind.value}{row_id}"
    return f"{body}.{kid}{_signature(body, kid, ring)}"


def read_pass_token(scanned: str | None, *, keyrings: Sequence[Keyring] | None = None) -> PassRef | None:
    """The pass a scan names when its signature verifies, else None (forged, mistyped, not a pass).

    `scanned` is what the scanner typed: the token alone or a URL holding it, in either case
    (a scanner with Caps Lock on types lower case), with stray spaces and line ends.
    """
    if not scanned or len(scanned) > MAX_SCAN_CHARS:
        return None
    match = _TOKEN_RE.search("".join(scanned.split()).upper())
    if match is None:
        return None
    kind, number, kid, signature = match.groups()
    body = f"{kind}{number}"
    rings = active_keyrings() if keyrings is None else keyrings
    for ring in rings:
        if key_id_char(ring) == kid and hmac.compare_digest(_signature(body, kid, ring), signature):
            return PassRef(PassKind(kind), int(number))
    return None


def _signature(body: str, kid: str, keyring: Keyring) -> str:
    mac = hmac.new(keyring.pass_key, _DOMAIN + f"{body}.{kid}".encode("ascii"), hashlib.sha256)
    return base64.b32encode(mac.digest()[:SIGNATURE_BYTES]).decode("ascii")


def pass_qr_png(token: str, *, scale: int = 8) -> bytes:
    """PNG of a pass token's QR code (level Q, quiet zone included), `scale` px a module."""
    matrix = qr_matrix(token)
    size = len(matrix) + 2 * QUIET_ZONE
    image = Image.new("1", (size, size), 1)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.putpixel((x + QUIET_ZONE, y + QUIET_ZONE), 0)
    out = io.BytesIO()
    image.resize((size * scale, size * scale), Image.Resampling.NEAREST).save(out, format="PNG")
    return out.getvalue()
