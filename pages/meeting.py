"""One Stat meeting: its agenda (flagged from the scorecard, or accepted from the suggestions), the numbers it
was prepared on, the actions carried over and agreed, the follow-up, and the data book.

Everything the page shows comes from one `queries.meeting_book.Book`, the same object the data book is drawn
from. Every change goes through one callback (`act`), which checks the cell, item or action against the
meeting's own data version and the reader's scope before anything is written.
"""
import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from components import live
from components.common import GRAPH_CONFIG, legend, message
from components.heatmap import cell_keys, clicked_cell, heatmap_figure
from components.links import ScorecardView, ViewError, record_id
from components.meeting import (ACCEPT, ITEM_DOWN, ITEM_NOTES, ITEM_REMOVE, ITEM_SAVE, ITEM_UP, actions_table,
                                item_card, suggestions_list)
from queries import meetings
from queries.meeting_book import assemble
from queries.meeting_numbers import check_cell, freeze, numbers_for, prepare_move, suggestions
from queries.params import param_text
from queries.reviews import list_selections
from queries.runtime import current_reader, refused, services
from queries.scope import EntityRef
from queries.scorecard import ScorecardQueryError, indicator_catalogue, parse_entity
from web.present import presenting, store_data
from reviews.instrument import InstrumentError, load_instrument

dash.register_page(__name__, path="/meeting", name="Meeting", title="Meeting · Statboard", nav=False)

Q = "meeting-query"
PRESENT = "meeting-present"
CHANGED = "meeting-changed"
TITLE = "meeting-title"
FACTS = "meeting-facts"
BANNER = "meeting-banner"
SAID = "meeting-said"
HEATMAP = "meeting-heatmap"
KEYS = "meeting-keys"
FLAG_AREA = "meeting-flag-area"
AGENDA = "meeting-agenda"
SUGGESTIONS = "meeting-suggestions"
CARRIED = "meeting-carried"
NEW_ACTIONS = "meeting-new-actions"
EDIT_AREAS = "meeting-edit-areas"
TEXT_KIND = "meeting-text-kind"
TEXT_BODY = "meeting-text-body"
TEXT_ADD = "meeting-text-add"
REVIEWS_AREA = "meeting-reviews-area"
SELECTION = "meeting-selection"
SELECTION_ADD = "meeting-selection-add"
ACTION_WHAT = "meeting-action-what"
ACTION_OWNER = "meeting-action-owner"
ACTION_DUE = "meeting-action-due"
ACTION_CELL = "meeting-action-cell"
ACTION_ADD = "meeting-action-add"
UPDATE_ACTION = "meeting-update-action"
UPDATE_STATUS = "meeting-update-status"
UPDATE_NOTE = "meeting-update-note"
UPDATE_SAVE = "meeting-update-save"
HIGHLIGHTS = "meeting-highlights"
LESSONS = "meeting-lessons"
NEXT_STEPS = "meeting-next-steps"
SUMMARY_SAVE = "meeting-summary-save"
FOLLOWUP = "meeting-followup"
FOLLOWUP_SAVE = "meeting-followup-save"
FOLLOWUP_SEND = "meeting-followup-send"
FOLLOWUP_LINKS = "meeting-followup-links"
CLOSE = "meeting-close"
MOVE = "meeting-move"
DOWNLOADS = "meeting-downloads"
LOG = "meeting-log"
CHAIR_NOTE = "meeting-chair-note"
NEWER_NOTICE = "meeting-newer-notice"
LIVE = "meeting"  # components/live.py: the meeting keeps its numbers; it only says that newer data landed
LIVE_TICK, LIVE_SHOWN, LIVE_NEWER = live.ids(LIVE)

STATUS_OPTIONS = [{"label": s, "value": s} for s in meetings.ACTION_STATUSES]
TEXT_KINDS = [{"label": "Best practice", "value": "practice"}, {"label": "Kudos", "value": "kudos"}]


def _area(label: str, ident: str, rows: int = 3, maxlength: int = 5000) -> html.Div:
    return html.Div([dbc.Label(label, html_for=ident), dbc.Textarea(id=ident, rows=rows, maxLength=maxlength)],
                    className="mb-2")


def layout(**query):
    """The frame; `show_meeting` fills it, `act` changes it. In presentation (web/present.py) only the title,
    any warning and the agenda show, one item at a time (assets/present.js)."""
    return html.Div([
        dcc.Store(id=Q, data=query),
        dcc.Store(id=PRESENT, data=store_data()),
        dcc.Store(id=CHANGED, data={"n": 0}),
        dcc.Store(id=KEYS, data={}),
        html.H1(id=TITLE, className="h3"),
        html.Div(id=FACTS, className="mb-2 present-hide"),
        html.Div(id=BANNER),
        html.Div(id=NEWER_NOTICE), *live.parts(LIVE, _current_version()),
        html.Div(id=DOWNLOADS, className="mb-3 present-hide"),
        html.Div(id=SAID, role="status", **{"aria-live": "polite"}),
        html.Div([html.H2("Carried over from earlier meetings", className="h4"), html.Div(id=CARRIED)],
                 className="present-hide"),
        html.H2("Agenda", className="h4 mt-3 present-hide"),
        html.Div(id=AGENDA),
        html.Div(className="present-hide", children=[html.Div([
            html.H2("Add to the agenda", className="h4 mt-3"),
            html.Div([
                html.P("Click a cell of the scorecard to flag it for discussion.", className="text-muted mb-1"),
                legend(),
                # Focusable, so a keyboard can scroll the wide heat map sideways.
                html.Div(dcc.Graph(id=HEATMAP, config={**GRAPH_CONFIG, "displayModeBar": False}),
                         className="scorecard-scroll", tabIndex="0", role="region",
                         **{"aria-label": "The meeting's scorecard: click a cell to flag it"}),
            ], id=FLAG_AREA),
            html.H3("Suggestions", className="h5 mt-2"),
            html.Div(id=SUGGESTIONS),
            dbc.Card(dbc.CardBody([
                html.H3("Best practice or kudos", className="h5"),
                dbc.RadioItems(id=TEXT_KIND, options=TEXT_KINDS, value="practice", inline=True),
                dbc.Label("What to share", html_for=TEXT_BODY, class_name="mt-2 mb-0"),
                dbc.Textarea(id=TEXT_BODY, rows=2, maxLength=5000, class_name="my-2",
                             placeholder="What worked, who to thank"),
                dbc.Button("Add", id=TEXT_ADD, color="primary", outline=True),
            ]), class_name="mt-2"),
            dbc.Card(dbc.CardBody([
                html.H3("Case reviews for discussion", className="h5"),
                dbc.Label("A saved selection of cases", html_for=SELECTION),
                dcc.Dropdown(id=SELECTION, placeholder="Choose a saved selection"),
                dbc.Button("Add", id=SELECTION_ADD, color="primary", outline=True, class_name="mt-2"),
            ]), id=REVIEWS_AREA, class_name="mt-2"),
        ], id=EDIT_AREAS),
        html.H2("Actions agreed at this meeting", className="h4 mt-4"),
        html.Div(id=NEW_ACTIONS),
        dbc.Card(dbc.CardBody([
            html.H3("Agree an action", className="h5"),
            dbc.Row([
                dbc.Col([dbc.Label("What", html_for=ACTION_WHAT), dbc.Input(id=ACTION_WHAT, maxLength=1000)], md=4),
                dbc.Col([dbc.Label("Owner", html_for=ACTION_OWNER), dbc.Input(id=ACTION_OWNER, maxLength=200)],
                        md=2),
                dbc.Col([dbc.Label("Due (YYYY-MM-DD)", html_for=ACTION_DUE), dbc.Input(id=ACTION_DUE)], md=2),
                dbc.Col([dbc.Label("Meant to move", html_for=ACTION_CELL), dcc.Dropdown(id=ACTION_CELL, placeholder="Choose the indicator and place")], md=3),
                dbc.Col(dbc.Button("Agree", id=ACTION_ADD, color="primary", class_name="mt-4 w-100"), md=1),
            ], className="g-2"),
        ]), id="meeting-action-form", class_name="mb-3"),
        dbc.Card(dbc.CardBody([
            html.H3("Update an action", className="h5"),
            dbc.Row([
                dbc.Col([dbc.Label("Action", html_for=UPDATE_ACTION), dcc.Dropdown(id=UPDATE_ACTION, placeholder="Choose an action")], md=5),
                dbc.Col([dbc.Label("Status", html_for=UPDATE_STATUS),
                         dcc.Dropdown(id=UPDATE_STATUS, options=STATUS_OPTIONS, value="done", clearable=False)], md=2),
                dbc.Col([dbc.Label("Note", html_for=UPDATE_NOTE), dbc.Input(id=UPDATE_NOTE, maxLength=5000)], md=4),
                dbc.Col(dbc.Button("Log", id=UPDATE_SAVE, color="secondary", class_name="mt-4 w-100"), md=1),
            ], className="g-2"),
        ]), class_name="mb-3"),
        html.H2("Summary and follow-up", className="h4 mt-4"),
        html.Div([
            _area("Highlights", HIGHLIGHTS), _area("Lessons learned", LESSONS), _area("Next steps", NEXT_STEPS),
            dbc.Button("Save the summary", id=SUMMARY_SAVE, color="primary", outline=True, class_name="mb-3"),
        ], id="meeting-summary-area"),
        dbc.Label("The follow-up (edit it freely; it is what is downloaded and sent)", html_for=FOLLOWUP),
        dbc.Textarea(id=FOLLOWUP, rows=14, maxLength=50000, class_name="font-monospace mb-2"),
        html.Div([
            dbc.Button("Save the follow-up", id=FOLLOWUP_SAVE, color="primary", outline=True, class_name="me-2"),
            dbc.Button("Send to the attendees", id=FOLLOWUP_SEND, color="primary", class_name="me-2"),
            dcc.Clipboard(target_id=FOLLOWUP, title="Copy the follow-up", className="btn btn-outline-secondary me-2"),
            html.Span(id=FOLLOWUP_LINKS),
        ], className="d-flex align-items-center mb-4"),
        html.Div([
            dbc.Button("Move to the newest data", id=MOVE, color="warning", class_name="me-2"),
            dbc.Button("Close the meeting", id=CLOSE, color="danger", outline=True),
            html.Span(id=CHAIR_NOTE, className="text-muted"),
        ], className="mb-4"),
        html.Details([html.Summary("Changes to this meeting: who made each, and when", className="h5"),
                      html.Div(id=LOG)], className="mb-5"),
    ])])


def _log(engine, reader, meeting_id) -> html.Ol:
    """The meeting's log, oldest first, for everyone who may see the meeting."""
    entries = meetings.change_log(engine, reader, meeting_id)
    return html.Ol([html.Li(f"{e.at:%d %b %Y %H:%M} UTC · {e.actor}: {e.change}") for e in entries],
                   className="small") if entries else html.P("No change yet.", className="text-muted")


def _reader_book(query):
    meeting_id = record_id(query, "meeting", "/meeting")
    reader = current_reader()
    book = assemble(services().warehouse, services().store, reader, meeting_id,
                    load_instrument(services().settings.instrument_path))
    return reader, book


def _facts(book) -> html.Ul:
    m = book.meeting
    people = ", ".join(str(a.name) for a in m.attendees) or "none listed"
    state = (f"closed on {m.closed_at:%d %b %Y} by {m.closed_by}" if not m.is_open else "open")
    return html.Ul([
        html.Li(f"{m.entity_name}, {m.month:%B %Y} data, meeting on {m.held_on:%A %d %B %Y}; {state}."),
        html.Li(f"Data version {m.version_id}, as of {m.as_of:%d %B %Y}."),
        html.Li(f"Attendees: {people}."),
    ])


def _banner(book) -> list:
    parts = []
    m = book.meeting
    if book.source == "gone":
        parts.append(message(f"Data version {m.version_id}, which this meeting was prepared on, is no longer in the "
                             "warehouse: move the meeting to the newest data to see numbers again.",
                             heading="The numbers are gone"))
    if book.source == "record":
        parts.append(message(f"Closed: the numbers are those shown at the meeting (data version {m.version_id}, as of "
                             f"{m.as_of:%d %B %Y}), kept as a record.", colour="secondary"))
    if book.newer is not None:
        version, as_of = book.newer
        parts.append(message(
            f"Newer data exists: version {version}, as of {as_of:%d %B %Y}. This meeting keeps the numbers it was "
            "prepared on" + (" until you move it to the newest data (the button at the bottom)." if m.is_open else "."),
            colour="info"))
    overdue = book.overdue()
    if overdue:
        parts.append(message(f"{len(overdue)} carried-over action{'s are' if len(overdue) != 1 else ' is'} overdue.",
                             colour="warning"))
    return parts


def _current_version() -> dict | None:
    """The data version current when the page opens (a meeting's own banner already says if it is newer)."""
    try:
        return live.shown(services().warehouse.snapshot())
    except RuntimeError:  # outside a request (Dash checking the layout)
        return None


@callback(Output(NEWER_NOTICE, "children"), Input(LIVE_NEWER, "data"), prevent_initial_call=True)
def newer_landed(_newer):
    """A load landed while the meeting was open: its numbers stay as they are (pinned), and it says so."""
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return no_update
    version = snapshot.version
    return message(f"New data landed while this page was open: version {version.version_id}, as of "
                   f"{version.as_of:%d %B %Y}. This meeting keeps the numbers it was prepared on.", colour="info")


live.watch(LIVE)


def _cells(book) -> list[dict]:
    """The cells an action may be meant to move: the agenda's, then every indicator of the meeting's entity."""
    options, seen = [], set()
    if book.numbers is None:
        return options
    for item in book.items:
        if item.kind == "indicator" and (item.indicator_id, item.entity) not in seen:
            seen.add((item.indicator_id, item.entity))
            name = book.numbers.items[item.id].indicator["name"] if item.id in book.numbers.items else item.indicator_id
            options.append({"label": f"{name} — {item.entity_name}", "value": f"{item.indicator_id}|{item.entity}"})
    entity = book.meeting.entity
    for row in book.numbers.scorecard.indicators.itertuples(index=False):
        if (row.indicator_id, entity) not in seen:
            options.append({"label": f"{row.name} — {book.meeting.entity_name}",
                            "value": f"{row.indicator_id}|{entity}"})
    return options


@callback(Output(TITLE, "children"), Output(FACTS, "children"), Output(BANNER, "children"),
          Output(DOWNLOADS, "children"), Output(CARRIED, "children"), Output(AGENDA, "children"),
          Output(HEATMAP, "figure"), Output(KEYS, "data"), Output(FLAG_AREA, "style"),
          Output(SUGGESTIONS, "children"), Output(EDIT_AREAS, "style"), Output(REVIEWS_AREA, "style"),
          Output(SELECTION, "options"), Output(NEW_ACTIONS, "children"), Output("meeting-action-form", "style"),
          Output(ACTION_CELL, "options"), Output(UPDATE_ACTION, "options"), Output(HIGHLIGHTS, "value"),
          Output(LESSONS, "value"), Output(NEXT_STEPS, "value"), Output("meeting-summary-area", "style"),
          Output(FOLLOWUP, "value"), Output(FOLLOWUP_SEND, "style"), Output(FOLLOWUP_LINKS, "children"),
          Output(MOVE, "style"), Output(CLOSE, "style"), Output(TEXT_KIND, "options"), Output(CHAIR_NOTE, "children"),
          Output(LOG, "children"),
          Input(Q, "data"), Input(CHANGED, "data"), State(PRESENT, "data"))
def show_meeting(query, _changed, present=None):
    """The meeting for a reader whose scope owns its entity, or why not; in presentation, not editable."""
    hidden = {"display": "none"}
    blank = (None, None, None, None, {}, hidden, None, hidden, hidden, [], None, hidden, [], [], None, None, None,
             hidden, None, hidden, None, hidden, hidden, TEXT_KINDS, None, None)
    try:
        reader, book = _reader_book(query)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/meeting")
        return ("Meeting", None, message(f"{exc}.", heading="This meeting cannot be shown"), *blank)
    except InstrumentError as exc:
        return ("Meeting", None, message(exc.summary, heading="The review instrument cannot be read"), *blank)
    from queries.followup import followup_for
    m = book.meeting
    present = presenting(present)
    editable = m.is_open and not present
    numbers = book.numbers
    case_level = reader.data_scope().case_level
    agenda = [item_card(book, item, n, editable, case_level, present) for n, item in enumerate(book.items, start=1)] or \
        [html.P("Nothing on the agenda yet." + ("" if present else " Flag cells of the scorecard below, or accept "
                                                                   "suggestions."), className="text-muted")]
    figure, keys, offered = {}, {}, []
    if numbers is not None:
        figure = heatmap_figure(numbers.scorecard, ScorecardView(numbers.month, m.entity))
        keys = cell_keys(numbers.scorecard)
        if editable:
            offered = suggestions(numbers, list(book.items), book.carried, m.held_on)
    selections = []
    if editable and reader.data_scope().case_level:
        selections = [{"label": f"Selection {s['id']}: {', '.join(s['cells'])} ({s['entity']})", "value": str(s["id"])}
                      for s in list_selections(services().store, reader.data_scope())]
    everyone = [*book.carried, *book.new]
    update_options = [{"label": f"#{a.id} {a.what[:60]} ({a.owner}, {a.status})", "value": str(a.id)}
                      for a in everyone]
    downloads = html.Div([
        html.Span("Data book: ", className="fw-bold"),
        html.A("PowerPoint", href=f"/export/meeting/{m.id}/databook.pptx", className="me-3"),
        html.A("PDF", href=f"/export/meeting/{m.id}/databook.pdf", className="me-3"),
        dcc.Link("All meetings", href="/meetings"),
    ])
    smtp = bool(services().settings.smtp_url)
    chair = meetings.may_chair(reader)
    links = [html.A("Download the follow-up (.txt)", href=f"/export/meeting/{m.id}/followup.txt"),
             html.Span(f" · sent {m.followup_sent_at:%d %b %Y %H:%M} UTC" if m.followup_sent_at else "",
                       className="text-muted")]
    return (m.title, _facts(book), _banner(book), downloads,
            actions_table(list(book.carried), m.held_on, "No action carried over: none is open from earlier "
                                                          "meetings of " + m.entity_name + "."),
            agenda, figure, keys, None if editable and numbers is not None else hidden,
            suggestions_list(offered, editable), None if editable else hidden,
            None if editable and reader.data_scope().case_level else hidden, selections,
            actions_table(list(book.new), m.held_on, "None yet."), None if editable else hidden,
            _cells(book), update_options, m.highlights, m.lessons, m.next_steps, None if editable else hidden,
            followup_for(book), None if smtp and chair else hidden, links,
            None if editable and book.newer is not None else hidden, None if editable and chair else hidden,
            TEXT_KINDS if chair else [{**k, "disabled": k["value"] == "kudos"} for k in TEXT_KINDS],
            None if chair or not editable else "You prepare this meeting: kudos, closing it and sending the follow-up "
                                               "are the chair's (its manager's, or an executive's).",
            _log(services().store, reader, m.id))


def _clicked():
    """The id and value of what was clicked, when it was really clicked (not drawn)."""
    trigger = ctx.triggered[0] if ctx.triggered else None
    if trigger is None or not trigger.get("value"):
        return None
    return ctx.triggered_id


def _pattern_value(states, wanted_id):
    for state in states or []:
        if state.get("id") == wanted_id:
            return state.get("value")
    return None


@callback(Output(SAID, "children"), Output(CHANGED, "data"),
          Input(HEATMAP, "clickData"), Input({"type": ACCEPT, "cell": ALL}, "n_clicks"),
          Input({"type": ITEM_UP, "item": ALL}, "n_clicks"), Input({"type": ITEM_DOWN, "item": ALL}, "n_clicks"),
          Input({"type": ITEM_REMOVE, "item": ALL}, "n_clicks"), Input({"type": ITEM_SAVE, "item": ALL}, "n_clicks"),
          Input(TEXT_ADD, "n_clicks"), Input(SELECTION_ADD, "n_clicks"), Input(ACTION_ADD, "n_clicks"),
          Input(UPDATE_SAVE, "n_clicks"), Input(SUMMARY_SAVE, "n_clicks"), Input(FOLLOWUP_SAVE, "n_clicks"),
          Input(FOLLOWUP_SEND, "n_clicks"), Input(CLOSE, "n_clicks"), Input(MOVE, "n_clicks"),
          State(Q, "data"), State(KEYS, "data"), State({"type": ITEM_NOTES, "item": ALL}, "value"),
          State(TEXT_KIND, "value"), State(TEXT_BODY, "value"), State(SELECTION, "value"),
          State(ACTION_WHAT, "value"), State(ACTION_OWNER, "value"), State(ACTION_DUE, "value"),
          State(ACTION_CELL, "value"), State(UPDATE_ACTION, "value"), State(UPDATE_STATUS, "value"),
          State(UPDATE_NOTE, "value"), State(HIGHLIGHTS, "value"), State(LESSONS, "value"), State(NEXT_STEPS, "value"),
          State(FOLLOWUP, "value"), State(CHANGED, "data"), prevent_initial_call=True)
def act(click, *args):
    """Do what was clicked: flag a cell, accept a suggestion, reorder or remove an item, save notes, add a
    practice or a case-review selection, agree or update an action, save the summary or the follow-up, send it,
    close the meeting or move it to the newest data. Then redraw."""
    (query, keys, _notes, text_kind, text_body, selection, what, owner, due, cell, update_id, update_status,
     update_note, highlights, lessons, next_steps, followup, changed) = args[14:]
    trigger = _clicked()
    if trigger is None:
        return no_update, no_update
    count = changed.get("n", 0) if isinstance(changed, dict) and isinstance(changed.get("n"), int) else 0
    try:
        said = _do(trigger, click, query, keys, text_kind, text_body, selection, what, owner, due, cell, update_id,
                   update_status, update_note, highlights, lessons, next_steps, followup)
    except SavedNotSent as exc:  # the edit is kept: the page redraws with it
        return message(str(exc), heading="The follow-up was saved but not sent"), {"n": count + 1}
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/meeting (change)")
        return message(f"{exc}.", heading="Nothing was changed"), no_update
    except InstrumentError as exc:
        return message(exc.summary, heading="Nothing was changed"), no_update
    return dbc.Alert(said, color="success", dismissable=True, duration=8000), {"n": count + 1}


class SavedNotSent(Exception):
    """Send saved the follow-up's edit, then the mail did not go (the limit, or the mail server): both are said."""


def _text(name, value):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ViewError(f"{name} must be text")
    return value


def _cell(value) -> tuple[str, EntityRef]:
    text = param_text("the cell", value, ViewError)
    if not text or "|" not in text:
        raise ViewError("choose the indicator and the place the action is meant to move")
    indicator_id, _, entity = text.partition("|")
    return indicator_id, parse_entity(entity)


def _do(trigger, click, query, keys, text_kind, text_body, selection, what, owner, due, cell, update_id,
        update_status, update_note, highlights, lessons, next_steps, followup) -> str:
    meeting_id = record_id(query, "meeting", "/meeting")
    reader = current_reader()
    engine = services().store
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    warehouse = services().warehouse

    def pinned():
        snapshot = warehouse.snapshot_of(meeting.version_id)
        if snapshot is None:
            raise meetings.MeetingError(f"data version {meeting.version_id} is gone: move the meeting to the newest "
                                        "data first")
        return snapshot

    def flag(indicator_id, entity, source="flagged", reason=""):
        snapshot = pinned()
        name = check_cell(snapshot, meeting, indicator_id, entity)
        meetings.add_item(engine, reader, meeting.id, "indicator", indicator_id=indicator_id, entity=entity,
                          entity_name=name, source=source, reason=reason)
        catalogue = indicator_catalogue(snapshot).set_index("indicator_id").name
        return f"{catalogue.get(indicator_id, indicator_id)} for {name} added to the agenda."

    if trigger == HEATMAP:
        found = clicked_cell(click, keys)
        if found is None:
            raise ViewError("that click names no cell: click a coloured cell")
        indicator_id, level, entity_id = (param_text("the cell", v, ViewError) for v in found)
        return flag(indicator_id, EntityRef(level, entity_id))
    if isinstance(trigger, dict):
        kind, key = trigger.get("type"), param_text("the item", trigger.get("item") or trigger.get("cell"), ViewError)
        if kind == ACCEPT:
            parts = (key or "").split("|", 3)
            source, indicator_id, level, entity_id = parts if len(parts) == 4 else ("", "", "", "")
            if source not in meetings.SOURCES or not entity_id:
                raise ViewError("that suggestion is not one this page offered: reload the page")
            pinned()  # refuses a meeting whose version is gone, with what to do
            items = meetings.agenda(engine, reader, meeting.id)
            carried, _new = meetings.meeting_actions(engine, reader, meeting)
            numbers = numbers_for(warehouse, meeting, items, None).numbers
            offered = {(s.kind, s.indicator_id, s.entity.level, s.entity.entity_id): s
                       for s in suggestions(numbers, items, carried, meeting.held_on)} if numbers else {}
            chosen = offered.get((source, indicator_id, level, entity_id))
            if chosen is None:
                raise ViewError("that suggestion is no longer offered (it is on the agenda already, or the data "
                                "moved): reload the page")
            return flag(indicator_id, EntityRef(level, entity_id), source, chosen.reason)
        if not key or not (key.isascii() and key.isdigit()):
            raise ViewError("that item is not on this meeting's agenda: reload the page")
        item_id = int(key)
        if kind in (ITEM_UP, ITEM_DOWN):
            meetings.move_item(engine, reader, meeting.id, item_id, -1 if kind == ITEM_UP else 1)
            return "Moved."
        if kind == ITEM_REMOVE:
            meetings.remove_item(engine, reader, meeting.id, item_id)
            return "Removed from the agenda."
        if kind == ITEM_SAVE:
            notes = _pattern_value(ctx.states_list[2], {"type": ITEM_NOTES, "item": key})
            meetings.set_notes(engine, reader, meeting.id, item_id, _text("the notes", notes))
            return "Notes saved."
        raise ViewError("that button is not one of this page's")
    if trigger == TEXT_ADD:
        kind = param_text("the kind", text_kind, ViewError)
        if kind not in ("practice", "kudos"):
            raise ViewError("choose best practice or kudos")
        meetings.add_item(engine, reader, meeting.id, kind, notes=_text("the text", text_body))
        return f"{'Best practice' if kind == 'practice' else 'Kudos'} added to the agenda."
    if trigger == SELECTION_ADD:
        chosen = param_text("the selection", selection, ViewError)
        if not chosen or not (chosen.isascii() and chosen.isdigit()):
            raise ViewError("choose a saved selection of cases")
        meetings.add_item(engine, reader, meeting.id, "reviews", selection_id=int(chosen))
        return f"Selection {chosen}'s reviews added to the agenda."
    if trigger == ACTION_ADD:
        indicator_id, entity = _cell(cell)
        name = check_cell(pinned(), meeting, indicator_id, entity)
        action = meetings.add_action(engine, reader, meeting.id, _text("what", what), _text("the owner", owner),
                                     param_text("the due date", due, ViewError) or "", indicator_id, entity, name)
        return f"Action {action.id} agreed: {action.owner}, due {action.due:%d %b %Y}."
    if trigger == UPDATE_SAVE:
        chosen = param_text("the action", update_id, ViewError)
        if not chosen or not (chosen.isascii() and chosen.isdigit()):
            raise ViewError("choose the action to update")
        action = meetings.update_action(engine, reader, int(chosen), param_text("the status", update_status,
                                                                                ViewError) or "",
                                        _text("the note", update_note))
        return f"Action {action.id} is {action.status}."
    if trigger == SUMMARY_SAVE:
        meetings.update_meeting(engine, reader, meeting.id, highlights=_text("the highlights", highlights),
                                lessons=_text("the lessons", lessons), next_steps=_text("the next steps", next_steps))
        return "Summary saved."
    if trigger == FOLLOWUP_SAVE:
        meetings.update_meeting(engine, reader, meeting.id, followup=_text("the follow-up", followup))
        return "Follow-up saved."
    if trigger == FOLLOWUP_SEND:
        from web.mail import MailError, send_and_record
        meetings.check_chair(reader, "sending the follow-up")  # before the edit is saved: nothing changes
        text = _text("the follow-up", followup)
        meetings.update_meeting(engine, reader, meeting.id, followup=text)
        book = assemble(warehouse, engine, reader, meeting.id, load_instrument(services().settings.instrument_path))
        try:
            sent = send_and_record(services().settings, engine, reader, book, text)
        except (MailError, meetings.MeetingError) as exc:
            raise SavedNotSent(f"{exc}.") from None
        return f"{sent}."  # who got it, and whom the mail server refused
    if trigger == CLOSE:
        items = meetings.agenda(engine, reader, meeting.id)
        numbers = numbers_for(warehouse, meeting, items, None).numbers
        if numbers is None:
            raise meetings.MeetingError(f"data version {meeting.version_id} is gone, so the numbers cannot be kept: "
                                        "move the meeting to the newest data first")
        meetings.close_meeting(engine, reader, meeting.id, freeze(numbers), via="page")
        return "Closed: its numbers are kept as they were; its open actions carry over to the next meeting."
    if trigger == MOVE:
        current = warehouse.snapshot()
        if current is None or current.version.version_id <= meeting.version_id:
            raise ViewError("there is no newer data to move to")
        name, ids = prepare_move(current, reader.data_scope(), meeting, meetings.agenda(engine, reader, meeting.id))
        moved = meetings.move_to_version(engine, reader, meeting.id, current.version.version_id,
                                         current.version.as_of, via="page", entity_name=name, entity_ids=ids)
        return f"Moved to data version {moved.version_id}, as of {moved.as_of:%d %B %Y}."
    raise ViewError("that button is not one of this page's")

