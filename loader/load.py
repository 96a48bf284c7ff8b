"""`statboard load`: validate an extract, build a new data version, publish it atomically.

The whole extract is checked before anything is published; a refused or
failed load leaves the warehouse exactly as it was, and the app keeps
serving the current version throughout (see queries/dialects for how each
engine makes the switch atomic).
"""
from __future__ import annotations

import json
import logging
import signal
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb

from loader.contract import TABLES
from loader.problems import LoadRefused, Problem, Report
from loader.read import read_extract, read_manifest
from loader.validate import build_tables, infer_as_of, stage, validate
from measures.build import compute_measures, prepare_measures
from measures.catalogue import Catalogue, load_catalogue
from queries.dialects.duckdb import quiet
from access.private_files import private_umask
from queries.warehouse import Warehouse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadResult:
    version_id: int
    as_of: str
    agency: str | None
    row_counts: dict[str, int]
    seconds: float
    indicators: int = 0
    months: int = 0

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())


class ExtractNotFound(Exception):
    """The extract directory does not exist or is not a directory."""


def load_extract(directory: Path, warehouse: Warehouse, cap_per_table: int = 50,
                 catalogue: Catalogue | None = None, keep_versions=(), after_version: int = 0) -> LoadResult:
    """Validate `directory`, compute its indicators, and publish it as the warehouse's new current version.

    The indicators are those of `catalogue` (default: the default catalogue file), computed
    inside the warehouse before the version is published (see measures.build).

    Raises LoadRefused (with the full report) when the extract breaks the contract,
    ExtractNotFound for a wrong path; any other error also leaves the warehouse unchanged.
    Versions in `keep_versions` (those open Stat meetings are pinned to) are kept; of the rest, only the
    version this load replaces is. The new version's number is above the warehouse's current one and above
    `after_version` (the highest the app store has seen): a warehouse built again from nothing starts there, so
    no meeting or selection pinned to a number ever finds other data under it.
    """
    started = datetime.now(timezone.utc)
    # The extract's dates are local clock dates: so is the day of the load they are checked against.
    today = date.today().isoformat()
    catalogue = catalogue if catalogue is not None else load_catalogue()
    directory = Path(directory)
    if not directory.is_dir():
        raise ExtractNotFound(f"{directory} is not a directory: give the folder that holds the extract's "
                              "CSV or Parquet files")
    report = Report(cap_per_table=cap_per_table)
    manifest = read_manifest(directory, report)
    tables = read_extract(directory, report)
    # Everything the load writes (staging file, write-ahead log, lock, the new version) is private.
    with _terminate_as_interrupt(), private_umask(), warehouse.backend.begin_load(keep_versions, after_version) as target:
        previous = warehouse.snapshot()
        history = previous.history() if previous is not None else []
        con = quiet(duckdb.connect(str(target.staging_path)))
        try:
            stage(con, tables)
            as_of = manifest.as_of or infer_as_of(con, tables)
            if as_of is None:
                report.add("manifest", [Problem("manifest.json", None, "as_of", None,
                                                "no as_of date: the extract has no dates; add manifest.json "
                                                'with {"as_of": "YYYY-MM-DD"}')])
            else:
                if manifest.as_of is not None and manifest.as_of > today:
                    report.add("manifest", [Problem(
                        "manifest.json", None, "as_of", manifest.as_of,
                        f"is after today ({today}), the day of the load: as_of is the day the extract was "
                        "taken; correct it in manifest.json")])
                validate(con, tables, as_of, today, report)
            if report:
                raise LoadRefused(report)
            counts = build_tables(con, tables)
            build_entities(con, manifest.agency)
            build_loads(con, history, target.version_id, as_of, manifest.agency, started,
                        str(directory.resolve()), counts)
            months = prepare_measures(con, catalogue, as_of)
            con.execute("checkpoint")
        finally:
            con.close()
        measured = datetime.now(timezone.utc)
        target.publish(derive=lambda runner: compute_measures(runner, catalogue))
        log.debug("%d indicators x %d months computed and published in %.1f s", len(catalogue), months,
                  (datetime.now(timezone.utc) - measured).total_seconds())
    seconds = (datetime.now(timezone.utc) - started).total_seconds()
    log.info("published data version %s (as of %s, %s rows) in %.1f s",
             target.version_id, as_of, sum(counts.values()), seconds)
    return LoadResult(target.version_id, as_of, manifest.agency, counts, seconds, len(catalogue), months)


def build_entities(con: duckdb.DuckDBPyConnection, agency: str | None) -> None:
    """The organisation as one table: every entity at every level with its ancestors' ids.

    Scope filters and drill-downs read this table; the department's id is 'all'.
    """
    con.execute("""
        create table entities as
        -- the department
        select 'department' as level, 'all' as entity_id, ? as entity_name,
               cast(null as varchar) as parent_level, cast(null as varchar) as parent_id,
               cast(null as varchar) as bureau_id, cast(null as varchar) as office_id,
               cast(null as varchar) as unit_id, cast(null as varchar) as peer_group, true as active
        union all
        -- bureaus
        select 'bureau', bureau_id, bureau_name, 'department', 'all', bureau_id, null, null, null, true
        from bureaus
        union all
        -- offices
        select 'office', office_id, office_name, 'bureau', bureau_id, bureau_id, office_id, null,
               peer_group, true
        from offices
        union all
        -- units
        select 'unit', u.unit_id, u.unit_name, 'office', u.office_id, o.bureau_id, u.office_id,
               u.unit_id, null, true
        from units u join offices o using (office_id)
        union all
        -- workers; active while employed
        select 'worker', w.worker_id, w.worker_name, 'unit', w.unit_id, o.bureau_id, u.office_id,
               w.unit_id, null, w.end_date is null
        from workers w join units u using (unit_id) join offices o using (office_id)
    """, [agency or "Department"])


def build_loads(con: duckdb.DuckDBPyConnection, history: list, version_id: int, as_of: str,
                agency: str | None, loaded_at: datetime, source: str, counts: dict[str, int]) -> None:
    """The load history, carried forward from the previous version, plus this load."""
    con.execute("""
        create table loads (
            version_id integer not null, as_of date not null, agency varchar,
            loaded_at timestamp not null, source varchar not null, row_counts varchar not null)
    """)
    rows = [(v.version_id, v.as_of, v.agency, v.loaded_at, v.source, json.dumps(v.row_counts))
            for v in history]
    rows.append((version_id, as_of, agency, loaded_at.replace(tzinfo=None, microsecond=0), source,
                 json.dumps({t.name: counts.get(t.name, 0) for t in TABLES
                             if not t.optional or t.name in counts})))
    con.executemany("insert into loads values (?, ?, ?, ?, ?, ?)", rows)


class _terminate_as_interrupt:
    """Treat SIGTERM like Ctrl-C during a load, so the cleanup of a half-built version runs."""

    def __enter__(self):
        try:
            self._old = signal.signal(signal.SIGTERM, self._raise)
        except ValueError:  # not the main thread: the caller owns signals
            self._old = None
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt("terminated")

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGTERM, self._old)
        return False
