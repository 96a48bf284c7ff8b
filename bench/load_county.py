"""Benchmark: generate the `county` demo extract and load it; print times, rows/s and peak memory.

    .venv/bin/python bench/load_county.py [--scale county] [--runs 3] [--warehouse URL]

Each load runs in its own process, so its peak resident memory is the load's
alone. Figures are medians over the runs; the machine is shared and noisy.
The issue's target: a `county` load in under 60 s on this 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOAD_ONE = """
import json, resource, sys, time
from pathlib import Path
from loader.load import load_extract
from queries.warehouse import Warehouse
started = time.perf_counter()
result = load_extract(Path(sys.argv[1]), Warehouse(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - started, "rows": result.rows,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="county", choices=["small", "county", "state"])
    parser.add_argument("--runs", type=int, default=3, help="loads to time (median reported)")
    parser.add_argument("--warehouse", help="SQLAlchemy URL; default: a fresh DuckDB file per run")
    parser.add_argument("--extract", type=Path, help="reuse an extract already generated here")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from demodata.generate import generate

    with tempfile.TemporaryDirectory(prefix="statboard-bench-") as tmp:
        extract = args.extract or Path(tmp) / "extract"
        if not (extract / "manifest.json").exists():
            started = time.perf_counter()
            counts = generate(extract, args.scale)
            print(f"generate {args.scale}: {time.perf_counter() - started:.1f} s, {sum(counts.values()):,} rows")
            for table, n in counts.items():
                print(f"  {table:<14} {n:>12,}")
        runs = []
        for k in range(args.runs):
            url = args.warehouse or f"duckdb:///{Path(tmp) / f'run{k}' / 'warehouse.duckdb'}"
            out = subprocess.run([sys.executable, "-c", LOAD_ONE, str(extract), url], cwd=ROOT,
                                 capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            r = runs[-1]
            print(f"load run {k + 1}: {r['seconds']:.1f} s, {r['rows'] / r['seconds']:,.0f} rows/s, "
                  f"peak {r['peak_mib']:,.0f} MiB")
        seconds = statistics.median(r["seconds"] for r in runs)
        rows = runs[0]["rows"]
        print(f"load {args.scale} (median of {len(runs)}): {seconds:.1f} s for {rows:,} rows = "
              f"{rows / seconds:,.0f} rows/s; peak memory {statistics.median(r['peak_mib'] for r in runs):,.0f} MiB; "
              f"target < 60 s: {'met' if seconds < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
