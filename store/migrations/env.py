"""Alembic environment: migrations run on the engine that store.db hands over."""
from alembic import context

from store.db import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    context.run_migrations()
