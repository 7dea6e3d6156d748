"""Form drafts: kept sealed under a token for 24 hours, for one form at one plate only."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shared.cli.main import main
from shared.models import FormDraft
from shared.self_service.drafts import (
    DRAFT_TTL,
    delete_draft,
    new_draft_token,
    open_draft,
    parse_draft_token,
    purge_drafts,
    save_draft,
)

NOW = datetime(2026, 3, 5, 4, 0, tzinfo=UTC)
VALUES = {
    "tenant.person.name": "李四",
    "tenant.person.id_number": "430102199001150110",
    "tenant.move_in": date(2026, 3, 1),
    "tenant.room_id": 7,
    "tenant.family._rows": [0, 2],
    "tenant.privacy_accepted": True,
}
BROWSER, OTHER_BROWSER = "9f" * 16, "a0" * 16  # Streamlit's XSRF tokens, as hex


def save(
    session: Session,
    token: str,
    *,
    form: str = "tenant",
    plate: str = "P1",
    browser: str | None = BROWSER,
    at: datetime = NOW,
) -> None:
    save_draft(session, token=token, form=form, plate_code=plate, browser=browser, values=VALUES, now=at)
    session.commit()


def opened(
    session: Session,
    token: str,
    *,
    form: str = "tenant",
    plate: str = "P1",
    browser: str | None = BROWSER,
    now: datetime = NOW,
) -> dict[str, object] | None:
    return open_draft(session, token=token, form=form, plate_code=plate, browser=browser, now=now)


def drafts(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FormDraft)) or 0


def test_a_draft_comes_back_as_it_was_typed(session: Session) -> None:
    token = new_draft_token()
    save(session, token)
    assert opened(session, token) == VALUES


def test_nothing_personal_is_stored_in_the_clear_nor_the_token(session: Session) -> None:
    token = new_draft_token()
    save(session, token)
    [row] = session.scalars(select(FormDraft))
    assert b"430102199001150110" not in row.values_enc and "李四".encode() not in row.values_enc
    assert token not in row.token_key


def test_saving_again_replaces_the_values_and_keeps_one_draft(session: Session) -> None:
    token = new_draft_token()
    save(session, token)
    save_draft(
        session,
        token=token,
        form="tenant",
        plate_code="P1",
        browser=BROWSER,
        values={"tenant.person.name": "王五"},
        now=NOW,
    )
    session.commit()
    assert drafts(session) == 1
    assert opened(session, token) == {"tenant.person.name": "王五"}


@pytest.mark.parametrize(("form", "plate"), [("landlord", "P1"), ("tenant", "P2")])
def test_another_forms_or_plates_token_opens_nothing_and_is_not_overwritten(
    session: Session, form: str, plate: str
) -> None:
    token = new_draft_token()
    save(session, token)
    assert opened(session, token, form=form, plate=plate) is None
    with pytest.raises(ValueError, match="another form"):
        save(session, token, form=form, plate=plate)
    session.rollback()
    assert opened(session, token) == VALUES


def test_the_url_opened_in_another_browser_opens_nothing_and_leaves_the_draft(session: Session) -> None:
    # WeChat's "copy link" shares the URL with its token: the reader must not see the ID number.
    token = new_draft_token()
    save(session, token)
    for stranger in (OTHER_BROWSER, None):
        assert opened(session, token, browser=stranger) is None
    with pytest.raises(ValueError, match="another form"):
        save(session, token, browser=OTHER_BROWSER)
    session.rollback()
    assert opened(session, token) == VALUES


def test_a_draft_typed_where_no_browser_was_known_opens_by_its_token_alone_until_bound(
    session: Session,
) -> None:
    token = new_draft_token()
    save(session, token, browser=None)
    for anyone in (None, BROWSER):
        assert opened(session, token, browser=anyone) == VALUES
    save(session, token, browser=BROWSER)  # a change from a known browser binds it
    assert opened(session, token) == VALUES
    for stranger in (OTHER_BROWSER, None):
        assert opened(session, token, browser=stranger) is None


def test_a_draft_lasts_24_hours_after_its_last_change_and_is_deleted_when_opened_after(
    session: Session,
) -> None:
    token = new_draft_token()
    save(session, token)
    later = NOW + DRAFT_TTL - timedelta(minutes=1)
    assert opened(session, token, now=later) == VALUES
    assert opened(session, token, now=NOW + DRAFT_TTL) is None
    session.commit()
    assert drafts(session) == 0


def test_an_unknown_token_opens_nothing(session: Session) -> None:
    assert opened(session, new_draft_token()) is None


def test_a_draft_sealed_under_another_key_opens_nothing(session: Session) -> None:
    token = new_draft_token()
    save(session, token)
    row = session.scalars(select(FormDraft)).one()
    row.values_enc = row.values_enc[:-1] + bytes([row.values_enc[-1] ^ 1])
    session.commit()
    assert opened(session, token) is None


def test_deleting_a_draft(session: Session) -> None:
    token, other = new_draft_token(), new_draft_token()
    save(session, token)
    save(session, other)
    delete_draft(session, token=token)
    session.commit()
    assert opened(session, token) is None
    assert opened(session, other) == VALUES


def test_purge_deletes_only_drafts_older_than_24_hours(session: Session) -> None:
    old, fresh = new_draft_token(), new_draft_token()
    save(session, old, at=NOW - DRAFT_TTL - timedelta(seconds=1))
    save(session, fresh, at=NOW - DRAFT_TTL + timedelta(minutes=5))
    assert purge_drafts(session, now=NOW) == 1
    session.commit()
    assert opened(session, fresh) == VALUES


def test_a_new_draft_purges_the_expired_ones(session: Session) -> None:
    save(session, new_draft_token(), at=NOW - 2 * DRAFT_TTL)
    save(session, new_draft_token())
    assert drafts(session) == 1


def test_the_kiosk_form_has_no_drafts(session: Session) -> None:
    with pytest.raises(ValueError, match="no drafts"):
        save(session, new_draft_token(), form="kiosk_tenant")


def test_menpai_purge_deletes_expired_drafts_and_says_so(
    db_url: str, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    stale, kept = new_draft_token(), new_draft_token()
    for token in (stale, kept):
        save(session, token, at=datetime.now(UTC))
    session.execute(update(FormDraft).where(FormDraft.id == 1).values(updated_at=NOW - DRAFT_TTL))
    session.commit()
    assert main(["purge"]) == 0
    assert "1 份过期草稿" in capsys.readouterr().out
    session.rollback()
    assert drafts(session) == 1
    assert main(["purge"]) == 0  # again (cron): nothing more to delete
    assert "0 份过期草稿" in capsys.readouterr().out


def test_new_tokens_are_parsed_back_and_differ() -> None:
    tokens = {new_draft_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(parse_draft_token(token) == token for token in tokens)


@given(st.one_of(st.text(), st.none(), st.integers(), st.binary()))
def test_parsing_any_value_never_fails_and_returns_a_token_or_none(value: object) -> None:
    parsed = parse_draft_token(value)
    assert parsed is None or (parsed == value and len(parsed) == 22)


@given(st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=22, max_size=22))
def test_every_22_character_url_safe_text_is_a_token(value: str) -> None:
    assert parse_draft_token(value) == value


@given(
    st.text(min_size=1).filter(lambda s: any(c not in string.ascii_letters + string.digits + "-_" for c in s))
)
def test_a_text_with_any_other_character_is_no_token(value: str) -> None:
    assert parse_draft_token(value) is None
    assert parse_draft_token(new_draft_token()[: max(0, 22 - len(value))] + value) is None
