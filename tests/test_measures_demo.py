"""The whole `small` demo agency on DuckDB and on PostgreSQL: identical exports, and cells that add up.

Loaded once per module on each engine (the loader computes every indicator
for every month and level inside each warehouse); the exports are then
compared for every indicator, month and level.
"""
from __future__ import annotations

import pandas as pd
import pytest

from demodata.generate import generate
from loader.load import load_extract
from queries.exports import to_csv
from access.scope import EntityRef, LEVELS, Scope
from queries.scorecard import indicator_catalogue, members_behind_cell, report_months, scorecard
from queries.warehouse import Warehouse
from tests.conftest import fresh_postgres_database

EVERYTHING = Scope.everything()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo") / "small"
    generate(directory, "small", 42)
    return directory


@pytest.fixture(scope="module")
def duck(demo, tmp_path_factory):
    warehouse = Warehouse(f"duckdb:///{tmp_path_factory.mktemp('duck') / 'warehouse.duckdb'}")
    load_extract(demo, warehouse)
    yield warehouse.snapshot()
    warehouse.dispose()


@pytest.fixture(scope="module")
def pg(demo):
    with fresh_postgres_database() as url:
        warehouse = Warehouse(url)
        load_extract(demo, warehouse)
        yield warehouse.snapshot()
        warehouse.dispose()


def test_identical_scorecard_exports_for_every_month_and_level(duck, pg):
    months = report_months(duck)
    assert months == report_months(pg) and len(months) == 36
    rows = 0
    for month in months:
        for level in LEVELS + ("provider",):  # providers' cells too, when the demo names providers
            exported = to_csv(scorecard(duck, EVERYTHING, month, level))
            assert exported == to_csv(scorecard(pg, EVERYTHING, month, level)), f"{month:%Y-%m} {level}"
            rows += exported.count("\r\n") - 1
    assert rows == duck.read("select count(*) as n from cells").n[0] == pg.read("select count(*) as n from cells").n[0]
    # every indicator of the catalogue has cells, and every status occurs; permanency_24m_plus, whose members
    # have been in care 24 months on the first day of a 12-month window, only in the last month (the demo
    # removes a few children on its first day for it)
    cells = duck.read("select indicator_id, status, count(*) as n from cells group by indicator_id, status")
    assert set(cells.indicator_id) == set(indicator_catalogue(duck).indicator_id)
    assert duck.read("select distinct month from cells where indicator_id = 'permanency_24m_plus'").month.tolist() == [
        months[-1]]
    assert set(cells.status) == {"green", "yellow", "red", "insufficient", "none"}


@pytest.mark.parametrize("which", [0, 17, -1], ids=["first-month", "a-middle-month", "last-month"])
def test_members_are_identical_and_add_up_to_the_cells(duck, pg, which):
    month = report_months(duck)[which]
    entities = duck.read("select entity_id, bureau_id, office_id, unit_id from entities where level = 'worker'")
    for indicator in indicator_catalogue(duck).itertuples():
        listed = members_behind_cell(duck, EVERYTHING, indicator.indicator_id, month)
        assert to_csv(listed) == to_csv(members_behind_cell(pg, EVERYTHING, indicator.indicator_id, month))
        cells = scorecard(duck, EVERYTHING, month, "office", indicator_ids=[indicator.indicator_id])
        department = scorecard(duck, EVERYTHING, month, "department", indicator_ids=[indicator.indicator_id])
        if listed.empty:
            assert cells.empty and department.empty
            continue
        members = listed.merge(entities, left_on="worker_id", right_on="entity_id")
        by_office = members.groupby("office_id").agg(numerator=("numerator", "sum"),
                                                     denominator=("denominator", "sum"),
                                                     median=("numerator", "median"))
        found = cells.set_index("entity_id")
        assert sorted(found.index) == sorted(by_office.index)
        assert (found.numerator == by_office.numerator).all() and (found.denominator == by_office.denominator).all()
        assert department.numerator[0] == members.numerator.sum()
        if indicator.kind == "median":
            assert (found.value == by_office["median"]).all()
            assert department.value[0] == members.numerator.median()


def test_members_of_one_office_are_that_office_s_cell(duck):
    month = report_months(duck)[-1]
    office = scorecard(duck, EVERYTHING, month, "office", indicator_ids=["timely_contacts_cases"]).iloc[0]
    listed = members_behind_cell(duck, EVERYTHING, "timely_contacts_cases", month,
                                 EntityRef("office", office.entity_id))
    assert (listed.numerator.sum(), listed.denominator.sum()) == (office.numerator, office.denominator)
    assert pd.Series(listed.member_id).is_unique
