"""One indicator across the organisation: entities ranked, the variation behind the parent's value, offices
beside their peer group, the trend of one entity, and the definition card."""
import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components.charts import (compact, empty_figure, peers_figure, presented, ranking_figure, status_counts, trend_figure,
                               variation_figure)
from components.common import GRAPH_CONFIG, breadcrumb, definition_card, message, month_options, unknown_indicator
from display.format import STATUS_STYLE, entity_label, format_value, status_class, status_text
from components.home import data_as_of, no_data
from components.links import TREND_MONTHS, IndicatorView, MembersView, ViewError, picked_month
from store.meetings import actions_for_cell
from queries.performance import indicator_across, path_ids, trend
from web.runtime import current_reader, latest_month_now, refused, services
from access.scope import ScorecardQueryError
from queries.scorecard import indicator_catalogue, report_months
from web.present import presenting

dash.register_page(__name__, path_template="/indicator/<indicator_id>", name="Indicator",
                   title="Indicator · Statboard", nav=False)

INDICATOR_URL = "indicator-url"
INDICATOR_QUERY = "indicator-query"
INDICATOR_BREADCRUMB = "indicator-breadcrumb"
INDICATOR_TITLE = "indicator-title"
INDICATOR_AS_OF = "indicator-as-of"
INDICATOR_MONTH = "indicator-month"
INDICATOR_MONTHS = "indicator-months"
INDICATOR_MESSAGE = "indicator-message"
INDICATOR_SUMMARY = "indicator-summary"
INDICATOR_RANKING = "indicator-ranking"
INDICATOR_VARIATION = "indicator-variation"
INDICATOR_PEERS = "indicator-peers"
INDICATOR_TREND = "indicator-trend"
INDICATOR_TREND_TITLE = "indicator-trend-title"
INDICATOR_DEFINITION = "indicator-definition"
INDICATOR_MEMBERS = "indicator-members"
INDICATOR_FOCUS_MEMBERS = "indicator-focus-members"
INDICATOR_CHARTS = "indicator-charts"
# Withheld, not display:none: Plotly sizes a figure drawn in a hidden box to nothing (assets/pages.css).
CHARTS_SHOWN, CHARTS_WITHHELD = "indicator-charts", "indicator-charts charts-withheld"

MONTHS_OPTIONS = [{"label": f"{n} months", "value": str(n)} for n in TREND_MONTHS] + [
    {"label": "Whole history", "value": "all"}]


def layout(indicator_id=None, **query):
    """The sections with empty figures; `show_indicator` fills them."""
    def graph(graph_id):
        # Responsive: a figure takes the width of its column (its height is its own).
        return dcc.Loading(dcc.Graph(id=graph_id, figure=empty_figure(), config={**GRAPH_CONFIG, "responsive": True},
                                     style={"height": "auto", "width": "100%"}), delay_show=300)

    return html.Div([
        dcc.Location(id=INDICATOR_URL, refresh="callback-nav"),
        dcc.Store(id=INDICATOR_QUERY, data={"indicator_id": indicator_id, **query}),
        html.Div(id=INDICATOR_BREADCRUMB),
        html.Div([html.H1(id=INDICATOR_TITLE, className="h3 me-auto mb-0"), html.Div(id=INDICATOR_AS_OF)],
                 className="d-flex flex-wrap align-items-baseline gap-3 mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label("Month", html_for=INDICATOR_MONTH),
                     dcc.Dropdown(id=INDICATOR_MONTH, value=query.get("month"), clearable=False)], md=3),
            dbc.Col([dbc.Label("Trend over", html_for=INDICATOR_MONTHS),
                     dcc.Dropdown(id=INDICATOR_MONTHS, options=MONTHS_OPTIONS, value=query.get("months") or "24",
                                  clearable=False)], md=3),
        ], className="g-3 mb-2"),
        html.Div(id=INDICATOR_MESSAGE),
        dbc.Row([
            dbc.Col([
                html.Div(id=INDICATOR_SUMMARY, className="mb-2"),
                html.Div([
                    html.H2("Ranked against the standard", className="h5"),
                    html.P("Click a bar for that entity's trend.", className="text-muted small"),
                    graph(INDICATOR_RANKING),
                    html.H2("Variation behind the parent's value", className="h5 mt-3"),
                    graph(INDICATOR_VARIATION),
                    html.H2(id=INDICATOR_TREND_TITLE, className="h5 mt-3"),
                    graph(INDICATOR_TREND),
                    html.H2("Offices beside their peer group", className="h5 mt-3"),
                    html.P("Each office on its own row, with the other offices of its peer group; the black line is the "
                           "group's median; diamonds, named in bold, are the offices under this page's parent.",
                           className="text-muted small"),
                    graph(INDICATOR_PEERS),
                ], id=INDICATOR_CHARTS, className=CHARTS_WITHHELD),
            ], lg=8, class_name="indicator-main"),
            # In presentation the charts take the whole width and the definition follows them (assets/present.css).
            dbc.Col(html.Div(id=INDICATOR_DEFINITION), lg=4, class_name="indicator-side"),
        ]),
    ])


def summary(data, members_links: list | None = None) -> html.Div:
    """The parent's value and what it hides: how many of its descendants are green, yellow and red; and,
    for a reader who may see them, a link to the members behind the parent's cell."""
    indicator = data.indicator
    parent = entity_label(data.parent.name, data.parent.level)
    if data.parent_cell is None:
        head = f"{parent} has no members for this indicator in {data.month:%B %Y}."
    else:
        cell = data.parent_cell
        head = (f"{parent}: {format_value(indicator.kind, cell.value, True)}, "
                f"{status_text(cell.status)}.")
    if data.ranked.empty:
        return html.Div([html.Div([head, *(members_links or [])], className="fw-bold"),
                         html.Div(f"None of its {data.level}s has members for this indicator in {data.month:%B %Y}.")])
    counts = status_counts(data)
    parts = [html.Span(f"{STATUS_STYLE[s]['symbol']} {n} {STATUS_STYLE[s]['label']}",
                       className=f"status-chip me-2 {status_class(s)}",
                       style={"backgroundColor": STATUS_STYLE[s]["colour"]})
             for s, n in counts.items() if n]
    return html.Div([html.Div([head, *(members_links or [])], className="fw-bold"),
                     html.Div([html.Span(f"Of its {len(data.ranked)} {data.level}s with members: ", className="me-2"),
                               *parts])])


@callback(Output(INDICATOR_BREADCRUMB, "children"), Output(INDICATOR_TITLE, "children"),
          Output(INDICATOR_AS_OF, "children"), Output(INDICATOR_MONTH, "options"), Output(INDICATOR_MONTH, "value"),
          Output(INDICATOR_MESSAGE, "children"), Output(INDICATOR_SUMMARY, "children"),
          Output(INDICATOR_RANKING, "figure"), Output(INDICATOR_VARIATION, "figure"),
          Output(INDICATOR_PEERS, "figure"), Output(INDICATOR_TREND_TITLE, "children"),
          Output(INDICATOR_TREND, "figure"), Output(INDICATOR_DEFINITION, "children"),
          Output(INDICATOR_CHARTS, "className"), Input(INDICATOR_QUERY, "data"))
def show_indicator(query):
    """Read the view from the URL and draw every section, or say what was wrong with the URL."""
    blank = [None, "Indicator", None, [], None, None, None, empty_figure(), empty_figure(), empty_figure(), None,
             empty_figure(), None, CHARTS_WITHHELD]  # a message, not four empty frames
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        blank[5] = no_data()
        return tuple(blank)
    try:
        view = IndicatorView.from_page(query or {})
        reader = current_reader()
        scope = reader.data_scope()
        catalogue = indicator_catalogue(snapshot)
        if view.indicator_id not in set(catalogue.indicator_id):
            blank[5] = unknown_indicator(view.indicator_id, catalogue)
            return tuple(blank)
        data = indicator_across(snapshot, scope, view.indicator_id, view.month, view.parent, view.level)
        focus = view.entity or data.parent.ref
        history = trend(snapshot, scope, view.indicator_id, focus, data.month, view.months)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/indicator")
        blank[5] = message(f"{exc}.", heading="This indicator link cannot be shown")
        return tuple(blank)
    span = "the whole history" if view.months is None else f"the last {view.months} months"
    trend_title = f"Trend: {entity_label(history.entity.name, history.entity.level)}, {span}"
    members_links = _members_links(scope, view, data, history)
    # The actions agreed at Stat meetings to move this trend, so the curve can be read against them.
    actions = actions_for_cell(services().store, reader, view.indicator_id, history.entity.ref)
    title = f"{data.indicator['name']}"
    shown = (breadcrumb(data.path, view.month, current_is_link=True), title, data_as_of(snapshot.version),
             month_options(report_months(snapshot)), f"{data.month:%Y-%m}")
    if data.ranked.empty and data.parent_cell is None and history.series.value.dropna().empty:
        # Nothing to chart in any month shown: one sentence, not empty frames.
        said = html.P(f"No one is counted in this indicator for {entity_label(data.parent.name, data.parent.level)} "
                      f"or any of its {data.level}s in {data.month:%B %Y}, nor in {span} for "
                      f"{entity_label(history.entity.name, history.entity.level)}: there is nothing to chart. "
                      "The definition beside says who would be.", className="lead")
        return (*shown, None, said, *blank[7:12], definition_card(data.indicator), CHARTS_WITHHELD)
    figures = [ranking_figure(data), variation_figure(data), peers_figure(data), trend_figure(history, actions)]
    if presenting():  # read from the back of the room: larger text, each chart as tall as that needs
        figures = [presented(figure, keep_height=True) for figure in figures]
    ranking, variation, peers, trend_chart = [compact(figure) for figure in figures]  # numbers packed
    return (*shown, None, summary(data, members_links), ranking, variation, peers, trend_title, trend_chart,
            definition_card(data.indicator), CHARTS_SHOWN)


def _members_links(scope, view, data, history) -> list:
    """Links to the members behind the parent's cell and the trend entity's, for a reader whose own part of the
    organisation holds them (the query layer checks again when the members are asked for)."""
    links = []
    for entity, path, label, element_id in (
            (data.parent, data.path, "List its members", INDICATOR_MEMBERS),
            (history.entity, history.path, f"List the members of {history.entity.name}", INDICATOR_FOCUS_MEMBERS)):
        if element_id == INDICATOR_FOCUS_MEMBERS and entity.ref == data.parent.ref:
            continue
        if scope.case_level and scope.owns(entity.ref, path_ids(path)):
            where = None if entity.level == "department" else entity.ref
            links.append(dcc.Link(label, href=MembersView(view.indicator_id, data.month, where).href(), id=element_id,
                                  className="btn btn-sm btn-outline-primary ms-2"))
    return links


@callback(Output(INDICATOR_URL, "href"),
          Input(INDICATOR_MONTH, "value"), Input(INDICATOR_MONTHS, "value"), State(INDICATOR_QUERY, "data"),
          prevent_initial_call=True)
def navigate(month, months, query):
    """A changed month or trend span becomes a new URL."""
    try:
        view = IndicatorView.from_page(query or {})
        span = IndicatorView.from_query(view.indicator_id, {"months": months or "24"}).months
        changed = view.with_(month=picked_month(month, view.month, latest_month_now()), months=span)
    except ViewError:
        return no_update
    return no_update if month is None or changed == view else changed.href()


@callback(Output(INDICATOR_URL, "href", allow_duplicate=True),
          Input(INDICATOR_RANKING, "clickData"), State(INDICATOR_QUERY, "data"), prevent_initial_call=True)
def show_trend_of(click_data, query):
    """A clicked bar shows that entity's trend."""
    try:
        level, entity_id = click_data["points"][0]["customdata"]
        # The bar's ids come back from the browser: they are read as strictly as a typed link.
        view = IndicatorView.from_page({**(query or {}), "entity": f"{level}:{entity_id}"})
    except (TypeError, KeyError, IndexError, ValueError):  # ViewError is a ValueError
        return no_update
    return view.href()
