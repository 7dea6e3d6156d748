"""inspections: 平安出租屋 on-site safety inspections of rentals (buildings with let rooms) and
the 整改 (rectifications) each failed checklist item orders (issue 17 part 1)

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("plate_code", sa.String(length=32), nullable=False),
        sa.Column("grid_code", sa.String(length=20), nullable=True),
        sa.Column("officer", sa.String(length=60), nullable=False),
        sa.Column("inspected_at", shared.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_inspections_building_id_buildings")
        ),
        sa.ForeignKeyConstraint(["grid_code"], ["grids.code"], name=op.f("fk_inspections_grid_code_grids")),
        sa.ForeignKeyConstraint(
            ["plate_code"], ["door_plates.code"], name=op.f("fk_inspections_plate_code_door_plates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inspections_building_id_inspected_at", ["building_id", "inspected_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspections_grid_code"), ["grid_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_plate_code"), ["plate_code"], unique=False)

    op.create_table(
        "rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("grid_code", sa.String(length=20), nullable=True),
        sa.Column("item_code", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "done", "closed", name="rectificationstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("landlord_note", sa.Text(), nullable=False),
        sa.Column("done_at", shared.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("closed_by", sa.String(length=60), nullable=True),
        sa.Column("closed_at", shared.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_note", sa.Text(), nullable=False),
        sa.Column("closed_by_inspection_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_rectifications_building_id_buildings")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_inspection_id"],
            ["inspections.id"],
            name=op.f("fk_rectifications_closed_by_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["grid_code"], ["grids.code"], name=op.f("fk_rectifications_grid_code_grids")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_rectifications_inspection_id_inspections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectifications")),
    )
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectifications_building_id"), ["building_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectifications_grid_code"), ["grid_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectifications_inspection_id"), ["inspection_id"], unique=False)
        batch_op.create_index("ix_rectifications_status_due_on", ["status", "due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.drop_index("ix_rectifications_status_due_on")
        batch_op.drop_index(batch_op.f("ix_rectifications_inspection_id"))
        batch_op.drop_index(batch_op.f("ix_rectifications_grid_code"))
        batch_op.drop_index(batch_op.f("ix_rectifications_building_id"))

    op.drop_table("rectifications")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_plate_code"))
        batch_op.drop_index(batch_op.f("ix_inspections_grid_code"))
        batch_op.drop_index("ix_inspections_building_id_inspected_at")

    op.drop_table("inspections")
