"""Home: what is red, what got worse and which actions are due in the reader's part; the organisation and the
"data as of" stamp; or what to do before the first load."""
import datetime as dt

import dash
from dash import Input, Output, callback, dcc, html

from web import live
from components.home import data_month_as_of, no_data, organisation_table, summary
from queries.org import organisation_summary
from queries.scorecard import report_months
from store.meeting_numbers import MeetingNumbers, suggestions
from store.meetings import actions_due
from queries.performance import entity_path, heatmap
from access.scope import ScorecardQueryError
from components.common import message
from web.runtime import current_reader, services

dash.register_page(__name__, path="/", name="Home", title="Statboard", order=0)

HOME_AS_OF = "home-as-of"
HOME_ORGANISATION = "home-organisation"
HOME_SUMMARY = "home-summary"
DUE_DAYS = 14  # actions due within two weeks (and overdue ones) are listed
LIVE = "home"  # web/live.py: a screen left open picks up the monthly load without a reload
LIVE_TICK, LIVE_SHOWN, LIVE_NEWER = live.ids(LIVE)


def layout(**query):
    """The page frame; `show_home` fills it: first the data month and its as-of date, then the summary."""
    return html.Div([
        html.H1("Statboard", className="h3"),
        html.Div(id=HOME_AS_OF, className="mb-3"),
        html.Div(id=HOME_SUMMARY),
        html.Div(id=HOME_ORGANISATION),
        *live.parts(LIVE),
    ])


@callback(Output(HOME_AS_OF, "children"), Output(HOME_SUMMARY, "children"), Output(HOME_ORGANISATION, "children"),
          Output(LIVE_SHOWN, "data"), Input(LIVE_NEWER, "data"))
def show_home(_newer):
    """Fill the stamp, the summary and the organisation table from the current data version; again when a new
    version lands (web/live.py)."""
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return None, None, no_data(), None
    reader = current_reader()
    if reader.scope is None:  # an admin: say where their pages are
        return None, None, message("Your role manages users, settings and the audit log: see the Admin page.",
                                   colour="info"), live.shown(snapshot)
    scope = reader.data_scope()
    if scope.is_provider:  # a delegate agency's staff: their own provider's page, nothing of the organisation's
        months = report_months(snapshot)
        return (data_month_as_of(months[-1] if months else None, snapshot.version), None, message(
            dcc.Link("Your agency's figures against its contracts", href=f"/providers/{scope.entity_id}"),
            colour="info"), live.shown(snapshot))
    own_name = None if scope.level == "department" else entity_path(snapshot, scope, scope.root)[-1].name
    months = report_months(snapshot)
    return (data_month_as_of(months[-1] if months else None, snapshot.version), _summary(snapshot, reader, scope),
            organisation_table(organisation_summary(snapshot, scope), scope, own_name), live.shown(snapshot))


live.watch(LIVE)


def _summary(snapshot, reader, scope):
    """The reader's own scorecard this month, read as a meeting's suggestions read it, and the actions due."""
    try:
        card = heatmap(snapshot, scope, None, scope.root)
    except ScorecardQueryError:  # no complete month yet, or a worker-level scope: the table below still shows
        return None
    today = services().settings.today()
    version = snapshot.version
    raised = suggestions(MeetingNumbers(version.version_id, version.as_of, card.month, card, {}), [])
    due = actions_due(services().store, reader, today + dt.timedelta(days=DUE_DAYS))
    return summary(card, raised, due, today)
