"""Stat meetings: meetings pinned to a data version, their agenda items, actions and the actions' updates.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity_level", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("entity_name", sa.String(300), nullable=False),
        sa.Column("bureau_id", sa.String(200)),
        sa.Column("office_id", sa.String(200)),
        sa.Column("unit_id", sa.String(200)),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("attendees", sa.Text, nullable=False),
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("highlights", sa.Text, nullable=False),
        sa.Column("lessons", sa.Text, nullable=False),
        sa.Column("next_steps", sa.Text, nullable=False),
        sa.Column("followup", sa.Text),
        sa.Column("followup_sent_at", sa.DateTime),
        sa.Column("record", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("closed_by", sa.String(200)),
    )
    op.create_index("meetings_entity_held_on", "meetings", ["entity_level", "entity_id", "held_on"])
    op.create_index("meetings_status", "meetings", ["status"])
    op.create_table(
        "meeting_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("indicator_id", sa.String(100)),
        sa.Column("entity_level", sa.String(20)),
        sa.Column("entity_id", sa.String(200)),
        sa.Column("entity_name", sa.String(300)),
        sa.Column("selection_id", sa.Integer, sa.ForeignKey("review_selections.id")),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_index("meeting_items_meeting", "meeting_items", ["meeting_id", "position"])
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("meeting_level", sa.String(20), nullable=False),
        sa.Column("meeting_entity_id", sa.String(200), nullable=False),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("indicator_id", sa.String(100), nullable=False),
        sa.Column("entity_level", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("entity_name", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("agreed_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("actions_meeting_entity_status", "actions", ["meeting_level", "meeting_entity_id", "status"])
    op.create_index("actions_cell", "actions", ["indicator_id", "entity_level", "entity_id"])
    op.create_table(
        "action_updates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("action_updates_action", "action_updates", ["action_id"])


def downgrade() -> None:
    op.drop_index("action_updates_action", "action_updates")
    op.drop_table("action_updates")
    op.drop_index("actions_meeting_entity_status", "actions")
    op.drop_index("actions_cell", "actions")
    op.drop_table("actions")
    op.drop_index("meeting_items_meeting", "meeting_items")
    op.drop_table("meeting_items")
    op.drop_index("meetings_entity_held_on", "meetings")
    op.drop_index("meetings_status", "meetings")
    op.drop_table("meetings")
