"""The app store's migrations and audit log, on SQLite and on the real PostgreSQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from store.db import audit_entries, record, store_engine, upgrade


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'statboard.db'}"
    return request.getfixturevalue("postgres_url")


def test_migrations_create_the_schema_and_are_idempotent(store_url):
    engine = store_engine(store_url)
    upgrade(engine)
    upgrade(engine)
    tables = set(sa.inspect(engine).get_table_names())
    assert {"audit_log", "alembic_version"} <= tables


def test_audit_entries_newest_first(store_url):
    engine = store_engine(store_url)
    upgrade(engine)
    record(engine, "ana", "load", {"version_id": 1})
    record(engine, "ben", "load", {"version_id": 2}, remote_addr="10.0.0.5")
    entries = audit_entries(engine)
    assert [(e["actor"], e["detail"], e["remote_addr"]) for e in entries] == [
        ("ben", {"version_id": 2}, "10.0.0.5"), ("ana", {"version_id": 1}, None)]
