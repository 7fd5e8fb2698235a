"""leases: one beat at a time (the Celery beat scheduler holds a lease row)

Revision ID: a7f3c9e1d2b4
Revises: c5e2a7d91b30
Create Date: 2026-11-24 15:20:00
"""

import sqlalchemy as sa
from alembic import op

from api.db import UTCDateTime

revision = "a7f3c9e1d2b4"
down_revision = "c5e2a7d91b30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("acquired_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def downgrade() -> None:
    op.drop_table("leases")
