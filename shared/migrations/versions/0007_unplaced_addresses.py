"""unplaced_addresses, declarations.plate_code nullable: a declaration against a typed address
that waits for the grid officer to give it a plate (issue 13, part 2)

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.models.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unplaced_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("street_text", sa.String(length=60), nullable=False),
        sa.Column("number_text", sa.String(length=20), nullable=False),
        sa.Column("building_text", sa.String(length=40), nullable=False),
        sa.Column("room_text", sa.String(length=20), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "linked", "created", name="unplacedstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("plate_code", sa.String(length=32), nullable=True),
        sa.Column("resolved_by", sa.String(length=60), nullable=True),
        sa.Column("resolved_at", shared.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", shared.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_unplaced_addresses_declaration_id_declarations"),
        ),
        sa.ForeignKeyConstraint(
            ["plate_code"], ["door_plates.code"], name=op.f("fk_unplaced_addresses_plate_code_door_plates")
        ),
        sa.ForeignKeyConstraint(
            ["village_code"], ["villages.code"], name=op.f("fk_unplaced_addresses_village_code_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unplaced_addresses")),
        sa.UniqueConstraint("declaration_id", name=op.f("uq_unplaced_addresses_declaration_id")),
    )
    with op.batch_alter_table("unplaced_addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unplaced_addresses_plate_code"), ["plate_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_unplaced_addresses_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_unplaced_addresses_village_code"), ["village_code"], unique=False
        )

    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.alter_column("plate_code", existing_type=sa.VARCHAR(length=32), nullable=True)


def downgrade() -> None:
    # Fails while a declaration still waits for its plate: place or withdraw those first.
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.alter_column("plate_code", existing_type=sa.VARCHAR(length=32), nullable=False)

    with op.batch_alter_table("unplaced_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unplaced_addresses_village_code"))
        batch_op.drop_index(batch_op.f("ix_unplaced_addresses_status"))
        batch_op.drop_index(batch_op.f("ix_unplaced_addresses_plate_code"))

    op.drop_table("unplaced_addresses")
