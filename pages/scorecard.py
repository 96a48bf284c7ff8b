"""The scorecard: every indicator for a parent entity and its children, one month, as a heat map."""
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components.charts import empty_figure
from components.common import GRAPH_CONFIG, breadcrumb, legend, message, month_options
from components.heatmap import cell_keys, clicked_cell, heatmap_figure
from components.home import data_as_of, no_data
from components.links import IndicatorView, ScorecardView, ViewError, picked_month
from queries.performance import MAX_HEATMAP_ROWS, heatmap
from queries.runtime import current_scope, latest_month_now, refused, services
from queries.scorecard import ScorecardQueryError, report_months

dash.register_page(__name__, path="/scorecard", name="Scorecard", title="Scorecard · Statboard", order=1)

SCORECARD_URL = "scorecard-url"
SCORECARD_QUERY = "scorecard-query"
SCORECARD_BREADCRUMB = "scorecard-breadcrumb"
SCORECARD_TITLE = "scorecard-title"
SCORECARD_AS_OF = "scorecard-as-of"
SCORECARD_MONTH = "scorecard-month"
SCORECARD_TIER = "scorecard-tier"
SCORECARD_SORT = "scorecard-sort"
SCORECARD_MESSAGE = "scorecard-message"
SCORECARD_HEATMAP = "scorecard-heatmap"
SCORECARD_KEYS = "scorecard-keys"
SCORECARD_LEGEND = "scorecard-legend"
SCORECARD_DOWNLOAD = "scorecard-download"

TIER_OPTIONS = [{"label": "Tier I and II", "value": "both"}, {"label": "Tier I", "value": "1"},
                {"label": "Tier II", "value": "2"}]


def layout(**query):
    """The controls (set from the URL) and an empty heat map; `show_scorecard` fills them."""
    return html.Div([
        dcc.Location(id=SCORECARD_URL, refresh="callback-nav"),
        dcc.Store(id=SCORECARD_QUERY, data=query),
        dcc.Store(id=SCORECARD_KEYS),
        html.Div(id=SCORECARD_BREADCRUMB),
        html.Div([html.H1(id=SCORECARD_TITLE, className="h3 me-auto mb-0"), html.Div(id=SCORECARD_AS_OF)],
                 className="d-flex flex-wrap align-items-baseline gap-3 mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label("Month", html_for=SCORECARD_MONTH),
                     dcc.Dropdown(id=SCORECARD_MONTH, value=query.get("month"), clearable=False)], md=3),
            dbc.Col([dbc.Label("Indicators", html_for=SCORECARD_TIER),
                     dbc.RadioItems(id=SCORECARD_TIER, options=TIER_OPTIONS, value=query.get("tier") or "both",
                                    inline=True)], md=4),
            dbc.Col([dbc.Label("Sort rows by", html_for=SCORECARD_SORT),
                     dcc.Dropdown(id=SCORECARD_SORT, value=query.get("sort") or "name", clearable=False)], md=5),
        ], className="g-3 mb-2 scorecard-controls"),
        html.Div(id=SCORECARD_MESSAGE),
        html.Div([html.Div(legend(), id=SCORECARD_LEGEND, className="me-auto"),
                  html.A("Download CSV", id=SCORECARD_DOWNLOAD, className="btn btn-sm btn-outline-secondary d-none")],
                 className="d-flex flex-wrap align-items-start gap-2"),
        # Wider than the screen with every indicator shown: scroll sideways rather than squeeze the cells.
        html.Div(dcc.Loading(dcc.Graph(id=SCORECARD_HEATMAP, figure=empty_figure(), config=GRAPH_CONFIG,
                                       responsive=False), delay_show=300), className="scorecard-scroll"),
        html.P("Click a row's name to drill into it, a column's name or a cell to open the indicator; "
               "the first row is the parent itself.", className="text-muted small"),
    ])


def sort_options(indicators) -> list[dict]:
    """Sort by name, or by any indicator shown: worst first or best first for its direction."""
    options = [{"label": "Name (A–Z)", "value": "name"}, {"label": "Name (Z–A)", "value": "-name"}]
    for i in indicators.itertuples(index=False):
        worst_first = "-" if i.direction == "lower" or i.kind == "count" else ""
        best_first = "" if worst_first else "-"
        first = "largest first" if i.kind == "count" else "worst first"
        options.append({"label": f"{i.name}: {first}", "value": f"{worst_first}{i.indicator_id}"})
        if i.kind != "count":
            options.append({"label": f"{i.name}: best first", "value": f"{best_first}{i.indicator_id}"})
    return options


@callback(Output(SCORECARD_BREADCRUMB, "children"), Output(SCORECARD_TITLE, "children"),
          Output(SCORECARD_AS_OF, "children"), Output(SCORECARD_MONTH, "options"),
          Output(SCORECARD_MONTH, "value"), Output(SCORECARD_SORT, "options"), Output(SCORECARD_SORT, "value"),
          Output(SCORECARD_MESSAGE, "children"),
          Output(SCORECARD_HEATMAP, "figure"), Output(SCORECARD_KEYS, "data"),
          Output(SCORECARD_LEGEND, "children"), Output(SCORECARD_DOWNLOAD, "href"),
          Output(SCORECARD_DOWNLOAD, "className"),
          Input(SCORECARD_QUERY, "data"))
def show_scorecard(query):
    """Read the view from the URL and draw its heat map, or say what was wrong with the URL."""
    hidden_download = "btn btn-sm btn-outline-secondary d-none"
    blank = (None, "Scorecard", None, [], None, [], None, None, empty_figure(), None, legend(), None,
             hidden_download)
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return (*blank[:7], no_data(), *blank[8:])
    try:
        view = ScorecardView.from_query(query or {})
        scope = current_scope()
        data = heatmap(snapshot, scope, view.month, view.parent, view.level, view.tier, view.sort)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/scorecard")
        return (*blank[:7], message(f"{exc}.", heading="This scorecard link cannot be shown"), *blank[8:])
    note = None
    if data.total_rows > MAX_HEATMAP_ROWS:
        note = message(f"Showing the first {MAX_HEATMAP_ROWS} of {data.total_rows:,} {data.level}s in this order; "
                       "choose a parent lower down to see them all.", colour="info")
    title = f"{data.parent.name}: {data.level}s, {data.month:%B %Y}"
    return (breadcrumb(data.path, view.month, view.tier), title, data_as_of(snapshot.version),
            month_options(report_months(snapshot)), f"{data.month:%Y-%m}", sort_options(data.indicators),
            view.sort or "name", note,
            heatmap_figure(data, view), cell_keys(data), legend(hidden=bool(scope.small_cell_min)),
            scorecard_download_href(data, view), "btn btn-sm btn-outline-secondary")


def scorecard_download_href(data, view) -> str:
    """The CSV of the cells on screen (this month, level and parent; every indicator of the tier shown)."""
    params = [("month", f"{data.month:%Y-%m}"), ("level", data.level)]
    if data.parent.level != "department":
        params.append(("parent", str(data.parent.ref)))
    if view.tier is not None:
        params += [("indicator", i) for i in data.indicators.indicator_id]
    return "/export/scorecard.csv?" + urlencode(params, safe=":")


@callback(Output(SCORECARD_URL, "href"),
          Input(SCORECARD_MONTH, "value"), Input(SCORECARD_TIER, "value"), Input(SCORECARD_SORT, "value"),
          State(SCORECARD_QUERY, "data"), prevent_initial_call=True)
def navigate(month, tier, sort, query):
    """A changed control becomes a new URL (so Back, Forward and a pasted link all work)."""
    try:
        view = ScorecardView.from_query(query or {})
        controls = ScorecardView.from_query({**(query or {}), "tier": "" if tier == "both" else tier,
                                             "sort": "" if sort == "name" else sort})
        changed = controls.with_(month=picked_month(month, view.month, latest_month_now()))
    except ViewError:
        return no_update
    if month is None or changed == view.with_(sort=None if view.sort == "name" else view.sort):
        return no_update
    return changed.href()


@callback(Output(SCORECARD_URL, "href", allow_duplicate=True),
          Input(SCORECARD_HEATMAP, "clickData"), State(SCORECARD_KEYS, "data"), State(SCORECARD_QUERY, "data"),
          prevent_initial_call=True)
def open_indicator(click_data, keys, query):
    """A clicked cell opens its indicator across the same entities, with the clicked row's trend."""
    cell = clicked_cell(click_data, keys)
    if cell is None:
        return no_update
    indicator_id, level, entity_id = cell
    try:
        view = ScorecardView.from_query(query or {})
        # The keys come back from the browser: they are read as strictly as a typed link.
        clicked = IndicatorView.from_query(indicator_id, {"entity": f"{level}:{entity_id}"})
    except ViewError:
        return no_update
    return clicked.with_(month=view.month, parent=view.parent, level=view.level).href()
