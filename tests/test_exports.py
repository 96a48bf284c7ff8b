"""`statboard export scorecard|members`: the spec's CSV format, clear errors, scope, and a catalogue reload."""
from __future__ import annotations

import datetime as dt

import pytest

from queries.exports import format_value
from access.scope import EntityRef, OutsideScope, Scope
from queries.scorecard import members_behind_cell, scorecard
from tests.agency import Agency
from tests.test_catalogue import write as write_catalogue


def tdm_agency() -> Agency:
    """June 2024: W1 (office O1) removes 5 children, 2 with a timely TDM; W2 (office O2) removes 1, with one."""
    a = Agency()
    a.rows["offices"][0]["office_name"] = 'Alder, "North"'  # a name that needs quoting
    for n, tdm in enumerate(["2024-06-09", "2024-06-01", None, None, None], start=1):
        a.episode(f"E{n}", f"C{n}", "2024-06-10", tdm=tdm)
    a.episode("E6", "C6", "2024-06-12", tdm="2024-06-12", worker="W2")
    return a


@pytest.fixture
def loaded(run, tmp_path):
    from tests.extracts import write_extract
    result = run("load", write_extract(tmp_path / "x", tdm_agency().rows, as_of="2024-12-31"))
    assert result.exit_code == 0, result.output
    return run


def test_scorecard_csv_is_exactly_the_spec_format(loaded):
    result = loaded("export", "scorecard", "--month", "2024-06", "--level", "office",
                    "--indicator", "entry_timely_tdm", "--indicator", "entries")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8") == (
        "indicator_id,month,level,entity_id,entity_name,numerator,denominator,value,status\r\n"
        # catalogue order (entries before entry_timely_tdm), then entity id; a count is never coloured
        'entries,2024-06,office,O1,"Alder, ""North""",5,5,5,none\r\n'
        "entries,2024-06,office,O2,Birch,1,1,1,none\r\n"
        # 2 of 5 = 40 exactly (yellow: 50 / 40); 1 of 1 is insufficient (5 members needed)
        'entry_timely_tdm,2024-06,office,O1,"Alder, ""North""",2,5,40,yellow\r\n'
        "entry_timely_tdm,2024-06,office,O2,Birch,1,1,100,insufficient\r\n")
    assert not result.stdout_bytes.startswith(b"\xef\xbb\xbf")


def test_scorecard_under_a_parent_and_unrounded_values(loaded):
    result = loaded("export", "scorecard", "--month", "2024-06", "--level", "worker", "--parent", "bureau:B1",
                    "--indicator", "entry_timely_tdm")
    assert result.stdout.splitlines()[1:] == ["entry_timely_tdm,2024-06,worker,W1,Ana,2,5,40,yellow"]
    department = loaded("export", "scorecard", "--month", "2024-06", "--level", "department",
                        "--indicator", "entry_timely_tdm")
    # 3 of 6 = 50 exactly -> green; the department's id is 'all'
    assert department.stdout.splitlines()[1] == "entry_timely_tdm,2024-06,department,all,Test Agency,3,6,50,green"


def test_members_csv_and_out_file(loaded, tmp_path):
    out = tmp_path / "members.csv"
    result = loaded("export", "members", "--indicator", "entry_timely_tdm", "--month", "2024-06",
                    "--entity", "office:O1", "--out", out)
    assert result.exit_code == 0 and "wrote 5 rows" in result.stderr and result.stdout == ""
    assert out.read_bytes().decode() == (
        "indicator_id,month,member_type,member_id,child_id,worker_id,numerator,denominator\r\n"
        "entry_timely_tdm,2024-06,episode,E1,C1,W1,1,1\r\n"
        "entry_timely_tdm,2024-06,episode,E2,C2,W1,1,1\r\n"
        "entry_timely_tdm,2024-06,episode,E3,C3,W1,0,1\r\n"
        "entry_timely_tdm,2024-06,episode,E4,C4,W1,0,1\r\n"
        "entry_timely_tdm,2024-06,episode,E5,C5,W1,0,1\r\n")
    everyone = loaded("export", "members", "--indicator", "entry_timely_tdm", "--month", "2024-06")
    assert len(everyone.stdout.splitlines()) == 1 + 6


@pytest.mark.parametrize("args, reason", [
    (["scorecard", "--month", "2031-01", "--level", "office"],
     "no indicators for 2031-01: the months of the data as of 2024-12-31 are from 2024-06 to 2024-12"),
    (["scorecard", "--month", "June", "--level", "office"], "month 'June' is not a month: write YYYY-MM"),
    (["scorecard", "--month", "2024-06", "--level", "office", "--indicator", "nope"], "unknown indicator(s) 'nope'"),
    (["scorecard", "--month", "2024-06", "--level", "office", "--parent", "office:O1"],
     "--parent office:O1 is not above the level 'office'"),
    (["scorecard", "--month", "2024-06", "--level", "office", "--parent", "bureau:B9"], "there is no bureau 'B9'"),
    (["scorecard", "--month", "2024-06", "--level", "office", "--parent", "region:R1"], "does not name an entity"),
    (["members", "--indicator", "entries", "--month", "2024-06", "--entity", "worker:W9"], "there is no worker 'W9'"),
    (["members", "--indicator", "nope", "--month", "2024-06"], "unknown indicator(s) 'nope'"),
])
def test_unknown_indicator_month_or_entity_is_an_error_not_an_empty_file(loaded, tmp_path, args, reason):
    out = tmp_path / "out.csv"
    result = loaded("export", *args, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.startswith("statboard: ") and reason in result.stderr
    assert result.stdout == "" and not out.exists()
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_before_any_load(run):
    result = run("export", "scorecard", "--month", "2024-06", "--level", "office")
    assert result.exit_code == 1 and "no data loaded yet" in result.stderr


def test_reads_stay_inside_the_scope(warehouse, tmp_path):
    snap = tdm_agency().load(warehouse, tmp_path / "x")
    june = dt.date(2024, 6, 1)
    bureau = Scope("bureau", "B1")
    offices = scorecard(snap, bureau, june, "office", EntityRef("bureau", "B1"), indicator_ids=["entries"])
    assert offices.entity_id.tolist() == ["O1"]
    # A listing is whole or refused, never silently cut to the scope: the department's offices are not all B1's.
    with pytest.raises(OutsideScope, match="the department is outside what you may see .bureau B1 and"):
        scorecard(snap, bureau, june, "office", indicator_ids=["entries"])
    with pytest.raises(OutsideScope, match="the department is outside"):
        scorecard(snap, bureau, june, "department")  # the department is above this scope
    with pytest.raises(OutsideScope):
        scorecard(snap, bureau, june, "worker", EntityRef("office", "O2"))
    with pytest.raises(OutsideScope):
        members_behind_cell(snap, bureau, "entries", june, EntityRef("office", "O2"))
    with pytest.raises(OutsideScope, match="the department is outside"):
        members_behind_cell(snap, bureau, "entries", june)  # the whole department's members
    assert members_behind_cell(snap, bureau, "entries", june, EntityRef("bureau", "B1")).member_id.tolist() == [
        "E1", "E2", "E3", "E4", "E5"]
    with pytest.raises(OutsideScope, match="case-level"):
        members_behind_cell(snap, Scope("bureau", "B1", case_level=False), "entries", june, EntityRef("bureau", "B1"))


def test_peers_widen_the_aggregates_a_manager_reads_and_nothing_else(warehouse, tmp_path):
    snap = tdm_agency().load(warehouse, tmp_path / "x")
    june = dt.date(2024, 6, 1)
    office = Scope("office", "O1", peers=True)
    assert scorecard(snap, office, june, "office", indicator_ids=["entries"]).entity_id.tolist() == ["O1", "O2"]
    assert scorecard(snap, office, june, "department", indicator_ids=["entries"]).entity_id.tolist() == ["all"]
    with pytest.raises(OutsideScope, match="the workers under office O2"):
        scorecard(snap, office, june, "worker", EntityRef("office", "O2"))  # below the office level: never
    with pytest.raises(OutsideScope, match="outside your own part"):
        members_behind_cell(snap, office, "entries", june, EntityRef("office", "O2"))
    without = Scope("office", "O1")
    with pytest.raises(OutsideScope):
        scorecard(snap, without, june, "office", indicator_ids=["entries"])


def test_a_changed_standard_and_label_follow_on_reload(run, tmp_path, monkeypatch):
    from measures.catalogue import DEFAULT_PATH
    from tests.extracts import write_extract
    extract = write_extract(tmp_path / "x", tdm_agency().rows, as_of="2024-12-31")
    assert run("load", extract).exit_code == 0
    before = run("export", "scorecard", "--month", "2024-06", "--level", "office", "--indicator", "entry_timely_tdm")
    assert "O1,\"Alder, \"\"North\"\"\",2,5,40,yellow" in before.stdout
    text = DEFAULT_PATH.read_text().replace(
        'name = "Foster care entry (removal) with timely TDM"\ntier = 2\ndomain = "Permanency"\n'
        'kind = "proportion"\ndirection = "higher"\ngreen = 50\nyellow = 40',
        'name = "Removals with a timely TDM"\ntier = 2\ndomain = "Permanency"\n'
        'kind = "proportion"\ndirection = "higher"\ngreen = 40\nyellow = 30')
    assert text != DEFAULT_PATH.read_text()
    monkeypatch.setenv("STATBOARD_CATALOGUE", str(write_catalogue(tmp_path, text)))
    assert run("load", extract).exit_code == 0
    after = run("export", "scorecard", "--month", "2024-06", "--level", "office", "--indicator", "entry_timely_tdm")
    assert "O1,\"Alder, \"\"North\"\"\",2,5,40,green" in after.stdout
    from queries.scorecard import indicator_catalogue
    from queries.warehouse import Warehouse
    snap = Warehouse(f"duckdb:///{tmp_path / 'instance' / 'warehouse.duckdb'}").snapshot()
    names = indicator_catalogue(snap).set_index("indicator_id")
    assert names.loc["entry_timely_tdm", "name"] == "Removals with a timely TDM"
    assert names.loc["entry_timely_tdm", "green"] == "40"


def test_number_formatting():
    assert format_value(5.6) == "5.6"
    assert format_value(100.0) == "100"
    assert format_value(200 / 3) == "66.66666666666667"
    assert float(format_value(200 / 3)) == 200 / 3
    assert format_value(0.00001) == "0.00001"
    assert format_value(12) == "12" and format_value(None) == "" and format_value(float("nan")) == ""
    assert format_value(dt.date(2024, 6, 1)) == "2024-06"
