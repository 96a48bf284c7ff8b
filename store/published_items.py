"""Published figures on a Stat meeting's agenda: a county's meeting discusses its own data and, beside it, the
state's figures as a publisher put them out (the CFSR national profile, store/aggregates.py).

A published item names one figure of a source: an indicator for an entity (`state:CA`, `nation:US`), pinned to
the version of the source it was added from, as a meeting is pinned to its case-level data version: a later
import of the same source does not change what the item shows (the store keeps every version). Its `period` is
the newest period with a value when it was added: the figure the room discusses.

What a meeting shows of it is a `PublishedSeries`: the entity's value, status and counts in each of the source's
periods of that indicator, beside the nation's (the comparison; the standard alone when the entity is the nation
or the source has no national figure). The page, the data book, the follow-up and `statboard meetings show` all
draw from it (store/meeting_book.py's `Book.published`). A closed meeting keeps its items' series in its record
(`with_published`), so it reads what it showed whatever happens to the store later.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

import pandas as pd
from sqlalchemy.engine import Engine

from access.roles import Reader
from access.scope import EntityRef
from display.format import published_value
from measures.imported import ImportedIndicator
from store.aggregates import AggregateError, Source, load_source, versions
from store.meetings import AgendaItem

RECORD_KEY = "published"
NATION = "nation"
# The nation's own figure: its overall row, or (as the CFSR profile publishes it) the total of a breakdown.
TOTAL = "Total"
STATUS_WORDS = {"green": "meets the standard", "yellow": "near the standard", "red": "below the standard",
                "none": "not rated: no standard", "missing": "not published"}


@dataclass(frozen=True)
class PublishedPoint:
    period: str
    label: str                      # as published: "Apr '21 – Mar '22"
    start: dt.date
    end: dt.date
    value: float | None             # None: not published (missing, withheld)
    status: str                     # green, yellow, red; none (never coloured); missing
    numerator: str | None           # as published (exact)
    denominator: str | None
    comparison: float | None        # the nation's value in the period, when there is one


@dataclass(frozen=True)
class PublishedSeries:
    """One published item's figure over the source's periods of its indicator."""
    item_id: int
    source: str                     # the source's name (cfsr-national)
    version_id: int                 # the version the item is pinned to
    as_of: dt.date
    indicator: ImportedIndicator    # as the version declared it
    entity: EntityRef               # entity_type:entity_id
    entity_name: str
    comparison_name: str | None     # "United States"; None: compared with the standard alone
    points: tuple[PublishedPoint, ...]  # oldest first
    period: str | None              # the period the item shows
    newer: tuple[int, dt.date] | None = None  # the source's newest version, when newer than the item's

    @property
    def publisher(self) -> str:
        """Who published it, in the catalogue's words: "Children's Bureau, CFSR Round 4 national profile"."""
        return self.indicator.source

    @property
    def shown(self) -> PublishedPoint | None:
        """The point the item shows: its period's, else the newest with a value, else the newest."""
        for point in self.points:
            if point.period == self.period:
                return point
        valued = [p for p in self.points if p.value is not None]
        return valued[-1] if valued else (self.points[-1] if self.points else None)


# -- words --------------------------------------------------------------------------------------------------

def value_text(indicator: ImportedIndicator, value, with_unit: bool = False) -> str:
    """A published value to the precision the catalogue shows it: '5.5%', '4.52', '4.52 moves per 1,000 days in
    care' (`with_unit`); 'not published' when there is none."""
    return published_value(indicator, value, with_unit)


def counts_text(indicator: ImportedIndicator, point: PublishedPoint) -> str:
    """What a proportion is made of, as published: '788 of 14,431'; '' for a rate or a value not published."""
    if indicator.kind != "proportion" or point.value is None or point.numerator is None or point.denominator is None:
        return ""

    def whole(text: str) -> str:
        number = Decimal(text)
        return f"{int(number):,}" if number == number.to_integral_value() else text
    return f"{whole(point.numerator)} of {whole(point.denominator)}"


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def standard_words(indicator: ImportedIndicator) -> str:
    """The standard it is held to: '≤ 5.6%'; or that it has none (context only)."""
    if not indicator.coloured:
        return "no standard: shown for context"
    op = "≥" if indicator.direction == "higher" else "≤"
    return f"{op} {value_text(indicator, indicator.green)}"


def headline(series: PublishedSeries) -> str:
    """The figure in one line: 'Re-entry to foster care within 12 months — California: 5.5% (meets the standard),
    as published by Children's Bureau, CFSR Round 4 national profile, Apr '21 – Mar '22'."""
    point = series.shown
    said = "no period" if point is None else (
        f"{value_text(series.indicator, point.value, True)} ({status_words(point.status)}), as published by "
        f"{series.publisher}, {point.label}")
    return f"{series.indicator.name} — {series.entity_name}: {said}"


# -- reading a source's figure ------------------------------------------------------------------------------

def _overall(source: Source, indicator_id: str):
    """Each entity's own figures of the indicator: its overall rows; the nation's, where the publisher gives it
    only as a breakdown's total (the CFSR profile's "Age at exit: Total"), those."""
    rows = source.rows[source.rows.indicator_id == indicator_id]
    overall = rows[rows.breakdown_dimension == ""]
    if (overall.entity_type == NATION).any():
        return overall
    nation = rows[(rows.entity_type == NATION) & (rows.breakdown_value == TOTAL)]
    return pd.concat([overall, nation.drop_duplicates("period")]) if not nation.empty else overall


def entities(source: Source, indicator_id: str) -> list[tuple[EntityRef, str]]:
    """The entities with a figure of `indicator_id` in `source`: the nation first, then by name."""
    rows = _overall(source, indicator_id).drop_duplicates(["entity_type", "entity_id"])
    found = [(EntityRef(r.entity_type, r.entity_id), r.entity_name) for r in rows.itertuples(index=False)]
    return sorted(found, key=lambda e: (e[0].level != NATION, e[1].lower(), e[0].entity_id))


def figure_of(source: Source, indicator_id: str, entity: EntityRef) -> tuple[ImportedIndicator, str, str]:
    """The indicator, the entity's name and the period to show (the newest with a value, else the newest) of a
    figure of `source`, or `AggregateError` saying what the source has instead."""
    indicator = source.indicators.get(indicator_id)
    if indicator is None:
        raise AggregateError(f"the published source {source.name!r} has no indicator {indicator_id[:60]!r}; it has "
                             f"{', '.join(sorted(source.indicators))}")
    rows = _overall(source, indicator_id)
    mine = rows[(rows.entity_type == entity.level) & (rows.entity_id == entity.entity_id)]
    if mine.empty:
        kinds = sorted(set(rows.entity_type))
        raise AggregateError(f"the published source {source.name!r} has no figure of {indicator.name} for "
                             f"{entity.level[:20]} {entity.entity_id[:40]}: it has {', '.join(kinds)} figures, e.g. "
                             f"{rows.entity_type.iloc[0]}:{rows.entity_id.iloc[0]}" if not rows.empty else
                             f"the published source {source.name!r} has no overall figure of {indicator.name}")
    ordered = mine.sort_values(["period_end", "period_start", "period"])
    valued = ordered[ordered.value.notna()]
    newest = (valued if not valued.empty else ordered).iloc[-1]
    return indicator, str(ordered.entity_name.iloc[-1]), str(newest.period)


def _number(value) -> float | None:
    return None if value is None or value != value else float(value)


def _count(value) -> str | None:
    return None if value is None or value != value else str(value)


def series_of(source: Source, item: AgendaItem) -> PublishedSeries:
    """The item's figure in `source` (the version it is pinned to), over the periods of its indicator."""
    indicator = source.indicators[item.indicator_id]
    rows = _overall(source, item.indicator_id)
    periods = rows.sort_values(["period_end", "period_start", "period"]).drop_duplicates("period")
    mine = rows[(rows.entity_type == item.entity.level) & (rows.entity_id == item.entity.entity_id)] \
        .set_index("period")
    nation = rows[rows.entity_type == NATION]
    comparison_name = None
    if item.entity.level != NATION and not nation.empty:
        comparison_name = str(nation.entity_name.iloc[0])
        nation = nation.drop_duplicates("period").set_index("period")
    points = []
    for p in periods.itertuples(index=False):
        row = mine.loc[p.period] if p.period in mine.index else None
        compared = nation.loc[p.period] if comparison_name and p.period in nation.index else None
        points.append(PublishedPoint(
            p.period, p.period_label, p.period_start, p.period_end,
            None if row is None else _number(row.value), "missing" if row is None else str(row.status),
            None if row is None else _count(row.numerator), None if row is None else _count(row.denominator),
            None if compared is None else _number(compared.value)))
    return PublishedSeries(item.id, source.name, source.version.id, source.version.as_of, indicator, item.entity,
                           item.entity_name or item.entity.entity_id, comparison_name, tuple(points), item.period)


def published_for(engine: Engine, reader: Reader, items, record: str | None = None) -> dict[int, PublishedSeries]:
    """Each published item's series, by item id: from a closed meeting's record when it kept them, else read
    from the version of the source each item is pinned to. Each says whether the source has a newer version."""
    mine = [i for i in items if i.kind == "published"]
    if not mine:
        return {}
    kept = thaw_published(record) if record is not None else None
    found, sources, newest = {}, {}, {}
    for item in mine:
        if kept is not None and item.id in kept:
            series = kept[item.id]
        else:
            key = (item.published_source, item.source_version)
            try:
                if key not in sources:
                    sources[key] = load_source(engine, reader, *key)
                series = series_of(sources[key], item)
            except (AggregateError, KeyError):
                continue  # the page says its figures cannot be read
        if series.source not in newest:
            newest[series.source] = next(iter(versions(engine, series.source)), None)
        latest = newest[series.source]
        found[item.id] = replace(series, newer=(latest.id, latest.as_of)
                                 if latest is not None and latest.id > series.version_id else None)
    return found


# -- the record a closed meeting keeps ------------------------------------------------------------------------

def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _encode(series: PublishedSeries) -> dict:
    data = _plain(asdict(replace(series, newer=None)))
    data["entity"] = str(series.entity)
    return data


def _decode(data: dict) -> PublishedSeries:
    declared = data["indicator"]
    indicator = ImportedIndicator(**{**declared, **{k: None if declared[k] is None else Decimal(declared[k])
                                                     for k in ("green", "yellow")}})
    level, _, entity_id = data["entity"].partition(":")
    points = tuple(PublishedPoint(**{**p, "start": dt.date.fromisoformat(p["start"]),
                                     "end": dt.date.fromisoformat(p["end"])}) for p in data["points"])
    return PublishedSeries(data["item_id"], data["source"], data["version_id"], dt.date.fromisoformat(data["as_of"]),
                           indicator, EntityRef(level, entity_id), data["entity_name"], data["comparison_name"],
                           points, data["period"])


def with_published(record: str, series: dict[int, PublishedSeries]) -> str:
    """A closed meeting's record (store.meeting_numbers.freeze's JSON) with its published items' series."""
    data = json.loads(record)
    data[RECORD_KEY] = {str(k): _encode(v) for k, v in series.items()}
    return json.dumps(data, allow_nan=False)


def thaw_published(record: str) -> dict[int, PublishedSeries] | None:
    """The published series a record kept, by item id; None for a record made before meetings kept them."""
    kept = json.loads(record).get(RECORD_KEY)
    return None if kept is None else {int(k): _decode(v) for k, v in kept.items()}
