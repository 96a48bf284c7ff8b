"""The reads behind the pages (queries/performance.py), checked against the scorecard export of the same cells
on the whole `small` demo agency, and the scope they read inside."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from queries import performance as perf
from access.scope import EntityRef, OutsideScope, Scope, ScorecardQueryError
from queries.scorecard import report_months, scorecard

EVERYONE = Scope.everything()
B01 = EntityRef("bureau", "B01")


@pytest.fixture(scope="module")
def snap(demo_snapshot):
    return demo_snapshot


@pytest.fixture(scope="module")
def months(snap):
    return report_months(snap)


def _export(snap, month, level, parent=None):
    return scorecard(snap, EVERYONE, month, level, parent).set_index(["entity_id", "indicator_id"])


def test_heatmap_cells_are_the_export_s_with_last_month_and_last_year(snap, months):
    month = months[-1]
    data = perf.heatmap(snap, EVERYONE, None, B01)
    assert data.month == month and data.level == "office" and [e.name for e in data.path][-1] == "North Bureau"
    # Cells that had members only last month or last year are there too, for the changes; no status now.
    cells = data.cells[data.cells.status.notna()].set_index(["entity_id", "indicator_id"])
    offices = _export(snap, month, "office", B01)
    bureau = _export(snap, month, "bureau").loc[["B01"]]
    now = pd.concat([offices, bureau])
    assert sorted(cells.index) == sorted(now.index)
    for column in ("numerator", "denominator", "status"):
        assert cells[column].sort_index().tolist() == now[column].sort_index().tolist()
    assert cells.value.sort_index().tolist() == pytest.approx(now.value.sort_index().tolist(), nan_ok=True)
    for offset, column in ((-1, "last_month"), (-12, "last_year")):
        then = pd.concat([_export(snap, perf.add_months(month, offset), "office", B01),
                          _export(snap, perf.add_months(month, offset), "bureau").loc[["B01"]]])
        everything = data.cells.set_index(["entity_id", "indicator_id"])
        joined = everything[[column, f"{column}_status"]].join(then[["value", "status"]], how="outer")
        assert joined[column].tolist() == pytest.approx(joined.value.tolist(), nan_ok=True)
        known = joined.status.notna()
        assert (joined[f"{column}_status"][known] == joined.status[known]).all()


def test_heatmap_rows_put_the_parent_first_then_the_children_by_name(snap):
    data = perf.heatmap(snap, EVERYONE, None)
    assert data.rows.iloc[0].tolist() == ["department", "all", data.path[0].name, True]
    assert data.rows.entity_name.tolist()[1:] == ["North Bureau", "South Bureau"]
    everything = perf.heatmap(snap, EVERYONE, None, level="office")
    assert len(everything.rows) == 1 + 6 and set(everything.rows.level[1:]) == {"office"}


def test_heatmap_sorts_by_an_indicator_with_no_value_last(snap):
    unit = EntityRef("unit", "U0001")
    ascending = perf.heatmap(snap, EVERYONE, None, unit, sort="no_recurrence")
    values = ascending.cells[ascending.cells.indicator_id == "no_recurrence"].set_index("entity_id").value
    order = [values.get(e) for e in ascending.rows.entity_id[1:]]
    present = [v for v in order if pd.notna(v)]
    assert present == sorted(present) and all(pd.isna(v) for v in order[len(present):])
    descending = perf.heatmap(snap, EVERYONE, None, unit, sort="-no_recurrence")
    order = [values.get(e) for e in descending.rows.entity_id[1:]]
    assert [v for v in order if pd.notna(v)] == sorted(present, reverse=True)
    assert perf.heatmap(snap, EVERYONE, None, unit, sort="-name").rows.entity_name.tolist()[1:] == sorted(
        perf.heatmap(snap, EVERYONE, None, unit).rows.entity_name.tolist()[1:], reverse=True)


def test_heatmap_tier_and_case_flow_column_order(snap):
    tier1 = perf.heatmap(snap, EVERYONE, None, tier=1)
    assert set(tier1.indicators.tier) == {1} and set(tier1.cells.indicator_id) <= set(tier1.indicators.indicator_id)
    domains = perf.heatmap(snap, EVERYONE, None).indicators.domain.tolist()
    rank = {"Safety": 0, "Permanency": 1, "Well-Being": 2, "Self-Sufficiency": 3}
    assert [rank[d] for d in domains] == sorted(rank[d] for d in domains)


@pytest.mark.parametrize("kwargs, says", [
    ({"parent": EntityRef("office", "O001"), "level": "bureau"}, "not below office:O001"),
    ({"parent": EntityRef("worker", "000001")}, "a worker has no level below it"),
    ({"parent": EntityRef("office", "O999")}, "there is no office 'O999'"),
    ({"sort": "nonsense"}, "cannot sort by 'nonsense'"),
    ({"tier": 3}, "tier 3 is not one of 1, 2"),
    ({"month": dt.date(2001, 1, 1)}, "no indicators for 2001-01"),
])
def test_heatmap_says_what_was_wrong(snap, kwargs, says):
    month = kwargs.pop("month", None)
    with pytest.raises(ScorecardQueryError, match=says):
        perf.heatmap(snap, EVERYONE, month, **kwargs)


def test_a_bureau_scope_reads_only_its_bureau(snap):
    north = Scope("bureau", "B01")
    data = perf.heatmap(snap, north, None, B01)
    assert set(data.rows.entity_id[1:]) == {"O001", "O002", "O003"}
    with pytest.raises(OutsideScope):
        perf.heatmap(snap, north, None)  # the department is above the scope
    with pytest.raises(OutsideScope):
        perf.heatmap(snap, north, None, EntityRef("bureau", "B02"))
    with pytest.raises(OutsideScope):
        perf.story(snap, north, EntityRef("office", "O004"))
    with pytest.raises(OutsideScope):
        perf.trend(snap, north, "reentry", EntityRef("office", "O004"))
    across = perf.indicator_across(snap, north, "reentry", None, B01)
    assert set(across.offices.entity_id) <= {"O001", "O002", "O003"}


def test_indicator_across_ranks_best_first_and_flags_the_parent_s_offices(snap, months):
    lower = perf.indicator_across(snap, EVERYONE, "reentry", None, B01)
    export = _export(snap, months[-1], "office", B01)
    expected = export.xs("reentry", level="indicator_id")
    assert set(lower.ranked.entity_id) == set(expected.index)
    assert lower.ranked.value.tolist() == sorted(lower.ranked.value.tolist())  # lower is better
    higher = perf.indicator_across(snap, EVERYONE, "no_recurrence", None, B01)
    assert higher.ranked.value.tolist() == sorted(higher.ranked.value.tolist(), reverse=True)
    assert higher.parent_cell.value == pytest.approx(_export(snap, months[-1], "bureau").loc[("B01", "no_recurrence")].value)
    flagged = lower.offices.set_index("entity_id").under_parent
    assert flagged[flagged].index.tolist() and set(flagged[flagged].index) == {"O001", "O002", "O003"} & set(flagged.index)
    assert lower.offices.peer_group.notna().any()


def test_trend_lines_are_the_cells_and_the_peers_median(snap, months):
    office = EntityRef("office", "O002")  # suburban, as O006 is
    data = perf.trend(snap, EVERYONE, "timely_contacts_cases", office)
    assert data.peers == "the other suburban offices"
    entity = data.series[data.series.line == "entity"]
    assert len(entity) == 24 and entity.month.max().date() == months[-1]
    expected = [_export(snap, m.date(), "office").loc[("O002", "timely_contacts_cases")].value for m in entity.month]
    assert entity.value.tolist() == pytest.approx(expected)
    peers = data.series[data.series.line == "peers"].set_index("month").value
    for month, value in peers.items():
        cell = _export(snap, month.date(), "office").loc[("O006", "timely_contacts_cases")]
        assert cell.status != "insufficient" and value == pytest.approx(cell.value)
    parent = data.series[data.series.line == "parent"]
    assert parent.value.iloc[-1] == pytest.approx(
        _export(snap, months[-1], "bureau").loc[("B01", "timely_contacts_cases")].value)
    whole = perf.trend(snap, EVERYONE, "timely_contacts_cases", office, months=None)
    with_members = [m for m in months if ("O002", "timely_contacts_cases") in _export(snap, m, "office").index]
    assert whole.series[whole.series.line == "entity"].month.dt.date.tolist() == with_members
    assert len(with_members) > 24


def test_a_worker_s_peers_are_the_unit_s_other_workers(snap):
    data = perf.trend(snap, EVERYONE, "timely_contacts_cases", EntityRef("worker", "000001"), months=12)
    assert data.peers == "the other workers of Alder Unit 1"
    assert [e.level for e in data.path] == ["department", "bureau", "office", "unit", "worker"]
    with pytest.raises(ScorecardQueryError, match="months must be 1 or more"):
        perf.trend(snap, EVERYONE, "reentry", EntityRef("worker", "000001"), months=0)


def test_story_has_every_indicator_s_last_24_months(snap, months):
    data = perf.story(snap, EVERYONE, EntityRef("office", "O002"))
    assert set(data.cells.month.dt.date) == set(months[-24:])
    assert len(data.indicators) == 28
    assert len(data.cells) == len(data.cells.drop_duplicates(["indicator_id", "month"]))


def test_the_peers_line_leaves_out_insufficient_cells(snap, months):
    # Workers of one unit: small caseloads, so some peers are too few to rate in some months.
    worker, indicator = "000001", "timely_contacts_cases"
    data = perf.trend(snap, EVERYONE, indicator, EntityRef("worker", worker), months=None)
    peers = data.series[data.series.line == "peers"].set_index("month").value
    unit = EntityRef("unit", "U0001")
    left_out = 0
    for month in months:
        cells = scorecard(snap, EVERYONE, month, "worker", unit, [indicator])
        others = cells[cells.entity_id != worker]
        rated = others[others.status != "insufficient"]
        left_out += len(others) - len(rated)
        if rated.empty:
            assert pd.Timestamp(month) not in peers.index
        else:
            assert peers[pd.Timestamp(month)] == pytest.approx(rated.value.median())
    assert left_out > 0  # the case this test is about did occur


def test_heatmap_sorts_when_a_unit_shares_its_office_s_id(tmp_path):
    # Ids are unique within their own table only: unit O1 of office O1 is a valid extract.
    from loader.load import load_extract
    from queries.warehouse import Warehouse
    from tests.extracts import good_rows, write_extract
    rows = good_rows()
    rows["units"][0]["unit_id"] = "O1"
    rows["workers"][0]["unit_id"] = "O1"
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'warehouse.duckdb'}")
    load_extract(write_extract(tmp_path / "extract", rows), warehouse)
    data = perf.heatmap(warehouse.snapshot(), EVERYONE, None, EntityRef("office", "O1"), sort="-placement_with_relatives")
    assert data.rows[["level", "entity_id"]].values.tolist() == [["office", "O1"], ["unit", "O1"]]
    warehouse.dispose()
