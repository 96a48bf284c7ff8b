"""The services a running app hands to its pages: settings, the warehouse and the app store.

`create_app` builds one `Services` per app and keeps it in the Flask app's
extensions; pages reach it through `services()` inside a request.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy.engine import Engine

from queries import store
from queries.access import Reader, reader_for
from queries.scope import Scope
from queries.scorecard import OutsideScope, report_months
from queries.store import store_engine
from queries.warehouse import Warehouse
from settings import Settings

EXTENSION = "statboard"


class NotSignedIn(PermissionError):
    """A data read with nobody signed in."""


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


def current_reader() -> Reader:
    """Who the current request is from; raises `NotSignedIn` when nobody is (the guard stops that first)."""
    from flask_login import current_user
    if not getattr(current_user, "is_authenticated", False):
        raise NotSignedIn("sign in first")
    user = current_user.user
    settings = services().settings
    return reader_for(user.username, user.role, user.scope, settings.managers_see_peers, settings.small_cell_min)


def current_scope() -> Scope:
    """The part of the organisation the current request may read: the signed-in user's.

    Raises `OutsideScope` for a role that reads no data (admin), `NotSignedIn` with nobody signed in.
    """
    return current_reader().data_scope()


def refused(exc: Exception, where: str) -> None:
    """Write a refused read (outside the reader's scope) to the audit log: who tried what, from where."""
    from flask import request
    if not isinstance(exc, OutsideScope):
        return
    try:
        actor = current_reader().username
    except NotSignedIn:
        actor = "nobody"
    store.record(services().store, actor, "access-refused", {"where": where, "reason": str(exc)},
                 request.remote_addr)
