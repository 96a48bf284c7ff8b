"""The numbers a Stat meeting shows, from its pinned data version: the scorecard of its entity, and for each
agenda item the trend and the variation among the entity's children; the suggestions for its agenda; and the
record a closed meeting keeps of them.

A meeting's numbers are read within its own entity's subtree (aggregates only), whoever opens it, so every
attendee and the data book see the same thing: an office's trend has its bureau's line only at the bureau's
meetings. Who may open the meeting at all is store/meetings.py's rule (executives, managers of the
subtree, analysts), none of whom has small cells hidden.

Suggestions, from the meeting month's scorecard (the entity and its children):

- **red**: cells red this month that were green or yellow last month (turned red; a cell with no value or too
  few to rate last month did not turn, it is red for the first time it can be);
- **worse-month** / **worse-year**: the largest changes in the worse direction since last month / since a
  year ago. Changes are compared across indicators in units of the indicator's yellow band (the distance
  between its green and yellow thresholds), so 3 points on a band 5 points wide rank beside 12 days on a
  band 20 days wide. Only rated cells (green, yellow or red in both months) count; counts have no direction;
- **spread**: the indicators whose children's rated values spread widest, in the same band units, with the
  red children a green or yellow average hides named; only where at least `SPREAD_MIN_CHILDREN` children are
  rated and the best and worst are at least a yellow band apart (closer, they differ by less than one step of
  the standard: nothing to discuss);
- **due**: the cells of carried-over actions due by the meeting's date.

A provider's performance review (store/review_numbers.py) reads its provider's cells instead, against its contract,
and suggests the contract's metrics below the floor (**floor**, the remedy), below the target (**target**) and
reported figures due and missing (**unreported**), then the **due** actions.

Each cell is suggested once, for the first reason it has (red, then due, then the rest in the order above),
never when it is already on the agenda. A reason is a manager's sentence: the values with their units, the
statuses, and the standard ("turned red: yellow (84.0%) last month, red (71.0%) now; the standard is ≥ 90%").
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from io import StringIO

import numpy as np
import pandas as pd

from display.format import format_value, standard_short
from store import review_numbers
from store.meetings import AgendaItem, Meeting, MeetingError
from store.review_numbers import ContractLine, ProviderReview, Terms, computed_line, review_scope
from queries.performance import (DEFAULT_TREND_MONTHS, Entity, Heatmap, IndicatorAcross, Trend, child_level,
                                 entity_path, heatmap, indicator_across, path_ids, resolve_month, trend)
from queries.providers import provider_trend, providers
from access.scope import PROVIDER, EntityRef, OutsideScope, Scope, ScorecardQueryError
from queries.scorecard import SCORECARD_COLUMNS, _check_indicators, indicator_catalogue, provider_scorecard
from queries.warehouse import Snapshot, Warehouse

RECORD_FORMAT = 1
SUGGESTED_PER_KIND = 5
SPREAD_MIN_CHILDREN = 3  # two children's spread is just their difference: the worse-since suggestions say more
RATED = ("green", "yellow", "red")


@dataclass(frozen=True)
class ItemNumbers:
    """One indicator item's numbers: its cell this month, its trend, and the variation among its children."""
    item_id: int
    indicator: pd.Series
    entity: Entity
    cell: dict                       # value, status, last_month(_status), last_year(_status), numerator, denominator
    trend: Trend
    variation: IndicatorAcross | None  # None for a worker (nothing below it)


@dataclass(frozen=True)
class MeetingNumbers:
    version_id: int
    as_of: dt.date
    month: dt.date
    scorecard: Heatmap
    items: dict                      # agenda item id -> ItemNumbers
    review: ProviderReview | None = None  # a provider's performance review: its contract and lines


@dataclass(frozen=True)
class Suggestion:
    kind: str                        # red, worse-month, worse-year, spread, due
    indicator_id: str
    indicator_name: str
    entity: EntityRef
    entity_name: str
    reason: str
    score: float                     # larger: more worth discussing (within a kind)
    published_source: str | None = None  # a provider's reported figure: the source it goes on the agenda from


@dataclass(frozen=True)
class Numbers:
    """What a meeting shows and where it came from."""
    numbers: MeetingNumbers | None
    source: str                      # pinned (read from its version), record (closed: frozen), gone
    newer: tuple[int, dt.date] | None  # the current version (id, as_of) when it is newer than the meeting's


def numbers_scope(entity: EntityRef) -> Scope:
    """The meeting's entity's subtree, aggregates only: what every meeting of it reads."""
    return Scope(entity.level, entity.entity_id, case_level=False)


def prepare(snapshot: Snapshot, scope: Scope, entity: EntityRef, month: dt.date | None, engine=None
            ) -> tuple[str, dict, dt.date]:
    """Check a new meeting's entity (inside `scope`) and month against the data version: (name, ancestry, month).
    A provider's review also needs its contract in force that month, in the app store `engine`."""
    if entity.level == PROVIDER:
        name = _provider_name(snapshot, scope, entity.entity_id)
        month = resolve_month(snapshot, month)
        if engine is not None and review_numbers.terms(engine, entity.entity_id, month).contract is None:
            raise MeetingError(review_numbers.no_contract(name, month))
        return name, {}, month
    path = entity_path(snapshot, scope, entity)
    return path[-1].name, path_ids(path), resolve_month(snapshot, month)


def parse_meeting_entity(text) -> EntityRef:
    """What a meeting is for, as typed or chosen: `LEVEL:ID` of the organisation (queries/scorecard.py
    `parse_entity`), or `provider:ID` (a provider's performance review)."""
    from access.params import param_text
    from queries.scorecard import parse_entity
    written = param_text("what the meeting is for", text, ScorecardQueryError) or ""
    level, _, entity_id = written.partition(":")
    if level == PROVIDER:
        if not entity_id.strip() or len(entity_id) > 200:
            raise ScorecardQueryError("a provider's review needs its id: write provider:ID, e.g. provider:FFA07")
        return EntityRef(PROVIDER, entity_id.strip())
    return parse_entity(written)


def _provider_name(snapshot: Snapshot, scope: Scope, provider_id: str) -> str:
    """The provider's name in the data version, once the scope may read it (checked first: a reader who may not
    learns nothing, not even whether it exists)."""
    if not scope.reads_provider(provider_id):
        raise OutsideScope(f"provider {provider_id[:40]} is outside what you may see ({scope.describe()})")
    names = dict(zip(providers(snapshot).provider_id, providers(snapshot).provider_name))
    if provider_id not in names:
        raise ScorecardQueryError(f"data version {snapshot.version.version_id} has no provider {provider_id[:40]!r}: "
                                  "the providers page lists those it has")
    return names[provider_id]


def check_cell(snapshot: Snapshot, meeting: Meeting, indicator_id: str, entity: EntityRef,
               terms: Terms | None = None) -> str:
    """An agenda item's or action's cell must be an indicator of the catalogue for the meeting's entity or one
    under it (a provider review's: a metric of its contract, `terms`, for the provider itself); its entity's
    name."""
    if meeting.is_review:
        return check_review_cell(snapshot, meeting, terms, indicator_id, entity)[0]
    _check_indicators(snapshot, [indicator_id])
    try:
        path = entity_path(snapshot, numbers_scope(meeting.entity), entity)
    except OutsideScope:
        raise MeetingError(f"{entity.words} is not part of {meeting.entity_name}: a meeting discusses its own entity "
                           "and those under it") from None
    return path[-1].name


def check_review_cell(snapshot: Snapshot, meeting: Meeting, terms: Terms | None, indicator_id, entity: EntityRef
                      ) -> tuple[str, ContractLine | None]:
    """A provider review discusses its own provider's contract metrics: (the provider's name, the metric's line as
    the review reads it; None before numbers), or `MeetingError` saying what it may discuss."""
    if entity != meeting.entity:
        raise MeetingError(f"a performance review discusses its own provider, {meeting.entity_name}, and no other "
                           "place: choose one of its contract's metrics")
    if terms is None or terms.contract is None:
        raise MeetingError(review_numbers.no_contract(meeting.entity_name, meeting.month))
    metric_ids = [m.indicator_id for m in terms.contract.metrics]
    if indicator_id not in metric_ids:
        raise MeetingError(f"{str(indicator_id)[:60]!r} is not a metric of contract {terms.contract.id}: a review "
                           f"discusses its contract's metrics ({', '.join(metric_ids)})")
    catalogue = set(indicator_catalogue(snapshot).indicator_id)
    line = terms.reported.get(indicator_id)
    if indicator_id not in catalogue and line is None:
        raise MeetingError(f"{indicator_id} is reported by providers, and no published source holds its figures yet: "
                           "import the providers' reported figures first")
    return meeting.entity_name, (None if indicator_id in catalogue else line)


def compute(snapshot: Snapshot, meeting: Meeting, items: list[AgendaItem], terms: Terms | None = None
            ) -> MeetingNumbers:
    """The meeting's numbers from `snapshot` (its pinned version); a provider review's with its `terms`."""
    if meeting.is_review:
        return _compute_review(snapshot, meeting, items, terms)
    scope = numbers_scope(meeting.entity)
    month = resolve_month(snapshot, meeting.month)
    card = heatmap(snapshot, scope, month, meeting.entity)
    found = {}
    for item in items:
        if item.kind != "indicator":
            continue
        series = trend(snapshot, scope, item.indicator_id, item.entity, month, DEFAULT_TREND_MONTHS)
        variation = None
        if item.entity.level != "worker":
            variation = indicator_across(snapshot, scope, item.indicator_id, month, item.entity,
                                         child_level(item.entity.level))
        found[item.id] = ItemNumbers(item.id, series.indicator, series.entity, _cell(series, month), series,
                                     variation)
    version = snapshot.version
    return MeetingNumbers(version.version_id, version.as_of, month, card, found)


def _compute_review(snapshot: Snapshot, meeting: Meeting, items: list[AgendaItem], terms: Terms | None
                    ) -> MeetingNumbers:
    """A provider review's numbers: its contract's lines, the provider's row of the month as its scorecard, and
    each item's trend beside its program's aggregate (read with `review_scope`)."""
    provider_id = meeting.entity.entity_id
    terms = terms or Terms(None, (), {})
    month = resolve_month(snapshot, meeting.month)
    catalogue = indicator_catalogue(snapshot).set_index("indicator_id", drop=False)
    contract = terms.contract
    metrics = list(contract.metrics) if contract is not None else []
    computed = [m.indicator_id for m in metrics if m.indicator_id in catalogue.index]
    # the provider's own cells of the month (the whole department's read, the one provider's rows kept)
    frame = provider_scorecard(snapshot, Scope(case_level=False), month, indicator_ids=computed) if computed else \
        pd.DataFrame(columns=SCORECARD_COLUMNS)
    frame = frame[frame.entity_id == provider_id]
    cells = {c.indicator_id: c for c in frame.itertuples(index=False)}
    lines = []
    for m in metrics:
        if m.indicator_id in catalogue.index:
            lines.append(computed_line(catalogue.loc[m.indicator_id], m, cells.get(m.indicator_id), month))
        elif m.indicator_id in terms.reported:
            lines.append(terms.reported[m.indicator_id])
    review = ProviderReview(provider_id, meeting.entity_name, contract.id if contract else "",
                            contract.program if contract else "", contract.start if contract else None,
                            contract.end if contract else None, contract.cadence if contract else "", lines,
                            list(terms.program_providers), contract.manager if contract else None)
    entity = Entity(PROVIDER, provider_id, meeting.entity_name, readable=True, drillable=False)
    rows = pd.DataFrame([{"level": PROVIDER, "entity_id": provider_id, "entity_name": meeting.entity_name,
                          "drillable": False}])
    shown = catalogue.loc[computed].reset_index(drop=True) if computed else catalogue.iloc[0:0].reset_index(drop=True)
    month_cells = frame.reindex(columns=["level", "entity_id", "indicator_id", "numerator", "denominator", "value",
                                         "status"]).reset_index(drop=True)
    for column in ("last_month", "last_month_status", "last_year", "last_year_status"):
        month_cells[column] = None
    card = Heatmap(month, entity, PROVIDER, [entity], rows, shown, month_cells, 1)
    scope = review_scope(provider_id)
    found = {}
    for item in items:
        if item.kind != "indicator" or item.indicator_id not in catalogue.index:
            continue
        series = provider_trend(snapshot, scope, item.indicator_id, provider_id, month, DEFAULT_TREND_MONTHS,
                                review.program or None, review.program_providers)
        found[item.id] = ItemNumbers(item.id, series.indicator, series.entity, _cell(series, month), series, None)
    version = snapshot.version
    return MeetingNumbers(version.version_id, version.as_of, month, card, found, review)


def prepare_move(snapshot: Snapshot, scope: Scope, meeting: Meeting, items: list[AgendaItem],
                 terms: Terms | None = None) -> tuple[str, dict]:
    """Check that an open meeting can move to `snapshot`'s (newer) version: its entity is still inside the
    reader's own scope there (an office may have moved to another bureau), and its month and every agenda item
    read there. The entity's name and ancestry in that version."""
    if meeting.is_review:
        name = _provider_name(snapshot, scope, meeting.entity.entity_id)
        compute(snapshot, meeting, items, terms)
        return name, {}
    path = entity_path(snapshot, scope, meeting.entity)
    ids = path_ids(path)
    if not scope.owns(meeting.entity, ids):
        raise OutsideScope(f"in data version {snapshot.version.version_id}, {meeting.entity_name} is outside what "
                           f"you may see ({scope.describe()}): the meeting stays on version {meeting.version_id}")
    try:
        compute(snapshot, meeting, items)
    except OutsideScope:
        raise MeetingError(f"an agenda item is no longer part of {meeting.entity_name} in data version "
                           f"{snapshot.version.version_id}: remove it from the agenda, then move") from None
    return path[-1].name, ids


def _cell(series: Trend, month: dt.date) -> dict:
    own = series.series[series.series.line == "entity"].set_index("month")

    def at(when):
        key = pd.Timestamp(when)
        if key not in own.index:
            return None, None
        row = own.loc[key]
        return (None if pd.isna(row.value) else float(row.value)), row.status

    this, last, year = at(month), at(_add_months(month, -1)), at(_add_months(month, -12))
    row = own.loc[pd.Timestamp(month)] if pd.Timestamp(month) in own.index else None
    return {"value": this[0], "status": this[1] or "none", "last_month": last[0], "last_month_status": last[1],
            "last_year": year[0], "last_year_status": year[1],
            "numerator": None if row is None or pd.isna(row.numerator) else float(row.numerator),
            "denominator": None if row is None or pd.isna(row.denominator) else float(row.denominator)}


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def numbers_for(warehouse: Warehouse, meeting: Meeting, items: list[AgendaItem], record: str | None,
                terms: Terms | None = None) -> Numbers:
    """A meeting's numbers: frozen in its record once closed; read from its pinned version while open (a provider
    review's with its `terms`, store/review_numbers.py)."""
    current = warehouse.snapshot()
    newer = None
    if current is not None and current.version.version_id > meeting.version_id:
        newer = (current.version.version_id, current.version.as_of)
    if record is not None:
        return Numbers(thaw(record), "record", newer)
    snapshot = warehouse.snapshot_of(meeting.version_id)
    # A warehouse built again from nothing numbers its versions from 1 again: a version of the meeting's number
    # but another day is not the data it was prepared on.
    if snapshot is None or snapshot.version.as_of != meeting.as_of:
        return Numbers(None, "gone", newer)
    return Numbers(compute(snapshot, meeting, items, terms), "pinned", newer)


# -- suggestions ----------------------------------------------------------------------------------------

def _band(indicator) -> float | None:
    try:
        green, yellow = float(Decimal(str(indicator.green))), float(Decimal(str(indicator.yellow)))
    except (ArithmeticError, ValueError, TypeError):
        return None
    width = abs(green - yellow)
    return width if width > 0 else (abs(green) or None)


def suggestions(numbers: MeetingNumbers, items: list[AgendaItem], carried=(), held_on: dt.date | None = None) \
        -> list[Suggestion]:
    """What the meeting might discuss that is not on its agenda yet, by kind (see the module docstring)."""
    if numbers.review is not None:
        return _review_suggestions(numbers.review, items, carried, held_on)
    card = numbers.scorecard
    indicators = card.indicators.set_index("indicator_id")
    names = {(r.level, r.entity_id): r.entity_name for r in card.rows.itertuples(index=False)}
    cells = card.cells[card.cells.apply(lambda c: (c.level, c.entity_id) in names, axis=1)] \
        if not card.cells.empty else card.cells
    taken = {(i.indicator_id, i.entity.level, i.entity.entity_id) for i in items if i.kind == "indicator"}
    found: list[Suggestion] = []

    def add(kind, indicator_id, level, entity_id, name, reason, score):
        key = (indicator_id, level, entity_id)
        if key in taken:
            return
        taken.add(key)
        found.append(Suggestion(kind, indicator_id, indicators.loc[indicator_id, "name"], EntityRef(level, entity_id),
                                name, reason, float(score)))

    def ranked(frame, kind, limit=SUGGESTED_PER_KIND):
        for r in frame.sort_values(["score", "level", "entity_id", "indicator_id"],
                                   ascending=[False, True, True, True], kind="stable").itertuples(index=False):
            if sum(1 for s in found if s.kind == kind) >= limit:
                break
            add(kind, r.indicator_id, r.level, r.entity_id, names[(r.level, r.entity_id)], r.reason, r.score)

    def known(frame):
        return frame[frame.indicator_id.isin(indicators.index)]

    # red: red now, not red last month (rank: the parent first, then by how far past the yellow threshold)
    if not cells.empty:
        red = known(cells[(cells.status == "red") & cells.last_month_status.isin(("green", "yellow"))
                          & cells.last_month.notna()]).copy()
        red["score"] = [_past_yellow(indicators.loc[r.indicator_id], r.value) + (100 if r.level == card.parent.level else 0)
                        for r in red.itertuples(index=False)]
        red["reason"] = [f"turned red: {r.last_month_status} ({_value(indicators.loc[r.indicator_id], r.last_month)}) "
                         f"last month, red ({_value(indicators.loc[r.indicator_id], r.value)}) now; "
                         f"{_standard(indicators.loc[r.indicator_id])}" for r in red.itertuples(index=False)]
        ranked(red, "red", limit=len(red))
    # due: carried-over actions due by the meeting's date
    for action in carried:
        if action.status == "open" and held_on is not None and action.due <= held_on \
                and action.indicator_id in indicators.index:
            add("due", action.indicator_id, action.entity.level, action.entity.entity_id, action.entity_name,
                f"action due {action.due:%d %b %Y}: {action.what[:80]}", 0)
    for column, kind, words in (("last_month", "worse-month", "since last month"),
                                ("last_year", "worse-year", "than a year ago")):
        if cells.empty:
            break
        rated = known(cells[cells.status.isin(RATED) & cells[f"{column}_status"].isin(RATED)]).copy()
        scores, reasons = [], []
        for r in rated.itertuples(index=False):
            indicator = indicators.loc[r.indicator_id]
            band = _band(indicator)
            sign = 1 if indicator.direction == "lower" else -1 if indicator.direction == "higher" else 0
            worse = sign * (r.value - getattr(r, column)) / band if band and sign else float("nan")
            scores.append(worse)
            then = getattr(r, column)
            reasons.append(f"worse {words}: {_value(indicator, then)} ({getattr(r, f'{column}_status')}) then, "
                           f"{_value(indicator, r.value)} ({r.status}) now; {_standard(indicator)}"
                           if worse == worse else "")
        rated["score"], rated["reason"] = scores, reasons
        ranked(rated[rated.score > 0], kind)
    # spread among the children, per indicator
    children = cells[cells.level == card.level] if not cells.empty else cells
    parent_cells = cells[cells.level == card.parent.level].set_index("indicator_id") if not cells.empty else None
    rows = []
    for indicator_id, group in (known(children).groupby("indicator_id") if not children.empty else ()):
        rated = group[group.status.isin(RATED)]
        indicator = indicators.loc[indicator_id]
        band = _band(indicator)
        if len(rated) < SPREAD_MIN_CHILDREN or not band or rated.value.max() - rated.value.min() < band:
            continue
        best = rated.value.max() if indicators.loc[indicator_id, "direction"] == "higher" else rated.value.min()
        worst = rated.value.min() if indicators.loc[indicator_id, "direction"] == "higher" else rated.value.max()
        worst_row = rated[rated.value == worst].sort_values("entity_id").iloc[0]
        best_row = rated[rated.value == best].sort_values("entity_id").iloc[0]
        reds = int((rated.status == "red").sum())
        parent_status = parent_cells.status.get(indicator_id) if parent_cells is not None else None
        hides = (f"; a {parent_status} average hiding {reds} red {card.level}{'s' if reds != 1 else ''}"
                 if reds and parent_status in ("green", "yellow") else "")
        rows.append({"indicator_id": indicator_id, "level": card.parent.level, "entity_id": card.parent.entity_id,
                     "score": (rated.value.max() - rated.value.min()) / band,
                     "reason": f"its {card.level}s far apart: from {_value(indicator, best)} "
                               f"({names.get((best_row.level, best_row.entity_id), best_row.entity_id)} best) to "
                               f"{_value(indicator, worst)} "
                               f"({names.get((worst_row.level, worst_row.entity_id), worst_row.entity_id)} worst)"
                               f"{hides}; {_standard(indicator)}"})
    if rows:
        ranked(pd.DataFrame(rows), "spread")
    return found


def _review_suggestions(review: ProviderReview, items: list[AgendaItem], carried, held_on) -> list[Suggestion]:
    """A provider review's: the contract's metrics below the floor (the remedy, first), below the target, and
    reported figures due and missing, in the contract's order within each; then carried-over actions due. A
    reported metric goes on the agenda as its published figure (`published_source`)."""
    taken = {(i.indicator_id, i.entity.level, i.entity.entity_id) for i in items
             if i.kind in ("indicator", "published") and i.entity is not None}
    entity = EntityRef(PROVIDER, review.provider_id)
    found: list[Suggestion] = []
    for kind, wanted in (("floor", lambda line: line.status == "red"),
                         ("target", lambda line: line.status == "yellow"),
                         ("unreported", lambda line: line.status == "not reported" and line.due)):
        for n, line in enumerate(review.lines):
            key = (line.indicator_id, PROVIDER, review.provider_id)
            if wanted(line) and key not in taken:
                taken.add(key)
                found.append(Suggestion(kind, line.indicator_id, line.name, entity, review.provider_name,
                                        review_numbers.reason(line), float(len(review.lines) - n),
                                        line.source if line.imported else None))
    lines = {line.indicator_id: line for line in review.lines}
    for action in carried:
        key = (action.indicator_id, action.entity.level, action.entity.entity_id)
        line = lines.get(action.indicator_id)
        if action.status == "open" and held_on is not None and action.due <= held_on and line is not None \
                and action.entity == entity and key not in taken:
            taken.add(key)
            found.append(Suggestion("due", action.indicator_id, line.name, entity, review.provider_name,
                                    f"action due {action.due:%d %b %Y}: {action.what[:80]}", 0,
                                    line.source if line.imported else None))
    return found


def _past_yellow(indicator, value) -> float:
    band = _band(indicator)
    try:
        yellow = float(Decimal(str(indicator.yellow)))
    except (ArithmeticError, ValueError, TypeError):
        return 0.0
    if not band or value is None or pd.isna(value):
        return 0.0
    return (yellow - value) / band if indicator.direction == "higher" else (value - yellow) / band


def _value(indicator, value) -> str:
    """A value as the scorecard says it, with its unit: '84.0%', '14.94 per 100,000 days', '312 days'."""
    text = format_value(indicator.kind, None if value is None or pd.isna(value) else float(value), with_unit=True)
    return f"{text} per {int(indicator.scale):,} days" if indicator.kind == "rate" and text != "—" else text


def _standard(indicator) -> str:
    return f"the standard is {standard_short(indicator).replace(chr(0x202f), ' ')}"


# -- the record a closed meeting keeps ------------------------------------------------------------------

_TYPES = {cls.__name__: cls for cls in (MeetingNumbers, ItemNumbers, Heatmap, IndicatorAcross, Trend, Entity,
                                        ProviderReview, ContractLine)}


def _encode(value):
    if isinstance(value, pd.DataFrame):
        frame = value.reset_index(drop=True)
        # to_json keeps 10 significant digits of a float: the record must hold the very numbers shown
        floats = {str(c): [None if v != v else float(v) for v in frame[c]] for c in frame.columns
                  if pd.api.types.is_float_dtype(frame[c].dtype)}
        return {"__frame__": frame.to_json(orient="table", date_format="iso", index=False), "__floats__": floats}
    if isinstance(value, pd.Series):
        return {"__series__": {str(k): _encode(v) for k, v in value.items()}}
    if is_dataclass(value) and type(value).__name__ in _TYPES:
        return {"__type__": type(value).__name__, **{f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, np.generic):
        return _encode(value.item())
    if isinstance(value, Decimal):
        return str(value)
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__frame__" in value:
        frame = pd.read_json(StringIO(value["__frame__"]), orient="table")
        for column, exact in value.get("__floats__", {}).items():
            if column in frame.columns:
                frame[column] = pd.array([np.nan if v is None else v for v in exact], dtype=frame[column].dtype) \
                    if pd.api.types.is_float_dtype(frame[column].dtype) else exact
        for column in frame.columns:  # dates the table schema could not type come back as text
            if column == "month" and frame[column].dtype == object:
                frame[column] = pd.to_datetime(frame[column])
        return frame
    if "__series__" in value:
        return pd.Series({k: _decode(v) for k, v in value["__series__"].items()}, dtype=object)
    if "__type__" in value:
        cls = _TYPES[value["__type__"]]
        return cls(**{f.name: _decode(value[f.name]) for f in fields(cls) if f.name in value})
    if "__dict__" in value:
        return {_decode(k): _decode(v) for k, v in value["__dict__"]}
    if "__datetime__" in value:
        return dt.datetime.fromisoformat(value["__datetime__"])
    if "__date__" in value:
        return dt.date.fromisoformat(value["__date__"])
    return {k: _decode(v) for k, v in value.items()}


def freeze(numbers: MeetingNumbers) -> str:
    """The numbers as JSON, for a closed meeting's record (`thaw` reads them back)."""
    return json.dumps({"format": RECORD_FORMAT, "numbers": _encode(numbers)}, allow_nan=False)


def thaw(text: str) -> MeetingNumbers:
    data = json.loads(text)
    if data.get("format") != RECORD_FORMAT:
        raise MeetingError(f"this meeting's record is in format {data.get('format')!r}, which this version of "
                           "Statboard does not read")
    numbers = _decode(data["numbers"])
    # JSON object keys are text; agenda item ids are numbers
    return MeetingNumbers(**{**{f.name: getattr(numbers, f.name) for f in fields(numbers)},
                             "items": {int(k): v for k, v in numbers.items.items()}})
