"""A provider's performance review on the meeting page: its contract's metrics as one row of the scorecard's table,
coloured against the contract's own target and floor (the provider scorecard's colours and words), an agenda
item's card with its trend against the target beside the program's aggregate, and who may own an action.

Pure: a `store.meeting_book.Book` (its `numbers.review`, store/review_numbers.py) in, Dash components and figure
dicts out. The data book draws the same trend (databook/slides.py).
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components.charts import _line, action_key, trend_figure
from components.meeting import _graph, _item_buttons, _notes, source_line, status_chip, trend_key
from components.provider_scorecard import CONTRACT_STATUS, STYLE_OF
from components.scorecard_table import _starts, domain_headers, header_text
from display.format import status_class
from measures.contracts import person
from queries.performance import Entity, Trend
from store.meeting_book import Book
from store.meetings import AgendaItem
from store.review_numbers import ContractLine, ProviderReview

MANAGER = "the contract manager"


def _style(line: ContractLine) -> dict:
    return CONTRACT_STATUS.get(line.status, CONTRACT_STATUS["not reported"])


def line_chip_text(line: ContractLine) -> str:
    """A line's value as its cell says it: the status's symbol and the value ("✓ 92.1%"), or what it lacks."""
    if line.rated:
        return f"{_style(line)['symbol']} {line.value_text}"
    return line.words


def line_title(line: ContractLine, provider_name: str) -> list[str]:
    lines = [provider_name, line.name, line.period]
    if line.rated:
        lines.append(f"Value: {line.value_text}" + (f" ({line.counts})" if line.counts else ""))
    else:
        lines.append(line.words.capitalize())
    lines.append(f"Contract target: {line.target_text}" + (f"; floor (remedy beyond it): {line.floor_text}"
                                                          if line.floor_text else ""))
    if line.imported:
        lines.append(f"Reported by the provider ({line.source})")
    lines.append(f"Status: {line.words}")
    return lines


def contract_table(review: ProviderReview, month, flag_to: str | None = None, on_agenda=()) -> dict:
    """The review's contract as what assets/scorecard.js draws: one row (the provider), a column per metric, each
    cell coloured against the contract; `flag_to`: each cell puts its metric on the agenda (pages/meeting.py)."""
    starts = _starts(review.lines)
    columns = []
    for n, line in enumerate(review.lines):
        unit = "%" if line.kind == "proportion" else ("days" if line.kind == "median" else "")
        target = f"target {'≥' if line.direction == 'higher' else '≤'} {line.target_text}"
        columns.append({"indicator": line.indicator_id, "domain": line.domain, "name": line.name,
                        "text": header_text(line.name, unit), "unit": unit, "start": n in starts,
                        "standard": target, "href": None,
                        "standard_title": f"{line.name}: {target}" + (f", floor {line.floor_text}" if line.floor_text
                                                                    else ""),
                        "title": f"{line.name}" + (" (reported by the provider)" if line.imported else "")})
    key = f"provider:{review.provider_id}"
    agenda = set(on_agenda)
    cells = []
    for line in review.lines:
        style = _style(line)
        title = line_title(line, review.provider_name)
        drawn = {"text": line_chip_text(line).replace(" ", "\u2009", 1) if line.rated else line.words,
                 "status": status_class(STYLE_OF.get(line.status, "none")) + " provider-" + line.status.replace(" ", "-"),
                 "colour": style["colour"], "title": "\n".join(title), "href": None}
        if flag_to is not None:
            listed = (line.indicator_id, key) in agenda
            drawn["agenda"] = listed
            drawn["label"] = (f"{line.name}, {review.provider_name}: {'; '.join(title[3:])}. "
                              + ("On the agenda already." if listed else "Press to add it to the agenda."))
            drawn["title"] += "\n" + ("On the agenda already" if listed else "Press (or Enter) to add it to the agenda")
        cells.append(drawn)
    name = review.provider_name
    rows = [{"entity": key, "name": name, "href": None, "cells": cells,
             "title": f"{name}: contract {review.contract_id}" if review.contract_id else name}]
    return {"caption": f"{name}: contract {review.contract_id}, {month:%B %Y}",
            "corner": f"Contract {review.contract_id}" if review.contract_id else "No contract",
            "standard": "Contract target", "domains": domain_headers(review.lines),
            "columns": columns, "rows": rows, "flag": flag_to, "first_rows": 0, "keep_place": True}


def contract_summary(review: ProviderReview, month) -> html.Div:
    """The contract the review reads, each metric against its target and floor: for everyone who opens it (the
    provider's staff, a closed review's readers), who do not see the table its agenda is flagged from."""
    if not review.contract_id:
        return html.P(f"{review.provider_name} has no contract in force in {month:%B %Y}: the review has no "
                      "contract's metrics to read.", className="text-muted")
    head = ["Contract metric", "Value", "Status", "Target", "Floor (remedy)", "Period"]
    rows = [html.Tr([html.Td(line.name),
                     html.Td(line.value_text + (f" ({line.counts})" if line.counts else "")),
                     html.Td(status_chip(STYLE_OF.get(line.status, "none"),
                                         f"{_style(line)['symbol']} {line.words}".strip())),
                     html.Td(line.target_text), html.Td(line.floor_text or "none"), html.Td(line.period)])
            for line in review.lines]
    return html.Div([
        html.H2(f"Contract {review.contract_id}: {review.program}, reviewed {review.cadence}", className="h5"),
        dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)], bordered=False, hover=True,
                  responsive=True, class_name="review-contract"),
    ])


def review_trend(trend: Trend, line: ContractLine, program: str) -> Trend:
    """`trend` (queries/providers.py `provider_trend`) as the meeting's trend figure draws it: the program's line as
    the parent's, and the bands at the contract's target and floor instead of the catalogue's standard."""
    indicator = trend.indicator.copy()
    indicator["green"] = str(line.target)
    indicator["yellow"] = str(line.floor if line.floor is not None else line.target)
    series = trend.series.copy()
    series["line"] = series.line.replace({"program": "parent"})
    series = series[series.line.isin(("entity", "parent"))]
    parent = Entity("program", program or "program", f"{program} program (all providers)" if program else "program")
    return Trend(indicator, trend.entity, [parent, trend.entity], trend.peers, series)


def review_trend_figure(trend: Trend, line: ContractLine, program: str, actions=()) -> dict:
    """The provider's trend on bands at its contract's target and floor, with its program's line; the line at the
    target labelled as the contract's."""
    figure = trend_figure(review_trend(trend, line, program), actions)
    for note in figure["layout"].get("annotations", []):
        if str(note.get("text", "")).startswith("standard "):
            note["text"] = f"target {line.target_text}"
    if line.floor is not None and line.floor != line.target and figure["data"]:
        shape, note = _line("y", line.floor, "#444", "dot", f"floor {line.floor_text}", "right")
        figure["layout"]["shapes"] = [*figure["layout"].get("shapes", []), shape]
        figure["layout"]["annotations"] = [*figure["layout"].get("annotations", []), note]
    return figure


def review_item_card(book: Book, item: AgendaItem, number: int, editable: bool, present: bool = False) -> dbc.Card:
    """A contract metric on a review's agenda: its value against the contract, the trend, the story."""
    review = book.numbers.review
    line = review.line(item.indicator_id)
    numbers = book.numbers.items.get(item.id)
    name = line.name if line is not None else item.indicator_id
    parts = [html.Div([html.H2(f"{number}. {name} — {item.entity_name}", className="h5 mb-0"),
                       _item_buttons(item, editable)], className="d-flex align-items-center mb-2")]
    if item.source != "flagged" or item.reason:
        parts.append(html.P(source_line(item), className="text-muted"))
    notes = _notes(item, editable, "The story behind the data")
    if line is None or numbers is None:
        parts += [html.P(f"{name} is not a metric of the contract in force: its numbers are not shown."), notes]
        return dbc.Card(dbc.CardBody(parts), class_name="mb-3 meeting-item", id=f"item-{item.id}")
    said = html.P([
        status_chip(STYLE_OF.get(line.status, "none"), line_chip_text(line)),
        html.Span(f"  {line.period}" + (f" ({line.counts})" if line.counts else "") + f": {line.words}. "
                  f"Contract target {line.target_text}" + (f", floor {line.floor_text}" if line.floor_text else "")
                  + "."),
    ])
    actions = [a for a in (*book.carried, *book.new)
               if a.indicator_id == item.indicator_id and a.entity == item.entity]
    trend = _graph(review_trend_figure(numbers.trend, line, review.program, actions), f"meeting-trend-{item.id}",
                   present)
    key = trend_key(action_key(numbers.trend, actions), present)
    about = html.P(f"Beside it: {review.program} program as a whole (every provider with a contract in it), where "
                   "its numbers give no other provider away.", className="small text-muted")
    if present:  # the legend names the program's line; the chart takes the width the side does not need
        side = [p for p in (key, notes if item.notes else None) if p is not None]
        parts.append(html.Div([html.Div([said, trend], className="present-item-main")]
                              + ([html.Div(side, className="present-item-side")] if side else []),
                              className="present-item-body"))
    else:
        parts += [said, trend] + ([key] if key is not None else []) + [about, notes]
    return dbc.Card(dbc.CardBody(parts), class_name="mb-3 meeting-item", id=f"item-{item.id}")


def owner_choices(review: ProviderReview | None) -> list[str]:
    """Who the action form offers as an action's owner in a review: the provider (by its name: what lets its staff
    note on the action) and the contract manager (by name, where the contract names one)."""
    if review is None:
        return []
    found = person(review.manager) if review.manager else None
    return [review.provider_name, f"{found[0]} ({MANAGER})" if found and found[0] != found[1] else MANAGER]
