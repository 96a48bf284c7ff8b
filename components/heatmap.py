"""The scorecard heat map: rows are entities (the parent first), columns indicators under domain headers.

Each cell shows its value and a status symbol on a colour-blind-safe palette; hover says the name,
value, numerator and denominator, the standard, and the changes since last month and 12 months ago.
Row names link one level down (the parent's name to its own page); column names to the indicator page.
Figures are plain dicts in Plotly's schema: building them through plotly.graph_objects validates every
property on every call, which costs more than the query behind the page (tests validate them instead).
Every name enters a figure through `figure_text.literal`, so it shows as written, never as markup.
"""
from __future__ import annotations

import pandas as pd

from components.figure_text import literal
from display.format import (STATUS_STYLE, TEXT_COLOUR, amount_text, change_text, format_value, standard_text,
                               status_of, status_text)
from components.links import EntityView, IndicatorView, ScorecardView, scorecard_href
from queries.performance import Heatmap
from access.scope import EntityRef

# One z value per display status, drawn with a discrete colour scale (no blending between statuses).
ORDER = ["green", "yellow", "red", "insufficient", "none", "suppressed", "no data"]
ROW_PX = 34
COLUMN_PX = 66     # room for a symbol and a value such as "✕ 100.0" at a readable size
TOP_PX = 230       # rotated indicator names and the domain headers above them
LEFT_PX = 230
LABEL_CHARS = 34


def unique_labels(names: list[str], ids: list[str]) -> list[str]:
    """Row labels: the names, with the id added where a name repeats (two workers may share a name).

    Plain text: `figure_labels` is what a figure carries.
    """
    seen = pd.Series(names).duplicated(keep=False).tolist()
    return [f"{n} ({i})" if dup else n for n, i, dup in zip(names, ids, seen)]


def figure_labels(names: list[str], ids: list[str]) -> list[str]:
    """`unique_labels` escaped for a figure (its category values, and so what a click reports)."""
    return [literal(label) for label in unique_labels(names, ids)]


def _short(text: str, chars: int = LABEL_CHARS) -> str:
    return text if len(text) <= chars else text[:chars - 1].rstrip() + "…"


def _colourscale() -> list:
    scale = []
    for i, status in enumerate(ORDER):
        colour = STATUS_STYLE[status]["colour"]
        scale += [[i / len(ORDER), colour], [(i + 1) / len(ORDER), colour]]
    return scale


def hover_lines(indicator, row_label: str, cell) -> list[str]:
    """What a cell's hover says, as plain lines: the row, the indicator, the value with its unit and what it is
    made of, the standard, the status and the changes since last month and 12 months ago.

    The first two lines are names from the data; the rest is the builders' own text.
    """
    status = status_of(cell)
    lines = [row_label, indicator.name]
    if status == "no data":
        return lines + ["No members this month: nothing to measure"]
    if status == "suppressed":
        return lines + ["Hidden: its numbers are small enough to identify children, which your access does not show"]
    value = format_value(indicator.kind, cell.value, with_unit=True)
    amount = amount_text(indicator, cell.numerator, cell.denominator)
    lines.append(f"Value: {value}" + (f" ({amount})" if amount and indicator.kind != "count" else ""))
    lines.append(f"Standard: {standard_text(indicator)}")
    if status == "insufficient":
        lines.append(f"Status: {status_text(status)}: fewer than {int(indicator.min_n):,} "
                     f"{'days in care' if indicator.kind == 'rate' else 'members'}")
    else:
        lines.append(f"Status: {status_text(status)}")
    lines.append(f"Since last month: {change_text(indicator, cell.value, cell.last_month, cell.last_month_status)}")
    lines.append(f"Since 12 months ago: {change_text(indicator, cell.value, cell.last_year, cell.last_year_status)}")
    return lines


def _hover(indicator, row_label: str, cell) -> str:
    """`hover_lines` for a figure; `row_label` comes already escaped."""
    row, name, *rest = hover_lines(indicator, row_label, cell)
    return "<br>".join([f"<b>{row}</b>", literal(name), *rest])


def _cell_text(indicator, cell) -> str:
    status = status_of(cell)
    if status in ("no data", "suppressed"):
        return STATUS_STYLE[status]["symbol"]
    value = format_value(indicator.kind, cell.value).rstrip("%")  # the hover and the header say the unit
    symbol = STATUS_STYLE[status]["symbol"]
    return f"{symbol} {value}" if symbol else value


def heatmap_figure(data: Heatmap, view: ScorecardView) -> dict:
    """The heat map of one month, as a Plotly figure dict; `view` gives the month and tier the links carry."""
    indicators = list(data.indicators.itertuples(index=False))
    names = [literal(i.name) for i in indicators]
    plain = unique_labels(data.rows.entity_name.tolist(), data.rows.entity_id.tolist())
    labels = [literal(label) for label in plain]
    cells = {(c.level, c.entity_id, c.indicator_id): c for c in data.cells.itertuples(index=False)}
    z, text, custom = [], [], []
    for row, label in zip(data.rows.itertuples(index=False), labels):
        z_row, text_row, custom_row = [], [], []
        for indicator in indicators:
            cell = cells.get((row.level, row.entity_id, indicator.indicator_id))
            status = status_of(cell)
            z_row.append(ORDER.index(status))
            text_row.append(_cell_text(indicator, cell))
            custom_row.append(_hover(indicator, label, cell))
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    trace = {
        "type": "heatmap", "x": names, "y": labels, "z": z, "text": text, "customdata": custom,
        "texttemplate": "%{text}", "textfont": {"color": TEXT_COLOUR, "size": 12},
        "hovertemplate": "%{customdata}<extra></extra>",
        # z is an index into ORDER: with zmin 0 and zmax len(ORDER) - 1, index i falls in colour band i.
        "colorscale": _colourscale(), "zmin": 0, "zmax": len(ORDER) - 1, "showscale": False, "xgap": 2, "ygap": 2,
    }
    return {"data": [trace], "layout": _layout(data, view, names, labels, plain, indicators)}


def _layout(data: Heatmap, view: ScorecardView, names, labels, plain, indicators) -> dict:
    # Shortened before escaping, so that no entity is cut in half.
    column_links = [
        f'<a href="{IndicatorView(i.indicator_id, view.month, view.parent, view.level).href()}" target="_self">'
        f"{literal(_short(i.name))}</a>" for i in indicators]
    row_links = []
    for n, (row, label) in enumerate(zip(data.rows.itertuples(index=False), plain)):
        href = row_href(data, view, n, row)
        text = f"<b>{literal(_short(label))}</b>" if n == 0 else literal(_short(label))
        row_links.append(f'<a href="{href}" target="_self">{text}</a>')
    shapes, annotations = _domain_headers(indicators)
    if len(labels) > 1:  # the parent's row is set off from its children's
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": 0.5, "y1": 0.5,
                       "line": {"color": "#333", "width": 2}})
    return {
        "xaxis": {"side": "top", "tickangle": -40, "tickmode": "array", "tickvals": names, "ticktext": column_links,
                  "showgrid": False, "fixedrange": True, "tickfont": {"size": 12}},
        "yaxis": {"autorange": "reversed", "tickmode": "array", "tickvals": labels, "ticktext": row_links,
                  "showgrid": False, "fixedrange": True, "tickfont": {"size": 13}},
        "height": TOP_PX + ROW_PX * max(len(labels), 1) + 20,
        "width": LEFT_PX + COLUMN_PX * max(len(names), 1) + 40,
        "margin": {"t": TOP_PX, "l": LEFT_PX, "r": 20, "b": 20},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "hoverlabel": {"align": "left"},
        "shapes": shapes, "annotations": annotations,
    }


def row_href(data: Heatmap, view: ScorecardView, n: int, row) -> str:
    """Where row `n`'s name leads: one level down, or its own page (the parent's row, a worker, or an
    entity whose children the reader may not open)."""
    if n == 0 or row.level == "worker" or not row.drillable:
        return EntityView(data.parent.ref if n == 0 else _ref(row), view.month).href()
    return scorecard_href(_ref(row), view.month, view.tier)


def cell_href(view: ScorecardView, indicator_id: str, row) -> str:
    """Where a cell leads: its indicator across the same entities, with the row's trend."""
    return IndicatorView(indicator_id, view.month, view.parent, view.level, _ref(row)).href()


def _ref(row) -> EntityRef:
    return EntityRef(row.level, row.entity_id)


def _domain_headers(indicators) -> tuple[list, list]:
    """A header over each domain's columns and a rule between domains (case-flow order)."""
    shapes, annotations = [], []
    start = 0
    for n in range(1, len(indicators) + 1):
        if n == len(indicators) or indicators[n].domain != indicators[start].domain:
            annotations.append({"x": (start + n - 1) / 2, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
                                "yshift": TOP_PX - 44, "showarrow": False, "font": {"size": 14},
                                "text": f"<b>{_header(indicators[start].domain, n - start)}</b>"})
            if n < len(indicators):
                shapes.append({"type": "line", "xref": "x", "x0": n - 0.5, "x1": n - 0.5, "yref": "paper",
                               "y0": 0, "y1": 1, "line": {"color": "#333", "width": 2}})
            start = n
    return shapes, annotations


def _header(domain: str, columns: int) -> str:
    """A domain's header, broken at its hyphen when its columns are too narrow for it on one line."""
    return literal(domain).replace("-", "-<br>") if columns * COLUMN_PX < 9 * len(domain) else literal(domain)


def legend_items() -> list[tuple[str, str, str]]:
    """(symbol, label, colour) for the legend beside the heat map."""
    return [(STATUS_STYLE[s]["symbol"] or " ", STATUS_STYLE[s]["label"], STATUS_STYLE[s]["colour"]) for s in ORDER]


def cell_keys(data: Heatmap) -> dict:
    """What a click on the figure needs to know: the ids behind its row and column labels.

    (A heat map's clickData carries the labels a point sits on, not its customdata.)
    """
    labels = figure_labels(data.rows.entity_name.tolist(), data.rows.entity_id.tolist())
    return {"rows": {label: [r.level, r.entity_id] for label, r in zip(labels, data.rows.itertuples(index=False))},
            "columns": dict(zip(map(literal, data.indicators.name), data.indicators.indicator_id))}


def clicked_cell(click_data: dict | None, keys: dict | None) -> tuple[str, str, str] | None:
    """(indicator_id, level, entity_id) of a clicked cell, from the graph's clickData and `cell_keys`."""
    try:
        point = click_data["points"][0]
        level, entity_id = keys["rows"][point["y"]]
        indicator_id = keys["columns"][point["x"]]
    except (TypeError, KeyError, IndexError, ValueError):
        return None
    return indicator_id, level, entity_id
