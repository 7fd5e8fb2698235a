"""materials and shifts carry a version (ETag / If-Match on their updates)

Revision ID: 3b9e1c7d52a4
Revises: fe4b028f75da
Create Date: 2026-11-24 05:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3b9e1c7d52a4"
down_revision = "fe4b028f75da"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("materials", "shifts"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    for table in ("shifts", "materials"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("version")
