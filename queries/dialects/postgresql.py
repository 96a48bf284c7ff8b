"""PostgreSQL, the production warehouse: one schema per data version, switched in one transaction.

A load is validated and built in a local DuckDB staging file, then copied
into a new schema ``statboard_v000008`` and made current by updating the row
in ``statboard.current`` -- all in one transaction, so a failure at any point
(bad data, a crash, Ctrl-C, a lost connection) rolls everything back and
readers, who resolve the pointer once per snapshot and then read with
``search_path`` set to that schema, never see a half-written version. The
previous version's schema is kept for readers still on it, and so is every
version an open Stat meeting is pinned to; older ones are dropped after the switch. A session-level advisory lock keeps loads one at
a time.
"""
from __future__ import annotations

import contextlib
import io
import logging
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import OperationalError

from queries.dialects import WarehouseConfigError
from queries.dialects.duckdb import quiet

log = logging.getLogger(__name__)

POINTER_SCHEMA = "statboard"
VERSION_SCHEMA = re.compile(r"^statboard_v(\d{6})$")
LOAD_LOCK_KEY = 0x5747_4244  # "SWBD": one advisory lock for all Statboard loads on a database

DUCKDB_TO_POSTGRES = {
    # Ids compare by code point (data-contract.md), whatever the database's default collation.
    "VARCHAR": 'text collate "C"', "DATE": "date", "TIMESTAMP": "timestamp", "BOOLEAN": "boolean",
    "BIGINT": "bigint", "INTEGER": "integer", "SMALLINT": "smallint", "DOUBLE": "double precision",
    "FLOAT": "real", "HUGEINT": "numeric", "UBIGINT": "numeric", "UINTEGER": "bigint",
}


# What the members listed on demand look up by child or episode (contacts, exams, referrals of a child).
INDEXED = (("referrals", "child_id"), ("episodes", "child_id"), ("contacts", "child_id"), ("exams", "child_id"),
           ("placements", "episode_id"), ("in_home_cases", "child_id"))


def schema_name(version_id: int) -> str:
    return f"statboard_v{version_id:06d}"


def postgres_type(duck_type: str) -> str:
    if duck_type.startswith("DECIMAL"):
        return duck_type.replace("DECIMAL", "numeric")
    try:
        return DUCKDB_TO_POSTGRES[duck_type]
    except KeyError:
        raise WarehouseConfigError(f"no PostgreSQL type for DuckDB type {duck_type}: "
                                   "add it to DUCKDB_TO_POSTGRES in queries/dialects/postgresql.py") from None


@dataclass
class LoadTarget:
    staging_path: Path
    version_id: int
    _engine: Engine
    _published: list = field(default_factory=list)

    def publish(self, derive=None) -> None:
        """Copy the staging tables into a new schema, run `derive` (the measure engine) there,
        and make it current, all in one transaction."""
        schema = schema_name(self.version_id)
        with quiet(duckdb.connect(str(self.staging_path), read_only=True)) as duck, \
                self._engine.begin() as conn:
            conn.execute(text(f"create schema {schema}"))
            tables = [r[0] for r in duck.execute(
                "select table_name from information_schema.tables where table_schema = 'main' "
                "and table_type = 'BASE TABLE' order by table_name").fetchall()]
            for table in tables:
                _copy_table(duck, conn, schema, table)
            if derive is not None:
                conn.execute(text(f"set local search_path to {schema}"))
                # Fresh tables have no statistics; without them the planner guesses row counts
                # badly for the measure engine's joins.
                for table in tables:
                    conn.execute(text(f'analyze "{table}"'))
                for table, column in INDEXED:
                    if table in tables:
                        conn.execute(text(f'create index on "{table}" ("{column}")'))
                derive(Runner(conn))
            conn.execute(text(
                f"insert into {POINTER_SCHEMA}.current (singleton, schema_name, version_id) "
                "values (true, :schema, :version) on conflict (singleton) do update "
                "set schema_name = excluded.schema_name, version_id = excluded.version_id"),
                {"schema": schema, "version": self.version_id})
        self._published.append(schema)


def _copy_table(duck: duckdb.DuckDBPyConnection, conn: Connection, schema: str, table: str) -> None:
    columns = duck.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'main' and table_name = ? order by ordinal_position", [table]).fetchall()
    column_sql = ", ".join(f'"{name}" {postgres_type(kind)}' for name, kind in columns)
    conn.execute(text(f'create table {schema}."{table}" ({column_sql})'))
    names = ", ".join(f'"{name}"' for name, _ in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    # CSV with every non-NULL value quoted, so that NULL (unquoted empty) and '' stay distinct.
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    reader = duck.sql(f'select * from main."{table}"').to_arrow_reader(100_000)
    with cursor.copy(f'copy {schema}."{table}" ({names}) from stdin with (format csv)') as copy:
        for batch in reader:
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, options)
            copy.write(buffer.getvalue())


class Backend:
    name = "postgresql"

    def __init__(self, url: URL):
        self.url = url
        self._engine: Engine | None = None
        self.dialect = SqlDialect()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.url, pool_pre_ping=True)
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    # -- reading ------------------------------------------------------------------------------

    def snapshot_source(self):
        with self.engine.connect() as conn:
            exists = conn.execute(text("select to_regclass('statboard.current')")).scalar()
            if exists is None:
                return None
            schema = conn.execute(text("select schema_name from statboard.current")).scalar()
        if schema is None:
            return None
        return self.engine, schema, schema

    def version_source(self, version_id: int):
        """An older version's schema, if it is still kept (a meeting pinned to it); None when it is gone."""
        name = schema_name(int(version_id))
        with self.engine.connect() as conn:
            found = conn.execute(text("select 1 from pg_namespace where nspname = :name"), {"name": name}).first()
        return (self.engine, name, name) if found else None

    def session_setup(self, schema: str | None, timeout_ms: int) -> list[str]:
        if schema is None or not VERSION_SCHEMA.match(schema):
            raise WarehouseConfigError(f"unexpected warehouse schema {schema!r}")
        return [f"set local search_path to {schema}",
                f"set local statement_timeout = {int(timeout_ms)}"]

    # -- loading ------------------------------------------------------------------------------

    def _version_schemas(self, conn: Connection) -> dict[int, str]:
        names = conn.execute(text(
            "select nspname from pg_namespace where nspname like 'statboard\\_v%'")).scalars()
        return {int(m.group(1)): m.group(0) for m in map(VERSION_SCHEMA.match, names) if m}

    @contextlib.contextmanager
    def begin_load(self, keep_versions=(), after: int = 0):
        """Lock, then yield the new version's `LoadTarget`; after it is published, drop the versions other
        than the new one, the one it replaced and `keep_versions` (those open meetings are pinned to)."""
        with self.engine.connect() as lock_conn:
            got = lock_conn.execute(text("select pg_try_advisory_lock(:k)"), {"k": LOAD_LOCK_KEY}).scalar()
            lock_conn.commit()
            if not got:
                raise WarehouseConfigError(
                    f"another load into {self.url.render_as_string(hide_password=True)} is running; "
                    "wait for it to finish")
            try:
                yield from self._load(lock_conn, {int(v) for v in keep_versions}, after)
            finally:
                lock_conn.execute(text("select pg_advisory_unlock(:k)"), {"k": LOAD_LOCK_KEY})
                lock_conn.commit()

    def _load(self, conn: Connection, pinned: set[int], after: int = 0):
        with self.engine.begin() as c:
            c.execute(text(f"create schema if not exists {POINTER_SCHEMA}"))
            c.execute(text(f"create table if not exists {POINTER_SCHEMA}.current ("
                           "singleton boolean primary key default true check (singleton), "
                           "schema_name text not null, version_id integer not null)"))
        current = conn.execute(text(f"select schema_name, version_id from {POINTER_SCHEMA}.current")).first()
        conn.commit()
        current_id = current.version_id if current else 0
        with self.engine.begin() as c:
            # Schemas above the current version belong to no published load (there should be
            # none: a failed load rolls back), so they are safe to clear.
            for number, name in self._version_schemas(c).items():
                if number > current_id:
                    c.execute(text(f"drop schema {name} cascade"))
        with tempfile.TemporaryDirectory(prefix="statboard-load-") as tmp:
            target = LoadTarget(Path(tmp) / "staging.duckdb", max(current_id, after) + 1, self.engine)
            yield target
        if target._published:
            keep = {current_id, target.version_id} | pinned
            try:
                with self.engine.begin() as c:
                    c.execute(text("set local lock_timeout = '5s'"))
                    for number, name in self._version_schemas(c).items():
                        if number not in keep:
                            c.execute(text(f"drop schema {name} cascade"))
            except OperationalError as exc:
                # A long read still holds an old version; the next load drops it instead.
                log.warning("old warehouse versions not dropped yet: %s", exc.orig)


class Runner:
    """Runs the measure engine's statements in the new version's schema (search_path is set to it)."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.dialect = SqlDialect()

    def execute(self, sql: str) -> None:
        self.conn.exec_driver_sql(sql)

    def finish_cells(self) -> None:
        self.conn.exec_driver_sql("create index cells_by_month on cells (month, level, entity_id)")
        self.conn.exec_driver_sql("analyze cells")


class SqlDialect:
    """PostgreSQL's spellings of what the measure engine needs (see queries.dialects)."""
    name = "postgresql"
    id_type = 'text collate "C"'  # ids compare by code point, whatever the database's default

    @staticmethod
    def add_months(expr: str, months: int) -> str:
        # date + interval clamps the day to the end of the target month, as the catalogue asks.
        return f"cast({expr} + interval '{int(months)} months' as date)"

    @staticmethod
    def month_start(expr: str) -> str:
        # date_trunc on a date would go through timestamptz and the session's time zone.
        return f"cast(date_trunc('month', cast({expr} as timestamp)) as date)"

    @staticmethod
    def median(expr: str) -> str:
        return f"percentile_cont(0.5) within group (order by {expr})"

    @staticmethod
    def wide_int(expr: str) -> str:
        """An exact integer of any size (numeric) for threshold * denominator."""
        return f"cast({expr} as numeric)"
