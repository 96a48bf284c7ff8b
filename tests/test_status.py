"""Status colouring: both directions, exactly at the thresholds, the insufficient rule, and SQL = Python."""
from __future__ import annotations

import itertools
from decimal import Decimal

import duckdb
import pytest
import sqlalchemy as sa

from measures.status import status, status_sql
from queries.dialects import sql_dialect

D = Decimal


def proportion(direction, green, yellow, num, den, min_n=5):
    return status("proportion", direction, D(green), D(yellow), min_n, None, num, den)


def test_higher_is_better_at_the_thresholds():
    # no_recurrence: green 90.3, yellow 85
    assert proportion("higher", "90.3", "85", 903, 1000) == "green"      # exactly 90.3
    assert proportion("higher", "90.3", "85", 902, 1000) == "yellow"     # 90.2
    assert proportion("higher", "90.3", "85", 85, 100) == "yellow"       # exactly 85
    assert proportion("higher", "90.3", "85", 84, 100) == "red"
    assert proportion("higher", "90.3", "85", 8499, 10000) == "red"      # 84.99


def test_lower_is_better_at_the_thresholds():
    # reentry: green 5.6, yellow 8.3; 7 of 125 is 5.6 exactly (in binary floating point 7 / 125 * 100
    # is 5.6000000000000005, which a float comparison would call yellow)
    assert 7 / 125 * 100 > 5.6
    assert proportion("lower", "5.6", "8.3", 7, 125) == "green"
    assert proportion("lower", "5.6", "8.3", 8, 125) == "yellow"         # 6.4
    assert proportion("lower", "5.6", "8.3", 83, 1000) == "yellow"       # exactly 8.3
    assert proportion("lower", "5.6", "8.3", 84, 1000) == "red"


def test_thirds_are_compared_exactly():
    # 100 of 300 is 33.333...%: below a 33.34 standard, above 33.33
    assert proportion("higher", "33.34", "10", 100, 300) == "yellow"
    assert proportion("higher", "33.33", "10", 100, 300) == "green"
    assert proportion("lower", "33.33", "50", 100, 300) == "yellow"


def test_insufficient_below_min_n_and_none_for_counts_or_no_members():
    assert proportion("higher", "90", "80", 4, 4) == "insufficient"      # 4 members < 5
    assert proportion("higher", "90", "80", 5, 5) == "green"             # 5 is enough
    assert proportion("higher", "90", "80", 0, 5) == "red"
    assert status("count", None, None, None, None, None, 40, 40) == "none"
    assert proportion("higher", "90", "80", 0, 0) == "none"
    # a rate is insufficient below 1,000 days; at 1,000 it is coloured (9.07 per 100,000 days)
    rate = dict(kind="rate", direction="lower", green=D("9.07"), yellow=D("12"), min_n=1000, scale=100000)
    assert status(**rate, numerator=0, denominator=999) == "insufficient"
    assert status(**rate, numerator=0, denominator=1000) == "green"
    assert status(**rate, numerator=907, denominator=10_000_000) == "green"   # exactly 9.07
    assert status(**rate, numerator=908, denominator=10_000_000) == "yellow"
    assert status(**rate, numerator=12, denominator=100_000) == "yellow"      # exactly 12
    assert status(**rate, numerator=13, denominator=100_000) == "red"


def test_medians_compare_whole_and_half_days():
    median = dict(kind="median", direction="lower", green=D("365"), yellow=D("540"), min_n=5, scale=None)
    assert status(**median, numerator=0, denominator=5, median=365.0) == "green"
    assert status(**median, numerator=0, denominator=6, median=365.5) == "yellow"
    assert status(**median, numerator=0, denominator=6, median=540.0) == "yellow"
    assert status(**median, numerator=0, denominator=6, median=540.5) == "red"
    assert status(**median, numerator=0, denominator=4, median=1.0) == "insufficient"


CASES = [
    # kind, direction, green, yellow, min_n, scale
    ("proportion", "higher", D("90.3"), D("85"), 5, None),
    ("proportion", "lower", D("5.6"), D("8.3"), 5, None),
    ("proportion", "higher", D("75.2"), D("65"), 5, None),
    ("rate", "lower", D("9.07"), D("12"), 1000, 100000),
    ("proportion", "higher", D("33.34"), D("33.33"), 5, None),
]
CELLS = [(n, d) for d in (0, 3, 5, 7, 125, 1000, 10_000_000) for n in (0, 1, 7, 8, 83, 84, 852, 903, 907, 908, 1000)
         if n <= d or d >= 1000] + [(3_000_000_000, 9_000_000_000_000)]


def _sql_statuses(run, dialect_name: str) -> list[str]:
    d = sql_dialect(dialect_name)
    selects = []
    for (kind, direction, green, yellow, min_n, scale), (num, den) in itertools.product(CASES, CELLS):
        expr = status_sql(d, kind, direction, green, yellow, min_n, scale,
                          f"cast({num} as bigint)", f"cast({den} as bigint)")
        selects.append(f"select {len(selects)} as k, {expr} as s")
    return [row[1] for row in sorted(run(" union all ".join(selects)))]


def _python_statuses() -> list[str]:
    return [status(kind, direction, green, yellow, min_n, scale, num, den)
            for (kind, direction, green, yellow, min_n, scale), (num, den) in itertools.product(CASES, CELLS)]


def test_sql_status_agrees_with_python_on_duckdb():
    con = duckdb.connect()
    assert _sql_statuses(lambda q: con.execute(q).fetchall(), "duckdb") == _python_statuses()


def test_sql_status_agrees_with_python_on_postgresql(postgres_url):
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        found = _sql_statuses(lambda q: conn.exec_driver_sql(q).fetchall(), "postgresql")
    engine.dispose()
    assert found == _python_statuses()


@pytest.mark.parametrize("dialect_name", ["duckdb", "postgresql"])
def test_sql_median_status(dialect_name, request):
    d = sql_dialect(dialect_name)
    expr = status_sql(d, "median", "lower", D("365"), D("540"), 5, None, "n", "n", "v")
    query = (f"select {expr} from (select cast(6 as bigint) as n, cast(v as double precision) as v "
             f"from (values (365.0), (365.5), (540.0), (540.5)) as t(v)) as cells")
    if dialect_name == "duckdb":
        found = [r[0] for r in duckdb.connect().execute(query).fetchall()]
    else:
        engine = sa.create_engine(request.getfixturevalue("postgres_url"))
        with engine.connect() as conn:
            found = [r[0] for r in conn.exec_driver_sql(query).fetchall()]
        engine.dispose()
    assert found == ["green", "yellow", "yellow", "red"]
