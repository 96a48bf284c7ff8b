"""Reviews of picked cases: who reviews each, by when, its status and answers (with the instrument's digest).

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("review_cases.id"), nullable=False),
        sa.Column("selection_id", sa.Integer, sa.ForeignKey("review_selections.id"), nullable=False),
        sa.Column("assignee", sa.String(100), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("assigned_at", sa.DateTime, nullable=False),
        sa.Column("assigned_by", sa.String(200), nullable=False),
        sa.Column("answers", sa.Text),
        sa.Column("instrument_digest", sa.String(64)),
        sa.Column("saved_at", sa.DateTime),
        sa.Column("saved_by", sa.String(200)),
        sa.Column("completed_at", sa.DateTime),
        sa.Column("completed_by", sa.String(200)),
        sa.UniqueConstraint("case_id", name="case_reviews_case"),
    )
    op.create_index("case_reviews_selection", "case_reviews", ["selection_id"])
    op.create_index("case_reviews_assignee_status", "case_reviews", ["assignee", "status"])
    op.create_index("case_reviews_completed_at", "case_reviews", ["completed_at"])


def downgrade() -> None:
    op.drop_index("case_reviews_completed_at", "case_reviews")
    op.drop_index("case_reviews_assignee_status", "case_reviews")
    op.drop_index("case_reviews_selection", "case_reviews")
    op.drop_table("case_reviews")
