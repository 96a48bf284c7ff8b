"""Sign-in, sign-out and the guard in front of every page, callback and download.

- `/login`: a plain HTML form (it works without JavaScript and loads no Dash code), CSRF-protected.
- `/logout`: POST with the same CSRF token (the navbar's Sign out button); GET asks to confirm.
- Every other request needs a live session: pages redirect to `/login?next=...`; Dash's endpoints and
  downloads answer 401 with no data. Only `/login` and the static `/assets/` are public.
- A POST whose `Origin` header names another site is refused (403) before anything else runs.
- A page opened from a link on another site (the browser's `Sec-Fetch-Site` header) is remembered for a
  while, so that a refusal it causes is written to the audit log as cross-site, not as the reader's doing.
"""
from __future__ import annotations

import hmac
import logging
import secrets
import time
from datetime import timedelta
from urllib.parse import quote, unquote, urlsplit

import sqlalchemy as sa
from flask import Flask, Response, g, jsonify, redirect, render_template_string, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from web.runtime import services
from store.users import SignInRefused, User, authenticate, close_session, open_session, session_user
from settings import Settings

log = logging.getLogger("statboard.auth")

# Decided by the route a request matched, never by its path's prefix ("/assets/" alone is Dash's page).
PUBLIC_ENDPOINTS = {"login", "_dash_assets.static", "/_favicon.ico"}
COOKIE = "statboard_session"
MAX_NEXT = 2000  # characters of the address to go to after signing in
ELSEWHERE = ("cross-site", "same-site")  # Sec-Fetch-Site of a request another site started
LANDED = "landed_from_elsewhere"  # the session's note of the page a link on another site opened
LANDING_SECONDS = 10 * 60  # how long that page's refusals are put down to the link (time to sign in)


class SignedIn(UserMixin):
    """The flask-login user: a store user and the token of the session they signed in with."""

    def __init__(self, user: User, token: str):
        self.user, self.token = user, token

    def get_id(self) -> str:
        return self.token


def csrf_token() -> str:
    """This browser session's CSRF token (made on first use), for the forms that POST."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok() -> bool:
    expected, given = session.get("csrf"), request.form.get("csrf_token", "")
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if origin is None:  # not sent by every browser for a same-site request; SameSite and CSRF tokens cover it
        return True
    parts = urlsplit(origin)  # "null" (a sandboxed or file: page) matches nothing
    return (parts.scheme, parts.netloc) == (request.scheme, request.host)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another site: no open redirect), on one
    line (a line break would end the redirect's header)."""
    if not target or len(target) > MAX_NEXT or any(c < " " or c == "\x7f" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _page_key(path: str, query: str) -> str:
    return f"{unquote(path)}?{query}"


def _opened_from_elsewhere() -> str | None:
    """"cross-site" or "same-site" when this request was started by another site, or comes from a page a link
    on another site opened in the last `LANDING_SECONDS`; None when the reader went there themselves.

    A page's data is asked for by its own callbacks, which the browser sends as same-origin requests: so
    the address of a page another site opened is kept in the session, and matched against the `Referer`
    of the requests that page makes.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if request.method == "GET" and request.headers.get("Sec-Fetch-Mode") == "navigate":
        if site in ELSEWHERE:
            session[LANDED] = {"page": _page_key(request.path, request.query_string.decode("latin-1")),
                               "site": site, "at": int(time.time())}
            return site
        if site == "none" and LANDED in session:  # typed or bookmarked: the reader's own doing from now on
            session.pop(LANDED)
        return None
    if site in ELSEWHERE:
        return site
    landed, referrer = session.get(LANDED), request.referrer
    if not isinstance(landed, dict) or not referrer or time.time() - landed.get("at", 0) > LANDING_SECONDS:
        return None
    parts = urlsplit(referrer)
    if (parts.scheme, parts.netloc) != (request.scheme, request.host):
        return None
    return landed.get("site") if _page_key(parts.path, parts.query) == landed.get("page") else None


def guard():
    """Runs before every request: cross-site POSTs refused, then a live session required."""
    if request.method == "POST" and not _same_origin():
        log.warning("refused a cross-site POST to %s", request.path)
        return Response("Refused: this request came from another site.", status=403, mimetype="text/plain")
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.path.startswith("/export/") and request.headers.get("Sec-Fetch-Site", "none") not in (
            "same-origin", "none"):
        # A link on another site must not make a signed-in browser download records (and be audited for it).
        return Response("Refused: downloads start from Statboard's own pages.", status=403, mimetype="text/plain")
    g.opened_from = _opened_from_elsewhere()  # read by web.runtime.refused
    if current_user.is_authenticated:
        return None
    if request.method != "GET" or request.path.startswith(("/_dash-", "/_reload", "/export/")):
        response = jsonify(error="sign in first", login="/login")
        response.status_code = 401
        return response
    full = request.full_path if request.query_string else request.path
    return redirect(f"/login?next={quote(full, safe='/')}")


LOGIN_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Statboard</title>
<link rel="stylesheet" href="/assets/00-bootstrap-5.3.6.min.css">
<link rel="stylesheet" href="/assets/statboard.css">
</head>
<body class="bg-light">
<main class="container" style="max-width: 28rem; margin-top: 10vh">
  <h1 class="h3 mb-3">Statboard</h1>
  {% if notice %}<div class="alert alert-info" role="status">{{ notice }}</div>{% endif %}
  {% if error %}<div class="alert alert-danger" role="alert" id="login-error">{{ error }}</div>{% endif %}
  {% if confirm_logout %}
  <form method="post" action="/logout" class="card card-body">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <p>Signed in as <strong>{{ username }}</strong>.</p>
    <button type="submit" class="btn btn-primary">Sign out</button>
  </form>
  {% else %}
  <form method="post" action="/login?next={{ next | urlencode }}" class="card card-body" autocomplete="on">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <div class="mb-3">
      <label for="username" class="form-label">Username</label>
      <input id="username" name="username" class="form-control" autocomplete="username" required autofocus
             value="{{ username }}" maxlength="100" autocapitalize="none" spellcheck="false">
    </div>
    <div class="mb-3">
      <label for="password" class="form-label">Password</label>
      <input id="password" name="password" type="password" class="form-control" autocomplete="current-password"
             required maxlength="1024">
    </div>
    <button id="sign-in" type="submit" class="btn btn-primary w-100">Sign in</button>
  </form>
  <p class="text-muted small mt-3">The data is about children: sign in with your own account, and sign out
  on a shared screen. Ask your Statboard admin for an account or a new password.</p>
  {% endif %}
</main>
</body>
</html>"""


def _page(status: int = 200, **context) -> Response:
    context.setdefault("next", safe_next(request.args.get("next")))
    context.setdefault("username", "")
    html = render_template_string(LOGIN_PAGE, csrf=csrf_token(), **context)
    return Response(html, status=status, mimetype="text/html")


def login():
    settings = services().settings
    asked = request.args.get("next")
    target = safe_next(asked)
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target)
        notice = "You are signed out." if request.args.get("signed_out") else None
        if asked and target != asked:
            notice = ("The link you followed asks to go somewhere that is not a page of Statboard after "
                      "signing in: you will go to the home page instead.")
        if settings.cookies_secure and not request.is_secure:
            return _page(400, error="This server sends its sign-in cookie over HTTPS only "
                                    "(STATBOARD_SECURE_COOKIES): open it with https://. Behind a proxy that "
                                    "ends HTTPS, set STATBOARD_TRUSTED_PROXIES to the number of proxies; only if "
                                    "it really is served over plain HTTP, set STATBOARD_SECURE_COOKIES=false.")
        return _page(notice=notice)
    if not _csrf_ok():
        return _page(400, error="The sign-in form had expired or did not come from this site: "
                                "it has been reloaded, please sign in again.")
    username = request.form.get("username", "")
    try:
        user = authenticate(services().store, username, request.form.get("password", ""), request.remote_addr)
    except SignInRefused as refused:
        # The username is not echoed back when it names nobody: it may be a password typed in the wrong box.
        return _page(refused.status, error=refused.message)
    except sa.exc.SQLAlchemyError:
        log.exception("the app store could not be read at sign-in")
        return _page(503, error="Sign-in is unavailable: the app store cannot be read. An admin should run "
                                "`statboard db upgrade` and check STATBOARD_DATABASE_URL.")
    if current_user.is_authenticated:  # signing in again (perhaps as someone else) ends the session before
        close_session(services().store, current_user.token)
    token = open_session(services().store, user, settings.session_hours, request.remote_addr)
    landed = session.get(LANDED)
    session.clear()  # nothing from before sign-in carries over, but the note of a page another site opened
    if landed is not None:
        session[LANDED] = landed
    session.permanent = True
    login_user(SignedIn(user, token))
    csrf_token()
    return redirect(target)


def logout():
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect("/login")
        return _page(confirm_logout=True, username=current_user.user.username)
    if not _csrf_ok():
        return Response("Refused: the sign-out form did not come from this page; reload and try again.",
                        status=400, mimetype="text/plain")
    if current_user.is_authenticated:
        from store import db
        close_session(services().store, current_user.token)
        db.record(services().store, current_user.user.username, "sign-out", {}, request.remote_addr)
    logout_user()
    session.clear()
    return redirect("/login?signed_out=1")


def install(server: Flask, settings: Settings) -> None:
    server.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME=COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookies_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.cookies_secure,
    )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)
    manager = LoginManager()
    manager.session_protection = "basic"
    manager.init_app(server)

    @manager.user_loader
    def load_user(token: str):
        user = session_user(services().store, token)
        return None if user is None else SignedIn(user, token)

    server.before_request(guard)
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["GET", "POST"])
