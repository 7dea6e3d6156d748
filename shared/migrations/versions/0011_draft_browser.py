"""form_drafts.browser_key: the browser that typed a draft (a blind index), so its URL opens
nothing in another browser (issue 12, part 1: a foreign draft token gives a fresh form)

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Drafts are scratch (24 hours): those kept before would open in any browser by their link.
    op.execute("DELETE FROM form_drafts")
    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("browser_key", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        batch_op.drop_column("browser_key")
