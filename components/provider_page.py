"""The provider page's builders (pages/provider.py): a delegate agency's contracts and their terms, each contract
metric's trend against the contract's target and floor beside its program's aggregate, the peers of its program
in one month, and the history of its performance reviews. Pure: data in, Dash components and Plotly dicts out.

Every figure has its text beside it: a sentence saying the month's figure against the contract, and the figure's
numbers as a table (folded under its summary), so a screen reader, a printout and the back of a room read the same.
Every name enters a figure through `figure_text.literal`.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.charts import LINE_COLOURS, NOTE_PX, PLAIN, empty_figure
from components.figure_text import literal
from components.links import MembersView, ProviderView
from components.provider_scorecard import (CONTRACT_STATUS, Column, Program, contract_status, month_end,
                                           program_rows)
from access.scope import EntityRef
from display.format import format_value, published_value, standard_short
from measures.contracts import Contract, Metric
from queries.performance import Trend

TARGET_COLOUR, FLOOR_COLOUR = "#1B7F4B", "#B03A00"   # the contract's lines: dark enough on white, not the bands
PROGRAM_COLOUR = LINE_COLOURS["parent"]
TYPE_WORDS = {"foster_family_agency": "foster family agency", "in_home_services": "in-home services agency"}


def provider_type(text) -> str | None:
    """A provider's type as a sentence reads it ('foster family agency'); None when the extract gives none."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
        return None
    return TYPE_WORDS.get(str(text), str(text).replace("_", " "))


def contract_on(contracts: list[Contract], provider_id: str, program: str, day: dt.date) -> Contract | None:
    """The provider's contract of `program` in force on `day` (of two, the one starting last)."""
    found = [c for c in contracts if c.provider_id == provider_id and c.program == program and c.in_force(day)]
    return max(found, key=lambda c: c.start) if found else None


def metric_of(contract: Contract | None, indicator_id: str) -> Metric | None:
    if contract is None:
        return None
    return next((m for m in contract.metrics if m.indicator_id == indicator_id), None)


def _number(value) -> float | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) \
        else float(value)


# -- the contracts' terms --------------------------------------------------------------------------------------

def contract_terms(contract: Contract, columns: dict[str, Column], in_force: bool) -> dbc.Card:
    """One contract: its id, program, days and reviewing cadence, and each metric's target and floor beside the
    catalogue's standard."""
    rows = []
    for metric in contract.metrics:
        column = columns.get(metric.indicator_id)
        name = column.name if column else metric.indicator_id
        shown = column.shown if column else (lambda v: f"{v:g}")
        rows.append(html.Tr([
            html.Th(name, scope="row", className="fw-normal"),
            html.Td(shown(float(metric.target)), className="text-end"),
            html.Td("—" if metric.floor is None else shown(float(metric.floor)), className="text-end"),
            html.Td(standard_short(column.indicator) if column else "—", className="text-end"),
            html.Td("reported by the provider" if column and column.imported else "computed from the case data"),
        ]))
    head = html.Thead(html.Tr([html.Th("Metric", scope="col"), html.Th("Contract target", scope="col",
                                                                       className="text-end"),
                               html.Th("Floor (remedy beyond it)", scope="col", className="text-end"),
                               html.Th("Catalogue standard", scope="col", className="text-end"),
                               html.Th("Figures", scope="col")]))
    state = "in force" if in_force else "not in force this month"
    return dbc.Card(dbc.CardBody([
        html.H3(f"{contract.program}: contract {contract.id}", className="h6 card-title mb-1"),
        html.P(f"{contract.start:%-d %B %Y} to {contract.end:%-d %B %Y} ({state}); performance reviewed "
               f"{contract.cadence}.", className="mb-2"),
        dbc.Table([head, html.Tbody(rows)], size="sm", bordered=False, className="mb-0 provider-terms"),
    ]), class_name="mb-2 provider-contract")


def other_contracts(contracts: list[Contract], shown: list[Contract]) -> html.P | None:
    """The provider's other contracts (ended, or not started): one line naming each."""
    rest = sorted((c for c in contracts if c not in shown), key=lambda c: c.start)
    if not rest:
        return None
    return html.P("Other contracts: " + "; ".join(f"{c.id} ({c.program}, {c.start:%-d %b %Y} to {c.end:%-d %b %Y})"
                                                 for c in rest) + ".", className="text-muted small mb-2")


# -- one computed metric over time -----------------------------------------------------------------------------

def contract_lines(contracts: list[Contract], provider_id: str, program: str, indicator_id: str,
                   months) -> pd.DataFrame:
    """month, target, floor: the contract in force at each month's end (none between contracts)."""
    rows = []
    for month in months:
        month = pd.Timestamp(month).date()
        metric = metric_of(contract_on(contracts, provider_id, program, month_end(month)), indicator_id)
        rows.append({"month": pd.Timestamp(month), "target": None if metric is None else float(metric.target),
                     "floor": None if metric is None or metric.floor is None else float(metric.floor)})
    return pd.DataFrame(rows, columns=["month", "target", "floor"])


def _against(value, metric: Metric | None, direction) -> str | None:
    """The month's status against the contract in force then: green, yellow, red (None: no value or contract)."""
    if value is None or metric is None:
        return None
    return contract_status(value, metric, direction)


def _contract_statuses(series: pd.DataFrame, lines: pd.DataFrame, column: Column) -> list[str | None]:
    targets = lines.set_index("month")
    out = []
    for month, value, status in zip(series.month, series.value, series.status):
        target = targets.target.get(pd.Timestamp(month))
        if status in ("insufficient", "suppressed") or target is None or pd.isna(target):
            out.append(status if status in ("insufficient", "suppressed") else None)
            continue
        floor = targets.floor.get(pd.Timestamp(month))
        metric = Metric(column.indicator_id, Decimal(str(target)),
                        None if floor is None or pd.isna(floor) else Decimal(str(floor)))
        out.append(_against(_number(value), metric, column.indicator.direction))
    return out


def _axis(kind: str, values) -> list[float] | None:
    seen = [v for v in (_number(v) for v in values) if v is not None]
    if not seen:
        return None
    if kind == "count":
        return [0, max(seen) * 1.1 or 1.0]
    low, high = min(seen), max(seen)
    pad = max((high - low) * 0.12, abs(high) * 0.01, 0.5)
    low, high = max(low - pad, 0.0), high + pad
    if kind == "proportion" and max(seen) <= 100:
        high = min(high, 100.0)
    return [low, high]


def _step(name: str, x, y, colour: str, dash: str) -> dict:
    return {"type": "scatter", "x": x, "y": y, "name": name, "mode": "lines",
            "line": {"color": colour, "width": 3, "dash": dash, "shape": "hv"}, "connectgaps": False,
            "hovertemplate": f"{name}: %{{y}}<extra></extra>"}


def _end_label(x, y, text: str, colour: str) -> dict | None:
    """A line's name at its right end, outside the plot, where a room reads it without the legend."""
    points = [(a, b) for a, b in zip(x, y) if b is not None and not pd.isna(b)]
    if not points:
        return None
    return {"x": 1, "xref": "paper", "xanchor": "left", "xshift": 6, "y": points[-1][1], "yref": "y",
            "text": text, "showarrow": False, "font": {"size": NOTE_PX, "color": colour}}


def provider_trend_figure(data: Trend, column: Column, lines: pd.DataFrame) -> dict:
    """The provider's monthly values (each point coloured by its status against the contract in force that
    month), its program's aggregate, the other providers' median (for the department's readers), and the
    contract's target and floor as lines that step where the contract changed."""
    indicator, series = data.indicator, data.series
    own = series[series.line == "entity"]
    if own.value.dropna().empty and lines.target.dropna().empty:
        return empty_figure(f"{literal(data.entity.name)} has no members for this metric in these months")
    x = [f"{m:%Y-%m-%d}" for m in lines.month]
    traces, notes = [], []
    for key, name, colour, dash in (("target", "Contract target", TARGET_COLOUR, "solid"),
                                    ("floor", "Contract floor (remedy)", FLOOR_COLOUR, "dash")):
        y = [_number(v) for v in lines[key]]
        if any(v is not None for v in y):
            traces.append(_step(name, x, y, colour, dash))
            note = _end_label(x, y, f"{'target' if key == 'target' else 'floor'} "
                              f"{format_value(indicator.kind, [v for v in y if v is not None][-1])}", colour)
            notes.append(note)
    names = {"peers": f"Other providers' median ({literal(data.peers)})",
             "program": "The program (every provider's members)"}
    for line, colour, dash in (("peers", LINE_COLOURS["peers"], "dot"), ("program", PROGRAM_COLOUR, "dash")):
        points = series[series.line == line]
        if points.value.dropna().empty:
            continue
        traces.append({"type": "scatter", "x": [f"{m:%Y-%m-%d}" for m in points.month],
                       "y": [_number(v) for v in points.value], "name": names[line], "mode": "lines",
                       "line": {"color": colour, "width": 2, "dash": dash},
                       "hovertext": [f"{names[line]}<br>{m:%B %Y}: {format_value(indicator.kind, v, True)}"
                                     for m, v in zip(points.month, points.value)],
                       "hovertemplate": "%{hovertext}<extra></extra>"})
    statuses = _contract_statuses(own, lines, column)
    colours = {"green": CONTRACT_STATUS["green"]["colour"], "yellow": CONTRACT_STATUS["yellow"]["colour"],
               "red": CONTRACT_STATUS["red"]["colour"]}
    traces.append({
        "type": "scatter", "x": [f"{m:%Y-%m-%d}" for m in own.month], "y": [_number(v) for v in own.value],
        "name": literal(data.entity.name), "mode": "lines+markers", "cliponaxis": False,  # 100% drawn whole
        "line": {"color": LINE_COLOURS["entity"], "width": 3},
        "marker": {"size": 11, "line": {"color": "#111", "width": 1.5},
                   "color": [colours.get(s, "white") for s in statuses],
                   "symbol": ["x" if s == "red" else "diamond" if s == "yellow" else "circle" for s in statuses]},
        "hovertext": [f"<b>{literal(data.entity.name)}</b><br>{m:%B %Y}: {format_value(indicator.kind, v, True)}"
                      + ("" if pd.isna(d) else f" ({_amount(indicator.kind, n, d)})")
                      + (f"<br>{CONTRACT_STATUS[s]['label']}" if s else "")
                      for m, v, n, d, s in zip(own.month, own.value, own.numerator, own.denominator, statuses)],
        "hovertemplate": "%{hovertext}<extra></extra>"})
    values = list(series.value) + list(lines.target) + list(lines.floor)
    return {"data": traces, "layout": {
        "xaxis": {"type": "date", "dtick": "M3", "tickformat": "%b %Y", "fixedrange": True},
        "yaxis": {"title": {"text": column.unit() if column.unit() != "%" else "percent"}, "fixedrange": True,
                  "range": _axis(indicator.kind, values)},
        "height": 380, "margin": {"t": 24, "l": 90, "r": 130, "b": 40}, "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.15}, "annotations": [n for n in notes if n], **PLAIN}}


def _amount(kind: str, numerator, denominator) -> str:
    if kind == "proportion":
        return f"{numerator:,.0f} of {denominator:,.0f}"
    if kind == "rate":
        return f"{numerator:,.0f} in {denominator:,.0f} days"
    return f"{denominator:,.0f} members"


def trend_summary(data: Trend, column: Column, lines: pd.DataFrame, month: dt.date) -> html.P:
    """The month's figure in one sentence: the value (its counts where the reader has them), against the
    contract then in force, the program's and the catalogue's standard."""
    indicator, series = data.indicator, data.series
    at = pd.Timestamp(month)
    own = series[(series.line == "entity") & (series.month == at)]
    program = series[(series.line == "program") & (series.month == at)]
    target = lines[lines.month == at]
    parts = []
    if own.empty:
        parts.append(f"{month:%B %Y}: no members attributed to {data.entity.name}.")
    else:
        row = own.iloc[0]
        if row.status == "suppressed":
            parts.append(f"{month:%B %Y}: hidden (small numbers).")
        elif row.status == "insufficient":
            parts.append(f"{month:%B %Y}: too few members to rate "
                         f"({format_value(indicator.kind, row.value, True)}).")
        else:
            amount = "" if pd.isna(row.denominator) else f" ({_amount(indicator.kind, row.numerator, row.denominator)})"
            status = _contract_statuses(own, lines, column)[0]
            words = (f", {CONTRACT_STATUS[status]['label']}" if status in ("green", "yellow", "red") else "")
            parts.append(f"{month:%B %Y}: {format_value(indicator.kind, row.value, True)}{amount}{words}.")
    if not target.empty and not pd.isna(target.target.iloc[0]):
        floor = target.floor.iloc[0]
        parts.append(f"Contract target {format_value(indicator.kind, target.target.iloc[0], True)}"
                     + ("" if pd.isna(floor) else f", floor {format_value(indicator.kind, floor, True)}") + ".")
    else:
        parts.append("No contract in force sets a target for it this month.")
    if not program.empty and not pd.isna(program.value.iloc[0]):
        parts.append(f"The program: {format_value(indicator.kind, program.value.iloc[0], True)}.")
    elif not program.empty:
        parts.append("The program's figure is hidden this month.")
    parts.append(f"Catalogue standard {standard_short(indicator).replace(chr(0x202f), ' ')}.")
    return html.P(" ".join(parts), className="provider-metric-summary mb-1")


def trend_table(data: Trend, column: Column, lines: pd.DataFrame) -> html.Details:
    """The figure's numbers, month by month, newest first: the text alternative to the chart."""
    indicator, series = data.indicator, data.series
    wide = series.pivot_table(index="month", columns="line", values="value", aggfunc="first")
    own = series[series.line == "entity"].set_index("month")
    statuses = dict(zip(own.index, _contract_statuses(own.reset_index(), lines, column)))
    targets = lines.set_index("month")
    has = {line: line in wide.columns and not wide[line].dropna().empty for line in ("program", "peers")}
    head = ["Month", data.entity.name, "Against the contract", *(["The program"] if has["program"] else []),
            *(["Other providers' median"] if has["peers"] else []), "Target", "Floor"]
    body = []
    for month in sorted(set(lines.month) | set(wide.index), reverse=True):
        value = wide["entity"].get(month) if "entity" in wide.columns else None
        status = statuses.get(month)
        own_status = own.status.get(month) if month in own.index else None
        shown = ("hidden" if own_status == "suppressed" else
                 format_value(indicator.kind, value, True) if _number(value) is not None else "—")
        cells = [html.Th(f"{month:%b %Y}", scope="row", className="fw-normal"), html.Td(shown),
                 html.Td("too few to rate" if own_status == "insufficient" else
                         CONTRACT_STATUS[status]["label"] if status in ("green", "yellow", "red") else "—")]
        for line in ("program", "peers"):
            if has[line]:
                v = wide[line].get(month)
                cells.append(html.Td(format_value(indicator.kind, v, True) if _number(v) is not None else "—"))
        for key in ("target", "floor"):
            v = targets[key].get(month) if month in targets.index else None
            cells.append(html.Td(format_value(indicator.kind, v, True) if _number(v) is not None else "—"))
        body.append(html.Tr(cells))
    table = dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(body)],
                      size="sm", striped=True, className="mb-0 provider-trend-table")
    return html.Details([html.Summary(f"{column.name}: the figures as a table", className="small"), table],
                        className="provider-figures mb-2")


# -- one reported (imported) metric over its periods -----------------------------------------------------------

def reported_figure(name: str, column: Column, periods: pd.DataFrame, lines: pd.DataFrame) -> dict:
    """The provider's reported figures, one point per period (labelled as reported), against the target and floor
    of the contract in force at each period's end."""
    if periods.empty:
        return empty_figure(f"{literal(name)} has reported no figure for this metric in these months")
    x = [literal(label) for label in periods.period_label]
    traces = []
    for key, label, colour, dash in (("target", "Contract target", TARGET_COLOUR, "solid"),
                                     ("floor", "Contract floor (remedy)", FLOOR_COLOUR, "dash")):
        y = [_number(v) for v in lines[key]]
        if any(v is not None for v in y):
            traces.append({"type": "scatter", "x": x, "y": y, "name": label, "mode": "lines",
                           "line": {"color": colour, "width": 3, "dash": dash, "shape": "hvh"},
                           "hovertemplate": f"{label}: %{{y}}<extra></extra>"})
    values = [_number(v) for v in periods.value]
    statuses = [_against(v, metric_at(lines, n, column.indicator_id), column.indicator.direction)
                for n, v in enumerate(values)]
    colours = {"green": CONTRACT_STATUS["green"]["colour"], "yellow": CONTRACT_STATUS["yellow"]["colour"],
               "red": CONTRACT_STATUS["red"]["colour"]}
    traces.append({"type": "scatter", "x": x, "y": values, "name": f"{literal(name)} (reported)",
                   "mode": "lines+markers", "cliponaxis": False,
                   "line": {"color": LINE_COLOURS["entity"], "width": 3},
                   "marker": {"size": 12, "line": {"color": "#111", "width": 1.5},
                              "color": [colours.get(s, "white") for s in statuses]},
                   "hovertext": [f"<b>{literal(name)}</b><br>{literal(p)}: {published_value(column.indicator, v, True)}"
                                 + (f"<br>{CONTRACT_STATUS[s]['label']}" if s else "")
                                 for p, v, s in zip(periods.period_label, values, statuses)],
                   "hovertemplate": "%{hovertext}<extra></extra>"})
    return {"data": traces, "layout": {
        "xaxis": {"type": "category", "fixedrange": True},
        "yaxis": {"title": {"text": column.unit() if column.unit() != "%" else "percent"}, "fixedrange": True,
                  "range": _axis(column.indicator.kind, values + list(lines.target) + list(lines.floor))},
        "height": 340, "margin": {"t": 24, "l": 90, "r": 40, "b": 40}, "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.2}, **PLAIN}}


def metric_at(lines: pd.DataFrame, n: int, indicator_id: str) -> Metric | None:
    target, floor = lines.target.iloc[n], lines.floor.iloc[n]
    if target is None or pd.isna(target):
        return None
    return Metric(indicator_id, Decimal(str(target)), None if floor is None or pd.isna(floor) else Decimal(str(floor)))


def period_lines(contracts: list[Contract], provider_id: str, program: str, indicator_id: str,
                 periods: pd.DataFrame) -> pd.DataFrame:
    """target, floor of each period: the contract in force at the period's end (else at its start)."""
    rows = []
    for start, end in zip(periods.period_start, periods.period_end):
        contract = (contract_on(contracts, provider_id, program, end)
                    or contract_on(contracts, provider_id, program, start))
        metric = metric_of(contract, indicator_id)
        rows.append({"target": None if metric is None else float(metric.target),
                     "floor": None if metric is None or metric.floor is None else float(metric.floor)})
    return pd.DataFrame(rows, columns=["target", "floor"])


def reported_summary(name: str, column: Column, periods: pd.DataFrame, lines: pd.DataFrame,
                     month: dt.date) -> html.P:
    """The latest period reported by the month, in one sentence, against the contract then."""
    if periods.empty:
        return html.P(f"{name} has reported no figure for {column.name} by {month:%B %Y}.",
                      className="provider-metric-summary mb-1")
    n = len(periods) - 1
    row = periods.iloc[n]
    value = _number(row.value)
    current = row.period_end >= month_end(month)
    said = [f"Reported for {row.period_label}" + ("" if current else f" (the latest by {month:%B %Y})") + ": "]
    if row.status == "suppressed":
        said.append("hidden (small numbers).")
    elif value is None:
        said.append("not reported (withheld or not applicable).")
    else:
        status = _against(value, metric_at(lines, n, column.indicator_id), column.indicator.direction)
        counts = ("" if row.numerator is None or pd.isna(row.numerator) or column.indicator.kind != "proportion"
                  else f" ({float(row.numerator):,.0f} of {float(row.denominator):,.0f})")
        said.append(f"{published_value(column.indicator, value, True)}{counts}"
                    + (f", {CONTRACT_STATUS[status]['label']}" if status else "") + ".")
    target = lines.target.iloc[n]
    if target is not None and not pd.isna(target):
        floor = lines.floor.iloc[n]
        said.append(f" Contract target {column.shown(target)}"
                    + ("" if floor is None or pd.isna(floor) else f", floor {column.shown(floor)}") + ".")
    said.append(" Reported by the provider: there are no members behind it to list.")
    return html.P("".join(said), className="provider-metric-summary mb-1")


def reported_table(name: str, column: Column, periods: pd.DataFrame, lines: pd.DataFrame) -> html.Details:
    body = []
    for n in reversed(range(len(periods))):
        row = periods.iloc[n]
        value = _number(row.value)
        status = _against(value, metric_at(lines, n, column.indicator_id), column.indicator.direction)
        body.append(html.Tr([
            html.Th(row.period_label, scope="row", className="fw-normal"),
            html.Td("hidden" if row.status == "suppressed" else published_value(column.indicator, value, True)),
            html.Td(CONTRACT_STATUS[status]["label"] if status else "—"),
            *[html.Td("—" if lines[k].iloc[n] is None or pd.isna(lines[k].iloc[n]) else column.shown(lines[k].iloc[n]))
              for k in ("target", "floor")]]))
    table = dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in
                                           ("Period", name, "Against the contract", "Target", "Floor")])),
                       html.Tbody(body)], size="sm", striped=True, className="mb-0 provider-trend-table")
    return html.Details([html.Summary(f"{column.name}: the figures as a table", className="small"), table],
                        className="provider-figures mb-2")


def marks_note() -> html.P:
    """What a point's mark says, once above the metrics' figures."""
    return html.P("Each month's point (each period's, for a reported figure) is marked against the contract in force "
                  "then: a green circle meets its target, a yellow diamond is below it, an orange ✕ is beyond its "
                  "floor; a hollow point is too few to rate, or under no target.", className="small mb-1")


def members_link(indicator_id: str, month: dt.date, provider_id: str, count: str) -> dcc.Link:
    """The members behind the provider's cell (case-level: for the readers who may list them)."""
    return dcc.Link(f"List the members behind {month:%B %Y}'s figure{count}",
                    href=MembersView(indicator_id, month, EntityRef("provider", provider_id)).href(),
                    className="btn btn-sm btn-outline-primary provider-members")


# -- the peers of its program -----------------------------------------------------------------------------------

def peers_table(data: Program, provider_id: str, cell_href=None, name_href=None) -> html.Div:
    """One program in one month: its aggregate, then each provider shown (this one marked) with each of this
    provider's contract metrics, coloured against that provider's own contract."""
    rows = program_rows(data, cell_href, name_href)
    head = html.Thead(html.Tr([html.Th(f"{data.name}, {data.month:%B %Y}", scope="col",
                                       className="scorecard-corner")]
                              + [html.Th([c.name, html.Span(c.unit(), className="scorecard-unit")], scope="col",
                                         className="scorecard-column") for c in data.columns]))
    body = []
    for n, row in enumerate(rows):
        mine = row["entity"] == f"provider:{provider_id}"
        name = (dcc.Link(row["name"], href=row["href"], title=row["title"]) if row["href"]
                else html.Span(row["name"], title=row["title"]))
        cells = [html.Th([name, html.Span(" (this provider)", className="small") if mine else None], scope="row",
                         className="scorecard-row")]
        for cell in row["cells"]:
            inner = (dcc.Link(cell["text"], href=cell["href"], title=cell["title"]) if cell["href"]
                     else html.Span(cell["text"], title=cell["title"]))
            cells.append(html.Td(inner, className=f"scorecard-cell {cell['status']}",
                                 style={"backgroundColor": cell["colour"]}))
        body.append(html.Tr(cells, className=" ".join(filter(None, ["scorecard-parent" if n == 0 else None,
                                                                   "provider-this" if mine else None]))))
    return html.Div(html.Table([head, html.Tbody(body)], className="scorecard-table provider-peers",
                               **{"aria-label": f"{data.name}: the providers of the program, {data.month:%B %Y}"}),
                    className="scorecard-box provider-peers-box mb-2")


# -- its reviews ------------------------------------------------------------------------------------------------

def reviews_list(meetings, name: str) -> html.Div:
    """The provider's performance reviews, newest first (None: none the reader may see)."""
    if meetings is None:
        return html.P("No performance reviews you may see.", className="text-muted")
    if not meetings:
        return html.P(f"No performance review of {name} yet.", className="text-muted")
    items = [html.Li([dcc.Link(f"{m.held_on:%-d %B %Y}: {m.title}", href=f"/meeting?id={m.id}"),
                      html.Span(f" ({m.month:%B %Y} figures, {'open' if m.is_open else 'closed'})",
                                className="text-muted")]) for m in meetings]
    return html.Ul(items, className="provider-reviews")


# -- a provider's staff's home page ---------------------------------------------------------------------------

def provider_home(name: str, provider_id: str, shown: list[Program], month: dt.date) -> dbc.Card:
    """What a provider's own staff see first: their contract metrics this month against the contract, and the way
    to their page (pages/home.py)."""
    href = ProviderView(provider_id, month).href()
    body = [html.H2(name, className="h4"), html.P(["Your delegate agency's figures against its contracts: ",
                                                    dcc.Link("open its page", href=href, id="home-provider-link"),
                                                    " for each metric's trend, the program beside it and the "
                                                    "members behind a figure."], className="mb-2")]
    if not shown:
        body.append(html.P(f"No contract of {name} is in force in {month:%B %Y}.", className="text-muted"))
    for data in shown:
        own = [r for r in program_rows(data) if r["entity"] == f"provider:{provider_id}"]
        for row in own:
            items = []
            for column, cell in zip(data.columns, row["cells"]):
                status = cell["status"].split(" provider-")[-1].replace("-", " ")
                style = CONTRACT_STATUS.get(status)
                chip = html.Span(cell["text"], className=f"status-chip me-2 {cell['status'].split()[0]}",
                                 style={"backgroundColor": style["colour"] if style else "#FFFFFF"})
                items.append(html.Li([chip, column.name, html.Span(f": {style['label']}" if style else "",
                                                                   className="text-muted")]))
            body += [html.H3(f"{data.name}, {month:%B %Y}", className="h6 mt-2"),
                     html.Ul(items, className="list-unstyled provider-home-metrics")]
    return dbc.Card(dbc.CardBody(body), class_name="mb-3 home-provider")
