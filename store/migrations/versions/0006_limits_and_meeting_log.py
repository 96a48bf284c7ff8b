"""Atomic limits and a meeting's log: the follow-up's sends counted on the meeting, failed sign-ins counted
per address, and every change to a meeting with who made it.

Revision ID: 0006
Revises: 0005
"""
import json

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("meetings", sa.Column("followup_sends", sa.Integer, nullable=False, server_default="0"))
    # the sends made before: one audit entry each
    conn = op.get_bind()
    sends: dict[int, int] = {}
    for (detail,) in conn.execute(sa.text("select detail from audit_log where action = 'meeting-followup-sent'")):
        meeting = json.loads(detail).get("meeting")
        if isinstance(meeting, int):
            sends[meeting] = sends.get(meeting, 0) + 1
    for meeting, count in sends.items():
        conn.execute(sa.text("update meetings set followup_sends = :n where id = :id"), {"n": count, "id": meeting})
    op.create_table(
        "meeting_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("change", sa.String(300), nullable=False),
        sa.Column("case_level", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("meeting_log_meeting", "meeting_log", ["meeting_id", "id"])
    op.create_table(
        "sign_in_failures",
        sa.Column("remote_addr", sa.String(100), primary_key=True),
        sa.Column("last_failure_at", sa.DateTime, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
    op.drop_index("meeting_log_meeting", table_name="meeting_log")
    op.drop_table("meeting_log")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("followup_sends")
