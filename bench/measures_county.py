"""Benchmark: the measure engine on `county` data -- the refresh of every indicator, and scorecard reads.

    .venv/bin/python bench/measures_county.py [--extract DIR] [--runs 3] [--reads 50] [--warehouse URL]

1. Refresh: loads the extract once, then recomputes the `cells` of all 28
   indicators for every month and level inside the warehouse, `--runs` times
   (a DuckDB warehouse: on a copy of the version's file; PostgreSQL: in a
   transaction that is rolled back). Prints the median and the slowest indicators.
2. Read: one month's scorecard at each level through `queries.scorecard.scorecard`
   (what the pages and exports call), `--reads` times per level: median and p95.
   For comparison, the raw SQL time of the same cells computed from the extract's
   tables for that month and level (the members SQL of every indicator, run now).

Targets (issue 3): refresh under 30 s; a scorecard read under 20 ms median.
Figures are medians; the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measures.build import cells_sql, compute_measures  # noqa: E402
from measures.catalogue import load_catalogue  # noqa: E402
from access.scope import LEVELS, Scope  # noqa: E402
from queries.scorecard import report_months, scorecard  # noqa: E402
from queries.warehouse import Warehouse  # noqa: E402


class TimedRunner:
    """Wraps a backend's runner to time each indicator's statement."""

    def __init__(self, runner):
        self.runner, self.dialect, self.times = runner, runner.dialect, {}

    def execute(self, sql: str) -> None:
        started = time.perf_counter()
        self.runner.execute(sql)
        key = sql.split("cells of ", 1)[1].split(":", 1)[0] if "-- cells of " in sql else sql.split()[0]
        self.times[key] = self.times.get(key, 0) + time.perf_counter() - started

    def finish_cells(self) -> None:
        started = time.perf_counter()
        self.runner.finish_cells()
        self.times["(store sorted / index)"] = time.perf_counter() - started


def refresh_once(warehouse: Warehouse, catalogue) -> tuple[float, dict]:
    snapshot = warehouse.snapshot()
    if warehouse.backend.name == "duckdb":
        import duckdb

        from queries.dialects.duckdb import Runner, quiet
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "refresh.duckdb"
            shutil.copy(snapshot.key, copy)
            con = quiet(duckdb.connect(str(copy)))
            con.execute("drop table cells")
            runner = TimedRunner(Runner(con))
            started = time.perf_counter()
            compute_measures(runner, catalogue)
            con.execute("checkpoint")
            seconds = time.perf_counter() - started
            con.close()
    else:
        from sqlalchemy import text

        from queries.dialects.postgresql import Runner
        with warehouse.backend.engine.connect() as conn:
            conn.execute(text(f"set local search_path to {snapshot.schema}"))
            conn.execute(text("drop table cells"))
            runner = TimedRunner(Runner(conn))
            started = time.perf_counter()
            compute_measures(runner, catalogue)
            seconds = time.perf_counter() - started
            conn.rollback()
    return seconds, runner.times


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", type=Path, help="a county extract already generated (default: generate one)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--warehouse", help="SQLAlchemy URL (default: a fresh DuckDB file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="statboard-bench-") as tmp:
        extract = args.extract
        if extract is None:
            extract = Path(tmp) / "county"
            subprocess.run([sys.executable, "-m", "cli", "demo-data", str(extract), "--scale", "county"],
                           cwd=ROOT, check=True)
        url = args.warehouse or f"duckdb:///{Path(tmp) / 'warehouse.duckdb'}"
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from loader.load import "
                        "load_extract; from queries.warehouse import Warehouse; "
                        "load_extract(Path(sys.argv[1]), Warehouse(sys.argv[2]))", str(extract), url],
                       cwd=ROOT, check=True)
        warehouse = Warehouse(url)
        catalogue = load_catalogue()
        snapshot = warehouse.snapshot()
        months = report_months(snapshot)
        cells = snapshot.read("select count(*) as n from cells").n[0]
        print(f"warehouse: {warehouse.backend.name}; {len(catalogue)} indicators x {len(months)} months x 5 levels "
              f"= {cells:,} cells")

        runs = [refresh_once(warehouse, catalogue) for _ in range(args.runs)]
        seconds = [s for s, _ in runs]
        print(f"refresh of all indicators: median {statistics.median(seconds):.1f} s "
              f"(runs: {', '.join(f'{s:.1f}' for s in seconds)}; target < 30 s)")
        slowest = sorted(runs[0][1].items(), key=lambda kv: -kv[1])[:6]
        print("  slowest steps (first run): " + ", ".join(f"{k} {v:.1f} s" for k, v in slowest))

        month = months[-1]
        one_month = f"(select month, me from report_months where month = date '{month:%Y-%m-%d}') as report_month"
        d = warehouse.backend.dialect
        print(f"scorecard read, {month:%Y-%m}, {args.reads} reads per level (target < 20 ms median):")
        for level in LEVELS:
            times = []
            for _ in range(args.reads):
                started = time.perf_counter()
                frame = scorecard(warehouse.snapshot(), Scope.everything(), month, level)
                times.append((time.perf_counter() - started) * 1000)
            raw = []
            for _ in range(3):
                started = time.perf_counter()
                for indicator in catalogue:
                    snapshot.read(f"select * from ({cells_sql(d, indicator, one_month)}) as c "
                                  "where level = :level", {"level": level})
                raw.append((time.perf_counter() - started) * 1000)
            print(f"  {level:<10} {len(frame):>6,} rows: median {statistics.median(times):6.1f} ms, "
                  f"p95 {percentile(times, 95):6.1f} ms | raw SQL from the extract: "
                  f"median {statistics.median(raw):8.0f} ms ({statistics.median(raw) / statistics.median(times):,.0f}x)")
        warehouse.dispose()


if __name__ == "__main__":
    main()
