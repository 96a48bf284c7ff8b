"""The app store's schema as Alembic migrations, one a change (versions/); store.db.upgrade applies them."""
