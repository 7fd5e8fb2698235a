"""index token_families.revoked_at (API processes poll for recent sign-outs)

Revision ID: 8d41c2a9e6f0
Revises: 3b9e1c7d52a4
Create Date: 2026-11-24 08:45:00
"""

from alembic import op

revision = "8d41c2a9e6f0"
down_revision = "3b9e1c7d52a4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_token_families_revoked_at", "token_families", ["revoked_at"])


def downgrade() -> None:
    op.drop_index("ix_token_families_revoked_at", table_name="token_families")
