"""The services a running app hands to its pages: settings, the warehouse and the app store.

`create_app` builds one `Services` per app and keeps it in the Flask app's
extensions; pages reach it through `services()` inside a request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy.engine import Engine

from store import db
from access.roles import Reader, reader_for
from access.scope import OutsideScope, Scope
from queries.scorecard import report_months
from store.db import store_engine
from queries.warehouse import Warehouse
from settings import Settings

EXTENSION = "statboard"
REFUSED = "access-refused"
REFUSED_CROSS_SITE = "access-refused-cross-site"  # from a page a link on another site opened
REFUSED_LIMIT = "access-refused-limit"            # the last refusal of a window written; the rest are not
REFUSALS_WRITTEN = 20        # a person's refusals written one by one in a window
REFUSAL_WINDOW_MINUTES = 10  # windows start on the hour and every 10 minutes after (UTC)


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
    """Write a refused read (outside the reader's scope) to the audit log: who tried what, from where.

    A refusal on a page a link on another site opened is written as `access-refused-cross-site`: the
    reader may never have meant to ask. At most `REFUSALS_WRITTEN` refusals of one person are written
    per window of `REFUSAL_WINDOW_MINUTES`; the next is written as `access-refused-limit`, saying so, and
    the rest of that window's are answered (the person still gets the refusal) but not written, so no one
    can grow the audit log without bound.
    """
    from flask import g, request
    if not isinstance(exc, OutsideScope):
        return
    try:
        actor = current_reader().username
    except NotSignedIn:
        actor = "nobody"
    engine = services().store
    action, detail = REFUSED, {"where": where, "reason": str(exc)}
    opened_from = g.get("opened_from")
    if opened_from:
        action = REFUSED_CROSS_SITE
        detail["cross_site"] = (f"the page was opened from a link on another site (Sec-Fetch-Site: "
                                f"{opened_from}): not necessarily {actor}'s own doing")
    now = db.utcnow()
    window = now.replace(minute=now.minute - now.minute % REFUSAL_WINDOW_MINUTES, second=0, microsecond=0)
    written = db.count_entries(engine, (REFUSED, REFUSED_CROSS_SITE, REFUSED_LIMIT), window, actor=actor)
    if written > REFUSALS_WRITTEN:
        return
    if written == REFUSALS_WRITTEN:
        action = REFUSED_LIMIT
        until = window + timedelta(minutes=REFUSAL_WINDOW_MINUTES)
        detail["limit"] = (f"{REFUSALS_WRITTEN + 1} refusals of {actor} since {window:%H:%M} UTC: until "
                           f"{until:%H:%M} UTC, further ones are refused but not written")
    db.record(engine, actor, action, detail, request.remote_addr)
