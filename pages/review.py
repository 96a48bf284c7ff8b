"""One case's review: which case it is (ids masked until revealed, audited), the form the instrument declares,
saved as a draft or completed (every problem at once, each beside its part of the form)."""
import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from flask import request

from components.common import message, way_back
from components.members import MEMBER_WORDS
from display.format import place_text
from display.mask import mask_id
from components.review_form import QUESTION, RATING, RATIONALE, THEMES, answers_from, form_parts, review_form
from components.links import ViewError, record_id
from store import case_reviews, db, reviews
from web.runtime import current_reader, refused, services
from queries.performance import entity_names, entity_path, indicator_names
from queries.scorecard import members_behind_cell
from access.scope import EntityRef, ScorecardQueryError
from reviews.instrument import InstrumentError, load_instrument
from web.present import presenting, store_data

dash.register_page(__name__, path="/review", name="Review", title="Review · Statboard", nav=False)

REVIEW_QUERY = "review-query"
REVIEW_TITLE = "review-title"
REVIEW_FACTS = "review-facts"
REVIEW_REVEAL = "review-reveal"
REVIEW_REVEAL_BOX = "review-reveal-box"
REVIEW_MESSAGE = "review-message"
REVIEW_FORM = "review-form"
REVIEW_SAVE = "review-save"
REVIEW_COMPLETE = "review-complete"
REVIEW_SAID = "review-said"
REVIEW_BUTTONS = "review-buttons"
REVIEW_PRESENT = "review-present"
REVIEW_SCROLLED = "review-scrolled"
SHOWN, REVEALED = "case-review-shown", "case-review-revealed"  # audit actions: the case's facts sent

MASKED_OPTION = {"label": "Masked", "value": "masked"}
REVEAL_OPTIONS = [MASKED_OPTION, {"label": "Shown (written to the audit log)", "value": "shown"}]


def layout(**query):
    """The frame; `show_review` and `show_facts` fill it (read-only in presentation, web/present.py, where no
    id can be revealed)."""
    present = presenting()
    return html.Div([
        dcc.Store(id=REVIEW_QUERY, data=query),
        dcc.Store(id=REVIEW_PRESENT, data=store_data()),
        dcc.Store(id=REVIEW_SCROLLED),
        html.H1(id=REVIEW_TITLE, className="h3"),
        html.Div(id=REVIEW_MESSAGE),
        html.Div(id=REVIEW_FACTS, className="mb-2"),
        html.Div([dbc.Label("Identifiers", class_name="me-3"),
                  dbc.RadioItems(id=REVIEW_REVEAL, options=[MASKED_OPTION] if present else REVEAL_OPTIONS,
                                 value="masked", inline=True)],
                 id=REVIEW_REVEAL_BOX, className="d-flex align-items-baseline mb-3 present-hide"),
        html.Div(id=REVIEW_FORM),
        html.Div(id=REVIEW_SAID, className="mb-2"),
        html.Div([dbc.Button("Save draft", id=REVIEW_SAVE, color="secondary", outline=True, class_name="me-2"),
                  dbc.Button("Complete the review", id=REVIEW_COMPLETE, color="primary")],
                 id=REVIEW_BUTTONS, className="mb-4 present-hide", style={"display": "none"}),
    ])


def _instrument():
    return load_instrument(services().settings.instrument_path)


def _fact(label: str, *value) -> html.Tr:
    return html.Tr([html.Th(label, scope="row", className="text-muted fw-normal pe-3 text-nowrap"),
                    html.Td(list(value))])


def _day(value) -> str:
    return "—" if value is None or value != value else f"{value:%-d %B %Y}"


def case_facts(review, shown: bool) -> html.Table:
    """Which case this is: its ids (masked unless `shown`), worker, unit and office by name, the dates that put
    it in its cell, the selection it was picked in (a link back), and who reviews it by when."""
    show = (lambda v: v or "") if shown else mask_id
    snapshot = services().warehouse.snapshot()
    scope = current_reader().data_scope()
    noun, start, end = MEMBER_WORDS.get(review.member_type, (review.member_type.replace("_", " ").capitalize(),
                                                              None, None))
    case = f"{noun} {show(review.member_id)}" + (f" · child {show(review.child_id)}"
                                                 if review.child_id and review.member_type != "child" else "")
    indicators, places, path, member = {}, {}, [], None
    if snapshot is not None:
        indicators = indicator_names(snapshot)
        places = entity_names(snapshot, [review.entity])
        if review.worker_id:
            worker = EntityRef("worker", review.worker_id)
            try:  # the latest data may no longer hold the worker or the member: the ids say which then
                path = entity_path(snapshot, scope, worker)
                found = members_behind_cell(snapshot, scope, review.indicator_id, review.month, worker, details=True)
                found = found[(found.member_type == review.member_type) & (found.member_id == review.member_id)]
                member = None if found.empty else found.iloc[0]
            except ScorecardQueryError:
                pass
    named = {e.level: e.name for e in path}
    where = [f"{level.capitalize()}: {named.get(level) or ident}" for level, ident in
             (("worker", review.worker_id), ("unit", review.unit_id), ("office", named.get("office")))
             if ident]
    indicator = indicators.get(review.indicator_id, review.indicator_id.replace("_", " "))
    cell = f"{indicator}, {review.month:%B %Y}, {place_text(review.entity, places)}"
    dates = ([f"{start} {_day(member.start_date)}", f"{end.lower()} {_day(member.end_date)}"
              if _day(member.end_date) != "—" else f"not {end.lower()} yet"] if start and member is not None else [])
    selection = reviews.describe_cells([(review.indicator_id, review.month)], review.entity, indicators, places)
    state = review.status + (f", by {review.completed_by} on {review.completed_at:%-d %B %Y}"
                             if review.completed_at else "")
    return html.Table(html.Tbody([
        _fact("Case", html.Span(case, className="fw-bold")),
        _fact("Worked by", " · ".join(where) or "no worker recorded"),
        _fact("Counted in", cell + (f" ({'; '.join(dates)})" if dates else "")),
        _fact("Picked in", dcc.Link(f"Selection {review.selection_id}: {selection}",
                                    href=f"/selection?id={review.selection_id}"), f", draw {review.draw}"),
        _fact("Review", f"assigned to {review.assignee}, due {review.due:%-d %B %Y}; {state}."),
    ]), className="review-facts mb-1")


@callback(Output(REVIEW_FACTS, "children"), Output(REVIEW_REVEAL_BOX, "style"), Input(REVIEW_QUERY, "data"),
          Input(REVIEW_REVEAL, "value"), State(REVIEW_PRESENT, "data"))
def show_facts(query, reveal, present=None):
    """Which case the review is about, for a reader whose scope holds it (audited; ids shown only when asked,
    and never in presentation)."""
    hidden = {"display": "none"}
    try:
        reader = current_reader()
        review = case_reviews.load_review(services().store, reader, record_id(query, "review", "/review"))
    except (ViewError, ScorecardQueryError):  # `show_review` says why, and writes the refusal
        return None, hidden
    shown = reveal == "shown" and not presenting(present)
    # Written before the facts leave: if the audit log cannot be written, nothing is sent.
    db.record(services().store, reader.username, REVEALED if shown else SHOWN,
              {"review": review.id, "selection": review.selection_id, "draw": review.draw, "via": "page"},
              request.remote_addr)
    return case_facts(review, shown), None


@callback(Output(REVIEW_TITLE, "children"), Output(REVIEW_MESSAGE, "children"),
          Output(REVIEW_FORM, "children"), Output(REVIEW_BUTTONS, "style"), Input(REVIEW_QUERY, "data"),
          State(REVIEW_PRESENT, "data"))
def show_review(query, present=None):
    """The review for a reader whose scope holds its case; editable by its assignee (or an executive), except in
    presentation."""
    hidden = {"display": "none"}
    try:
        reader = current_reader()
        review = case_reviews.load_review(services().store, reader, record_id(query, "review", "/review"))
        instrument = _instrument()
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/review")
        return "Review", html.Div([message(f"{exc}.", heading="This review cannot be shown"), way_back()]), None, \
            hidden
    except InstrumentError as exc:
        return "Review", message(exc.summary, heading="The review instrument cannot be read"), None, hidden
    editable = (not presenting(present) and review.status != "completed" and not review.case_eliminated
                and (reader.username == review.assignee or reader.role == "executive"))
    return (f"Review {review.id}: {review.status}", None, review_form(instrument, review.answers, editable),
            None if editable else hidden)


@callback(Output(REVIEW_SAID, "children"), Output(REVIEW_TITLE, "children", allow_duplicate=True),
          Output(REVIEW_BUTTONS, "style", allow_duplicate=True),
          Output(REVIEW_FORM, "children", allow_duplicate=True),
          Input(REVIEW_SAVE, "n_clicks"), Input(REVIEW_COMPLETE, "n_clicks"), State(REVIEW_QUERY, "data"),
          State({"type": RATING, "item": ALL}, "value"), State({"type": RATIONALE, "item": ALL}, "value"),
          State({"type": THEMES, "form": ALL}, "value"), State({"type": QUESTION, "question": ALL}, "value"),
          prevent_initial_call=True)
def save_review(_save, _complete, query, ratings, rationales, themes, questions):
    """Save the answers as a draft, or complete the review; every problem at once when they cannot be, each
    beside its part of the form (the form drawn again with the answers as given, and the problems in it)."""
    if ctx.triggered_id not in (REVIEW_SAVE, REVIEW_COMPLETE):
        return no_update, no_update, no_update, no_update
    ids = {name: [s["id"] for s in ctx.states_list[n]] for n, name in ((1, "ratings"), (2, "rationales"),
                                                                       (4, "questions"))}
    answers = answers_from(ratings, ids["ratings"], rationales, ids["rationales"], themes, questions,
                           ids["questions"])
    complete = ctx.triggered_id == REVIEW_COMPLETE
    try:
        reader = current_reader()
        instrument = _instrument()
        save = case_reviews.complete_review if complete else case_reviews.save_answers
        review = save(services().store, reader, record_id(query, "review", "/review"), answers, instrument, "page")
    except case_reviews.AnswersRefused as exc:
        return (_refused_answers(exc, form_parts(instrument)), no_update, no_update,
                review_form(instrument, answers, True, exc.located))
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/review (save)")
        return message(f"{exc}.", heading="Nothing was saved"), no_update, no_update, no_update
    except InstrumentError as exc:
        return message(exc.summary, heading="Nothing was saved"), no_update, no_update, no_update
    said = "Completed." if complete else f"Draft saved at {review.saved_at:%H:%M} UTC."
    # Completed, the form shows the answers as they were kept, read-only; a draft's form is left as it is.
    return (dbc.Alert(said, color="success"), f"Review {review.id}: {review.status}",
            {"display": "none"} if complete else no_update,
            review_form(instrument, review.answers, False) if complete else no_update)


def _refused_answers(exc, fields: list[str]) -> dbc.Alert:
    """The summary under the form: how many problems, that each is beside its part, and any that belongs to no
    one part (or whose part the form does not show)."""
    count = len(exc.problems)
    what = "Not completed" if exc.complete else "Not saved"
    elsewhere = [text for field, text in exc.located if field not in fields]
    return dbc.Alert([
        html.Div(f"{what}: {count} problem{'' if count == 1 else 's'}"
                 + (", each shown in red beside its question above." if len(elsewhere) < count else ":"),
                 className="fw-bold"),
        html.Ul([html.Li(p) for p in elsewhere]) if elsewhere else None], color="warning")


# After a refused save, the first problem is brought into view and its part of the form is focused.
clientside_callback(
    """function (said) {
        const first = document.querySelector('.review-problem');
        if (!first) { return window.dash_clientside.no_update; }
        const item = first.closest('.review-item, .mb-3') || first;
        item.scrollIntoView({block: 'center'});
        const field = item.querySelector('input, textarea');
        if (field) { field.focus({preventScroll: true}); }
        return Date.now();
    }""",
    Output(REVIEW_SCROLLED, "data"), Input(REVIEW_SAID, "children"), prevent_initial_call=True)
