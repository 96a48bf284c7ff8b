"""The scorecard as an HTML table: rows are entities (the parent first), columns indicators under domain headers.

A table rather than a figure, so that its headers can stick while a long listing scrolls, every name and
cell is a real link (keyboard, open in a new tab) and the headers wrap instead of slanting. Each cell shows
its status symbol and value on its status colour; its title says what the figure's hover said.

The DOM contract, read by tests and by presentation mode (keep it so):
- the table is inside the element the page gives the id `scorecard-heatmap`;
- every row header and cell carries `data-entity="LEVEL:ID"`;
- every column header and cell carries `data-indicator="ID"` and `data-domain="<domain>"`; a domain's
  header (spanning its columns) and a column's standard (the header row under the names) carry `data-domain` too;
- on a meeting's page (`flag_to`), every cell is a button (Enter, Space or a click) that puts it on the agenda:
  the browser sets the `data` of the Dash store `flag_to` names to `{"indicator": ID, "entity": "LEVEL:ID"}`.
The table is drawn in the browser (assets/scorecard.js) from the plain data `scorecard_table` returns:
as Dash components, its thousands of cells took Dash's renderer seconds per dozen rows (20 s for an office's
45 workers). The script sets every text with `textContent` and every attribute with `setAttribute`, so a
name is text, never markup, with nothing escaped by hand.
"""
from __future__ import annotations

import re

import pandas as pd
import pyphen

from display.format import (STATUS_STYLE, format_value, published_amount, published_unit, published_value,
                            standard_short, standard_words, status_class, status_of, unit_of)
from components.heatmap import cell_href, hover_lines, row_href, unique_labels
from components.links import IndicatorView, ScorecardView, SourceIndicatorView, SourceScorecardView
from queries.performance import Heatmap
from store.aggregates import SourceScorecard


LONG_WORD = re.compile(r"[A-Za-z]{7,}")
SOFT_HYPHEN = "\u00ad"
# English hyphenation patterns (pyphen: LibreOffice's dictionaries); never after a word's first letter, nor in
# its last 3.
HYPHENATOR = pyphen.Pyphen(lang="en_US", left=2, right=3)


def header_text(name: str, unit: str = "") -> str:
    """A column's name as its narrow header shows it: long words may break between syllables (hyphenated where
    they do), and after a slash; a closing parenthesis that only restates the unit line under it ("(victimizations
    per 100,000 days)" over "per 100,000 days") is left to that line. Chromium hyphenates by dictionary only where
    it has one, which a server without a network does not: this does not wait for it."""
    if unit and unit not in ("%", "count"):
        name = re.sub(r"\s*\([^()]*" + re.escape(unit) + r"[^()]*\)$", "", name) or name
    hyphenated = LONG_WORD.sub(lambda m: HYPHENATOR.inserted(m.group(), hyphen=SOFT_HYPHEN), name)
    return hyphenated.replace("/", "/\u200b")


def cell_text(indicator, cell) -> str:
    """A cell's symbol and value, without the unit its column header carries: '✕ 92.1', '! 2.86', '349'."""
    status = status_of(cell)
    symbol = STATUS_STYLE[status]["symbol"]
    if status in ("no data", "suppressed"):
        return symbol
    value = format_value(indicator.kind, cell.value).rstrip("%")
    return f"{symbol}\u2009{value}" if symbol else value  # a thin space: 28 columns fit at 1920 px


def _entity_key(row) -> str:
    return f"{row.level}:{row.entity_id}"


def _domains(indicators) -> list[tuple[str, int]]:
    """(domain, number of its columns), in the columns' order."""
    spans: list[tuple[str, int]] = []
    for indicator in indicators:
        if spans and spans[-1][0] == indicator.domain:
            spans[-1] = (indicator.domain, spans[-1][1] + 1)
        else:
            spans.append((indicator.domain, 1))
    return spans


def _starts(indicators) -> set[int]:
    """The columns that open a domain after the first (a rule sets them off)."""
    return {n for n in range(1, len(indicators)) if indicators[n].domain != indicators[n - 1].domain}


def domain_headers(indicators) -> list[dict]:
    """The domain row over the columns: each domain's text, how many columns it spans, and whether a rule opens it
    (every table assets/scorecard.js draws: the agency's, a published source's, the providers')."""
    starts = _starts(indicators)
    headers, column = [], 0
    for domain, span in _domains(indicators):
        headers.append({"domain": domain, "text": header_text(domain) if span == 1 else domain, "span": span,
                        "start": column in starts})
        column += span
    return headers


def scorecard_table(data: Heatmap, view: ScorecardView, flag_to: str | None = None, on_agenda=()) -> dict:
    """One month of the scorecard as what assets/scorecard.js draws: headers (each column's standard under its
    name), rows and their cells, each with its text, link and title; `view` gives what the links carry. Plain JSON,
    so the browser receives it in one piece.

    `flag_to`: a meeting's table, whose cells put themselves on the agenda through the store of that id instead of
    opening the indicator; `on_agenda`, the (indicator_id, "LEVEL:ID") already on it, are marked."""
    indicators = list(data.indicators.itertuples(index=False))
    starts = _starts(indicators)
    labels = unique_labels(data.rows.entity_name.tolist(), data.rows.entity_id.tolist())
    cells = {(c.level, c.entity_id, c.indicator_id): c for c in data.cells.itertuples(index=False)}
    domains = domain_headers(indicators)
    columns = [{"indicator": i.indicator_id, "domain": i.domain, "name": i.name,
                "text": header_text(i.name, unit_of(i, short=True)), "unit": unit_of(i, short=True),
                "start": n in starts,
                "standard": standard_short(i), "standard_title": f"{i.name}: {standard_words(i)}",
                "href": IndicatorView(i.indicator_id, view.month, view.parent, view.level).href(),
                "title": f"{i.name} ({unit_of(i, short=True)}): open the indicator"} for n, i in enumerate(indicators)]
    agenda = set(on_agenda)
    rows = []
    for n, (row, label) in enumerate(zip(data.rows.itertuples(index=False), labels)):
        line = []
        for indicator in indicators:
            cell = cells.get((row.level, row.entity_id, indicator.indicator_id))
            status = status_of(cell)
            title = hover_lines(indicator, label, cell)
            drawn = {"text": cell_text(indicator, cell), "status": status_class(status),
                     "colour": STATUS_STYLE[status]["colour"], "title": "\n".join(title)}
            if flag_to is None:
                drawn["href"] = cell_href(view, indicator.indicator_id, row)
            else:
                listed = (indicator.indicator_id, _entity_key(row)) in agenda
                drawn["agenda"] = listed
                said = [line for line in title[2:] if not line.startswith(("Standard", "Since"))]
                drawn["label"] = (f"{indicator.name}, {label}: {'; '.join(said)}. "
                                  + ("On the agenda already." if listed else "Press to add it to the agenda."))
                drawn["title"] += "\n" + ("On the agenda already" if listed else "Press (or Enter) to add it to the agenda")
            line.append(drawn)
        rows.append({"entity": _entity_key(row), "name": label, "href": row_href(data, view, n, row),
                     "cells": line})
    return {"caption": f"{data.parent.name}: {data.level}s, {data.month:%B %Y}",
            "corner": f"{data.parent.name} and its {data.level}s", "standard": "Standard",
            "domains": domains, "columns": columns, "rows": rows, "flag": flag_to}


# -- a published source's scorecard (/scorecard?source=NAME): the same table, drawn by the same script ----------

def source_status(status: str) -> str:
    """A published figure's status as STATUS_STYLE names it: a missing one is drawn as unrated (white), never
    coloured; its text says it was not published."""
    return "none" if status in ("none", "missing") else status


def source_cell_title(indicator, label: str, column, cell) -> list[str]:
    """What a published cell's hover says: the row, the indicator and period, the value (with what it is made of
    when the reader may see it), the standard and the status."""
    lines = [label, indicator.name, f"Period: {column.period_label}"]
    if cell is None or cell.get("value") is None or pd.isna(cell.get("value")):
        return lines + ["Not published for this period (suppressed or not applicable)"]
    amount = published_amount(indicator, cell.get("numerator"), cell.get("denominator"))
    lines.append(f"Value: {published_value(indicator, cell['value'], True)}" + (f" ({amount})" if amount else ""))
    if indicator.coloured:
        lines.append(f"Standard: {standard_short(indicator).replace(chr(0x202f), ' ')} "
                     f"({'higher' if indicator.direction == 'higher' else 'lower'} is better)")
        lines.append(f"Status: {STATUS_STYLE[cell['status']]['symbol']} {STATUS_STYLE[cell['status']]['label']}")
    else:
        lines.append("No standard: context, not rated")
    return lines


def source_table(card: SourceScorecard, view: SourceScorecardView) -> dict:
    """A published source's scorecard as what assets/scorecard.js draws (the spec `scorecard_table` returns):
    rows its entities (the nation first), columns its indicators by domain, each with its standard and the period it
    shows; each cell its status's colour and symbol, or 'not published'; a cell and a column's name open the
    indicator's page of the source (a cell with its row's trend). A row's name is text: there is no page for it."""
    indicators = [c.indicator for c in card.columns]
    starts = _starts(indicators)
    domains = domain_headers(indicators)
    columns = []
    for n, c in enumerate(card.columns):
        i = c.indicator
        unit = published_unit(i, short=True)
        columns.append({
            "indicator": i.id, "domain": i.domain, "name": i.name, "text": header_text(i.name, unit), "unit": unit,
            "period": c.period_label, "start": n in starts, "standard": standard_short(i),
            "standard_title": f"{i.name}: " + (f"{'higher' if i.direction == 'higher' else 'lower'} is better; "
                                               f"{standard_short(i)} meets the standard" if i.coloured
                                               else "no standard: context, not rated"),
            "href": SourceIndicatorView(i.id, view.source, view.period).href(),
            "title": f"{i.name} ({published_unit(i)}), {c.period_label}: open the indicator"})
    labels = unique_labels(card.rows.entity_name.tolist(), card.rows.entity_id.tolist())
    rows = []
    for row, label in zip(card.rows.itertuples(index=False), labels):
        line = []
        for c in card.columns:
            cell = card.cells.get((row.entity_type, row.entity_id, c.indicator.id))
            status = "missing" if cell is None else cell["status"]
            shown = source_status(status)
            text = "not published" if status == "missing" else (
                f"{STATUS_STYLE[shown]['symbol']}\u2009" * bool(STATUS_STYLE[shown]["symbol"])
                + published_value(c.indicator, cell["value"]).rstrip("%"))
            line.append({"text": text, "status": status_class(shown) + (" status-not-published" * (status == "missing")),
                         "colour": STATUS_STYLE[shown]["colour"],
                         "title": "\n".join(source_cell_title(c.indicator, label, c, cell)),
                         "href": SourceIndicatorView(c.indicator.id, view.source, view.period, row.entity_id).href()})
        rows.append({"entity": f"{row.entity_type}:{row.entity_id}", "name": label, "href": None, "cells": line})
    kinds = f"{card.entity_type}s"
    first = ", ".join(card.rows[card.rows["first"]].entity_name.tolist())
    corner = f"{first} and the {kinds}" if first else f"The {kinds}"
    when = "the latest period of each indicator" if view.period is None else card.columns[0].period_label \
        if card.columns else view.period
    return {"caption": f"{card.source.name}: {kinds}, {when}", "corner": corner, "standard": "Standard",
            "domains": domains, "columns": columns, "rows": rows, "flag": None,
            "first_rows": int(card.rows["first"].sum())}
