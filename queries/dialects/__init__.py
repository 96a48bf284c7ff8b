"""Everything that differs between warehouse engines lives in one module per SQLAlchemy backend.

A backend module defines a ``Backend`` class with:

- ``Backend(url)``;
- ``snapshot_source()`` -> ``(engine, schema or None, key)`` for the version the app
  should read now, or ``None`` before the first load (``key`` identifies the
  version: a file path or schema name);
- ``begin_load()`` -> a context manager yielding a ``LoadTarget``: a staging
  DuckDB file to build the new version in, ``previous`` (the loads history so
  far) and ``publish()``, which makes the new version current atomically. Leaving
  the context without publishing (an error, Ctrl-C, SIGTERM) removes every
  trace of the attempted load;
- ``session_setup(schema, timeout_ms)``: statements run before each read
  (search path, statement time limit), as a list of SQL strings;
- ``dispose()``: close every pooled connection.

and a ``SqlDialect`` class: the few SQL spellings that differ between engines
(calendar-month arithmetic, the median, exact wide integers, the id column
type), used by the measure engine so that one definition runs on every engine.

To add an engine (Trino, ClickHouse, BigQuery...), add ``<backend>.py`` here
with the same class; nothing else changes.
"""
from __future__ import annotations

import importlib

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED = ("duckdb", "postgresql")


class WarehouseConfigError(Exception):
    """The warehouse URL cannot be used; the message says why and what to do."""


def backend_for(url: str):
    """The backend object for a SQLAlchemy URL (raises WarehouseConfigError)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise WarehouseConfigError(
            f"STATBOARD_WAREHOUSE_URL is not a SQLAlchemy URL ({exc}); "
            "use e.g. duckdb:///instance/warehouse.duckdb or postgresql+psycopg://user@host/db") from None
    name = parsed.get_backend_name()
    if name not in SUPPORTED:
        raise WarehouseConfigError(
            f"Statboard has no warehouse dialect for {name!r} (from {parsed.render_as_string(hide_password=True)}); "
            f"supported: {', '.join(SUPPORTED)}. To add one, write queries/dialects/{name}.py "
            "after the model of duckdb.py and postgresql.py")
    module = importlib.import_module(f"queries.dialects.{name}")
    return module.Backend(parsed)


def sql_dialect(name: str):
    """The ``SqlDialect`` of a supported backend, by name (``duckdb``, ``postgresql``)."""
    if name not in SUPPORTED:
        raise WarehouseConfigError(f"no warehouse dialect {name!r}; supported: {', '.join(SUPPORTED)}")
    return importlib.import_module(f"queries.dialects.{name}").SqlDialect()
