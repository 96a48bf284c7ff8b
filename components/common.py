"""Pieces every Stat-meeting page shares: the breadcrumb, messages, the legend, the definition card,
the month picker's options and the sparkline."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from display.format import STATUS_STYLE, standard_text, status_class, threshold
from components.links import scorecard_href
from queries.performance import Entity

GRAPH_CONFIG = {"displaylogo": False, "showSendToCloud": False, "showEditInChartStudio": False,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "zoom2d", "pan2d", "autoScale2d"],
                "toImageButtonOptions": {"format": "png", "scale": 2}}


def breadcrumb(path: list[Entity], month: dt.date | None, tier: int | None = None,
               current_is_link: bool = False) -> dbc.Breadcrumb:
    """Department › bureau › office ›…: each step opens the scorecard of its children."""
    items = []
    for n, entity in enumerate(path):
        last = n == len(path) - 1
        # A step links only where the reader may open it: a manager's breadcrumb names the bureau above them.
        if entity.level == "worker" or (last and not current_is_link) or not entity.drillable:
            items.append({"label": entity.name, "active": True})
        else:
            items.append({"label": entity.name, "href": scorecard_href(entity.ref, month, tier)})
    return dbc.Breadcrumb(items=items, class_name="statboard-breadcrumb mb-2")


def message(text: str, colour: str = "warning", heading: str | None = None) -> dbc.Alert:
    """A message on the page in place of a traceback: what was wrong and what to do."""
    return dbc.Alert(([html.H5(heading, className="alert-heading")] if heading else []) + [html.Div(text)],
                     color=colour, class_name="mb-3")


def way_back() -> html.P:
    """Links out of a page that cannot be shown: home, and the reader's own scorecard."""
    return html.P(["Go back to ", html.A("the home page", href="/", className="alert-link"), " or to ",
                   html.A("your scorecard", href="/scorecard", className="alert-link"), "."], className="mb-0 mt-2")


def refusal(text: str, heading: str) -> html.Div:
    """A page the reader may not open or that does not exist: a plain sentence and the way back, nothing else."""
    return html.Div(dbc.Alert([html.H1(heading, className="h4 alert-heading"), html.P(text, className="mb-0"),
                               way_back()], color="warning", class_name="mb-3"), className="statboard-refusal")


def unknown_indicator(indicator_id: str, catalogue: pd.DataFrame, most: int = 3) -> dbc.Alert:
    """An address naming no indicator of the catalogue: said plainly, with the scorecard to pick one from and at
    most `most` indicators whose name or id is close to what was asked for."""
    import difflib
    wanted = str(indicator_id).replace("_", " ").replace("-", " ").lower()[:100]
    names = {row.indicator_id: row.name for row in catalogue.itertuples(index=False)}
    keys = {name.lower(): i for i, name in names.items()} | {i.replace("_", " ").lower(): i for i in names}
    close = difflib.get_close_matches(wanted, list(keys), n=most * 2, cutoff=0.5)
    close += [key for key in keys if wanted and len(wanted) >= 4 and wanted in key]
    matches = list(dict.fromkeys(keys[k] for k in close))[:most]
    body = [html.P("There is no indicator at this address. Pick one from the scorecard, where every indicator "
                   "is a column.", className="mb-1")]
    if matches:
        body.append(html.P(["Perhaps you meant: "] + [
            part for n, i in enumerate(matches) for part in (
                ([", "] if n else []) + [html.A(names[i], href=f"/indicator/{quote(i, safe='')}",
                                                className="alert-link")])] + ["?"], className="mb-1"))
    body.append(html.P(html.A("Open the scorecard", href="/scorecard", className="alert-link"), className="mb-0"))
    return dbc.Alert([html.H5("No such indicator", className="alert-heading"), *body], color="warning",
                     class_name="mb-3")


def legend(hidden: bool = False) -> html.Div:
    """What each colour and symbol means; `hidden`: with the mark of a cell hidden from the reader."""
    items = []
    for status in ("green", "yellow", "red", "insufficient", "none", *(["suppressed"] if hidden else []), "no data"):
        style = STATUS_STYLE[status]
        items.append(html.Span([
            html.Span(style["symbol"] or style.get("sample") or "\u00a0",
                      className=f"legend-swatch {status_class(status)}", style={"backgroundColor": style["colour"]}),
            html.Span(style["label"], className="legend-label"),
        ], className="legend-item"))
    return html.Div(items, className="statboard-legend")


# What an indicator's value is, in the footer of its definition (a manager's words, not the catalogue's kinds).
KIND_WORDS = {"proportion": "a percentage", "rate": "a rate per days in care", "median": "a median, in days",
              "count": "a count"}


def _name(indicator) -> str:
    """An indicator's name, from a catalogue row (a pandas Series' `.name` is its index label, not this)."""
    return indicator["name"] if hasattr(indicator, "index") and "name" in indicator.index else indicator.name


def definition_card(indicator) -> dbc.Card:
    """The indicator's definition, why it matters and the discussion questions, from the catalogue."""
    questions = indicator.questions if isinstance(indicator.questions, list) else list(indicator.questions)
    return dbc.Card(dbc.CardBody([
        html.H5("Definition", className="card-title"),
        html.P(indicator.definition),
        html.H6("Why it matters"),
        html.P(indicator.why),
        html.H6("Standard"),
        html.P(standard_text(indicator) + (f"; rated from {int(indicator.min_n):,} "
                                           f"{'days in care' if indicator.kind == 'rate' else 'members'}"
                                           if indicator.kind != "count" else "")),
        html.H6("For the Stat meeting"),
        html.Ol([html.Li(q) for q in questions]),
        html.Small(f"{_name(indicator)} · Tier {'I' if indicator.tier == 1 else 'II'} · {indicator.domain} · "
                   f"{KIND_WORDS.get(indicator.kind, indicator.kind)}", className="text-muted"),
    ]), class_name="definition-card")


def month_options(months: list[dt.date]) -> list[dict]:
    """The month picker's options, newest first."""
    return [{"label": f"{m:%B %Y}", "value": f"{m:%Y-%m}"} for m in reversed(months)]


def sparkline(values: pd.Series, statuses: pd.Series, indicator, width: int = 160, height: int = 36) -> html.Img:
    """A small line of the last months' values as an inline SVG image, the last point in its status colour
    and the green threshold dotted; its alt text says the first and last values."""
    points = [(i, float(v)) for i, v in enumerate(values) if pd.notna(v)]
    if not points:
        return html.Span("no values", className="text-muted small")
    ys = [y for _, y in points]
    green = threshold(indicator.green)
    if green is not None:
        ys.append(float(green))
    low, high = min(ys), max(ys)
    span = (high - low) or 1.0
    count = max(len(values) - 1, 1)

    def xy(i, y):
        return 4 + (width - 8) * i / count, height - 4 - (height - 8) * (y - low) / span

    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
    last_i, last_v = points[-1]
    last_status = statuses.iloc[last_i] if last_i < len(statuses) else "none"
    colour = STATUS_STYLE.get(last_status if isinstance(last_status, str) else "none", STATUS_STYLE["none"])["colour"]
    x, y = xy(last_i, last_v)
    standard = ""
    if green is not None:
        _, gy = xy(0, float(green))
        standard = (f'<line x1="0" x2="{width}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#555" '
                    'stroke-dasharray="3 3" stroke-width="1"/>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">{standard}'
           f'<polyline fill="none" stroke="#0B3C8C" stroke-width="2" points="{line}"/>'
           f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" stroke="#111" stroke-width="1"/></svg>')
    first_v = points[0][1]
    return html.Img(src="data:image/svg+xml;utf8," + quote(svg), width=width, height=height,
                    alt=f"from {first_v:.4g} to {last_v:.4g}", className="sparkline")
