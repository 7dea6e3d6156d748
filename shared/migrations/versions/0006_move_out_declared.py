"""residences.move_out_declared: a move-out the resident declared, awaiting an officer

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("residences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("move_out_declared", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("residences", schema=None) as batch_op:
        batch_op.drop_column("move_out_declared")
