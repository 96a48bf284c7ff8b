"""The indicator page's figures: entities ranked against the standard, the variation behind a parent's value,
offices beside their peer group, and the trend with its bands. Pure: data in, Plotly figures out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.format import (STATUS_STYLE, amount_text, format_value, standard_text, status_text, threshold,
                               unit_of)
from components.heatmap import unique_labels
from queries.performance import IndicatorAcross, Trend

LINE_COLOURS = {"entity": "#0B3C8C", "parent": "#6F6F6F", "peers": "#9A4E9E"}  # not the status colours
BAR_PX = 28


def empty_figure(message: str = "") -> go.Figure:
    """A blank figure (with a message in the middle when given): what a graph shows until it has data."""
    figure = go.Figure()
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(height=120, margin={"t": 10, "b": 10, "l": 10, "r": 10}, plot_bgcolor="white",
                         paper_bgcolor="white")
    if message:
        figure.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                              font={"size": 15})
    return figure


def _standard_lines(figure: go.Figure, indicator, axis: str) -> None:
    """The green and yellow thresholds as lines across the plot (along x for bars, y for trends)."""
    if indicator.kind == "count":
        return
    for name, dash in (("green", "solid"), ("yellow", "dash")):
        value = float(threshold(getattr(indicator, name)))
        line = {"color": "#333" if name == "green" else "#777", "dash": dash, "width": 2}
        label = f"{name} {format_value(indicator.kind, value)}"
        if axis == "x":
            figure.add_vline(x=value, line=line, annotation_text=label, annotation_position="top")
        else:
            figure.add_hline(y=value, line=line, annotation_text=label, annotation_position="right")


def ranking_figure(data: IndicatorAcross) -> go.Figure:
    """Entities of one level ranked best first, coloured and marked by status, the standard as lines."""
    indicator = data.indicator
    ranked = data.ranked
    if ranked.empty:
        return empty_figure(f"No {data.level} under {data.parent.name} has members this month")
    labels = unique_labels(ranked.entity_name.tolist(), ranked.entity_id.tolist())
    statuses = ranked.status.tolist()
    text = [f"{STATUS_STYLE[s]['symbol']} {format_value(indicator.kind, v)}".strip()
            for s, v in zip(statuses, ranked.value)]
    hover = [f"<b>{label}</b><br>{format_value(indicator.kind, v, True)} ({amount_text(indicator, n, d)})<br>"
             f"{status_text(s)}" for label, v, n, d, s in zip(labels, ranked.value, ranked.numerator,
                                                               ranked.denominator, statuses)]
    figure = go.Figure(go.Bar(
        x=ranked.value, y=labels, orientation="h", text=text, textposition="outside", cliponaxis=False,
        marker={"color": [STATUS_STYLE[s]["colour"] for s in statuses], "line": {"color": "#333", "width": 1}},
        customdata=[[level, entity_id] for level, entity_id in zip(ranked.level, ranked.entity_id)],
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
    ))
    _standard_lines(figure, indicator, "x")
    if data.parent_cell is not None:
        figure.add_vline(x=data.parent_cell.value, line={"color": LINE_COLOURS["parent"], "dash": "dot", "width": 2},
                         annotation_text=f"{data.parent.name}: {format_value(indicator.kind, data.parent_cell.value)}",
                         annotation_position="bottom right")
    figure.update_yaxes(autorange="reversed", fixedrange=True)
    figure.update_xaxes(title=unit_of(indicator), fixedrange=True, rangemode="tozero")
    figure.update_layout(height=120 + BAR_PX * len(ranked), margin={"t": 40, "l": 220, "r": 90, "b": 50},
                         plot_bgcolor="white", paper_bgcolor="white", showlegend=False)
    return figure


def status_counts(data: IndicatorAcross) -> dict[str, int]:
    """How many of the ranked entities are green, yellow, red, insufficient: what a parent's value hides."""
    counts = data.ranked.status.value_counts()
    return {s: int(counts.get(s, 0)) for s in ("green", "yellow", "red", "insufficient", "none")}


def variation_figure(data: IndicatorAcross) -> go.Figure:
    """The spread of the descendants' values around the parent's: one dot per entity, a box for the spread."""
    indicator = data.indicator
    rated = data.ranked[data.ranked.status != "insufficient"]
    if rated.empty:
        return empty_figure("Too few members in every entity to show a spread")
    labels = unique_labels(rated.entity_name.tolist(), rated.entity_id.tolist())
    figure = go.Figure(go.Box(x=rated.value, y0=0, orientation="h", boxpoints=False, name=f"{data.level}s",
                              line={"color": "#555"}, fillcolor="rgba(0,0,0,0)", hoverinfo="skip"))
    # One dot per entity, spread up and down by a fixed pattern (not random: the same data draws the same).
    offsets = [((n * 7) % 11 - 5) / 20 for n in range(len(rated))]
    figure.add_trace(go.Scatter(
        x=rated.value, y=offsets, mode="markers", hovertext=labels,
        marker={"color": [STATUS_STYLE[s]["colour"] for s in rated.status], "size": 12,
                "symbol": [{"green": "circle", "yellow": "diamond", "red": "x"}.get(s, "circle-open")
                           for s in rated.status], "line": {"color": "#333", "width": 1}},
        hovertemplate="%{hovertext}: %{x}<extra></extra>"))
    _standard_lines(figure, indicator, "x")
    if data.parent_cell is not None:
        figure.add_vline(x=data.parent_cell.value, line={"color": LINE_COLOURS["parent"], "dash": "dot", "width": 2},
                         annotation_text=data.parent.name, annotation_position="bottom right")
    figure.update_xaxes(title=unit_of(indicator), fixedrange=True)
    figure.update_yaxes(fixedrange=True, showticklabels=False, range=[-0.6, 0.6])
    figure.update_layout(height=220, margin={"t": 40, "l": 20, "r": 20, "b": 50}, plot_bgcolor="white",
                         paper_bgcolor="white", showlegend=False)
    return figure


def peers_figure(data: IndicatorAcross) -> go.Figure:
    """Every office in scope beside the others of its peer group, with each group's median value."""
    indicator = data.indicator
    offices = data.offices.assign(group=data.offices.peer_group.fillna("no peer group"))
    if offices.empty:
        return empty_figure("No office has members this month")
    figure = go.Figure()
    for n, (group, members) in enumerate(offices.groupby("group", sort=True)):
        rated = members[members.status != "insufficient"]
        figure.add_trace(go.Scatter(
            x=members.value, y=[group] * len(members), mode="markers+text", name=group,
            text=[f"{name}" for name in members.entity_name], textposition="top center",
            marker={"size": [16 if u else 11 for u in members.under_parent],
                    "color": [STATUS_STYLE[s]["colour"] for s in members.status],
                    "symbol": ["diamond" if u else "circle" for u in members.under_parent],
                    "line": {"color": "#333", "width": 1}},
            hovertext=[f"<b>{name}</b> ({group})<br>{format_value(indicator.kind, v, True)}<br>{status_text(s)}"
                       for name, v, s in zip(members.entity_name, members.value, members.status)],
            hovertemplate="%{hovertext}<extra></extra>", showlegend=False))
        if not rated.empty:
            median = float(rated.value.median())
            figure.add_trace(go.Scatter(
                x=[median], y=[group], mode="markers", marker={"symbol": "line-ns", "size": 30,
                                                                  "line": {"color": "#111", "width": 3}},
                hovertemplate=f"{group} median: {format_value(indicator.kind, median, True)}<extra></extra>",
                showlegend=False))
    _standard_lines(figure, indicator, "x")
    figure.update_xaxes(title=unit_of(indicator), fixedrange=True)
    figure.update_yaxes(fixedrange=True, type="category")
    groups = offices.group.nunique()
    figure.update_layout(height=140 + 70 * groups, margin={"t": 40, "l": 140, "r": 40, "b": 50},
                         plot_bgcolor="white", paper_bgcolor="white")
    return figure


def trend_figure(data: Trend) -> go.Figure:
    """The entity's monthly values with the parent's and the peers' lines, on green/yellow/red bands."""
    indicator = data.indicator
    series = data.series
    if series[series.line == "entity"].empty:
        return empty_figure(f"{data.entity.name} has no members for this indicator in these months")
    figure = go.Figure()
    _bands(figure, indicator, series)
    names = {"entity": data.entity.name, "parent": data.path[-2].name if len(data.path) > 1 else "",
             "peers": f"Peers' median ({data.peers})"}
    for line in ("peers", "parent", "entity"):
        points = series[series.line == line]
        if points.empty:
            continue
        is_entity = line == "entity"
        statuses = points.status.fillna("none").tolist()
        hover = [f"{names[line]}<br>{m:%B %Y}: {format_value(indicator.kind, v, True)}"
                 + (f" ({amount_text(indicator, n, d)})<br>{status_text(s)}" if is_entity else "")
                 for m, v, n, d, s in zip(points.month, points.value, points.numerator, points.denominator,
                                          statuses)]
        figure.add_trace(go.Scatter(
            x=points.month, y=points.value, name=names[line], mode="lines+markers" if is_entity else "lines",
            line={"color": LINE_COLOURS[line], "width": 3 if is_entity else 2,
                  "dash": "solid" if is_entity else ("dot" if line == "peers" else "dash")},
            # Insufficient months are hollow: shown, not to be read as a rated value.
            marker={"size": 9, "color": ["white" if s == "insufficient" else LINE_COLOURS[line] for s in statuses],
                    "line": {"color": LINE_COLOURS[line], "width": 2}} if is_entity else None,
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    figure.update_xaxes(title=None, dtick="M3", tickformat="%b %Y", fixedrange=True)
    figure.update_yaxes(title=unit_of(indicator), fixedrange=True)
    figure.update_layout(height=380, margin={"t": 30, "l": 70, "r": 110, "b": 40}, plot_bgcolor="white",
                         paper_bgcolor="white", legend={"orientation": "h", "y": -0.15}, hovermode="closest")
    return figure


def _bands(figure: go.Figure, indicator, series: pd.DataFrame) -> None:
    """Green, yellow and red bands behind the lines (none for a count), faint so the lines read first."""
    if indicator.kind == "count":
        return
    green, yellow = float(threshold(indicator.green)), float(threshold(indicator.yellow))
    values = series.value.dropna()
    low = min([0.0, *values.tolist()])
    high = max([green, yellow, *values.tolist()]) * 1.1 or 1.0
    if indicator.kind == "proportion":
        high = max(high, 100.0) if indicator.direction == "higher" else high
    if indicator.direction == "higher":
        bands = [("green", green, high), ("yellow", yellow, green), ("red", low, yellow)]
    else:
        bands = [("green", low, green), ("yellow", green, yellow), ("red", yellow, high)]
    for status, y0, y1 in bands:
        figure.add_hrect(y0=y0, y1=y1, fillcolor=STATUS_STYLE[status]["colour"], opacity=0.16, line_width=0,
                         layer="below")
    figure.add_hline(y=green, line={"color": "#333", "width": 2},
                     annotation_text=f"standard {standard_text(indicator).split(' · ')[0]}",
                     annotation_position="right")
