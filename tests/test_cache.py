"""The shared cache (queries/cache.py), on the real Redis and on files: one computation per data version, scope
and question; a scope never gets another's answer; a load is never answered from the version before it;
identical misses at the same moment compute once, across threads and processes; a failing cache costs speed,
never an answer."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
import time

import pandas as pd
import pytest
import redis

from demodata.generate import generate
from loader.load import load_extract
from queries import cache as C
from queries.performance import MAX_HEATMAP_ROWS, heatmap, indicator_across, story, trend
from web.runtime import services
from access.scope import EntityRef, OutsideScope, Scope
from queries.warehouse import Warehouse
from tests.web import copy_instance, make_app

REDIS_URL = os.environ.get("STATBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
EXECUTIVE = Scope()
VIEWER = Scope(case_level=False, small_cell_min=11)
ALDER = Scope("office", "O001")


def redis_or_skip() -> str:
    """The Redis server the cache tests use; in CI a missing server fails the run."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is required in CI and is not reachable: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} not reachable")
    return REDIS_URL


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    """Two refreshes of one agency: the same organisation, other cases, so the numbers move."""
    root = tmp_path_factory.mktemp("cache-extracts")
    generate(root / "v1", "small", 42, dt.date(2026, 11, 10))
    generate(root / "v2", "small", 43, dt.date(2026, 11, 15))
    return root


@pytest.fixture(scope="module")
def loaded(extracts, tmp_path_factory):
    """An instance whose warehouse holds v1, loaded once: each test's app runs on a copy of it."""
    instance = tmp_path_factory.mktemp("cache-v1") / "instance"
    warehouse = Warehouse(f"duckdb:///{instance / 'warehouse.duckdb'}")
    load_extract(extracts / "v1", warehouse)
    warehouse.dispose()
    return instance


@pytest.fixture(params=["files", "redis"])
def app(request, tmp_path, loaded):
    """The app on a warehouse holding v1, its cache on files in the instance or on the real Redis."""
    settings = {"cache_url": redis_or_skip()} if request.param == "redis" else {}
    instance = copy_instance(loaded, tmp_path / "instance")
    app = make_app(instance, tmp_path / "store.db", **settings)
    app.kind = request.param
    return app


def _ask(app, function, scope, *args):
    with app.server.app_context():
        return function(services().warehouse.snapshot(), scope, *args)


def _uncached(app, function, scope, *args):
    with app.server.app_context():
        return function.uncached(services().warehouse.snapshot(), scope, *args)


def _same(got, want) -> None:
    """Two heat maps with the same numbers."""
    assert (got.month, got.parent, got.level, got.total_rows) == (want.month, want.parent, want.level, want.total_rows)
    for name in ("rows", "cells", "indicators"):
        pd.testing.assert_frame_equal(_ordered(getattr(got, name)), _ordered(getattr(want, name)))


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """In a fixed order: the warehouse returns a heat map's cells in no particular one."""
    keys = [k for k in ("level", "entity_id", "indicator_id") if k in frame.columns]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True) if keys else frame.reset_index(drop=True)


def test_an_answer_is_computed_once_and_then_read(app):
    first = _ask(app, heatmap, EXECUTIVE, None)
    with app.server.app_context():
        key = C.cache_key(services().warehouse.snapshot(), EXECUTIVE, "heatmap",
                          {"month": None, "parent": None, "level": None, "tier": None, "sort": None,
                           "depends": {"max_rows": MAX_HEATMAP_ROWS}})
        stored = C._get(app.server.extensions["statboard_cache"], key)
    assert stored is not C._MISSING
    _same(stored, first)
    read = _ask(app, heatmap, EXECUTIVE, None)
    assert read is not first  # read back from the cache (pickled), not kept in this process's memory
    _same(read, first)


def test_one_scope_never_gets_another_scopes_answer(app):
    """The executive asks first; the viewer and an office's manager asking the same get their own."""
    executive = _ask(app, heatmap, EXECUTIVE, None)
    viewer = _ask(app, heatmap, VIEWER, None)
    _same(viewer, _uncached(app, heatmap, VIEWER, None))
    assert executive.cells.numerator.notna().any() and viewer.cells.numerator.isna().all()  # aggregates only
    assert (viewer.cells.status == "suppressed").any()
    with pytest.raises(OutsideScope):  # the department's scorecard, cached for the executive, is still refused
        _ask(app, heatmap, ALDER, None)
    mine = _ask(app, heatmap, ALDER, None, EntityRef("office", "O001"))
    _same(mine, _uncached(app, heatmap, ALDER, None, EntityRef("office", "O001")))
    assert list(mine.rows.level.unique()) == ["office", "unit"]  # its own office and units, nothing else


def test_each_question_has_its_own_answer(app):
    """Every argument is in the key: another month, tier, sort, parent, indicator or span is another answer."""
    months = _ask(app, heatmap, EXECUTIVE, None).month
    earlier = months.replace(year=months.year - 1)
    for args in ((earlier,), (None, None, None, 1), (None, None, None, None, "-reentry"),
                 (None, EntityRef("bureau", "B01"))):
        _same(_ask(app, heatmap, EXECUTIVE, *args), _uncached(app, heatmap, EXECUTIVE, *args))
    office = EntityRef("office", "O001")
    for months_shown in (12, None):
        got = _ask(app, trend, EXECUTIVE, "reentry", office, None, months_shown)
        want = _uncached(app, trend, EXECUTIVE, "reentry", office, None, months_shown)
        pd.testing.assert_frame_equal(got.series.sort_values(["line", "month"]).reset_index(drop=True),
                                      want.series.sort_values(["line", "month"]).reset_index(drop=True))
    a = _ask(app, indicator_across, EXECUTIVE, "reentry", None)
    b = _ask(app, indicator_across, EXECUTIVE, "placement_with_relatives", None)
    assert a.indicator["indicator_id"] == "reentry" and b.indicator["indicator_id"] == "placement_with_relatives"
    pd.testing.assert_frame_equal(_ask(app, story, EXECUTIVE, office).cells,
                                  _uncached(app, story, EXECUTIVE, office).cells)


def test_a_load_is_never_answered_from_the_version_before(app, extracts):
    before = _ask(app, heatmap, EXECUTIVE, None)
    with app.server.app_context():
        load_extract(extracts / "v2", services().warehouse)
    after = _ask(app, heatmap, EXECUTIVE, None)
    fresh = _uncached(app, heatmap, EXECUTIVE, None)
    _same(after, fresh)
    assert not before.cells.value.equals(after.cells.value)  # the numbers did move


def test_identical_misses_at_the_same_moment_compute_once_across_threads(app):
    calls, answers = [], []
    start = threading.Barrier(8)

    def compute():
        calls.append(threading.get_ident())
        time.sleep(0.3)
        return {"answer": 42}

    def ask():
        with app.server.app_context():
            snapshot = services().warehouse.snapshot()
            start.wait()
            answers.append(C.shared(snapshot, EXECUTIVE, "slow", {"n": 1}, compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and answers == [{"answer": 42}] * 8


def _ask_in_process(app, marker, go):
    with app.server.app_context():
        snapshot = services().warehouse.snapshot()
        go.wait()

        def compute():
            with open(marker, "a") as f:
                f.write(f"{os.getpid()}\n")
            time.sleep(0.5)
            return "computed"
        assert C.shared(snapshot, EXECUTIVE, "slow-across-processes", {"n": 2}, compute) == "computed"


def test_identical_misses_compute_once_across_processes(app, tmp_path):
    """gunicorn's workers are processes: the lock is the cache's (Redis, or a file lock), not a thread lock."""
    marker = tmp_path / "computed"
    context = multiprocessing.get_context("fork")
    go = context.Event()
    workers = [context.Process(target=_ask_in_process, args=(app, marker, go)) for _ in range(4)]
    for w in workers:
        w.start()
    go.set()
    for w in workers:
        w.join(30)
    assert [w.exitcode for w in workers] == [0] * 4
    assert len(marker.read_text().split()) == 1


def test_a_failing_cache_costs_speed_never_an_answer(tmp_path, loaded, caplog):
    """Redis gone (nothing listens on the port): every answer is computed, and the failure is logged."""
    instance = copy_instance(loaded, tmp_path / "instance")
    app = make_app(instance, tmp_path / "store.db", cache_url="redis://127.0.0.1:1/0")
    C._last_warning[0] = 0.0
    _same(_ask(app, heatmap, EXECUTIVE, None), _uncached(app, heatmap, EXECUTIVE, None))
    assert "the shared cache could not" in caplog.text


def test_outside_a_running_app_nothing_is_cached(app):
    """The CLI and the benches read without an app: the query functions still answer."""
    with app.server.app_context():
        snapshot = services().warehouse.snapshot()
    assert C._cache() is None
    assert heatmap(snapshot, EXECUTIVE, None).rows.shape[0] > 0


def test_server_timing_says_the_warehouse_time_and_the_total_only_when_asked(app, tmp_path):
    """STATBOARD_SERVER_TIMING: what the benchmarks read; off by default (a cache hit shows in it)."""
    import re

    from tests.web import post_callback, signed_in_client
    client = signed_in_client(app, "exec", "executive")
    answer = post_callback(client, "scorecard-table.data", {"scorecard-query.data": {}})
    assert answer.status_code == 200 and "Server-Timing" not in answer.headers
    timed = make_app(app.server.extensions["statboard"].settings.instance_dir, tmp_path / "timed.db",
                     server_timing=True)
    client = signed_in_client(timed, "exec", "executive")
    header = post_callback(client, "scorecard-table.data", {"scorecard-query.data": {"parent": "office:O002"}}
                           ).headers["Server-Timing"]
    sql, total = map(float, re.fullmatch(r"sql;dur=([\d.]+), app;dur=([\d.]+)", header).groups())
    assert 0 < sql < total
    again = post_callback(client, "scorecard-table.data", {"scorecard-query.data": {"parent": "office:O002"}})
    sql_again = float(re.match(r"sql;dur=([\d.]+)", again.headers["Server-Timing"]).group(1))
    assert sql_again < sql  # the scorecard came from the shared cache: only the version's pointer is read


def test_values_that_print_alike_are_different_keys():
    """A date and the text of that date, a ref and a dict with its fields: never the same key part."""
    assert C._plain(dt.date(2026, 10, 1)) != C._plain("2026-10-01")
    assert C._plain(EntityRef("office", "O001")) != C._plain({"level": "office", "entity_id": "O001"})


def test_lock_files_unused_for_an_hour_and_held_by_no_one_are_swept(tmp_path):
    import fcntl
    import os
    import time
    folder = tmp_path / "cache-locks"
    folder.mkdir()
    old = time.time() - C.LOCKS_KEPT_S - 60
    for name in ("old.lock", "held.lock", "recent.lock"):
        (folder / name).touch()
    for name in ("old.lock", "held.lock"):
        os.utime(folder / name, (old, old))
    holder = os.open(folder / "held.lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another process computing: its lock stays
    try:
        assert C.sweep_locks(folder) == 1
    finally:
        os.close(holder)
    assert sorted(p.name for p in folder.iterdir()) == ["held.lock", "recent.lock"]


def _equal(a, b) -> bool:
    """Two answers alike to the last dtype: frames and series as pandas compares them, dataclasses by field."""
    import dataclasses
    import math
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b) and list(a.dtypes) == list(b.dtypes) \
            and list(a.index) == list(b.index)
    if isinstance(a, pd.Series):
        return isinstance(b, pd.Series) and a.equals(b) and a.name == b.name and list(a.index) == list(b.index)
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(_equal(getattr(a, f.name), getattr(b, f.name))
                                          for f in dataclasses.fields(a))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and a == b


def test_every_answer_is_kept_as_json_and_arrow_and_read_back_exactly(demo_snapshot):
    from components.links import ScorecardView
    from components.scorecard_table import scorecard_table
    from queries.cache_codec import decode, encode
    month = dt.date(2026, 9, 1)
    office = EntityRef("office", "O001")
    shown = heatmap.uncached(demo_snapshot, EXECUTIVE, month)
    answers = [shown, heatmap.uncached(demo_snapshot, VIEWER, month, EntityRef("bureau", "B01"), "unit"),
               indicator_across.uncached(demo_snapshot, EXECUTIVE, "reentry", month),
               trend.uncached(demo_snapshot, ALDER, "timely_response_immediate", office),
               story.uncached(demo_snapshot, EXECUTIVE, office, month),
               scorecard_table(shown, ScorecardView(month))]
    for answer in answers:
        kept = encode(answer)
        assert b"pickle" not in kept and not kept.startswith(b"\x80")  # zlib'd JSON, never a pickle
        assert _equal(decode(kept), answer), type(answer).__name__


class _Planted:
    """What an attacker who can write to the cache would plant: unpickling it touches `marker`."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_nothing_planted_in_the_cache_is_unpickled_and_the_answer_is_still_right(app, tmp_path):
    import pickle
    marker = tmp_path / "unpickled"
    with app.server.app_context():
        snapshot = services().warehouse.snapshot()
        key = C.cache_key(snapshot, EXECUTIVE, "heatmap",
                          {"month": None, "parent": None, "level": None, "tier": None, "sort": None,
                           "depends": {"max_rows": MAX_HEATMAP_ROWS}})
        backend = app.server.extensions["statboard_cache"].cache
        payload = pickle.dumps(_Planted(marker))
        if app.kind == "redis":  # as cachelib's own serializer writes an object: "!" and a pickle
            backend._write_client.set(backend._get_prefix() + key, b"!" + payload)
        else:  # as cachelib's file cache writes one: the expiry, then a pickle
            import struct
            with open(backend._get_filename(key), "wb") as f:
                f.write(struct.pack("I", int(time.time()) + 3600) + payload)
    got = _ask(app, heatmap, EXECUTIVE, None)
    assert not marker.exists()
    _same(got, _uncached(app, heatmap, EXECUTIVE, None))
