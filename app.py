"""The Statboard web app: `create_app()` builds it; `server` is what a WSGI server (gunicorn) imports."""
from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html

from queries.runtime import EXTENSION, Services
from settings import Settings

HERE = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Dash:
    """Build the app from defaults, then the environment, then `config` (for tests). Connects to nothing."""
    settings = Settings.from_env(config)
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        # Bootstrap is served from assets/ (vendored, MIT): agency networks and meeting rooms
        # are often offline or block CDNs, and no page should call out to a third party.
        title="Statboard",
        update_title=None,
    )
    app.server.config["SECRET_KEY"] = settings.secret_key
    app.server.extensions[EXTENSION] = Services(settings)
    app.layout = shell
    return app


def shell() -> html.Div:
    """The frame every page sits in: a top bar and the page container."""
    return html.Div([
        dbc.Navbar(dbc.Container([
            dbc.NavbarBrand("Statboard", href="/"),
            dbc.Nav([dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"]))
                     for page in dash.page_registry.values() if page.get("nav", True)]),
        ]), color="dark", dark=True, className="mb-3"),
        dbc.Container(dash.page_container, fluid=True),
    ])


def __getattr__(name: str):
    # `gunicorn app:server` builds the app on first access, not when tests import this module.
    if name == "server":
        return create_app().server
    raise AttributeError(name)
