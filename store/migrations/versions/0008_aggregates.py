"""Published or reported figures: each import of a named source a version, with its rows and the declarations of
the indicators it uses.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aggregate_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("format", sa.String(30), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("loaded_at", sa.DateTime, nullable=False),
        sa.Column("loaded_by", sa.String(200), nullable=False),
        sa.Column("origin", sa.String(1000), nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("indicators", sa.Text, nullable=False),
    )
    op.create_index("aggregate_versions_source", "aggregate_versions", ["source", "id"])
    op.create_table(
        "aggregate_rows",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("aggregate_versions.id"), nullable=False),
        sa.Column("entity_type", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("entity_name", sa.String(300), nullable=False),
        sa.Column("indicator_id", sa.String(100), nullable=False),
        sa.Column("period", sa.String(60), nullable=False),
        sa.Column("period_label", sa.String(100), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("breakdown_dimension", sa.String(100), nullable=False, server_default=""),
        sa.Column("breakdown_value", sa.String(200), nullable=False, server_default=""),
        sa.Column("numerator", sa.String(40)),
        sa.Column("denominator", sa.String(40)),
        sa.Column("withheld", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("aggregate_rows_version", "aggregate_rows", ["version_id", "indicator_id", "entity_type"])


def downgrade() -> None:
    op.drop_index("aggregate_rows_version", table_name="aggregate_rows")
    op.drop_table("aggregate_rows")
    op.drop_index("aggregate_versions_source", table_name="aggregate_versions")
    op.drop_table("aggregate_versions")
