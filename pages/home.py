"""Home: the organisation and the "data as of" stamp, or what to do before the first load."""
import dash
from dash import Input, Output, callback, dcc, html

from components.home import data_as_of, no_data, organisation_table
from queries.org import organisation_summary
from queries.performance import entity_path
from components.common import message
from queries.runtime import current_reader, services

dash.register_page(__name__, path="/", name="Home", title="Statboard", order=0)

HOME_AS_OF = "home-as-of"
HOME_ORGANISATION = "home-organisation"
HOME_REFRESH = "home-refresh"

REFRESH_MS = 5 * 60 * 1000  # a screen left open picks up the monthly load without a reload


def layout(**query):
    """The page frame; `show_home` fills it."""
    return html.Div([
        html.H1("Statboard", className="h3"),
        html.Div(id=HOME_AS_OF, className="mb-3"),
        html.Div(id=HOME_ORGANISATION),
        dcc.Interval(id=HOME_REFRESH, interval=REFRESH_MS),
    ])


@callback(Output(HOME_AS_OF, "children"), Output(HOME_ORGANISATION, "children"),
          Input(HOME_REFRESH, "n_intervals"))
def show_home(_n_intervals):
    """Fill the stamp and the organisation table from the current data version."""
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return None, no_data()
    reader = current_reader()
    if reader.scope is None:  # an admin: say where their pages are
        return None, message("Your role manages users, settings and the audit log: see the Admin page.",
                             colour="info")
    scope = reader.data_scope()
    own_name = None if scope.level == "department" else entity_path(snapshot, scope, scope.root)[-1].name
    return data_as_of(snapshot.version), organisation_table(organisation_summary(snapshot, scope), scope, own_name)
