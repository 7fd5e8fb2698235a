"""beat_runs: when the leading beat last sent each entry (a new holder adopts them)

Revision ID: 333258e75924
Revises: a7f3c9e1d2b4
Create Date: 2026-11-24 17:10:00
"""

import sqlalchemy as sa
from alembic import op

from api.db import UTCDateTime

revision = "333258e75924"
down_revision = "a7f3c9e1d2b4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "beat_runs",
        sa.Column("entry_name", sa.String(length=200), nullable=False),
        sa.Column("last_run_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("entry_name", name=op.f("pk_beat_runs")),
    )


def downgrade() -> None:
    op.drop_table("beat_runs")
