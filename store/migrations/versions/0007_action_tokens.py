"""One submit, one action: the token the meeting page's form sends with "Agree", unique within a meeting, so a
double click (or a retried request) finds the action the first click agreed instead of agreeing it again.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("actions", sa.Column("request_token", sa.String(64)))
    op.create_index("actions_request_token", "actions", ["meeting_id", "request_token"], unique=True)


def downgrade() -> None:
    op.drop_index("actions_request_token", table_name="actions")
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("request_token")
