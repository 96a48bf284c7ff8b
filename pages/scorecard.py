"""The scorecard: every indicator for a parent entity and its children, one month, as a table of coloured cells."""
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import MissingCallbackContextException

from web import live
from components.common import breadcrumb, legend, message, month_options
from components.home import data_as_of, no_data
from components.links import ScorecardView, SourceScorecardView, ViewError, is_source_view, picked_month
from components.published import (AGENCY, LATEST, data_options, period_options, publisher, source_as_of,
                                  source_legend)
from components.scorecard_table import scorecard_table, source_table
from queries.cache import shared
from queries.performance import MAX_HEATMAP_ROWS, heatmap
from web.runtime import current_reader, current_scope, latest_month_now, refused, services
from access.scope import ScorecardQueryError
from store.aggregates import as_shown_to, newest_source, source_name, source_scorecard, sources
from queries.scorecard import report_months

dash.register_page(__name__, path="/scorecard", name="Scorecard", title="Scorecard · Statboard", order=1)

SCORECARD_URL = "scorecard-url"
SCORECARD_QUERY = "scorecard-query"
SCORECARD_BREADCRUMB = "scorecard-breadcrumb"
SCORECARD_TITLE = "scorecard-title"
SCORECARD_AS_OF = "scorecard-as-of"
SCORECARD_MONTH = "scorecard-month"     # a published source's period, on its scorecard
SCORECARD_SOURCE = "scorecard-source"   # the Data selector: the agency's own figures or a published source
SCORECARD_SOURCE_CONTROL = "scorecard-source-control"
SCORECARD_TIER = "scorecard-tier"
SCORECARD_SORT = "scorecard-sort"
SCORECARD_MESSAGE = "scorecard-message"
SCORECARD_HEATMAP = "scorecard-heatmap"   # the box the table is drawn in
SCORECARD_TABLE = "scorecard-table"       # what the table shows (components/scorecard_table.py)
SCORECARD_DRAWN = "scorecard-drawn"       # the rows drawn
SCORECARD_LEGEND = "scorecard-legend"
SCORECARD_DOWNLOAD = "scorecard-download"
SCORECARD_CONTROLS = "scorecard-controls"
SCORECARD_CONTROLS_TOGGLE = "scorecard-controls-toggle"  # a phone's one button for the controls
CONTROLS_OPEN = "scorecard-controls scorecard-controls-open"
LIVE = "scorecard"                        # web/live.py: redrawn when a new data version lands
LIVE_TICK, LIVE_SHOWN, LIVE_NEWER = live.ids(LIVE)

TIER_OPTIONS = [{"label": "Tier I and II", "value": "both"}, {"label": "Tier I", "value": "1"},
                {"label": "Tier II", "value": "2"}]


def layout(**query):
    """The controls (set from the URL) and an empty scorecard; `show_scorecard` fills them.

    Title, controls and legend are compact, so that the first rows show above the fold of a 1280×720 projector.
    On a phone the controls fold behind one button (assets/statboard.css), so that the table starts on the first
    screen.

    With `source=` (a published source's figures, store/aggregates.py) the Month picker is the Period picker and
    the tier and sort, which are the agency's, are not shown; the Data selector switches between them.
    """
    published = is_source_view(query)
    agency_only = "scorecard-control d-none" if published else "scorecard-control"
    return html.Div([
        dcc.Location(id=SCORECARD_URL, refresh="callback-nav"),
        dcc.Store(id=SCORECARD_QUERY, data=query),
        dcc.Store(id=SCORECARD_TABLE), dcc.Store(id=SCORECARD_DRAWN), *live.parts(LIVE),
        html.Div(id=SCORECARD_BREADCRUMB),
        html.Div([html.H1(id=SCORECARD_TITLE, className="h4 me-auto mb-0"), html.Div(id=SCORECARD_AS_OF)],
                 className="d-flex flex-wrap align-items-baseline gap-3 mb-1"),
        html.Button("Month, sort and filters", id=SCORECARD_CONTROLS_TOGGLE, type="button", n_clicks=0,
                    className="btn btn-outline-secondary btn-sm scorecard-controls-toggle",
                    **{"aria-controls": SCORECARD_CONTROLS, "aria-expanded": "false"}),
        html.Div([
            html.Div([dbc.Label("Data", html_for=SCORECARD_SOURCE, className="mb-0"),
                      dcc.Dropdown(id=SCORECARD_SOURCE, clearable=False, className="scorecard-source")],
                     id=SCORECARD_SOURCE_CONTROL, className="scorecard-control d-none"),
            html.Div([dbc.Label("Period" if published else "Month", html_for=SCORECARD_MONTH, className="mb-0"),
                      dcc.Dropdown(id=SCORECARD_MONTH, value=query.get("period" if published else "month"),
                                   clearable=False, className="scorecard-period-picker" if published
                                   else "scorecard-month")], className="scorecard-control"),
            html.Div([dbc.Label("Indicators", html_for=SCORECARD_TIER, className="mb-0"),
                      dbc.RadioItems(id=SCORECARD_TIER, options=TIER_OPTIONS, value=query.get("tier") or "both",
                                     inline=True)], className=agency_only),
            html.Div([dbc.Label("Sort rows by", html_for=SCORECARD_SORT, className="mb-0"),
                      dcc.Dropdown(id=SCORECARD_SORT, value=query.get("sort") or "name", clearable=False,
                                   className="scorecard-sort")], className=agency_only),
            html.A("Download CSV", id=SCORECARD_DOWNLOAD, className="btn btn-sm btn-outline-secondary d-none"),
        ], id=SCORECARD_CONTROLS, className="scorecard-controls"),
        html.Div(id=SCORECARD_MESSAGE),
        html.Div(legend(), id=SCORECARD_LEGEND),
        # Its own scroll box, so that the header row and the names column stick while a long listing scrolls;
        # assets/scorecard.js draws the table in it.
        html.Div(id=SCORECARD_HEATMAP, className="scorecard-box"),
        html.P("A column's name opens the indicator across the states; a cell opens it with that row's trend. Point "
               "at a cell for its numbers and period." if published else
               "A row's name drills into it (the first row is the parent itself: its own page); a column's name "
               "opens the indicator; a cell opens the indicator with that row's trend. Point at a cell for its "
               "numbers.", className="text-muted small mt-1"),
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
          Output(SCORECARD_TABLE, "data"),
          Output(SCORECARD_LEGEND, "children"), Output(SCORECARD_DOWNLOAD, "href"),
          Output(SCORECARD_DOWNLOAD, "className"), Output(LIVE_SHOWN, "data"),
          Input(SCORECARD_QUERY, "data"), Input(LIVE_NEWER, "data"))
def show_scorecard(query, _newer=None):
    """Read the view from the URL and draw its scorecard, or say what was wrong with the URL; drawn again from
    the same URL when a new data version lands (`_newer`, web/live.py), keeping the reader's place."""
    hidden_download = "btn btn-sm btn-outline-secondary d-none"
    snapshot = services().warehouse.snapshot()
    blank = (None, "Scorecard", None, [], None, [], None, None, None, legend(), None, hidden_download,
             live.shown(snapshot))
    if is_source_view(query):
        return (*show_source(query), hidden_download, live.shown(snapshot))
    if snapshot is None:
        return (*blank[:7], no_data(), *blank[8:])
    try:
        scope = current_scope()
        # A bare /scorecard (a bookmark, a forwarded link) is the reader's own: a manager lands on their part.
        view = ScorecardView.from_query(query or {}).for_reader(scope)
        data = heatmap(snapshot, scope, view.month, view.parent, view.level, view.tier, view.sort)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/scorecard")
        return (*blank[:7], message(f"{exc}.", heading="This scorecard link cannot be shown"), *blank[8:])
    note = None
    if data.total_rows > MAX_HEATMAP_ROWS:
        note = message(f"Showing the first {MAX_HEATMAP_ROWS} of {data.total_rows:,} {data.level}s in this order; "
                       "choose a parent lower down to see them all.", colour="info")
    title = f"{data.parent.name}: {data.level}s, {data.month:%B %Y}"
    # What the browser draws, built once per scope, view and data version (queries/cache.py): a meeting room
    # opening the same scorecard shares it.
    table = {**shared(snapshot, scope, "scorecard-table", {"view": view, "max_rows": MAX_HEATMAP_ROWS},
                      lambda: scorecard_table(data, view)),
             "keep_place": _live_redraw()}  # a live redraw keeps the table's scroll
    return (breadcrumb(data.path, view.month, view.tier), title, data_as_of(snapshot.version),
            month_options(report_months(snapshot)), f"{data.month:%Y-%m}", sort_options(data.indicators),
            view.sort or "name", note, table, legend(hidden=bool(scope.small_cell_min)),
            scorecard_download_href(data, view), "btn btn-sm btn-outline-secondary", live.shown(snapshot))


def show_source(query) -> tuple:
    """A published source's scorecard (`source=`, `period=`): the first eleven of `show_scorecard`'s outputs."""
    try:
        view = SourceScorecardView.from_query(query)
        reader = current_reader()
        source = as_shown_to(newest_source(services().store, reader, view.source), reader)
        card = source_scorecard(source, view.period)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/scorecard")
        return (None, "Published figures", None, [], None, [], None,
                message(f"{exc}.", heading="This scorecard link cannot be shown"), None, None, None)
    when = "the latest period of each indicator" if view.period is None else dict(source.periods)[view.period]
    note = None
    if card.left_out:
        note = message(f"Not published for {when}: {', '.join(i.name for i in card.left_out)}. Choose “Latest "
                       "for each indicator” to see every indicator.", colour="info")
    crumbs = dbc.Breadcrumb(items=[{"label": "Our scorecard", "href": "/scorecard"},
                                   {"label": f"Published: {source.name}", "active": True}],
                            class_name="statboard-breadcrumb mb-2")
    table = {**source_table(card, view), "keep_place": False}
    return (crumbs, f"{publisher(source)}: {card.entity_type}s, {when}", source_as_of(source.version),
            period_options(source.periods), view.period or LATEST, [], None, note, table,
            source_legend([c.indicator for c in card.columns]), None)


@callback(Output(SCORECARD_SOURCE, "options"), Output(SCORECARD_SOURCE, "value"),
          Output(SCORECARD_SOURCE_CONTROL, "className"), Input(SCORECARD_QUERY, "data"))
def show_sources(query):
    """The Data selector: the agency's own figures and each published source, shown when there is one to choose."""
    hidden = (no_update, no_update, "scorecard-control d-none")
    try:
        if current_reader().is_admin:
            return hidden
        found = sources(services().store)
    except ScorecardQueryError:
        return hidden
    if not found:
        return hidden
    asked = query.get("source") if is_source_view(query) else AGENCY
    return data_options(found), asked if isinstance(asked, str) else AGENCY, "scorecard-control"


@callback(Output(SCORECARD_URL, "href", allow_duplicate=True), Input(SCORECARD_SOURCE, "value"),
          State(SCORECARD_QUERY, "data"), prevent_initial_call=True)
def choose_source(chosen, query):
    """A chosen Data becomes a new URL: the agency's own scorecard, or the source's (each indicator's latest)."""
    now = query.get("source") if is_source_view(query) else AGENCY
    if chosen == now:
        return no_update
    if chosen == AGENCY:
        return "/scorecard"
    try:  # the value comes back from the browser: read as strictly as a typed link
        return SourceScorecardView.from_query({"source": source_name(chosen)}).href()
    except (ViewError, ScorecardQueryError, TypeError, AttributeError):
        return no_update


def _live_redraw() -> bool:
    """Whether this drawing is the live check's (a new data version), not the reader's own navigation."""
    try:
        return ctx.triggered_id == LIVE_NEWER
    except MissingCallbackContextException:  # called as a plain function (tests)
        return False


live.watch(LIVE)


clientside_callback(
    f"""function (clicks) {{
        var open = clicks % 2 === 1;
        return [open ? "{CONTROLS_OPEN}" : "scorecard-controls", open ? "true" : "false"];
    }}""", Output(SCORECARD_CONTROLS, "className"), Output(SCORECARD_CONTROLS_TOGGLE, "aria-expanded"),
    Input(SCORECARD_CONTROLS_TOGGLE, "n_clicks"), prevent_initial_call=True)


clientside_callback(ClientsideFunction("scorecard", "draw"), Output(SCORECARD_DRAWN, "data"),
                    Input(SCORECARD_TABLE, "data"), State(SCORECARD_HEATMAP, "id"))


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
    """A changed control becomes a new URL (so Back, Forward and a pasted link all work); on a published source's
    scorecard the Month picker is its Period picker."""
    if is_source_view(query):
        return _navigate_source(month, query)
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



def _navigate_source(period, query):
    try:
        view = SourceScorecardView.from_query(query)
        if period == (view.period or LATEST):
            return no_update
        # The picked value comes back from the browser: read as strictly as a typed link.
        changed = SourceScorecardView.from_query({"source": view.source, "period": None if period == LATEST else period})
    except ViewError:
        return no_update
    return changed.href()
