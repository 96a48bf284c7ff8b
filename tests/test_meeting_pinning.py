"""A Stat meeting reads the data version it was prepared on, whatever loads land after it, on DuckDB and on the real
PostgreSQL warehouse; it moves to newer data only when asked; once closed it keeps its record after its version is
gone."""
from __future__ import annotations

import contextlib
import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from demodata.generate import generate
from loader.load import load_extract
from store import meeting_numbers as N
from store import meetings as M
from store import db
from access.roles import reader_for
from store.meeting_book import assemble
from access.scope import EntityRef
from queries.warehouse import Warehouse
from reviews.instrument import load_instrument
from tests.conftest import fresh_postgres_database
from tests.web import copy_instance

# Three refreshes of one agency: the same organisation, different cases, so every number moves.
REFRESHES = {1: (42, dt.date(2026, 11, 10)), 2: (43, dt.date(2026, 11, 15)), 3: (44, dt.date(2026, 11, 20)),
             4: (45, dt.date(2026, 11, 25)), 5: (46, dt.date(2026, 11, 28))}


@pytest.fixture(scope="session")
def refreshes(tmp_path_factory):
    """Version number -> a demo extract directory: v1 is the `small` agency, each later one a changed refresh."""
    root = tmp_path_factory.mktemp("refreshes")
    found = {}
    for version, (seed, as_of) in REFRESHES.items():
        generate(root / f"v{version}", "small", seed, as_of)
        found[version] = root / f"v{version}"
    return found


def versions_present(warehouse) -> set[int]:
    if warehouse.backend.name == "postgresql":
        with warehouse.backend.engine.connect() as conn:
            return set(warehouse.backend._version_schemas(conn))
    return set(warehouse.backend._versions())


EXACT = {"check_dtype": False, "check_exact": True}  # types may change in a record, values not


def assert_same_numbers(got: N.MeetingNumbers, want: N.MeetingNumbers):
    """Every number a meeting shows, equal (types may differ after a round trip through JSON)."""
    assert (got.version_id, got.as_of, got.month) == (want.version_id, want.as_of, want.month)
    card, expected = got.scorecard, want.scorecard
    assert (card.month, card.parent, card.level, _path(card.path), card.total_rows) == \
        (expected.month, expected.parent, expected.level, _path(expected.path), expected.total_rows)
    for name in ("rows", "indicators"):
        pd.testing.assert_frame_equal(getattr(card, name).reset_index(drop=True),
                                      getattr(expected, name).reset_index(drop=True), **EXACT)
    pd.testing.assert_frame_equal(_cells(card.cells), _cells(expected.cells), **EXACT)
    assert sorted(got.items) == sorted(want.items)
    for item_id, item in want.items.items():
        other = got.items[item_id]
        assert other.cell == item.cell
        assert other.entity == item.entity
        assert _no_nan(other.indicator.to_dict()) == _no_nan(item.indicator.to_dict())
        pd.testing.assert_frame_equal(other.trend.series.reset_index(drop=True),
                                      item.trend.series.reset_index(drop=True), **EXACT)
        assert (other.trend.peers, _path(other.trend.path)) == (item.trend.peers, _path(item.trend.path))
        if item.variation is None:
            assert other.variation is None
        else:
            pd.testing.assert_frame_equal(other.variation.ranked.reset_index(drop=True),
                                          item.variation.ranked.reset_index(drop=True), **EXACT)
            pd.testing.assert_frame_equal(other.variation.offices.reset_index(drop=True),
                                          item.variation.offices.reset_index(drop=True), **EXACT)
            mine, theirs = other.variation, item.variation
            assert (mine.month, mine.parent, mine.level, _path(mine.path)) == \
                (theirs.month, theirs.parent, theirs.level, _path(theirs.path))
            assert _no_nan(mine.parent_cell.to_dict()) == _no_nan(theirs.parent_cell.to_dict())


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The scorecard's cells in one order (the warehouse returns them in any)."""
    return frame.sort_values(["level", "entity_id", "indicator_id"]).reset_index(drop=True)


def _path(path) -> list:
    """A breadcrumb, a missing peer group alike whether it is NaN (read) or None (thawed)."""
    return [_no_nan(vars(e)) for e in path]


def _no_nan(mapping: dict) -> dict:
    return {k: None if isinstance(v, float) and v != v else v for k, v in mapping.items()}


def open_meeting_on_current(warehouse, engine, reader, level="bureau"):
    """A meeting of the first bureau (or office) on the current version, with three suggested cells on its agenda."""
    snapshot = warehouse.snapshot()
    entity_id = snapshot.read("select entity_id from entities where level = :level order by entity_id limit 1",
                              {"level": level}).entity_id[0]
    entity = EntityRef(level, entity_id)
    name, ids, month = N.prepare(snapshot, reader.data_scope(), entity, None)
    meeting = M.create_meeting(engine, reader, entity, name, ids, month, snapshot.version.version_id,
                               snapshot.version.as_of, held_on="2026-12-01")
    for s in N.suggestions(N.compute(snapshot, meeting, []), [])[:3]:
        M.add_item(engine, reader, meeting.id, "indicator", indicator_id=s.indicator_id, entity=s.entity,
                   entity_name=s.entity_name, source=s.kind, reason=s.reason)
    items = M.agenda(engine, reader, meeting.id)
    assert len(items) == 3
    return meeting, items, N.compute(snapshot, meeting, items)


def load(warehouse, refreshes, version, engine):
    """Load refresh `version` as the CLI does: keeping the versions open meetings are pinned to."""
    result = load_extract(refreshes[version], warehouse, keep_versions=M.pinned_versions(engine))
    assert result.version_id == version


def holds_refresh_1(warehouse):
    """`warehouse` holds refresh 1 as its version 1, and nothing else."""
    version = warehouse.snapshot().version
    assert (version.version_id, version.as_of) == (1, REFRESHES[1][1]) and versions_present(warehouse) == {1}


@pytest.fixture(scope="session")
def postgres_at_v1(refreshes):
    """A PostgreSQL warehouse with refresh 1 loaded, once: each test that needs it takes a copy."""
    with fresh_postgres_database() as url:
        warehouse = Warehouse(url)
        load_extract(refreshes[1], warehouse)
        warehouse.dispose()
        yield url


@pytest.fixture(params=["duckdb", "postgresql"])
def warehouse_v1(request, tmp_path, demo_instance):
    """A real warehouse of each kind holding refresh 1 as its version 1, copied rather than loaded again (a load
    costs seconds): on DuckDB the demo instance's (refresh 1 is the `small` demo of seed 42 as of 2026-11-10), on
    PostgreSQL a database loaded once. No meeting is open yet, so that load had no version to keep."""
    if request.param == "duckdb":
        instance = copy_instance(demo_instance, tmp_path / "instance")
        copy = contextlib.nullcontext(f"duckdb:///{instance / 'warehouse.duckdb'}")
    else:
        copy = fresh_postgres_database(copy_of=request.getfixturevalue("postgres_at_v1"))
    with copy as url:
        warehouse = Warehouse(url)
        holds_refresh_1(warehouse)
        yield warehouse
        warehouse.dispose()


@pytest.fixture
def store_engine(new_store_engine):
    return new_store_engine("sqlite")


EXEC = reader_for("exec", "executive", None)


def test_a_meeting_reads_its_version_after_two_loads_then_moves_to_the_newest(warehouse_v1, refreshes, store_engine):
    warehouse = warehouse_v1
    meeting, items, at_v1 = open_meeting_on_current(warehouse, store_engine, EXEC)
    assert M.pinned_versions(store_engine) == {1}

    load(warehouse, refreshes, 2, store_engine)
    load(warehouse, refreshes, 3, store_engine)
    assert versions_present(warehouse) == {1, 2, 3}  # v1 only because the meeting is open
    current = warehouse.snapshot()
    at_v3 = N.compute(current, meeting, items)
    # the refreshes changed the numbers: otherwise reading v1 proves nothing
    assert not at_v3.scorecard.cells.value.equals(at_v1.scorecard.cells.value)

    numbers = N.numbers_for(warehouse, meeting, items, None)
    assert numbers.source == "pinned"
    assert numbers.newer == (3, REFRESHES[3][1])
    assert_same_numbers(numbers.numbers, at_v1)
    snapshot = warehouse.snapshot_of(1)
    assert snapshot.version.version_id == 1 and snapshot.version.as_of == REFRESHES[1][1]
    # twice: the second read goes through the kept engine (DuckDB) and the version's memo
    assert_same_numbers(N.numbers_for(warehouse, meeting, items, None).numbers, at_v1)
    book = assemble(warehouse, store_engine, EXEC, meeting.id, load_instrument())
    assert (book.source, book.newer) == ("pinned", (3, REFRESHES[3][1]))
    assert_same_numbers(book.numbers, at_v1)

    moved = M.move_to_version(store_engine, EXEC, meeting.id, 3, current.version.as_of)
    assert (moved.version_id, moved.as_of) == (3, REFRESHES[3][1])
    assert M.pinned_versions(store_engine) == {3}
    numbers = N.numbers_for(warehouse, moved, items, None)
    assert (numbers.source, numbers.newer) == ("pinned", None)
    assert_same_numbers(numbers.numbers, at_v3)
    with pytest.raises(M.MeetingError, match="already on data version 3"):
        M.move_to_version(store_engine, EXEC, meeting.id, 2, REFRESHES[2][1])

    # v1 is no longer pinned: the next load removes it (and v2, neither current nor replaced)
    load(warehouse, refreshes, 4, store_engine)
    assert versions_present(warehouse) == {3, 4}
    assert warehouse.snapshot_of(1) is None


def test_a_closed_meeting_keeps_its_record_after_its_version_is_gone(warehouse_v1, refreshes, store_engine):
    warehouse = warehouse_v1
    meeting, items, at_v1 = open_meeting_on_current(warehouse, store_engine, EXEC)
    load(warehouse, refreshes, 2, store_engine)
    load(warehouse, refreshes, 3, store_engine)
    shown = N.numbers_for(warehouse, meeting, items, None).numbers
    record = N.freeze(shown)
    assert_same_numbers(N.thaw(record), at_v1)
    closed = M.close_meeting(store_engine, EXEC, meeting.id, record)
    assert not closed.is_open and closed.has_record
    assert M.pinned_versions(store_engine) == set()

    load(warehouse, refreshes, 4, store_engine)
    assert 1 not in versions_present(warehouse)
    assert warehouse.snapshot_of(1) is None
    assert M.record_of(store_engine, EXEC, meeting.id) == record
    numbers = N.numbers_for(warehouse, closed, items, M.record_of(store_engine, EXEC, meeting.id))
    assert (numbers.source, numbers.newer) == ("record", (4, REFRESHES[4][1]))
    assert_same_numbers(numbers.numbers, at_v1)
    # what the room was shown is still suggested alike from the record
    assert N.suggestions(numbers.numbers, items) == N.suggestions(at_v1, items)
    book = assemble(warehouse, store_engine, EXEC, meeting.id, load_instrument())
    assert book.source == "record"
    assert_same_numbers(book.numbers, at_v1)


def test_an_open_meeting_whose_version_was_removed_says_so(warehouse_v1, refreshes, store_engine):
    """A load that did not keep the meeting's version (run without the pinned versions) leaves it `gone`,
    not silently on the current numbers."""
    warehouse = warehouse_v1
    meeting, items, _ = open_meeting_on_current(warehouse, store_engine, EXEC)
    load_extract(refreshes[2], warehouse)
    load_extract(refreshes[3], warehouse)
    assert versions_present(warehouse) == {2, 3}
    numbers = N.numbers_for(warehouse, meeting, items, None)
    assert (numbers.numbers, numbers.source, numbers.newer) == (None, "gone", (3, REFRESHES[3][1]))


def test_two_open_meetings_on_different_versions_are_both_kept(tmp_path, demo_instance, refreshes, store_engine):
    warehouse = Warehouse(f"duckdb:///{copy_instance(demo_instance, tmp_path / 'instance') / 'warehouse.duckdb'}")
    try:
        holds_refresh_1(warehouse)
        first, items1, at_v1 = open_meeting_on_current(warehouse, store_engine, EXEC)
        load(warehouse, refreshes, 2, store_engine)
        second, items2, at_v2 = open_meeting_on_current(warehouse, store_engine, EXEC, level="office")
        for version in (3, 4, 5):
            load(warehouse, refreshes, version, store_engine)
        assert versions_present(warehouse) == {1, 2, 4, 5}
        assert_same_numbers(N.numbers_for(warehouse, first, items1, None).numbers, at_v1)
        assert_same_numbers(N.numbers_for(warehouse, second, items2, None).numbers, at_v2)
    finally:
        warehouse.dispose()


def test_statboard_load_keeps_the_versions_open_meetings_are_pinned_to(run, tmp_path, refreshes):
    assert run("load", refreshes[1]).exit_code == 0
    instance = tmp_path / "instance"
    engine = db.store_engine(f"sqlite:///{instance / 'statboard.db'}")
    warehouse = Warehouse(f"duckdb:///{instance / 'warehouse.duckdb'}")
    try:
        meeting, items, at_v1 = open_meeting_on_current(warehouse, engine, EXEC)
        for version in (2, 3):
            result = run("load", refreshes[version])
            assert result.exit_code == 0, result.output
        assert versions_present(warehouse) == {1, 2, 3}
        assert_same_numbers(N.numbers_for(warehouse, meeting, items, None).numbers, at_v1)
        M.close_meeting(engine, EXEC, meeting.id, N.freeze(at_v1))
        assert run("load", refreshes[4]).exit_code == 0
        assert versions_present(warehouse) == {3, 4}
    finally:
        warehouse.dispose()
        engine.dispose()


def test_a_warehouse_built_again_is_not_read_as_the_meetings_data(tmp_path, demo_instance, refreshes, store_engine):
    warehouse = Warehouse(f"duckdb:///{copy_instance(demo_instance, tmp_path / 'instance') / 'warehouse.duckdb'}")
    holds_refresh_1(warehouse)
    meeting, items, _ = open_meeting_on_current(warehouse, store_engine, EXEC)
    warehouse.dispose()
    rebuilt = Warehouse(f"duckdb:///{tmp_path / 'rebuilt' / 'warehouse.duckdb'}")
    try:
        load_extract(refreshes[2], rebuilt)  # version 1 again, of another day
        numbers = N.numbers_for(rebuilt, meeting, items, None)
        assert (numbers.numbers, numbers.source) == (None, "gone")
    finally:
        rebuilt.dispose()


@pytest.mark.parametrize("kind", ["duckdb", "postgresql"])
def test_a_warehouse_rebuilt_from_nothing_never_reuses_a_version_number_the_store_has_seen(run, tmp_path, refreshes,
                                                                                          kind, request, monkeypatch):
    """A pinned meeting must never silently point at other data: after the warehouse is lost and loaded again,
    `statboard load` numbers the new version above every version the app store has seen."""
    instance = tmp_path / "instance"
    url = (f"duckdb:///{instance / 'warehouse.duckdb'}" if kind == "duckdb"
           else request.getfixturevalue("postgres_url"))
    monkeypatch.setenv("STATBOARD_WAREHOUSE_URL", url)
    assert run("load", refreshes[1]).stdout.startswith("loaded data version 1:")
    engine = db.store_engine(f"sqlite:///{instance / 'statboard.db'}")
    warehouse = Warehouse(url)
    meeting, items, _ = open_meeting_on_current(warehouse, engine, EXEC)
    assert meeting.version_id == 1
    warehouse.dispose()
    if kind == "duckdb":
        for path in instance.glob("warehouse.duckdb*"):
            path.unlink()
    else:
        with sa.create_engine(url).begin() as conn:
            for (schema,) in conn.execute(sa.text("select schema_name from information_schema.schemata "
                                                  "where schema_name like 'statboard%'")).all():
                conn.execute(sa.text(f'drop schema "{schema}" cascade'))
    again = run("load", refreshes[2])
    assert again.exit_code == 0 and again.stdout.startswith("loaded data version 2:"), again.output
    rebuilt = Warehouse(url)
    assert rebuilt.snapshot().version.version_id == 2
    assert N.numbers_for(rebuilt, meeting, items, None).source == "gone"  # not version 1's number reused
    rebuilt.dispose()
    engine.dispose()
