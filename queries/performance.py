"""The reads behind the Stat-meeting pages: the heat map, one indicator across entities, one entity's
story, and trends. All from the materialised `cells`; every function takes the reader's `Scope`.

Errors a user can cause (an unknown month, indicator, entity or sort, a level that is not below the
parent) raise `ScorecardQueryError` with a message that says what to ask for instead; a request outside
the reader's scope raises `OutsideScope`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from measures.catalogue import DOMAINS
from queries.cache import answers
from queries.disclosure import for_reader
from access.scope import DEPARTMENT_ID, EntityRef, LEVELS, SUPPRESSED, Scope, ScorecardQueryError, ancestry
from queries.scorecard import (_check_found, _check_indicators, _check_listing, _check_month, indicator_catalogue,
                               report_months)
from queries.warehouse import Snapshot

DEFAULT_TREND_MONTHS = 24
MAX_HEATMAP_ROWS = 300  # more rows than a screen (or a meeting) can read; narrow with a parent instead
TIERS = (1, 2)


@dataclass(frozen=True)
class Entity:
    """One place in the organisation, with the names a page shows."""
    level: str
    entity_id: str
    name: str
    peer_group: str | None = None
    readable: bool = True       # the reader may see its aggregates (a breadcrumb links only to these)
    drillable: bool = True      # ... and those of every entity one level below it

    @property
    def ref(self) -> EntityRef:
        return EntityRef(self.level, self.entity_id)


@dataclass(frozen=True)
class Heatmap:
    """One month of the scorecard: the parent row, then its descendants at `level`, by the catalogue's columns."""
    month: dt.date
    parent: Entity
    level: str
    path: list[Entity]          # department .. parent, for the breadcrumb
    rows: pd.DataFrame          # level, entity_id, entity_name, drillable: the parent first, then the rows in
                                # `sort` order; drillable: the reader may open the scorecard of its children
    indicators: pd.DataFrame    # the catalogue's columns shown, in case-flow (domain) order
    cells: pd.DataFrame         # level, entity_id, indicator_id, numerator, denominator, value, status,
                                # last_month, last_month_status, last_year, last_year_status
    total_rows: int             # descendants before the MAX_HEATMAP_ROWS cut


@dataclass(frozen=True)
class IndicatorAcross:
    """One indicator in one month: the parent's cell, its descendants at `level` ranked, and office peers."""
    month: dt.date
    indicator: pd.Series
    parent: Entity
    level: str
    path: list[Entity]
    parent_cell: pd.Series | None
    ranked: pd.DataFrame        # entity_id, entity_name, numerator, denominator, value, status; best first
    offices: pd.DataFrame       # every office in scope: entity_id, entity_name, peer_group, under_parent, cell


@dataclass(frozen=True)
class Trend:
    """One indicator for one entity, month by month, with its parent's and its peers' lines."""
    indicator: pd.Series
    entity: Entity
    path: list[Entity]
    peers: str                  # who the peers are, in words
    series: pd.DataFrame        # month, line ('entity', 'parent', 'peers'), value, numerator, denominator, status


@dataclass(frozen=True)
class Story:
    """Every indicator for one entity: this month's cell and the last months' values."""
    month: dt.date
    entity: Entity
    path: list[Entity]
    indicators: pd.DataFrame    # in case-flow order
    cells: pd.DataFrame         # indicator_id, month, numerator, denominator, value, status
    months: int = DEFAULT_TREND_MONTHS  # how many months `cells` covers, up to `month`


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def latest_month(snapshot: Snapshot) -> dt.date:
    """The last complete month of the data version: the default month of every page."""
    months = report_months(snapshot)
    if not months:
        raise ScorecardQueryError(f"the data as of {snapshot.version.as_of} has no complete month to report")
    return months[-1]


def resolve_month(snapshot: Snapshot, month: dt.date | None) -> dt.date:
    """`month`, checked against the data version, or the last complete month."""
    if month is None:
        return latest_month(snapshot)
    _check_month(snapshot, month)
    return month


def child_level(level: str) -> str:
    """The level below `level`."""
    if level == "worker":
        raise ScorecardQueryError("a worker has no level below it: open the worker's page instead")
    return LEVELS[LEVELS.index(level) + 1]


def ordered_catalogue(snapshot: Snapshot, tier: int | None = None) -> pd.DataFrame:
    """The catalogue in case-flow order (Safety, Permanency, Well-Being, Self-Sufficiency), catalogue order within."""
    if tier is not None and tier not in TIERS:
        raise ScorecardQueryError(f"tier {tier!r} is not one of 1, 2 (or both: leave it out)")
    frame = indicator_catalogue(snapshot)
    if tier is not None:
        frame = frame[frame.tier == tier]
    frame = frame.assign(_domain=frame.domain.map({d: i for i, d in enumerate(DOMAINS)}))
    return frame.sort_values(["_domain", "position"], kind="stable").drop(columns="_domain").reset_index(drop=True)


def entity_path(snapshot: Snapshot, scope: Scope, ref: EntityRef) -> list[Entity]:
    """The entity and its ancestors, department first; the entity must exist and be inside `scope`."""
    rows = snapshot.read("""
        -- an entity and its ancestors, in one read
        select e.level, e.entity_id, e.entity_name, e.peer_group,
               t.bureau_id as own_bureau_id, t.office_id as own_office_id, t.unit_id as own_unit_id
        from entities t
        join entities e on e.level = 'department'
                        or (e.level = 'bureau' and e.entity_id = t.bureau_id)
                        or (e.level = 'office' and e.entity_id = t.office_id)
                        or (e.level = 'unit' and e.entity_id = t.unit_id)
                        or (e.level = t.level and e.entity_id = t.entity_id)
        where t.level = :level and t.entity_id = :id""", {"level": ref.level, "id": ref.entity_id})
    own = None if rows.empty else {f"{level}_id": rows[f"own_{level}_id"].iloc[0]
                                   for level in ("bureau", "office", "unit")}
    _check_found(snapshot, scope, ref, own)
    path = []
    for level in LEVELS[:LEVELS.index(ref.level) + 1]:
        r = next(r for r in rows.itertuples(index=False) if r.level == level)
        entity = EntityRef(r.level, r.entity_id)
        ids = path_ids([*path, Entity(r.level, r.entity_id, r.entity_name)])
        path.append(Entity(r.level, r.entity_id, r.entity_name, r.peer_group, scope.reads(entity, ids),
                           level != "worker" and scope.reads_all(entity, ids, child_level(level))))
    return path


def indicator_names(snapshot: Snapshot) -> dict[str, str]:
    """Each indicator's name by its id, as the data version's catalogue gives it."""
    catalogue = indicator_catalogue(snapshot)
    return dict(zip(catalogue.indicator_id, catalogue.name))


def entity_names(snapshot: Snapshot, refs) -> dict[EntityRef, str]:
    """The names the data gives `refs` (records the caller already holds within the reader's scope: a review
    queue, a selection), for a page to show instead of ids; a ref the data no longer holds is left out."""
    wanted = set(refs)
    if not wanted:
        return {}
    params = {f"id{n}": ident for n, ident in enumerate(sorted({r.entity_id for r in wanted}))}
    rows = snapshot.read(f"select level, entity_id, entity_name from entities where entity_id in "
                         f"({', '.join(':' + key for key in params)})", params)
    return {ref: r.entity_name for r in rows.itertuples(index=False)
            if (ref := EntityRef(r.level, r.entity_id)) in wanted}


def path_ids(path: list[Entity]) -> dict:
    """The bureau_id, office_id and unit_id of the last entity of `path` (its `ancestry`)."""
    return {f"{e.level}_id": e.entity_id for e in path if e.level in ("bureau", "office", "unit")}


def _under(alias: str, parent: EntityRef, params: dict) -> str:
    """A condition keeping the entities (of any level below) under `parent`."""
    if parent.level == "department":
        return "true"
    params["parent_id"] = parent.entity_id
    return f"{alias}.{parent.level}_id = :parent_id"  # the level is from LEVELS, never typed in


def _check_level(parent: EntityRef, level: str | None) -> str:
    if level is None:
        return child_level(parent.level)
    if level not in LEVELS:
        raise ScorecardQueryError(f"level {level!r} is not one of {', '.join(LEVELS)}")
    if LEVELS.index(level) <= LEVELS.index(parent.level):
        below = LEVELS[LEVELS.index(parent.level) + 1:]
        raise ScorecardQueryError(f"level {level!r} is not below {parent}: "
                                  + (f"choose {', '.join(below)}" if below else "a worker has nothing below it"))
    return level


@answers("heatmap", depends=lambda: {"max_rows": MAX_HEATMAP_ROWS})
def heatmap(snapshot: Snapshot, scope: Scope, month: dt.date | None, parent: EntityRef | None = None,
            level: str | None = None, tier: int | None = None, sort: str | None = None) -> Heatmap:
    """The scorecard of `parent` (default: the department) and its descendants at `level` (default: its children).

    Rows below the parent are those active or with a cell this month. `sort` is `name` (default), or an
    indicator id for ascending values, `-ID` for descending; rows without a value go last either way.
    """
    parent = parent or EntityRef("department", DEPARTMENT_ID)
    level = _check_level(parent, level)
    month = resolve_month(snapshot, month)
    path = entity_path(snapshot, scope, parent)
    _check_listing(scope, parent, path_ids(path), level)
    indicators = ordered_catalogue(snapshot, tier)
    params: dict = {"level": level, "parent_level": parent.level, "parent_entity": parent.entity_id}
    under = _under("e", parent, params)
    scope_sql, scope_params = scope.entity_filter("e")
    params.update(scope_params)
    rows = snapshot.read(f"""
        -- heat-map rows: the descendants at the level, active or with a cell this month
        select e.level, e.entity_id, e.entity_name, e.bureau_id, e.office_id, e.unit_id
        from entities e
        where e.level = :level and {under} and {scope_sql}
          and (e.active or exists (select 1 from cells c where c.month = :month and c.level = e.level
                                                            and c.entity_id = e.entity_id))""",
                         {**params, "month": month})
    below = None if level == "worker" else child_level(level)
    rows["drillable"] = [below is not None and scope.reads_all(EntityRef(r.level, r.entity_id), ancestry(
        r.level, r.entity_id, r._asdict()), below) for r in rows.itertuples(index=False)]
    rows = rows[["level", "entity_id", "entity_name", "drillable"]]
    cells = _heatmap_cells(snapshot, month, level, under, scope_sql, params, tier)
    for prefix, when in (("last_month_", add_months(month, -1)), ("last_year_", add_months(month, -12)), ("", month)):
        cells = for_reader(snapshot, scope, cells, month=when, prefix=prefix,
                           status=f"{prefix}status" if prefix else "status")
    rows = _sorted_rows(rows, cells, indicators, sort)
    total = len(rows)
    rows = rows.head(MAX_HEATMAP_ROWS)
    parent_row = pd.DataFrame([{"level": parent.level, "entity_id": parent.entity_id, "entity_name": path[-1].name,
                                "drillable": path[-1].drillable}])
    return Heatmap(month, path[-1], level, path, pd.concat([parent_row, rows], ignore_index=True),
                   indicators, cells, total)


def _heatmap_cells(snapshot, month, level, under, scope_sql, params, tier) -> pd.DataFrame:
    tier_sql = "and i.tier = :tier" if tier is not None else ""
    this, last, year = month, add_months(month, -1), add_months(month, -12)
    return snapshot.read(f"""
        -- heat-map cells: this month, with last month's and last year's values for the changes
        select c.level, c.entity_id, c.indicator_id,
               max(case when c.month = :this then c.numerator end) as numerator,
               max(case when c.month = :this then c.denominator end) as denominator,
               max(case when c.month = :this then c.value end) as value,
               max(case when c.month = :this then c.status end) as status,
               max(case when c.month = :last then c.value end) as last_month,
               max(case when c.month = :last then c.status end) as last_month_status,
               max(case when c.month = :last then c.numerator end) as last_month_numerator,
               max(case when c.month = :last then c.denominator end) as last_month_denominator,
               max(case when c.month = :year then c.value end) as last_year,
               max(case when c.month = :year then c.status end) as last_year_status,
               max(case when c.month = :year then c.numerator end) as last_year_numerator,
               max(case when c.month = :year then c.denominator end) as last_year_denominator
        from cells c
        join entities e on e.level = c.level and e.entity_id = c.entity_id
        join indicators i on i.indicator_id = c.indicator_id
        where c.month in (:this, :last, :year) {tier_sql}
          and ((c.level = :level and {under} and {scope_sql})
               or (c.level = :parent_level and c.entity_id = :parent_entity))
        group by c.level, c.entity_id, c.indicator_id""",
                         {**params, "this": this, "last": last, "year": year, "tier": tier})


def _sorted_rows(rows: pd.DataFrame, cells: pd.DataFrame, indicators: pd.DataFrame, sort: str | None):
    by_name = rows.sort_values(["entity_name", "entity_id"], kind="stable")
    if sort in (None, "", "name"):
        return by_name.reset_index(drop=True)
    if sort == "-name":
        return by_name.iloc[::-1].reset_index(drop=True)
    descending = sort.startswith("-")
    indicator_id = sort.lstrip("-")
    if indicator_id not in set(indicators.indicator_id):
        raise ScorecardQueryError(f"cannot sort by {sort!r}: sort by name, -name, or an indicator id shown "
                                  f"(e.g. {indicators.indicator_id.iloc[0] if len(indicators) else 'entries'}), "
                                  "with - in front for descending")
    # The rows' own level: an id is unique only within its level (a unit may share its office's id).
    values = cells[(cells.indicator_id == indicator_id) & cells.level.isin(set(rows.level))].set_index("entity_id").value
    keyed = by_name.assign(_value=by_name.entity_id.map(values))
    keyed = keyed.sort_values("_value", ascending=not descending, na_position="last", kind="stable")
    return keyed.drop(columns="_value").reset_index(drop=True)


@answers("indicator_across")
def indicator_across(snapshot: Snapshot, scope: Scope, indicator_id: str, month: dt.date | None,
                     parent: EntityRef | None = None, level: str | None = None) -> IndicatorAcross:
    """One indicator in one month for `parent` and its descendants at `level`, best first, and every office
    in scope with its peer group (the comparison the peer groups are for)."""
    _check_indicators(snapshot, [indicator_id])
    parent = parent or EntityRef("department", DEPARTMENT_ID)
    level = _check_level(parent, level)
    month = resolve_month(snapshot, month)
    path = entity_path(snapshot, scope, parent)
    _check_listing(scope, parent, path_ids(path), level)
    catalogue = indicator_catalogue(snapshot)
    indicator = catalogue[catalogue.indicator_id == indicator_id].iloc[0]
    params: dict = {"indicator": indicator_id, "month": month, "level": level,
                    "parent_level": parent.level, "parent_entity": parent.entity_id}
    under = _under("e", parent, params)
    scope_sql, scope_params = scope.entity_filter("e")
    params.update(scope_params)
    frame = snapshot.read(f"""
        -- one indicator, one month: the parent, its descendants at the level, and every office in scope
        select e.level, e.entity_id, e.entity_name, e.peer_group,
               case when {under} then 1 else 0 end as under_parent,
               c.numerator, c.denominator, c.value, c.status
        from entities e
        join cells c on c.level = e.level and c.entity_id = e.entity_id
                    and c.month = :month and c.indicator_id = :indicator
        where (e.level = :parent_level and e.entity_id = :parent_entity)
           or (e.level = :level and {under} and {scope_sql})
           or (e.level = 'office' and {scope_sql})""", params)
    frame = for_reader(snapshot, scope, frame, indicator_id=indicator_id, month=month)
    is_parent = (frame.level == parent.level) & (frame.entity_id == parent.entity_id)
    parent_cell = frame[is_parent].iloc[0] if is_parent.any() else None
    ranked = frame[(frame.level == level) & (frame.under_parent == 1)]
    ranked = _best_first(ranked, indicator.direction)
    # An office is highlighted when it is under the parent, or is the office the parent (a unit) is in.
    in_path = {e.entity_id for e in path if e.level == "office"}
    offices = frame[frame.level == "office"]
    offices = offices.assign(under_parent=(offices.under_parent == 1) | offices.entity_id.isin(in_path))
    offices = offices.sort_values(["peer_group", "entity_name", "entity_id"], na_position="last", kind="stable")
    return IndicatorAcross(month, indicator, path[-1], level, path, parent_cell,
                           ranked.reset_index(drop=True), offices.reset_index(drop=True))


def _best_first(frame: pd.DataFrame, direction: str | None) -> pd.DataFrame:
    """Best value first for the indicator's direction (largest first for a count); no value last."""
    ascending = direction == "lower"
    return frame.sort_values(["value", "entity_name", "entity_id"], ascending=[ascending, True, True],
                             na_position="last", kind="stable")


@answers("trend")
def trend(snapshot: Snapshot, scope: Scope, indicator_id: str, entity: EntityRef, until: dt.date | None = None,
          months: int | None = DEFAULT_TREND_MONTHS) -> Trend:
    """The indicator for `entity` in the `months` months up to `until` (None: the whole history), with the
    parent's line and the peers' median line.

    Peers are the other entities of the same level under the same parent; for an office with a peer group,
    the other offices of that peer group. The peers' line is the median of their values each month, leaving
    out insufficient cells (a count's cells are never insufficient) and cells hidden from the reader. The
    parent's line and the peers' line are left out when the reader may not see them.
    """
    _check_indicators(snapshot, [indicator_id])
    if months is not None and months < 1:
        raise ScorecardQueryError(f"months must be 1 or more (or all), not {months}")
    until = resolve_month(snapshot, until)
    path = entity_path(snapshot, scope, entity)
    this = path[-1]
    catalogue = indicator_catalogue(snapshot)
    indicator = catalogue[catalogue.indicator_id == indicator_id].iloc[0]
    first = report_months(snapshot)[0] if months is None else max(report_months(snapshot)[0],
                                                                   add_months(until, 1 - months))
    params: dict = {"indicator": indicator_id, "first": first, "until": until,
                    "level": this.level, "entity": this.entity_id}
    scope_sql, scope_params = scope.entity_filter("e")
    params.update(scope_params)
    parent = path[-2] if len(path) > 1 else None
    if this.level == "department":
        peers_sql, peers = "false", "none: the department has no peers"
    elif this.level == "office" and this.peer_group:
        peers_sql, peers = "e.peer_group = :peer_group", f"the other {this.peer_group} offices"
        params["peer_group"] = this.peer_group
        peers_under = path[0]
    else:
        peers_sql = f"e.{parent.level}_id = :peer_parent" if parent.level != "department" else "true"
        params["peer_parent"] = parent.entity_id
        peers = f"the other {this.level}s of {parent.name}" if parent.level != "department" else f"the other {this.level}s"
        peers_under = parent
    if this.level != "department" and not scope.reads_all(
            peers_under.ref, path_ids(path[:path.index(peers_under) + 1]), this.level):
        peers_sql, peers = "false", f"not shown: {peers} are outside what you may see"
    params.update({"parent_level": parent.level if parent else this.level,
                   "parent_entity": parent.entity_id if parent else this.entity_id})
    # The parent's line only when the reader may see the parent (a manager without peers may not).
    parent_sql = ("(e.level = :parent_level and e.entity_id = :parent_entity)"
                  if parent is not None and parent.readable else "false")
    frame = snapshot.read(f"""
        -- one indicator over time: the entity, its parent and its peers
        select c.month, case when e.level = :level and e.entity_id = :entity then 'entity'
                             when e.level = :level then 'peer' else 'parent' end as line,
               c.level, c.entity_id, c.numerator, c.denominator, c.value, c.status
        from cells c
        join entities e on e.level = c.level and e.entity_id = c.entity_id
        where c.indicator_id = :indicator and c.month between :first and :until
          and c.level in (:level, :parent_level)
          and ((e.level = :level and e.entity_id = :entity)
               or {parent_sql}
               or (e.level = :level and e.entity_id <> :entity and {peers_sql} and {scope_sql}))""", params)
    frame = for_reader(snapshot, scope, frame, indicator_id=indicator_id)
    frame["month"] = pd.to_datetime(frame.month)
    peers_frame = frame[(frame.line == "peer") & ~frame.status.isin(["insufficient", SUPPRESSED])]
    peer_line = (peers_frame.groupby("month", as_index=False).value.median()
                 .assign(line="peers", numerator=pd.NA, denominator=pd.NA, status=pd.NA))
    series = pd.concat([frame[frame.line != "peer"], peer_line], ignore_index=True)
    series = series.sort_values(["line", "month"], kind="stable").reset_index(drop=True)
    return Trend(indicator, this, path, peers, series[["month", "line", "value", "numerator", "denominator", "status"]])


@answers("story")
def story(snapshot: Snapshot, scope: Scope, entity: EntityRef, month: dt.date | None = None,
          months: int = DEFAULT_TREND_MONTHS) -> Story:
    """Every indicator for one entity: the cells of the `months` months up to `month`."""
    month = resolve_month(snapshot, month)
    path = entity_path(snapshot, scope, entity)
    cells = snapshot.read("""
        -- one entity's performance story: every indicator, the last months
        select indicator_id, month, numerator, denominator, value, status
        from cells
        where level = :level and entity_id = :entity and month between :first and :month
        order by indicator_id, month""",
                          {"level": entity.level, "entity": entity.entity_id, "month": month,
                           "first": add_months(month, 1 - months)})
    cells = for_reader(snapshot, scope, cells, level=entity.level, entity_id=entity.entity_id)
    cells["month"] = pd.to_datetime(cells.month)
    return Story(month, path[-1], path, ordered_catalogue(snapshot), cells, months)
