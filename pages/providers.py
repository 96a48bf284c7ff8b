"""The provider scorecard: for one month, each delegate agency with a contract in force × its program's contract
metrics, each cell coloured against that provider's own contract target and floor (components/provider_scorecard.py).

For the readers of the whole department (executives, analysts, a department viewer): providers serve the whole
department, so a reader scoped to a part of it is told whose page this is and the way back. A provider's own staff
(the provider role) read it too: their own provider's rows and each of its programs' aggregate, nothing of
another provider's.
"""
import dash
from dash import MATCH, Input, Output, State, callback, clientside_callback, dcc, html, no_update
import dash_bootstrap_components as dbc

from access.params import ParamError, param_text, shown
from access.scope import OutsideScope, ScorecardQueryError
from components.common import message, month_options, refusal
from components.home import data_as_of, no_data
from components.provider_scorecard import CONTRACT_STATUS, STYLE_OF, program_tables, sort_href
from display.format import status_class
from queries.scorecard import parse_month, report_months
from web.runtime import current_reader, refused, services

dash.register_page(__name__, path="/providers", name="Providers", title="Providers · Statboard", nav=False)

PROVIDERS_URL = "providers-url"
PROVIDERS_QUERY = "providers-query"
PROVIDERS_TITLE = "providers-title"
PROVIDERS_AS_OF = "providers-as-of"
PROVIDERS_MONTH = "providers-month"
PROVIDERS_CONTROLS = "providers-controls"
PROVIDERS_DOWNLOAD = "providers-download"
PROVIDERS_MESSAGE = "providers-message"
PROVIDERS_TABLES = "providers-tables"
TABLE, BOX, DRAWN = "providers-table", "providers-box", "providers-drawn"   # one of each per program (index)
PARAMS = ("month", "sort")
FOR_WHOM = ("This page is for the department's executives and analysts, and for each provider's own staff: the "
            "providers serve the whole department.")
HIDDEN = "btn btn-sm btn-outline-secondary d-none"


class ProvidersViewError(ValueError):
    pass


def layout(**query):
    """The title, the Month picker (set from the URL) and the program's tables, which `show_providers` fills."""
    return html.Div([
        dcc.Location(id=PROVIDERS_URL, refresh="callback-nav"),
        dcc.Store(id=PROVIDERS_QUERY, data=query),
        html.Div([html.H1("Providers", id=PROVIDERS_TITLE, className="h4 me-auto mb-0"),
                  html.Div(id=PROVIDERS_AS_OF)], className="d-flex flex-wrap align-items-baseline gap-3 mb-1"),
        html.Div([
            html.Div([dbc.Label("Month", html_for=PROVIDERS_MONTH, className="mb-0"),
                      dcc.Dropdown(id=PROVIDERS_MONTH, value=query.get("month") if isinstance(query.get("month"), str)
                                   else None, clearable=False, className="scorecard-month")],
                     className="scorecard-control"),
            html.A("Download CSV", id=PROVIDERS_DOWNLOAD, className=HIDDEN),
        ], id=PROVIDERS_CONTROLS, className="scorecard-controls"),
        html.Div(id=PROVIDERS_MESSAGE),
        html.Div(contract_legend(), className="mb-1"),
        html.Div(id=PROVIDERS_TABLES),
        html.P("Each cell is coloured against that provider's own contract: its target and, beyond the floor, the "
               "contract's remedy. The first row is the program's: every provider's members together, never "
               "coloured. A column's name sorts the providers by it; a provider's name opens its page; point at a "
               "cell for its figures and the catalogue's standard.", className="text-muted small mt-1"),
    ])


def contract_legend() -> html.Div:
    items = []
    for status in ("green", "yellow", "red", "insufficient", "not reported", "not in contract"):
        style = CONTRACT_STATUS[status]
        items.append(html.Span([
            html.Span(style["symbol"] or "\u00a0", className=f"legend-swatch {status_class(STYLE_OF[status])}",
                      style={"backgroundColor": style["colour"]}),
            html.Span(style["label"], className="legend-label")], className="legend-item"))
    return html.Div(items, className="statboard-legend")


def read_query(query) -> tuple:
    """(month or None, sort or None) from the page's query; `ProvidersViewError` naming what is wrong."""
    if not isinstance(query, dict):
        raise ProvidersViewError("this address cannot be read: open /providers")
    unknown = sorted(str(k) for k in query if k not in PARAMS)
    if unknown:
        raise ProvidersViewError(f"this page does not take {', '.join(map(shown, unknown[:5]))}: it takes month "
                                 "and sort")
    try:
        month_text = param_text("month", query.get("month"), ProvidersViewError)
        sort = param_text("sort", query.get("sort"), ProvidersViewError)
        month = parse_month(month_text) if month_text else None
    except (ParamError, ScorecardQueryError) as exc:
        raise ProvidersViewError(str(exc)) from None
    if sort is not None and not sort.lstrip("-").replace("_", "").isalnum():
        raise ProvidersViewError(f"sort {shown(sort)} is not a metric: click a column's name to sort by it")
    return month, sort


def _section(n: int, spec: dict) -> html.Div:
    return html.Div([
        html.H2(spec["program"], className="h5 mt-3 mb-1"),
        dcc.Store(id={"type": TABLE, "index": n}, data=spec), dcc.Store(id={"type": DRAWN, "index": n}),
        html.Div(id={"type": BOX, "index": n}, className="scorecard-box provider-scorecard-box"),
    ], className="provider-program")


@callback(Output(PROVIDERS_TITLE, "children"), Output(PROVIDERS_AS_OF, "children"),
          Output(PROVIDERS_MONTH, "options"), Output(PROVIDERS_MONTH, "value"),
          Output(PROVIDERS_MESSAGE, "children"), Output(PROVIDERS_TABLES, "children"),
          Output(PROVIDERS_DOWNLOAD, "href"), Output(PROVIDERS_DOWNLOAD, "className"),
          Output(PROVIDERS_CONTROLS, "className"), Input(PROVIDERS_QUERY, "data"))
def show_providers(query):
    """Draw the month the URL names (the last complete one by default), or say why it cannot be."""
    blank = ("Providers", None, [], None)
    off = (None, HIDDEN, "scorecard-controls d-none")
    reader = current_reader()
    if reader.scope is None or not (reader.scope.level == "department" or reader.scope.is_provider):
        refused(OutsideScope(f"the provider scorecard is read with access to the whole department, or by a provider's own "
                             f"staff "
                             f"({reader.scope.describe() if reader.scope else 'an admin reads no data'})"),
                "/providers")
        return (*blank, refusal(FOR_WHOM, "This page is not yours to read"), None, *off)
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return (*blank, no_data(), None, *off)
    months = report_months(snapshot)
    try:
        month, sort = read_query(query)
        month = month or (months[-1] if months else None)
        if month is None:
            raise ProvidersViewError("the data has no complete month yet")
        tables = program_tables(snapshot, services().store, reader, month, sort)
    except (ProvidersViewError, ScorecardQueryError) as exc:
        refused(exc, "/providers")
        return (*blank, message(f"{exc}.", heading="This provider scorecard link cannot be shown"), None, *off)
    note = None
    if not tables:
        note = message(f"No provider has a contract in force in {month:%B %Y}. An admin loads the contracts with "
                       "`statboard contracts load FILE`.", colour="info")
        if reader.scope.is_provider:
            note = message(f"Your provider has no contract in force in {month:%B %Y}.", colour="info")
    title = f"Providers against their contracts, {month:%B %Y}"
    if reader.scope.is_provider:
        name = next((t["rows"][1]["name"] for t in tables if len(t["rows"]) > 1), reader.scope.entity_id)
        title = f"{name} against its contracts, {month:%B %Y}"
    return (title, data_as_of(snapshot.version),
            month_options(months), f"{month:%Y-%m}", note, [_section(n, t) for n, t in enumerate(tables)],
            f"/export/scorecard.csv?month={month:%Y-%m}&level=provider", "btn btn-sm btn-outline-secondary",
            "scorecard-controls")


@callback(Output(PROVIDERS_URL, "href"), Input(PROVIDERS_MONTH, "value"), State(PROVIDERS_QUERY, "data"),
          prevent_initial_call=True)
def choose_month(month, query):
    """A picked month becomes the URL (the sort kept), so that Back and a pasted link work."""
    try:
        asked, sort = read_query(query)
        picked = parse_month(param_text("month", month, ProvidersViewError) or "")
    except (ProvidersViewError, ScorecardQueryError, ParamError):
        return no_update
    if picked == asked or (asked is None and picked == _latest()):
        return no_update
    return sort_href(picked, sort)


def _latest():
    snapshot = services().warehouse.snapshot()
    months = report_months(snapshot) if snapshot is not None else []
    return months[-1] if months else None


# Each program's table drawn by the scorecard's script into its box (Dash writes a pattern id as sorted JSON).
clientside_callback(
    """function (spec, id) {
        var key = JSON.stringify({index: id.index, type: id.type});
        return window.dash_clientside.scorecard.draw(spec, key);
    }""", Output({"type": DRAWN, "index": MATCH}, "data"), Input({"type": TABLE, "index": MATCH}, "data"),
    State({"type": BOX, "index": MATCH}, "id"))
