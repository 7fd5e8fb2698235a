"""index token_families.revoked_at (API processes poll for recent sign-outs); idempotency
records keep the ETag of the response they replay

Revision ID: 8d41c2a9e6f0
Revises: 3b9e1c7d52a4
Create Date: 2026-11-24 08:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "8d41c2a9e6f0"
down_revision = "3b9e1c7d52a4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_token_families_revoked_at", "token_families", ["revoked_at"])
    with op.batch_alter_table("idempotency_records") as batch_op:
        batch_op.add_column(sa.Column("response_etag", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_records") as batch_op:
        batch_op.drop_column("response_etag")
    op.drop_index("ix_token_families_revoked_at", table_name="token_families")
