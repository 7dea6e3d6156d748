"""The migrations build the whole schema from empty and agree with the models."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from shared.core.audit import record_audit
from shared.core.migrate import check_database, upgrade_database
from shared.models import AuditLog, Base


def test_migrated_schema_has_every_model_table(engine: Engine) -> None:
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_alembic_check_finds_no_difference_between_models_and_migrations(engine: Engine) -> None:
    check_database(engine)


def test_upgrading_an_up_to_date_database_changes_nothing(engine: Engine) -> None:
    upgrade_database(engine)
    check_database(engine)


def test_audit_log_refuses_update_and_delete(engine: Engine) -> None:
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        record_audit(session, actor="admin", action="user.add", target_type="user", target_id=1)
        session.commit()
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with Session(engine) as session:
        assert [row.actor for row in session.query(AuditLog)] == ["admin"]
