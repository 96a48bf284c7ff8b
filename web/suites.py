"""Dash's component suites (`/_dash-component-suites/PACKAGE/FILE`): the scripts and styles its pages load.

A path there that names no file Dash serves is answered 404 with a sentence. Left to Dash, it raises
`DependencyException`, which Flask answers 500 and logs at ERROR with every file Dash serves listed: a map of
what is installed for whoever probes the site, and an alarm in the log for what is only a wrong address.
"""
from __future__ import annotations

from dash import Dash
from dash.exceptions import DependencyException
from flask import Response, request

SUITES = "/_dash-component-suites/"
# Flask names Dash's route by its rule (Dash's _add_url).
SUITES_ENDPOINT = "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"


def not_served(_error=None) -> Response:
    """404: no such file among the scripts and styles the pages load."""
    return Response("Not found: Statboard's pages load no such file. Reload the page (its files' addresses "
                    "change when Statboard is upgraded).\n", status=404, mimetype="text/plain")


def _unknown_file(error: DependencyException):
    if request.endpoint != SUITES_ENDPOINT:
        raise error  # not a file asked for: a fault of the app, to be a 500 and logged as one
    return not_served()


def install(app: Dash) -> None:
    server = app.server
    server.register_error_handler(DependencyException, _unknown_file)

    @server.before_request
    def outside_the_suites():
        """A path under the suites that is not PACKAGE/FILE would reach the pages' catch-all, and be a page."""
        if request.path.startswith(SUITES) and request.endpoint != SUITES_ENDPOINT:
            return not_served()
        return None
