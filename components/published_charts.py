"""A published figure's trend over the source's periods (store.published_items.PublishedSeries): the entity's
values beside the nation's, on the standard's bands, in the style of components/charts.py's trend (its bands, its
colours, its sizes). Pure: a series in, a Plotly figure dict out.

The periods are the publisher's (twelve-month windows, federal fiscal years), so the axis names them as
published rather than placing them on a calendar. A period the publisher gave no value for is a gap in the line,
said in words under it: a room must not read a missing year as a flat one.
"""
from __future__ import annotations

import pandas as pd

from components.charts import LINE_COLOURS, NOTE_PX, PLAIN, _bands, empty_figure
from components.figure_text import literal
from display.format import STATUS_STYLE
from store.published_items import PublishedSeries, status_words, value_text

MISSING_COLOUR = "#555555"


def _range(series: PublishedSeries) -> list[float] | None:
    """The value axis fitted to both lines and the standard, with a little room; a percent stays within 0-100."""
    seen = [v for p in series.points for v in (p.value, p.comparison) if v is not None]
    if not seen:
        return None
    if series.indicator.coloured:
        seen += [float(series.indicator.green), float(series.indicator.yellow)]
    low, high = min(seen), max(seen)
    pad = max((high - low) * 0.15, abs(high) * 0.05, 0.5)
    low, high = max(low - pad, 0.0), high + pad
    if series.indicator.kind == "proportion" and max(seen) <= 100:
        high = min(high, 100.0)
    return [low, high]


def published_trend_figure(series: PublishedSeries) -> dict:
    """The entity's published values, period by period, with the nation's line and the standard's bands."""
    indicator = series.indicator
    points = series.points
    if not any(p.value is not None for p in points) and not any(p.comparison is not None for p in points):
        return empty_figure(f"{literal(series.entity_name)}: no value published for these periods")
    labels = [literal(p.label) for p in points]
    name = literal(series.entity_name)
    traces = []
    if series.comparison_name and any(p.comparison is not None for p in points):
        nation = literal(series.comparison_name)
        traces.append({
            "type": "scatter", "x": labels, "y": [p.comparison for p in points], "name": nation,
            "mode": "lines+markers", "line": {"color": LINE_COLOURS["parent"], "width": 2, "dash": "dash"},
            "marker": {"size": 7, "color": LINE_COLOURS["parent"]},
            "hovertext": [f"{nation}<br>{label}: {value_text(indicator, p.comparison, True)}"
                          for label, p in zip(labels, points)],
            "hovertemplate": "%{hovertext}<extra></extra>"})
    traces.append({
        "type": "scatter", "x": labels, "y": [p.value for p in points], "name": name, "mode": "lines+markers",
        "line": {"color": LINE_COLOURS["entity"], "width": 3},
        "marker": {"size": 11, "line": {"color": LINE_COLOURS["entity"], "width": 2},
                   "color": [STATUS_STYLE.get(p.status, STATUS_STYLE["none"])["colour"] for p in points]},
        "hovertext": [f"{name}<br>{label}: {value_text(indicator, p.value, True)}<br>{status_words(p.status)}"
                      for label, p in zip(labels, points)],
        "hovertemplate": "%{hovertext}<extra></extra>"})
    y_range = _range(series)
    shapes, notes = [], []
    if indicator.coloured:
        frame = pd.DataFrame({"value": [p.value for p in points] + [p.comparison for p in points]}, dtype=float)
        shapes, notes = _bands(indicator, frame, y_range)
    for label, point in zip(labels, points):
        if point.value is None:  # said in words where the line has its gap
            notes.append({"x": label, "xref": "x", "y": 0, "yref": "paper", "yanchor": "bottom", "yshift": 4,
                          "text": "not published", "showarrow": False,
                          "font": {"size": NOTE_PX, "color": MISSING_COLOUR}})
    return {"data": traces, "layout": {
        # a period's label over two lines ("Apr '21 –", "Mar '22"): five of them fit a slide's trend unslanted
        "xaxis": {"type": "category", "fixedrange": True, "tickvals": labels,
                  "ticktext": [label.replace(" – ", " –<br>").replace(", ", ",<br>") for label in labels]},
        "yaxis": {"title": {"text": literal(indicator.units)}, "fixedrange": True, "range": y_range},
        "height": 400, "margin": {"t": 30, "l": 80, "r": 180, "b": 40}, "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.15}, "shapes": shapes, "annotations": notes, **PLAIN}}
