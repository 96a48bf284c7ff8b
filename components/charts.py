"""The indicator page's figures: entities ranked against the standard, the variation behind a parent's value,
offices beside their peer group, and the trend with its bands. Pure: data in, Plotly figure dicts out.

Figures are plain dicts in Plotly's schema (see components/heatmap.py for why); the tests validate them.
Every name enters a figure through `figure_text.literal`, so it shows as written, never as markup.
"""
from __future__ import annotations

import base64
import math

import numpy as np
import pandas as pd

from components.figure_text import literal
from display.format import (STATUS_STYLE, amount_text, format_value, standard_text, status_text, threshold,
                               unit_of)
from components.heatmap import figure_labels
from queries.performance import IndicatorAcross, Trend

LINE_COLOURS = {"entity": "#0B3C8C", "parent": "#6F6F6F", "peers": "#9A4E9E"}  # not the status colours
BAR_PX = 34
TEXT_PX = 15          # read from the back of a meeting room: no figure text smaller than 14 px
NOTE_PX = 14
LABEL_ROW_PX = 20     # each line's label has a row of its own above the plot, so labels never print over bars
BOX_MIN_POINTS = 5    # fewer points than this make a box that pretends to a spread: dots only
# No width: a figure takes the width of its container (autosize), only its height is fixed.
PLAIN = {"plot_bgcolor": "white", "paper_bgcolor": "white", "autosize": True,
         "font": {"size": TEXT_PX, "color": "#111"}, "hoverlabel": {"font": {"size": TEXT_PX}}}


def _values(series) -> list:
    """A column as JSON-ready values: NaN and NA become None."""
    return [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v
            for v in pd.Series(series).tolist()]


def empty_figure(message: str = "") -> dict:
    """A blank figure (with a message in the middle when given): what a graph shows until it has data."""
    annotations = [{"text": message, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                    "font": {"size": 16}}] if message else []
    return {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}, "height": 120,
                                   "margin": {"t": 10, "b": 10, "l": 10, "r": 10}, "annotations": annotations,
                                   **PLAIN}}


def _line(axis: str, value: float, colour: str, dash: str, label: str, position) -> tuple[dict, dict]:
    """A line across the plot at `value` on `axis` ('x': vertical), and its label.

    A vertical line's label goes above the plot in row `position` (0, 1, 2...: one row per line, so close
    values never overprint), reading away from the nearer edge (`position` may be a (row, 'left'|'right') pair);
    a horizontal line's label goes right of the plot."""
    if axis == "x":
        row, side = position if isinstance(position, tuple) else (position, "left")
        shape = {"type": "line", "xref": "x", "x0": value, "x1": value, "yref": "paper", "y0": 0, "y1": 1}
        note = {"x": value, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom", "yshift": 2 + LABEL_ROW_PX * row,
                "xanchor": side, "bgcolor": "rgba(255,255,255,0.85)"}
    else:
        shape = {"type": "line", "yref": "y", "y0": value, "y1": value, "xref": "paper", "x0": 0, "x1": 1}
        note = {"y": value, "yref": "y", "x": 1, "xref": "paper", "xanchor": "left"}
    shape["line"] = {"color": colour, "dash": dash, "width": 2}
    return shape, {**note, "text": label, "showarrow": False, "font": {"size": NOTE_PX}}


def _side(value: float, x_range) -> str:
    """Which way a label reads from its line: rightwards, unless that would run off the plot's right edge."""
    if not x_range:
        return "left"
    low, high = x_range
    return "right" if high > low and (value - low) / (high - low) > 0.6 else "left"


def _value_range(indicator, values, extra=()) -> list[float]:
    """An axis from zero to just above the data, the standard and `extra` (the parent's value): a percent axis
    ends at 100 when what it shows comes near it, and never above it without data above it."""
    seen = [float(v) for v in [*values, *extra] if v is not None and not pd.isna(v)]
    if indicator.kind != "count":
        seen += [float(threshold(indicator.green)), float(threshold(indicator.yellow))]
    peak = max(seen, default=1.0) or 1.0
    top = peak * 1.1
    if indicator.kind == "proportion":
        top = 100.0 if peak >= 75 and peak <= 100 else min(top, 100.0) if peak <= 100 else peak * 1.02
    return [0, top]


def _fitted_range(indicator, values, extra=()) -> list[float]:
    """An axis fitted to dots (not bars, which start at zero): the data, the standard and `extra`, with a
    little room; a percent axis stays within 0-100 unless the data leave it."""
    seen = [float(v) for v in [*values, *extra] if v is not None and not pd.isna(v)]
    if indicator.kind != "count":
        seen += [float(threshold(indicator.green)), float(threshold(indicator.yellow))]
    if not seen:
        return [0, 1]
    low, high = min(seen), max(seen)
    pad = max((high - low) * 0.08, abs(high) * 0.01, 0.5)
    low, high = max(low - pad, 0.0), high + pad
    if indicator.kind == "proportion" and max(seen) <= 100:
        high = min(high, 100.0)
    return [low, high]


def _standard_lines(indicator, axis: str, x_range=None) -> tuple[list, list]:
    """The green and yellow thresholds as lines across the plot (along x for bars, y for trends)."""
    shapes, notes = [], []
    if indicator.kind == "count":
        return shapes, notes
    for row, (name, colour, dash) in enumerate((("green", "#333", "solid"), ("yellow", "#777", "dash"))):
        value = float(threshold(getattr(indicator, name)))
        shape, note = _line(axis, value, colour, dash, f"{name} {format_value(indicator.kind, value)}",
                            (row, _side(value, x_range)) if axis == "x" else "right")
        shapes.append(shape)
        notes.append(note)
    return shapes, notes


def _parent_line(data: IndicatorAcross, label: str, x_range=None) -> tuple[list, list]:
    if data.parent_cell is None:
        return [], []
    value = float(data.parent_cell.value)
    shape, note = _line("x", value, LINE_COLOURS["parent"], "dot", f"┅ {label}",
                        (2 if data.indicator.kind != "count" else 0, _side(value, x_range)))
    return [shape], [note]


def _label_rows(data: IndicatorAcross) -> int:
    return (2 if data.indicator.kind != "count" else 0) + (data.parent_cell is not None)


def ranking_figure(data: IndicatorAcross) -> dict:
    """Entities of one level ranked best first, coloured and marked by status, the standard as lines."""
    indicator = data.indicator
    ranked = data.ranked
    if ranked.empty:
        return empty_figure(f"No {data.level} under {literal(data.parent.name)} has members this month")
    labels = figure_labels(ranked.entity_name.tolist(), ranked.entity_id.tolist())
    statuses = ranked.status.tolist()
    text = [f"{STATUS_STYLE[s]['symbol']} {format_value(indicator.kind, v)}".strip()
            for s, v in zip(statuses, ranked.value)]
    hover = [f"<b>{label}</b><br>{format_value(indicator.kind, v, True)} ({amount_text(indicator, n, d)})<br>"
             f"{status_text(s)}" for label, v, n, d, s in zip(labels, ranked.value, ranked.numerator,
                                                               ranked.denominator, statuses)]
    bar = {"type": "bar", "x": _values(ranked.value), "y": labels, "orientation": "h",
           "marker": {"color": [STATUS_STYLE[s]["colour"] for s in statuses], "line": {"color": "#333", "width": 1}},
           "customdata": [[level, entity_id] for level, entity_id in zip(ranked.level, ranked.entity_id)],
           "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>"}
    x_range = _value_range(indicator, ranked.value, [] if data.parent_cell is None else [data.parent_cell.value])
    shapes, notes = _standard_lines(indicator, "x", x_range)
    parent_shapes, parent_notes = _parent_line(
        data, f"{literal(data.parent.name)}: {format_value(indicator.kind, data.parent_cell.value)}"
        if data.parent_cell is not None else "", x_range)
    rows = _label_rows(data)
    # Each value in a column right of the plot, level with its bar: printed at the bar's end, it was crossed by
    # the lines of the standard and the parent, which sit where the values are.
    values = [{"x": 1, "xref": "paper", "xanchor": "left", "xshift": 6, "y": label, "yref": "y", "text": t,
               "showarrow": False, "font": {"size": TEXT_PX}} for label, t in zip(labels, text)]
    return {"data": [bar], "layout": {
        "yaxis": {"autorange": "reversed", "fixedrange": True, "automargin": True},
        "xaxis": {"title": {"text": unit_of(indicator)}, "fixedrange": True, "range": x_range},
        "height": 110 + LABEL_ROW_PX * rows + BAR_PX * len(ranked),
        "margin": {"t": 14 + LABEL_ROW_PX * rows, "l": 220, "r": 100, "b": 56},
        "showlegend": False, "shapes": shapes + parent_shapes, "annotations": notes + parent_notes + values,
        **PLAIN}}


def status_counts(data: IndicatorAcross) -> dict[str, int]:
    """How many of the ranked entities are green, yellow, red, insufficient: what a parent's value hides."""
    counts = data.ranked.status.value_counts()
    return {s: int(counts.get(s, 0)) for s in ("green", "yellow", "red", "insufficient", "none", "suppressed")}


LABEL_ALL_MAX = 6     # a variation chart names every dot up to this many; beyond, the best and the worst
# A variation dot's mark by status: filled and shaped for the rated ones; hollow for a value not rated.
DOT_MARKS = {"green": "circle", "yellow": "diamond", "red": "x"}
HOLLOW = "circle-open"


def _named_dots(rated: pd.DataFrame) -> set[int]:
    """Which dots (positions in `rated`) carry their name on the chart: all of a few, else the highest and the
    lowest (the best and the worst, whichever the direction)."""
    if len(rated) <= LABEL_ALL_MAX:
        return set(range(len(rated)))
    values = rated.value.astype(float).reset_index(drop=True)
    return {int(values.idxmax()), int(values.idxmin())}


def _text_place(height: float, value, x_range) -> str:
    """Where a dot's name goes: above a dot in the upper half, below one in the lower; towards the middle near
    either end of the axis, so that a name is never cut by the figure's edge."""
    vertical = "top" if height >= 0 else "bottom"
    low, high = x_range
    share = (float(value) - low) / (high - low) if high > low else 0.5
    return f"{vertical} {'left' if share > 0.8 else 'right' if share < 0.2 else 'center'}"


def variation_figure(data: IndicatorAcross) -> dict:
    """The spread of the descendants' values around the parent's: one dot per entity, a box for the spread.

    Each dot is named on the chart (all of a few; the best and the worst of many, every one in its hover), and a
    legend says what its mark means: filled and shaped by status, hollow for a value not rated (a count)."""
    indicator = data.indicator
    rated = data.ranked[~data.ranked.status.isin(["insufficient", "suppressed"])].reset_index(drop=True)
    if rated.empty:
        return empty_figure("Too few members in every entity to show a spread")
    labels = figure_labels(rated.entity_name.tolist(), rated.entity_id.tolist())
    box = [] if len(rated) < BOX_MIN_POINTS else [{
        "type": "box", "x": _values(rated.value), "y0": 0, "orientation": "h", "boxpoints": False,
        "name": f"{data.level}s", "line": {"color": "#555"}, "fillcolor": "rgba(0,0,0,0)", "hoverinfo": "skip",
        "showlegend": False}]
    # One dot per entity, spread up and down by a fixed pattern (not random: the same data draws the same); its
    # name above a dot in the upper half, below one in the lower.
    heights = [((n * 7) % 11 - 5) / 20 for n in range(len(rated))]
    named = _named_dots(rated)
    statuses = rated.status.tolist()
    x_range = _fitted_range(indicator, rated.value, [] if data.parent_cell is None else [data.parent_cell.value])
    dots = []
    for status in [*DOT_MARKS, *sorted({s for s in statuses if s not in DOT_MARKS})]:
        mine = [n for n, s in enumerate(statuses) if s == status]
        if not mine:
            continue
        hollow = status not in DOT_MARKS
        dots.append({
            "type": "scatter", "mode": "markers+text", "x": _values(rated.value[mine]), "y": [heights[n] for n in mine],
            "name": "not rated (a count): hollow" if hollow else STATUS_STYLE[status]["label"],
            "text": [labels[n] if n in named else "" for n in mine],
            "textposition": [_text_place(heights[n], rated.value[n], x_range) for n in mine],
            "textfont": {"size": NOTE_PX}, "hovertext": [labels[n] for n in mine],
            "hovertemplate": "%{hovertext}: %{x}<extra></extra>",
            "cliponaxis": False,  # a dot at 0% or 100% is drawn whole on the axis's edge
            "marker": {"color": "#333" if hollow else STATUS_STYLE[status]["colour"], "size": 12,
                       "symbol": HOLLOW if hollow else DOT_MARKS[status], "line": {"color": "#333", "width": 1}}})
    shapes, notes = _standard_lines(indicator, "x", x_range)
    parent_shapes, parent_notes = _parent_line(data, literal(data.parent.name), x_range)
    rows = _label_rows(data)
    if len(rated) > LABEL_ALL_MAX:
        notes.append({"text": f"Named: the highest and the lowest of {len(rated)}; point at a dot for its name",
                      "xref": "paper", "yref": "paper", "x": 0, "y": 0, "yanchor": "bottom", "xanchor": "left",
                      "showarrow": False, "font": {"size": NOTE_PX, "color": "#333"}})
    return {"data": [*box, *dots], "layout": {
        "xaxis": {"title": {"text": unit_of(indicator)}, "fixedrange": True, "range": x_range},
        "yaxis": {"fixedrange": True, "showticklabels": False, "range": [-0.75, 0.75]},
        "height": 280 + LABEL_ROW_PX * rows, "margin": {"t": 14 + LABEL_ROW_PX * rows, "l": 20, "r": 30, "b": 90},
        # Under the axis's title, at the figure's foot whatever its height.
        "showlegend": True, "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        "shapes": shapes + parent_shapes, "annotations": notes + parent_notes, **PLAIN}}


def peers_figure(data: IndicatorAcross) -> dict:
    """Every office in scope beside the others of its peer group, with each group's median value.

    One row per office, a group's rows together (best first) under the group's name, and the group's median a
    line across them: a name never shares a row, so a group of any size reads (a row per office keeps twenty
    names apart where dots in one row per group printed their names over each other from six)."""
    indicator = data.indicator
    offices = data.offices.assign(group=data.offices.peer_group.fillna("no peer group"),
                                  ungrouped=data.offices.peer_group.isna())
    if offices.empty:
        return empty_figure("No office has members this month")
    offices = offices.sort_values(["ungrouped", "group", "value"], ascending=[True, True,
                                                                             indicator.direction != "higher"],
                                  na_position="last", kind="stable").reset_index(drop=True)
    labels = figure_labels(offices.entity_name.tolist(), offices.entity_id.tolist())
    # The offices under this page's parent are named in bold and drawn as diamonds: the ones this meeting owns.
    names = [f"<b>{label}</b>" if under else label for label, under in zip(labels, offices.under_parent)]
    groups = [literal(g) for g in offices.group]
    medians, shapes = {}, []
    for plain_group, members in offices.groupby("group", sort=False):
        rated = members[~members.status.isin(["insufficient", "suppressed"])]
        if rated.empty:
            continue
        medians[plain_group] = median = float(rated.value.median())
        # Across the group's rows (category axes place rows at 0, 1, 2...).
        shapes.append({"type": "line", "xref": "x", "x0": median, "x1": median, "yref": "y",
                       "y0": members.index.min() - 0.45, "y1": members.index.max() + 0.45,
                       "line": {"color": "#111", "width": 4}})
    hover = [f"<b>{label}</b> ({group})<br>{format_value(indicator.kind, v, True)}<br>{status_text(s)}"
             + (f"<br>{group} median: {format_value(indicator.kind, medians[g], True)}" if g in medians else "")
             for label, group, g, v, s in zip(labels, groups, offices.group, offices.value, offices.status)]
    dots = {"type": "scatter", "x": _values(offices.value), "y": [groups, names], "mode": "markers",
            "showlegend": False, "cliponaxis": False,
            "marker": {"size": [16 if u else 12 for u in offices.under_parent],
                       "color": [STATUS_STYLE[s]["colour"] for s in offices.status],
                       "symbol": ["diamond" if u else "circle" for u in offices.under_parent],
                       "line": {"color": "#333", "width": 1}},
            "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>"}
    x_range = _fitted_range(indicator, offices.value)
    standard_shapes, notes = _standard_lines(indicator, "x", x_range)
    return {"data": [dots], "layout": {
        "xaxis": {"title": {"text": unit_of(indicator)}, "fixedrange": True, "range": x_range},
        # Two levels of labels: the group, and its offices; the first row at the top.
        "yaxis": {"fixedrange": True, "type": "multicategory", "autorange": "reversed", "automargin": True,
                  "dividercolor": "#999", "showgrid": True, "gridcolor": "#eee"},
        "height": 110 + 2 * LABEL_ROW_PX + BAR_PX * len(offices),
        "margin": {"t": 14 + 2 * LABEL_ROW_PX, "l": 20, "r": 60, "b": 56},
        "shapes": standard_shapes + shapes, "annotations": notes, **PLAIN}}


def trend_figure(data: Trend, actions=()) -> dict:
    """The entity's monthly values with the parent's and the peers' lines, on green/yellow/red bands.

    Each of `actions` (store.meetings.Action) meant to move this indicator for this entity is marked where it
    was agreed, so a room sees whether the curve moved after it; the others are left out, so a caller may pass a
    meeting's actions whole. More than `LABELLED_ACTIONS` are numbered: show `action_key` beside the figure.
    However many there are, the figure is at most `NUMBER_ROWS` rows of marks taller than without them.
    """
    indicator = data.indicator
    series = data.series
    if series[series.line == "entity"].empty:
        return empty_figure(f"{literal(data.entity.name)} has no members for this indicator in these months")
    names = {"entity": literal(data.entity.name), "parent": literal(data.path[-2].name) if len(data.path) > 1 else "",
             "peers": f"Peers' median ({literal(data.peers)})"}
    traces = []
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
        trace = {"type": "scatter", "x": [f"{m:%Y-%m-%d}" for m in points.month], "y": _values(points.value),
                 "name": names[line], "mode": "lines+markers" if is_entity else "lines",
                 "line": {"color": LINE_COLOURS[line], "width": 3 if is_entity else 2,
                          "dash": "solid" if is_entity else ("dot" if line == "peers" else "dash")},
                 "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>"}
        if is_entity:
            # Insufficient months are hollow: shown, not to be read as a rated value.
            trace["marker"] = {"size": 9, "line": {"color": LINE_COLOURS[line], "width": 2},
                               "color": ["white" if s == "insufficient" else LINE_COLOURS[line] for s in statuses]}
        traces.append(trace)
    y_range = _trend_range(indicator, series)
    shapes, notes = _bands(indicator, series, y_range)
    action_shapes, action_notes, rows = _action_marks(data, actions)
    shapes, notes = shapes + action_shapes, notes + action_notes
    return {"data": traces, "layout": {
        "xaxis": {"type": "date", "dtick": "M3", "tickformat": "%b %Y", "fixedrange": True},
        "yaxis": {"title": {"text": unit_of(indicator)}, "fixedrange": True, "range": y_range},
        "height": 400 + LABEL_ROW_PX_ACTIONS * rows,
        "margin": {"t": 30 + LABEL_ROW_PX_ACTIONS * rows, "l": 80, "r": 180, "b": 40},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.15}, "shapes": shapes, "annotations": notes, **PLAIN}}


ACTION_COLOUR = "#111111"
ACTION_LABEL_CHARS = 28
LABEL_ROW_PX_ACTIONS = 18  # a row of action marks above the plot
LABELLED_ACTIONS = 2  # up to this many actions are labelled at their line; more are numbered, with a key beside
NUMBER_ROWS = 2       # numbered marks of nearby days take turns between this many rows above the plot
NEAR_SHARE = 0.08     # marks closer than this share of the axis's span would touch: the next one goes up a row


def trend_actions(data: Trend, actions) -> list:
    """Of `actions`, those meant to move this trend's indicator for its entity, in the order they are marked and
    numbered: by the day they were agreed."""
    return sorted((a for a in actions if a.indicator_id == data.indicator.indicator_id
                   and (a.entity.level, a.entity.entity_id) == (data.entity.level, data.entity.entity_id)),
                  key=lambda a: (a.agreed_on, a.id))


def action_key(data: Trend, actions) -> list[tuple[int, object]]:
    """The key to the numbers `trend_figure` draws: (number, action) for each action of the trend, or nothing
    when there are few enough to be labelled at their lines (then the figure needs no key)."""
    mine = trend_actions(data, actions)
    return list(enumerate(mine, start=1)) if len(mine) > LABELLED_ACTIONS else []


def action_key_text(number: int, action, what_chars: int | None = None) -> str:
    """One line of the key, as plain text (not figure markup): its number, the day it was agreed, what (cut to
    `what_chars` with an ellipsis, if given), who owns it and by when."""
    what = action.what
    if what_chars is not None and len(what) > what_chars:
        what = what[:what_chars - 1].rstrip() + "…"
    return f"{number}. {action.agreed_on:%d %b %Y}: {what} ({action.owner}, due {action.due:%d %b %Y}, {action.status})"


def _action_marks(data: Trend, actions) -> tuple[list, list, int]:
    """A dotted vertical line at each action's `agreed_on` and a mark above the plot (the whole text, owner and
    due date in its hover), and how many rows the marks take, for the room above the plot.

    A few actions are labelled with their text, each on a row of its own, oldest lowest. More would push the
    plot off a slide and squash it on a screen: they are numbered instead (one mark per day, "1–4" for four
    agreed the same day), on at most `NUMBER_ROWS` rows, and `action_key` lists the numbers."""
    mine = trend_actions(data, actions)
    if len(mine) > LABELLED_ACTIONS:
        return _numbered_marks(data, mine)
    shapes, notes = [], []
    months = pd.to_datetime(data.series.month)
    # A label reads rightwards from its line, except near the right edge, where it would be cut off.
    turn = months.max() - pd.DateOffset(months=6) if len(months) else None
    for above, action in enumerate(mine):
        day = f"{action.agreed_on:%Y-%m-%d}"
        short = action.what if len(action.what) <= ACTION_LABEL_CHARS else \
            action.what[:ACTION_LABEL_CHARS - 1].rstrip() + "…"
        shapes.append(_action_line(day))
        notes.append({"x": day, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
                      "xanchor": "right" if turn is not None and pd.Timestamp(action.agreed_on) > turn else "left",
                      "yshift": 2 + LABEL_ROW_PX_ACTIONS * above, "showarrow": False,
                      "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": NOTE_PX, "color": ACTION_COLOUR},
                      "text": f"▼ action {action.agreed_on:%d %b %Y}: {literal(short)}",
                      "hovertext": _action_hover(action)})
    return shapes, notes, len(mine)



def _action_line(day: str) -> dict:
    return {"type": "line", "xref": "x", "x0": day, "x1": day, "yref": "paper", "y0": 0, "y1": 1,
            "line": {"color": ACTION_COLOUR, "dash": "dot", "width": 2}}


def _action_hover(action) -> str:
    return (f"{literal(action.what)}<br>owner {literal(action.owner)}, due {action.due:%d %b %Y}, "
            f"{literal(action.status)}")


def _numbered_marks(data: Trend, mine: list) -> tuple[list, list, int]:
    days: dict = {}
    for number, action in enumerate(mine, start=1):
        days.setdefault(action.agreed_on, []).append((number, action))
    stamps = [pd.Timestamp(m) for m in pd.to_datetime(data.series.month)] + [pd.Timestamp(d) for d in days]
    span = max((max(stamps) - min(stamps)).days, 1)
    shapes, notes, last_in_row, used = [], [], {}, 1
    for day, numbered in days.items():
        first, final = numbered[0][0], numbered[-1][0]
        # The lowest row whose last mark is far enough to the left; the lowest if none is.
        row = next((r for r in range(NUMBER_ROWS) if r not in last_in_row
                    or (day - last_in_row[r]).days > span * NEAR_SHARE), 0)
        last_in_row[row] = day
        used = max(used, row + 1)
        shapes.append(_action_line(f"{day:%Y-%m-%d}"))
        notes.append({"x": f"{day:%Y-%m-%d}", "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
                      "xanchor": "center", "yshift": 2 + LABEL_ROW_PX_ACTIONS * row, "showarrow": False,
                      "bgcolor": "white", "bordercolor": ACTION_COLOUR, "borderwidth": 1, "borderpad": 1,
                      "font": {"size": NOTE_PX, "color": ACTION_COLOUR},
                      "text": str(first) if first == final else f"{first}–{final}",
                      "hovertext": "<br>".join(f"{n}. {action.agreed_on:%d %b %Y}: {_action_hover(action)}"
                                               for n, action in numbered)})
    return shapes, notes, used


def _trend_range(indicator, series: pd.DataFrame) -> list[float] | None:
    """The value axis fitted to the lines and the standard, with a little room: a 95-100 trend reads as a
    trend, not a flat line at the top of 0-100. A percent axis stays within 0-100; a count starts at zero."""
    values = series.value.dropna().astype(float).tolist()
    if not values:
        return None
    if indicator.kind == "count":
        return [0, max(values) * 1.1 or 1.0]
    seen = values + [float(threshold(indicator.green)), float(threshold(indicator.yellow))]
    low, high = min(seen), max(seen)
    pad = max((high - low) * 0.12, abs(high) * 0.01, 0.5)
    low, high = max(low - pad, 0.0), high + pad
    if indicator.kind == "proportion":
        high = min(high, 100.0) if max(seen) <= 100 else high
    return [low, high]


def _bands(indicator, series: pd.DataFrame, y_range: list[float] | None = None) -> tuple[list, list]:
    """Green, yellow and red bands behind the lines (none for a count), faint so the lines read first; they
    reach the edges of `y_range`."""
    if indicator.kind == "count":
        return [], []
    green, yellow = float(threshold(indicator.green)), float(threshold(indicator.yellow))
    values = series.value.dropna().tolist()
    low = min([0.0, *values])
    high = max([green, yellow, *values]) * 1.1 or 1.0
    if indicator.kind == "proportion" and indicator.direction == "higher":
        high = max(high, 100.0)
    if y_range is not None:
        low, high = min(low, y_range[0]), max(high, y_range[1])
    if indicator.direction == "higher":
        bands = [("green", green, high), ("yellow", yellow, green), ("red", low, yellow)]
    else:
        bands = [("green", low, green), ("yellow", green, yellow), ("red", yellow, high)]
    shapes = [{"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y0, "y1": y1,
               "fillcolor": STATUS_STYLE[status]["colour"], "opacity": 0.16, "line": {"width": 0}, "layer": "below"}
              for status, y0, y1 in bands]
    line, note = _line("y", green, "#333", "solid", f"standard {standard_text(indicator).split(' · ')[0]}", "right")
    return shapes + [line], [note]


PRESENT_FONT_PX = 20  # a chart's smallest text in presentation: read from the back of a room at 1280×720
DRAWN_FONT_PX = NOTE_PX  # the text size the builders above lay their labels out for
PRESENT_ROW_PX = 32  # a row of labels above a plot in presentation: 20 px text with room to spare
PRESENT_TICKS = "M6"  # a date axis's ticks in presentation: six-monthly labels fit a 1280 px screen unslanted


def presented(figure: dict, keep_height: bool = False) -> dict:
    """`figure` for a projector: every text at least `PRESENT_FONT_PX`, the rows of labels above the plot and the
    margins grown with it. Only the layout's sizes change; the builders above draw the figure.

    Its height: with `keep_height` (a page that scrolls, such as the indicator page) the figure's own, grown with
    its text, so a ranking of twenty keeps a row per bar; otherwise none, and the figure is as tall as the box it
    is drawn in (assets/present.css sizes `.present-chart` to a share of the screen, as the meeting does)."""
    layout = dict(figure.get("layout") or {})
    grow = PRESENT_FONT_PX / DRAWN_FONT_PX
    rows = PRESENT_ROW_PX / LABEL_ROW_PX
    height = layout.pop("height", None)
    if keep_height and height:
        layout["height"] = int(height * grow)
    layout["autosize"] = True
    layout["font"] = {**(layout.get("font") or {}), "size": PRESENT_FONT_PX, "color": "#000"}
    layout["hoverlabel"] = {**(layout.get("hoverlabel") or {}), "font": {"size": PRESENT_FONT_PX}}
    for name in [k for k in layout if k.startswith(("xaxis", "yaxis"))]:
        axis = dict(layout[name] or {})
        axis["tickfont"] = {**(axis.get("tickfont") or {}), "size": PRESENT_FONT_PX}
        axis["automargin"] = True
        if axis.get("type") == "date":
            axis.update(dtick=PRESENT_TICKS, tickangle=0)
        layout[name] = axis
    if isinstance(layout.get("title"), dict):
        layout["title"] = {**layout["title"], "font": {**(layout["title"].get("font") or {}), "size": 24}}
    foot = "legend" in layout and layout["legend"].get("yref") == "container"
    if foot and keep_height:  # a page that scrolls keeps the legend at the figure's foot, in large type
        layout["legend"] = {**layout["legend"], "font": {"size": PRESENT_FONT_PX}}
        layout["height"] = layout.get("height", 0) + PRESENT_ROW_PX
    elif foot:
        # In a meeting's short box on a projector the foot legend (the variation's marks) would cost the plot
        # itself: the dots keep their names, and the marks are the scorecard's, whose legend the room has seen.
        layout["showlegend"] = False
        del layout["legend"]
    elif "legend" in layout:
        layout["legend"] = {**layout["legend"], "font": {"size": PRESENT_FONT_PX}, "y": -0.2, "yanchor": "top"}
    notes, right = [], 0
    for note in layout.get("annotations") or []:
        note = {**note, "font": {**(note.get("font") or {}), "size": PRESENT_FONT_PX}}
        if note.get("yshift"):  # labels stacked in rows above the plot: rows as tall as the text
            note["yshift"] = note["yshift"] * rows
        if note.get("xref") == "paper" and note.get("x", 0) >= 1 and note.get("xanchor") == "left":
            chars = len(str(note.get("text", "")))
            right = max(right, int(chars * PRESENT_FONT_PX * 0.62) + 10 + note.get("xshift", 0))
        notes.append(note)
    layout["annotations"] = notes
    margin = dict(layout.get("margin") or {})
    margin["t"] = max(int(margin.get("t", 40) * rows), 50)
    margin["r"] = max(margin.get("r", 20), right)
    margin["b"] = (margin.get("b", 40) + PRESENT_ROW_PX - LABEL_ROW_PX if keep_height else 60) if foot else \
        max(margin.get("b", 40), 100 if "legend" in layout else 60)
    layout["margin"] = margin
    # Text drawn by the traces themselves (a variation's dot names) grows with the rest.
    data = [{**trace, "textfont": {**trace["textfont"], "size": PRESENT_FONT_PX}} if "textfont" in trace else trace
            for trace in figure.get("data") or []]
    return {**figure, "data": data, "layout": layout}


COMPACT_MIN = 8  # arrays shorter than this gain nothing from packing


def compact(figure: dict) -> dict:
    """`figure` with each trace's numeric x and y sent as packed float64 (Plotly's typed-array form, `{"dtype":
    "f8", "bdata": base64}`: 8 bytes a number, no digits to print or parse; None becomes NaN, which Plotly leaves
    out as it does None). Text, dates and short arrays are left as they are. For a callback's answer: the
    figure builders and their tests keep plain lists."""
    traces = []
    for trace in figure.get("data") or []:
        trace = dict(trace)
        for axis in ("x", "y"):
            values = trace.get(axis)
            if isinstance(values, (list, tuple)) and len(values) >= COMPACT_MIN and _numeric(values):
                packed = np.array([math.nan if v is None else v for v in values], dtype="<f8")
                trace[axis] = {"dtype": "f8", "bdata": base64.b64encode(packed.tobytes()).decode("ascii")}
        traces.append(trace)
    return {**figure, "data": traces}


def _numeric(values) -> bool:
    return any(v is not None for v in values) and all(
        v is None or (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
        for v in values)
