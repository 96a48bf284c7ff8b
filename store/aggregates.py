"""Published or reported figures in the app store: each import of a named source is a version (as of, loaded when,
from where, how many rows), and the pages and exports read a source's newest version (or one asked for).

The figures are read and checked by loader/aggregates.py; a file with any problem writes nothing, and an import is
one transaction. A value is never stored: it is recomputed from numerator and denominator with the indicator's
scale each time it is read (`value_of`), and a missing count, or a value the publisher withheld, stays missing.
Importing never touches the case-level warehouse or its versions.

Who reads: every role that reads aggregates (not the admin, who reads none). A viewer gets values rounded to the
precision shown and no numerators or denominators, as in every other export. Importing is the command line's.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from access.roles import Reader
from access.scope import OutsideScope, ScorecardQueryError
from loader.aggregates import Aggregates, read_aggregates, recomputed
from measures.catalogue import Catalogue
from measures.imported import ImportedIndicator
from store import db
from store.db import aggregate_rows, aggregate_versions, utcnow

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
IMPORTED = "aggregates-imported"
EXPORT_COLUMNS = ["source", "entity_type", "entity_id", "entity_name", "indicator_id", "period", "period_label",
                  "period_start", "period_end", "breakdown_dimension", "breakdown_value", "numerator", "denominator",
                  "value", "status"]


class AggregateError(ScorecardQueryError):
    """A source, version, indicator or period that is not there, or a name that cannot be one; says what to do."""


@dataclass(frozen=True)
class SourceVersion:
    id: int
    source: str
    format: str
    as_of: dt.date
    loaded_at: dt.datetime
    loaded_by: str
    origin: str
    row_count: int


@dataclass(frozen=True)
class Source:
    """One version of a source, ready to read: its rows (a DataFrame with `value` and `status`), its indicators
    and its periods in order of their end."""
    version: SourceVersion
    indicators: dict[str, ImportedIndicator]
    rows: pd.DataFrame
    periods: list[tuple[str, str]]          # (code, label), oldest first

    @property
    def name(self) -> str:
        return self.version.source


def source_name(text: str) -> str:
    """A source's name: lower-case letters, digits, - and _ (a file's stem, lower-cased, by default)."""
    name = (text or "").strip().lower()
    if not SOURCE_NAME.match(name):
        raise AggregateError(f"the source name {text[:60]!r} is not one: use lower-case letters, digits, - and _, "
                             "up to 100, e.g. cfsr-national")
    return name


def _indicator_json(indicator: ImportedIndicator) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(indicator).items()}


def _indicator(data: dict) -> ImportedIndicator:
    return ImportedIndicator(**{**data, "green": None if data["green"] is None else Decimal(data["green"]),
                                "yellow": None if data["yellow"] is None else Decimal(data["yellow"])})


def import_aggregates(engine: Engine, path: Path, fmt: str, catalogue: Catalogue, actor: str, source: str | None = None,
                      via: str = "cli") -> SourceVersion:
    """Check `path` and keep it as the next version of `source` (default: the file's stem), in one transaction;
    `loader.problems.LoadRefused` with every problem, and nothing written, when it cannot be."""
    name = source_name(source if source is not None else Path(path).stem)
    found: Aggregates = read_aggregates(Path(path), fmt, catalogue)
    now = utcnow()
    with engine.begin() as conn:
        version_id = conn.execute(aggregate_versions.insert().values(
            source=name, format=found.format, as_of=found.as_of, loaded_at=now, loaded_by=actor[:200],
            origin=str(path)[:1000], row_count=len(found.rows),
            indicators=json.dumps({k: _indicator_json(v) for k, v in found.indicators.items()}))
        ).inserted_primary_key[0]
        conn.execute(aggregate_rows.insert(), [{
            "version_id": version_id, "entity_type": r.entity_type, "entity_id": r.entity_id,
            "entity_name": r.entity_name[:300], "indicator_id": r.indicator_id, "period": r.period,
            "period_label": r.period_label, "period_start": r.period_start, "period_end": r.period_end,
            "breakdown_dimension": r.breakdown_dimension, "breakdown_value": r.breakdown_value,
            "numerator": None if r.numerator is None else str(r.numerator),
            "denominator": None if r.denominator is None else str(r.denominator), "withheld": r.withheld}
            for r in found.rows])
        db.record_in(conn, actor, IMPORTED, {"source": name, "version": version_id, "format": found.format,
                                             "rows": len(found.rows), "origin": str(path)[:300], "via": via})
    return versions(engine, name)[0]


def _version(row) -> SourceVersion:
    return SourceVersion(row.id, row.source, row.format, row.as_of, row.loaded_at, row.loaded_by, row.origin,
                         row.row_count)


def versions(engine: Engine, source: str | None = None) -> list[SourceVersion]:
    """Every import (of `source`, when given), newest first."""
    query = sa.select(aggregate_versions).order_by(aggregate_versions.c.id.desc())
    if source is not None:
        query = query.where(aggregate_versions.c.source == source)
    with engine.connect() as conn:
        return [_version(r) for r in conn.execute(query)]


def sources(engine: Engine) -> list[SourceVersion]:
    """Each source's newest version, by name."""
    newest: dict[str, SourceVersion] = {}
    for v in versions(engine):
        newest.setdefault(v.source, v)
    return [newest[k] for k in sorted(newest)]


def _reads(reader: Reader) -> None:
    if reader.role == "admin":
        raise OutsideScope("published figures are for the roles that read the scorecard; an admin reads none")


def value_of(row, indicator: ImportedIndicator) -> float | None:
    """The row's value, recomputed (None when missing or withheld)."""
    numerator = None if row["numerator"] is None or pd.isna(row["numerator"]) else Decimal(row["numerator"])
    denominator = None if row["denominator"] is None or pd.isna(row["denominator"]) else Decimal(row["denominator"])
    value = recomputed(numerator, denominator, indicator.scale, bool(row["withheld"]))
    return None if value is None else float(value)


def load_source(engine: Engine, reader: Reader, source: str, version_id: int | None = None) -> Source:
    """`source`'s newest version (or `version_id` of it) for `reader` (`_for_reader`)."""
    _reads(reader)
    return for_reader(_load(engine, source_name(source), version_id), reader)


def for_reader(source: Source, reader: Reader) -> Source:
    """`source` with only the rows `reader` may read (`_for_reader`); `source` itself is not changed."""
    _reads(reader)
    rows = _for_reader(source.rows, reader)
    periods = (rows.sort_values(["period_end", "period_start", "period"])
               .drop_duplicates("period")[["period", "period_label"]])
    return Source(source.version, source.indicators, rows, list(periods.itertuples(index=False, name=None)))


def _load(engine: Engine, name: str, version_id: int | None) -> Source:
    """A version of a source as stored, for everyone: never handed to a reader without `for_reader`."""
    with engine.connect() as conn:
        query = sa.select(aggregate_versions).where(aggregate_versions.c.source == name)
        if version_id is not None:
            query = query.where(aggregate_versions.c.id == version_id)
        row = conn.execute(query.order_by(aggregate_versions.c.id.desc()).limit(1)).first()
        if row is None:
            raise AggregateError(f"there is no published source {name!r}" +
                                 (f" version {version_id}" if version_id is not None else "") +
                                 ": `statboard versions` lists the sources imported")
        frame = pd.read_sql(sa.select(aggregate_rows).where(aggregate_rows.c.version_id == row.id)
                            .order_by(aggregate_rows.c.id), conn)
    indicators = {k: _indicator(v) for k, v in json.loads(row.indicators).items()}
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    frame["period_end"] = pd.to_datetime(frame["period_end"]).dt.date
    frame["value"] = [value_of(r, indicators[r["indicator_id"]]) for r in frame.to_dict("records")]
    frame["status"] = [indicators[i].status(v if v is None or not pd.isna(v) else None)
                       if v is not None and not pd.isna(v) else "missing"
                       for i, v in zip(frame["indicator_id"], frame["value"])]
    periods = (frame.sort_values(["period_end", "period_start", "period"])
               .drop_duplicates("period")[["period", "period_label"]])
    return Source(_version(row), indicators, frame, list(periods.itertuples(index=False, name=None)))


ORG_LEVELS = ("department", "bureau", "office", "unit", "worker")


def _small(text) -> Decimal | None:
    return None if text is None or (not isinstance(text, str) and pd.isna(text)) else Decimal(text)


def _for_reader(frame: pd.DataFrame, reader: Reader) -> pd.DataFrame:
    """What `reader` may read of a source's rows.

    - A reader scoped below the department does not read a source's rows about the agency's own bureaus,
      offices, units or workers (a file may hold them; which of them are inside the scope is the warehouse's
      to say, so none are shown rather than a wrong few). Published states, the nation and providers stay.
    - A provider's own staff (a provider scope) read their own provider's rows, exact, and no other provider's.
    - A reader with small-number suppression (a viewer) does not read a value whose numerator or denominator is
      from 1 to `small_cell_min - 1`: its status is `suppressed`, as on the scorecard.
    """
    scope = reader.data_scope()
    if scope.level != "department":
        frame = frame[~frame.entity_type.isin(ORG_LEVELS)]
    own = pd.Series(False, index=frame.index)
    if scope.is_provider:  # a provider's staff read their own reported figures, none of another provider's
        own = (frame.entity_type == "provider") & (frame.entity_id == scope.entity_id)
        frame, own = frame[own | (frame.entity_type != "provider")], own[own | (frame.entity_type != "provider")]
    if scope.small_cell_min:
        small = [not mine and any(c is not None and 0 < c < scope.small_cell_min for c in (_small(n), _small(d)))
                 for mine, n, d in zip(own, frame.numerator, frame.denominator)]
        frame = frame.copy()
        frame.loc[small, "value"] = None
        frame.loc[small, "status"] = "suppressed"
    return frame.reset_index(drop=True)


def export_frame(source: Source, reader: Reader, indicator_id: str | None = None, period: str | None = None
                 ) -> pd.DataFrame:
    """`statboard export aggregates`: one row per imported row (of `indicator_id`, of `period`), the value
    recomputed and unrounded; for a viewer, rounded to the precision shown and without numerators and
    denominators."""
    frame = source.rows
    if indicator_id is not None:
        if indicator_id not in source.indicators:
            raise AggregateError(f"source {source.name!r} has no indicator {indicator_id!r}; it has "
                                 f"{', '.join(sorted(source.indicators))}")
        frame = frame[frame.indicator_id == indicator_id]
    if period is not None:
        if period not in {p for p, _ in source.periods}:
            raise AggregateError(f"source {source.name!r} has no period {period!r}; it has "
                                 f"{', '.join(p for p, _ in source.periods)}")
        frame = frame[frame.period == period]
    out = frame.assign(source=source.name)
    out["period_start"] = out["period_start"].map(lambda d: f"{d:%Y-%m-%d}")
    out["period_end"] = out["period_end"].map(lambda d: f"{d:%Y-%m-%d}")
    out["status"] = out["status"].map(lambda s: "not published" if s == "missing" else s)  # suppressed stays
    if not reader.data_scope().case_level and reader.role == "viewer":
        out["numerator"], out["denominator"] = None, None
        out["value"] = [None if v is None or pd.isna(v) else round(v, source.indicators[i].decimals)
                        for i, v in zip(out.indicator_id, out.value)]
    return out[EXPORT_COLUMNS].reset_index(drop=True)


# -- reading a source for the pages (/scorecard?source=, /indicator/<id>?source=) ----------------------------------

TOTAL = "Total"   # the breakdown value that is an entity's whole figure (the CFSR profile's nation has no other)
KEY = ["entity_type", "entity_id", "indicator_id", "period"]


def as_shown_to(source: Source, reader: Reader) -> Source:
    """`source` as `reader` sees it on a page: for a viewer, as in `export_frame`, values rounded to the precision
    shown and no numerators or denominators (the status stays the one the unrounded value earns)."""
    _reads(reader)
    if reader.role != "viewer":
        return source
    rows = source.rows.copy()
    rows["numerator"], rows["denominator"] = None, None
    rows["value"] = [None if v is None or pd.isna(v) else round(v, source.indicators[i].decimals)
                     for i, v in zip(rows.indicator_id, rows.value)]
    return Source(source.version, source.indicators, rows, source.periods)


def overall(source: Source) -> pd.DataFrame:
    """Each entity's whole figure for each indicator and period: its row without a breakdown, or, for an entity
    published only by its breakdowns (the CFSR profile's nation), its `Total` row (the first dimension's that has
    one: every dimension's total is the same children)."""
    rows = source.rows
    plain = rows[rows.breakdown_dimension == ""]
    totals = rows[(rows.breakdown_dimension != "") & (rows.breakdown_value == TOTAL)].drop_duplicates(KEY)
    have = set(plain[KEY].itertuples(index=False, name=None))
    totals = totals[[k not in have for k in totals[KEY].itertuples(index=False, name=None)]]
    return pd.concat([plain, totals]).reset_index(drop=True)


def ordered_indicators(source: Source) -> list[ImportedIndicator]:
    """The source's indicators in the catalogue's order, grouped by domain (in the order the domains first come)."""
    by_position = sorted(source.indicators.values(), key=lambda i: i.position)
    domains = list(dict.fromkeys(i.domain for i in by_position))
    return sorted(by_position, key=lambda i: (domains.index(i.domain), i.position))


def period_label(source: Source, period: str) -> str:
    return dict(source.periods)[period]


def check_period(source: Source, period: str | None) -> str | None:
    """`period` when the source publishes it (None: each indicator's latest); `AggregateError` saying what to pick."""
    if period is None or period in dict(source.periods):
        return period
    latest = source.periods[-1][1] if source.periods else "none"
    raise AggregateError(f"the published figures have no period {str(period)[:40]!r}: choose one from the Period "
                         f"list (the latest is {latest})")


def latest_period(source: Source, indicator_id: str) -> str | None:
    """The indicator's most recent period (by its end), or None when it has no rows."""
    codes = set(source.rows.period[source.rows.indicator_id == indicator_id])
    found = [code for code, _ in source.periods if code in codes]
    return found[-1] if found else None


def main_entity_type(source: Source) -> str:
    """The kind of entity the source is about (the most of them: the CFSR profile's states)."""
    counts = source.rows.drop_duplicates(["entity_type", "entity_id"]).entity_type.value_counts()
    return str(counts.index[0]) if len(counts) else "entity"


@dataclass(frozen=True)
class SourceColumn:
    indicator: ImportedIndicator
    period: str
    period_label: str


@dataclass(frozen=True)
class SourceScorecard:
    """A source as a scorecard: `rows` are the entities of its main type by name, after those of other types with
    a whole figure in a column shown (the nation); each column is an indicator in one period (`period`, or each
    indicator's latest when None); `cells` has each entity's whole figure per column."""
    source: Source
    entity_type: str
    period: str | None
    columns: list[SourceColumn]
    rows: pd.DataFrame          # entity_type, entity_id, entity_name, first (the rows above the main type's)
    cells: dict                 # (entity_type, entity_id, indicator_id) -> a row of `overall` (a dict)
    left_out: list[ImportedIndicator]   # the indicators not published for `period`


def source_scorecard(source: Source, period: str | None = None) -> SourceScorecard:
    """The scorecard of `source` for `period` (None: each indicator's latest)."""
    period = check_period(source, period)
    whole = overall(source)
    columns, left_out = [], []
    for indicator in ordered_indicators(source):
        shown = period if period is not None else latest_period(source, indicator.id)
        mine = whole[(whole.indicator_id == indicator.id) & (whole.period == shown)]
        if shown is None or (period is not None and mine.empty and
                             not ((source.rows.indicator_id == indicator.id) & (source.rows.period == shown)).any()):
            left_out.append(indicator)
            continue
        columns.append(SourceColumn(indicator, shown, period_label(source, shown)))
    kind = main_entity_type(source)
    wanted = {(c.indicator.id, c.period) for c in columns}
    chosen = whole[[(i, p) in wanted for i, p in zip(whole.indicator_id, whole.period)]]
    cells = {(r["entity_type"], r["entity_id"], r["indicator_id"]): r for r in chosen.to_dict("records")}
    entities = source.rows.drop_duplicates(["entity_type", "entity_id"])[["entity_type", "entity_id", "entity_name"]]
    others = chosen[chosen.entity_type != kind].drop_duplicates(["entity_type", "entity_id"])
    first = entities[[(t, e) in set(others[["entity_type", "entity_id"]].itertuples(index=False, name=None))
                      for t, e in zip(entities.entity_type, entities.entity_id)]]
    main = entities[entities.entity_type == kind].sort_values("entity_name", key=lambda s: s.str.lower())
    rows = pd.concat([first.assign(first=True), main.assign(first=False)]).reset_index(drop=True)
    return SourceScorecard(source, kind, period, columns, rows, cells, left_out)


def source_indicator(source: Source, indicator_id: str) -> ImportedIndicator:
    """The source's indicator `indicator_id`; `AggregateError` naming those it has."""
    if indicator_id not in source.indicators:
        raise AggregateError(f"the published figures have no indicator {str(indicator_id)[:60]!r}; they have "
                             + ", ".join(i.name for i in ordered_indicators(source)))
    return source.indicators[indicator_id]


def entity_name(source: Source, entity_type: str, entity_id: str) -> str | None:
    found = source.rows[(source.rows.entity_type == entity_type) & (source.rows.entity_id == entity_id)]
    return None if found.empty else str(found.entity_name.iloc[0])


@dataclass(frozen=True)
class SourceRanking:
    """One indicator of a source in one period: the entities of its main type with a value, best first for the
    indicator's direction (by name when it has none); those without one (not published), by name; and the whole
    figure of the others (the nation), when published."""
    indicator: ImportedIndicator
    period: str
    period_label: str
    entity_type: str
    ranked: pd.DataFrame
    missing: pd.DataFrame
    others: pd.DataFrame


def source_ranking(source: Source, indicator_id: str, period: str | None = None) -> SourceRanking:
    """`indicator_id` across the source's entities in `period` (None: its latest)."""
    indicator = source_indicator(source, indicator_id)
    period = check_period(source, period) or latest_period(source, indicator_id)
    whole = overall(source)
    mine = whole[(whole.indicator_id == indicator_id) & (whole.period == period)]
    kind = main_entity_type(source)
    main = mine[mine.entity_type == kind]
    has = main.value.notna()
    ranked = main[has].sort_values(["value", "entity_name"], ascending=[indicator.direction == "lower", True]) \
        if indicator.direction else main[has].sort_values("entity_name")
    missing = main[~has].sort_values("entity_name")
    others = mine[(mine.entity_type != kind) & mine.value.notna()]
    return SourceRanking(indicator, period, period_label(source, period) if period else "", kind,
                         ranked.reset_index(drop=True), missing.reset_index(drop=True), others.reset_index(drop=True))


def source_trend(source: Source, indicator_id: str, entity_type: str, entity_id: str) -> pd.DataFrame:
    """`entity_id`'s whole figure of `indicator_id` in each period the indicator is published, oldest first, with
    the others' (the nation's) beside it: period, period_label, period_end, line (`entity` or `other`), name,
    value, numerator, denominator, status."""
    source_indicator(source, indicator_id)
    whole = overall(source)
    mine = whole[whole.indicator_id == indicator_id]
    kind = main_entity_type(source)
    lines = pd.concat([mine[(mine.entity_type == entity_type) & (mine.entity_id == entity_id)].assign(line="entity"),
                       mine[mine.entity_type != kind].assign(line="other")])
    lines = lines.rename(columns={"entity_name": "name"})
    return lines.sort_values(["period_end", "period_start"])[
        ["period", "period_label", "period_end", "line", "name", "value", "numerator", "denominator", "status"]
    ].reset_index(drop=True)


def source_breakdowns(source: Source, indicator_id: str, period: str | None = None) -> dict[str, pd.DataFrame]:
    """The breakdowns published for `indicator_id` in `period` (None: its latest), by dimension in the file's order:
    each the rows of every entity that has them (the CFSR profile: the nation's), in the published order."""
    source_indicator(source, indicator_id)
    period = check_period(source, period) or latest_period(source, indicator_id)
    rows = source.rows
    mine = rows[(rows.indicator_id == indicator_id) & (rows.period == period) & (rows.breakdown_dimension != "")]
    return {dimension: part.reset_index(drop=True)
            for dimension, part in mine.groupby("breakdown_dimension", sort=False)}


@dataclass(frozen=True)
class Comparison:
    """An imported indicator published beside a computed one (`compare_to`): the source, the standard it is held
    to, and the latest whole figure of the source's other entities (the nation), when published."""
    source: str
    indicator: ImportedIndicator
    latest_value: float | None
    latest_label: str
    latest_name: str


def comparisons(engine: Engine, reader: Reader, computed_id: str) -> list[Comparison]:
    """Every imported indicator, of every source's newest version, that names `computed_id` in `compare_to`."""
    found = []
    for version in sources(engine):
        source = newest_source(engine, reader, version.source)
        for indicator in ordered_indicators(source):
            if indicator.compare_to != computed_id:
                continue
            ranking = source_ranking(source, indicator.id)
            other = ranking.others.iloc[0] if not ranking.others.empty else None
            found.append(Comparison(source.name, indicator, None if other is None else float(other["value"]),
                                    ranking.period_label, "" if other is None else str(other["entity_name"])))
    return found


_LOADED: dict[tuple[str, int], Source] = {}
LOADED_KEPT = 4


def newest_source(engine: Engine, reader: Reader, source: str) -> Source:
    """`load_source` of `source`'s newest version, read once per version and kept (a version never changes; the
    pages of a meeting room ask for the same one many times): the reader is checked each time, and a caller
    must not change what it is given (`as_shown_to` copies)."""
    _reads(reader)
    name = source_name(source)
    with engine.connect() as conn:
        newest = conn.execute(sa.select(sa.func.max(aggregate_versions.c.id))
                              .where(aggregate_versions.c.source == name)).scalar()
    if newest is None:
        return load_source(engine, reader, name)  # says there is none
    key = (str(engine.url), newest)
    if key not in _LOADED:
        while len(_LOADED) >= LOADED_KEPT:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = _load(engine, name, newest)  # as stored: what a reader may read is taken each time
    return for_reader(_LOADED[key], reader)
