"""The members behind one cell: the referrals, episodes, in-home cases or children an indicator counted for
one entity in one month, each with its result, key dates, worker and unit; ids masked until revealed."""
import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html, no_update
from flask import request

from components.common import breadcrumb, message
from components.home import data_as_of, no_data
from components.links import IndicatorView, MembersView, ViewError
from components.members import column_defs, filter_model, member_rows, summary_text
from queries import store
from queries.performance import entity_path, resolve_month
from queries.runtime import current_reader, refused, services
from queries.scope import DEPARTMENT
from queries.scorecard import ScorecardQueryError, indicator_catalogue, members_behind_cell

dash.register_page(__name__, path="/members", name="Members", title="Members · Statboard", nav=False)

MEMBERS_QUERY = "members-query"
MEMBERS_BREADCRUMB = "members-breadcrumb"
MEMBERS_TITLE = "members-title"
MEMBERS_AS_OF = "members-as-of"
MEMBERS_MESSAGE = "members-message"
MEMBERS_SUMMARY = "members-summary"
MEMBERS_LINKS = "members-links"
MEMBERS_REVEAL = "members-reveal"
MEMBERS_MET = "members-met"
MEMBERS_MET_BOX = "members-met-box"
MEMBERS_UNIT = "members-unit"
MEMBERS_WORKER = "members-worker"
MEMBERS_GRID = "members-grid"

REVEAL_OPTIONS = [{"label": "Masked", "value": "masked"},
                  {"label": "Shown (written to the audit log)", "value": "shown"}]
MET_OPTIONS = [{"label": "All", "value": "all"}, {"label": "Met", "value": "yes"}, {"label": "Not met", "value": "no"}]


def layout(**query):
    """The frame and an empty grid; `show_members` fills them."""
    return html.Div([
        dcc.Store(id=MEMBERS_QUERY, data=query),
        html.Div(id=MEMBERS_BREADCRUMB),
        html.Div([html.H1(id=MEMBERS_TITLE, className="h3 me-auto mb-0"), html.Div(id=MEMBERS_AS_OF)],
                 className="d-flex flex-wrap align-items-baseline gap-3 mb-2"),
        html.Div(id=MEMBERS_MESSAGE),
        html.Div(id=MEMBERS_SUMMARY, className="fs-5 mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label("Identifiers"),
                     dbc.RadioItems(id=MEMBERS_REVEAL, options=REVEAL_OPTIONS, value="masked", inline=True)], md=4),
            dbc.Col(html.Div([dbc.Label("Result"),
                              dbc.RadioItems(id=MEMBERS_MET, options=MET_OPTIONS, value="all", inline=True)],
                             id=MEMBERS_MET_BOX), md=3),
            dbc.Col([dbc.Label("Unit", html_for=MEMBERS_UNIT), dcc.Dropdown(id=MEMBERS_UNIT, placeholder="Every unit")],
                    md=2),
            dbc.Col([dbc.Label("Worker", html_for=MEMBERS_WORKER),
                     dcc.Dropdown(id=MEMBERS_WORKER, placeholder="Every worker")], md=3),
        ], className="g-3 mb-2"),
        html.Div(id=MEMBERS_LINKS, className="mb-2"),
        dag.AgGrid(id=MEMBERS_GRID, rowData=[], columnDefs=[], className="ag-theme-quartz members-grid",
                   defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 110},
                   dashGridOptions={"animateRows": False, "pagination": True, "paginationPageSize": 50,
                                    "domLayout": "autoHeight"},
                   style={"width": "100%"}),
    ])


@callback(Output(MEMBERS_BREADCRUMB, "children"), Output(MEMBERS_TITLE, "children"), Output(MEMBERS_AS_OF, "children"),
          Output(MEMBERS_MESSAGE, "children"), Output(MEMBERS_SUMMARY, "children"), Output(MEMBERS_LINKS, "children"),
          Output(MEMBERS_GRID, "columnDefs"), Output(MEMBERS_GRID, "rowData"), Output(MEMBERS_UNIT, "options"),
          Output(MEMBERS_WORKER, "options"), Output(MEMBERS_MET_BOX, "style"),
          Input(MEMBERS_QUERY, "data"), Input(MEMBERS_REVEAL, "value"))
def show_members(query, reveal):
    """List the cell's members for a reader whose scope covers them (audited), or say why not."""
    blank = [None, "Members", None, None, None, None, [], [], [], [], None]
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        blank[3] = no_data()
        return tuple(blank)
    try:
        view = MembersView.from_query(query or {})
        reader = current_reader()
        scope = reader.data_scope()
        month = resolve_month(snapshot, view.month)
        frame = members_behind_cell(snapshot, scope, view.indicator_id, month, view.entity, details=True)
        path = entity_path(snapshot, scope, view.entity or DEPARTMENT)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/members")
        blank[3] = message(f"{exc}.", heading="These members cannot be shown")
        return tuple(blank)
    shown = reveal == "shown"
    # Written before the rows leave: if the audit log cannot be written, nothing is sent.
    store.record(services().store, reader.username, "members-revealed" if shown else "members-listed",
                 {"indicator": view.indicator_id, "month": f"{month:%Y-%m}", "entity": str(view.entity or DEPARTMENT),
                  "rows": len(frame), "via": "page"}, request.remote_addr)
    catalogue = indicator_catalogue(snapshot).set_index("indicator_id")
    indicator = catalogue.loc[view.indicator_id]
    member_type = frame.member_type.iloc[0] if len(frame) else "member"
    entity = path[-1]
    exact = MembersView(view.indicator_id, month, view.entity)
    links = [dcc.Link(f"Back to {indicator['name']}", className="btn btn-outline-secondary me-2",
                      href=IndicatorView(view.indicator_id, month, None if entity.level == "department"
                                         else entity.ref).href()),
             html.A("Download CSV (identifiers shown, audited)", href=exact.download_href(),
                    className="btn btn-outline-primary")]
    units = sorted(u for u in frame.unit_name.dropna().unique())
    workers = sorted(w for w in frame.worker_name.dropna().unique())
    title = f"{indicator['name']}: members behind {entity.name}, {month:%B %Y}"
    return (breadcrumb(path, month, current_is_link=entity.level != "worker"), title, data_as_of(snapshot.version), None,
            summary_text(frame, indicator["kind"], indicator["direction"]), links,
            column_defs(member_type, indicator["kind"]), member_rows(frame, indicator["kind"], shown),
            units, workers, None if indicator["kind"] == "proportion" else {"display": "none"})


@callback(Output(MEMBERS_GRID, "filterModel"), Input(MEMBERS_MET, "value"), Input(MEMBERS_UNIT, "value"),
          Input(MEMBERS_WORKER, "value"), prevent_initial_call=True)
def filter_members(met, unit, worker):
    """The controls above the grid filter it in the browser: no new read, nothing more to audit."""
    for value in (met, unit, worker):
        if value is not None and not isinstance(value, str):
            return no_update
    return filter_model(met, unit, worker)
