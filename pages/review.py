"""One case's review: the form the instrument declares, saved as a draft or completed (every problem at once)."""
import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from components.common import message
from display.format import place_text
from display.mask import mask_id
from components.review_form import QUESTION, RATING, RATIONALE, THEMES, answers_from, review_form
from components.links import ViewError, record_id
from store import case_reviews
from web.runtime import current_reader, refused, services
from queries.performance import entity_names, indicator_names
from access.scope import ScorecardQueryError
from reviews.instrument import InstrumentError, load_instrument
from web.present import presenting, store_data

dash.register_page(__name__, path="/review", name="Review", title="Review · Statboard", nav=False)

REVIEW_QUERY = "review-query"
REVIEW_TITLE = "review-title"
REVIEW_FACTS = "review-facts"
REVIEW_MESSAGE = "review-message"
REVIEW_FORM = "review-form"
REVIEW_SAVE = "review-save"
REVIEW_COMPLETE = "review-complete"
REVIEW_SAID = "review-said"
REVIEW_BUTTONS = "review-buttons"
REVIEW_PRESENT = "review-present"


def layout(**query):
    """The frame; `show_review` fills it (read-only in presentation, web/present.py)."""
    return html.Div([
        dcc.Store(id=REVIEW_QUERY, data=query),
        dcc.Store(id=REVIEW_PRESENT, data=store_data()),
        html.H1(id=REVIEW_TITLE, className="h3"),
        html.Div(id=REVIEW_MESSAGE),
        html.Div(id=REVIEW_FACTS, className="mb-2"),
        html.Div(id=REVIEW_FORM),
        html.Div(id=REVIEW_SAID, className="mb-2"),
        html.Div([dbc.Button("Save draft", id=REVIEW_SAVE, color="secondary", outline=True, class_name="me-2"),
                  dbc.Button("Complete the review", id=REVIEW_COMPLETE, color="primary")],
                 id=REVIEW_BUTTONS, className="mb-4 present-hide", style={"display": "none"}),
    ])


def _instrument():
    return load_instrument(services().settings.instrument_path)


def _facts(review) -> html.Ul:
    state = review.status + (f", by {review.completed_by} on {review.completed_at:%Y-%m-%d}" if review.completed_at
                             else "")
    indicator, entity = _names(review)
    return html.Ul([
        html.Li(f"{review.member_type.replace('_', ' ').capitalize()} {mask_id(review.member_id)} (child "
                f"{mask_id(review.child_id)}), draw {review.draw} of selection {review.selection_id}: "
                f"{indicator}, {review.month:%B %Y}, {entity}"),
        html.Li(f"Assigned to {review.assignee}, due {review.due:%Y-%m-%d}; {state}."),
    ])


def _names(review) -> tuple[str, str]:
    """The review's indicator and entity by name, as the latest data names them; by id when it no longer holds
    them (a selection outlives a load that renamed or removed its office)."""
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return review.indicator_id, place_text(review.entity, {})
    indicator = indicator_names(snapshot).get(review.indicator_id, review.indicator_id)
    return indicator, place_text(review.entity, entity_names(snapshot, [review.entity]))


@callback(Output(REVIEW_TITLE, "children"), Output(REVIEW_MESSAGE, "children"), Output(REVIEW_FACTS, "children"),
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
        return "Review", message(f"{exc}.", heading="This review cannot be shown"), None, None, hidden
    except InstrumentError as exc:
        return "Review", message(exc.summary, heading="The review instrument cannot be read"), None, None, hidden
    editable = (not presenting(present) and review.status != "completed" and not review.case_eliminated
                and (reader.username == review.assignee or reader.role == "executive"))
    return (f"Review {review.id}: {review.status}", None, _facts(review),
            review_form(instrument, review.answers, editable), None if editable else hidden)


@callback(Output(REVIEW_SAID, "children"), Output(REVIEW_TITLE, "children", allow_duplicate=True),
          Output(REVIEW_BUTTONS, "style", allow_duplicate=True),
          Input(REVIEW_SAVE, "n_clicks"), Input(REVIEW_COMPLETE, "n_clicks"), State(REVIEW_QUERY, "data"),
          State({"type": RATING, "item": ALL}, "value"), State({"type": RATIONALE, "item": ALL}, "value"),
          State({"type": THEMES, "form": ALL}, "value"), State({"type": QUESTION, "question": ALL}, "value"),
          prevent_initial_call=True)
def save_review(_save, _complete, query, ratings, rationales, themes, questions):
    """Save the answers as a draft, or complete the review; every problem at once when they cannot be."""
    if ctx.triggered_id not in (REVIEW_SAVE, REVIEW_COMPLETE):
        return no_update, no_update, no_update
    ids = {name: [s["id"] for s in ctx.states_list[n]] for n, name in ((1, "ratings"), (2, "rationales"),
                                                                       (4, "questions"))}
    answers = answers_from(ratings, ids["ratings"], rationales, ids["rationales"], themes, questions,
                           ids["questions"])
    complete = ctx.triggered_id == REVIEW_COMPLETE
    try:
        reader = current_reader()
        save = case_reviews.complete_review if complete else case_reviews.save_answers
        review = save(services().store, reader, record_id(query, "review", "/review"), answers, _instrument(), "page")
    except case_reviews.AnswersRefused as exc:
        return dbc.Alert([html.Div(str(exc).split(":")[0] + ":", className="fw-bold"),
                          html.Ul([html.Li(p) for p in exc.problems])], color="warning"), no_update, no_update
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/review (save)")
        return message(f"{exc}.", heading="Nothing was saved"), no_update, no_update
    except InstrumentError as exc:
        return message(exc.summary, heading="Nothing was saved"), no_update, no_update
    said = "Completed." if complete else f"Draft saved at {review.saved_at:%H:%M} UTC."
    return (dbc.Alert(said, color="success"), f"Review {review.id}: {review.status}",
            {"display": "none"} if complete else no_update)
