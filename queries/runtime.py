"""The services a running app hands to its pages: settings, the warehouse and the app store.

`create_app` builds one `Services` per app and keeps it in the Flask app's
extensions; pages reach it through `services()` inside a request.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy.engine import Engine

from queries.scope import Scope
from queries.scorecard import report_months
from queries.store import store_engine
from queries.warehouse import Warehouse
from settings import Settings

EXTENSION = "statboard"


@dataclass
class Services:
    settings: Settings
    warehouse: Warehouse = field(init=False)
    _store: Engine | None = field(default=None, init=False)

    def __post_init__(self):
        # Building a Warehouse validates the URL but connects to nothing until the first read.
        self.warehouse = Warehouse(self.settings.warehouse_url, self.settings.query_timeout_ms)

    @property
    def store(self) -> Engine:
        if self._store is None:
            self._store = store_engine(self.settings.database_url)
        return self._store


def services() -> Services:
    return current_app.extensions[EXTENSION]


def latest_month_now():
    """The last complete month of the current data version; None before any load or with no complete month."""
    snapshot = services().warehouse.snapshot()
    months = report_months(snapshot) if snapshot is not None else []
    return months[-1] if months else None


def current_scope() -> Scope:
    """The part of the organisation the current request may read.

    Until sign-in exists every request reads the whole department; sign-in will
    derive this from the signed-in user, and every query already takes it.
    """
    return Scope.everything()
