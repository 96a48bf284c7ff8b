"""Providers in the data: the optional providers table and provider_id columns, and the provider cells.

The provider cells of a small hand-made extract are worked out here by hand (and, for one indicator in
every month, by a few lines of Python that follow the attribution rule of docs/indicators.md), never with
the engine's SQL, on DuckDB and on PostgreSQL.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from access.scope import LEVELS, OutsideScope, Scope
from loader.load import load_extract
from loader.problems import LoadRefused
from measures.definitions import RULES
from queries.exports import to_csv
from queries.scorecard import SCORECARD_COLUMNS, scorecard
from queries.warehouse import Warehouse
from tests.conftest import fresh_postgres_database
from tests.extracts import good_rows, write_extract

EVERYTHING = Scope.everything()
JUNE, MAY = dt.date(2024, 6, 1), dt.date(2024, 5, 1)

PROVIDERS = [
    {"provider_id": "FFA1", "provider_name": "Harbor Foster Family Agency", "provider_type": "foster_family_agency"},
    {"provider_id": "FFA2", "provider_name": "Cedar Homes", "provider_type": "foster_family_agency"},
    {"provider_id": "IH1", "provider_name": "Hillside Family Services", "provider_type": "in_home_services"},
    {"provider_id": "IDLE", "provider_name": "Idle Agency", "provider_type": None},  # serves no one
]


def placement(pid, episode, start, end, setting, provider):
    return {"placement_id": pid, "episode_id": episode, "home_id": f"H-{pid}", "setting": setting,
            "start_date": start, "end_date": end, "provider_id": provider}


# Every episode is removed on 2024-01-02 and still in care on 2024-06-30 (as_of).
PLACEMENTS = [
    # E1: moved on 2024-03-01 from FFA1 to a relative with FFA2: FFA2's from March
    placement("P1a", "E1", "2024-01-02", "2024-03-01", "foster_family", "FFA1"),
    placement("P1b", "E1", "2024-03-01", None, "relative", "FFA2"),
    # E2: two placements start on 2024-02-01; the greater placement_id by code point is 'P2-9' ('9' > '1'),
    # though it is written second and would come first in number order: FFA2's
    placement("P2-10", "E2", "2024-02-01", "2024-02-01", "relative", "FFA1"),
    placement("P2-9", "E2", "2024-02-01", None, "foster_family", "FFA2"),
    # E3: a placement with FFA2 starts on 2024-06-10, after May's end: FFA1's in May, FFA2's in June
    placement("P3a", "E3", "2024-01-02", "2024-06-10", "relative", "FFA1"),
    placement("P3b", "E3", "2024-06-10", None, "foster_family", "FFA2"),
    # E4: the latest placement has no provider (an earlier one had): no provider's from April
    placement("P4a", "E4", "2024-01-02", "2024-04-01", "relative", "FFA1"),
    placement("P4b", "E4", "2024-04-01", None, "relative", None),
    # E5 has no placement: no provider's
    placement("P6", "E6", "2024-01-02", None, "relative", "FFA2"),
    placement("P7", "E7", "2024-01-02", None, "relative", "FFA2"),
    placement("P8", "E8", "2024-01-02", None, "relative", "FFA1"),
]


def provider_rows(with_providers: bool = True) -> dict[str, list[dict]]:
    """The hand-made extract: eight episodes, two in-home cases, one referral (as of 2024-06-30)."""
    rows = good_rows()
    rows["children"] = [{"child_id": f"C{n:02d}", "birth_date": "2015-01-01", "sex": "f", "race_ethnicity": "white",
                         "sibling_group_id": None} for n in range(1, 11)]
    rows["episodes"] = [{"episode_id": f"E{n}", "child_id": f"C{n:02d}", "worker_id": "00042",
                         "removal_date": "2024-01-02", "discharge_date": None, "discharge_reason": None,
                         "tdm_date": None} for n in range(1, 9)]
    rows["placements"] = [dict(p) for p in PLACEMENTS]
    rows["in_home_cases"] = [
        {"case_id": "F1", "child_id": "C09", "worker_id": "0042", "opened_date": "2024-02-01", "closed_date": None,
         "provider_id": "IH1"},
        {"case_id": "F2", "child_id": "C10", "worker_id": "0042", "opened_date": "2024-02-01", "closed_date": None,
         "provider_id": None},
    ]
    rows["referrals"] = [
        {"referral_id": "R1", "child_id": "C01", "worker_id": "00042", "received_at": "2024-06-03T10:00",
         "response_type": "immediate", "first_contact_at": "2024-06-03T12:00", "disposition": None,
         "disposition_date": None}]
    rows["contacts"] = []
    rows["exams"] = [
        {"exam_id": "X1", "child_id": "C01", "exam_type": "mental_health_screening", "exam_date": "2024-03-01"},
        {"exam_id": "X2", "child_id": "C09", "exam_type": "mental_health_screening", "exam_date": "2024-02-15"},
    ]
    rows["providers"] = [dict(p) for p in PROVIDERS]
    if not with_providers:
        del rows["providers"]
        for row in rows["placements"] + rows["in_home_cases"]:
            del row["provider_id"]
    return rows


def _load(url: str, directory, rows) -> Warehouse:
    warehouse = Warehouse(url)
    load_extract(write_extract(directory, rows), warehouse)
    return warehouse


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def loaded(request, tmp_path_factory):
    """The hand-made extract loaded once per engine: (with providers, the same without them)."""
    root = tmp_path_factory.mktemp("providers")
    if request.param == "duckdb":
        with_p = _load(f"duckdb:///{root / 'with' / 'w.duckdb'}", root / "x-with", provider_rows())
        without = _load(f"duckdb:///{root / 'without' / 'w.duckdb'}", root / "x-without", provider_rows(False))
        yield with_p.snapshot(), without.snapshot()
        with_p.dispose()
        without.dispose()
    else:
        with fresh_postgres_database() as a, fresh_postgres_database() as b:
            with_p = _load(a, root / "x-with", provider_rows())
            without = _load(b, root / "x-without", provider_rows(False))
            yield with_p.snapshot(), without.snapshot()
            with_p.dispose()
            without.dispose()


def cells(snapshot, month, indicator_id, scope=EVERYTHING) -> dict:
    frame = scorecard(snapshot, scope, month, "provider", indicator_ids=[indicator_id])
    assert (frame.level == "provider").all()
    return {r.entity_id: (r.entity_name, r.numerator, r.denominator, r.value, r.status)
            for r in frame.itertuples(index=False)}


# -- the cells, by hand -------------------------------------------------------------------------------

def test_episode_members_belong_to_their_latest_placement_s_provider(loaded):
    snap, _ = loaded
    # placement_with_relatives on 2024-06-30: met when the placement on that day is with a relative.
    # FFA2: E1 (relative, met), E2 (the tie's P2-9, foster family), E3 (P3b, foster family), E6, E7 (met):
    # 3 of 5, 60% against green 40: green. FFA1: E8 only, 1 of 1: fewer than min_n 5, insufficient.
    # E4 (latest placement without provider) and E5 (no placement) count in no provider's cell.
    assert cells(snap, JUNE, "placement_with_relatives") == {
        "FFA1": ("Harbor Foster Family Agency", 1, 1, 100.0, "insufficient"),
        "FFA2": ("Cedar Homes", 3, 5, 60.0, "green"),
    }
    # ... while the department counts all eight: E4 is placed with a relative, E5 nowhere.
    department = scorecard(snap, EVERYTHING, JUNE, "department", indicator_ids=["placement_with_relatives"])
    assert (department.numerator[0], department.denominator[0]) == (5, 8)
    # On 2024-05-31 P3b had not started: E3 is FFA1's (its placement P3a, with a relative, met).
    # FFA2: E1 (met), E2, E6, E7 (met) = 3 of 4; FFA1: E3, E8 = 2 of 2; both under min_n.
    assert cells(snap, MAY, "placement_with_relatives") == {
        "FFA1": ("Harbor Foster Family Agency", 2, 2, 100.0, "insufficient"),
        "FFA2": ("Cedar Homes", 3, 4, 75.0, "insufficient"),
    }


def test_in_home_members_belong_to_their_case_s_provider(loaded):
    snap, _ = loaded
    # no_maltreatment_in_home (W(12,0)): F1 (IH1) and F2 (no provider) are members, neither child has a
    # substantiated referral: IH1 1 of 1; F2 counts in no provider's cell.
    assert cells(snap, JUNE, "no_maltreatment_in_home") == {
        "IH1": ("Hillside Family Services", 1, 1, 100.0, "insufficient")}
    # mh_screening_open_cases has both kinds: the eight episodes and the two cases (each open 30 days by
    # 2024-06-30). Screened: C01 (E1, FFA2's) and C09 (F1, IH1's). FFA2 1 of 5, 20% against min_n 5 and
    # green 90 / yellow 80: red. FFA1: E8, 0 of 1. IH1: F1, 1 of 1.
    assert cells(snap, JUNE, "mh_screening_open_cases") == {
        "FFA1": ("Harbor Foster Family Agency", 0, 1, 0.0, "insufficient"),
        "FFA2": ("Cedar Homes", 1, 5, 20.0, "red"),
        "IH1": ("Hillside Family Services", 1, 1, 100.0, "insufficient"),
    }
    department = scorecard(snap, EVERYTHING, JUNE, "department", indicator_ids=["mh_screening_open_cases"])
    assert (department.numerator[0], department.denominator[0]) == (2, 10)


def test_referral_and_child_members_belong_to_no_provider(loaded):
    snap, _ = loaded
    department = scorecard(snap, EVERYTHING, JUNE, "department", indicator_ids=["timely_response_immediate"])
    assert (department.numerator[0], department.denominator[0]) == (1, 1)  # R1 is a member ...
    others = [i for i, rule in RULES.items() if set(rule.member_types) <= {"referral", "child"}]
    assert "timely_response_immediate" in others and "no_recurrence" in others
    found = snap.read("select distinct indicator_id from cells where level = 'provider'").indicator_id
    assert not set(found) & set(others)  # ... of no provider's cell, in any month
    assert cells(snap, JUNE, "timely_response_immediate") == {}


def test_placement_with_relatives_in_every_month_as_the_rule_reads(loaded):
    """The attribution rule in a few lines of Python, for every report month of the extract."""
    snap, _ = loaded

    def provider_of(episode, me):
        started = [p for p in PLACEMENTS if p["episode_id"] == episode and p["start_date"] <= me]
        return max(started, key=lambda p: (p["start_date"], p["placement_id"]))["provider_id"] if started else None

    def placed_with_relative(episode, me):
        current = [p for p in PLACEMENTS if p["episode_id"] == episode and p["start_date"] <= me
                   and (p["end_date"] is None or p["end_date"] > me)]
        return bool(current) and max(current, key=lambda p: (p["start_date"], p["placement_id"]))["setting"] == "relative"

    for month in range(1, 7):
        me = (dt.date(2024, month + 1, 1) - dt.timedelta(days=1)).isoformat()
        expected: dict = {}
        for episode in [f"E{n}" for n in range(1, 9)]:
            provider = provider_of(episode, me)
            if provider is not None:
                num, den = expected.get(provider, (0, 0))
                expected[provider] = (num + placed_with_relative(episode, me), den + 1)
        found = cells(snap, dt.date(2024, month, 1), "placement_with_relatives")
        assert {p: (c[1], c[2]) for p, c in found.items()} == expected, me
        for provider, (num, den) in expected.items():
            value = 100 * num / den
            status = "insufficient" if den < 5 else "green" if value >= 40 else "yellow" if value >= 30 else "red"
            assert found[provider][3:] == (value, status)


def test_providers_leave_the_organisation_s_cells_as_they_were(loaded):
    with_p, without = loaded
    assert with_p.read("select count(*) as n from cells where level = 'provider'").n[0] > 0
    assert without.read("select count(*) as n from cells where level = 'provider'").n[0] == 0
    for month in (MAY, JUNE):
        for level in LEVELS:
            assert to_csv(scorecard(with_p, EVERYTHING, month, level)) == to_csv(scorecard(without, EVERYTHING,
                                                                                          month, level))


def test_an_extract_without_providers_loads_as_before(loaded):
    _, snap = loaded
    assert "providers" not in snap.version.row_counts  # the load history counts the extract's tables
    assert snap.read("select count(*) as n from providers").n[0] == 0
    assert snap.read("select count(*) as n from placements where provider_id is not null").n[0] == 0
    assert snap.read("select count(*) as n from in_home_cases where provider_id is not null").n[0] == 0
    frame = scorecard(snap, EVERYTHING, JUNE, "provider")
    assert frame.empty and list(frame.columns) == SCORECARD_COLUMNS


# -- who reads them -------------------------------------------------------------------------------------

def test_a_reader_scoped_to_part_of_the_organisation_reads_no_provider_cells(loaded):
    snap, _ = loaded
    with pytest.raises(OutsideScope, match=r"^the providers' cells are outside what you may see \(bureau B1 and "):
        scorecard(snap, Scope("bureau", "B1"), JUNE, "provider")


def test_a_department_viewer_never_sees_one_provider_hidden_alone(loaded):
    snap, _ = loaded
    # With cells of 1 or 2 hidden, FFA1's 1 of 1 is hidden, and so FFA2's 3 of 5 must be too: were it
    # shown, an agency whose every member has a provider would give FFA1's away by subtraction.
    viewer = Scope(case_level=False, small_cell_min=3)
    found = cells(snap, JUNE, "placement_with_relatives", viewer)
    assert {p: (pd.isna(c[1]), pd.isna(c[2]), pd.isna(c[3]), c[4]) for p, c in found.items()} == {
        "FFA1": (True, True, True, "suppressed"), "FFA2": (True, True, True, "suppressed")}
    # mh_screening_open_cases: FFA1 (0 of 1) and IH1 (1 of 1) are hidden; FFA2's 1 of 5 is small too.
    assert {p: c[4] for p, c in cells(snap, JUNE, "mh_screening_open_cases", viewer).items()} == {
        "FFA1": "suppressed", "FFA2": "suppressed", "IH1": "suppressed"}
    # A viewer allowing cells of 1 and more sees them all, rounded.
    assert {p: c[3:] for p, c in cells(snap, JUNE, "placement_with_relatives",
                                       Scope(case_level=False, small_cell_min=1)).items()} == {
        "FFA1": (100.0, "insufficient"), "FFA2": (60.0, "green")}


def test_a_provider_is_under_no_part_of_the_organisation(loaded):
    from access.scope import EntityRef, ScorecardQueryError
    snap, _ = loaded
    with pytest.raises(ScorecardQueryError, match=r"^providers are not under bureau B1: they serve the whole "
                                                  r"department; leave out the parent, or give the department$"):
        scorecard(snap, EVERYTHING, JUNE, "provider", EntityRef("bureau", "B1"))


# -- the loader ------------------------------------------------------------------------------------------

def refusal(tmp_path, rows) -> list[str]:
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'wh' / 'warehouse.duckdb'}")
    with pytest.raises(LoadRefused) as refused:
        load_extract(write_extract(tmp_path / "extract", rows), warehouse)
    assert warehouse.snapshot() is None
    return refused.value.report.render().splitlines()


def test_a_provider_id_that_names_no_provider_is_refused(tmp_path):
    rows = provider_rows()
    rows["placements"][1]["provider_id"] = "FFA3"
    rows["in_home_cases"][1]["provider_id"] = "ffa1"  # ids compare as written
    assert refusal(tmp_path, rows) == [
        "placements.csv, line 3, column provider_id, value 'FFA3': does not match any provider_id in providers.csv",
        "in_home_cases.csv, line 3, column provider_id, value 'ffa1': does not match any provider_id in providers.csv",
    ]


def test_a_provider_id_without_a_providers_table_is_refused(tmp_path):
    rows = provider_rows()
    del rows["providers"]
    reason = ("names a provider, but the extract has no providers.csv (or providers.parquet): add the providers "
              "table, or leave provider_id empty")
    assert refusal(tmp_path, rows) == [
        f"placements.csv, line {line}, column provider_id, value {p['provider_id']!r}: {reason}"
        for line, p in enumerate(PLACEMENTS, start=2) if p["provider_id"] is not None
    ] + [f"in_home_cases.csv, line 2, column provider_id, value 'IH1': {reason}"]


def test_the_providers_table_is_checked_like_every_other(tmp_path):
    rows = provider_rows()
    rows["providers"][2]["provider_name"] = None
    rows["providers"].append({"provider_id": "FFA1", "provider_name": "Harbor again", "provider_type": None})
    rows["providers"].append({"provider_id": "X\x00", "provider_name": "Nul", "provider_type": None})
    assert refusal(tmp_path, rows) == [
        "providers.csv, line 4, column provider_name: must not be empty",
        "providers.csv, line 6, column provider_id, value 'FFA1': duplicate provider_id: already used on line 2",
        "providers.csv, line 7, column provider_id, value 'X\\x00': holds a NUL character (byte 0), which no text "
        "field may: remove it from the extract",
    ]


def test_a_providers_file_without_its_name_column_is_refused(tmp_path):
    rows = provider_rows()
    extract = write_extract(tmp_path / "extract", rows)
    (extract / "providers.csv").write_text("provider_id,provider_type\nFFA1,\n")
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'wh' / 'warehouse.duckdb'}")
    with pytest.raises(LoadRefused) as refused:
        load_extract(extract, warehouse)
    assert refused.value.report.render().splitlines() == [
        "providers.csv, line 1, column provider_name: required column is missing from the header"]


def test_parquet_without_the_provider_column_loads(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    rows = provider_rows(False)
    extract = write_extract(tmp_path / "extract", rows)
    (extract / "placements.csv").unlink()
    columns = ["placement_id", "episode_id", "home_id", "setting", "start_date", "end_date"]
    pq.write_table(pa.table({c: [p[c] for p in rows["placements"]] for c in columns}), extract / "placements.parquet")
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'wh' / 'warehouse.duckdb'}")
    assert load_extract(extract, warehouse).row_counts["placements"] == len(PLACEMENTS)
    assert warehouse.snapshot().read("select count(*) as n from placements where provider_id is null").n[0] == 11


# -- the export ------------------------------------------------------------------------------------------

def test_export_scorecard_level_provider(run, tmp_path):
    assert run("load", write_extract(tmp_path / "x", provider_rows())).exit_code == 0
    result = run("export", "scorecard", "--month", "2024-06", "--level", "provider",
                 "--indicator", "placement_with_relatives", "--indicator", "no_maltreatment_in_home")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "indicator_id,month,level,entity_id,entity_name,numerator,denominator,value,status",
        "placement_with_relatives,2024-06,provider,FFA1,Harbor Foster Family Agency,1,1,100,insufficient",
        "placement_with_relatives,2024-06,provider,FFA2,Cedar Homes,3,5,60,green",
        "no_maltreatment_in_home,2024-06,provider,IH1,Hillside Family Services,1,1,100,insufficient",
    ]


def test_the_sql_of_an_indicator_shows_its_provider_cells_too(run):
    result = run("indicators", "sql", "placement_with_relatives", "--dialect", "postgresql")
    assert result.exit_code == 0
    assert result.output.startswith("-- cells of placement_with_relatives")
    assert "\n-- provider cells of placement_with_relatives: " in result.output
    assert "order by start_date, placement_id) as next_start" in result.output
