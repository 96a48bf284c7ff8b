"""One indicator across the organisation: entities ranked, the variation behind the parent's value, offices
beside their peer group, the trend of one entity, and the definition card; beside the trend, the national
performance of a published indicator compared to it (`compare_to`).

With `source=` the page is a published indicator's (store/aggregates.py): the states ranked in one period, one
state's trend over the periods published, the national breakdowns and the definition."""
import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components.charts import (compact, empty_figure, peers_figure, presented, ranking_figure, status_counts, trend_figure,
                               variation_figure)
from components.common import GRAPH_CONFIG, breadcrumb, definition_card, message, month_options, unknown_indicator
from display.format import STATUS_STYLE, entity_label, format_value, status_class, status_text
from components.home import data_as_of, no_data
from components.links import (TREND_MONTHS, IndicatorView, MembersView, SourceIndicatorView, ViewError,
                              is_source_view, picked_month)
from components import published
from store.aggregates import (as_shown_to, comparisons, entity_name, newest_source, source_breakdowns,
                              source_ranking, source_trend)
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
INDICATOR_NATIONAL = "indicator-national"      # under the trend: the national line's source and definition
INDICATOR_AGENCY = "indicator-agency"          # the agency's indicator page, all of it
# A published indicator's page (source=): its own parts, shown instead of the agency's.
SOURCE_SECTION = "indicator-source"
SOURCE_BREADCRUMB = "indicator-source-breadcrumb"
SOURCE_TITLE = "indicator-source-title"
SOURCE_AS_OF = "indicator-source-as-of"
SOURCE_PERIOD = "indicator-source-period"
SOURCE_ENTITY = "indicator-source-entity"
SOURCE_MESSAGE = "indicator-source-message"
SOURCE_SUMMARY = "indicator-source-summary"
SOURCE_RANKING_TITLE = "indicator-source-ranking-title"
SOURCE_RANKING = "indicator-source-ranking"
SOURCE_MISSING = "indicator-source-missing"
SOURCE_TREND_TITLE = "indicator-source-trend-title"
SOURCE_TREND = "indicator-source-trend"
SOURCE_BREAKDOWNS = "indicator-source-breakdowns"
SOURCE_DEFINITION = "indicator-source-definition"
SOURCE_CHARTS = "indicator-source-charts"
# Withheld, not display:none: Plotly sizes a figure drawn in a hidden box to nothing (assets/pages.css).
CHARTS_SHOWN, CHARTS_WITHHELD = "indicator-charts", "indicator-charts charts-withheld"

MONTHS_OPTIONS = [{"label": f"{n} months", "value": str(n)} for n in TREND_MONTHS] + [
    {"label": "Whole history", "value": "all"}]


def _graph(graph_id):
    # Responsive: a figure takes the width of its column (its height is its own).
    return dcc.Loading(dcc.Graph(id=graph_id, figure=empty_figure(), config={**GRAPH_CONFIG, "responsive": True},
                                 style={"height": "auto", "width": "100%"}), delay_show=300)


def layout(indicator_id=None, **query):
    """The sections with empty figures: the agency's (`show_indicator` fills them) or, with `source=`, a published
    indicator's (`show_source_indicator`); the other is there, out of sight and empty."""
    published_view = is_source_view(query)
    return html.Div([
        dcc.Location(id=INDICATOR_URL, refresh="callback-nav"),
        dcc.Store(id=INDICATOR_QUERY, data={"indicator_id": indicator_id, **query}),
        html.Div(_agency_layout(query), id=INDICATOR_AGENCY, className="d-none" if published_view else None),
        html.Div(_source_layout(query), id=SOURCE_SECTION, className=None if published_view else "d-none"),
    ])


def _source_layout(query) -> list:
    return [
        html.Div(id=SOURCE_BREADCRUMB),
        html.Div([html.H1(id=SOURCE_TITLE, className="h3 me-auto mb-0"), html.Div(id=SOURCE_AS_OF)],
                 className="d-flex flex-wrap align-items-baseline gap-3 mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label("Period", html_for=SOURCE_PERIOD),
                     dcc.Dropdown(id=SOURCE_PERIOD, value=query.get("period"), clearable=False)], md=3),
            dbc.Col([dbc.Label("Trend of", html_for=SOURCE_ENTITY),
                     dcc.Dropdown(id=SOURCE_ENTITY, value=query.get("entity"), clearable=False)], md=3),
        ], className="g-3 mb-2"),
        html.Div(id=SOURCE_MESSAGE),
        dbc.Row([
            dbc.Col([
                html.Div(id=SOURCE_SUMMARY, className="mb-2"),
                html.Div([
                    html.H2(id=SOURCE_RANKING_TITLE, className="h5"),
                    html.P("Click a bar for that state's trend.", className="text-muted small present-hide"),
                    _graph(SOURCE_RANKING),
                    html.Div(id=SOURCE_MISSING),
                    html.H2(id=SOURCE_TREND_TITLE, className="h5 mt-3"),
                    _graph(SOURCE_TREND),
                    html.Div(id=SOURCE_BREAKDOWNS),
                ], id=SOURCE_CHARTS, className=CHARTS_WITHHELD),
            ], lg=8, class_name="indicator-main"),
            dbc.Col(html.Div(id=SOURCE_DEFINITION), lg=4, class_name="indicator-side"),
        ]),
    ]


def _agency_layout(query) -> list:
    graph = _graph
    return [
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
                    html.Div(id=INDICATOR_NATIONAL),
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
    ]


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
          Output(INDICATOR_NATIONAL, "children"), Output(INDICATOR_CHARTS, "className"),
          Input(INDICATOR_QUERY, "data"))
def show_indicator(query):
    """Read the view from the URL and draw every section, or say what was wrong with the URL."""
    blank = [None, "Indicator", None, [], None, None, None, empty_figure(), empty_figure(), empty_figure(), None,
             empty_figure(), None, None, CHARTS_WITHHELD]  # a message, not four empty frames
    if is_source_view(query):  # a published indicator's page: `show_source_indicator` draws it
        return tuple(blank)
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
        return (*shown, None, said, *blank[7:12], definition_card(data.indicator), None, CHARTS_WITHHELD)
    compared = _compared(reader, view.indicator_id)
    figures = [ranking_figure(data), variation_figure(data), peers_figure(data),
               published.national_lines(trend_figure(history, actions), compared)]
    if presenting():  # read from the back of the room: larger text, each chart as tall as that needs
        figures = [presented(figure, keep_height=True) for figure in figures]
    ranking, variation, peers, trend_chart = [compact(figure) for figure in figures]  # numbers packed
    return (*shown, None, summary(data, members_links), ranking, variation, peers, trend_title, trend_chart,
            definition_card(data.indicator), published.comparison_note(compared), CHARTS_SHOWN)


def _compared(reader, indicator_id: str) -> list:
    """The published indicators compared to this one, of the sources imported (none for a reader who reads none)."""
    try:
        return comparisons(services().store, reader, indicator_id)
    except ScorecardQueryError:
        return []


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


@callback(Output(SOURCE_BREADCRUMB, "children"), Output(SOURCE_TITLE, "children"), Output(SOURCE_AS_OF, "children"),
          Output(SOURCE_PERIOD, "options"), Output(SOURCE_PERIOD, "value"), Output(SOURCE_ENTITY, "options"),
          Output(SOURCE_ENTITY, "value"), Output(SOURCE_ENTITY, "placeholder"), Output(SOURCE_MESSAGE, "children"), Output(SOURCE_SUMMARY, "children"),
          Output(SOURCE_RANKING_TITLE, "children"), Output(SOURCE_RANKING, "figure"),
          Output(SOURCE_MISSING, "children"), Output(SOURCE_TREND_TITLE, "children"), Output(SOURCE_TREND, "figure"),
          Output(SOURCE_BREAKDOWNS, "children"), Output(SOURCE_DEFINITION, "children"),
          Output(SOURCE_CHARTS, "className"), Input(INDICATOR_QUERY, "data"))
def show_source_indicator(query):
    """A published indicator's page (`source=`): the states ranked in the period, one state's trend, the national
    breakdowns and the definition; or what was wrong with the URL."""
    blank = (None, "Published indicator", None, [], None, [], None, None, None, None, None, empty_figure(), None,
             None, empty_figure(), None, None, CHARTS_WITHHELD)
    if not is_source_view(query):
        return blank
    try:
        view = SourceIndicatorView.from_page(query)
        reader = current_reader()
        source = as_shown_to(newest_source(services().store, reader, view.source), reader)
        ranking = source_ranking(source, view.indicator_id, view.period)
        kind = ranking.entity_type
        entity = view.entity or (ranking.ranked.entity_id.iloc[0] if not ranking.ranked.empty else None)
        entity_type = _entity_type(source, entity, kind)
        history = source_trend(source, view.indicator_id, entity_type, entity) if entity else None
        breakdowns = source_breakdowns(source, view.indicator_id, ranking.period)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/indicator")
        return (*blank[:8], message(f"{exc}.", heading="This indicator link cannot be shown"), *blank[9:])
    return published_page(source, view, ranking, entity, entity_type, history, breakdowns)


def _entity_type(source, entity: str | None, kind: str) -> str:
    """The type of the entity `entity` names (a state, the nation); `AggregateError` when the source has none."""
    from store.aggregates import AggregateError
    if entity is None:
        return kind
    found = source.rows[source.rows.entity_id == entity].entity_type
    if found.empty:
        raise AggregateError(f"the published figures have no {kind} {str(entity)[:40]!r}: choose one from the "
                             "Trend of list")
    return str(found.iloc[0])


def published_page(source, view, ranking, entity, entity_type, history, breakdowns) -> tuple:
    """`show_source_indicator`'s outputs for a view that was read."""
    indicator = ranking.indicator
    crumbs = dbc.Breadcrumb(items=[{"label": "Our scorecard", "href": "/scorecard"},
                                   {"label": f"Published: {source.name}", "href": f"/scorecard?source={source.name}"},
                                   {"label": indicator.name, "active": True}], class_name="statboard-breadcrumb mb-2")
    entities = (source.rows.drop_duplicates(["entity_type", "entity_id"])
                .sort_values(["entity_type", "entity_name"], key=lambda s: s.str.lower()))
    first = entities[entities.entity_type != ranking.entity_type]
    choices = [{"label": n, "value": e} for e, n in zip(first.entity_id, first.entity_name)] + [
        {"label": n, "value": e} for e, n in
        zip(*(lambda main: (main.entity_id, main.entity_name))(entities[entities.entity_type == ranking.entity_type]))]
    name = entity_name(source, entity_type, entity) if entity else None
    presenting_now = presenting()
    ranking_chart = published.ranking_figure(ranking)
    trend_chart = (published.trend_figure(indicator, history, name) if history is not None
                   else empty_figure("No state has a published figure to show a trend of"))
    parts = []
    for dimension, rows in breakdowns.items():
        figure = published.breakdown_figure(indicator, rows, dimension)
        figure = presented(figure, keep_height=True) if presenting_now else figure
        owner = ", ".join(dict.fromkeys(rows.entity_name))
        parts.append(html.Div([
            html.H3(f"{owner} by {dimension.lower()}", className="h6 mt-3"),
            dbc.Row([dbc.Col(published.breakdown_table(indicator, rows, dimension), xl=6),
                     dbc.Col(dcc.Graph(figure=compact(figure), config={**GRAPH_CONFIG, "responsive": True},
                                       style={"height": "auto", "width": "100%"}), xl=6)])]))
    heading = html.H2(f"National breakdowns, {ranking.period_label}", className="h5 mt-3")
    breakdown_part = [heading, *parts] if parts else [heading, html.P(
        f"No breakdowns are published for {ranking.period_label}.", className="text-muted")]
    if presenting_now:
        ranking_chart, trend_chart = (presented(f, keep_height=True) for f in (ranking_chart, trend_chart))
    missing = None
    if not ranking.missing.empty:
        missing = html.P([html.Strong(f"Not published for {ranking.period_label}: "),
                          ", ".join(ranking.missing.entity_name)], className="published-missing")
    # A period or state the URL leaves out follows the latest period and the best state: the pickers say so
    # without writing it into the URL.
    periods = published.period_options([p for p in source.periods if p[0] in set(
        source.rows.period[source.rows.indicator_id == indicator.id])])
    periods[0] = {"label": f"Latest ({periods[1]['label']})", "value": published.LATEST}
    return (crumbs, indicator.name, published.source_as_of(source.version), periods,
            view.period or published.LATEST, choices, view.entity, name or "", None,
            published.ranking_summary(ranking),
            f"The {ranking.entity_type}s ranked, {ranking.period_label}", compact(ranking_chart), missing,
            f"Trend: {name}, every period published" if name else "Trend", compact(trend_chart), breakdown_part,
            published.definition_card(indicator, source.version), CHARTS_SHOWN)


@callback(Output(INDICATOR_URL, "href", allow_duplicate=True), Input(SOURCE_PERIOD, "value"),
          Input(SOURCE_ENTITY, "value"), State(INDICATOR_QUERY, "data"), prevent_initial_call=True)
def navigate_source(period, entity, query):
    """A changed period or state becomes a new URL."""
    try:
        view = SourceIndicatorView.from_page(query or {})
        # The picked values come back from the browser: read as strictly as a typed link.
        changed = SourceIndicatorView.from_page({
            **(query or {}), "period": None if period == published.LATEST else (period or view.period),
            "entity": entity or view.entity})
    except ViewError:
        return no_update
    return no_update if changed == view else changed.href()


@callback(Output(INDICATOR_URL, "href", allow_duplicate=True),
          Input(SOURCE_RANKING, "clickData"), State(INDICATOR_QUERY, "data"), prevent_initial_call=True)
def show_source_trend_of(click_data, query):
    """A clicked bar shows that state's trend."""
    try:
        [entity] = click_data["points"][0]["customdata"]
        return SourceIndicatorView.from_page({**(query or {}), "entity": entity}).href()
    except (TypeError, KeyError, IndexError, ValueError):  # ViewError is a ValueError
        return no_update
