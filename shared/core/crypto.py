"""Keys, field encryption, blind indexes and masking for personal data.

One master secret (the environment's `MENPAI_SECRET_KEY`, else a file generated on first
run into data/ with mode 0600) derives every key by HKDF with its own label, so a leaked
signing key never reveals the field key. Ciphertexts carry a key id, so a rotated master
secret can still read old rows until they are re-encrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.core.config import get_settings

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12
KEY_ID_BYTES = 4
BLIND_INDEX_HEX_CHARS = 32  # 128 bits: collisions are out of reach for a town's records


class DecryptionError(Exception):
    """A ciphertext was altered, truncated, or made under a key we do not hold."""


@dataclass(frozen=True)
class Keyring:
    """All keys derived from one master secret."""

    key_id: bytes
    field_key: bytes
    index_key: bytes
    plate_key: bytes
    pass_key: bytes
    backup_key: bytes

    @classmethod
    def from_master(cls, master: bytes) -> Keyring:
        return cls(
            key_id=hashlib.sha256(b"menpai key id" + master).digest()[:KEY_ID_BYTES],
            field_key=_derive(master, b"menpai field encryption v1"),
            index_key=_derive(master, b"menpai blind index v1"),
            plate_key=_derive(master, b"menpai plate signing v1"),
            pass_key=_derive(master, b"menpai pass signing v1"),
            backup_key=_derive(master, b"menpai backup encryption v1"),
        )


def _derive(master: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master)


def load_or_create_master_secret(path: Path) -> bytes:
    """Read the master secret file, creating it (mode 0600) on first run."""
    if path.exists():
        return path.read_text(encoding="ascii").strip().encode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not both write a different secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    return token.encode("ascii")


@lru_cache(maxsize=1)
def get_keyring() -> Keyring:
    """The keyring of the configured master secret (cached for the process)."""
    settings = get_settings()
    if settings.secret_key:
        master = settings.secret_key.encode("utf-8")
    else:
        master = load_or_create_master_secret(settings.secret_key_file)
    return Keyring.from_master(master)


def encrypt(plaintext: str, keyring: Keyring | None = None) -> bytes:
    """AES-256-GCM with a random nonce: version byte, key id, nonce, ciphertext and tag."""
    ring = keyring or get_keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = FORMAT_VERSION + ring.key_id
    sealed = AESGCM(ring.field_key).encrypt(nonce, plaintext.encode("utf-8"), header)
    return header + nonce + sealed


def decrypt(blob: bytes, keyring: Keyring | None = None) -> str:
    """Open a value sealed by `encrypt`; raises DecryptionError on tampering or a foreign key."""
    ring = keyring or get_keyring()
    header_len = 1 + KEY_ID_BYTES
    if len(blob) < header_len + NONCE_BYTES + 16 or blob[:1] != FORMAT_VERSION:
        raise DecryptionError("not a Menpai ciphertext")
    if blob[1:header_len] != ring.key_id:
        raise DecryptionError("encrypted under another master secret")
    nonce = blob[header_len : header_len + NONCE_BYTES]
    try:
        plain = AESGCM(ring.field_key).decrypt(nonce, blob[header_len + NONCE_BYTES :], blob[:header_len])
    except Exception as exc:  # cryptography raises InvalidTag
        raise DecryptionError("ciphertext was altered") from exc
    return plain.decode("utf-8")


def key_id_of(blob: bytes) -> bytes:
    """The key id a ciphertext was made under (for rotation)."""
    return blob[1 : 1 + KEY_ID_BYTES]


def blind_index(value: str, *, kind: str, keyring: Keyring | None = None) -> str:
    """Keyed HMAC of a normalised value: equal inputs give equal indexes, nothing else leaks.

    `kind` separates domains (an identity number and a phone never share an index).
    """
    ring = keyring or get_keyring()
    message = f"{kind}\x00{value}".encode()
    return hmac.new(ring.index_key, message, hashlib.sha256).hexdigest()[:BLIND_INDEX_HEX_CHARS]


def id_blind_index(id_type: str, id_number: str, keyring: Keyring | None = None) -> str:
    """Blind index of an identity document: type and normalised number."""
    return blind_index(f"{id_type}:{id_number.strip().upper()}", kind="id", keyring=keyring)


def phone_blind_index(e164: str, keyring: Keyring | None = None) -> str:
    return blind_index(e164, kind="phone", keyring=keyring)


def mask_id_number(id_number: str) -> str:
    """`440***********123X`: the region's first 3 characters and the last 4 stay visible."""
    value = id_number.strip()
    if len(value) <= 7:
        return value[:1] + "*" * max(len(value) - 1, 0)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(phone: str) -> str:
    """`138****5678` for a mainland mobile, `0769****5678` for a landline (area code kept)."""
    digits = phone.strip().replace(" ", "").replace("-", "")
    if digits.startswith("+86"):
        digits = digits[3:]
        if not digits.startswith("1"):
            digits = "0" + digits  # landlines are shown with their trunk prefix: 0769…
    if len(digits) <= 7:
        return digits[:1] + "*" * max(len(digits) - 1, 0)
    keep = 4 if digits[:1] in ("0", "+") else 3  # area code or "+852"-style country code
    return digits[:keep] + "*" * (len(digits) - keep - 4) + digits[-4:]


def mask_name(name: str) -> str:
    """`张*`, `欧阳**`-style: the first character (or first word of a Latin name) stays."""
    value = name.strip()
    if not value:
        return ""
    if value.isascii():
        first, _, rest = value.partition(" ")
        return first + (" " + "*" * min(len(rest), 3) if rest else "")
    return value[0] + "*" * (len(value) - 1)
