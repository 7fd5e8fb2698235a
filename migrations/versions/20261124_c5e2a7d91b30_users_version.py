"""users carry a version (ETag / If-Match on the resident's profile)

Revision ID: c5e2a7d91b30
Revises: 8d41c2a9e6f0
Create Date: 2026-11-24 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c5e2a7d91b30"
down_revision = "8d41c2a9e6f0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("version")
