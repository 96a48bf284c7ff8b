"""Every view is a URL: the query parameters each page takes, read strictly and written canonically.

`from_query` turns a page's query string into a view, or raises `ViewError` with a message that says
which parameter was wrong and what to write; `href` writes the URL that reproduces the view. Whether
a month or an entity exists is for the query layer to say, with the data in hand.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from queries.scope import LEVELS
from queries.scorecard import EntityRef, ScorecardQueryError, parse_entity, parse_month

TREND_MONTHS = (12, 24, 36)


class ViewError(ValueError):
    """A URL parameter a page cannot use; the message names it and says what to write."""


def _month(text: str | None) -> dt.date | None:
    if text in (None, ""):
        return None
    try:
        return parse_month(text)
    except ScorecardQueryError as exc:
        raise ViewError(str(exc)) from None


def _entity(name: str, text: str | None) -> EntityRef | None:
    if text in (None, ""):
        return None
    try:
        return parse_entity(text)
    except ScorecardQueryError as exc:
        raise ViewError(f"{name}: {exc}") from None


def _level(text: str | None) -> str | None:
    if text in (None, ""):
        return None
    if text not in LEVELS:
        raise ViewError(f"level {text!r} is not one of {', '.join(LEVELS)}")
    return text


def _only(query: dict, allowed: tuple[str, ...], page: str) -> None:
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        raise ViewError(f"{page} does not take {', '.join(map(repr, unknown))}: it takes "
                        f"{', '.join(allowed)}")


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
        tier = query.get("tier") or None
        if tier not in (None, "1", "2"):
            raise ViewError(f"tier {tier!r} is not 1 or 2 (leave it out for both)")
        return cls(_month(query.get("month")), _entity("parent", query.get("parent")), _level(query.get("level")),
                   int(tier) if tier else None, query.get("sort") or None)

    def href(self) -> str:
        return _href("/scorecard", {"month": _month_text(self.month), "parent": _entity_text(self.parent),
                                    "level": self.level, "tier": self.tier, "sort": self.sort})

    def with_(self, **changes) -> ScorecardView:
        return replace(self, **changes)


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
        months_text = query.get("months") or "24"
        if months_text == "all":
            months = None
        elif months_text.isdigit() and int(months_text) >= 1:
            months = int(months_text)
        else:
            raise ViewError(f"months {months_text!r} is not a number of months: write e.g. 24, or all")
        return cls(indicator_id, _month(query.get("month")), _entity("parent", query.get("parent")),
                   _level(query.get("level")), _entity("entity", query.get("entity")), months)

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
        entity = _entity("the address", f"{level}:{entity_id}")
        return cls(entity, _month(query.get("month")))

    def href(self) -> str:
        return _href(f"/entity/{self.entity.level}/{quote(self.entity.entity_id, safe='')}",
                     {"month": _month_text(self.month)})


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
