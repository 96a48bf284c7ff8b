"""One Stat meeting: its agenda (flagged from the scorecard, or accepted from the suggestions), the numbers it
was prepared on, the actions carried over and agreed, the follow-up, and the data book.

Everything the page shows comes from one `store.meeting_book.Book`, the same object the data book is drawn
from. Each form has a callback of its own, which hands what was typed to the app store's deed for it
(store/meeting_acts.py, store/meetings.py, web/mail.py), where the cell, item or action is checked against the
meeting's own data version and the reader's scope and role before anything is written; then the page redraws.
"""
import uuid

import dash
import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from access.params import param_text
from access.scope import EntityRef, OutsideScope, ScorecardQueryError
from components.common import legend, message
from components.links import ScorecardView, ViewError, record_id
from components.meeting import (ACCEPT, ACTION_EDIT, ACTION_REMOVE, ITEM_DOWN, ITEM_NOTES, ITEM_REMOVE, ITEM_SAVE,
                                ITEM_UP, actions_table, item_card, suggestions_list)
from components.provider_review import contract_summary, contract_table, owner_choices, review_item_card
from components.scorecard_table import scorecard_table
from reviews.instrument import InstrumentError, load_instrument
from store import meeting_acts, meetings
from store.followup import indicator_names
from store.meeting_book import assemble
from store.meeting_numbers import parse_meeting_entity, suggestions
from store.reviews import list_selections
from web import live
from web.mail import SavedNotSent, save_and_send
from web.present import presenting, store_data
from web.runtime import current_reader, refused, services

dash.register_page(__name__, path="/meeting", name="Meeting", title="Meeting · Statboard", nav=False)

Q = "meeting-query"
PRESENT = "meeting-present"
CHANGED = "meeting-changed"
TITLE = "meeting-title"
FACTS = "meeting-facts"
BANNER = "meeting-banner"
SAID = "meeting-said"
HEATMAP = "meeting-heatmap"        # the box the meeting's scorecard table is drawn in (assets/scorecard.js)
TABLE = "meeting-table"            # what the table shows (components/scorecard_table.py)
DRAWN = "meeting-drawn"            # the rows drawn
FLAG_CELL = "meeting-flag-cell"    # the cell pressed: {"indicator": ID, "entity": "LEVEL:ID"}, set by the browser
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
PUBLISHED_AREA = "meeting-published-area"          # a published source's figure: the state's, beside the county's
PUBLISHED_SOURCE = "meeting-published-source"
PUBLISHED_INDICATOR = "meeting-published-indicator"
PUBLISHED_ENTITY = "meeting-published-entity"
PUBLISHED_ADD = "meeting-published-add"
ACTION_WHAT = "meeting-action-what"
ACTION_OWNER = "meeting-action-owner"
OWNER_CHOICES = "meeting-action-owner-choices"  # a review's owners offered (the provider, the contract manager)
ACTION_DUE = "meeting-action-due"
ACTION_CELL = "meeting-action-cell"
ACTION_ADD = "meeting-action-add"
ACTION_TOKEN = "meeting-action-token"    # one per action the form agrees: a second submit with it agrees nothing
EDITING = "meeting-action-editing"       # the action the form corrects (None: it agrees a new one)
ACTION_CANCEL = "meeting-action-cancel"
ACTION_FORM_TITLE = "meeting-action-form-title"
REMOVING = "meeting-action-removing"
REMOVE_MODAL = "meeting-remove-modal"
REMOVE_WHAT = "meeting-remove-what"
REMOVE_REASON = "meeting-remove-reason"
REMOVE_CONFIRM = "meeting-remove-confirm"
REMOVE_CANCEL = "meeting-remove-cancel"
CLOSE_MODAL = "meeting-close-modal"
CLOSE_CONFIRM = "meeting-close-confirm"
CLOSE_CANCEL = "meeting-close-cancel"
REOPEN = "meeting-reopen"
BODY = "meeting-body"
WAY_BACK = "meeting-way-back"
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
DATABOOK_BUTTON = "meeting-databook"        # pattern type: {"type": DATABOOK_BUTTON, "format": "pptx" | "pdf"}
DATABOOK = "meeting-databook-file"
DATABOOK_SAID = "meeting-databook-said"
LOG = "meeting-log"
CHAIR_NOTE = "meeting-chair-note"
NEWER_NOTICE = "meeting-newer-notice"
LIVE = "meeting"  # web/live.py: the meeting keeps its numbers; it only says that newer data landed
LIVE_TICK, LIVE_SHOWN, LIVE_NEWER = live.ids(LIVE)

STATUS_OPTIONS = [{"label": s, "value": s} for s in meetings.ACTION_STATUSES]
KEEP = "keep"  # the update form's "note only": the action keeps its status (a provider's staff have only this)
NOTE_ONLY = [{"label": "note only (status as it is)", "value": KEEP}]
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
        dcc.Store(id=TABLE), dcc.Store(id=DRAWN), dcc.Store(id=FLAG_CELL),
        html.H1(id=TITLE, className="h3"),
        html.Div(id=FACTS, className="mb-2 present-hide"),
        html.Div(id=BANNER),
        html.Div(id=NEWER_NOTICE), *live.parts(LIVE, _current_version()),
        html.Div([html.Div(id=DOWNLOADS), _databook_progress()], className="mb-3 present-hide"),
        html.Div(id=SAID, role="status", **{"aria-live": "polite"}),
        html.Div(id=WAY_BACK),
        dcc.Store(id=ACTION_TOKEN, data=_token()),
        dcc.Store(id=EDITING, data=None),
        dcc.Store(id=REMOVING, data=None),
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle("Remove this action?")),
            dbc.ModalBody([html.P(id=REMOVE_WHAT),
                           dbc.Label("Why it is removed (kept in the meeting's log)", html_for=REMOVE_REASON),
                           dbc.Input(id=REMOVE_REASON, maxLength=meetings.REASON_MAX,
                                     placeholder="e.g. a duplicate of action 12")]),
            dbc.ModalFooter([dbc.Button("Keep it", id=REMOVE_CANCEL, color="secondary", outline=True),
                             dbc.Button("Remove the action", id=REMOVE_CONFIRM, color="danger")]),
        ], id=REMOVE_MODAL, is_open=False),
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle("Close the meeting?")),
            dbc.ModalBody("Its numbers are kept as they are now, its agenda and the actions agreed at it can no "
                          "longer be changed, and its open actions carry over to the next meeting. Its owner or an "
                          "executive can reopen it."),
            dbc.ModalFooter([dbc.Button("Keep it open", id=CLOSE_CANCEL, color="secondary", outline=True),
                             dbc.Button("Close the meeting", id=CLOSE_CONFIRM, color="danger")]),
        ], id=CLOSE_MODAL, is_open=False),
        html.Div(id=BODY, children=[
        html.Div([html.H2("Carried over from earlier meetings", className="h4"), html.Div(id=CARRIED)],
                 className="present-hide"),
        html.H2("Agenda", className="h4 mt-3 present-hide"),
        html.Div(id=AGENDA),
        html.Div(className="present-hide", children=[html.Div([
            html.H2("Add to the agenda", className="h4 mt-3"),
            html.Div([
                html.P("Press a cell of the meeting's scorecard to put it on the agenda: click it, or Tab to it and "
                       "press Enter. Cells on the agenda are ringed in blue. Point at a cell for its numbers.",
                       className="text-muted mb-1"),
                legend(),
                # The scorecard's own table (its standards under the names), from the meeting's data version.
                html.Div(id=HEATMAP, className="scorecard-box meeting-scorecard"),
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
            _published_form(),
        ], id=EDIT_AREAS),
        html.H2("Actions agreed at this meeting", className="h4 mt-4"),
        html.Div(id=NEW_ACTIONS),
        dbc.Card(dbc.CardBody([
            html.H3("Agree an action", className="h5", id=ACTION_FORM_TITLE),
            dbc.Row([
                dbc.Col([dbc.Label("What", html_for=ACTION_WHAT), dbc.Input(id=ACTION_WHAT, maxLength=1000)], md=4),
                dbc.Col([dbc.Label("Owner", html_for=ACTION_OWNER),
                         dbc.Input(id=ACTION_OWNER, maxLength=200, list=OWNER_CHOICES),
                         html.Datalist(id=OWNER_CHOICES)], md=2),
                dbc.Col([dbc.Label("Due (YYYY-MM-DD)", html_for=ACTION_DUE), dbc.Input(id=ACTION_DUE)], md=2),
                dbc.Col([dbc.Label("Meant to move", html_for=ACTION_CELL), dcc.Dropdown(id=ACTION_CELL, placeholder="Choose the indicator and place")], md=3),
                dbc.Col([dbc.Button("Agree", id=ACTION_ADD, color="primary", class_name="mt-4 w-100"),
                         dbc.Button("Cancel", id=ACTION_CANCEL, color="secondary", outline=True, size="sm",
                                    class_name="mt-1 w-100", style={"display": "none"})], md=1),
            ], className="g-2"),
        ]), id="meeting-action-form", class_name="mb-3"),
        dbc.Card(dbc.CardBody([
            html.H3("Update an action", className="h5"),
            dbc.Row([
                dbc.Col([dbc.Label("Action", html_for=UPDATE_ACTION), dcc.Dropdown(id=UPDATE_ACTION, placeholder="Choose an action")], md=5),
                dbc.Col([dbc.Label("Status", html_for=UPDATE_STATUS),
                         dcc.Dropdown(id=UPDATE_STATUS, options=STATUS_OPTIONS + NOTE_ONLY, value="done",
                                      clearable=False)], md=2),
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
            dbc.Button("Close the meeting…", id=CLOSE, color="danger", outline=True, class_name="me-2"),
            dbc.Button("Reopen the meeting", id=REOPEN, color="secondary", outline=True, class_name="me-2",
                       style={"display": "none"}),
            html.Span(id=CHAIR_NOTE, className="text-muted"),
        ], className="mb-4"),
        html.Details([html.Summary("Changes to this meeting: who made each, and when", className="h5"),
                      html.Div(id=LOG)], className="mb-5"),
    ])])])


def _token() -> dict:
    """A new submit token for the action form (a store's data is an object: web/limits.py)."""
    return {"token": uuid.uuid4().hex}


def _held(data, key: str):
    """`key` of a store's data, None when it holds none."""
    return data.get(key) if isinstance(data, dict) else None


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


def _facts(book) -> html.Div:
    m = book.meeting
    people = ", ".join(str(a.name) for a in m.attendees) or "none listed"
    state = (f"closed on {m.closed_at:%d %b %Y} by {m.closed_by}" if not m.is_open else "open")
    facts = html.Ul([
        html.Li(f"{m.entity_name}, {m.month:%B %Y} data, meeting on {m.held_on:%A %d %B %Y}; {state}."),
        html.Li(f"Data version {m.version_id}, as of {m.as_of:%d %B %Y}."),
        html.Li(f"Attendees: {people}."),
    ])
    review = book.numbers.review if book.numbers is not None else None
    return html.Div([facts, contract_summary(review, m.month)]) if review is not None else facts


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
    review = book.numbers.review
    if review is not None:  # a provider review: its contract's metrics, for the provider
        return [{"label": f"{line.name} — {review.provider_name}",
                 "value": f"{line.indicator_id}|{book.meeting.entity}"} for line in review.lines]
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
          Output(TABLE, "data"), Output(FLAG_AREA, "style"),
          Output(SUGGESTIONS, "children"), Output(EDIT_AREAS, "style"), Output(REVIEWS_AREA, "style"),
          Output(SELECTION, "options"), Output(NEW_ACTIONS, "children"), Output("meeting-action-form", "style"),
          Output(ACTION_CELL, "options"), Output(UPDATE_ACTION, "options"), Output(HIGHLIGHTS, "value"),
          Output(LESSONS, "value"), Output(NEXT_STEPS, "value"), Output("meeting-summary-area", "style"),
          Output(FOLLOWUP, "value"), Output(FOLLOWUP_SEND, "style"), Output(FOLLOWUP_LINKS, "children"),
          Output(MOVE, "style"), Output(CLOSE, "style"), Output(TEXT_KIND, "options"), Output(CHAIR_NOTE, "children"),
          Output(LOG, "children"), Output(OWNER_CHOICES, "children"), Output(FOLLOWUP_SAVE, "style"),
          Output(FOLLOWUP, "readOnly"),
          Input(Q, "data"), Input(CHANGED, "data"), State(PRESENT, "data"))
def show_meeting(query, _changed, present=None):
    """The meeting for a reader whose scope owns its entity, or why not; in presentation, not editable."""
    hidden = {"display": "none"}
    blank = (None, None, None, None, hidden, None, hidden, hidden, [], None, hidden, [], [], None, None, None,
             hidden, None, hidden, None, hidden, hidden, TEXT_KINDS, None, None, [], hidden, True)
    try:
        reader, book = _reader_book(query)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/meeting")
        return ("Meeting", None, message(f"{exc}.", heading="This meeting cannot be shown"), *blank)
    except InstrumentError as exc:
        return ("Meeting", None, message(exc.summary, heading="The review instrument cannot be read"), *blank)
    from store.followup import followup_for
    from store.review_numbers import followup_people
    m = book.meeting
    present = presenting(present)
    editable = m.is_open and not present and meetings.may_change(reader)  # a provider's staff read their reviews
    numbers = book.numbers
    review = numbers.review if numbers is not None else None
    case_level = reader.data_scope().case_level and not m.is_review  # a review's members: the provider's page

    def card(item, n):
        if review is not None and item.kind == "indicator":
            return review_item_card(book, item, n, editable, present)
        return item_card(book, item, n, editable, case_level, present)
    agenda = [card(item, n) for n, item in enumerate(book.items, start=1)] or \
        [html.P("Nothing on the agenda yet." + ("" if present else " Flag cells of the scorecard below, or accept "
                                                                   "suggestions."), className="text-muted")]
    table, offered = None, []
    if numbers is not None:
        # Drawn from the meeting's own numbers (its pinned data version, or its record once closed).
        flagged = ("indicator", "published") if review is not None else ("indicator",)  # a review's reported metrics
        on_agenda = [(i.indicator_id, f"{i.entity.level}:{i.entity.entity_id}") for i in book.items
                     if i.kind in flagged]
        if review is not None:  # the provider's contract, coloured against its own target and floor
            table = contract_table(review, numbers.month, FLAG_CELL, on_agenda)
        else:
            table = {**scorecard_table(numbers.scorecard, ScorecardView(numbers.month, m.entity), FLAG_CELL,
                                       on_agenda), "keep_place": True}
        if editable:
            offered = suggestions(numbers, list(book.items), book.carried, m.held_on)
    selections = []
    if editable and case_level:
        selections = [{"label": s["label"], "value": str(s["id"])} for s in list_selections(
            services().store, reader.data_scope(), snapshot=services().warehouse.snapshot())]
    everyone = [*book.carried, *book.new]
    if not meetings.may_change(reader):  # a provider's staff note on the actions their provider owns
        everyone = [a for a in everyone if meetings.provider_owns(a.owner, m.entity_name)]
    update_options = [{"label": f"{a.id}. {a.what[:60]} ({a.owner}, {a.status})", "value": str(a.id)}
                      for a in everyone]
    downloads = html.Div([
        html.Span("Data book: ", className="fw-bold"),
        *(dbc.Button(label, id={"type": DATABOOK_BUTTON, "format": fmt}, n_clicks=0, color="link",
                     class_name="p-0 me-3 align-baseline") for label, fmt in (("PowerPoint", "pptx"), ("PDF", "pdf"))),
        dcc.Link("All meetings", href="/meetings"),
    ])
    smtp = bool(services().settings.smtp_url)
    chair = meetings.may_chair(reader)
    links = [html.A("Download the follow-up (.txt)", href=f"/export/meeting/{m.id}/followup.txt"),
             html.Span(f" · sent {m.followup_sent_at:%d %b %Y %H:%M} UTC" if m.followup_sent_at else "",
                       className="text-muted")]
    if m.is_review and chair:
        people = followup_people(services().store, m)
        links.append(html.Span(" · it goes to the attendees and the contract's contacts and manager"
                               + (f" ({', '.join(p.email for p in people)})" if people else ": the contract names none"),
                               className="text-muted small"))
    return (m.title, _facts(book), _banner(book), downloads,
            actions_table(list(book.carried), m.held_on, "No action carried over: none is open from earlier "
                                                          "meetings of " + m.entity_name + ".", indicator_names(book)),
            agenda, table, None if editable and numbers is not None else hidden,
            suggestions_list(offered, editable), None if editable else hidden,
            None if editable and case_level else hidden, selections,
            actions_table(list(book.new), m.held_on, "None yet.", indicator_names(book), editable),
            None if editable else hidden,
            _cells(book), update_options, m.highlights, m.lessons, m.next_steps, None if editable else hidden,
            followup_for(book), None if smtp and chair else hidden, links,
            None if editable and book.newer is not None else hidden, None if editable and chair else hidden,
            TEXT_KINDS if chair else [{**k, "disabled": k["value"] == "kudos"} for k in TEXT_KINDS],
            None if chair or not editable else "You prepare this meeting: kudos, closing it and sending the follow-up "
                                               "are the chair's (its manager's, or an executive's).",
            _log(services().store, reader, m.id),
            [html.Option(value=choice) for choice in owner_choices(review)],
            # a provider's staff read the follow-up: nothing to save (others edit it after closing too)
            *((None, False) if meetings.may_change(reader) and not present else (hidden, True)))


def _databook_progress() -> dcc.Loading:
    """Where the data book's buttons say it is being made (it takes about ten seconds: its charts are drawn in a
    browser on the server), then that it is done, or why not."""
    preparing = html.Div([dbc.Spinner(size="sm", spinner_class_name="me-2"),
                          "Preparing the data book… (about 10 seconds)"], role="status", className="w-100 text-start")
    return dcc.Loading(html.Div([dcc.Download(id=DATABOOK), html.Div(id=DATABOOK_SAID, role="status")]),
                       custom_spinner=preparing, target_components={DATABOOK: "data"},
                       parent_style={"minHeight": "1.75rem"}, overlay_style={"visibility": "visible"})


@callback(Output(DATABOOK, "data"), Output(DATABOOK_SAID, "children"),
          Input({"type": DATABOOK_BUTTON, "format": ALL}, "n_clicks"), State(Q, "data"), prevent_initial_call=True)
def download_databook(_clicks, query):
    """The data book whose button was clicked, made while the page says so, then handed to the browser: the same
    file, checks and audit as its download address (web/downloads.py)."""
    import databook
    from web.downloads import BadRequest, databook_file
    if not _clicked() or not isinstance(ctx.triggered_id, dict):
        return no_update, no_update
    fmt, where = str(ctx.triggered_id.get("format")), "/meeting (data book)"
    try:
        meeting_id = record_id(query, "meeting", "/meeting")
        where = f"/export/meeting/{meeting_id}/databook.{fmt}"
        content, filename = databook_file(meeting_id, fmt)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, where)
        return no_update, message(f"{exc}.", heading="The data book was not made")
    except (BadRequest, databook.DataBookError) as exc:
        return no_update, message(f"{exc}.", heading="The data book was not made")
    except InstrumentError as exc:
        return no_update, message(exc.summary, heading="The data book was not made")
    return dcc.send_bytes(content, filename), dbc.Alert(f"Done: {filename} downloaded.", color="success",
                                                        class_name="py-1 my-1 d-inline-block")


def _clicked() -> bool:
    """Whether the callback runs because something was really clicked (not because the page drew it)."""
    trigger = ctx.triggered[0] if ctx.triggered else None
    return trigger is not None and bool(trigger.get("value"))


def _answer(deed, changed, done: tuple = ()):
    """Do `deed` (a function returning what to say), then redraw: (what the page says, the redraw counter), and
    then `done` (the values a form takes once its deed is done: emptied fields) or, when refused, no change."""
    count = changed.get("n", 0) if isinstance(changed, dict) and isinstance(changed.get("n"), int) else 0
    kept = (no_update,) * len(done)
    if not _clicked():
        return no_update, no_update, *kept
    try:
        said = deed()
    except SavedNotSent as exc:  # the edit is kept: the page redraws with it
        return message(f"{exc}.", heading="The follow-up was saved but not sent"), {"n": count + 1}, *kept
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/meeting (change)")
        return message(f"{exc}.", heading="Nothing was changed"), no_update, *kept
    except InstrumentError as exc:
        return message(exc.summary, heading="Nothing was changed"), no_update, *kept
    return dbc.Alert(said, color="success", dismissable=True, duration=8000), {"n": count + 1}, *done


def _on(*inputs_and_states, clears=(), running=None):
    """A change callback: it says what happened (SAID) and redraws the meeting (CHANGED), from the meeting's
    address (Q) and the redraw counter, the form's own inputs and states between them; `clears`, the outputs a
    done deed resets (`_answer`'s `done`); `running`, what the page shows while it runs (a disabled button)."""
    extra = [Output(ident, prop, allow_duplicate=True) for ident, prop in clears]
    return callback(Output(SAID, "children", allow_duplicate=True), Output(CHANGED, "data", allow_duplicate=True),
                    *extra, *inputs_and_states, State(Q, "data"), State(CHANGED, "data"), prevent_initial_call=True,
                    running=running)


def _text(name, value):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ViewError(f"{name} must be text")
    return value


def _number(name, value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # an id the page's own store holds
    text = param_text(name, value, ViewError)
    if not text or not (text.isascii() and text.isdigit()):
        raise ViewError(f"choose {name}")
    return int(text)


def _cell(value) -> tuple[str, EntityRef]:
    text = param_text("the cell", value, ViewError)
    if not text or "|" not in text:
        raise ViewError("choose the indicator and the place the action is meant to move")
    indicator_id, _, entity = text.partition("|")
    return indicator_id, parse_meeting_entity(entity)


def _where(query):
    """The meeting the page shows, and who is acting on it."""
    return record_id(query, "meeting", "/meeting"), current_reader(), services()


def _flagged(item, indicator_name) -> str:
    return f"{indicator_name} for {item.entity_name} added to the agenda."


clientside_callback(ClientsideFunction("scorecard", "draw"), Output(DRAWN, "data"), Input(TABLE, "data"),
                    State(HEATMAP, "id"))


def _pressed(cell) -> tuple[str, EntityRef]:
    """The indicator and entity of the cell the browser says was pressed (checked against the meeting after)."""
    if not isinstance(cell, dict):
        raise ViewError("that press names no cell: press a cell of the scorecard")
    indicator_id = param_text("the cell's indicator", cell.get("indicator"), ViewError)
    if not indicator_id:
        raise ViewError("that press names no cell: press a cell of the scorecard")
    return indicator_id, parse_meeting_entity(param_text("the cell's place", cell.get("entity"), ViewError) or "")


@_on(Input(FLAG_CELL, "data"))
def flag(cell, query, changed):
    """A cell of the meeting's scorecard pressed (a click, Enter or Space): put it on the agenda, if it is a cell
    of the meeting's data version and entity (store/meeting_acts.py `flag_cell` checks)."""
    def deed():
        meeting_id, reader, run = _where(query)
        indicator_id, entity = _pressed(cell)
        return _flagged(*meeting_acts.flag_cell(run.warehouse, run.store, reader, meeting_id, indicator_id, entity))
    return _answer(deed, changed)


@_on(Input({"type": ACCEPT, "cell": ALL}, "n_clicks"))
def accept(_clicks, query, changed):
    """A suggestion accepted: put its cell on the agenda with the suggestion's reason."""
    def deed():
        meeting_id, reader, run = _where(query)
        parts = (param_text("the suggestion", ctx.triggered_id.get("cell"), ViewError) or "").split("|", 3)
        if len(parts) != 4 or not parts[3]:
            raise ViewError("that suggestion is not one this page offered: reload the page")
        source, indicator_id, level, entity_id = parts
        return _flagged(*meeting_acts.accept_suggestion(run.warehouse, run.store, reader, meeting_id, source,
                                                        indicator_id, EntityRef(level, entity_id)))
    return _answer(deed, changed)


@_on(Input({"type": ITEM_UP, "item": ALL}, "n_clicks"), Input({"type": ITEM_DOWN, "item": ALL}, "n_clicks"),
     Input({"type": ITEM_REMOVE, "item": ALL}, "n_clicks"), Input({"type": ITEM_SAVE, "item": ALL}, "n_clicks"),
     State({"type": ITEM_NOTES, "item": ALL}, "value"))
def change_item(_up, _down, _remove, _save, _notes, query, changed):
    """An agenda item moved up or down, removed, or its notes saved."""
    def deed():
        meeting_id, reader, run = _where(query)
        kind, key = ctx.triggered_id.get("type"), param_text("the item", ctx.triggered_id.get("item"), ViewError)
        if not key or not (key.isascii() and key.isdigit()):
            raise ViewError("that item is not on this meeting's agenda: reload the page")
        if kind in (ITEM_UP, ITEM_DOWN):
            meetings.move_item(run.store, reader, meeting_id, int(key), -1 if kind == ITEM_UP else 1)
            return "Moved."
        if kind == ITEM_REMOVE:
            meetings.remove_item(run.store, reader, meeting_id, int(key))
            return "Removed from the agenda."
        notes = next((s.get("value") for s in ctx.states_list[0] or [] if s.get("id") == {"type": ITEM_NOTES,
                                                                                          "item": key}), None)
        meetings.set_notes(run.store, reader, meeting_id, int(key), _text("the notes", notes))
        return "Notes saved."
    return _answer(deed, changed)


@_on(Input(TEXT_ADD, "n_clicks"), State(TEXT_KIND, "value"), State(TEXT_BODY, "value"), clears=[(TEXT_BODY, "value")],
     running=[(Output(TEXT_ADD, "disabled"), True, False)])
def add_text(_click, kind, body, query, changed):
    """A best practice or kudos added to the agenda."""
    def deed():
        meeting_id, reader, run = _where(query)
        chosen = param_text("the kind", kind, ViewError)
        if chosen not in ("practice", "kudos"):
            raise ViewError("choose best practice or kudos")
        meetings.add_item(run.store, reader, meeting_id, chosen, notes=_text("the text", body))
        return f"{'Best practice' if chosen == 'practice' else 'Kudos'} added to the agenda."
    return _answer(deed, changed, done=("",))


@_on(Input(SELECTION_ADD, "n_clicks"), State(SELECTION, "value"))
def add_selection(_click, selection, query, changed):
    """A saved selection's case reviews put on the agenda."""
    def deed():
        meeting_id, reader, run = _where(query)
        chosen = _number("a saved selection of cases", selection)
        meetings.add_item(run.store, reader, meeting_id, "reviews", selection_id=chosen)
        return f"Selection {chosen}'s reviews added to the agenda."
    return _answer(deed, changed)


def _published_form() -> dbc.Card:
    """A published figure for the agenda: the source, its indicator, the entity (the state, the nation)."""
    def choose(label, ident, placeholder):
        return dbc.Col([dbc.Label(label, html_for=ident), dcc.Dropdown(id=ident, placeholder=placeholder)], md=4)
    return dbc.Card(dbc.CardBody([
        html.H3("Published figures", className="h5"),
        html.P("A figure as its publisher put it out (the state's CFSR figures, say), beside the meeting's own. It "
               "keeps the figures it was added from when the source is imported again.", className="text-muted mb-1"),
        dbc.Row([choose("Source", PUBLISHED_SOURCE, "Choose a source"),
                 choose("Indicator", PUBLISHED_INDICATOR, "Choose an indicator"),
                 choose("For", PUBLISHED_ENTITY, "Choose the state or the nation")], className="g-2"),
        dbc.Button("Add", id=PUBLISHED_ADD, color="primary", outline=True, class_name="mt-2"),
    ]), id=PUBLISHED_AREA, class_name="mt-2")


def _published_source(source):
    """The source chosen (None when none is), read for the reader: `load_source` refuses who may not read it."""
    from store.aggregates import load_source
    name = param_text("the source", source, ViewError)
    return load_source(services().store, current_reader(), name) if name else None


@callback(Output(PUBLISHED_SOURCE, "options"), Output(PUBLISHED_SOURCE, "value"), Output(PUBLISHED_AREA, "style"),
          Input(Q, "data"))
def published_sources(_query):
    """The published sources to choose from; none imported, no form."""
    from store.aggregates import sources
    try:
        meetings.meeting_scope(current_reader())
    except OutsideScope:
        return [], None, {"display": "none"}
    found = sources(services().store)
    options = [{"label": f"{v.source} (as of {v.as_of:%d %b %Y})", "value": v.source} for v in found]
    return options, (found[0].source if len(found) == 1 else None), None if found else {"display": "none"}


@callback(Output(PUBLISHED_INDICATOR, "options"), Output(PUBLISHED_ENTITY, "options"),
          Input(PUBLISHED_SOURCE, "value"), Input(PUBLISHED_INDICATOR, "value"))
def published_choices(source, indicator_id):
    """The chosen source's indicators, and the entities with a figure of the chosen indicator."""
    from store.published_items import entities
    try:
        found = _published_source(source)
        indicator_id = param_text("the indicator", indicator_id, ViewError)
    except (ViewError, ScorecardQueryError):
        return [], []
    if found is None:
        return [], []
    indicators = sorted(found.indicators.values(), key=lambda i: i.position)
    options = [{"label": i.name, "value": i.id} for i in indicators]
    places = [{"label": name, "value": str(ref)} for ref, name in entities(found, indicator_id)] \
        if indicator_id in found.indicators else []
    return options, places


@_on(Input(PUBLISHED_ADD, "n_clicks"), State(PUBLISHED_SOURCE, "value"), State(PUBLISHED_INDICATOR, "value"),
     State(PUBLISHED_ENTITY, "value"))
def add_published(_click, source, indicator_id, entity, query, changed):
    """A published figure put on the agenda, pinned to the source's newest version (store/meeting_acts.py)."""
    def deed():
        meeting_id, reader, run = _where(query)
        texts = [param_text(name, value, ViewError) for name, value in
                 (("the source", source), ("the indicator", indicator_id), ("the state or nation", entity))]
        if not all(texts) or ":" not in texts[2]:
            raise ViewError("choose the source, the indicator and the state or nation")
        entity_type, _, entity_id = texts[2].partition(":")
        item, name = meeting_acts.flag_published(run.store, reader, meeting_id, texts[0], texts[1], entity_type,
                                                 entity_id)
        return f"{name} for {item.entity_name}, as published, added to the agenda."
    return _answer(deed, changed)


ACTION_FORM = [(ACTION_WHAT, "value"), (ACTION_OWNER, "value"), (ACTION_DUE, "value"), (ACTION_CELL, "value"),
               (ACTION_TOKEN, "data"), (EDITING, "data"), (ACTION_ADD, "children"), (ACTION_CANCEL, "style"),
               (ACTION_FORM_TITLE, "children")]
NEW_ACTION_FORM = ("", "", "", None, None, None, "Agree", {"display": "none"}, "Agree an action")  # token: _token()


def _empty_action_form() -> tuple:
    return (*NEW_ACTION_FORM[:4], _token(), *NEW_ACTION_FORM[5:])


@_on(Input(ACTION_ADD, "n_clicks"), State(ACTION_WHAT, "value"), State(ACTION_OWNER, "value"),
     State(ACTION_DUE, "value"), State(ACTION_CELL, "value"), State(ACTION_TOKEN, "data"), State(EDITING, "data"),
     clears=ACTION_FORM, running=[(Output(ACTION_ADD, "disabled"), True, False)])
def agree(_click, what, owner, due, cell, token, editing, query, changed):
    """An action agreed (once per the form's token, however often the button is clicked), or, while the form
    corrects one, that action corrected. Done, the form empties for the next action."""
    def deed():
        meeting_id, reader, run = _where(query)
        indicator_id, entity = _cell(cell)
        fields = (_text("what", what), _text("the owner", owner), param_text("the due date", due, ViewError) or "")
        if _held(editing, "action") is not None:
            action = meeting_acts.edit_action(run.warehouse, run.store, reader, meeting_id,
                                              _number("the action to correct", _held(editing, "action")), *fields,
                                              indicator_id, entity)
            return f"Action {action.id} corrected."
        action, agreed = meeting_acts.agree_action(run.warehouse, run.store, reader, meeting_id, *fields,
                                                   indicator_id, entity,
                                                   token=_text("the form", _held(token, "token")) or None)
        if not agreed:
            return f"Action {action.id} was agreed already (by the first click): nothing new was added."
        return f"Action {action.id} agreed: {action.owner}, due {action.due:%d %b %Y}."
    return _answer(deed, changed, done=_empty_action_form())


@callback(*[Output(ident, prop, allow_duplicate=True) for ident, prop in ACTION_FORM],
          Input({"type": ACTION_EDIT, "action": ALL}, "n_clicks"), Input(ACTION_CANCEL, "n_clicks"), State(Q, "data"),
          prevent_initial_call=True)
def correct(_edits, _cancel, query):
    """An action's "Correct" clicked: the form takes the action's words to correct it; "Cancel" empties it."""
    if not _clicked():
        return (no_update,) * len(ACTION_FORM)
    if ctx.triggered_id == ACTION_CANCEL:
        return _empty_action_form()
    try:
        meeting_id, reader, run = _where(query)
        key = _number("the action to correct", ctx.triggered_id.get("action"))
        meeting = meetings.load_meeting(run.store, reader, meeting_id)
        action = next((a for a in meetings.meeting_actions(run.store, reader, meeting)[1] if a.id == key), None)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/meeting (correct an action)")
        return (no_update,) * len(ACTION_FORM)
    if action is None:
        return (no_update,) * len(ACTION_FORM)
    return (action.what, action.owner, f"{action.due:%Y-%m-%d}", f"{action.indicator_id}|{action.entity}", no_update,
            {"action": action.id}, "Save", None, f"Correct action {action.id}")


@callback(Output(REMOVE_MODAL, "is_open"), Output(REMOVING, "data"), Output(REMOVE_WHAT, "children"),
          Output(REMOVE_REASON, "value"),
          Input({"type": ACTION_REMOVE, "action": ALL}, "n_clicks"), Input(REMOVE_CANCEL, "n_clicks"),
          State(Q, "data"), prevent_initial_call=True)
def ask_removal(_removes, _cancel, query):
    """An action's "Remove" clicked: ask why, in a dialog, before anything goes."""
    if not _clicked():
        return no_update, no_update, no_update, no_update
    if ctx.triggered_id == REMOVE_CANCEL:
        return False, None, None, ""
    try:
        meeting_id, reader, run = _where(query)
        key = _number("the action to remove", ctx.triggered_id.get("action"))
        meeting = meetings.load_meeting(run.store, reader, meeting_id)
        action = next((a for a in meetings.meeting_actions(run.store, reader, meeting)[1] if a.id == key), None)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/meeting (remove an action)")
        return no_update, no_update, no_update, no_update
    if action is None:
        return no_update, no_update, no_update, no_update
    return True, {"action": action.id}, f"Action {action.id}: \u201c{action.what}\u201d ({action.owner}, due {action.due:%d %b %Y}). " \
                            "It will be gone from this meeting, the follow-up, the data book and the trends.", ""


@_on(Input(REMOVE_CONFIRM, "n_clicks"), State(REMOVING, "data"), State(REMOVE_REASON, "value"),
     clears=[(REMOVE_MODAL, "is_open"), (REMOVING, "data")], running=[(Output(REMOVE_CONFIRM, "disabled"), True, False)])
def remove_action(_click, action_id, reason, query, changed):
    """An action removed, with the reason the dialog asked for."""
    def deed():
        _meeting_id, reader, run = _where(query)
        number = _number("the action to remove", _held(action_id, "action"))
        meetings.remove_action(run.store, reader, number, _text("the reason", reason))
        return f"Action {number} removed; why is kept in the meeting's log."
    return _answer(deed, changed, done=(False, None))


@_on(Input(UPDATE_SAVE, "n_clicks"), State(UPDATE_ACTION, "value"), State(UPDATE_STATUS, "value"),
     State(UPDATE_NOTE, "value"))
def update(_click, action_id, status, note, query, changed):
    """An action's update logged: its status after it, and a note."""
    def deed():
        _meeting_id, reader, run = _where(query)
        chosen = param_text("the status", status, ViewError) or ""
        action = meetings.update_action(run.store, reader, _number("the action to update", action_id),
                                        None if chosen == KEEP else chosen, _text("the note", note))
        return f"Action {action.id} is {action.status}."
    return _answer(deed, changed)


@_on(Input(SUMMARY_SAVE, "n_clicks"), State(HIGHLIGHTS, "value"), State(LESSONS, "value"),
     State(NEXT_STEPS, "value"))
def save_summary(_click, highlights, lessons, next_steps, query, changed):
    """The highlights, lessons learned and next steps saved."""
    def deed():
        meeting_id, reader, run = _where(query)
        meetings.update_meeting(run.store, reader, meeting_id, highlights=_text("the highlights", highlights),
                                lessons=_text("the lessons", lessons), next_steps=_text("the next steps", next_steps))
        return "Summary saved."
    return _answer(deed, changed)


@_on(Input(FOLLOWUP_SAVE, "n_clicks"), State(FOLLOWUP, "value"))
def save_followup(_click, followup, query, changed):
    """The follow-up's edit saved."""
    def deed():
        meeting_id, reader, run = _where(query)
        meetings.update_meeting(run.store, reader, meeting_id, followup=_text("the follow-up", followup))
        return "Follow-up saved."
    return _answer(deed, changed)


@_on(Input(FOLLOWUP_SEND, "n_clicks"), State(FOLLOWUP, "value"))
def send(_click, followup, query, changed):
    """The follow-up, as edited, saved and mailed to the attendees (the chair's)."""
    def deed():
        meeting_id, reader, run = _where(query)
        sent = save_and_send(run.settings, run.warehouse, run.store, reader, meeting_id,
                             _text("the follow-up", followup), load_instrument(run.settings.instrument_path))
        return f"{sent}."  # who got it, and whom the mail server refused
    return _answer(deed, changed)


@callback(Output(CLOSE_MODAL, "is_open"), Input(CLOSE, "n_clicks"), Input(CLOSE_CANCEL, "n_clicks"),
          prevent_initial_call=True)
def ask_closing(_close, _cancel):
    """"Close the meeting…" asks first; the dialog's own button closes it."""
    return _clicked() and ctx.triggered_id == CLOSE


@_on(Input(CLOSE_CONFIRM, "n_clicks"), clears=[(CLOSE_MODAL, "is_open")],
     running=[(Output(CLOSE_CONFIRM, "disabled"), True, False)])
def close(_click, query, changed):
    """The meeting closed (the chair's), once confirmed: its numbers kept as they were shown."""
    def deed():
        meeting_id, reader, run = _where(query)
        meeting_acts.close(run.warehouse, run.store, reader, meeting_id, via="page")
        return "Closed: its numbers are kept as they were; its open actions carry over to the next meeting."
    said, count, _ = _answer(deed, changed, done=(False,))
    return said, count, no_update if said is no_update else False  # closed or refused, the dialog goes: the page says


@_on(Input(REOPEN, "n_clicks"))
def reopen(_click, query, changed):
    """A closed meeting reopened (its owner's or an executive's), to correct it."""
    def deed():
        meeting_id, reader, run = _where(query)
        meetings.reopen_meeting(run.store, reader, meeting_id, via="page")
        return "Reopened: correct what needs it, then close it again."
    return _answer(deed, changed)


@callback(Output(BODY, "style"), Output(WAY_BACK, "children"), Output(REOPEN, "style"),
          Output(UPDATE_STATUS, "options"), Output(UPDATE_STATUS, "value"),
          Input(Q, "data"), Input(CHANGED, "data"), State(PRESENT, "data"))
def frame(query, _changed, present=None):
    """The meeting's forms only for a meeting the reader may see; else what is missing and the way back. The
    reopen button for a closed meeting's owner or an executive."""
    hidden = {"display": "none"}
    try:
        meeting_id, reader, run = _where(query)
        meeting = meetings.load_meeting(run.store, reader, meeting_id)
    except (ViewError, ScorecardQueryError):
        # show_meeting says why (and logs the refusal); here, only the way back
        back = [dcc.Link("All meetings", href="/meetings", className="btn btn-primary me-2")]
        try:
            meetings.meeting_scope(current_reader())
        except OutsideScope:
            back = []
        return hidden, html.Div([*back, dcc.Link("The scorecard", href="/scorecard",
                                                 className="btn btn-outline-primary")], className="mb-4"), hidden, \
            no_update, no_update
    reopenable = not meeting.is_open and not presenting(present) and meetings.may_reopen(reader, meeting)
    if not meetings.may_change(reader):  # a provider's staff: a note on their own provider's actions, no more
        return None, None, hidden, NOTE_ONLY, KEEP
    return None, None, None if reopenable else hidden, STATUS_OPTIONS + NOTE_ONLY, no_update


@_on(Input(MOVE, "n_clicks"))
def move(_click, query, changed):
    """The meeting moved to the newest data, its agenda checked against it first."""
    def deed():
        meeting_id, reader, run = _where(query)
        moved = meeting_acts.move_to_newest(run.warehouse, run.store, reader, meeting_id, via="page")
        return f"Moved to data version {moved.version_id}, as of {moved.as_of:%d %B %Y}."
    return _answer(deed, changed)
