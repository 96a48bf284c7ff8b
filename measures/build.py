"""Materialise every indicator's cells inside the warehouse, at load time.

`prepare_measures` runs in the loader's staging DuckDB file: it records the
catalogue the version was computed with (`indicators`) and the report months
(`report_months`). `compute_measures` then runs in the warehouse itself --
the staging DuckDB file, or the new PostgreSQL schema inside the publishing
transaction -- and fills `cells`: one row per indicator, report month and
entity at every level that has at least one member, with its numerator,
denominator, value and status. Each indicator is one set-based statement over
all months; the levels are one ``grouping sets`` aggregation over the
members, so a median is always the median of that entity's own members. A
provider's cells (level `provider`) are a second statement over the same
members, attributed to providers rather than workers (`provider_cells_sql`).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time

from measures.catalogue import Catalogue, Indicator
from measures.definitions import RULES
from measures.status import multiplier, status_sql

log = logging.getLogger(__name__)

# The dates of case activity; the first of them starts the report months.
ACTIVITY_DATES = (
    ("referrals", "cast(received_at as date)"), ("episodes", "removal_date"), ("placements", "start_date"),
    ("in_home_cases", "opened_date"), ("contacts", "contact_date"), ("exams", "exam_date"),
)


def add_month(day: dt.date, months: int = 1) -> dt.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def report_months(first: dt.date | None, as_of: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(ms, me) of every month from the month of `first` to the last one with me <= as_of."""
    if first is None:
        return []
    months = []
    ms = first.replace(day=1)
    while (me := add_month(ms) - dt.timedelta(days=1)) <= as_of:
        months.append((ms, me))
        ms = add_month(ms)
    return months


def prepare_measures(con, catalogue: Catalogue, as_of: str | dt.date) -> int:
    """In the staging DuckDB connection: the `indicators` and `report_months` tables. Returns the month count."""
    as_of = dt.date.fromisoformat(str(as_of))
    con.execute("""
        create table indicators (
            position integer not null, indicator_id varchar not null, name varchar not null,
            tier integer not null, domain varchar not null, kind varchar not null, direction varchar,
            green varchar, yellow varchar, min_n integer, scale integer,
            definition varchar not null, why varchar not null, questions varchar not null)
    """)
    con.executemany("insert into indicators values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (i.position, i.id, i.name, i.tier, i.domain, i.kind, i.direction,
         None if i.green is None else str(i.green), None if i.yellow is None else str(i.yellow),
         i.min_n, i.scale, i.definition, i.why, json.dumps(list(i.questions)))
        for i in catalogue])
    first = con.execute("select min(d) from (" + " union all ".join(
        f"select min({expr}) as d from {table}" for table, expr in ACTIVITY_DATES) + ")").fetchone()[0]
    months = report_months(first, as_of)
    con.execute("create table report_months (month date not null, me date not null)")
    con.executemany("insert into report_months values (?, ?)", months)
    return len(months)


def members_sql(d, indicator_id: str, months: str = "report_months") -> str:
    """The SQL listing one indicator's members for every month in `months`."""
    return RULES[indicator_id].sql(d, months)


def _aggregates(d, indicator: Indicator) -> tuple[str, str, str]:
    """A cell's SQL from its members `m` and their sums `a`: (the members' median, value, status)."""
    kind = indicator.kind
    median = d.median("m.numerator") if kind == "median" else "cast(null as double precision)"
    if kind == "median":
        value = "a.median"
    elif kind == "count":
        value = "cast(a.numerator as double precision)"
    else:
        value = f"{multiplier(kind, indicator.scale)} * cast(a.numerator as double precision) / a.denominator"
    status = status_sql(d, kind, indicator.direction, indicator.green, indicator.yellow, indicator.min_n,
                        indicator.scale, "a.numerator", "a.denominator", "a.median")
    return median, value, status


def cells_sql(d, indicator: Indicator, months: str = "report_months") -> str:
    """The SQL computing one indicator's cells (every month of `months`, every level) from its members."""
    median, value, status = _aggregates(d, indicator)
    members = members_sql(d, indicator.id, months).replace("\n", "\n    ")
    return f"""-- cells of {indicator.id}: its members summed (and their median) for each month at every level
select '{indicator.id}' as indicator_id, a.month, a.level, a.entity_id, a.members,
       a.numerator, a.denominator,
       {value} as value,
       {status} as status
from (
  select m.month,
         case when grouping(w.bureau_id) = 1 then 'department' when grouping(w.office_id) = 1 then 'bureau'
              when grouping(w.unit_id) = 1 then 'office' when grouping(w.entity_id) = 1 then 'unit'
              else 'worker' end as level,
         case when grouping(w.bureau_id) = 1 then 'all' when grouping(w.office_id) = 1 then w.bureau_id
              when grouping(w.unit_id) = 1 then w.office_id when grouping(w.entity_id) = 1 then w.unit_id
              else w.entity_id end as entity_id,
         count(*) as members, cast(sum(m.numerator) as bigint) as numerator,
         cast(sum(m.denominator) as bigint) as denominator, {median} as median
  from (
    {members}
  ) m
  -- each member counts for its worker, and so for the worker's unit, office, bureau and the department
  join entities w on w.level = 'worker' and w.entity_id = m.worker_id
  group by grouping sets ((m.month), (m.month, w.bureau_id), (m.month, w.bureau_id, w.office_id),
                          (m.month, w.bureau_id, w.office_id, w.unit_id),
                          (m.month, w.bureau_id, w.office_id, w.unit_id, w.entity_id))
) a"""


PROVIDER = "provider"  # the level of a provider's cells; their entity_id is the provider_id


def provider_members_sql(d, indicator_id: str, months: str = "report_months") -> str:
    """The SQL listing one indicator's members (every month of `months`), each with the provider it is attributed
    to (`provider_id`; null for none): `members_sql`'s columns and `provider_id`.

    An episode member of month M belongs to the provider of the episode's latest placement started by
    the month's end (ties: the greatest placement_id), an in-home member to its case's provider, any
    other member to none. The provider cells (`provider_cells_sql`) and the members behind one of them
    (queries/scorecard.py `members_behind_cell`) are both read from this statement, so they cannot differ.
    """
    members = members_sql(d, indicator_id, months).replace("\n", "\n  ")
    me = f"{d.add_months('m.month', 1)} - 1"
    return f"""select m.*, coalesce(p.provider_id, h.provider_id) as provider_id
from (
  {members}
) m
-- an episode member: the placement it is in on the month's end, or it left last; a placement is the
-- latest started from its start_date until the next one of the episode starts (by start_date, then
-- placement_id, so of two starting the same day the greater placement_id is the latest)
left join (
  select episode_id, provider_id, start_date,
         lead(start_date) over (partition by episode_id order by start_date, placement_id) as next_start
  from placements) p
  on m.member_type = 'episode' and p.episode_id = m.member_id
     and p.start_date <= {me} and (p.next_start is null or p.next_start > {me})
-- an in-home member: its case's provider
left join in_home_cases h on m.member_type = 'in_home_case' and h.case_id = m.member_id"""


def provider_cells_sql(d, indicator: Indicator, months: str = "report_months") -> str:
    """The SQL computing one indicator's provider cells (every month of `months`) from its members.

    Each member counts in the cell of the provider it is attributed to (`provider_members_sql`); a member
    with no provider counts in no provider cell. Value and status are those of every other cell
    (`cells_sql`).
    """
    median, value, status = _aggregates(d, indicator)
    members = provider_members_sql(d, indicator.id, months).replace("\n", "\n    ")
    return f"""-- provider cells of {indicator.id}: the members attributed to each provider, summed for each month
select '{indicator.id}' as indicator_id, a.month, '{PROVIDER}' as level, a.entity_id, a.members,
       a.numerator, a.denominator,
       {value} as value,
       {status} as status
from (
  select m.month, m.provider_id as entity_id,
         count(*) as members, cast(sum(m.numerator) as bigint) as numerator,
         cast(sum(m.denominator) as bigint) as denominator, {median} as median
  from (
    {members}
  ) m
  where m.provider_id is not null
  group by m.month, m.provider_id
) a"""


def create_cells_sql(d) -> str:
    t = d.id_type
    return (f"create table cells (indicator_id {t} not null, month date not null, level {t} not null, "
            f"entity_id {t} not null, members bigint not null, numerator bigint not null, "
            f"denominator bigint not null, value double precision, status {t} not null)")


def compute_measures(runner, catalogue: Catalogue) -> None:
    """In the warehouse being published: the `cells` of every indicator of the catalogue."""
    d = runner.dialect
    runner.execute(create_cells_sql(d))
    for indicator in catalogue:
        started = time.perf_counter()
        runner.execute(f"insert into cells\n{cells_sql(d, indicator)}")
        runner.execute(f"insert into cells\n{provider_cells_sql(d, indicator)}")
        log.debug("cells of %s in %.2f s", indicator.id, time.perf_counter() - started)
    runner.finish_cells()
