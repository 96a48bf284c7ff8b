"""Published figures on the pages (store/aggregates.py reads them): the scorecard's data and period choices, its
legend, and the indicator page's ranking, trend and breakdowns of a source, its definition card, and the national
performance beside the agency's own trend. Pure: data in, Dash components and Plotly figure dicts out.

A figure a publisher left out (suppressed, not applicable) reads "not published": never zero, never coloured.
A viewer's source comes without numerators and denominators (store.aggregates.as_shown_to), so nothing here
prints them for a viewer.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.charts import (BAR_PX, LABEL_ROW_PX, LINE_COLOURS, NOTE_PX, PLAIN, TEXT_PX, _line, _side, _values,
                               empty_figure)
from components.figure_text import literal
from components.links import SourceIndicatorView
from display.format import (STATUS_STYLE, published_amount, published_unit, published_value, standard_short,
                            status_class)
from store.aggregates import Comparison, SourceRanking, SourceVersion

AGENCY = "-"   # the Data selector's value for the agency's own figures (no source name can be it)
LATEST = "-"   # the Period selector's value for each indicator's latest period (no period code is it here)
NOT_PUBLISHED = "not published"
NATION_COLOUR = "#6F6F6F"


def source_label(version: SourceVersion) -> str:
    """A source as the Data selector names it: 'Published: cfsr-national (as of 3 August 2025)'."""
    return f"Published: {version.source} (as of {version.as_of:%-d %B %Y})"


def publisher(source) -> str:
    """Who published a source, as its indicators name it ("Children's Bureau, CFSR Round 4 national profile"), or
    the source's own name when they name more than one."""
    named = {i.source for i in source.indicators.values()}
    return named.pop() if len(named) == 1 else source.name


def data_options(versions: list[SourceVersion], agency_name: str = "Our agency's figures") -> list[dict]:
    return [{"label": agency_name, "value": AGENCY}] + [{"label": source_label(v), "value": v.source}
                                                         for v in versions]


def period_options(periods: list[tuple[str, str]]) -> list[dict]:
    """'Latest for each indicator', then each period as published, the newest first."""
    return [{"label": "Latest for each indicator", "value": LATEST}] + [
        {"label": label, "value": code} for code, label in reversed(periods)]


def source_as_of(version: SourceVersion) -> html.Div:
    """The stamp beside a source's title: as of when it was published, and its import."""
    return html.Div([html.Span("Published figures as of ", className="text-muted"),
                     html.Strong(f"{version.as_of:%-d %B %Y}"),
                     html.Span(f" · {version.source}, imported {version.loaded_at:%Y-%m-%d}",
                               className="text-muted")], className="data-as-of")


def source_legend(indicators) -> html.Div:
    """What each colour and mark of a published scorecard means, in the agency's scorecard's swatches."""
    statuses = ["green", *(["yellow"] if any(i.coloured and i.yellow != i.green for i in indicators) else []), "red"]
    items = []
    for status in statuses:
        style = STATUS_STYLE[status]
        items.append((style["symbol"], style["label"], status_class(status), style["colour"]))
    if any(not i.coloured for i in indicators):
        items.append(("1.23", "no standard: not rated", status_class("none"), STATUS_STYLE["none"]["colour"]))
    items.append(("n/p", "not published (suppressed or not applicable)", "status-none status-not-published",
                  STATUS_STYLE["none"]["colour"]))
    return html.Div([html.Span([html.Span(symbol, className=f"legend-swatch {cls}", style={"backgroundColor": colour}),
                                html.Span(label, className="legend-label")], className="legend-item")
                     for symbol, label, cls, colour in items], className="statboard-legend")


def _standard_line(indicator, axis: str, x_range=None) -> tuple[list, list]:
    """The standard (for the CFSR profile: the national performance) as a line, labelled."""
    if not indicator.coloured:
        return [], []
    value = float(indicator.green)
    label = f"standard {standard_short(indicator).replace(chr(0x202f), ' ')}"
    shape, note = _line(axis, value, "#333", "solid", label, (0, _side(value, x_range)) if axis == "x" else "right")
    return [shape], [note]


def _range(indicator, values) -> list[float]:
    seen = [float(v) for v in values if v is not None and not pd.isna(v)]
    if indicator.coloured:
        seen.append(float(indicator.green))
    top = (max(seen, default=1.0) or 1.0) * 1.08
    if indicator.kind == "proportion":
        top = min(top, 100.0) if max(seen, default=0) <= 100 else top
    return [0, top]


def _hover(indicator, name, value, numerator, denominator, status, period_label) -> str:
    amount = published_amount(indicator, numerator, denominator)
    said = f"<b>{literal(name)}</b><br>{literal(period_label)}: {published_value(indicator, value, True)}"
    said += f" ({amount})" if amount else ""
    if indicator.coloured and status in STATUS_STYLE:
        said += f"<br>{STATUS_STYLE[status]['symbol']} {STATUS_STYLE[status]['label']}"
    return said


def ranking_summary(ranking: SourceRanking) -> html.Div:
    """The nation's whole figure in the period, against the standard, and how many of the states meet it."""
    indicator = ranking.indicator
    lines = []
    for other in ranking.others.itertuples(index=False):
        status = other.status if indicator.coloured else "none"
        said = f"{other.entity_name}, {ranking.period_label}: {published_value(indicator, other.value, True)}"
        if indicator.coloured:
            said += (f", {STATUS_STYLE[status]['symbol']} {STATUS_STYLE[status]['label']} "
                     f"({standard_short(indicator).replace(chr(0x202f), ' ')})")
        lines.append(html.Div(said + ".", className="fw-bold"))
    counts = ranking.ranked.status.value_counts().to_dict() if indicator.coloured else {}
    chips = [html.Span(f"{STATUS_STYLE[s]['symbol']} {counts[s]} {STATUS_STYLE[s]['label']}",
                       className=f"status-chip me-2 {status_class(s)}", style={"backgroundColor": STATUS_STYLE[s]["colour"]})
             for s in ("green", "yellow", "red") if counts.get(s)]
    lines.append(html.Div([html.Span(f"Of the {len(ranking.ranked)} {ranking.entity_type}s with a published figure"
                                     + (": " if chips else " (no standard: not rated)."), className="me-2"), *chips]))
    return html.Div(lines)


def ranking_figure(ranking: SourceRanking) -> dict:
    """The entities with a value in the period, best first, coloured and marked by status; the standard and the
    nation's whole figure as lines."""
    indicator = ranking.indicator
    ranked = ranking.ranked
    if ranked.empty:
        return empty_figure(f"No {ranking.entity_type} has a published figure for {literal(ranking.period_label)}")
    labels = [literal(n) for n in ranked.entity_name]
    statuses = [s if indicator.coloured else "none" for s in ranked.status]
    text = [f"{STATUS_STYLE[s]['symbol']} {published_value(indicator, v)}".strip() for s, v in zip(statuses, ranked.value)]
    hover = [_hover(indicator, n, v, a, b, s, ranking.period_label) for n, v, a, b, s in
             zip(ranked.entity_name, ranked.value, ranked.numerator, ranked.denominator, statuses)]
    bar = {"type": "bar", "x": _values(ranked.value), "y": labels, "orientation": "h",
           "marker": {"color": [STATUS_STYLE[s]["colour"] for s in statuses], "line": {"color": "#333", "width": 1}},
           "customdata": [[e] for e in ranked.entity_id], "hovertext": hover,
           "hovertemplate": "%{hovertext}<extra></extra>"}
    x_range = _range(indicator, [*ranked.value, *ranking.others.value])
    shapes, notes = _standard_line(indicator, "x", x_range)
    rows = len(shapes)
    for other in ranking.others.itertuples(index=False):
        value = float(other.value)
        shape, note = _line("x", value, NATION_COLOUR, "dot",
                            f"┅ {literal(other.entity_name)}: {published_value(indicator, value)}",
                            (rows, _side(value, x_range)))
        shapes.append(shape)
        notes.append(note)
        rows += 1
    values = [{"x": 1, "xref": "paper", "xanchor": "left", "xshift": 6, "y": label, "yref": "y", "text": t,
               "showarrow": False, "font": {"size": TEXT_PX}} for label, t in zip(labels, text)]
    return {"data": [bar], "layout": {
        "yaxis": {"autorange": "reversed", "fixedrange": True, "automargin": True, "dtick": 1},
        "xaxis": {"title": {"text": published_unit(indicator)}, "fixedrange": True, "range": x_range},
        "height": 110 + LABEL_ROW_PX * rows + (BAR_PX - 10) * len(ranked),
        "margin": {"t": 14 + LABEL_ROW_PX * rows, "l": 160, "r": 90, "b": 56},
        "bargap": 0.25, "showlegend": False, "shapes": shapes, "annotations": notes + values, **PLAIN}}


def trend_figure(indicator, series: pd.DataFrame, entity_name: str) -> dict:
    """One entity's whole figure in each period the indicator is published, the nation's beside it (dashed), the
    standard as a line; a period not published is a gap in the line and says so on hover."""
    mine = series[series.line == "entity"]
    if mine.value.dropna().empty:
        return empty_figure(f"{literal(entity_name)}: no published figure for this indicator in any period")
    traces = []
    for line, points in (("other", series[series.line == "other"]), ("entity", mine)):
        if points.empty:
            continue
        name = literal(points.name.iloc[0])
        ours = line == "entity"
        hover = [_hover(indicator, n, v, a, b, s, p) if v is not None and not pd.isna(v)
                 else f"<b>{literal(n)}</b><br>{literal(p)}: {NOT_PUBLISHED}"
                 for n, v, a, b, s, p in zip(points.name, points.value, points.numerator, points.denominator,
                                             points.status, points.period_label)]
        traces.append({"type": "scatter", "x": [literal(p) for p in points.period_label], "y": _values(points.value),
                       "name": name, "mode": "lines+markers",
                       "line": {"color": LINE_COLOURS["entity"] if ours else NATION_COLOUR, "width": 3 if ours else 2,
                                "dash": "solid" if ours else "dash"},
                       "marker": {"size": 10 if ours else 7,
                                  "color": [STATUS_STYLE[s]["colour"] if ours and indicator.coloured and s in STATUS_STYLE
                                            else (LINE_COLOURS["entity"] if ours else NATION_COLOUR)
                                            for s in points.status],
                                  "line": {"color": "#111", "width": 1}},
                       "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>"})
    values = series.value.dropna().astype(float).tolist() + ([float(indicator.green)] if indicator.coloured else [])
    low, high = min(values), max(values)
    pad = max((high - low) * 0.15, abs(high) * 0.02, 0.1)
    y_range = [max(low - pad, 0.0), high + pad]
    shapes, notes = _standard_line(indicator, "y")
    order = [literal(p) for p in series.drop_duplicates("period").period_label]
    return {"data": traces, "layout": {
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": order, "fixedrange": True},
        "yaxis": {"title": {"text": published_unit(indicator)}, "fixedrange": True, "range": y_range},
        "height": 380, "margin": {"t": 30, "l": 80, "r": 180, "b": 40}, "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.18}, "shapes": shapes, "annotations": notes, **PLAIN}}


def breakdown_figure(indicator, rows: pd.DataFrame, dimension: str) -> dict:
    """One dimension's breakdown as bars in the published order, coloured by status against the standard; a value
    not published has no bar and says so at its place."""
    labels = [literal(v) for v in rows.breakdown_value]
    statuses = [s if indicator.coloured else "none" for s in rows.status]
    text = [NOT_PUBLISHED if v is None or pd.isna(v) else
            f"{STATUS_STYLE[s]['symbol']} {published_value(indicator, v)}".strip() for s, v in zip(statuses, rows.value)]
    bar = {"type": "bar", "x": _values(rows.value), "y": labels, "orientation": "h",
           "marker": {"color": [STATUS_STYLE["none" if s == "missing" else s]["colour"] for s in statuses],
                      "line": {"color": "#333", "width": 1}},
           "hovertext": [_hover(indicator, b, v, n, d, s, dimension) for b, v, n, d, s in
                         zip(rows.breakdown_value, rows.value, rows.numerator, rows.denominator, statuses)],
           "hovertemplate": "%{hovertext}<extra></extra>"}
    x_range = _range(indicator, rows.value)
    shapes, notes = _standard_line(indicator, "x", x_range)
    values = [{"x": 1, "xref": "paper", "xanchor": "left", "xshift": 6, "y": label, "yref": "y", "text": t,
               "showarrow": False, "font": {"size": NOTE_PX if t == NOT_PUBLISHED else TEXT_PX}}
              for label, t in zip(labels, text)]
    return {"data": [bar], "layout": {
        "yaxis": {"autorange": "reversed", "fixedrange": True, "automargin": True, "dtick": 1},
        "xaxis": {"title": {"text": published_unit(indicator)}, "fixedrange": True, "range": x_range},
        "height": 100 + LABEL_ROW_PX * len(shapes) + (BAR_PX - 8) * len(rows),
        "margin": {"t": 14 + LABEL_ROW_PX * len(shapes), "l": 20, "r": 120, "b": 56},
        "bargap": 0.25, "showlegend": False, "shapes": shapes, "annotations": notes + values, **PLAIN}}


def breakdown_table(indicator, rows: pd.DataFrame, dimension: str) -> dbc.Table:
    """One dimension's breakdown as a table: each group's value (and, for a reader who may see them, what it is
    made of), the status, or 'not published'."""
    counts = rows.numerator.notna().any() or rows.denominator.notna().any()
    head = [dimension, "Value", *(["Of"] if counts else []), "Standard"]
    body = []
    for row in rows.itertuples(index=False):
        missing = row.value is None or pd.isna(row.value)
        status = "none" if missing or not indicator.coloured else row.status
        style = STATUS_STYLE[status]
        # "✓ meets", "✕ below": the column's name says of what, so a narrow table keeps one line a group.
        mark = NOT_PUBLISHED if missing else (f"{style['symbol']} {style['label'].split()[0]}" if indicator.coloured
                                              else "not rated")
        body.append(html.Tr([html.Th(row.breakdown_value, scope="row"),
                             html.Td(published_value(indicator, row.value), className="text-end text-nowrap"),
                             *([html.Td(published_amount(indicator, row.numerator, row.denominator),
                                        className="text-end text-nowrap")] if counts else []),
                             html.Td(mark, className=f"{status_class(status)} text-nowrap" + (" fst-italic" if missing else ""),
                                     style={"backgroundColor": style["colour"]})]))
    return dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(body)],
                     bordered=True, size="sm", class_name="published-breakdown")


def definition_card(indicator, version: SourceVersion) -> dbc.Card:
    """A published indicator's definition: its name, units, source and definition, and the standard."""
    standard = (f"{standard_short(indicator).replace(chr(0x202f), ' ')} meets it "
                f"({'higher' if indicator.direction == 'higher' else 'lower'} is better)"
                if indicator.coloured else "none: context, not rated")
    return dbc.Card(dbc.CardBody([
        html.H5("Definition", className="card-title"),
        html.P(indicator.definition),
        html.H6("Units"), html.P(indicator.units),
        html.H6("Standard"), html.P(standard),
        html.H6("Source"), html.P(f"{indicator.source}; published {version.as_of:%-d %B %Y} "
                                  f"(imported as {version.source})"),
        html.Small(f"{indicator.name} · {indicator.domain} · recomputed from the published numerator and "
                   "denominator", className="text-muted"),
    ]), class_name="definition-card")


def national_lines(figure: dict, comparisons: list[Comparison]) -> dict:
    """The agency's trend `figure` with each published indicator compared to it drawn as a labelled horizontal line
    at the standard it is held to (the CFSR profile's national performance), in the nation's dashed grey, its
    label kept clear of the agency's own standard's."""
    layout = dict(figure.get("layout") or {})
    shapes, notes = list(layout.get("shapes") or []), list(layout.get("annotations") or [])
    y_range = (layout.get("yaxis") or {}).get("range")
    for n, compared in enumerate(c for c in comparisons if c.indicator.coloured):
        value = float(compared.indicator.green)
        shape, note = _line("y", value, NATION_COLOUR, "dash",
                            f"national performance {published_value(compared.indicator, value)}", "right")
        # Beside the agency's own standard when they meet (re-entry's 5.6% is both): one label above the other.
        note["yshift"] = -(n + 1) * (LABEL_ROW_PX - 2)
        shapes.append(shape)
        notes.append(note)
        if y_range:
            y_range = [min(y_range[0], value), max(y_range[1], value)]
    if y_range:
        layout["yaxis"] = {**layout["yaxis"], "range": y_range}
    return {**figure, "layout": {**layout, "shapes": shapes, "annotations": notes}}


def comparison_note(comparisons: list[Comparison]) -> html.Div | None:
    """Under the agency's trend: what the national line is, the nation's latest published figure, and how the
    definitions differ."""
    if not comparisons:
        return None
    parts = []
    for c in comparisons:
        said = f"{c.indicator.name}, {c.indicator.source}"
        if c.indicator.coloured:
            said += f"; the national performance is {published_value(c.indicator, c.indicator.green)}"
        if c.latest_value is not None:
            said += f"; {c.latest_name}, {c.latest_label}: {published_value(c.indicator, c.latest_value)}"
        said += ". " + (c.indicator.compare_note + " " if c.indicator.compare_note else "")
        parts.append(html.P([html.Strong("National line: "), said,
                             html.A("See every state's figure",
                                    href=SourceIndicatorView(c.indicator.id, c.source).href())], className="small mb-1"))
    return html.Div(parts, className="indicator-national-note mt-1")
