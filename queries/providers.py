"""The delegate agencies a data version knows: the extract's optional `providers` table."""
from __future__ import annotations

import pandas as pd

from queries.warehouse import Snapshot

COLUMNS = ["provider_id", "provider_name", "provider_type"]


def has_providers_table(snapshot: Snapshot) -> bool:
    """Whether the data version holds a `providers` table (an extract without one loads as before)."""
    found = snapshot.read("""
        -- providers: is the optional table in this version?
        select count(*) as n from information_schema.tables
        where table_name = 'providers' and table_schema = current_schema() and table_catalog = current_database()
    """)
    return int(found.n.iloc[0]) > 0


def providers(snapshot: Snapshot) -> pd.DataFrame:
    """provider_id, provider_name, provider_type of every provider, by name; empty when the version has none."""
    def read():
        if not has_providers_table(snapshot):
            return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
        return snapshot.read("""
            -- providers: every delegate agency of the extract
            select provider_id, provider_name, provider_type from providers order by provider_name, provider_id
        """)
    return snapshot.memo("providers", read).copy()
