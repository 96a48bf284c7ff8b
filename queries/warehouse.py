"""The one doorway to the warehouse: a `Snapshot` of the current data version, read with a time limit.

Pages and components never see SQL or a connection; they call functions in
`queries/` that take a `Snapshot` (and the user's `Scope`). A snapshot pins
one data version, so every query made for one screen reads the same data,
even if a load publishes a new version meanwhile.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from flask import g, has_request_context
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from queries.dialects import backend_for

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_MS = 30_000


class QueryTimeout(Exception):
    """A warehouse query ran past its time limit."""


@dataclass(frozen=True)
class DataVersion:
    """One load of the warehouse, as the `loads` table records it."""
    version_id: int
    as_of: date
    agency: str | None
    loaded_at: datetime
    source: str
    row_counts: dict[str, int]

    @classmethod
    def from_row(cls, row: dict) -> DataVersion:
        return cls(int(row["version_id"]), pd.Timestamp(row["as_of"]).date(), row["agency"],
                   pd.Timestamp(row["loaded_at"]).to_pydatetime(), row["source"],
                   json.loads(row["row_counts"]))


@dataclass
class Snapshot:
    """One data version of the warehouse, ready to read."""
    engine: Engine
    schema: str | None
    key: str
    backend: object
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    _version: DataVersion | None = None
    # Answers that never change within one data version (report months, the catalogue), shared by
    # every snapshot of that version; see `memo`.
    _memo: dict = field(default_factory=dict)

    def memo(self, key: str, compute):
        """`compute()` once per data version: a version is never changed after it is published."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def read(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """Run one SELECT with bound parameters and return its rows as a DataFrame."""
        started = time.perf_counter()
        with self.engine.connect() as conn:
            for statement in self.backend.session_setup(self.schema, self.timeout_ms):
                conn.execute(text(statement))
            timer = None
            if self.backend.name == "duckdb":
                raw = conn.connection.dbapi_connection
                timer = threading.Timer(self.timeout_ms / 1000, raw.interrupt)
                timer.start()
            try:
                result = conn.execute(text(sql), params or {})
                columns = list(result.keys())
                # Plain tuples from the driver: building a frame from SQLAlchemy Row objects is ~10x slower.
                frame = pd.DataFrame(result.cursor.fetchall() if result.returns_rows else [], columns=columns)
            except DBAPIError as exc:
                if _is_timeout(exc):
                    raise QueryTimeout(f"the warehouse query took longer than {self.timeout_ms} ms") from None
                raise
            finally:
                if timer is not None:
                    timer.cancel()
            conn.rollback()
        elapsed = (time.perf_counter() - started) * 1000
        log.debug("query %.1f ms: %s", elapsed, sql.split("\n", 1)[0])
        if has_request_context():  # the request's warehouse time (web/headers.py: Server-Timing)
            g.statboard_sql_ms = g.get("statboard_sql_ms", 0.0) + elapsed
        return frame

    @property
    def version(self) -> DataVersion:
        if self._version is None:
            rows = self.read("select * from loads order by version_id desc limit 1")
            self._version = DataVersion.from_row(rows.iloc[0].to_dict())
        return self._version

    def history(self) -> list[DataVersion]:
        """Every load so far, newest first."""
        rows = self.read("select * from loads order by version_id desc")
        return [DataVersion.from_row(r) for r in rows.to_dict("records")]


def _is_timeout(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return "interrupt" in message or "statement timeout" in message or "canceling statement" in message


class Warehouse:
    """The configured warehouse; `snapshot()` gives the current version, or None before any load."""

    def __init__(self, url: str, timeout_ms: int = DEFAULT_TIMEOUT_MS):
        self.url = url
        self.backend = backend_for(url)
        self.timeout_ms = timeout_ms
        self._versions: dict[str, DataVersion] = {}
        self._memos: dict[str, dict] = {}
        self._pinned_memos: dict[str, tuple[DataVersion, dict]] = {}  # older versions meetings read

    def snapshot(self) -> Snapshot | None:
        source = self.backend.snapshot_source()
        if source is None:
            return None
        engine, schema, key = source
        if key not in self._memos:
            self._memos = {key: {}}  # only the current version's answers are worth keeping
        snap = Snapshot(engine, schema, key, self.backend, self.timeout_ms, self._versions.get(key),
                        self._memos[key])
        if key not in self._versions:
            self._versions = {key: snap.version}
        return snap

    def snapshot_of(self, version_id: int) -> Snapshot | None:
        """Data version `version_id` (a Stat meeting's pinned version): the current one, or an older one the
        loader kept; None when it is gone (or before any load)."""
        current = self.snapshot()
        if current is None or current.version.version_id == version_id:
            return current
        source = self.backend.version_source(version_id)
        if source is None:
            return None
        engine, schema, key = source
        known = self._pinned_memos.get(key)
        snap = Snapshot(engine, schema, key, self.backend, self.timeout_ms, known[0] if known else None,
                        known[1] if known else {})
        if known is None:
            if snap.version.version_id != version_id:  # a file or schema that is not what its name says
                return None
            self._pinned_memos = {**dict(list(self._pinned_memos.items())[-7:]), key: (snap.version, snap._memo)}
        return snap

    def dispose(self) -> None:
        self.backend.dispose()
