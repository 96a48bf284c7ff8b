"""Benchmark: the data book of a bureau's Stat meeting with ten agenda items, on `county` data.

    .venv/bin/python bench/databook_county.py [--instance DIR | --extract DIR] [--runs 3]

The meeting is the first bureau's, on the last complete month, pinned to the current data version; its agenda
is the first ten cells the meeting's own suggestions name (indicator items: each has a trend and its offices'
variation, the costly part), with notes; actions are carried over from the bureau's previous meeting and agreed
at this one. What is timed is `databook.build(book, fmt)` for PPTX and for PDF, `--runs` times each: the plan,
every chart drawn by Kaleido in one Chromium (started each time, as for each download), and the file written.
Reading the meeting's numbers (`assemble`) is timed once, apart.

Target (issue 14): under 20 s for each format on a 2-core machine. Figures are medians; the machine is shared.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.county import county_instance  # noqa: E402

import databook  # noqa: E402
from store import meeting_numbers  # noqa: E402
from store import db, meetings  # noqa: E402
from access.roles import reader_for  # noqa: E402
from store.meeting_book import assemble  # noqa: E402
from access.scope import EntityRef  # noqa: E402
from queries.warehouse import Warehouse  # noqa: E402
from reviews.instrument import load_instrument  # noqa: E402

ITEMS = 10
TARGET_S = 20.0


def bureau_meeting(warehouse: Warehouse, engine, reader) -> int:
    """A previous meeting of the first bureau with three actions, then the meeting benchmarked: its id."""
    snapshot = warehouse.snapshot()
    version = snapshot.version
    bureau = snapshot.read("select entity_id from entities where level = 'bureau' order by entity_id limit 1")
    entity = EntityRef("bureau", bureau.entity_id.iloc[0])
    name, ids, month = meeting_numbers.prepare(snapshot, reader.data_scope(), entity, None)
    held = version.as_of + dt.timedelta(days=10)
    before = meetings.create_meeting(engine, reader, entity, name, ids, month, version.version_id, version.as_of,
                                     held - dt.timedelta(days=35), f"{name} Stat, the month before")
    meeting = meetings.create_meeting(engine, reader, entity, name, ids, month, version.version_id, version.as_of,
                                      held, attendees="Bureau chief; Office heads; Planning analyst")
    found = meeting_numbers.suggestions(meeting_numbers.compute(snapshot, meeting, []), [])
    if len(found) < ITEMS:
        raise SystemExit(f"the bureau's scorecard suggests {len(found)} cells, fewer than {ITEMS}")
    for n, suggestion in enumerate(found[:ITEMS]):
        meetings.add_item(engine, reader, meeting.id, "indicator", indicator_id=suggestion.indicator_id,
                          entity=suggestion.entity, entity_name=suggestion.entity_name, source=suggestion.kind,
                          reason=suggestion.reason,
                          notes=f"What the office heads said about it ({n + 1}).\nWhat they will look at next.")
        if n < 3:
            meetings.add_action(engine, reader, before.id, f"Look into {suggestion.indicator_name}",
                                f"Office head {n + 1}", held - dt.timedelta(days=5 - 10 * n),
                                suggestion.indicator_id, suggestion.entity, suggestion.entity_name)
        elif n < 5:
            meetings.add_action(engine, reader, meeting.id, f"Follow up {suggestion.indicator_name}",
                                f"Office head {n + 1}", held + dt.timedelta(days=30), suggestion.indicator_id,
                                suggestion.entity, suggestion.entity_name)
    return meeting.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, help="an instance folder whose warehouse holds county data")
    parser.add_argument("--extract", type=Path, help="a county extract to load into a fresh instance")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="statboard-bench-") as tmp:
        instance = county_instance(args, Path(tmp))
        warehouse = Warehouse(f"duckdb:///{instance / 'warehouse.duckdb'}")
        engine = db.store_engine(f"sqlite:///{Path(tmp) / 'store.db'}")
        db.upgrade(engine)
        reader = reader_for("bench", "executive", None)
        meeting_id = bureau_meeting(warehouse, engine, reader)
        started = time.perf_counter()
        book = assemble(warehouse, engine, reader, meeting_id, load_instrument())
        read_s = time.perf_counter() - started
        print(f"county: {book.meeting.entity_name}, {book.meeting.month:%B %Y}, {len(book.items)} agenda items, "
              f"{len(book.carried)} actions carried over and {len(book.new)} new; reading its numbers "
              f"{read_s:.2f} s")
        worst = 0.0
        for fmt in databook.FORMATS:
            times, size = [], 0
            for _ in range(args.runs):
                started = time.perf_counter()
                size = len(databook.build(book, fmt))
                times.append(time.perf_counter() - started)
            median = statistics.median(times)
            worst = max(worst, median)
            flag = "" if median < TARGET_S else f"  (over the {TARGET_S:.0f} s target)"
            print(f"  {fmt:<5} median {median:5.1f} s  (runs: {', '.join(f'{t:.1f}' for t in times)}; "
                  f"{size / 1e6:.1f} MB){flag}")
        print(f"slowest median: {worst:.1f} s (target < {TARGET_S:.0f} s)")
        warehouse.dispose()
        engine.dispose()


if __name__ == "__main__":
    main()
