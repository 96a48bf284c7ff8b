"""The Flask side of the app, around the Dash pages: sign-in and sessions (auth), what a request may carry
(limits), downloads, security headers, and a 404 for a script or style Dash does not serve (suites).

Also the request's services and reader (runtime), the scorecard's live check (live) and presentation mode
(present): what pages need of the request, apart from the pages.

`install(app, settings)` wires them into a Dash app; `create_app` calls it. Below pages; above databook,
components and everything they stand on.
"""
from __future__ import annotations

from dash import Dash

from settings import Settings


def install(app: Dash, settings: Settings) -> None:
    from web import auth, downloads, headers, limits, suites
    auth.install(app.server, settings)
    limits.install(app)
    suites.install(app)
    downloads.install(app.server)
    headers.install(app.server, settings)
