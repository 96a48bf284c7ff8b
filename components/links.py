"""Every view is a URL: the query parameters each page takes, read strictly and written canonically.

`from_query` turns a page's query string into a view, or raises `ViewError` with a message that says
which parameter was wrong and what to write; `href` writes the URL that reproduces the view. Whether
a month or an entity exists is for the query layer to say, with the data in hand.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from access.params import param_text, shown
from access.scope import EntityRef, LEVELS, ScorecardQueryError
from queries.scorecard import parse_entity, parse_month

TREND_MONTHS = (12, 24, 36)
MAX_TREND_MONTHS = 1200  # a century: longer than any agency's history, short enough to count back from
MAX_UNKNOWN_SHOWN = 5
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ViewError(ValueError):
    """A URL parameter a page cannot use; the message names it and says what to write."""


def _text(name: str, value) -> str | None:
    """Every parameter is one line of text, of bounded length (access/params.py), or absent."""
    return param_text(name, value, ViewError)


def _month(text: str | None) -> dt.date | None:
    if _text("month", text) is None:
        return None
    try:
        return parse_month(text)
    except ScorecardQueryError as exc:
        raise ViewError(str(exc)) from None


def _entity(name: str, text: str | None, providers: bool = False) -> EntityRef | None:
    if _text(name, text) is None:
        return None
    try:
        return parse_entity(text, providers)
    except ScorecardQueryError as exc:
        raise ViewError(f"{name}: {exc}") from None


def _level(text: str | None) -> str | None:
    if _text("level", text) is None:
        return None
    if text not in LEVELS:
        raise ViewError(f"level {shown(text)} is not one of {', '.join(LEVELS)}")
    return text


def _pairs(query, page: str) -> dict:
    if not isinstance(query, dict):
        raise ViewError(f"{page}'s parameters must be name=value pairs, not {shown(query)}")
    return query


def _only(query, allowed: tuple[str, ...], page: str) -> dict:
    """`query` when it is a mapping of the parameters `page` takes; its values are checked by their parsers."""
    _pairs(query, page)
    unknown = sorted(map(str, set(query) - set(allowed)))
    if unknown:
        listed = ", ".join(shown(name) for name in unknown[:MAX_UNKNOWN_SHOWN])
        more = f" and {len(unknown) - MAX_UNKNOWN_SHOWN:,} more" if len(unknown) > MAX_UNKNOWN_SHOWN else ""
        raise ViewError(f"{page} does not take {listed}{more}: it takes {', '.join(allowed)}")
    return query


def _href(path: str, params: dict) -> str:
    given = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(given, safe=':')}" if given else path


def _month_text(month: dt.date | None) -> str | None:
    return f"{month:%Y-%m}" if month else None


def _entity_text(entity: EntityRef | None) -> str | None:
    if entity is None:
        return None
    return "department" if entity.level == "department" else str(entity)


@dataclass(frozen=True)
class ScorecardView:
    """/scorecard: the heat map of `parent` (default the department) over its descendants at `level`."""
    month: dt.date | None = None
    parent: EntityRef | None = None
    level: str | None = None
    tier: int | None = None
    sort: str | None = None

    PARAMS = ("month", "parent", "level", "tier", "sort")

    @classmethod
    def from_query(cls, query: dict) -> ScorecardView:
        _only(query, cls.PARAMS, "the scorecard")
        tier = _text("tier", query.get("tier"))
        if tier not in (None, "1", "2"):
            raise ViewError(f"tier {shown(tier)} is not 1 or 2 (leave it out for both)")
        return cls(_month(query.get("month")), _entity("parent", query.get("parent")), _level(query.get("level")),
                   int(tier) if tier else None, _text("sort", query.get("sort")))

    def href(self) -> str:
        return _href("/scorecard", {"month": _month_text(self.month), "parent": _entity_text(self.parent),
                                    "level": self.level, "tier": self.tier, "sort": self.sort})

    def with_(self, **changes) -> ScorecardView:
        return replace(self, **changes)

    def for_reader(self, scope) -> ScorecardView:
        """The view as `scope`'s reader means it: a URL naming no parent (a bookmark, a forwarded link)
        is their own scorecard, which starts at the top of their own part (`Scope.root`), not the department."""
        if scope.is_provider:  # a provider's staff have no part of the organisation: the query layer refuses
            return self
        own_level = LEVELS.index(scope.level)
        if self.parent is not None or own_level == 0 or (self.level and LEVELS.index(self.level) <= own_level):
            return self
        return replace(self, parent=scope.root)


@dataclass(frozen=True)
class IndicatorView:
    """/indicator/<id>: one indicator across `parent`'s descendants at `level`, and the trend of `entity`."""
    indicator_id: str
    month: dt.date | None = None
    parent: EntityRef | None = None
    level: str | None = None
    entity: EntityRef | None = None
    months: int | None = 24          # None: the whole history

    PARAMS = ("month", "parent", "level", "entity", "months")

    @classmethod
    def from_query(cls, indicator_id: str, query: dict) -> IndicatorView:
        _only(query, cls.PARAMS, "the indicator page")
        if _text("indicator", indicator_id) is None:
            raise ViewError("the address names no indicator: write /indicator/ID, e.g. /indicator/reentry")
        months_text = _text("months", query.get("months")) or "24"
        if months_text == "all":
            months = None
        elif months_text.isascii() and months_text.isdigit() and 1 <= int(months_text) <= MAX_TREND_MONTHS:
            months = int(months_text)
        else:
            raise ViewError(f"months {shown(months_text)} is not a number of months: write a number from 1 to "
                            f"{MAX_TREND_MONTHS}, e.g. 24, or all")
        return cls(indicator_id, _month(query.get("month")), _entity("parent", query.get("parent")),
                   _level(query.get("level")), _entity("entity", query.get("entity")), months)

    @classmethod
    def from_page(cls, stored) -> IndicatorView:
        """The view from what the page stored: the address's `indicator_id` and the URL's parameters."""
        query = dict(_pairs(stored, "the indicator page"))
        return cls.from_query(query.pop("indicator_id", None) or "", query)

    def href(self) -> str:
        months = "all" if self.months is None else (None if self.months == 24 else self.months)
        return _href(f"/indicator/{quote(self.indicator_id, safe='')}",
                     {"month": _month_text(self.month), "parent": _entity_text(self.parent), "level": self.level,
                      "entity": _entity_text(self.entity), "months": months})

    def with_(self, **changes) -> IndicatorView:
        return replace(self, **changes)


@dataclass(frozen=True)
class EntityView:
    """/entity/<level>/<id>: every indicator for one entity."""
    entity: EntityRef
    month: dt.date | None = None

    PARAMS = ("month",)

    @classmethod
    def from_query(cls, level: str, entity_id: str, query: dict) -> EntityView:
        _only(query, cls.PARAMS, "the entity page")
        if _text("the address's level", level) is None or _text("the address's id", entity_id) is None:
            raise ViewError("the address names no entity: write /entity/LEVEL/ID, e.g. /entity/office/O004")
        entity = _entity("the address", f"{level}:{entity_id}")
        return cls(entity, _month(query.get("month")))

    @classmethod
    def from_page(cls, stored) -> EntityView:
        """The view from what the page stored: the address's `level` and `entity_id` and the URL's parameters."""
        query = dict(_pairs(stored, "the entity page"))
        return cls.from_query(query.pop("level", None) or "", query.pop("entity_id", None) or "", query)

    def href(self) -> str:
        return _href(f"/entity/{self.entity.level}/{quote(self.entity.entity_id, safe='')}",
                     {"month": _month_text(self.month)})


@dataclass(frozen=True)
class MembersView:
    """/members: the members (referrals, episodes, in-home cases or children) behind one cell, of an entity of the
    organisation or of a provider (`provider:ID`)."""
    indicator_id: str
    month: dt.date | None = None
    entity: EntityRef | None = None  # None: the department

    PARAMS = ("indicator", "month", "entity")

    @classmethod
    def from_query(cls, query: dict) -> MembersView:
        _only(query, cls.PARAMS, "the members page")
        indicator_id = _text("indicator", query.get("indicator"))
        if indicator_id is None:
            raise ViewError("the members page needs an indicator: write /members?indicator=ID&month=YYYY-MM"
                            "&entity=LEVEL:ID, e.g. /members?indicator=reentry&entity=office:O004")
        return cls(indicator_id, _month(query.get("month")), _entity("entity", query.get("entity"), providers=True))

    def href(self) -> str:
        return _href("/members", {"indicator": self.indicator_id, "month": _month_text(self.month),
                                  "entity": _entity_text(self.entity)})

    def download_href(self) -> str:
        return _href("/export/members.csv", {"indicator": self.indicator_id, "month": _month_text(self.month),
                                             "entity": _entity_text(self.entity)})


@dataclass(frozen=True)
class ProviderView:
    """/providers/<id>: one delegate agency against its contracts, in `month` (None: the latest), with the 24 months
    before it."""
    provider_id: str
    month: dt.date | None = None

    PARAMS = ("month",)

    @classmethod
    def from_query(cls, provider_id: str, query: dict) -> ProviderView:
        _only(query, cls.PARAMS, "the provider page")
        if _text("the address's provider", provider_id) is None:
            raise ViewError("the address names no provider: write /providers/ID, e.g. /providers/FFA07, or open "
                            "/providers for the list")
        return cls(provider_id, _month(query.get("month")))

    @classmethod
    def from_page(cls, stored) -> ProviderView:
        """The view from what the page stored: the address's `provider_id` and the URL's parameters."""
        query = dict(_pairs(stored, "the provider page"))
        return cls.from_query(query.pop("provider_id", None) or "", query)

    def href(self) -> str:
        return _href(f"/providers/{quote(self.provider_id, safe='')}", {"month": _month_text(self.month)})


def record_id(query, noun: str, path: str) -> int:
    """The `id` a record's page (/selection, /review) takes: a whole number, or `ViewError` saying what to write."""
    text = _text("id", _pairs(query, f"the {noun} page").get("id"))
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 12:
        raise ViewError(f"the address names no {noun}: write {path}?id=N, e.g. {path}?id=1")
    return int(text)


def day(name: str, text) -> dt.date | None:
    """A day parameter (`YYYY-MM-DD`), or None when absent; `ViewError` saying what to write otherwise."""
    if _text(name, text) is None:
        return None
    try:
        if DAY.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ViewError(f"{name} {shown(text)} is not a day: write YYYY-MM-DD, e.g. 2026-12-31")


@dataclass(frozen=True)
class FindingsView:
    """/reviews: the reviews and findings of `entity` (None: the reader's own part) completed from `since` to
    `until` (None: the last year, to today); only those of one indicator, one report month, one practice
    theme, when given."""
    entity: EntityRef | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    indicator_id: str | None = None
    month: dt.date | None = None
    theme: str | None = None

    PARAMS = ("entity", "since", "until", "indicator", "month", "theme")

    @classmethod
    def from_query(cls, query: dict) -> FindingsView:
        _only(query, cls.PARAMS, "the reviews page")
        return cls(_entity("entity", query.get("entity")), day("since", query.get("since")),
                   day("until", query.get("until")), _text("indicator", query.get("indicator")),
                   _month(query.get("month")), _text("theme", query.get("theme")))

    def query(self) -> dict:
        """The view as the page's parameters (those given only)."""
        given = {"entity": _entity_text(self.entity), "since": self.since and f"{self.since:%Y-%m-%d}",
                 "until": self.until and f"{self.until:%Y-%m-%d}", "indicator": self.indicator_id,
                 "month": _month_text(self.month), "theme": self.theme}
        return {k: v for k, v in given.items() if v}

    def href(self) -> str:
        return _href("/reviews", self.query())


def picked_month(picked: str | None, asked: dt.date | None, latest: dt.date | None) -> dt.date | None:
    """The month a month picker writes into the URL.

    A view whose URL names no month follows the latest month; picking the latest keeps it that way, so
    the view stays live as months go by. Any other pick is written.
    """
    month = _month(picked)
    return None if asked is None and month == latest else month


def scorecard_href(parent: EntityRef, month: dt.date | None, tier: int | None = None) -> str:
    """The scorecard one level down from `parent`: where a row's name takes you."""
    return ScorecardView(month, None if parent.level == "department" else parent, None, tier).href()


SOURCE_PARAMS = ("source", "period")


def _source(query) -> str:
    name = _text("source", query.get("source"))
    if name is None:
        raise ViewError("source is empty: name a published source, e.g. source=cfsr-national, or leave it out for "
                        "the agency's own figures")
    return name


def is_source_view(query) -> bool:
    """Whether a page's query asks for a published source's figures (`source=` given, whatever its value)."""
    return isinstance(query, dict) and "source" in query


@dataclass(frozen=True)
class SourceScorecardView:
    """/scorecard?source=NAME: a published source's figures, one column an indicator in `period` (None: each
    indicator's latest). Whether the source and the period exist is for store/aggregates.py to say."""
    source: str
    period: str | None = None

    PARAMS = SOURCE_PARAMS

    @classmethod
    def from_query(cls, query: dict) -> SourceScorecardView:
        _only(query, cls.PARAMS, "the scorecard of published figures")
        return cls(_source(query), _text("period", query.get("period")))

    def href(self) -> str:
        return _href("/scorecard", {"source": self.source, "period": self.period})


@dataclass(frozen=True)
class SourceIndicatorView:
    """/indicator/<id>?source=NAME: one published indicator across the source's entities in `period` (None: its
    latest), the trend of `entity` (its id in the source, e.g. a state's two letters), the breakdowns."""
    indicator_id: str
    source: str
    period: str | None = None
    entity: str | None = None

    PARAMS = (*SOURCE_PARAMS, "entity")

    @classmethod
    def from_page(cls, stored) -> SourceIndicatorView:
        query = dict(_pairs(stored, "the indicator page"))
        indicator_id = _text("indicator", query.pop("indicator_id", None))
        _only(query, cls.PARAMS, "the indicator page of published figures")
        if indicator_id is None:
            raise ViewError("the address names no indicator: write /indicator/ID?source=NAME")
        return cls(indicator_id, _source(query), _text("period", query.get("period")),
                   _text("entity", query.get("entity")))

    def href(self) -> str:
        return _href(f"/indicator/{quote(self.indicator_id, safe='')}",
                     {"source": self.source, "period": self.period, "entity": self.entity})

    def with_(self, **changes) -> SourceIndicatorView:
        return replace(self, **changes)
