"""Loads into real warehouses (a DuckDB file and a PostgreSQL database): round trip, versions, atomicity."""
from __future__ import annotations

import datetime as dt
import os
import signal

import pytest

import loader.load
from loader.contract import TABLES
from loader.load import load_extract
from loader.problems import LoadRefused
from queries.dialects import WarehouseConfigError
from queries.warehouse import QueryTimeout, Warehouse
from tests.extracts import GOOD, good_rows, write_extract

ALL_TABLES = [t.name for t in TABLES] + ["entities", "loads"]


def answers(warehouse: Warehouse) -> dict[str, str]:
    """Every table of the current version, as sorted CSV text: what any reader could see."""
    snapshot = warehouse.snapshot()
    found = {}
    for table in ALL_TABLES:
        frame = snapshot.read(f"select * from {table}")
        found[table] = frame.sort_values(list(frame.columns)).to_csv(index=False)
    return found


def test_round_trip(warehouse, tmp_path):
    result = load_extract(write_extract(tmp_path / "x"), warehouse)
    assert result.version_id == 1 and result.as_of == "2024-06-30"
    assert result.row_counts == {t: len(rows) for t, rows in GOOD.items()}
    snap = warehouse.snapshot()
    for table, rows in GOOD.items():
        assert snap.read(f"select count(*) as n from {table}").n[0] == len(rows)
    workers = snap.read("select worker_id, end_date from workers order by worker_id")
    assert workers.worker_id.tolist() == ["00042", "0042"]  # leading zeros kept, binary order
    assert workers.end_date.isna().tolist()[0] and workers.end_date.tolist()[1] == dt.date(2024, 5, 31)
    # Binary collation: 'B1' < 'b' by code point (a linguistic collation says otherwise).
    assert snap.read("select count(*) as n from bureaus where bureau_id < 'b'").n[0] == 2
    office = snap.read("select peer_group from offices where office_id = :id", {"id": "O2"})
    assert office.peer_group.isna().all()
    assert snap.read("select bureau_name from bureaus where bureau_id = 'B2'").bureau_name[0] == 'South, "Coastal"'
    r1 = snap.read("select received_at, first_contact_at, disposition_date from referrals where referral_id = 'R1'")
    assert r1.received_at[0] == dt.datetime(2023, 1, 5, 23, 30)
    assert r1.first_contact_at[0] == dt.datetime(2023, 1, 6, 23, 30)
    assert r1.disposition_date[0] == dt.date(2023, 1, 20)
    r2 = snap.read("select first_contact_at, disposition from referrals where referral_id = 'R2'")
    assert r2.first_contact_at.isna().all() and r2.disposition.isna().all()
    assert snap.read("select birth_date from children where child_id = '000123'").birth_date[0] == dt.date(2012, 2, 29)
    contact = snap.read("select in_person, completed from contacts where contact_id = 'K1'")
    assert bool(contact.in_person[0]) is True and bool(contact.completed[0]) is False
    entities = snap.read("select level, entity_id, parent_id, bureau_id, office_id, unit_id, active from entities "
                         "order by level, entity_id")
    assert len(entities) == 1 + 2 + 2 + 2 + 2
    ben = entities[entities.entity_id == "0042"].iloc[0]
    assert (ben.level, ben.parent_id, ben.bureau_id, ben.office_id, bool(ben.active)) == ("worker", "U2", "B2", "O2", False)
    version = snap.version
    assert (version.version_id, version.as_of, version.agency) == (1, dt.date(2024, 6, 30), "Test Agency")
    assert version.row_counts["contacts"] == 2


def test_each_load_is_a_new_version_with_its_history(warehouse, tmp_path):
    load_extract(write_extract(tmp_path / "a"), warehouse)
    rows = good_rows()
    rows["bureaus"][0]["bureau_name"] = "North (renamed)"
    load_extract(write_extract(tmp_path / "b", rows, as_of="2024-07-10"), warehouse)
    snap = warehouse.snapshot()
    assert [v.version_id for v in snap.history()] == [2, 1]
    assert snap.version.as_of == dt.date(2024, 7, 10)
    assert snap.read("select bureau_name from bureaus where bureau_id = 'B1'").bureau_name[0] == "North (renamed)"


def test_a_refused_load_leaves_the_warehouse_as_it_was(warehouse, tmp_path):
    load_extract(write_extract(tmp_path / "good"), warehouse)
    before = answers(warehouse)
    rows = good_rows()
    rows["placements"][0]["setting"] = "kinship"
    with pytest.raises(LoadRefused):
        load_extract(write_extract(tmp_path / "bad", rows), warehouse)
    assert answers(warehouse) == before


def test_a_load_that_fails_half_way_leaves_the_warehouse_as_it_was(warehouse, tmp_path, monkeypatch):
    load_extract(write_extract(tmp_path / "good"), warehouse)
    before = answers(warehouse)

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")
    # The new version's tables are built; it fails while recording the load.
    monkeypatch.setattr(loader.load, "build_loads", disk_full)
    with pytest.raises(OSError):
        load_extract(write_extract(tmp_path / "next"), warehouse)
    assert answers(warehouse) == before
    _assert_no_leftovers(warehouse)


def test_a_load_interrupted_while_publishing_leaves_the_warehouse_as_it_was(warehouse, tmp_path, monkeypatch):
    load_extract(write_extract(tmp_path / "good"), warehouse)
    before = answers(warehouse)
    if warehouse.backend.name == "postgresql":
        import queries.dialects.postgresql as pg
        copied = []
        real_copy = pg._copy_table

        def copy_then_interrupt(duck, conn, schema, table):
            if len(copied) == 5:
                raise KeyboardInterrupt  # Ctrl-C with five tables already copied into the new schema
            copied.append(table)
            real_copy(duck, conn, schema, table)
        monkeypatch.setattr(pg, "_copy_table", copy_then_interrupt)
    else:
        import queries.dialects.duckdb as dk

        def interrupted_swap(*args):
            raise KeyboardInterrupt  # Ctrl-C just before the link is swapped
        monkeypatch.setattr(dk.os, "replace", interrupted_swap)
    with pytest.raises(KeyboardInterrupt):
        load_extract(write_extract(tmp_path / "next"), warehouse)
    assert answers(warehouse) == before
    _assert_no_leftovers(warehouse)


def test_sigterm_during_a_load_cleans_up(warehouse, tmp_path, monkeypatch):
    load_extract(write_extract(tmp_path / "good"), warehouse)
    before = answers(warehouse)
    real = loader.load.build_entities

    def terminated(*args):
        real(*args)
        os.kill(os.getpid(), signal.SIGTERM)
    monkeypatch.setattr(loader.load, "build_entities", terminated)
    with pytest.raises(KeyboardInterrupt):
        load_extract(write_extract(tmp_path / "next"), warehouse)
    assert answers(warehouse) == before
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    _assert_no_leftovers(warehouse)


def test_readers_keep_the_old_version_during_and_after_a_load(warehouse, tmp_path, monkeypatch):
    load_extract(write_extract(tmp_path / "good"), warehouse)
    old_snapshot = warehouse.snapshot()
    rows = good_rows()
    rows["bureaus"][0]["bureau_name"] = "New name"
    seen_during = []
    real = loader.load.build_loads

    def look(*args):
        real(*args)
        seen_during.append(warehouse.snapshot().read("select bureau_name from bureaus where bureau_id = 'B1'")
                           .bureau_name[0])
        # A second load meanwhile is refused, not interleaved.
        with pytest.raises(WarehouseConfigError, match="another load .* is running"):
            load_extract(write_extract(tmp_path / "third"), Warehouse(warehouse.url))
    monkeypatch.setattr(loader.load, "build_loads", look)
    load_extract(write_extract(tmp_path / "new", rows), warehouse)
    assert seen_during == ["North"]
    assert warehouse.snapshot().read("select bureau_name from bureaus where bureau_id = 'B1'").bureau_name[0] == "New name"
    # A snapshot taken before the load still reads its own version, whole.
    assert old_snapshot.read("select bureau_name from bureaus where bureau_id = 'B1'").bureau_name[0] == "North"
    assert old_snapshot.read("select count(*) as n from loads").n[0] == 1


def test_only_the_current_and_previous_versions_are_kept(warehouse, tmp_path):
    for k in range(4):
        load_extract(write_extract(tmp_path / f"x{k}"), warehouse)
    assert _versions_present(warehouse) == {3, 4}
    assert [v.version_id for v in warehouse.snapshot().history()] == [4, 3, 2, 1]


def _versions_present(warehouse) -> set[int]:
    if warehouse.backend.name == "postgresql":
        with warehouse.backend.engine.connect() as conn:
            return set(warehouse.backend._version_schemas(conn))
    return set(warehouse.backend._versions())


def _assert_no_leftovers(warehouse):
    assert _versions_present(warehouse) == {1}
    if warehouse.backend.name == "duckdb":
        names = sorted(p.name for p in warehouse.backend.link.parent.iterdir())
        assert names == ["warehouse.duckdb", "warehouse.duckdb.lock", "warehouse.duckdb.v000001"]


SLOW_QUERY = {
    "duckdb": "select count(*) as n from range(100000000) a, range(1000) b where a.range % 7 = b.range",
    "postgresql": "select pg_sleep(5) as n",
}


def test_a_query_past_its_time_limit_is_stopped(warehouse, tmp_path):
    load_extract(write_extract(tmp_path / "x"), warehouse)
    snapshot = warehouse.snapshot()
    snapshot.timeout_ms = 200
    with pytest.raises(QueryTimeout, match="took longer than 200 ms"):
        snapshot.read(SLOW_QUERY[warehouse.backend.name])
    assert snapshot.read("select count(*) as n from bureaus").n[0] == 2  # the pool is still usable


def test_an_unsupported_warehouse_says_how_to_add_one():
    with pytest.raises(WarehouseConfigError, match=r"no warehouse dialect for 'mysql'.*queries/dialects/mysql\.py"):
        Warehouse("mysql+pymysql://u@localhost/db")


def test_an_in_memory_duckdb_is_refused():
    with pytest.raises(WarehouseConfigError, match="must be a file"):
        Warehouse("duckdb:///:memory:")


def test_a_plain_duckdb_file_is_not_overwritten(tmp_path):
    path = tmp_path / "mine.duckdb"
    path.write_bytes(b"someone else's database")
    with pytest.raises(WarehouseConfigError, match="is a plain file"):
        load_extract(write_extract(tmp_path / "x"), Warehouse(f"duckdb:///{path}"))
    assert path.read_bytes() == b"someone else's database"
