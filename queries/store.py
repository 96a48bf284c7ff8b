"""The app's own store (users, reviews, actions, audit): SQLite by default, PostgreSQL in production.

Its schema is owned by the Alembic migrations in migrations/; `upgrade()` brings
a database to the latest one. Tables are declared here once, for queries and
for Alembic's comparisons.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine, make_url

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

metadata = sa.MetaData()

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # JSON
    sa.Column("remote_addr", sa.String(100)),
    sa.Index("audit_log_at", "at"),
)


def store_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(url)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied."""
    command.upgrade(alembic_config(engine), "head")


def record(engine: Engine, actor: str, action: str, detail: dict, remote_addr: str | None = None) -> None:
    """Append one entry to the audit log."""
    with engine.begin() as conn:
        conn.execute(audit_log.insert().values(
            at=datetime.now(timezone.utc).replace(tzinfo=None), actor=actor, action=action,
            detail=json.dumps(detail, sort_keys=True, default=str), remote_addr=remote_addr))


def audit_entries(engine: Engine, limit: int = 100) -> list[dict]:
    """The newest audit entries first."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).mappings()
        return [dict(r, detail=json.loads(r["detail"])) for r in rows]
