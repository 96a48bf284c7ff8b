"""The audit log: who did what to the data, and when.

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("remote_addr", sa.String(100)),
    )
    op.create_index("audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index("audit_log_at", "audit_log")
    op.drop_table("audit_log")
