"""Stat meetings: the meetings of the reader's part of the organisation (a provider's staff: their provider's
performance reviews), newest first, and a new one (for the whole department's readers, a provider's review too).

A new meeting is prepared on the current data version and pinned to it; its agenda starts from the
scorecard's suggestions and the actions still open from the last meeting of the same entity.
"""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components.common import message
from components.links import ViewError
from store import meetings
from store.contracts import current_contracts
from store.meeting_numbers import parse_meeting_entity, prepare
from access.params import param_text
from web.runtime import current_reader, refused, services
from access.scope import ScorecardQueryError
from queries.providers import providers
from queries.scorecard import parse_month, report_months

dash.register_page(__name__, path="/meetings", name="Meetings", title="Meetings · Statboard", nav=False)

MEETINGS_QUERY = "meetings-query"
MEETINGS_MESSAGE = "meetings-message"
MEETINGS_LIST = "meetings-list"
MEETINGS_FORM = "meetings-form"
NEW_ENTITY = "meeting-new-entity"
NEW_MONTH = "meeting-new-month"
NEW_DATE = "meeting-new-date"
NEW_TITLE = "meeting-new-title"
NEW_ATTENDEES = "meeting-new-attendees"
NEW_CREATE = "meeting-new-create"
NEW_SAID = "meeting-new-said"
NEW_GO = "meeting-new-go"


def _today() -> str | None:
    """The agency's day, as the new meeting's date (none while Dash checks the layout, outside a request)."""
    try:
        return f"{services().settings.today():%Y-%m-%d}"
    except RuntimeError:
        return None


def layout(**query):
    """The frame; `show_meetings` fills it."""
    return html.Div([
        dcc.Store(id=MEETINGS_QUERY, data=query),
        dcc.Location(id=NEW_GO, refresh=True),
        html.H1("Stat meetings", className="h3"),
        html.P("Each meeting is prepared on one month's data and keeps those numbers whatever loads land after it; "
               "it opens with the actions still open from the last meeting of the same part of the organisation.",
               className="text-muted"),
        html.Div(id=MEETINGS_MESSAGE),
        dbc.Card(dbc.CardBody([
            html.H2("Prepare a meeting", className="h5"),
            dbc.Row([
                dbc.Col([dbc.Label("For", html_for=NEW_ENTITY), dcc.Dropdown(id=NEW_ENTITY, clearable=False)], md=4),
                dbc.Col([dbc.Label("Data month", html_for=NEW_MONTH), dcc.Dropdown(id=NEW_MONTH, clearable=False)],
                        md=2),
                dbc.Col([dbc.Label("Meeting date (YYYY-MM-DD)", html_for=NEW_DATE),
                         dbc.Input(id=NEW_DATE, type="text", value=_today())], md=2),
                dbc.Col([dbc.Label("Title (optional)", html_for=NEW_TITLE),
                         dbc.Input(id=NEW_TITLE, type="text", maxLength=300)], md=4),
            ], className="g-3"),
            dbc.Label("Attendees: one per line, Name <name@agency.gov> (an address receives the follow-up)",
                      html_for=NEW_ATTENDEES, class_name="mt-2"),
            dbc.Textarea(id=NEW_ATTENDEES, rows=3),
            dbc.Button("Prepare the meeting", id=NEW_CREATE, color="primary", class_name="mt-2"),
            html.Div(id=NEW_SAID, className="mt-2"),
        ]), id=MEETINGS_FORM, class_name="mb-3"),
        html.Div(id=MEETINGS_LIST),
    ])


def _entity_options(snapshot, scope) -> list[dict]:
    """The department, bureaus and offices inside the reader's own part: where they may hold a meeting."""
    owned, params = scope.owned_filter("e")
    rows = snapshot.read(f"""
        -- the places the reader may hold a meeting for
        select e.level, e.entity_id, e.entity_name from entities e
        where e.level in ('department', 'bureau', 'office') and {owned}
        order by case e.level when 'department' then 0 when 'bureau' then 1 else 2 end, e.entity_name""", params)
    return [{"label": f"{r.entity_name} ({r.level})",
             "value": "department" if r.level == "department" else f"{r.level}:{r.entity_id}"}
            for r in rows.itertuples(index=False) if r.level != "department" or scope.level == "department"]


def _provider_options(snapshot, scope, engine) -> list[dict]:
    """The providers with a contract, for a reader of the whole department: a performance review of each."""
    if scope.level != "department":
        return []
    contracted = {c.provider_id for c in current_contracts(engine)}
    return [{"label": f"{r.provider_name} (provider performance review)", "value": f"provider:{r.provider_id}"}
            for r in providers(snapshot).itertuples(index=False) if r.provider_id in contracted]


def _list(found: list) -> html.Div:
    if not found:
        return message("No meeting yet: prepare one above.", colour="info")
    head = ["Meeting", "For", "Data month", "Date", "Data version", "Status"]
    rows = [html.Tr([html.Td(dcc.Link(m.title, href=f"/meeting?id={m.id}")), html.Td(m.entity_name),
                     html.Td(f"{m.month:%B %Y}"), html.Td(f"{m.held_on:%d %b %Y}"),
                     html.Td(f"{m.version_id} (as of {m.as_of:%d %b %Y})"), html.Td(m.status)]) for m in found]
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)], hover=True,
                     responsive=True, class_name="meetings-table")


@callback(Output(MEETINGS_MESSAGE, "children"), Output(MEETINGS_LIST, "children"), Output(NEW_ENTITY, "options"),
          Output(NEW_ENTITY, "value"), Output(NEW_MONTH, "options"), Output(NEW_MONTH, "value"),
          Output(MEETINGS_FORM, "style"), Input(MEETINGS_QUERY, "data"))
def show_meetings(query):
    """The reader's meetings and the form to prepare one, or why not."""
    hidden = {"display": "none"}
    try:
        if not isinstance(query, dict) or set(query) - {"entity"}:
            raise ViewError("the meetings page takes only entity (LEVEL:ID)")
        reader = current_reader()
        meetings.meeting_scope(reader)
        entity = param_text("entity", query.get("entity"), ViewError)
        found = meetings.list_meetings(services().store, reader, parse_meeting_entity(entity) if entity else None)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/meetings")
        return message(f"{exc}.", heading="No meetings to show"), None, [], None, [], None, hidden
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return (message("No data loaded yet: a meeting is prepared on loaded data.", colour="info"), _list(found),
                [], None, [], None, hidden)
    scope = reader.data_scope()
    if not meetings.may_change(reader):  # a provider's staff read their reviews; the department prepares them
        return None, _list(found), [], None, [], None, hidden
    entities = _entity_options(snapshot, scope) + _provider_options(snapshot, scope, services().store)
    months = [{"label": f"{m:%B %Y}", "value": f"{m:%Y-%m}"} for m in reversed(report_months(snapshot))]
    if not entities or not months:
        return None, _list(found), [], None, [], None, hidden
    return (None, _list(found), entities, entities[0]["value"], months, months[0]["value"] if months else None, None)


@callback(Output(NEW_SAID, "children"), Output(NEW_GO, "href"), Input(NEW_CREATE, "n_clicks"),
          State(NEW_ENTITY, "value"), State(NEW_MONTH, "value"), State(NEW_DATE, "value"), State(NEW_TITLE, "value"),
          State(NEW_ATTENDEES, "value"), prevent_initial_call=True)
def create(clicks, entity, month, held_on, title, attendees):
    """Prepare a meeting on the current data version (audited) and open it."""
    if not clicks:
        return no_update, no_update
    try:
        reader = current_reader()
        scope = meetings.change_scope(reader)
        snapshot = services().warehouse.snapshot()
        if snapshot is None:
            raise ViewError("no data is loaded yet")
        entity_text = param_text("for", entity, ViewError)
        month_text = param_text("data month", month, ViewError)
        if not entity_text or not month_text:
            raise ViewError("choose what the meeting is for and its data month")
        ref = parse_meeting_entity(entity_text)
        name, ids, when = prepare(snapshot, scope, ref, parse_month(month_text), services().store)
        made = meetings.create_meeting(services().store, reader, ref, name, ids, when, snapshot.version.version_id,
                                       snapshot.version.as_of, held_on or None, title if isinstance(title, str) else "",
                                       attendees if isinstance(attendees, str) else "", via="page",
                                       today=services().settings.today())
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/meetings (new)")
        return message(f"{exc}.", heading="No meeting was prepared"), no_update
    return dbc.Alert(f"Meeting {made.id} prepared.", color="success"), f"/meeting?id={made.id}"
