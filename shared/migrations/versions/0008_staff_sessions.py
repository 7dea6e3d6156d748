"""staff_sessions: a staff sign-in kept on the server, so a reload or a second tab stays signed
in (issue 15); the browser's cookie holds a token whose keyed hash is token_key

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_key", sa.String(length=32), nullable=True),
        sa.Column("ticket_key", sa.String(length=32), nullable=True),
        sa.Column("ticket_expires_at", shared.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("browser_key", sa.String(length=32), nullable=True),
        sa.Column("created_at", shared.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", shared.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", shared.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_staff_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("ticket_key", name=op.f("uq_staff_sessions_ticket_key")),
        sa.UniqueConstraint("token_key", name=op.f("uq_staff_sessions_token_key")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_ended_at"), ["ended_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_user_id"))
        batch_op.drop_index(batch_op.f("ix_staff_sessions_ended_at"))

    op.drop_table("staff_sessions")
