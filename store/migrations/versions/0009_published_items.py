"""Published figures on a meeting's agenda: an item names a source, the version of it it was added from, and the
period it shows (the indicator and the entity go in the columns a cell's item uses).

The source is `published_source`, not `source`: `source` already says why an item is on the agenda (flagged, or
the suggestion accepted).

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("meeting_items", sa.Column("published_source", sa.String(100)))
    op.add_column("meeting_items", sa.Column("source_version", sa.Integer))
    op.add_column("meeting_items", sa.Column("period", sa.String(60)))


def downgrade() -> None:
    with op.batch_alter_table("meeting_items") as batch:
        batch.drop_column("period")
        batch.drop_column("source_version")
        batch.drop_column("published_source")
