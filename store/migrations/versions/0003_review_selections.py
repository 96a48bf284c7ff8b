"""Cases drawn for review: saved selections, their cells, and their cases in draw order with eliminations.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_selections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("entity_level", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("bureau_id", sa.String(200)),
        sa.Column("office_id", sa.String(200)),
        sa.Column("unit_id", sa.String(200)),
        sa.Column("seed", sa.String(200), nullable=False),
        sa.Column("criteria", sa.Text, nullable=False),
    )
    op.create_index("review_selections_created_at", "review_selections", ["created_at"])
    op.create_table(
        "review_selection_cells",
        sa.Column("selection_id", sa.Integer, sa.ForeignKey("review_selections.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("indicator_id", sa.String(100), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
    )
    op.create_table(
        "review_cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("selection_id", sa.Integer, sa.ForeignKey("review_selections.id"), nullable=False),
        sa.Column("stratum", sa.String(200), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("draw", sa.Integer),
        sa.Column("indicator_id", sa.String(100), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("member_type", sa.String(50), nullable=False),
        sa.Column("member_id", sa.String(200), nullable=False),
        sa.Column("child_id", sa.String(200)),
        sa.Column("worker_id", sa.String(200)),
        sa.Column("unit_id", sa.String(200)),
        sa.Column("met", sa.Boolean),
        sa.Column("replaces", sa.Integer, sa.ForeignKey("review_cases.id")),
        sa.Column("eliminated_at", sa.DateTime),
        sa.Column("eliminated_by", sa.String(200)),
        sa.Column("elimination_reason", sa.String(100)),
        sa.Column("elimination_label", sa.String(300)),
        sa.Column("elimination_note", sa.Text),
        sa.UniqueConstraint("selection_id", "stratum", "rank", name="review_cases_rank"),
        sa.UniqueConstraint("selection_id", "draw", name="review_cases_draw"),
    )
    op.create_index("review_cases_selection", "review_cases", ["selection_id"])
    op.create_index("review_cases_child", "review_cases", ["child_id"])


def downgrade() -> None:
    op.drop_index("review_cases_child", "review_cases")
    op.drop_index("review_cases_selection", "review_cases")
    op.drop_table("review_cases")
    op.drop_table("review_selection_cells")
    op.drop_index("review_selections_created_at", "review_selections")
    op.drop_table("review_selections")
