"""Benchmark: the server time of each Stat-meeting interaction on `county` data.

    .venv/bin/python bench/pages_county.py [--instance DIR | --extract DIR] [--samples 20]

Each interaction is the callback request the browser sends, posted to the real app's
`/_dash-update-component` through Flask's test client: Dash decodes it, the callback reads the
warehouse and builds its figures, Dash encodes the answer. What is timed is the whole request on
the server (no network, no browser drawing), signed in as an executive (or `--role viewer`: every
answer then goes through small-cell and complementary suppression and rounding, queries/disclosure.py),
so each request includes the session lookup in the app store. For each interaction and level, `--samples` entities
of that level are picked (fixed seed; repeated when the level has fewer) and each request is timed
once after one warm-up of the page: median and p95.

Interactions:
  open scorecard   /scorecard with parent = an entity of the level (the department: no parent);
                   a drill is this same request for the clicked row
  indicator page   /indicator/<id> across the entity's children (a different indicator each sample)
  entity page      /entity/<level>/<id>: every indicator with 24 months of sparklines
  trend            the indicator page with entity=<level>:<id> and the whole history, asked from the open
                   indicator page (whose ranking is then in the shared cache; the trend is not)

Each request is timed cold (the shared cache emptied first: the first reader to ask in this data version) and
warm (the same request again: every later reader with the same scope), with its warehouse time beside it (the
app's Server-Timing header): the ratio of server time to SQL time is what the app adds.

Targets: p95 under 150 ms (issue 4); server time under 2x its SQL time, and the whole-history trend under 100 ms
p95 (issue 16). Figures are medians and p95s; the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from store import db  # noqa: E402
from access.scope import LEVELS  # noqa: E402
from queries.scorecard import indicator_catalogue  # noqa: E402
from store.users import add_user  # noqa: E402

PAGES = {"scorecard": "scorecard-query", "indicator": "indicator-query", "entity": "entity-query"}


def request_body(app, store_id: str, query: dict) -> str:
    """The JSON the browser posts when the page's query store fills: the callback that reads it (its other
    inputs, such as the live check's store, and its states as the page starts: empty)."""
    for output, spec in app.callback_map.items():
        if any(i["id"] == store_id for i in spec["inputs"]):
            outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in output.strip(".").split("...")]
            inputs = [{**i, "value": query if i["id"] == store_id else None} for i in spec["inputs"]]
            return json.dumps({"output": output, "outputs": outputs, "inputs": inputs,
                               "changedPropIds": [f"{store_id}.data"],
                               "state": [{**s, "value": None} for s in spec["state"]]})
    raise LookupError(f"no callback reads {store_id}")


def signed_in(app, role: str = "executive"):
    """A test client signed in through the real form: every timed request includes the session lookup a
    real one makes."""
    engine = app.server.extensions["statboard"].store
    db.upgrade(engine)
    password = secrets.token_urlsafe(16)
    add_user(engine, "bench", role, None, password, "bench")
    client = app.server.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post("/login", data={"username": "bench", "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in: {response.status_code}")
    return client


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(client, body: str) -> tuple[float, float]:
    """The request's ms on the server (the whole request, as the test client sees it) and its warehouse ms (the
    app's Server-Timing header: the SQL the interaction ran)."""
    started = time.perf_counter()
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"callback answered {response.status_code}: {response.text[:300]}")
    sql = float(re.match(r"sql;dur=([\d.]+)", response.headers["Server-Timing"]).group(1))
    return elapsed, sql


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, help="an instance folder whose warehouse holds county data")
    parser.add_argument("--extract", type=Path, help="a county extract to load into a fresh instance")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--role", choices=["executive", "viewer"], default="executive")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="statboard-bench-") as tmp:
        instance = args.instance
        if instance is None:
            extract = args.extract or Path(tmp) / "county"
            if args.extract is None:
                subprocess.run([sys.executable, "-m", "cli", "demo-data", str(extract), "--scale", "county"],
                               cwd=ROOT, check=True)
            instance = Path(tmp) / "instance"
            subprocess.run([sys.executable, "-m", "cli", "load", str(extract)], cwd=ROOT, check=True,
                           env={**__import__("os").environ, "STATBOARD_INSTANCE_DIR": str(instance)})
        app = create_app({"instance_dir": str(instance), "database_url": f"sqlite:///{Path(tmp) / 'store.db'}",
                          "secret_key": secrets.token_hex(32), "secure_cookies": False, "server_timing": True})
        client = signed_in(app, args.role)
        snapshot = app.server.extensions["statboard"].warehouse.snapshot()
        entities = snapshot.read("select level, entity_id from entities order by level, entity_id")
        indicators = indicator_catalogue(snapshot).indicator_id.tolist()
        rng = random.Random(42)
        picks = {}
        for level in LEVELS:
            ids = sorted(entities[entities.level == level].entity_id)
            chosen = rng.sample(ids, min(args.samples, len(ids)))
            # A level with fewer entities than samples (the department, a few bureaus) repeats them.
            picks[level] = (chosen * args.samples)[:args.samples]
        print(f"county: {len(entities):,} entities; {args.samples} samples per level; as {args.role}; "
              "server time per request")
        for path in ("/scorecard", "/indicator/reentry", "/entity/department/all"):
            client.get(path)  # the page's first load (Dash's index) is not what is measured
        rows = []
        for level in LEVELS:
            for name, page, make in (
                ("open scorecard / drill", "scorecard",
                 lambda e, n: {} if level == "department" else {"parent": f"{level}:{e}"}),
                ("indicator page", "indicator",
                 lambda e, n: {"indicator_id": indicators[n % len(indicators)],
                               **({} if level == "department" else {"parent": f"{level}:{e}"})}),
                ("entity page", "entity", lambda e, n: {"level": level, "entity_id": e}),
                ("trend (whole history)", "indicator",
                 lambda e, n: {"indicator_id": indicators[n % len(indicators)], "months": "all",
                               "entity": "department" if level == "department" else f"{level}:{e}"}),
            ):
                if level == "worker" and page == "scorecard" or level == "worker" and name == "indicator page":
                    continue  # a worker has no rows below it
                bodies = [request_body(app, PAGES[page], make(e, n)) for n, e in enumerate(picks[level])]
                timed(client, request_body(app, PAGES[page], make(picks[level][0], len(bodies))))  # warm-up
                cold, warm = [], []
                for n, body in enumerate(bodies):
                    _empty_cache(app)
                    if name.startswith("trend"):
                        # Asked from an open indicator page (the span changed to "Whole history"), as a reader
                        # does: the page's ranking is already in the cache, the trend is not.
                        query = make(picks[level][n], n)
                        timed(client, request_body(app, PAGES[page], {"indicator_id": query["indicator_id"]}))
                    cold.append(timed(client, body))  # the first to ask, in this data version
                    warm.append(timed(client, body))  # the next: from the shared cache
                rows.append((name, level, [t for t, _ in cold], [q for _, q in cold], [t for t, _ in warm]))
        width = max(len(r[0]) for r in rows)
        print(f"  {'':<{width}}  {'':<10} {'cold: server':>14} {'its SQL':>9} {'ratio':>6}   {'warm: server':>14}")
        print(f"  {'':<{width}}  {'':<10} {'median':>7} {'p95':>6} {'median':>9} {'':>6}   {'median':>7} {'p95':>6}")
        for name, level, cold, sql, warm in rows:
            ratio = statistics.median(cold) / max(statistics.median(sql), 0.1)
            print(f"  {name:<{width}}  {level:<10} {statistics.median(cold):7.1f} {percentile(cold, 95):6.1f} "
                  f"{statistics.median(sql):9.1f} {ratio:5.1f}x   {statistics.median(warm):7.1f} "
                  f"{percentile(warm, 95):6.1f}")
        print(f"worst p95: cold {max(percentile(r[2], 95) for r in rows):.1f} ms, warm "
              f"{max(percentile(r[4], 95) for r in rows):.1f} ms (target < 150 ms); worst ratio of server to SQL "
              f"time, cold: {max(statistics.median(r[2]) / max(statistics.median(r[3]), 0.1) for r in rows):.1f}x "
              "(target < 2x)")
        trend_p95 = [percentile(r[2], 95) for r in rows if r[0].startswith("trend")]
        print(f"whole-history trend p95, cold: {max(trend_p95):.1f} ms (target < 100 ms)")


def _empty_cache(app) -> None:
    """Nothing in the shared cache: each interaction's first ask is timed as the first reader's."""
    with app.server.app_context():
        app.server.extensions["statboard_cache"].clear()


if __name__ == "__main__":
    main()
