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

import pyphen

from display.format import (STATUS_STYLE, format_value, standard_short, standard_words, status_class, status_of,
                            unit_of)
from components.heatmap import cell_href, hover_lines, row_href, unique_labels
from components.links import IndicatorView, ScorecardView
from queries.performance import Heatmap


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
    domains, column = [], 0
    for domain, span in _domains(indicators):
        domains.append({"domain": domain, "text": header_text(domain) if span == 1 else domain, "span": span,
                        "start": column in starts})
        column += span
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
