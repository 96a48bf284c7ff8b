"""The members behind one cell: the referrals, episodes, in-home cases or children an indicator counted for
one entity in one month, each with its result, key dates, worker and unit; ids masked until revealed."""
import secrets

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from flask import request

from components.common import breadcrumb, message
from components.home import data_as_of, no_data
from components.links import IndicatorView, MembersView, ProviderView, ViewError
from components.members import column_defs, filter_model, member_rows, summary_text
from store import db, reviews
from queries.performance import entity_path, resolve_month
from web.runtime import current_reader, refused, services
from access.scope import DEPARTMENT, ScorecardQueryError
from measures.build import PROVIDER
from queries.scorecard import indicator_catalogue, members_behind_cell, provider_names
from web.present import presenting, store_data

dash.register_page(__name__, path="/members", name="Members", title="Members · Statboard", nav=False)

MEMBERS_QUERY = "members-query"
MEMBERS_BREADCRUMB = "members-breadcrumb"
MEMBERS_TITLE = "members-title"
MEMBERS_AS_OF = "members-as-of"
MEMBERS_MESSAGE = "members-message"
MEMBERS_SUMMARY = "members-summary"
MEMBERS_LINKS = "members-links"
MEMBERS_REVEAL = "members-reveal"
MEMBERS_PRESENT = "members-present"
MEMBERS_MET = "members-met"
MEMBERS_MET_BOX = "members-met-box"
MEMBERS_UNIT = "members-unit"
MEMBERS_WORKER = "members-worker"
MEMBERS_GRID = "members-grid"
MEMBERS_URL = "members-url"
PICK_N = "pick-n"
PICK_STRATIFY = "pick-stratify"
PICK_ONLY = "pick-only"
PICK_WITHIN = "pick-within"
PICK_SEED = "pick-seed"
PICK_BUTTON = "pick-button"
PICK_MESSAGE = "pick-message"
PICK_CARD = "pick-card"
PICK_CHOSEN = "pick-chosen"
PICK_ALSO = "pick-also"
MAX_CELLS = 10  # cells of one entity drawn from at once
MAX_HAND_PICKED = 50

MASKED_OPTION = {"label": "Masked", "value": "masked"}
REVEAL_OPTIONS = [MASKED_OPTION, {"label": "Shown (written to the audit log)", "value": "shown"}]
STRATIFY_OPTIONS = [{"label": "One group", "value": "none"}, {"label": "Each unit", "value": "unit"},
                    {"label": "Each worker", "value": "worker"}, {"label": "Met and not met", "value": "met"}]
ONLY_OPTIONS = [{"label": "Every member", "value": "all"}, {"label": "Only met", "value": "met"},
                {"label": "Only not met", "value": "not-met"}]
MET_OPTIONS = [{"label": "All", "value": "all"}, {"label": "Met", "value": "yes"}, {"label": "Not met", "value": "no"}]


def layout(**query):
    """The frame and an empty grid; `show_members` fills them. In presentation (web/present.py) there is no
    way to reveal ids, and `show_members` refuses to."""
    present = presenting()
    return html.Div([
        dcc.Location(id=MEMBERS_URL, refresh="callback-nav"),
        dcc.Store(id=MEMBERS_QUERY, data=query),
        dcc.Store(id=MEMBERS_PRESENT, data=store_data()),
        html.Div(id=MEMBERS_BREADCRUMB),
        html.Div([html.H1(id=MEMBERS_TITLE, className="h3 me-auto mb-0"), html.Div(id=MEMBERS_AS_OF)],
                 className="d-flex flex-wrap align-items-baseline gap-3 mb-2"),
        html.Div(id=MEMBERS_MESSAGE),
        html.Div(id=MEMBERS_SUMMARY, className="fs-5 mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label("Identifiers"),
                     dbc.RadioItems(id=MEMBERS_REVEAL, options=[MASKED_OPTION] if present else REVEAL_OPTIONS,
                                    value="masked", inline=True)], md=4, class_name="present-hide"),
            dbc.Col(html.Div([dbc.Label("Result"),
                              dbc.RadioItems(id=MEMBERS_MET, options=MET_OPTIONS, value="all", inline=True)],
                             id=MEMBERS_MET_BOX), md=3),
            dbc.Col([dbc.Label("Unit", html_for=MEMBERS_UNIT), dcc.Dropdown(id=MEMBERS_UNIT, placeholder="Every unit")],
                    md=2),
            dbc.Col([dbc.Label("Worker", html_for=MEMBERS_WORKER),
                     dcc.Dropdown(id=MEMBERS_WORKER, placeholder="Every worker")], md=3),
        ], className="g-3 mb-2"),
        html.Div(id=MEMBERS_LINKS, className="mb-2"),
        _picker(),
        dag.AgGrid(id=MEMBERS_GRID, rowData=[], columnDefs=[], className="ag-theme-quartz members-grid",
                   defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 110},
                   # No page-size picker: AG Grid's points its ARIA at a list not yet on the page (axe: critical).
                   dashGridOptions={"animateRows": False, "pagination": True, "paginationPageSize": 50,
                                    "paginationPageSizeSelector": False,
                                    "rowSelection": {"mode": "multiRow"},
                                    "domLayout": "autoHeight"},
                   style={"width": "100%"}),
    ])


def _picker() -> dbc.Card:
    """Draw cases for review from these members: at random from a recorded seed, in groups, by result."""
    def field(label, control, md):
        return dbc.Col([dbc.Label(label, html_for=control.id), control], md=md)
    # Folded under its heading (a click opens it), so that the list itself starts above a projector's fold.
    return dbc.Card(html.Details([html.Summary(html.H2("Pick cases for review", className="h5 d-inline mb-0"),
                                               className="card-header members-picker-summary"), dbc.CardBody([
        html.P("Cases are drawn in an order no one chooses: each member's SHA-256 of seed, type and id. The seed is "
               "recorded with the selection, so anyone can draw the same cases again; the rest of each group's "
               "order is its replacement list.", className="text-muted small mb-2"),
        dbc.Row([
            field("Cases per group", dbc.Input(id=PICK_N, type="text", inputmode="numeric", value="5"), 2),
            field("Groups", dcc.Dropdown(id=PICK_STRATIFY, options=STRATIFY_OPTIONS, value="none",
                                         clearable=False), 2),
            field("From", dcc.Dropdown(id=PICK_ONLY, options=ONLY_OPTIONS, value="all", clearable=False), 2),
            field("Leave out children picked in the last (months)",
                  dbc.Input(id=PICK_WITHIN, type="text", inputmode="numeric", placeholder="none"), 3),
            field("Seed (blank: a new one)", dbc.Input(id=PICK_SEED, type="text", placeholder="e.g. 20261130"), 2),
            dbc.Col(dbc.Button("Draw and save", id=PICK_BUTTON, color="primary", class_name="mt-4 w-100"), md=1),
        ], className="g-3 align-items-start"),
        dbc.Row(dbc.Col([dbc.Label("Also draw from these indicators' members (same place and month)",
                                   html_for=PICK_ALSO),
                         dcc.Dropdown(id=PICK_ALSO, multi=True, placeholder="only this indicator")], md=8),
                className="mt-1"),
        html.Div([html.Span("Or pick by hand: tick rows in the list below, then ", className="text-muted"),
                  dbc.Button("Save the rows ticked", id=PICK_CHOSEN, color="secondary", outline=True, size="sm")],
                 className="mt-2"),
        html.Div(id=PICK_MESSAGE, className="mt-2"),
    ])]), id=PICK_CARD, class_name="mb-3", style={"display": "none"})


@callback(Output(MEMBERS_URL, "href"), Output(PICK_MESSAGE, "children"),
          Input(PICK_BUTTON, "n_clicks"), Input(PICK_CHOSEN, "n_clicks"), State(MEMBERS_QUERY, "data"),
          State(PICK_N, "value"), State(PICK_STRATIFY, "value"), State(PICK_ONLY, "value"), State(PICK_WITHIN, "value"),
          State(PICK_SEED, "value"), State(MEMBERS_GRID, "selectedRows"), State(PICK_ALSO, "value"),
          prevent_initial_call=True)
def pick_cases(drawn, chosen, query, n_text, stratify, only, within_text, seed, ticked, also):
    """Draw from this cell's members (or take the rows ticked), save the selection (audited) and open it; or
    say what to change."""
    snapshot = services().warehouse.snapshot()
    if not (drawn or chosen) or snapshot is None or ctx.triggered_id not in (PICK_BUTTON, PICK_CHOSEN):
        return no_update, no_update
    try:
        view = MembersView.from_query(query or {})
        reader = current_reader()
        scope = reader.data_scope()
        if view.entity is not None and view.entity.level == PROVIDER:
            raise reviews.ReviewError("cases for review are drawn from the organisation's cells (a unit, an office, "
                                      "a bureau or the department), not from a provider's: open the indicator's page "
                                      "and draw there")
        month = resolve_month(snapshot, view.month)
        cells = [reviews.Cell(i, month, view.entity or DEPARTMENT) for i in _indicators(view.indicator_id, also)]
        seed = (seed or "").strip() or secrets.token_hex(4)
        if ctx.triggered_id == PICK_CHOSEN:
            criteria = reviews.Criteria(hand_picked=_ticked(snapshot, scope, view, month, ticked))
        else:
            criteria = reviews.Criteria(_whole("cases per group", n_text), None if stratify == "none" else stratify,
                                        None if only == "all" else only,
                                        _whole("months", within_text, optional=True))
        reviews.check_criteria(criteria, seed)
        engine = services().store
        selection = reviews.pick(snapshot, scope, engine, cells if ctx.triggered_id == PICK_BUTTON else cells[:1],
                                 seed, criteria)
        saved = reviews.save_selection(engine, selection, reader.username, "page")
    except (ViewError, ScorecardQueryError) as exc:  # ReviewError and OutsideScope are ScorecardQueryErrors
        refused(exc, "/members (pick)")
        return no_update, message(f"{exc}.", heading="No cases were picked")
    return f"/selection?id={saved.id}", None


def _indicators(first: str, also) -> list[str]:
    """This page's indicator, then the others chosen (each once): the cells drawn from."""
    also = [] if also is None else also
    if not isinstance(also, list) or len(also) >= MAX_CELLS or not all(isinstance(i, str) for i in also):
        raise reviews.ReviewError(f"choose at most {MAX_CELLS - 1} other indicators")
    return list(dict.fromkeys([first, *also]))


def _ticked(snapshot, scope, view, month, ticked) -> tuple[str, ...]:
    """The members of the rows ticked in the grid, by their place in the listing (the browser never had their
    ids while masked), as TYPE:ID."""
    if not isinstance(ticked, list) or not ticked:
        raise reviews.ReviewError("tick the rows to pick in the list first")
    if len(ticked) > MAX_HAND_PICKED or not all(isinstance(r, dict) and isinstance(r.get("row"), int)
                                                and not isinstance(r.get("row"), bool) for r in ticked):
        raise reviews.ReviewError(f"tick from 1 to {MAX_HAND_PICKED} rows of the list")
    frame = members_behind_cell(snapshot, scope, view.indicator_id, month, view.entity)
    rows = sorted({r["row"] for r in ticked})
    if rows[0] < 1 or rows[-1] > len(frame):
        raise reviews.ReviewError("the list changed since it was shown: reload the page and tick the rows again")
    chosen = frame.iloc[[r - 1 for r in rows]]
    return tuple(f"{t}:{i}" for t, i in zip(chosen.member_type, chosen.member_id))


def _whole(what: str, text, optional: bool = False) -> int | None:
    text = (text or "").strip() if isinstance(text, str) else text
    if optional and text in ("", None):
        return None
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 4:
        raise reviews.ReviewError(f"{what} must be a whole number, e.g. 5")
    return int(text)


@callback(Output(MEMBERS_BREADCRUMB, "children"), Output(MEMBERS_TITLE, "children"), Output(MEMBERS_AS_OF, "children"),
          Output(MEMBERS_MESSAGE, "children"), Output(MEMBERS_SUMMARY, "children"), Output(MEMBERS_LINKS, "children"),
          Output(MEMBERS_GRID, "columnDefs"), Output(MEMBERS_GRID, "rowData"), Output(MEMBERS_UNIT, "options"),
          Output(MEMBERS_WORKER, "options"), Output(MEMBERS_MET_BOX, "style"), Output(PICK_CARD, "style"),
          Output(PICK_ALSO, "options"),
          Input(MEMBERS_QUERY, "data"), Input(MEMBERS_REVEAL, "value"), State(MEMBERS_PRESENT, "data"))
def show_members(query, reveal, present=None):
    """List the cell's members for a reader whose scope covers them (audited), or say why not. In presentation
    the ids stay masked whatever was asked, and nothing offers them."""
    blank = [None, "Members", None, None, None, None, [], [], [], [], None, {"display": "none"}, []]
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
        provider = view.entity is not None and view.entity.level == PROVIDER
        path = None if provider else entity_path(snapshot, scope, view.entity or DEPARTMENT)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/members")
        blank[3] = message(f"{exc}.", heading="These members cannot be shown")
        return tuple(blank)
    present = presenting(present)
    shown = reveal == "shown" and not present
    # Written before the rows leave: if the audit log cannot be written, nothing is sent.
    db.record(services().store, reader.username, "members-revealed" if shown else "members-listed",
                 {"indicator": view.indicator_id, "month": f"{month:%Y-%m}", "entity": str(view.entity or DEPARTMENT),
                  "rows": len(frame), "via": "page"}, request.remote_addr)
    catalogue = indicator_catalogue(snapshot).set_index("indicator_id")
    indicator = catalogue.loc[view.indicator_id]
    member_type = frame.member_type.iloc[0] if len(frame) else "member"
    exact = MembersView(view.indicator_id, month, view.entity)
    download = None if present else html.A("Download CSV (identifiers shown, audited)", href=exact.download_href(),
                                           className="btn btn-outline-primary")
    if provider:  # a provider's cell: back to its page; its members are drawn for review from the organisation's
        name = provider_names(snapshot).get(view.entity.entity_id, view.entity.entity_id)
        crumbs = dbc.Breadcrumb(items=[{"label": "Providers", "href": f"/providers?month={month:%Y-%m}"},
                                       {"label": name, "href": ProviderView(view.entity.entity_id, month).href()},
                                       {"label": f"Members: {indicator['name']}", "active": True}],
                                class_name="statboard-breadcrumb mb-2")
        links = [dcc.Link(f"Back to {name}", className="btn btn-outline-secondary me-2",
                          href=ProviderView(view.entity.entity_id, month).href()), download]
    else:
        entity = path[-1]
        name = entity.name
        crumbs = breadcrumb(path, month, current_is_link=entity.level != "worker")
        links = [dcc.Link(f"Back to {indicator['name']}", className="btn btn-outline-secondary me-2",
                          href=IndicatorView(view.indicator_id, month, None if entity.level == "department"
                                             else entity.ref).href()), download]
    units = sorted(u for u in frame.unit_name.dropna().unique())
    workers = sorted(w for w in frame.worker_name.dropna().unique())
    title = f"{indicator['name']}: members behind {name}, {month:%B %Y}"
    return (crumbs, title, data_as_of(snapshot.version), None,
            summary_text(frame, indicator["kind"], indicator["direction"]), links,
            column_defs(member_type, indicator["kind"], organisation=not scope.is_provider),
            member_rows(frame, indicator["kind"], shown),
            units, workers, None if indicator["kind"] == "proportion" else {"display": "none"},
            None if len(frame) and not present and not provider else {"display": "none"},
            [{"label": name, "value": ident} for ident, name in zip(catalogue.index, catalogue.name)
             if ident != view.indicator_id])


@callback(Output(MEMBERS_GRID, "filterModel"), Input(MEMBERS_MET, "value"), Input(MEMBERS_UNIT, "value"),
          Input(MEMBERS_WORKER, "value"), prevent_initial_call=True)
def filter_members(met, unit, worker):
    """The controls above the grid filter it in the browser: no new read, nothing more to audit."""
    for value in (met, unit, worker):
        if value is not None and not isinstance(value, str):
            return no_update
    return filter_model(met, unit, worker)
