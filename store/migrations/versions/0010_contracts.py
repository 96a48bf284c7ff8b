"""Outcome contracts with delegate agencies: each load of the agency's contracts file a version, its contracts and
their metrics (target and optional floor, kept as written).

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("loaded_at", sa.DateTime, nullable=False),
        sa.Column("loaded_by", sa.String(200), nullable=False),
        sa.Column("origin", sa.String(1000), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("contract_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("contract_versions.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("contract_id", sa.String(60), nullable=False),
        sa.Column("provider_id", sa.String(200), nullable=False),
        sa.Column("program", sa.String(300), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("cadence", sa.String(20), nullable=False),
        sa.UniqueConstraint("version_id", "contract_id", name="contracts_version_contract"),
    )
    op.create_index("contracts_provider", "contracts", ["provider_id", "version_id"])
    op.create_table(
        "contract_metrics",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_row", sa.Integer, sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("indicator_id", sa.String(100), nullable=False),
        sa.Column("target", sa.String(40), nullable=False),
        sa.Column("floor", sa.String(40)),
        sa.UniqueConstraint("contract_row", "indicator_id", name="contract_metrics_indicator"),
    )


def downgrade() -> None:
    op.drop_table("contract_metrics")
    op.drop_index("contracts_provider", table_name="contracts")
    op.drop_table("contracts")
    op.drop_table("contract_versions")
