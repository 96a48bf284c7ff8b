"""The provider scorecard (/providers): for one month, each provider with a contract in force × the metrics its
program's contracts hold providers to, each cell coloured against that provider's own contract target and floor.

A computed metric's value is the provider's cell (queries/scorecard.py `provider_scorecard`, with the same
minimum-n and disclosure as every cell); an imported one's is the provider's reported figure for the period
containing the month, or else the latest period reported before it, from the newest version of a source holding
it (store/aggregates.py). The table is the scorecard's (components/scorecard_table.py's spec, drawn by
assets/scorecard.js), one per program, its first row the program's aggregate (queries/providers.py
`program_cells`: every provider of the program's members together, with a viewer's protections).

A provider's own staff (a provider scope) get their own provider's rows and, of the others, only the program's
aggregate: never another provider's name, contract or figure.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from access.roles import Reader
from components.links import ProviderView
from components.scorecard_table import _starts, domain_headers, header_text
from display.format import (STATUS_STYLE, format_value, published_unit, published_value, standard_short,
                            standard_words, status_class, threshold, unit_of)
from measures.contracts import Contract, Metric, contract_status
from queries.providers import program_cells
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
PROGRAM_COLOUR = "#F1F3F5"  # the program's aggregate: no contract of its own, so never a status colour


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


@dataclass(frozen=True)
class Reported:
    """A provider's reported figure for a month: the latest period reported at or before it (`current`: the period
    holds the month), from the newest version of a source holding it."""
    row: dict
    source: str
    indicator: object
    current: bool

    @property
    def label(self) -> str:
        return str(self.row["period_label"])


def reported_figures(engine, reader: Reader, month: dt.date) -> dict[tuple[str, str], Reported]:
    """{(provider_id, indicator_id): `Reported`}: each provider's reported figure for the period holding `month`,
    or else for the latest period before it (reports come a quarter behind the data: October's quarter is not
    reported in October), from the newest version of the source holding it (the newest import first)."""
    last = month_end(month)
    found: dict = {}
    for version in sorted(sources(engine), key=lambda v: v.id, reverse=True):
        source = as_shown_to(newest_source(engine, reader, version.source), reader)
        rows = overall(source)
        rows = rows[(rows.entity_type == "provider") & (rows.period_start <= last)]
        rows = rows.sort_values(["period_end", "period_start"], ascending=False, kind="stable")
        for row in rows.to_dict("records"):
            key = (row["entity_id"], row["indicator_id"])
            held = found.get(key)
            if held is None or row["period_end"] > held.row["period_end"]:  # a later period of an older import
                found[key] = Reported(row, source.name, source.indicators[row["indicator_id"]],
                                      row["period_end"] >= last)
    return found


def reported_series(engine, reader: Reader, provider_id: str, indicator_id: str, first: dt.date, last: dt.date
                    ) -> pd.DataFrame:
    """One provider's reported figures of one indicator for the periods meeting `first` to `last` (the first day of
    the last month), oldest first: period, period_label, period_start, period_end, numerator, denominator, value,
    status and source; each period from the newest version of a source holding it."""
    end = month_end(last)
    found: dict = {}
    for version in sorted(sources(engine), key=lambda v: v.id, reverse=True):
        source = as_shown_to(newest_source(engine, reader, version.source), reader)
        rows = overall(source)
        rows = rows[(rows.entity_type == "provider") & (rows.entity_id == provider_id)
                    & (rows.indicator_id == indicator_id) & (rows.period_start <= end) & (rows.period_end >= first)]
        for row in rows.to_dict("records"):
            found.setdefault(row["period"], {**row, "source": source.name})
    columns = ["period", "period_label", "period_start", "period_end", "numerator", "denominator", "value", "status",
               "source"]
    frame = pd.DataFrame(list(found.values())).reindex(columns=columns)
    return frame.sort_values(["period_end", "period_start"], kind="stable").reset_index(drop=True)


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


def provider_href(provider_id: str, month: dt.date | None = None) -> str:
    """The provider's own page (pages/provider.py), in `month`."""
    return ProviderView(provider_id, month).href()


def _reported_lines(found: Reported, column: Column, month: dt.date, value: float, show_counts: bool) -> list[str]:
    counts = ""
    if show_counts and column.indicator.kind == "proportion" and not pd.isna(found.row["denominator"]) \
            and found.row["denominator"] is not None:
        counts = f" ({found.row['numerator']} of {found.row['denominator']})"
    lines = [f"Reported for {found.label} ({found.source}): {published_value(column.indicator, value, True)}{counts}"]
    if not found.current:
        lines.append(f"The latest period reported by the end of {month:%B %Y}: the period holding it is not "
                     "reported yet")
    return lines


def _cell(column: Column, contract: Contract, name: str, cells: dict, reported: dict, month: dt.date,
          show_counts: bool, href: str | None = None, period: str | None = None) -> dict:
    """One provider's cell of one metric: its text, status, colour, title, link and sort key. `period`: the period
    its column says (a reported figure of another period says its own)."""
    metric = next((m for m in contract.metrics if m.indicator_id == column.indicator_id), None)
    lines = [name, column.name, f"{month:%B %Y}"]
    label = None
    if metric is None:
        status, value = "not in contract", None
        lines.append(f"Not in {contract.id}: the contract sets no target for it")
    else:
        if column.imported:
            found = reported.get((contract.provider_id, column.indicator_id))
            value = None if found is None or pd.isna(found.row["value"]) else float(found.row["value"])
            if found is None:
                status = "not reported"
                lines.append(f"Not reported for {month:%B %Y} or any period before it")
            elif found.row["status"] == "suppressed":
                status, value = "suppressed", None
                lines.append(f"Reported for {found.label}: hidden (small numbers)")
            elif value is None:
                status = "not reported"
                lines.append(f"Not reported for {found.label} (withheld or not applicable)")
            else:
                status = contract_status(value, metric, column.indicator.direction)
                lines += _reported_lines(found, column, month, value, show_counts)
            if found is not None and found.label != period:
                label = found.label
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
    if label and status != "not in contract":
        text += f" ({label})"
    return {"text": text, "status": status_class(STYLE_OF[status]) + f" provider-{status.replace(' ', '-')}",
            "colour": style["colour"], "title": "\n".join(lines),
            "href": href if metric is not None else None,
            "value": value if status in ("green", "yellow", "red") else None}


def _program_cell(column: Column, program: str, aggregate: dict, month: dt.date, show_counts: bool,
                  provider_reader: bool) -> dict:
    """The program's aggregate of one metric: never coloured (the program has no contract of its own)."""
    lines = [f"{program}: every provider of the program, their members together", column.name, f"{month:%B %Y}"]
    if column.imported:
        text = "—"
        lines.append("Not summed: each provider reports its own figure")
    else:
        cell = aggregate.get(column.indicator_id)
        if cell is None:
            text = "—"
            lines.append("No aggregate: a median does not add up, or no other provider has members this month"
                         if column.indicator.kind == "median" or not provider_reader else
                         "Not shown: no other provider of the program has members this month")
        elif cell.status == "suppressed" or pd.isna(cell.value):
            text = CONTRACT_STATUS["suppressed"]["symbol"]
            lines.append("Hidden: it would give a provider's own figures away (small numbers, or a figure that "
                         "would say what a hidden one is)")
        else:
            text = column.shown(float(cell.value)).rstrip("%")
            counts = (f" ({cell.numerator:,.0f} of {cell.denominator:,.0f})"
                      if show_counts and not pd.isna(cell.denominator) and column.indicator.kind == "proportion"
                      else "")
            lines.append(f"The program: {format_value(column.indicator.kind, float(cell.value), True)}{counts}")
    return {"text": text, "status": "provider-program", "colour": PROGRAM_COLOUR, "title": "\n".join(lines),
            "href": None, "value": None}


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


@dataclass(frozen=True)
class Program:
    """What one program shows a reader in one month: its contracts in force (a provider's staff: their own only),
    the metrics they hold providers to, and every figure the cells are made from."""
    name: str
    month: dt.date
    contracts: list[Contract]       # the rows: the contracts shown
    columns: list[Column]
    cells: dict                     # {(provider_id, indicator_id): a provider cell}
    reported: dict                  # {(provider_id, indicator_id): Reported}
    aggregate: dict                 # {indicator_id: the program's aggregate} (`program_cells`)
    names: dict                     # {provider_id: name}, of the providers shown only
    show_counts: bool               # numerators and denominators in the titles (not for a small-cell reader)
    provider_reader: bool

    def periods(self) -> dict[str, str | None]:
        """{indicator_id: the period most of a reported column's cells show} (None for a computed column)."""
        found = {}
        for column in self.columns:
            labels = [r.label for c in self.contracts
                      if (r := self.reported.get((c.provider_id, column.indicator_id))) is not None]
            found[column.indicator_id] = max(set(labels), key=labels.count) if labels and column.imported else None
        return found


def programs(snapshot: Snapshot, engine, reader: Reader, month: dt.date, provider_id: str | None = None
             ) -> list[Program]:
    """Each program with a contract in force in `month` that the reader reads, in the programs' order of name.

    The whole department's readers read every provider (`provider_id`: only the programs that provider has a
    contract in, with their columns the metrics of its own contract); a provider's staff read their own provider
    (their programs, their contracts' metrics, their own rows) and the programs' aggregates."""
    scope = reader.data_scope()
    own = scope.entity_id if scope.is_provider else provider_id
    frame = provider_scorecard(snapshot, scope, month)
    cells = {(c.entity_id, c.indicator_id): c for c in frame.itertuples(index=False)}
    catalogue = {r.indicator_id: r for r in indicator_catalogue(snapshot).itertuples(index=False)}
    imported = imported_catalogue(engine, reader)
    reported = reported_figures(engine, reader, month)
    show_counts = scope.is_provider or (reader.role != "viewer" and not scope.small_cell_min)
    found = []
    for program, contracts in sorted(in_force(current_contracts(engine), month).items()):
        everyone = [c.provider_id for c in contracts]
        mine = [c for c in contracts if c.provider_id == own]
        if own is not None and not mine:
            continue
        shown = mine if scope.is_provider else contracts
        idents = list(dict.fromkeys(m.indicator_id for c in (mine if own is not None else contracts)
                                    for m in c.metrics))
        columns = [Column(i, catalogue[i], False) if i in catalogue else Column(i, imported[i], True)
                   for i in idents if i in catalogue or i in imported]
        domains = list(dict.fromkeys(c.indicator.domain for c in columns))
        columns.sort(key=lambda c: domains.index(c.indicator.domain))  # a domain's columns under one header
        aggregate = program_cells(snapshot, scope, month, everyone, [c.indicator_id for c in columns
                                                                     if not c.imported])
        names = provider_names(snapshot)
        found.append(Program(program, month, shown, columns, cells, reported, aggregate,
                             {c.provider_id: names.get(c.provider_id) or c.provider_id for c in shown},
                             show_counts, scope.is_provider))
    return found


def program_rows(data: Program, cell_href=None, name_href=None) -> list[dict]:
    """The program's aggregate, then a row per contract shown: each with its name, title and cells. `cell_href`
    (contract, column) and `name_href` (provider_id) give the links (None: none)."""
    periods = data.periods()
    rows = [{"entity": f"program:{data.name}", "name": f"{data.name}: the program",
             "title": (f"{data.name}: every provider of the program with a contract in force, their members "
                       "together" + (" (no other provider's own figures)" if data.provider_reader else "")),
             "href": None,
             "cells": [_program_cell(c, data.name, data.aggregate, data.month, data.show_counts, data.provider_reader)
                       for c in data.columns]}]
    for contract in data.contracts:
        name = data.names[contract.provider_id]
        line = [_cell(c, contract, name, data.cells, data.reported, data.month, data.show_counts,
                      cell_href(contract, c) if cell_href else None, periods[c.indicator_id])
                for c in data.columns]
        rows.append({"entity": f"provider:{contract.provider_id}", "name": name,
                     "href": name_href(contract.provider_id) if name_href else None, "cells": line,
                     "title": f"{name}: contract {contract.id}, {contract.start:%-d %B %Y} to "
                              f"{contract.end:%-d %B %Y}, reviewed {contract.cadence}"})
    return rows


def program_tables(snapshot: Snapshot, engine, reader: Reader, month: dt.date, sort: str | None = None
                   ) -> list[dict]:
    """One spec (components/scorecard_table.py's, for assets/scorecard.js) per program with a contract in force
    in `month`, in the programs' order of name; each provider's name and cells open its page."""
    return [_table(data, sort) for data in programs(snapshot, engine, reader, month)]


def _table(data: Program, sort: str | None) -> dict:
    program, month, columns = data.name, data.month, data.columns
    indicators = [c.indicator for c in columns]
    starts = _starts(indicators)
    domains = domain_headers(indicators)
    periods = data.periods()
    specs = []
    for n, c in enumerate(columns):
        unit = c.unit()
        next_sort = f"-{c.indicator_id}" if sort == c.indicator_id else c.indicator_id
        order = "best first" if next_sort.startswith("-") else "worst first"
        specs.append({
            "indicator": c.indicator_id, "domain": c.indicator.domain, "name": c.name,
            "text": header_text(c.name, unit), "unit": unit, "start": n in starts,
            "period": f"reported {periods[c.indicator_id]}" if periods[c.indicator_id] else None,
            "standard": standard_short(c.indicator),
            "standard_title": f"{c.name}: catalogue standard, " + (standard_words(c.indicator) if not c.imported
                                                                     else standard_short(c.indicator)),
            "href": sort_href(month, next_sort),
            "title": f"{c.name} ({unit}): sort the {program} providers by it, {order}"})
    rows = program_rows(data, lambda contract, _column: provider_href(contract.provider_id, month),
                        lambda provider_id: provider_href(provider_id, month))
    rows = rows[:1] + _sort_rows(rows[1:], columns, sort)
    for row in rows:  # the sort's key stays here: the browser gets the value as the cell shows it
        for cell in row["cells"]:
            del cell["value"]
    return {"caption": f"{program}: providers, {month:%B %Y}", "corner": f"{program} providers",
            "standard": "Catalogue standard", "domains": domains, "columns": specs, "rows": rows, "flag": None,
            "first_rows": 1, "program": program, "keep_place": False}
