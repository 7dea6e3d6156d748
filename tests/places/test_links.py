"""Signed plate links: what a plate's QR holds, and which links the portal accepts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_Q

from shared.core.crypto import Keyring, get_keyring
from shared.places.links import (
    PLATE_PARAM,
    PlateToken,
    parse_plate_param,
    plate_link,
    plate_token,
    previous_keyrings,
    verify_plate_token,
)

CODE = "2000010012"
OLD_SECRET = "the-master-secret-of-2025"


def token_of(link: str) -> str:
    return link.split(f"?{PLATE_PARAM}=", 1)[1]


def test_link_is_portal_url_with_signed_token() -> None:
    link = plate_link(CODE, portal_url="https://mp.dg.gov.cn/")
    assert link.startswith(f"https://mp.dg.gov.cn/?p={CODE}.")
    assert verify_plate_token(token_of(link)) == CODE


def test_link_defaults_to_configured_portal_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.core.config import get_settings

    monkeypatch.setenv("PORTAL_URL", "https://menpai.example.cn/")
    get_settings.cache_clear()
    assert plate_link(CODE).startswith(f"https://menpai.example.cn/?p={CODE}.")


def test_signature_carries_at_least_64_bits() -> None:
    parsed = parse_plate_param(plate_token(CODE))
    assert parsed is not None
    assert len(parsed.signature) * 5 >= 64  # base32: 5 bits a character


def test_different_plates_get_different_signatures() -> None:
    assert token_of(plate_link(CODE))[11:] != token_of(plate_link("2000010013"))[11:]


@pytest.mark.parametrize("position", range(len(plate_token(CODE, keyring=Keyring.from_master(b"x")))))
def test_every_altered_character_is_refused(position: int) -> None:
    token = plate_token(CODE)
    if token[position] == ".":
        altered_chars = ["-", "_", "0"]
    elif token[position].isdigit() and position < len(CODE):
        altered_chars = [str((int(token[position]) + 1) % 10), "A"]
    else:
        altered_chars = [c for c in ("A", "B", "7", "0", "a") if c != token[position]]
    for char in altered_chars:
        altered = token[:position] + char + token[position + 1 :]
        assert verify_plate_token(altered) is None, altered


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda t: t[:-1], id="signature-truncated"),
        pytest.param(lambda t: t + "A", id="signature-extended"),
        pytest.param(lambda t: t.lower(), id="lower-case"),
        pytest.param(lambda t: t.replace(".", ""), id="no-separator"),
        pytest.param(lambda t: "1" + t, id="code-extended"),
        pytest.param(lambda t: t[1:], id="code-shortened"),
    ],
)
def test_reshaped_token_is_refused(change: Callable[[str], str]) -> None:
    assert verify_plate_token(change(plate_token(CODE))) is None


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        " ",
        "hello",
        "https://evil.example/?p=1",
        "2000010012",
        "2000010012.",
        "<script>",
        "x" * 10_000,
        "2000010012.A" + "A" * 200,
        "２０００010012.AAAAAAAAAAAAAAAAA",
    ],
)
def test_foreign_values_are_refused(value: str | None) -> None:
    assert parse_plate_param(value) is None
    assert verify_plate_token(value) is None


def test_surrounding_whitespace_is_forgiven() -> None:
    token = plate_token(CODE)
    assert verify_plate_token(f"  {token}\n") == CODE
    assert parse_plate_param(f"\t{token} ") == PlateToken(code=CODE, kid=token[11], signature=token[12:])


def test_inner_whitespace_is_refused() -> None:
    token = plate_token(CODE)
    assert verify_plate_token(token[:5] + " " + token[5:]) is None


def test_link_signed_by_another_secret_is_refused() -> None:
    foreign = plate_token(CODE, keyring=Keyring.from_master(b"somebody else's secret"))
    assert verify_plate_token(foreign) is None


def test_link_signed_before_rotation_verifies_while_old_secret_is_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old_token = plate_token(CODE, keyring=Keyring.from_master(OLD_SECRET.encode()))
    assert verify_plate_token(old_token) is None

    monkeypatch.setenv("MENPAI_PREVIOUS_SECRET_KEYS", f" another-old-one , {OLD_SECRET},")
    assert len(previous_keyrings()) == 2
    assert verify_plate_token(old_token) == CODE
    assert verify_plate_token(plate_token(CODE)) == CODE  # the current secret still signs

    monkeypatch.setenv("MENPAI_PREVIOUS_SECRET_KEYS", "another-old-one")
    assert verify_plate_token(old_token) is None


def test_explicit_keyrings_replace_the_configured_ones() -> None:
    old = Keyring.from_master(OLD_SECRET.encode())
    old_token = plate_token(CODE, keyring=old)
    assert verify_plate_token(old_token, keyrings=[get_keyring(), old]) == CODE
    assert verify_plate_token(plate_token(CODE), keyrings=[old]) is None
    assert verify_plate_token(old_token, keyrings=[]) is None


def test_key_id_clash_between_rings_still_verifies() -> None:
    rings = [Keyring.from_master(f"secret {n}".encode()) for n in range(200)]
    by_kid: dict[str, list[Keyring]] = {}
    for ring in rings:
        by_kid.setdefault(plate_token(CODE, keyring=ring)[11], []).append(ring)
    clashing = next(group for group in by_kid.values() if len(group) > 1)
    assert verify_plate_token(plate_token(CODE, keyring=clashing[1]), keyrings=clashing) == CODE


@pytest.mark.parametrize("code", ["", "abc", "2000 10012", "二〇〇〇", "1" * 33])
def test_malformed_code_cannot_be_signed(code: str) -> None:
    with pytest.raises(ValueError, match="plate code"):
        plate_link(code)


@pytest.mark.parametrize(
    "portal_url", ["https://mp.dg.gov.cn", "http://localhost:8501", "http://192.168.10.20:8501"]
)
@pytest.mark.parametrize("code", [CODE, "441900126200000123"])
def test_link_fits_a_version_5_qr_code_at_level_q(portal_url: str, code: str) -> None:
    code_image = qrcode.QRCode(version=None, error_correction=ERROR_CORRECT_Q)
    code_image.add_data(plate_link(code, portal_url=portal_url))
    code_image.make(fit=True)
    assert code_image.version <= 5
