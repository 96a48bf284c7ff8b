"""A contract's contacts (the provider's people, a JSON list) and its contract manager: who gets the follow-up of
the provider's performance reviews. Both optional; contracts loaded before have neither.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contracts", sa.Column("contacts", sa.Text))
    op.add_column("contracts", sa.Column("manager", sa.String(300)))


def downgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.drop_column("manager")
        batch.drop_column("contacts")
