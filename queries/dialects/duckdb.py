"""DuckDB, the embedded default: one file per data version, published by swapping a symlink.

``instance/warehouse.duckdb`` (the path in the URL) is a symlink to
``warehouse.duckdb.v000007``. A load builds ``warehouse.duckdb.v000008`` beside
it, closes it, and replaces the symlink in one ``rename``: a reader resolves
the link once per snapshot and opens that file read-only, so it sees the old
version or the new one, never a mix. The current and the previous version
are kept (a reader may still hold the previous one), and so is every version
an open Stat meeting is pinned to (``keep``); older files and any left by an
interrupted load are removed by the next load. An exclusive ``flock``
on ``warehouse.duckdb.lock`` keeps loads one at a time.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine

from queries.dialects import WarehouseConfigError
from access.private_files import FILE_MODE, private_file, private_folder

PINNED_ENGINES = 8  # older versions' engines kept open at once (meetings pinned to them)
VERSION_SUFFIX = re.compile(r"\.v(\d{6})$")


@dataclass
class LoadTarget:
    staging_path: Path
    version_id: int
    _link: Path

    def publish(self, derive=None) -> None:
        """Run `derive` (the measure engine) on the new version's file, then make it current."""
        if derive is not None:
            con = quiet(duckdb.connect(str(self.staging_path)))
            try:
                derive(Runner(con))
                con.execute("checkpoint")
            finally:
                con.close()
        os.chmod(self.staging_path, FILE_MODE)  # whatever the umask it was made under
        tmp = self._link.with_name(self._link.name + ".swap")
        tmp.unlink(missing_ok=True)
        os.symlink(self.staging_path.name, tmp)
        try:
            os.replace(tmp, self._link)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(self._link.parent)


class Backend:
    name = "duckdb"

    def __init__(self, url: URL):
        database = url.database
        if not database or database == ":memory:":
            raise WarehouseConfigError(
                "a DuckDB warehouse must be a file (the loader writes it, the app reads it): "
                "use duckdb:///path/to/warehouse.duckdb")
        self.link = Path(database).absolute()
        self._engines: dict[str, Engine] = {}
        self._pinned: dict[str, Engine] = {}  # engines of older versions a meeting reads, most recent last
        self.dialect = SqlDialect()
        self._lock = threading.Lock()

    # -- reading ------------------------------------------------------------------------------

    def current_file(self) -> Path | None:
        if not self.link.exists():
            return None
        return Path(os.path.realpath(self.link))

    def snapshot_source(self):
        path = self.current_file()
        if path is None:
            return None
        key = str(path)
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = create_engine(f"duckdb:///{key}", connect_args={"read_only": True})
                # Keep the engine of the version just replaced until its readers are done.
                for old in list(self._engines)[:-1]:
                    self._engines.pop(old).dispose()
                self._engines[key] = engine
        return engine, None, key

    def version_source(self, version_id: int):
        """An older version's file, if it is still kept (a meeting pinned to it); None when it is gone."""
        path = self.link.with_name(f"{self.link.name}.v{int(version_id):06d}")
        if not path.is_file():
            return None
        key = str(path)
        with self._lock:
            engine = self._engines.get(key) or self._pinned.pop(key, None)
            if engine is None:
                engine = create_engine(f"duckdb:///{key}", connect_args={"read_only": True})
            if key not in self._engines:
                self._pinned[key] = engine  # most recently used last
                while len(self._pinned) > PINNED_ENGINES:
                    self._pinned.pop(next(iter(self._pinned))).dispose()
        return engine, None, key

    def session_setup(self, schema: str | None, timeout_ms: int) -> list[str]:
        return []  # the time limit is enforced by interrupting the connection (see queries.warehouse)

    def dispose(self) -> None:
        with self._lock:
            for engine in [*self._engines.values(), *self._pinned.values()]:
                engine.dispose()
            self._engines.clear()
            self._pinned.clear()

    # -- loading ------------------------------------------------------------------------------

    def _versions(self) -> dict[int, Path]:
        found = {}
        for path in self.link.parent.glob(self.link.name + ".v*"):
            m = VERSION_SUFFIX.search(path.name)
            if m:
                found[int(m.group(1))] = path
        return found

    @contextlib.contextmanager
    def begin_load(self, keep_versions=(), after: int = 0):
        """Lock, then yield the new version's `LoadTarget`; after it is published, remove the versions other
        than the new one, the one it replaced and `keep_versions` (those open meetings are pinned to)."""
        private_folder(self.link.parent)
        if self.link.exists() and not self.link.is_symlink():
            raise WarehouseConfigError(
                f"{self.link} is a plain file, not a warehouse written by `statboard load` "
                "(which keeps a link to its current version); move it away or set "
                "STATBOARD_WAREHOUSE_URL to another path")
        lock_path = private_file(self.link.with_name(self.link.name + ".lock"))
        with open(lock_path, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise WarehouseConfigError(
                    f"another load into {self.link} is running; wait for it to finish") from None
            current = self.current_file()
            versions = self._versions()
            for path in versions.values():  # versions written before files were made private
                private_file(path)
            keep = {current} if current else set()
            # Files of an interrupted load are never published; clear them first.
            for number, path in versions.items():
                if current is None or number > _number(current):
                    _remove_version(path)
            new_id = max(_number(current) if current else 0, after) + 1
            staging = self.link.with_name(f"{self.link.name}.v{new_id:06d}")
            target = LoadTarget(staging, new_id, self.link)
            try:
                yield target
            except BaseException:
                _remove_version(staging)
                raise
            if self.current_file() == staging:
                keep.add(staging)
                pinned = {int(v) for v in keep_versions}
                for number, path in self._versions().items():
                    if path not in keep and number not in pinned:
                        _remove_version(path)
            else:
                _remove_version(staging)


def _number(path: Path) -> int:
    m = VERSION_SUFFIX.search(path.name)
    return int(m.group(1)) if m else 0


def _remove_version(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def quiet(con):
    """No progress bars on the terminal of `statboard load` (DuckDB draws one for long queries)."""
    con.execute("set enable_progress_bar = false")
    return con


class Runner:
    """Runs the measure engine's statements on the new version's DuckDB file."""

    def __init__(self, con):
        self.con = con
        self.dialect = SqlDialect()

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def finish_cells(self) -> None:
        # Stored in the order a scorecard reads them, so a read of one month and level skips
        # every other row group by its min/max.
        self.con.execute("create table cells_sorted as select * from cells "
                         "order by month, level, entity_id, indicator_id")
        self.con.execute("drop table cells")
        self.con.execute("alter table cells_sorted rename to cells")


class SqlDialect:
    """DuckDB's spellings of what the measure engine needs (see queries.dialects)."""
    name = "duckdb"
    id_type = "varchar"  # DuckDB compares strings by code point already

    @staticmethod
    def add_months(expr: str, months: int) -> str:
        # DuckDB clamps the day to the end of the target month (2024-01-31 + 1 month = 2024-02-29).
        return f"cast({expr} + interval '{int(months)} months' as date)"

    @staticmethod
    def month_start(expr: str) -> str:
        return f"cast(date_trunc('month', {expr}) as date)"

    @staticmethod
    def median(expr: str) -> str:
        return f"median(cast({expr} as double))"

    @staticmethod
    def wide_int(expr: str) -> str:
        """An exact integer wide enough for threshold * denominator (128 bits)."""
        return f"cast({expr} as hugeint)"
