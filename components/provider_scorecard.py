"""The provider scorecard (/providers): for one month, each provider with a contract in force × the metrics its
program's contracts hold providers to, each cell coloured against that provider's own contract target and floor.

A computed metric's value is the provider's cell (queries/scorecard.py `provider_scorecard`, with the same
minimum-n and disclosure as every cell); an imported one's is the provider's reported figure for the period
containing the month, from the newest version of a source holding it (store/aggregates.py). The table is the
scorecard's (components/scorecard_table.py's spec, drawn by assets/scorecard.js), one per program.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from access.roles import Reader
from components.scorecard_table import _starts, domain_headers, header_text
from display.format import (STATUS_STYLE, format_value, published_unit, published_value, standard_short,
                            standard_words, status_class, threshold, unit_of)
from measures.contracts import Contract, Metric
from queries.scorecard import indicator_catalogue, provider_names, provider_scorecard
from queries.warehouse import Snapshot
from store.aggregates import as_shown_to, newest_source, overall, sources
from store.contracts import current_contracts

# A cell's status against its contract, as the page words it; drawn in the scorecard's colours.
CONTRACT_STATUS = {
    "green": {"label": "meets target", "symbol": "✓", "colour": STATUS_STYLE["green"]["colour"]},
    "yellow": {"label": "below target", "symbol": "!", "colour": STATUS_STYLE["yellow"]["colour"]},
    "red": {"label": "below floor — remedy", "symbol": "✕", "colour": STATUS_STYLE["red"]["colour"]},
    "insufficient": {"label": "too few", "symbol": "~", "colour": "#FFFFFF"},
    "suppressed": {"label": "hidden: small numbers", "symbol": "∗", "colour": "#FFFFFF"},
    "no data": {"label": "no members this month", "symbol": "–", "colour": "#FFFFFF"},
    "not reported": {"label": "not reported", "symbol": "", "colour": "#FFFFFF"},
    "not in contract": {"label": "not in contract", "symbol": "", "colour": "#FFFFFF"},
}
STYLE_OF = {"green": "green", "yellow": "yellow", "red": "red", "insufficient": "insufficient",
            "suppressed": "suppressed", "no data": "no data", "not reported": "none", "not in contract": "none"}


@dataclass(frozen=True)
class Column:
    """One metric of a program: a computed indicator (a row of the warehouse's catalogue) or an imported one."""
    indicator_id: str
    indicator: object
    imported: bool

    @property
    def name(self) -> str:
        return self.indicator.name

    def unit(self) -> str:
        return published_unit(self.indicator, short=True) if self.imported else unit_of(self.indicator, short=True)

    def shown(self, value) -> str:
        return published_value(self.indicator, value) if self.imported else format_value(self.indicator.kind, value)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def in_force(contracts: list[Contract], month: dt.date) -> dict[str, list[Contract]]:
    """{program: [the contract in force in `month` of each provider]}: a contract whose days meet the month; of
    two (one ending, the next starting in the month), the one in force on its last day."""
    last = month_end(month)
    chosen: dict[tuple[str, str], Contract] = {}
    for c in contracts:
        if c.start <= last and c.end >= month:
            key = (c.program, c.provider_id)
            if key not in chosen or c.in_force(last):
                chosen[key] = c
    programs: dict[str, list[Contract]] = {}
    for (program, _), c in chosen.items():
        programs.setdefault(program, []).append(c)
    return programs


def contract_status(value: float, metric: Metric, direction: str) -> str:
    """green at or better than the target, red worse than the floor, yellow between (or worse, without a floor)."""
    better = (lambda a, b: a >= b) if direction == "higher" else (lambda a, b: a <= b)
    if better(value, float(metric.target)):
        return "green"
    if metric.floor is not None and not better(value, float(metric.floor)):
        return "red"
    return "yellow"


def reported_figures(engine, reader: Reader, month: dt.date) -> dict[tuple[str, str], tuple[dict, str, object]]:
    """{(provider_id, indicator_id): (row, source name, imported indicator)}: each provider's reported figure for
    the period containing `month`, from the newest version of the source holding it (the newest import first)."""
    last = month_end(month)
    found: dict = {}
    for version in sorted(sources(engine), key=lambda v: v.id, reverse=True):
        source = as_shown_to(newest_source(engine, reader, version.source), reader)
        rows = overall(source)
        rows = rows[(rows.entity_type == "provider") & (rows.period_start <= month) & (rows.period_end >= last)]
        for row in rows.to_dict("records"):
            found.setdefault((row["entity_id"], row["indicator_id"]),
                             (row, source.name, source.indicators[row["indicator_id"]]))
    return found


def imported_catalogue(engine, reader: Reader) -> dict:
    """Every imported indicator of the sources' newest versions, by id (the newest import's first)."""
    found = {}
    for version in sorted(sources(engine), key=lambda v: v.id, reverse=True):
        for ident, indicator in newest_source(engine, reader, version.source).indicators.items():
            found.setdefault(ident, indicator)
    return found


def _differs(metric: Metric, indicator) -> bool:
    green = threshold(indicator.green)
    return green is None or green != metric.target


def _contract_words(column: Column, metric: Metric) -> str:
    words = f"Contract target: {column.shown(float(metric.target))}"
    if metric.floor is not None:
        words += f"; floor (remedy beyond it): {column.shown(float(metric.floor))}"
    return words


def _cell(column: Column, contract: Contract, name: str, cells: dict, reported: dict, month: dt.date,
          show_counts: bool) -> dict:
    """One provider's cell of one metric: its text, status, colour, title and sort key."""
    metric = next((m for m in contract.metrics if m.indicator_id == column.indicator_id), None)
    lines = [name, column.name, f"{month:%B %Y}"]
    if metric is None:
        status, value = "not in contract", None
        lines.append(f"Not in {contract.id}: the contract sets no target for it")
    else:
        if column.imported:
            found = reported.get((contract.provider_id, column.indicator_id))
            value = None if found is None or pd.isna(found[0]["value"]) else float(found[0]["value"])
            if found is None:
                status = "not reported"
                lines.append("Not reported for the period containing this month")
            elif found[0]["status"] == "suppressed":
                status, value = "suppressed", None
                lines.append(f"Reported for {found[0]['period_label']}: hidden (small numbers)")
            elif value is None:
                status = "not reported"
                lines.append(f"Not reported for {found[0]['period_label']} (withheld or not applicable)")
            else:
                status = contract_status(value, metric, column.indicator.direction)
                counts = (f" ({found[0]['numerator']} of {found[0]['denominator']})"
                          if show_counts and found[0]["denominator"] is not None
                          and not pd.isna(found[0]["denominator"]) and column.indicator.kind == "proportion" else "")
                lines.append(f"Reported for {found[0]['period_label']} ({found[1]}): "
                             f"{published_value(column.indicator, value, True)}{counts}")
        else:
            cell = cells.get((contract.provider_id, column.indicator_id))
            value = None if cell is None or pd.isna(cell.value) else float(cell.value)
            if cell is None:
                status = "no data"
                lines.append("No members attributed to the provider this month")
            elif cell.status in ("insufficient", "suppressed"):
                status, value = cell.status, None
                lines.append("Too few members to rate" if status == "insufficient" else "Hidden: small numbers")
            elif value is None:
                status = "no data"
                lines.append("No value this month")
            else:
                status = contract_status(value, metric, column.indicator.direction)
                counts = (f" ({cell.numerator:,.0f} of {cell.denominator:,.0f})"
                          if show_counts and not pd.isna(cell.denominator) and column.indicator.kind == "proportion"
                          else "")
                lines.append(f"Value: {format_value(column.indicator.kind, value, True)}{counts}")
        lines.append(_contract_words(column, metric))
        if _differs(metric, column.indicator):
            lines.append(f"Catalogue standard: {standard_short(column.indicator).replace(chr(0x202f), ' ')}")
        lines.append(f"Status: {CONTRACT_STATUS[status]['label']}")
    style = CONTRACT_STATUS[status]
    if status in ("green", "yellow", "red"):
        text = f"{style['symbol']}\u2009{column.shown(value).rstrip('%')}"
    elif status in ("insufficient",):
        text = "too few"
    elif status in ("not reported", "not in contract"):
        text = style["label"]
    else:
        text = style["symbol"]
    return {"text": text, "status": status_class(STYLE_OF[status]) + f" provider-{status.replace(' ', '-')}",
            "colour": style["colour"], "title": "\n".join(lines), "href": None,
            "value": value if status in ("green", "yellow", "red") else None}


def _sort_rows(rows: list[dict], columns: list[Column], sort: str | None) -> list[dict]:
    """By name; or by the metric `sort` names, worst first ("-ID": best first), those without a value last."""
    ident = (sort or "").lstrip("-")
    where = next((n for n, c in enumerate(columns) if c.indicator_id == ident), None)
    if where is None:
        return sorted(rows, key=lambda r: r["name"].casefold())
    higher = columns[where].indicator.direction == "higher"
    worst_first = not sort.startswith("-")
    sign = (1 if higher else -1) * (1 if worst_first else -1)
    with_value = [r for r in rows if r["cells"][where]["value"] is not None]
    without = [r for r in rows if r["cells"][where]["value"] is None]
    return (sorted(with_value, key=lambda r: (sign * r["cells"][where]["value"], r["name"].casefold()))
            + sorted(without, key=lambda r: r["name"].casefold()))


def sort_href(month: dt.date, sort: str | None) -> str:
    params = [("month", f"{month:%Y-%m}")] + ([("sort", sort)] if sort else [])
    return "/providers?" + urlencode(params)


def program_tables(snapshot: Snapshot, engine, reader: Reader, month: dt.date, sort: str | None = None
                   ) -> list[dict]:
    """One spec (components/scorecard_table.py's, for assets/scorecard.js) per program with a contract in force
    in `month`, in the programs' order of name; the reader must read the department (`provider_scorecard`)."""
    scope = reader.data_scope()
    frame = provider_scorecard(snapshot, scope, month)
    cells = {(c.entity_id, c.indicator_id): c for c in frame.itertuples(index=False)}
    names = provider_names(snapshot)
    catalogue = {r.indicator_id: r for r in indicator_catalogue(snapshot).itertuples(index=False)}
    imported = imported_catalogue(engine, reader)
    reported = reported_figures(engine, reader, month)
    show_counts = reader.role != "viewer" and not scope.small_cell_min
    tables = []
    for program, contracts in sorted(in_force(current_contracts(engine), month).items()):
        idents = list(dict.fromkeys(m.indicator_id for c in contracts for m in c.metrics))
        columns = [Column(i, catalogue[i], False) if i in catalogue else Column(i, imported[i], True)
                   for i in idents if i in catalogue or i in imported]
        domains = list(dict.fromkeys(c.indicator.domain for c in columns))
        columns.sort(key=lambda c: domains.index(c.indicator.domain))  # a domain's columns under one header
        tables.append(_table(program, columns, contracts, names, cells, reported, month, sort, show_counts))
    return tables


def _table(program, columns, contracts, names, cells, reported, month, sort, show_counts) -> dict:
    indicators = [c.indicator for c in columns]
    starts = _starts(indicators)
    domains = domain_headers(indicators)
    specs = []
    for n, c in enumerate(columns):
        unit = c.unit()
        next_sort = f"-{c.indicator_id}" if sort == c.indicator_id else c.indicator_id
        order = "best first" if next_sort.startswith("-") else "worst first"
        specs.append({
            "indicator": c.indicator_id, "domain": c.indicator.domain, "name": c.name,
            "text": header_text(c.name, unit), "unit": unit, "start": n in starts,
            "standard": standard_short(c.indicator),
            "standard_title": f"{c.name}: catalogue standard, " + (standard_words(c.indicator) if not c.imported
                                                                     else standard_short(c.indicator)),
            "href": sort_href(month, next_sort),
            "title": f"{c.name} ({unit}): sort the {program} providers by it, {order}"})
    rows = []
    for contract in contracts:
        name = names.get(contract.provider_id) or contract.provider_id
        line = [_cell(c, contract, name, cells, reported, month, show_counts) for c in columns]
        rows.append({"entity": f"provider:{contract.provider_id}", "name": name, "href": None, "cells": line,
                     "title": f"{name}: contract {contract.id}, {contract.start:%-d %B %Y} to "
                              f"{contract.end:%-d %B %Y}, reviewed {contract.cadence}"})
    rows = _sort_rows(rows, columns, sort)
    for row in rows:  # the sort's key stays here: the browser gets the value as the cell shows it
        for cell in row["cells"]:
            del cell["value"]
    return {"caption": f"{program}: providers, {month:%B %Y}", "corner": f"{program} providers",
            "standard": "Catalogue standard", "domains": domains, "columns": specs, "rows": rows, "flag": None,
            "first_rows": 0, "program": program, "keep_place": False}
