"""Every rule of the extract contract: a broken extract, and the exact message it produces."""
from __future__ import annotations

import datetime as dt
import json
import os
import stat
import threading

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from loader.contract import TABLES
from loader.load import load_extract
from loader.problems import LoadRefused
from queries.warehouse import Warehouse
from tests.extracts import AS_OF, good_rows, write_extract


def refusal(tmp_path, rows=None, as_of=AS_OF, cap=50, prepare=None) -> list[str]:
    """Load a broken extract into a fresh DuckDB warehouse; return the report's lines (it must refuse)."""
    extract = write_extract(tmp_path / "extract", rows, as_of=as_of)
    if prepare:
        prepare(extract)
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'wh' / 'warehouse.duckdb'}")
    with pytest.raises(LoadRefused) as refused:
        load_extract(extract, warehouse, cap_per_table=cap)
    assert warehouse.snapshot() is None, "a refused first load must leave no warehouse behind"
    assert not list((tmp_path / "wh").glob("warehouse.duckdb.v*")), "no half-built version file may remain"
    return refused.value.report.render().splitlines()


def test_the_good_extract_loads(tmp_path):
    extract = write_extract(tmp_path / "extract")
    result = load_extract(extract, Warehouse(f"duckdb:///{tmp_path / 'warehouse.duckdb'}"))
    assert result.row_counts["episodes"] == 2


# -- files and columns ---------------------------------------------------------------------------

def test_missing_file(tmp_path):
    rows = good_rows()
    del rows["exams"]
    assert refusal(tmp_path, rows) == ["exams.csv: file is missing: the extract needs exams.csv or exams.parquet"]


def test_missing_required_column(tmp_path):
    def drop_column(extract):
        path = extract / "units.csv"
        lines = path.read_text().splitlines()
        path.write_text("\n".join(",".join(line.split(",")[:2]) for line in lines) + "\n")
    assert refusal(tmp_path, prepare=drop_column) == [
        "units.csv, line 1, column office_id: required column is missing from the header"]


def test_empty_file(tmp_path):
    assert refusal(tmp_path, prepare=lambda e: (e / "bureaus.csv").write_text("")) == [
        "bureaus.csv: file is empty: it needs a header row naming its columns"]


def test_csv_and_parquet_both_present(tmp_path):
    def add_parquet(extract):
        pq.write_table(pa.table({"exam_id": ["X1"]}), extract / "exams.parquet")
    assert refusal(tmp_path, prepare=add_parquet) == [
        "exams.csv: both exams.csv and exams.parquet are present; keep exactly one"]


def test_not_utf8(tmp_path):
    def latin1(extract):
        (extract / "bureaus.csv").write_bytes("bureau_id,bureau_name\nB1,Nord\nB2,M\xfcnster\n".encode("latin-1"))
    lines = refusal(tmp_path, prepare=latin1)
    assert len(lines) == 1
    assert lines[0].startswith("bureaus.csv: cannot be read as UTF-8 CSV with a header row: ")


def test_extra_columns_are_ignored(tmp_path):
    rows = good_rows()
    rows["bureaus"][0]["director"] = "someone"
    extract = write_extract(tmp_path / "extract", rows)
    text = (extract / "bureaus.csv").read_text().splitlines()
    (extract / "bureaus.csv").write_text("\n".join([text[0] + ",director"] + [t + ",x" for t in text[1:]]) + "\n")
    assert load_extract(extract, Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}")).row_counts["bureaus"] == 2


# -- values ------------------------------------------------------------------------------------

NON_NULLABLE = [(t.name, c.name) for t in TABLES for c in t.columns if not c.nullable]


@pytest.mark.parametrize("table,column", NON_NULLABLE, ids=[f"{t}.{c}" for t, c in NON_NULLABLE])
def test_required_value_is_empty(tmp_path, table, column):
    rows = good_rows()
    rows[table][0][column] = None
    lines = refusal(tmp_path, rows)
    pk = next(t for t in TABLES if t.name == table).primary_key
    expected = f"{table}.csv, line 2, column {column}: must not be empty"
    assert expected in lines
    if column == pk:
        return  # an empty key also breaks the rows that point at it
    # The one empty value is the only problem reported (no knock-on type or order errors).
    assert lines == [expected]


def test_a_quoted_empty_field_is_null_too(tmp_path):
    def quote_empty(extract):
        path = extract / "bureaus.csv"
        path.write_text('bureau_id,bureau_name\nB1,""\nB2,South\n')
    assert refusal(tmp_path, prepare=quote_empty) == ["bureaus.csv, line 2, column bureau_name: must not be empty"]


@pytest.mark.parametrize("value", ["2023-02-30", "2023-1-10", "10/01/2023", "2023-01-10T00:00", "yesterday"])
def test_invalid_date(tmp_path, value):
    rows = good_rows()
    rows["workers"][1]["hire_date"] = value
    assert refusal(tmp_path, rows) == [
        f"workers.csv, line 3, column hire_date, value {value!r}: is not a valid date in the form YYYY-MM-DD"]


@pytest.mark.parametrize("value", ["2023-01-05 23:30", "2023-01-05T24:30", "2023-01-05", "2023-01-05T23:30:00.5"])
def test_invalid_datetime(tmp_path, value):
    rows = good_rows()
    rows["referrals"][0]["received_at"] = value
    assert refusal(tmp_path, rows) == [
        f"referrals.csv, line 2, column received_at, value {value!r}: "
        "is not a valid datetime in the form YYYY-MM-DDTHH:MM[:SS]"]


@pytest.mark.parametrize("value", ["2023-01-05T23:30Z", "2023-01-05T23:30:00+01:00", "2023-01-05T23:30-0800"])
def test_datetime_with_a_time_zone(tmp_path, value):
    rows = good_rows()
    rows["referrals"][0]["received_at"] = value
    assert refusal(tmp_path, rows) == [
        f"referrals.csv, line 2, column received_at, value {value!r}: has a time zone; datetimes are naive "
        "local clock time as written, YYYY-MM-DDTHH:MM[:SS] with no offset or Z"]


@pytest.mark.parametrize("value", ["True", "1", "yes", "FALSE"])
def test_invalid_boolean(tmp_path, value):
    rows = good_rows()
    rows["contacts"][1]["completed"] = value
    assert refusal(tmp_path, rows) == [
        f"contacts.csv, line 3, column completed, value {value!r}: must be true or false (lower-case)"]


ENUMS = [("children", "sex", "F", "f, m, x, u"),
         ("referrals", "response_type", "5day", "immediate, five_day, evaluated_out"),
         ("referrals", "disposition", "Substantiated", "substantiated, inconclusive, unfounded"),
         ("episodes", "discharge_reason", "home",
          "reunification, relative, guardianship, adoption, emancipation, transfer, runaway, death, other"),
         ("placements", "setting", "kinship", "relative, foster_family, group_home, institution, pre_adoptive, "
                                              "supervised_independent, trial_home_visit, runaway"),
         ("exams", "exam_type", "vision", "medical, dental, mental_health_screening")]


@pytest.mark.parametrize("table,column,value,allowed", ENUMS, ids=[f"{t}.{c}" for t, c, _, _ in ENUMS])
def test_enumeration(tmp_path, table, column, value, allowed):
    rows = good_rows()
    rows[table][0][column] = value
    assert refusal(tmp_path, rows) == [f"{table}.csv, line 2, column {column}, value {value!r}: must be one of: {allowed}"]


# -- keys --------------------------------------------------------------------------------------

def test_duplicate_primary_key(tmp_path):
    rows = good_rows()
    rows["placements"][2]["placement_id"] = "P1"
    assert refusal(tmp_path, rows) == [
        "placements.csv, line 4, column placement_id, value 'P1': duplicate placement_id: already used on line 2"]


def test_ids_compare_as_written(tmp_path):
    # '00042' and '0042' are different workers; 'b1' is not 'B1'.
    rows = good_rows()
    rows["offices"][0]["bureau_id"] = "b1"
    assert refusal(tmp_path, rows) == [
        "offices.csv, line 2, column bureau_id, value 'b1': does not match any bureau_id in bureaus.csv"]


FOREIGN_KEYS = [(t.name, fk.column, fk.table) for t in TABLES for fk in t.foreign_keys]


@pytest.mark.parametrize("table,column,target", FOREIGN_KEYS, ids=[f"{t}.{c}" for t, c, _ in FOREIGN_KEYS])
def test_foreign_key_does_not_resolve(tmp_path, table, column, target):
    rows = good_rows()
    rows[table][0][column] = "NOPE"
    target_pk = next(t for t in TABLES if t.name == target).primary_key
    assert f"{table}.csv, line 2, column {column}, value 'NOPE': does not match any {target_pk} in {target}.csv" \
        in refusal(tmp_path, rows)


# -- pairings and orders -----------------------------------------------------------------------

def test_disposition_date_without_disposition(tmp_path):
    rows = good_rows()
    rows["referrals"][0]["disposition"] = None
    assert refusal(tmp_path, rows) == [
        "referrals.csv, line 2, column disposition_date, value '2023-01-20': must be empty while disposition is empty"]


def test_disposition_without_disposition_date(tmp_path):
    rows = good_rows()
    rows["referrals"][0]["disposition_date"] = None
    assert refusal(tmp_path, rows) == [
        "referrals.csv, line 2, column disposition_date: must be set when disposition is set ('substantiated')"]


def test_discharge_reason_without_discharge_date(tmp_path):
    rows = good_rows()
    rows["episodes"][1]["discharge_reason"] = "adoption"
    assert refusal(tmp_path, rows) == [
        "episodes.csv, line 3, column discharge_reason, value 'adoption': must be empty while discharge_date is empty"]


def test_discharge_date_without_discharge_reason(tmp_path):
    rows = good_rows()
    rows["episodes"][0]["discharge_reason"] = None
    assert refusal(tmp_path, rows) == [
        "episodes.csv, line 2, column discharge_reason: must be set when discharge_date is set ('2023-06-01')"]


ORDERS = [
    ("workers", 1, "end_date", "2020-01-14", "must not be before hire_date (2020-01-15); rule end_date >= hire_date"),
    ("referrals", 0, "first_contact_at", "2023-01-05T23:29",
     "must not be before received_at (2023-01-05T23:30); rule first_contact_at >= received_at"),
    ("referrals", 0, "disposition_date", "2023-01-04",
     "must not be before the date of received_at (2023-01-05T23:30); rule disposition_date >= date(received_at)"),
    ("episodes", 0, "discharge_date", "2023-01-09",
     "must not be before removal_date (2023-01-10); rule discharge_date >= removal_date"),
    ("placements", 0, "end_date", "2023-01-09",
     "must not be before start_date (2023-01-10); rule end_date >= start_date"),
    ("in_home_cases", 0, "closed_date", "2023-01-31",
     "must not be before opened_date (2023-02-01); rule closed_date >= opened_date"),
]


@pytest.mark.parametrize("table,index,column,value,rule", ORDERS, ids=[f"{t}.{c}" for t, _, c, _, _ in ORDERS])
def test_date_order(tmp_path, table, index, column, value, rule):
    rows = good_rows()
    rows[table][index][column] = value
    lines = refusal(tmp_path, rows)
    assert f"{table}.csv, line {index + 2}, column {column}, value {value!r}: {rule}" in lines


def test_same_day_and_same_minute_orders_are_allowed(tmp_path):
    rows = good_rows()
    rows["referrals"][0]["first_contact_at"] = rows["referrals"][0]["received_at"]
    rows["referrals"][0]["disposition_date"] = "2023-01-05"
    rows["in_home_cases"][0]["closed_date"] = "2023-02-01"
    extract = write_extract(tmp_path / "extract", rows)
    load_extract(extract, Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}"))


def test_placement_starts_before_its_episode(tmp_path):
    rows = good_rows()
    rows["placements"][0]["start_date"] = "2023-01-09"
    assert refusal(tmp_path, rows) == [
        "placements.csv, line 2, column start_date, value '2023-01-09': must not be before the removal_date of its "
        "episode 'E1' (2023-01-10); a placement lies within its episode"]


def test_placement_ends_after_its_episode(tmp_path):
    rows = good_rows()
    rows["placements"][1]["end_date"] = "2023-06-02"
    lines = refusal(tmp_path, rows)
    assert lines == [
        "placements.csv, line 3, column end_date, value '2023-06-02': must not be after the discharge_date of its "
        "episode 'E1' (2023-06-01); a placement lies within its episode"]


def test_open_placement_in_a_discharged_episode_is_refused_not_clipped(tmp_path):
    # The contract's change of 2026-11-30: a placement still open after its child left care is a data error.
    rows = good_rows()
    rows["placements"][1]["end_date"] = None
    assert refusal(tmp_path, rows) == [
        "placements.csv, line 3, column end_date: must be set, because its episode 'E1' was discharged on "
        "2023-06-01: a placement of a discharged episode ends on or before the discharge_date"]


def test_open_placement_in_an_open_episode_is_allowed(tmp_path):
    rows = good_rows()
    assert rows["placements"][2]["end_date"] is None and rows["episodes"][1]["discharge_date"] is None
    load_extract(write_extract(tmp_path / "extract", rows), Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}"))


def test_overlapping_episodes_of_a_child(tmp_path):
    rows = good_rows()
    rows["episodes"][1]["removal_date"] = "2023-05-31"
    rows["placements"][2]["start_date"] = "2023-05-31"
    assert refusal(tmp_path, rows) == [
        "episodes.csv, line 3, column removal_date, value '2023-05-31': overlaps episode 'E1' (line 2) of the same "
        "child, whose discharge_date is 2023-06-01; episodes of one child must not overlap"]


def test_a_second_episode_while_the_first_is_open(tmp_path):
    rows = good_rows()
    rows["episodes"].append({"episode_id": "E3", "child_id": "000123", "worker_id": "00042",
                             "removal_date": "2024-01-01", "discharge_date": None, "discharge_reason": None,
                             "tdm_date": None})
    assert refusal(tmp_path, rows) == [
        "episodes.csv, line 4, column removal_date, value '2024-01-01': overlaps episode 'E2' (line 3) of the same "
        "child, which has no discharge_date; episodes of one child must not overlap"]


def test_overlapping_placements_of_an_episode(tmp_path):
    rows = good_rows()
    rows["placements"][1]["start_date"] = "2023-02-28"
    assert refusal(tmp_path, rows) == [
        "placements.csv, line 3, column start_date, value '2023-02-28': overlaps placement 'P1' (line 2) of the same "
        "episode, whose end_date is 2023-03-01; placements of one episode must not overlap"]


# -- bounds and manifest -----------------------------------------------------------------------

def test_date_after_as_of(tmp_path):
    rows = good_rows()
    rows["contacts"][1]["contact_date"] = "2024-07-01"
    assert refusal(tmp_path, rows) == [
        "contacts.csv, line 3, column contact_date, value '2024-07-01': is after the extract's as_of date (2024-06-30)"]


def test_datetime_later_on_the_as_of_day_is_not_after_it(tmp_path):
    rows = good_rows()
    rows["referrals"][2]["received_at"] = "2024-06-30T23:59:59"
    load_extract(write_extract(tmp_path / "extract", rows), Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}"))


def test_date_before_1900(tmp_path):
    rows = good_rows()
    rows["children"][2]["birth_date"] = "1899-12-31"
    assert refusal(tmp_path, rows) == [
        "children.csv, line 4, column birth_date, value '1899-12-31': is before 1900-01-01"]


def test_as_of_is_the_latest_date_without_a_manifest(tmp_path):
    extract = write_extract(tmp_path / "extract", as_of=None)
    result = load_extract(extract, Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}"))
    assert result.as_of == "2024-06-30"


def test_as_of_after_the_day_of_the_load_is_refused(tmp_path):
    today = dt.date.today().isoformat()
    assert refusal(tmp_path, as_of="2200-01-01") == [
        f"manifest.json, column as_of, value '2200-01-01': is after today ({today}), the day of the load: as_of is "
        "the day the extract was taken; correct it in manifest.json"]


def test_without_a_manifest_dates_after_the_day_of_the_load_are_refused(tmp_path):
    # as_of would be the latest date in the extract: each date after today is listed where it is.
    today = dt.date.today().isoformat()
    rows = good_rows()
    rows["contacts"][1]["contact_date"] = "2200-01-01"
    assert refusal(tmp_path, rows, as_of=None) == [
        f"contacts.csv, line 3, column contact_date, value '2200-01-01': is after today ({today}), the day of the load"]


def test_as_of_today_loads(tmp_path):
    today = dt.date.today().isoformat()
    result = load_extract(write_extract(tmp_path / "extract", as_of=today),
                          Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}"))
    assert result.as_of == today


def test_manifest_with_a_bad_date(tmp_path):
    assert refusal(tmp_path, as_of="30/06/2024") == [
        "manifest.json, column as_of, value '30/06/2024': must be a date YYYY-MM-DD"]


def test_manifest_not_json(tmp_path):
    lines = refusal(tmp_path, prepare=lambda e: (e / "manifest.json").write_text("{as_of: 2024}"))
    assert len(lines) == 1 and lines[0].startswith("manifest.json: is not valid UTF-8 JSON (")


# -- files that are not plain files, and NUL characters -------------------------------------------

def _refused_without_hanging(tmp_path, prepare) -> list[str]:
    """`refusal`, but a load that blocks (a reader waiting on a named pipe) fails the test instead of the run."""
    found: dict = {}
    worker = threading.Thread(target=lambda: found.update(lines=refusal(tmp_path, prepare=prepare)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():
        for pipe in (tmp_path / "extract").iterdir():  # let the blocked reader go
            if stat.S_ISFIFO(os.stat(pipe).st_mode):
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=10)
        pytest.fail("the load blocked on a file that is not a regular file")
    return found["lines"]


@pytest.mark.parametrize("name", ["bureaus.csv", "manifest.json"])
def test_a_named_pipe_is_refused_not_read(tmp_path, name):
    def pipe(extract):
        (extract / name).unlink()
        os.mkfifo(extract / name)
    assert _refused_without_hanging(tmp_path, pipe) == [
        f"{name}: is a named pipe (FIFO), not a regular file: an extract is a folder of plain files; "
        "copy the data into a file and load again"]


def test_a_directory_in_place_of_a_file_is_refused(tmp_path):
    def folder(extract):
        (extract / "exams.csv").unlink()
        (extract / "exams.csv").mkdir()
    assert refusal(tmp_path, prepare=folder) == [
        "exams.csv: is a directory, not a regular file: an extract is a folder of plain files; "
        "copy the data into a file and load again"]


def test_a_link_to_a_regular_file_loads(tmp_path):
    extract = write_extract(tmp_path / "extract")
    elsewhere = tmp_path / "bureaus-kept-elsewhere.csv"
    (extract / "bureaus.csv").rename(elsewhere)
    (extract / "bureaus.csv").symlink_to(elsewhere)
    assert load_extract(extract, Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}")).row_counts["bureaus"] == 2


def test_a_nul_character_in_a_csv_field_is_refused(tmp_path):
    rows = good_rows()
    rows["bureaus"][0]["bureau_name"] = "Nor\x00th"
    rows["children"][2]["child_id"] = "7\x00"
    lines = refusal(tmp_path, rows)
    nul = "holds a NUL character (byte 0), which no text field may: remove it from the extract"
    assert f"bureaus.csv, line 2, column bureau_name, value 'Nor\\x00th': {nul}" in lines
    assert f"children.csv, line 4, column child_id, value '7\\x00': {nul}" in lines


def test_a_nul_character_in_a_parquet_field_is_refused(tmp_path):
    def parquet(extract):
        _as_parquet(extract, "bureaus", {"bureau_id": ["B1", "B2"], "bureau_name": ["North", "So\x00uth"]})
    assert refusal(tmp_path, prepare=parquet) == [
        "bureaus.parquet, row 2, column bureau_name, value 'So\\x00uth': holds a NUL character (byte 0), which no "
        "text field may: remove it from the extract"]


def test_a_nul_character_in_the_manifest_is_refused(tmp_path):
    def agency(extract):
        (extract / "manifest.json").write_text(json.dumps({"as_of": AS_OF, "agency": "Test\x00Agency"}))
    assert refusal(tmp_path, prepare=agency) == [
        "manifest.json, column agency, value 'Test\\x00Agency': holds a NUL character (byte 0), which no text field "
        "may: remove it from the extract"]


# -- reporting ---------------------------------------------------------------------------------

def test_every_problem_is_reported_not_just_the_first(tmp_path):
    rows = good_rows()
    rows["children"][0]["sex"] = "female"
    rows["contacts"][0]["in_person"] = "yes"
    rows["episodes"][0]["worker_id"] = "42"
    lines = refusal(tmp_path, rows)
    assert lines == [
        "children.csv, line 2, column sex, value 'female': must be one of: f, m, x, u",
        "episodes.csv, line 2, column worker_id, value '42': does not match any worker_id in workers.csv",
        "contacts.csv, line 2, column in_person, value 'yes': must be true or false (lower-case)",
    ]


def test_problems_are_capped_per_table_and_the_rest_counted(tmp_path):
    rows = good_rows()
    rows["contacts"] = [dict(rows["contacts"][0], contact_id=f"K{i}", completed="maybe") for i in range(8)]
    lines = refusal(tmp_path, rows, cap=5)
    assert lines == [f"contacts.csv, line {n}, column completed, value 'maybe': must be true or false (lower-case)"
                     for n in range(2, 7)] + ["contacts: 3 more problem(s) not listed"]


def test_lines_count_physical_lines_when_a_value_spans_lines(tmp_path):
    rows = good_rows()
    rows["bureaus"][0]["bureau_name"] = "North\nand the islands"
    rows["bureaus"].append({"bureau_id": "B1", "bureau_name": "Duplicate"})
    assert refusal(tmp_path, rows) == [
        "bureaus.csv, line 5, column bureau_id, value 'B1': duplicate bureau_id: already used on line 2"]


# -- Parquet -----------------------------------------------------------------------------------

def _as_parquet(extract, table, arrays):
    (extract / f"{table}.csv").unlink()
    pq.write_table(pa.table(arrays), extract / f"{table}.parquet")


def test_parquet_rows_are_reported_by_row(tmp_path):
    def parquet(extract):
        _as_parquet(extract, "bureaus", {"bureau_id": ["B1", "B2", "B2"], "bureau_name": ["N", "S", "S2"]})
    assert refusal(tmp_path, prepare=parquet) == [
        "bureaus.parquet, row 3, column bureau_id, value 'B2': duplicate bureau_id: already used on row 2"]


def test_parquet_time_zoned_timestamp_is_refused(tmp_path):
    import datetime as dt
    rows = good_rows()

    def parquet(extract):
        cols = {c.name: [r[c.name] for r in rows["referrals"]] for c in TABLES[5].columns}
        cols["received_at"] = pa.array([dt.datetime(2023, 1, 5, 23, 30)] * 3, pa.timestamp("s", tz="UTC"))
        _as_parquet(extract, "referrals", cols)
    assert refusal(tmp_path, prepare=parquet) == [
        "referrals.parquet, column received_at: is a time-zoned timestamp (UTC); datetimes must be naive local "
        "clock time, stored as written"]


def _referrals_with_timestamps(rows, unit, shift=dt.timedelta(0)):
    cols = {c.name: [r[c.name] for r in rows["referrals"]] for c in TABLES[5].columns}
    for name in ("received_at", "first_contact_at"):
        cols[name] = pa.array([None if v is None else dt.datetime.fromisoformat(v) + shift for v in cols[name]],
                              pa.timestamp(unit))
    return cols


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_parquet_naive_timestamps_load_as_written(tmp_path, unit):
    # Pandas and most tools write microseconds: each must read as the contract's YYYY-MM-DDTHH:MM:SS, not
    # as '2023-01-05T23:30:00.000000', which the datetime rule would refuse.
    rows = good_rows()
    extract = write_extract(tmp_path / "extract", rows)
    _as_parquet(extract, "referrals", _referrals_with_timestamps(rows, unit))
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'warehouse.duckdb'}")
    load_extract(extract, warehouse)
    stored = warehouse.snapshot().read("select referral_id, received_at from referrals order by referral_id")
    assert [pd.Timestamp(v).isoformat() for v in stored.received_at] == [
        r["received_at"] if len(r["received_at"]) > 16 else r["received_at"] + ":00"
        for r in sorted(rows["referrals"], key=lambda r: r["referral_id"])]
    warehouse.dispose()


def test_parquet_timestamp_with_fractions_of_a_second_is_refused(tmp_path):
    rows = good_rows()
    def parquet(extract):
        _as_parquet(extract, "referrals", _referrals_with_timestamps(rows, "ms", dt.timedelta(milliseconds=250)))
    lines = refusal(tmp_path, prepare=parquet)
    assert lines[0] == ("referrals.parquet, row 1, column first_contact_at, value '2023-01-06T23:30:00.250': "
                        "is not a valid datetime in the form YYYY-MM-DDTHH:MM[:SS]")
    assert len(lines) == 4  # every timestamp that has one (one first_contact_at is empty), by its row


def test_parquet_numeric_id_is_refused(tmp_path):
    def parquet(extract):
        _as_parquet(extract, "bureaus", {"bureau_id": [1, 2], "bureau_name": ["N", "S"]})
    lines = refusal(tmp_path, prepare=parquet)
    assert lines == ["bureaus.parquet, column bureau_id: has Parquet type int64; it must be a string column "
                     "(ids are strings, so that leading zeros survive)"]


def test_parquet_empty_string_is_null(tmp_path):
    def parquet(extract):
        _as_parquet(extract, "bureaus", {"bureau_id": ["B1", "B2"], "bureau_name": ["North", ""]})
    assert refusal(tmp_path, prepare=parquet) == ["bureaus.parquet, row 2, column bureau_name: must not be empty"]
