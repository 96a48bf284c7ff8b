"""One delegate agency (/providers/<provider_id>): its contracts in force and their terms, every contract metric's
trend against the contract's target and floor beside its program's aggregate, the peers of its program in the
month, the members behind a computed figure, and the history of its performance reviews (components/provider_page.py).

Who reads it: the whole department's readers (executives, analysts, a department viewer) any provider's page; a
provider's own staff (the provider role, `provider:ID`) their own provider's only. The reader's scope is checked
before anything of the provider is read, so a provider's staff asking for another provider learn nothing of it,
not even whether it exists.
"""
import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from access.scope import EntityRef, OutsideScope, ScorecardQueryError
from components.charts import compact, presented
from components.common import GRAPH_CONFIG, message, month_options, refusal
from components.home import data_as_of, no_data
from components.links import MembersView, ProviderView, ViewError, picked_month
from components.provider_page import (contract_lines, contract_terms, marks_note, members_link, other_contracts,
                                      peers_table,
                                      period_lines, provider_trend_figure, provider_type, reported_figure,
                                      reported_summary, reported_table, reviews_list, trend_summary, trend_table)
from components.provider_scorecard import in_force, programs, provider_href, reported_series
from measures.build import PROVIDER
from queries.performance import add_months, resolve_month
from queries.providers import provider_trend, providers
from queries.scorecard import report_months
from store.contracts import current_contracts
from store.meetings import list_meetings
from web.present import presenting
from web.runtime import current_reader, latest_month_now, refused, services

dash.register_page(__name__, path_template="/providers/<provider_id>", name="Provider",
                   title="Provider · Statboard", nav=False)

PROVIDER_URL = "provider-url"
PROVIDER_QUERY = "provider-query"
PROVIDER_BREADCRUMB = "provider-breadcrumb"
PROVIDER_TITLE = "provider-title"
PROVIDER_SUBTITLE = "provider-subtitle"
PROVIDER_AS_OF = "provider-as-of"
PROVIDER_MONTH = "provider-month"
PROVIDER_MESSAGE = "provider-message"
PROVIDER_CONTRACTS = "provider-contracts"
PROVIDER_PEERS = "provider-peers"
PROVIDER_METRICS = "provider-metrics"
PROVIDER_REVIEWS = "provider-reviews"
PROVIDER_BODY = "provider-body"
TREND_MONTHS = 24
FOR_WHOM = ("A provider's page is for the department's executives and analysts, and for that provider's own staff: "
            "the providers serve the whole department.")


def layout(provider_id=None, **query):
    """The frame; `show_provider` fills it."""
    return html.Div([
        dcc.Location(id=PROVIDER_URL, refresh="callback-nav"),
        dcc.Store(id=PROVIDER_QUERY, data={"provider_id": provider_id, **query}),
        html.Div(id=PROVIDER_BREADCRUMB),
        html.Div([html.H1("Provider", id=PROVIDER_TITLE, className="h3 me-auto mb-0"), html.Div(id=PROVIDER_AS_OF)],
                 className="d-flex flex-wrap align-items-baseline gap-3 mb-1"),
        html.P(id=PROVIDER_SUBTITLE, className="fs-5 mb-2 provider-subtitle"),
        html.Div([dbc.Label("Month", html_for=PROVIDER_MONTH, className="mb-0"),
                  dcc.Dropdown(id=PROVIDER_MONTH, value=query.get("month") if isinstance(query.get("month"), str)
                               else None, clearable=False, className="scorecard-month")],
                 className="scorecard-control mb-2 present-hide"),
        html.Div(id=PROVIDER_MESSAGE),
        html.Div([
            html.H2("Contracts", className="h5 mt-2"),
            html.Div(id=PROVIDER_CONTRACTS),
            html.H2("Beside the other providers of its program", className="h5 mt-3"),
            html.Div(id=PROVIDER_PEERS),
            html.H2("Each contract metric over time", className="h5 mt-3"),
            marks_note(),
            html.Div(id=PROVIDER_METRICS),
            html.H2("Performance reviews", className="h5 mt-3"),
            html.Div(id=PROVIDER_REVIEWS),
        ], id=PROVIDER_BODY, className="d-none"),
    ])


def _blank(said) -> tuple:
    return (None, "Provider", None, None, [], None, said, None, None, None, None, "d-none")


@callback(Output(PROVIDER_BREADCRUMB, "children"), Output(PROVIDER_TITLE, "children"),
          Output(PROVIDER_SUBTITLE, "children"), Output(PROVIDER_AS_OF, "children"),
          Output(PROVIDER_MONTH, "options"), Output(PROVIDER_MONTH, "value"), Output(PROVIDER_MESSAGE, "children"),
          Output(PROVIDER_CONTRACTS, "children"), Output(PROVIDER_PEERS, "children"),
          Output(PROVIDER_METRICS, "children"), Output(PROVIDER_REVIEWS, "children"),
          Output(PROVIDER_BODY, "className"), Input(PROVIDER_QUERY, "data"))
def show_provider(query):
    """Read the provider and month from the URL and draw the page, or say why it cannot be."""
    reader = current_reader()
    scope = reader.scope
    if scope is None or not (scope.level == "department" or scope.is_provider):
        refused(OutsideScope("a provider's page is read with access to the whole department, or by the provider's "
                             f"own staff ({scope.describe() if scope else 'an admin reads no data'})"), "/providers/")
        return _blank(refusal(FOR_WHOM, "This page is not yours to read"))
    try:
        view = ProviderView.from_page(query or {})
        if not scope.reads_provider(view.provider_id):  # before anything of it is read
            raise OutsideScope(f"provider {view.provider_id[:40]} is outside what you may see ({scope.describe()}); "
                               f"your own page is {provider_href(scope.entity_id) if scope.is_provider else '/providers'}")
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/providers/")
        return _blank(message(f"{exc}.", heading="This provider page cannot be shown"))
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return _blank(no_data())
    try:
        month = resolve_month(snapshot, view.month)
        known = providers(snapshot)
        row = known[known.provider_id == view.provider_id]
        if row.empty:
            raise ScorecardQueryError(f"there is no provider {view.provider_id[:40]!r} in the data as of "
                                      f"{snapshot.version.as_of}: the providers page lists those it has")
        name, kind = str(row.provider_name.iloc[0]), provider_type(row.provider_type.iloc[0])
        drawn = _page(snapshot, reader, view.provider_id, name, month)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/providers/")
        return _blank(message(f"{exc}.", heading="This provider page cannot be shown"))
    crumbs = dbc.Breadcrumb(items=[{"label": "Providers", "href": f"/providers?month={month:%Y-%m}"},
                                   {"label": name, "active": True}], class_name="statboard-breadcrumb mb-2")
    subtitle = f"{kind.capitalize() + ' · ' if kind else ''}against its contracts, {month:%B %Y}"
    return (crumbs, name, subtitle, data_as_of(snapshot.version), month_options(report_months(snapshot)),
            f"{month:%Y-%m}", *drawn, None)


def _page(snapshot, reader, provider_id: str, name: str, month) -> tuple:
    """(message, contracts, peers, metrics, reviews) of a provider the reader may read."""
    engine = services().store
    scope = reader.data_scope()
    every = current_contracts(engine)
    contracts = [c for c in every if c.provider_id == provider_id]
    # The providers of each program in force: their members make its aggregate (their ids go to the query only).
    everyone = {program: [c.provider_id for c in held] for program, held in in_force(every, month).items()}
    force = [c for cs in in_force(contracts, month).values() for c in cs]
    shown = programs(snapshot, engine, reader, month, provider_id)
    columns = {c.indicator_id: c for data in shown for c in data.columns}
    note = None
    if not contracts:
        note = message(f"{name} has no contract loaded. An admin loads the contracts with `statboard contracts "
                       "load FILE`.", colour="info")
    elif not force:
        note = message(f"{name} has no contract in force in {month:%B %Y}: choose a month of a contract below.",
                       colour="info")
    terms = [contract_terms(c, columns, True) for c in force] + [other_contracts(contracts, force)]

    def cell_href(contract, column):
        if not column.imported and scope.case_level and scope.reads_provider(contract.provider_id):
            return MembersView(column.indicator_id, month, EntityRef(PROVIDER, contract.provider_id)).href()
        if contract.provider_id != provider_id and scope.reads_provider(contract.provider_id):
            return provider_href(contract.provider_id, month)
        return None

    def name_href(other):
        return provider_href(other, month) if other != provider_id and scope.reads_provider(other) else None
    peers = [peers_table(data, provider_id, cell_href, name_href) for data in shown]
    if shown:
        peers.append(html.P("Each provider's cell is coloured against its own contract; the program's row is every "
                            "provider's members together, never coloured. " +
                            ("A computed figure opens the members behind it." if scope.case_level else ""),
                            className="text-muted small present-hide"))
    metrics = [part for data in shown for column in data.columns
               for part in _metric(snapshot, reader, provider_id, name, month, data, column, contracts,
                                   everyone.get(data.name, []))]
    return note, terms, peers or None, metrics or None, reviews_list(_reviews(reader, provider_id), name)


def _metric(snapshot, reader, provider_id, name, month, data, column, contracts, everyone) -> list:
    """One contract metric: its heading, the month in a sentence, the figure, and its numbers as a table."""
    scope = reader.data_scope()
    first = add_months(month, 1 - TREND_MONTHS)
    heading = html.H3([column.name, html.Span(" · reported by the provider" if column.imported else "",
                                              className="text-muted fw-normal")], className="h5 mt-3 mb-1")
    if column.imported:
        periods = reported_series(services().store, reader, provider_id, column.indicator_id, first, month)
        lines = period_lines(contracts, provider_id, data.name, column.indicator_id, periods)
        figure = reported_figure(name, column, periods, lines)
        parts = [reported_summary(name, column, periods, lines, month), _graph(figure),
                 reported_table(name, column, periods, lines)]
    else:
        trend = provider_trend(snapshot, scope, column.indicator_id, provider_id, month, TREND_MONTHS, data.name,
                               everyone)
        months = [m for m in report_months(snapshot) if first <= m <= month]
        lines = contract_lines(contracts, provider_id, data.name, column.indicator_id, months)
        links = []
        if scope.case_level and scope.reads_provider(provider_id):
            cell = data.cells.get((provider_id, column.indicator_id))
            count = (f" ({cell.denominator:,.0f})" if cell is not None and column.indicator.kind == "proportion"
                     and cell.denominator == cell.denominator else "")
            links.append(members_link(column.indicator_id, month, provider_id, count))
        parts = [trend_summary(trend, column, lines, month), *links,
                 _graph(provider_trend_figure(trend, column, lines)), trend_table(trend, column, lines)]
    return [html.Section([heading, *parts], className="provider-metric",
                         **{"aria-label": f"{column.name} over time"})]


def _graph(figure: dict) -> dcc.Graph:
    if presenting():  # read from the back of the room: larger text, the chart as tall as that needs
        figure = presented(figure, keep_height=True)
    return dcc.Graph(figure=compact(figure), config={**GRAPH_CONFIG, "responsive": True},
                     style={"height": "auto", "width": "100%"}, className="provider-graph")


def _reviews(reader, provider_id: str):
    """The provider's performance reviews the reader may see (None: none they may see)."""
    try:
        return list_meetings(services().store, reader, EntityRef(PROVIDER, provider_id))
    except ScorecardQueryError:  # OutsideScope, MeetingError: no reviews this reader may see
        return None


@callback(Output(PROVIDER_URL, "href"), Input(PROVIDER_MONTH, "value"), State(PROVIDER_QUERY, "data"),
          prevent_initial_call=True)
def navigate(month, query):
    """A picked month becomes the URL, so that Back and a pasted link work."""
    try:
        view = ProviderView.from_page(query or {})
        changed = ProviderView(view.provider_id, picked_month(month, view.month, latest_month_now()))
    except ViewError:
        return no_update
    return no_update if month is None or changed == view else changed.href()
