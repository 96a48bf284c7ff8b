"""One saved selection of cases for review: what was drawn, from what, how; its picks in draw order (ids
masked until revealed) with each one's review, the eliminations with their reasons, a form to eliminate a pick
and one to assign the reviews to a reviewer chosen from those who may review them."""
import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update
from flask import request

from components.common import message, way_back
from display.format import place_text
from display.mask import mask_id
from components.links import IndicatorView, ViewError, day, record_id
from store import case_reviews, db, reviews
from access.params import param_text
from web.runtime import current_reader, refused, services
from queries.performance import entity_names, indicator_names
from access.scope import EntityRef, OutsideScope, Scope, ScorecardQueryError
from web.present import presenting, store_data

dash.register_page(__name__, path="/selection", name="Selection", title="Selection · Statboard", nav=False)

SELECTION_QUERY = "selection-query"
SELECTION_TITLE = "selection-title"
SELECTION_MESSAGE = "selection-message"
SELECTION_FACTS = "selection-facts"
SELECTION_REVEAL = "selection-reveal"
SELECTION_PRESENT = "selection-present"
SELECTION_PICKS = "selection-picks"
SELECTION_CASE = "selection-case"
SELECTION_REASON = "selection-reason"
SELECTION_NOTE = "selection-note"
SELECTION_ELIMINATE = "selection-eliminate"
SELECTION_SAID = "selection-said"
SELECTION_FORM = "selection-form"
SELECTION_CHANGED = "selection-changed"
SELECTION_REVIEWER = "selection-reviewer"
SELECTION_DUE = "selection-due"
SELECTION_ASSIGN = "selection-assign"
SELECTION_ASSIGNED = "selection-assigned"
SELECTION_ASSIGN_FORM = "selection-assign-form"
SELECTION_REVEAL_BOX = "selection-reveal-box"

MASKED_OPTION = {"label": "Masked", "value": "masked"}
REVEAL_OPTIONS = [MASKED_OPTION, {"label": "Shown (written to the audit log)", "value": "shown"}]


def layout(**query):
    """The frame; `show_selection` fills it. In presentation (web/present.py) there is no way to reveal ids,
    and `show_selection` refuses to."""
    present = presenting()
    return html.Div([
        dcc.Store(id=SELECTION_QUERY, data=query),
        dcc.Store(id=SELECTION_PRESENT, data=store_data()),
        dcc.Store(id=SELECTION_CHANGED, data={"eliminated": 0}),  # bumped after an elimination or an assignment: redraw
        html.H1(id=SELECTION_TITLE, className="h3"),
        html.Div(id=SELECTION_MESSAGE),
        html.Div(id=SELECTION_FACTS, className="mb-2"),
        html.Div([dbc.Label("Identifiers"),
                  dbc.RadioItems(id=SELECTION_REVEAL, options=[MASKED_OPTION] if present else REVEAL_OPTIONS,
                                 value="masked", inline=True, class_name="mb-2")], id=SELECTION_REVEAL_BOX,
                 className="present-hide"),
        html.Div(id=SELECTION_PICKS),
        dbc.Card(dbc.CardBody([
            html.H2("Eliminate a pick", className="h5"),
            html.P("Only for a listed reason, with a note saying why it applies; the next case of its group's "
                   "replacement list takes its place. Eliminations are kept and shown above.",
                   className="text-muted small"),
            dbc.Row([
                dbc.Col([dbc.Label("Case", html_for=SELECTION_CASE), dcc.Dropdown(id=SELECTION_CASE, placeholder="Choose a case")], md=3),
                dbc.Col([dbc.Label("Reason", html_for=SELECTION_REASON), dcc.Dropdown(id=SELECTION_REASON, placeholder="Choose a reason")], md=4),
                dbc.Col([dbc.Label("Note", html_for=SELECTION_NOTE), dbc.Input(id=SELECTION_NOTE, type="text")],
                        md=4),
                dbc.Col(dbc.Button("Eliminate", id=SELECTION_ELIMINATE, color="danger", outline=True,
                                   class_name="mt-4 w-100"), md=1),
            ], className="g-3"),
            html.Div(id=SELECTION_SAID, className="mt-2"),
        ]), id=SELECTION_FORM, class_name="mt-3 present-hide", style={"display": "none"}),
        dbc.Card(dbc.CardBody([
            html.H2("Assign the reviews", className="h5"),
            html.P("Each case picked (and not eliminated) without a review gets one, for the reviewer chosen, due "
                   "on the day given. The reviewers offered are those who may read these cases: the managers of "
                   "this part of the organisation (or above it) and the executives.", className="text-muted small"),
            dbc.Row([
                dbc.Col([dbc.Label("Reviewer", html_for=SELECTION_REVIEWER),
                         dcc.Dropdown(id=SELECTION_REVIEWER, placeholder="Choose a reviewer")], md=5),
                dbc.Col([dbc.Label("Due", html_for=SELECTION_DUE),
                         dbc.Input(id=SELECTION_DUE, type="date")], md=3),
                dbc.Col(dbc.Button("Assign", id=SELECTION_ASSIGN, color="primary", class_name="mt-4 w-100"), md=2),
            ], className="g-3"),
        ]), id=SELECTION_ASSIGN_FORM, class_name="mt-3 present-hide", style={"display": "none"}),
        # Outside the form, which goes once every pick has its review: the answer to the last assignment stays.
        html.Div(id=SELECTION_ASSIGNED, className="mt-3 mb-4 present-hide"),
    ])


def _picks_table(selection, shown: bool, names: dict, reviewed: dict) -> dbc.Table:
    """The picks, their workers and units by name, and each one's review (who, by when, how far, a link); the
    case and child ids masked unless `shown`. `reviewed`: the reviews by case id."""
    show = (lambda v: v or "") if shown else mask_id

    def named(level, ident):
        return names.get(EntityRef(level, ident), ident) if ident else ""
    group = selection.criteria.stratify if selection.criteria.stratify in ("unit", "worker") else None
    head = ["Draw", "Group", "Case", "Child", "Met", "Worker", "Unit", "Review", "Eliminated"]
    rows = []
    for case in selection.picks:
        gone = (f"{case.elimination_label}: {case.elimination_note} ({case.eliminated_by}, "
                f"{case.eliminated_at:%Y-%m-%d})" if case.eliminated else "")
        met = "" if case.met is None else ("yes" if case.met else "no")
        stratum = named(group, case.stratum) if group else case.stratum.replace("-", " ")
        review = reviewed.get(case.id)
        said = ("" if case.eliminated else "not assigned yet") if review is None else [
            dcc.Link(review.status.capitalize(), href=f"/review?id={review.id}"),
            f": {review.assignee}, due {review.due:%-d %b %Y}"]
        rows.append(html.Tr([html.Td(case.draw), html.Td(stratum or "—"), html.Td(show(case.member_id)),
                             html.Td(show(case.child_id)), html.Td(met), html.Td(named("worker", case.worker_id)),
                             html.Td(named("unit", case.unit_id)),
                             html.Td(said, className=None if review else "text-muted"), html.Td(gone)],
                            className="text-decoration-line-through text-muted" if case.eliminated else None))
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)], bordered=False,
                     hover=True, responsive=True, class_name="selection-picks")


@callback(Output(SELECTION_TITLE, "children"), Output(SELECTION_MESSAGE, "children"),
          Output(SELECTION_FACTS, "children"), Output(SELECTION_PICKS, "children"), Output(SELECTION_CASE, "options"),
          Output(SELECTION_REASON, "options"), Output(SELECTION_FORM, "style"), Output(SELECTION_REVIEWER, "options"),
          Output(SELECTION_ASSIGN_FORM, "style"), Output(SELECTION_REVEAL_BOX, "style"),
          Input(SELECTION_QUERY, "data"), Input(SELECTION_REVEAL, "value"), Input(SELECTION_CHANGED, "data"),
          State(SELECTION_PRESENT, "data"))
def show_selection(query, reveal, _changed, present=None):
    """The saved selection for a reader whose own part of the organisation holds it (audited), with each pick's
    review, or why not. In presentation the ids stay masked whatever was asked, and nothing is changed."""
    hidden = {"display": "none"}
    try:
        selection_id = record_id(query, "selection", "/selection")
        reader = current_reader()
        scope = reader.data_scope()
        if not scope.case_level:
            refused(OutsideScope("a selection of cases is a case-level record"), "/selection")
            return ("Selection", _aggregates_only(reader.role), None, None, [], [], hidden, [], hidden, hidden)
        selection = reviews.load_selection(services().store, scope, selection_id)
        reasons = reviews.load_elimination_reasons(services().settings.elimination_reasons_path)
        reviewed = {r.case_id: r for r in case_reviews.selection_reviews(services().store, reader, selection_id)}
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/selection")
        return ("Selection", html.Div([message(f"{exc}.", heading="This selection cannot be shown"), way_back()]),
                None, None, [], [], hidden, [], hidden, hidden)
    present = presenting(present)
    shown = reveal == "shown" and not present
    db.record(services().store, reader.username, "selection-revealed" if shown else "selection-shown",
                 {"selection": selection.id, "via": "page"}, request.remote_addr)
    cell = selection.cells[0]
    snapshot = services().warehouse.snapshot()
    indicator, names = _names(selection, snapshot)
    short = reviews.shortfall_text(selection, {ref.entity_id: name for ref, name in names.items()})
    facts = html.Ul([
        html.Li(["From the members behind ", dcc.Link(
            reviews.describe_selection(snapshot, selection).split(": ", 1)[1],
            href=IndicatorView(cell.indicator_id, cell.month,
                               None if cell.entity.level == "department" else cell.entity).href())]),
        html.Li(f"Drawn: {reviews.drawn_text(selection.criteria)}. Seed {selection.seed}, data version "
                f"{selection.version_id}, so anyone can draw the same cases again."),
        html.Li(short[0].upper() + short[1:] + ".", className="fw-bold") if short else None,
        html.Li(f"Saved by {selection.created_by} on {selection.created_at:%-d %B %Y at %H:%M} UTC; "
                f"{reviews.counted(len(selection.replacements), 'case')} left in the replacement "
                f"list{'' if not selection.criteria.stratify else 's'}."),
    ])
    active = [c for c in selection.picks if not c.eliminated]
    # By draw number: no id leaves the server in the options, masked or not.
    cases = [{"label": f"#{c.draw} {mask_id(c.member_id)}", "value": str(c.draw)} for c in active]
    reason_options = [{"label": label, "value": ident} for ident, label in reasons.reasons]
    waiting = [c for c in active if c.id not in reviewed]
    reviewers = _reviewer_options(selection, snapshot) if waiting and not present else []
    title = (f"{reviews.describe_selection(snapshot, selection)}: "
             f"{reviews.counted(len(active), 'case')} for review")
    return (title, None, facts, _picks_table(selection, shown, names, reviewed), cases, reason_options,
            None if active else hidden, reviewers, None if waiting and not present else hidden, None)


def _aggregates_only(role: str) -> html.Div:
    """What a reader without case-level access is told: what they cannot do here, and where to go instead."""
    return dbc.Alert([
        html.H2("Selections of cases are not part of your access", className="h5 alert-heading"),
        html.P(f"Your role, {role}, shows the scorecards' numbers but not the cases behind them: you cannot see "
               "which cases were picked for review, nor assign their reviews. A manager of this part of the "
               "organisation, or an executive, can; ask an administrator if you need that access.", className="mb-0"),
        way_back()], color="info", class_name="mb-3")


def _reviewer_options(selection, snapshot) -> list[dict]:
    """Who may review this selection's cases (`case_reviews.eligible_reviewers`), each with what they manage."""
    users = case_reviews.eligible_reviewers(services().store, selection.entity, selection.entity_ids)
    scopes = {u.username: Scope.parse(u.scope).root for u in users if u.role == "manager" and u.scope}
    places = entity_names(snapshot, list(scopes.values())) if snapshot is not None else {}
    return [{"label": f"{u.username} — " + (f"manager of {place_text(scopes[u.username], places)}"
                                            if u.username in scopes else "executive, the whole agency"),
             "value": u.username} for u in users]


def _names(selection, snapshot) -> tuple[str, dict]:
    """The selection's indicator by name, and the names of its entity and its picks' workers and units, as the
    latest data gives them (ids where it no longer holds them)."""
    cell = selection.cells[0]
    if snapshot is None:
        return cell.indicator_id, {}
    refs = [cell.entity] + [EntityRef(level, ident) for c in selection.picks
                            for level, ident in (("worker", c.worker_id), ("unit", c.unit_id)) if ident]
    return (indicator_names(snapshot).get(cell.indicator_id, cell.indicator_id),
            entity_names(snapshot, refs))


@callback(Output(SELECTION_SAID, "children"), Output(SELECTION_CHANGED, "data"),
          Input(SELECTION_ELIMINATE, "n_clicks"), State(SELECTION_QUERY, "data"), State(SELECTION_CASE, "value"),
          State(SELECTION_REASON, "value"), State(SELECTION_NOTE, "value"), State(SELECTION_CHANGED, "data"),
          prevent_initial_call=True)
def eliminate_case(clicks, query, case, reason, note, changed):
    """Eliminate one pick for a listed reason with a note; its replacement comes in (both audited)."""
    if not clicks:
        return no_update, no_update
    count = _eliminations_counted(changed)
    try:
        selection_id = record_id(query, "selection", "/selection")
        if not case or not reason:
            raise ViewError("choose the case and the reason")
        reader = current_reader()
        scope = reader.data_scope()
        reasons = reviews.load_elimination_reasons(services().settings.elimination_reasons_path)
        draw = param_text("case", case, ViewError)
        picked = next((c for c in reviews.load_selection(services().store, scope, selection_id).picks
                       if str(c.draw) == draw and not c.eliminated), None)
        if picked is None:
            raise ViewError(f"there is no pick #{draw} still in this selection: reload the page")
        _gone, replacement = reviews.eliminate(services().store, scope, selection_id,
                                               f"{picked.member_type}:{picked.member_id}",
                                               param_text("reason", reason, ViewError),
                                               note if isinstance(note, str) else "", reader.username, reasons,
                                               "page")
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/selection (eliminate)")
        return message(f"{exc}.", heading="Nothing was eliminated"), no_update
    said = (f"Eliminated; #{replacement.draw} {mask_id(replacement.member_id)} takes its place."
            if replacement else "Eliminated; its group has no replacement left.")
    return dbc.Alert(said, color="success", class_name="mb-0"), {"eliminated": count + 1}


def _eliminations_counted(changed) -> int:
    """The count `SELECTION_CHANGED` holds, read before anything is written (read after, a bad one would fail
    the answer to an elimination made). Only this page writes it, a whole number from 0 that the browser's
    JavaScript holds exactly; anything else was crafted and counts as 0: the count only has to change for
    `show_selection` to redraw."""
    count = changed.get("eliminated") if isinstance(changed, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) and 0 <= count < 2 ** 53 - 1 else 0


@callback(Output(SELECTION_ASSIGNED, "children"), Output(SELECTION_CHANGED, "data", allow_duplicate=True),
          Input(SELECTION_ASSIGN, "n_clicks"), State(SELECTION_QUERY, "data"), State(SELECTION_REVIEWER, "value"),
          State(SELECTION_DUE, "value"), State(SELECTION_CHANGED, "data"), prevent_initial_call=True)
def assign_reviews(clicks, query, reviewer, due, changed=None):
    """Open a review of each picked case that has none, for the reviewer chosen, due that day (audited); the
    picks are drawn again with their reviews."""
    if not clicks:
        return no_update, no_update
    count = _eliminations_counted(changed)
    try:
        selection_id = record_id(query, "selection", "/selection")
        if not reviewer:
            raise ViewError("choose the reviewer")
        when = day("due", due)
        if when is None:
            raise ViewError("give the day the reviews are due")
        opened = case_reviews.open_reviews(services().store, current_reader(), selection_id,
                                           param_text("reviewer", reviewer, ViewError) or "", when, "page")
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/selection (assign)")
        return message(f"{exc}.", heading="No review was assigned"), no_update
    return (dbc.Alert([f"{reviews.counted(len(opened), 'review')} assigned to {opened[0].assignee}, due "
                       f"{when:%-d %B %Y}. ", dcc.Link("The review queue", href="/reviews")],
                      color="success", class_name="mb-0"), {"eliminated": count + 1})
