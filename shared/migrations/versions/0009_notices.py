"""notices: the outbox of short notices to declarants (issue 17 part 4), written in the
transaction of the decision they tell about and drained by `menpai notices send`

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.models.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("approved", "correction_requested", "rejected", "rectification_due",
                                  "permit_possible", name="noticekind", native_enum=False,
                                  create_constraint=False, length=24), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("receipt_code", sa.String(length=16), nullable=False),
        sa.Column("status", sa.Enum("pending", "sending", "sent", "failed", "no_recipient",
                                    name="noticestatus", native_enum=False, create_constraint=False,
                                    length=24), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", shared.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("lease_until", shared.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", shared.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("gateway_id", sa.String(length=64), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=False),
        sa.Column("once_key", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["declaration_id"], ["declarations.id"], name=op.f("fk_notices_declaration_id_declarations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("once_key", name=op.f("uq_notices_once_key")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_declaration_id"), ["declaration_id"], unique=False)
        batch_op.create_index("ix_notices_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_status_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_notices_declaration_id"))

    op.drop_table("notices")
