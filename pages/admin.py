"""Admin: the users, the settings in force, and the audit log (filtered, downloadable). Admins only."""
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from components.admin import audit_table, settings_table, users_table
from components.common import message, refusal
from store import db
from web.runtime import REFUSED_CROSS_SITE, REFUSED_LIMIT, current_reader, refused, services
from access.scope import OutsideScope
from store.users import list_users

dash.register_page(__name__, path="/admin", name="Admin", title="Admin · Statboard", nav=False)

ADMIN_MESSAGE = "admin-message"
ADMIN_BODY = "admin-body"
ADMIN_USERS = "admin-users"
ADMIN_SETTINGS = "admin-settings"
ADMIN_AUDIT = "admin-audit"
ADMIN_ACTOR = "admin-actor"
ADMIN_ACTION = "admin-action"
ADMIN_SINCE = "admin-since"
ADMIN_UNTIL = "admin-until"
ADMIN_DOWNLOAD = "admin-download"
AUDIT_ROWS = 200

ACTIONS = ["access-refused", REFUSED_CROSS_SITE, REFUSED_LIMIT, "audit-exported", "load", "members-listed",
           "password-set", "sign-in", "sign-in-failed", "sign-out", "user-added", "user-disabled", "user-enabled"]


def layout(**_query):
    """The admin page, hidden until `show_admin` knows the reader is an admin (anyone else sees a refusal)."""
    return html.Div([html.Div(id=ADMIN_MESSAGE), html.Div([
        html.H1("Admin", className="h3"),
        html.H2("Audit log", className="h5 mt-3"),
        html.P("Who signed in, listed members (case-level records), was refused, or changed a user; newest first. "
               f"The page shows the latest {AUDIT_ROWS}; the download has every entry that matches.",
               className="text-muted small"),
        dbc.Row([
            dbc.Col([dbc.Label("Who", html_for=ADMIN_ACTOR), dbc.Input(id=ADMIN_ACTOR, debounce=True)], md=3),
            dbc.Col([dbc.Label("What", html_for=ADMIN_ACTION),
                     dcc.Dropdown(id=ADMIN_ACTION, options=ACTIONS, placeholder="every action")], md=3),
            dbc.Col([dbc.Label("From (UTC day)", html_for=ADMIN_SINCE),
                     dbc.Input(id=ADMIN_SINCE, type="date", debounce=True)], md=2),
            dbc.Col([dbc.Label("To (UTC day)", html_for=ADMIN_UNTIL),
                     dbc.Input(id=ADMIN_UNTIL, type="date", debounce=True)], md=2),
            dbc.Col(html.A("Download CSV", id=ADMIN_DOWNLOAD, href="/export/audit.csv",
                           className="btn btn-outline-secondary mt-4"), md=2),
        ], className="g-2 mb-2"),
        html.Div(id=ADMIN_AUDIT),
        html.H2("Users", className="h5 mt-4"),
        html.P(["Managed from the command line: ", html.Code("statboard users add|list|disable|enable|set-password"),
                "."], className="text-muted small"),
        html.Div(id=ADMIN_USERS),
        html.H2("Settings in force", className="h5 mt-4"),
        html.P("Set with STATBOARD_* environment variables (README, Configuration); secrets are not shown.",
               className="text-muted small"),
        html.Div(id=ADMIN_SETTINGS),
    ], id=ADMIN_BODY, hidden=True)])


@callback(Output(ADMIN_MESSAGE, "children"), Output(ADMIN_AUDIT, "children"), Output(ADMIN_USERS, "children"),
          Output(ADMIN_SETTINGS, "children"), Output(ADMIN_DOWNLOAD, "href"), Output(ADMIN_BODY, "hidden"),
          Input(ADMIN_ACTOR, "value"), Input(ADMIN_ACTION, "value"), Input(ADMIN_SINCE, "value"),
          Input(ADMIN_UNTIL, "value"))
def show_admin(actor, action, since, until):
    """The audit log as filtered, the users and the settings; nothing but a message for anyone not an admin."""
    try:
        current_reader().require_admin("the admin page")
    except OutsideScope as exc:
        refused(exc, "/admin")
        return (refusal(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", heading="This page is for admins"),
                None, None, None, "/export/audit.csv", True)
    try:
        chosen = db.audit_filter(actor, action, since, until)
    except db.AuditQueryError as exc:
        return message(f"{exc}.", heading="This filter cannot be used"), None, None, None, "/export/audit.csv", False
    engine = services().store
    entries = db.audit_entries(engine, AUDIT_ROWS, **chosen)
    params = {k: v for k, v in (("since", since), ("until", until), ("actor", chosen["actor"]),
                                ("action", action)) if v}
    href = "/export/audit.csv" + (f"?{urlencode(params)}" if params else "")
    return (None, audit_table(entries), users_table(list_users(engine)), settings_table(services().settings), href,
            False)
