"""Check an extract against every rule of the contract, in DuckDB, reporting all problems.

The raw tables hold text as written. `typed_view_sql` turns them into typed
views (a value that does not parse becomes NULL there and is reported by the
type check), on which the cross-column and cross-table rules run.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from loader.contract import (
    BOOL, DATE, DATE_ORDERS, DATETIME, EARLIEST_DATE, ENUM, NULL_PAIRINGS, TABLES_BY_NAME, Column,
)
from loader.problems import Problem, Report
from loader.read import LINE, NUL_RULE, RawTable

SQL_TYPE = {DATE: "date", DATETIME: "timestamp", BOOL: "boolean"}  # every other type is text
DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
DATETIME_PATTERN = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?"
ZONED_PATTERN = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)"


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def raw(table: str) -> str:
    return f"raw.{q(table)}"


def typed(table: str) -> str:
    return f"raw.{q('typed_' + table)}"


def typed_expression(column: Column) -> str:
    c = q(column.name)
    if column.type == DATE:
        return f"case when regexp_full_match({c}, '{DATE_PATTERN}') then try_cast({c} as date) end"
    if column.type == DATETIME:
        return (f"case when regexp_full_match({c}, '{DATETIME_PATTERN}') "
                f"then try_cast(replace({c}, 'T', ' ') as timestamp) end")
    if column.type == BOOL:
        return f"case {c} when 'true' then true when 'false' then false end"
    return c


@dataclass(frozen=True)
class Check:
    table: str
    column: str | None
    sql: str  # selects LINE, value, and whatever `rule` reads, from the typed view or raw table
    rule: Callable[[tuple], str]


def stage(con: duckdb.DuckDBPyConnection, tables: dict[str, RawTable]) -> None:
    """Copy the raw Arrow tables into DuckDB and create their typed views."""
    con.execute("create schema if not exists raw")
    for name, rt in tables.items():
        con.register("incoming", rt.data)
        con.execute(f"create table {raw(name)} as select * from incoming")
        con.unregister("incoming")
        cols = ", ".join(f"{typed_expression(c)} as {q(c.name)}" for c in rt.table.columns)
        con.execute(f"create view {typed(name)} as select {cols}, {LINE} from {raw(name)}")


def infer_as_of(con: duckdb.DuckDBPyConnection, tables: dict[str, RawTable]) -> str | None:
    """The latest date found anywhere in the extract (date part of datetimes)."""
    parts = [
        f"select max(cast({q(c.name)} as date)) d from {typed(name)}"
        for name, rt in tables.items() for c in rt.table.columns if c.type in (DATE, DATETIME)
    ]
    if not parts:
        return None
    latest = con.execute(f"select max(d) from ({' union all '.join(parts)})").fetchone()[0]
    return latest.isoformat() if latest else None


def validate(con: duckdb.DuckDBPyConnection, tables: dict[str, RawTable], as_of: str, today: str,
             report: Report) -> None:
    """Run every check; each adds at most `report.cap_per_table` problems and its full count.

    No date may lie after `as_of`, nor after `today`, the day of the load (when `as_of` is later, it is
    refused by the caller, and the dates are checked against today).
    """
    # A table whose file is there but could not be read is refused already; its ids are not "absent".
    unreadable = {name for name, count in report.totals.items() if count}
    for check in checks(tables, as_of, today, unreadable):
        rt = tables[check.table]
        rows = con.execute(
            f"select *, count(*) over () from ({check.sql}) order by {LINE} limit {report.cap_per_table}"
        ).fetchall()
        if not rows:
            continue
        found = [Problem(rt.file, row[0], check.column, None if row[1] is None else str(row[1]),
                         check.rule(row)) for row in rows]
        report.add(check.table, found, total=rows[0][-1])


def checks(tables: dict[str, RawTable], as_of: str, today: str, unreadable: set[str] = frozenset()) -> list[Check]:
    found: list[Check] = []
    for name, rt in tables.items():
        found += _column_checks(name, rt)
        found += _key_checks(name, rt, tables, unreadable)
    found += _pairing_checks(tables)
    found += _order_checks(tables)
    found += _containment_and_overlap_checks(tables)
    for name, rt in tables.items():
        found += _bound_checks(name, rt, as_of, today)
    return found


def _column_checks(name: str, rt: RawTable) -> list[Check]:
    found = []
    for column in rt.table.columns:
        c = q(column.name)
        found.append(Check(name, column.name,
                           f"select {LINE}, {c} from {raw(name)} where contains({c}, chr(0))",
                           lambda row: NUL_RULE))
        if not column.nullable:
            found.append(Check(name, column.name,
                               f"select {LINE}, {c} from {raw(name)} where {c} is null",
                               lambda row: "must not be empty"))
        if column.type == DATE:
            found.append(Check(
                name, column.name,
                f"select r.{LINE}, r.{c} from {raw(name)} r join {typed(name)} t using ({LINE}) "
                f"where r.{c} is not null and t.{c} is null",
                lambda row: "is not a valid date in the form YYYY-MM-DD"))
        elif column.type == DATETIME:
            found.append(Check(
                name, column.name,
                f"select r.{LINE}, r.{c}, regexp_full_match(r.{c}, '{ZONED_PATTERN}') "
                f"from {raw(name)} r join {typed(name)} t using ({LINE}) "
                f"where r.{c} is not null and t.{c} is null",
                lambda row: ("has a time zone; datetimes are naive local clock time as written, "
                             "YYYY-MM-DDTHH:MM[:SS] with no offset or Z") if row[2] else
                            "is not a valid datetime in the form YYYY-MM-DDTHH:MM[:SS]"))
        elif column.type == BOOL:
            found.append(Check(name, column.name,
                               f"select {LINE}, {c} from {raw(name)} "
                               f"where {c} is not null and {c} not in ('true', 'false')",
                               lambda row: "must be true or false (lower-case)"))
        elif column.type == ENUM:
            allowed = ", ".join(f"'{v}'" for v in column.values)
            listed = ", ".join(column.values)
            found.append(Check(name, column.name,
                               f"select {LINE}, {c} from {raw(name)} "
                               f"where {c} is not null and {c} not in ({allowed})",
                               lambda row, listed=listed: f"must be one of: {listed}"))
    return found


def _key_checks(name: str, rt: RawTable, tables: dict[str, RawTable], unreadable: set[str]) -> list[Check]:
    pk = q(rt.table.primary_key)
    word = "row" if rt.file.endswith(".parquet") else "line"
    found = [Check(
        name, rt.table.primary_key,
        f"select {LINE}, {pk}, first_line from (select {LINE}, {pk}, "
        f"min({LINE}) over (partition by {pk}) first_line from {raw(name)} where {pk} is not null) "
        f"where {LINE} > first_line",
        lambda row, word=word: f"duplicate {rt.table.primary_key}: already used on {word} {row[2]}",
    )]
    for fk in rt.table.foreign_keys:
        if fk.table not in tables:
            optional = TABLES_BY_NAME[fk.table]
            if optional.optional and fk.table not in unreadable:  # left out, so any id given names nothing
                c = q(fk.column)
                found.append(Check(
                    name, fk.column,
                    f"select {LINE}, {c} from {raw(name)} where {c} is not null",
                    lambda row, target=optional: (
                        f"names a {target.primary_key.removesuffix('_id')}, but the extract has no "
                        f"{target.name}.csv (or {target.name}.parquet): add the {target.name} table, "
                        f"or leave {target.primary_key} empty")))
            continue  # a required table: reported as a missing file
        target = tables[fk.table]
        c, tpk = q(fk.column), q(target.table.primary_key)
        found.append(Check(
            name, fk.column,
            f"select r.{LINE}, r.{c} from {raw(name)} r "
            f"where r.{c} is not null and not exists "
            f"(select 1 from {raw(fk.table)} t where t.{tpk} = r.{c})",
            lambda row, target=target: (f"does not match any {target.table.primary_key} "
                                        f"in {target.file}"),
        ))
    return found


def _pairing_checks(tables: dict[str, RawTable]) -> list[Check]:
    found = []
    for pair in NULL_PAIRINGS:
        if pair.table not in tables:
            continue
        c, p = q(pair.column), q(pair.partner)
        found.append(Check(
            pair.table, pair.column,
            f"select {LINE}, {c}, {p} from {raw(pair.table)} where ({c} is null) <> ({p} is null)",
            lambda row, pair=pair: (f"must be empty while {pair.partner} is empty" if row[1] is not None
                                    else f"must be set when {pair.partner} is set ({row[2]!r})"),
        ))
    return found


def _order_checks(tables: dict[str, RawTable]) -> list[Check]:
    found = []
    for order in DATE_ORDERS:
        if order.table not in tables:
            continue
        c, e = q(order.column), q(order.earlier)
        earlier = f"cast(t.{e} as date)" if order.as_date else f"t.{e}"
        found.append(Check(
            order.table, order.column,
            f"select t.{LINE}, r.{c}, r.{e} from {typed(order.table)} t "
            f"join {raw(order.table)} r using ({LINE}) where t.{c} < {earlier}",
            lambda row, order=order: (f"must not be before {'the date of ' if order.as_date else ''}"
                                      f"{order.earlier} ({row[2]}); rule {order.rule}"),
        ))
    return found


def _containment_and_overlap_checks(tables: dict[str, RawTable]) -> list[Check]:
    found = []
    if "placements" in tables and "episodes" in tables:
        found.append(Check(
            "placements", "start_date",
            f"select p.{LINE}, p.start_date, e.removal_date, e.episode_id "
            f"from {typed('placements')} p join {typed('episodes')} e using (episode_id) "
            f"where p.start_date < e.removal_date",
            lambda row: (f"must not be before the removal_date of its episode {row[3]!r} "
                         f"({row[2]}); a placement lies within its episode"),
        ))
        found.append(Check(
            "placements", "end_date",
            f"select p.{LINE}, p.end_date, e.discharge_date, e.episode_id "
            f"from {typed('placements')} p join {typed('episodes')} e using (episode_id) "
            f"where p.end_date > e.discharge_date",
            lambda row: (f"must not be after the discharge_date of its episode {row[3]!r} "
                         f"({row[2]}); a placement lies within its episode"),
        ))
        # Refused, not clipped to the discharge: which day the child left the placement is the agency's
        # to say, and the measures must not guess it.
        found.append(Check(
            "placements", "end_date",
            f"select p.{LINE}, r.end_date, e.discharge_date, e.episode_id "
            f"from {typed('placements')} p join {raw('placements')} r using ({LINE}) "
            f"join {typed('episodes')} e on e.episode_id = p.episode_id "
            f"where r.end_date is null and e.discharge_date is not null",
            lambda row: (f"must be set, because its episode {row[3]!r} was discharged on {row[2]}: "
                         "a placement of a discharged episode ends on or before the discharge_date"),
        ))
    for name, group, start, end, noun, parent in (
        ("episodes", "child_id", "removal_date", "discharge_date", "episode", "child"),
        ("placements", "episode_id", "start_date", "end_date", "placement", "episode"),
    ):
        if name not in tables:
            continue
        rt = tables[name]
        pk = rt.table.primary_key
        word = "row" if rt.file.endswith(".parquet") else "line"
        found.append(Check(
            name, start,
            f"select {LINE}, {start}, prev_id, prev_line, prev_end from ("
            f"select {LINE}, {start}, "
            f"lag({pk}) over w prev_id, lag({LINE}) over w prev_line, lag({end}) over w prev_end, "
            f"row_number() over w n "
            f"from {typed(name)} where {group} is not null and {start} is not null "
            f"window w as (partition by {group} order by {start}, {pk})) "
            f"where n > 1 and (prev_end is null or prev_end > {start})",
            lambda row, noun=noun, parent=parent, end=end, word=word: (
                f"overlaps {noun} {row[2]!r} ({word} {row[3]}) of the same {parent}, "
                + ("which has no " + end if row[4] is None else f"whose {end} is {row[4]}")
                + f"; {noun}s of one {parent} must not overlap"),
        ))
    return found


def _bound_checks(name: str, rt: RawTable, as_of: str, today: str) -> list[Check]:
    latest, after = ((as_of, f"is after the extract's as_of date ({as_of})") if as_of <= today
                     else (today, f"is after today ({today}), the day of the load"))
    found = []
    for column in rt.table.columns:
        if column.type not in (DATE, DATETIME):
            continue
        c = q(column.name)
        found.append(Check(
            name, column.name,
            f"select t.{LINE}, r.{c}, cast(t.{c} as date) > date '{latest}' from {typed(name)} t "
            f"join {raw(name)} r using ({LINE}) "
            f"where cast(t.{c} as date) > date '{latest}' or t.{c} < date '{EARLIEST_DATE}'",
            lambda row: after if row[2] else f"is before {EARLIEST_DATE}",
        ))
    return found


def build_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, RawTable]) -> dict[str, int]:
    """Create the typed contract tables in `main` from validated raw tables; return row counts."""
    counts = {}
    for name, rt in tables.items():
        cols = ", ".join(q(c.name) for c in rt.table.columns)
        con.execute(f"create table main.{q(name)} as select {cols} from {typed(name)} order by {LINE}")
        counts[name] = con.execute(f"select count(*) from main.{q(name)}").fetchone()[0]
    for table in TABLES_BY_NAME.values():
        if table.optional and table.name not in tables:
            # Left out of the extract: there, with no rows, so that every version has every table (not
            # counted: the extract had none).
            cols = ", ".join(f"{q(c.name)} {SQL_TYPE.get(c.type, 'varchar')}" for c in table.columns)
            con.execute(f"create table main.{q(table.name)} ({cols})")
    con.execute("drop schema raw cascade")
    return counts


__all__ = ["TABLES_BY_NAME", "build_tables", "infer_as_of", "stage", "validate"]
