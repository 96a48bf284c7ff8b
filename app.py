"""The Statboard web app: `create_app()` builds it; `server` is what a WSGI server (gunicorn) imports."""
from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, _callback, dcc, html

import web
from web import present
from components.links import scorecard_href
from queries.cache import init_cache
from store.meetings import MEETING_ROLES
from web.runtime import EXTENSION, Services
from settings import Settings
from web.auth import csrf_token

HERE = Path(__file__).resolve().parent
PRESENT_BUTTON = "present-button"
NAV_TOGGLER = "nav-toggler"
NAV_COLLAPSE = "nav-collapse"
SIGNED_IN_AS = "signed-in-as"
ROLE_WORDS = {"admin": "Administrator", "executive": "Executive", "manager": "Manager", "analyst": "Analyst",
              "viewer": "Viewer", "provider": "Provider"}


def create_app(config: dict | None = None) -> Dash:
    """Build the app from defaults, then the environment, then `config` (for tests). Connects to nothing."""
    settings = Settings.from_env(config)
    settings.check_for_app()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        # Bootstrap is served from assets/ (vendored, MIT): agency networks and meeting rooms
        # are often offline or block CDNs, and no page should call out to a third party.
        title="Statboard",
        update_title=None,
        compress=True,  # flask-compress: a scorecard's JSON is mostly repeated text
    )
    # The page's language, for screen readers and for axe's html-has-lang (Dash's template has none).
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    _own_page_callbacks(app)
    present.install()
    app.server.extensions[EXTENSION] = Services(settings)
    init_cache(app.server, settings)
    web.install(app, settings)
    app.layout = shell
    # A phone's navigation folds behind the toggler (below Bootstrap's lg breakpoint); opened and closed in the
    # browser, without a round trip.
    app.clientside_callback("function (clicks, open) { return clicks ? !open : open; }",
                            Output(NAV_COLLAPSE, "is_open"), Input(NAV_TOGGLER, "n_clicks"),
                            State(NAV_COLLAPSE, "is_open"), prevent_initial_call=True)
    return app


_page_callbacks: tuple[dict, list] | None = None


def _own_page_callbacks(app: Dash) -> None:
    """Give this app the pages' callbacks now.

    Pages declare callbacks with `dash.callback`, which Dash hands to whichever app serves a request
    first, leaving none for another app in the same process (a test's second app, with other
    settings). Each app takes its own copy when it is built instead.
    """
    global _page_callbacks
    if _callback.GLOBAL_CALLBACK_MAP:  # the pages were (re)imported while building this app
        _page_callbacks = (dict(_callback.GLOBAL_CALLBACK_MAP), list(_callback.GLOBAL_CALLBACK_LIST))
        _callback.GLOBAL_CALLBACK_MAP.clear()
        _callback.GLOBAL_CALLBACK_LIST.clear()
    if _page_callbacks is not None:
        app.callback_map.update(_page_callbacks[0])
        app._callback_list.extend(_page_callbacks[1])  # noqa: SLF001 - what _setup_server would do


def shell() -> html.Div:
    """The frame every page sits in: a top bar with the signed-in person's pages, and the page container. On a
    screen narrower than Bootstrap's lg the bar is the brand and a toggler that opens the rest."""
    reader = _reader()
    return html.Div([
        dbc.Navbar(dbc.Container([
            dbc.NavbarBrand("Statboard", href="/"),
            dbc.NavbarToggler(id=NAV_TOGGLER, n_clicks=0),
            dbc.Collapse([
                dbc.Nav(_nav_links(reader), class_name="me-auto", navbar=True),
                _present_button(reader),
                _signed_in(reader),
            ], id=NAV_COLLAPSE, is_open=False, navbar=True),
        ], fluid=True), color="dark", dark=True, expand="lg", className="mb-3 statboard-navbar"),
        dbc.Container(dash.page_container, fluid=True),
    ])


def _reader():
    from web.runtime import NotSignedIn, current_reader
    try:
        return current_reader()
    except (NotSignedIn, RuntimeError):  # RuntimeError: outside a request (Dash checking the layout)
        return None


def _nav_links(reader) -> list:
    """Links to the pages this reader may use: their own scorecard for data roles, the case reviews for those
    who may see cases, Admin for admins."""
    links = []
    if reader is not None and reader.scope is not None and reader.scope.is_provider:
        # a delegate agency's staff read their own provider only: its page, and its performance reviews
        links.append(dbc.NavItem(dbc.NavLink("Home", href="/")))
        links.append(dbc.NavItem(dbc.NavLink("Our figures", href=f"/providers/{reader.scope.entity_id}")))
        links.append(dbc.NavItem(dbc.NavLink("Performance reviews", href="/meetings")))  # its own reviews only
    elif reader is not None and reader.scope is not None:
        links.append(dbc.NavItem(dbc.NavLink("Home", href="/")))
        links.append(dbc.NavItem(dbc.NavLink("Scorecard", href=scorecard_href(reader.scope.root, None))))
        if reader.scope.level == "department":  # providers serve the whole department (pages/providers.py)
            links.append(dbc.NavItem(dbc.NavLink("Providers", href="/providers")))
        if reader.role in MEETING_ROLES:
            links.append(dbc.NavItem(dbc.NavLink("Meetings", href="/meetings")))
        if reader.scope.case_level:  # case reviews are case-level records
            links.append(dbc.NavItem(dbc.NavLink("Reviews", href="/reviews")))
    if reader is not None and reader.is_admin:
        links.append(dbc.NavItem(dbc.NavLink("Admin", href="/admin")))
    return links


def _present_button(reader):
    """Presentation mode for whatever page is open (assets/present.js adds `present=1` and asks for full
    screen: browsers grant it only on a click like this one)."""
    if reader is None:
        return None
    return html.Button("Present", id=PRESENT_BUTTON, type="button", className="btn btn-outline-light btn-sm me-3",
                       title="Show this page for a projector: full screen, large type; Esc leaves")


def _signed_in(reader):
    """Who is signed in, with what access, and the Sign out button (a POST with the CSRF token)."""
    if reader is None:
        return None
    role = ROLE_WORDS.get(reader.role, reader.role.capitalize())
    # The role only when it adds something: "executive" signed in as an executive is said once.
    access = ", ".join(part for part in (None if role.lower() == reader.username.lower() else role,
                                         _place_name(reader)) if part)
    return html.Form([
        html.Span([html.Span(reader.username, className="fw-bold"), f" — {access}" if access else None],
                  className="navbar-text me-3 small", id=SIGNED_IN_AS),
        dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
        html.Button("Sign out", type="submit", className="btn btn-outline-light btn-sm text-nowrap", id="sign-out"),
    ], action="/logout", method="POST", className="d-flex align-items-center")


def _place_name(reader) -> str | None:
    """The name of the part of the organisation the reader's scope is (None: the whole department, or no data);
    before any load, its level and id in words."""
    scope = reader.scope
    if scope is None or scope.level == "department":
        return None
    from access.scope import ScorecardQueryError
    from queries.performance import entity_path
    from queries.providers import providers
    from web.runtime import services
    snapshot = services().warehouse.snapshot()
    try:
        if snapshot is not None and scope.is_provider:  # a delegate agency's staff: its name
            known = providers(snapshot)
            name = dict(zip(known.provider_id, known.provider_name)).get(scope.entity_id)
            return name or f"provider {scope.entity_id}"
        if snapshot is not None:
            return entity_path(snapshot, reader.data_scope(), scope.root)[-1].name
    except ScorecardQueryError:  # a scope naming a place this data version does not have
        pass
    return f"{scope.level} {scope.entity_id}"


def __getattr__(name: str):
    # `gunicorn app:server` builds the app on first access, not when tests import this module.
    if name == "server":
        return create_app().server
    raise AttributeError(name)
