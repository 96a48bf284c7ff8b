"""Benchmark: a whole Stat meeting at once. 100 signed-in clients open the scorecard and drill once, on `county`.

    .venv/bin/python bench/meeting_county.py [--instance DIR | --extract DIR] [--warehouse URL] [--clients 100]
                                             [--workers 4] [--cache files|redis] [--spread 10]

The app runs as `statboard serve` runs it (gunicorn, `--workers` processes of 4 threads, production settings over
plain HTTP on 127.0.0.1) on the county warehouse: the instance's DuckDB file, or `--warehouse` (a PostgreSQL URL
whose warehouse already holds county data: `STATBOARD_WAREHOUSE_URL=... statboard load EXTRACT`).

What each client sends is the browser's own traffic: headless Chromium opens the scorecard and clicks a row's name
once, signed in as each kind of reader, and every `/_dash-update-component` request it posts is recorded (body
and order). The clients are readers of a department's meeting: executives (their scorecard is the department's,
they drill into a bureau) and bureau managers spread over the bureaus (their own bureau, drilling into an office).
Each client signs in through the real form with its own account, then replays its reader's requests in order,
each after the one before it is answered, as the browser does.

Two arrivals, each cold (a new server, an empty shared cache) and then warm (the same requests again):
  instant   every client starts at the same moment (the presenter says "open the scorecard")
  spread    the clients start at random moments over `--spread` seconds (fixed seed)

Printed per run: p50, p95 and max of the callback requests (ms), the slowest client's whole open-and-drill, and
the number of errors (any answer but 200, or a request that failed). Targets (issue 16): instant p95 under 1 s
warm; spread p95 under 300 ms; zero errors. Figures are medians and p95s; the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.county import county_instance  # noqa: E402
from bench.signin_county import free_port, new_browser, percentile, sign_in_and_time, start_server  # noqa: E402

from store import db  # noqa: E402
from store.users import add_user  # noqa: E402
from queries.warehouse import Warehouse  # noqa: E402

TARGET_INSTANT_MS, TARGET_SPREAD_MS = 1000, 300
EXECUTIVES = 10  # of the clients; the rest are bureau managers, spread over the bureaus

# The requests a page posted to Dash, in order, from Chromium's performance log (the Network domain).
CALLBACKS = "/_dash-update-component"


def recorded_callbacks(driver) -> list[tuple[str, str]]:
    """The callback requests Chromium sent since the log was last read, in order: (path and query, body)."""
    bodies = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        path = "/" + request["url"].split("/", 3)[-1]  # Dash adds ?endId=... to the endpoint
        if request.get("method") == "POST" and path.split("?")[0] == CALLBACKS:
            body = request.get("postData")
            if body is None:  # a large body is not in the event: ask for it
                body = driver.execute_cdp_cmd("Network.getRequestPostData",
                                              {"requestId": message["params"]["requestId"]})["postData"]
            bodies.append((path, body))
    return bodies


def record(site: str, username: str, password: str, path: str) -> list[tuple[str, str]]:
    """Sign in as `username` on `path` (the scorecard), click the first child row's name; every callback body."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    driver = new_browser(performance_log=True)
    try:
        sign_in_and_time(driver, site, path, username, password)
        time.sleep(1.0)  # the page's last callbacks after the table is drawn
        opened = recorded_callbacks(driver)
        rows = driver.find_elements(By.CSS_SELECTOR, "#scorecard-heatmap tbody tr:not(.scorecard-parent) th a")
        first = rows[0].get_attribute("href")
        rows[0].click()
        WebDriverWait(driver, 60).until(lambda d: d.current_url == first)
        WebDriverWait(driver, 60).until(
            lambda d: d.execute_script("return document.querySelectorAll('#scorecard-heatmap tbody tr').length") > 1)
        time.sleep(1.0)
        drilled = recorded_callbacks(driver)
    finally:
        driver.quit()
    return opened + drilled


def sign_in(site: str, username: str, password: str) -> requests.Session:
    """A client signed in through the form, as a browser is."""
    session = requests.Session()
    form = session.get(f"{site}/login", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = session.post(f"{site}/login", data={"username": username, "password": password, "csrf_token": token},
                          allow_redirects=False, timeout=60)
    if answer.status_code != 302:
        raise SystemExit(f"{username} could not sign in: {answer.status_code}")
    return session


def replay(session: requests.Session, site: str, bodies: list[tuple[str, str]], start_at: float, out: dict) -> None:
    """Post the recorded requests in order from `start_at` (time.monotonic); each one's ms, the whole, errors."""
    # A fresh connection, as a browser opening the page makes: the server has closed the idle one left by the
    # sign-in (gunicorn keeps a connection open 2 s), and a POST on a connection found closed is not retried.
    session.close()
    delay = start_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    began = time.monotonic()
    for path, body in bodies:
        started = time.perf_counter()
        try:
            answer = session.post(site + path, data=body, timeout=120,
                                  headers={"Content-Type": "application/json", "Accept-Encoding": "gzip, br"})
            failure = None if answer.status_code in (200, 204) else f"HTTP {answer.status_code}"
        except requests.RequestException as exc:
            failure = type(exc).__name__
        out["times"].append((time.perf_counter() - started) * 1000)
        if failure:
            out["errors"] += 1
            out["failures"][failure] = out["failures"].get(failure, 0) + 1
    out["wholes"].append((time.monotonic() - began) * 1000)


def run(site: str, clients: list[tuple[requests.Session, list[str]]], spread_s: float, seed: int) -> dict:
    out = {"times": [], "wholes": [], "errors": 0, "failures": {}}
    rng = random.Random(seed)
    zero = time.monotonic() + 0.5
    threads = [threading.Thread(target=replay, args=(session, site, bodies,
                                                     zero + (rng.uniform(0, spread_s) if spread_s else 0), out))
               for session, bodies in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def report(label: str, out: dict, target_ms: float | None) -> None:
    times = out["times"]
    p95 = percentile(times, 95)
    verdict = "" if target_ms is None else (
        f" ({'meets' if p95 < target_ms else 'MISSES'} the {target_ms:.0f} ms target)")
    print(f"  {label:<14} p50 {statistics.median(times):6.0f} ms  p95 {p95:6.0f} ms{verdict}  max {max(times):6.0f} ms"
          f"  slowest open-and-drill {max(out['wholes']) / 1000:5.2f} s  errors {out['errors']}"
          f"{' ' + str(out['failures']) if out['failures'] else ''}  ({len(times)} requests)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, help="an instance folder whose warehouse holds county data")
    parser.add_argument("--extract", type=Path, help="a county extract to load into a fresh instance")
    parser.add_argument("--warehouse", help="a warehouse URL holding county data (default: the instance's DuckDB)")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (issue 16 measured with 4)")
    parser.add_argument("--cache", choices=["files", "redis"], default="files")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--spread", type=float, default=10.0, help="seconds the spread arrivals come over")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="statboard-bench-") as tmp:
        tmp = Path(tmp)
        instance = county_instance(args, tmp)
        warehouse_url = args.warehouse or f"duckdb:///{instance / 'warehouse.duckdb'}"
        warehouse = Warehouse(warehouse_url)
        bureaus = warehouse.snapshot().read(
            "select entity_id from entities where level = 'bureau' order by entity_id").entity_id.tolist()
        warehouse.dispose()
        database_url = f"sqlite:///{tmp / 'store.db'}"
        engine = db.store_engine(database_url)
        db.upgrade(engine)
        password = secrets.token_urlsafe(16)
        readers = []  # (username, role, scope)
        for n in range(args.clients):
            if n < EXECUTIVES:
                readers.append((f"exec{n}", "executive", None))
            else:
                readers.append((f"mgr{n}", "manager", f"bureau:{bureaus[n % len(bureaus)]}"))
        for username, role, scope in readers:
            add_user(engine, username, role, scope, password, "bench")
        engine.dispose()
        print(f"county on {warehouse_url.split(':')[0]}; statboard serve, {args.workers} workers x 4 threads; "
              f"{args.clients} clients ({EXECUTIVES} executives, {args.clients - EXECUTIVES} bureau managers over "
              f"{len(bureaus)} bureaus); cache: {args.cache}", flush=True)
        for phase in ("instant", "spread"):
            env = {**os.environ, "STATBOARD_INSTANCE_DIR": str(tmp / f"serve-{phase}"),
                   "STATBOARD_WAREHOUSE_URL": warehouse_url, "STATBOARD_DATABASE_URL": database_url,
                   "STATBOARD_SECRET_KEY": secrets.token_hex(32), "STATBOARD_SECURE_COOKIES": "false",
                   "STATBOARD_ENV": "production"}
            if args.cache == "redis":
                env["STATBOARD_CACHE_URL"] = args.redis
                import redis
                client = redis.Redis.from_url(args.redis)
                for key in client.scan_iter("statboard:*"):
                    client.delete(key)
            else:
                env.pop("STATBOARD_CACHE_URL", None)
            port = free_port()
            server = start_server(env, port, args.workers)
            site = f"http://127.0.0.1:{port}"
            try:
                # The browser's traffic, recorded once per kind of reader (an executive, each bureau's manager).
                traffic = {}
                for username, role, scope in readers:
                    if (role, scope) not in traffic:
                        traffic[(role, scope)] = record(site, username, password, "/scorecard")
                if phase == "instant":
                    counts = {k: len(v) for k, v in traffic.items()}
                    print(f"  recorded callbacks per open-and-drill: {sorted(set(counts.values()))}", flush=True)
                # Recording filled the cache for each kind of reader: start cold again.
                server.terminate()
                server.wait(timeout=30)
                _empty_cache(args, env)
                server = start_server(env, port, args.workers)
                clients = [(sign_in(site, username, password), traffic[(role, scope)])
                           for username, role, scope in readers]
                spread = 0.0 if phase == "instant" else args.spread
                target = TARGET_INSTANT_MS if phase == "instant" else TARGET_SPREAD_MS
                report(f"{phase} cold", run(site, clients, spread, 1), None)
                report(f"{phase} warm", run(site, clients, spread, 2), target)
            finally:
                server.terminate()
                server.wait(timeout=30)


def _empty_cache(args, env) -> None:
    """Nothing cached before a cold run: the instance's cache folder, or the Redis keys."""
    if args.cache == "redis":
        import redis
        client = redis.Redis.from_url(args.redis)
        for key in client.scan_iter("statboard:*"):
            client.delete(key)
    else:
        import shutil
        shutil.rmtree(Path(env["STATBOARD_INSTANCE_DIR"]) / "cache", ignore_errors=True)


if __name__ == "__main__":
    main()
