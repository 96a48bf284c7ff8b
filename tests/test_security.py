"""Raw HTTP against the real app: no cookie, forged cookies, replayed cookies, CSRF, brute force, open
redirects, headers, the production key check, and passwords never logged or echoed."""
from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from store import db
from store.users import ADDRESS_LIMIT, LOCK_AFTER
from settings import DEV_SECRET_KEY, SettingsError
from tests.web import PASSWORD, csrf_of, engine_of, ensure_user, make_app, post_callback, sign_in, signed_in_client

PAGES = ["/", "/scorecard", "/scorecard?parent=office:O001", "/indicator/reentry", "/entity/office/O001", "/admin",
         "/assets/", "/assets//", "/nowhere"]
DATA_ENDPOINTS = [("GET", "/_dash-layout"), ("GET", "/_dash-dependencies"), ("POST", "/_dash-update-component"),
                  ("GET", "/export/scorecard.csv?month=2026-10&level=office"),
                  ("GET", "/export/members.csv?indicator=reentry&month=2026-10"), ("GET", "/export/audit.csv"),
                  ("GET", "/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m1.js"),
                  ("HEAD", "/export/scorecard.csv?month=2026-10&level=office"), ("OPTIONS", "/_dash-layout")]
SCORECARD_CALLBACK = {"scorecard-query.data": {"parent": "office:O001"}}


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    ensure_user(app, "exec", "executive")
    ensure_user(app, "mgr", "manager", "office:O001")
    return app


def _no_data(text: str) -> None:
    for secret in ("Alder", "Bayview", "North Bureau", "no_recurrence", "E000000"):
        assert secret not in text


@pytest.mark.parametrize("path", PAGES)
def test_without_a_cookie_every_page_redirects_to_sign_in(app, path):
    response = app.server.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/")
    _no_data(response.get_data(as_text=True))


@pytest.mark.parametrize("method, path", DATA_ENDPOINTS)
def test_without_a_cookie_dash_endpoints_and_downloads_answer_401_and_nothing_else(app, method, path):
    response = app.server.test_client().open(path, method=method, json={} if method == "POST" else None)
    assert response.status_code == 401
    _no_data(response.get_data(as_text=True))


def test_without_a_cookie_a_well_formed_callback_gets_401(app):
    # The exact JSON a signed-in browser posts, replayed by someone who is not signed in.
    signed_in = signed_in_client(app, "exec", "executive")
    from tests.web import callback_body
    body = callback_body(signed_in, "scorecard-table.data", SCORECARD_CALLBACK)
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 401
    _no_data(response.get_data(as_text=True))


def _cookie(secret: str, data: dict) -> str:
    signer = Flask("forger")
    signer.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(data)


def _session_of(client) -> dict:
    cookie = client.get_cookie("statboard_session")
    return SecureCookieSessionInterface().get_signing_serializer(_flask(client)).loads(cookie.value)


def _flask(client):
    return client.application


@pytest.mark.parametrize("forge", ["garbage", "another key", "made-up session", "another key, real session"])
def test_a_forged_cookie_gets_nothing(app, forge):
    real = signed_in_client(app, "exec", "executive")
    token = _session_of(real)["_user_id"]
    secret = app.server.config["SECRET_KEY"]
    value = {"garbage": "eyJfdXNlcl9pZCI6ImV4ZWMifQ.AAAA.BBBB",
             "another key": _cookie("not the app's key" * 3, {"_user_id": "1", "_fresh": True}),
             "made-up session": _cookie(secret, {"_user_id": "x" * 43, "_fresh": True}),
             "another key, real session": _cookie("not the app's key" * 3, {"_user_id": token, "_fresh": True}),
             }[forge]
    client = app.server.test_client()
    client.set_cookie("statboard_session", value)
    assert client.get("/scorecard").status_code == 302
    assert post_callback(real, "scorecard-table.data", SCORECARD_CALLBACK).status_code == 200  # the real one
    response = client.post("/_dash-update-component", json={"output": "x"})
    assert response.status_code == 401
    assert client.get("/export/scorecard.csv?month=2026-10&level=office").status_code == 401


def test_a_cookie_replayed_after_sign_out_gets_nothing(app):
    client = signed_in_client(app, "exec", "executive")
    stolen = client.get_cookie("statboard_session").value
    assert client.get("/export/scorecard.csv?month=2026-10&level=office").status_code == 200
    assert client.post("/logout", data={"csrf_token": _session_of(client)["csrf"]}).status_code == 302
    thief = app.server.test_client()
    thief.set_cookie("statboard_session", stolen)  # a copy taken while signed in: the store ended its session
    assert thief.get("/export/scorecard.csv?month=2026-10&level=office").status_code == 401


def test_sign_in_needs_the_form_s_own_csrf_token(app):
    client = app.server.test_client()
    response = client.post("/login", data={"username": "exec", "password": PASSWORD})
    assert response.status_code == 400 and "did not come from this site" in response.get_data(as_text=True)
    other = app.server.test_client()
    response = client.post("/login", data={"username": "exec", "password": PASSWORD, "csrf_token": csrf_of(other)})
    assert response.status_code == 400
    assert client.get("/scorecard").status_code == 302  # still signed out


def test_a_post_from_another_site_is_refused(app):
    client = signed_in_client(app, "exec", "executive")
    token = csrf_of(client, "/logout")
    response = client.post("/logout", data={"csrf_token": token}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    response = client.post("/_dash-update-component", json={}, headers={"Origin": "null"})
    assert response.status_code == 403
    assert client.get("/export/scorecard.csv?month=2026-10&level=office").status_code == 200  # still signed in
    assert client.post("/logout", data={}).status_code == 400  # no token: not signed out either
    assert client.get("/export/scorecard.csv?month=2026-10&level=office").status_code == 200


def test_brute_force_locks_the_account_then_the_address(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db")
    ensure_user(app, "ana", "executive")
    client = app.server.test_client()
    for n in range(LOCK_AFTER):
        assert sign_in(client, "ana", f"guess number {n}").status_code == 401
    locked = sign_in(client, "ana", PASSWORD)
    assert locked.status_code == 401 and "The username or password is wrong." in locked.get_data(as_text=True)
    for n in range(ADDRESS_LIMIT - LOCK_AFTER - 1):
        assert sign_in(client, f"someone{n}", "guess again please").status_code == 401
    refused = sign_in(client, "someone", "guess again please")
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.get_data(as_text=True)
    reasons = [e["detail"]["reason"] for e in db.audit_entries(engine_of(app), None, "ana", "sign-in-failed")]
    assert reasons[0] == "locked" and reasons[1].startswith("wrong password; locked")


@pytest.mark.parametrize("target, lands", [("/scorecard?parent=office:O001", "/scorecard?parent=office:O001"),
                                           ("https://evil.example/", "/"), ("//evil.example/x", "/"),
                                           ("/\\evil.example", "/"), ("javascript:alert(1)", "/")])
def test_after_sign_in_only_paths_on_this_site(app, target, lands):
    from urllib.parse import quote
    response = sign_in(app.server.test_client(), "exec", next_path=quote(target, safe=""))
    assert response.status_code == 302 and response.headers["Location"] == lands


def test_headers_forbid_framing_and_foreign_scripts_and_caching(app):
    client = signed_in_client(app, "exec", "executive")
    for response in (client.get("/"), client.get("/login"),
                     post_callback(client, "scorecard-table.data", SCORECARD_CALLBACK),
                     client.get("/export/scorecard.csv?month=2026-10&level=office")):
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
        assert "unsafe-eval" not in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
    index = client.get("/")
    # Dash's inline scripts are allowed by their hashes, each one in the page.
    assert index.headers["Content-Security-Policy"].count("'sha256-") >= 2


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_is_httponly_lax_and_secure_when_configured(demo_instance, tmp_path, secure):
    app = make_app(demo_instance, tmp_path / "statboard.db", secure_cookies=secure)
    ensure_user(app, "ana", "executive")
    client = app.server.test_client()
    base = "https://statboard.example" if secure else "http://localhost"
    page = client.get("/login", base_url=base)
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token},
                           base_url=base)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and ("Secure" in cookie) is secure


def test_secure_cookies_over_plain_http_say_how_to_fix_it(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db", secure_cookies=True)
    response = app.server.test_client().get("/login")
    assert response.status_code == 400 and "STATBOARD_SECURE_COOKIES" in response.get_data(as_text=True)


@pytest.mark.parametrize("key", [None, DEV_SECRET_KEY, "too-short"])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    config = {"instance_dir": str(tmp_path)} | ({"secret_key": key} if key else {})
    with pytest.raises(SettingsError, match="STATBOARD_SECRET_KEY is missing, the development key, or shorter"):
        create_app(config)
    create_app(config | {"environment": "development"})  # on a developer's machine it starts


def test_passwords_are_never_logged_or_echoed(demo_instance, tmp_path, caplog, run):
    secret, wrong = "a passphrase nobody should see", "a wrong passphrase to hide"
    caplog.set_level(logging.DEBUG)
    app = make_app(demo_instance, tmp_path / "statboard.db")
    ensure_user(app, "ana", "executive", password=secret)
    client = app.server.test_client()
    bodies = [sign_in(client, "ana", wrong).get_data(as_text=True),
              sign_in(client, wrong, secret).get_data(as_text=True),  # a password typed as the username
              sign_in(client, "ana", secret).get_data(as_text=True)]
    bodies.append(client.get("/admin").get_data(as_text=True))
    for text in bodies + [caplog.text, str(db.audit_entries(engine_of(app), None))]:
        assert secret not in text and wrong not in text
    # The CLI reads a password from stdin and says nothing of it, even with --debug.
    result = run("--debug", "users", "add", "ben", "--role", "analyst", input=f"{secret}\n")
    assert result.exit_code == 0 and secret not in result.stdout + result.stderr
    result = run("users", "add", "cat", "--role", "analyst", input="short\n")
    assert result.exit_code == 1 and "short" not in result.stderr.replace("too short", "")


def test_a_download_started_from_another_site_is_refused(app):
    client = signed_in_client(app, "exec", "executive")
    url = "/export/members.csv?indicator=reentry&month=2026-10&entity=office:O001"
    assert client.get(url, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get(url, headers={"Sec-Fetch-Site": "same-site"}).status_code == 403
    assert client.get(url, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_signing_in_again_ends_the_session_before(app):
    client = signed_in_client(app, "exec", "executive")
    before = client.get_cookie("statboard_session").value
    token = _session_of(client)["csrf"]  # the form's token; /login itself sends a signed-in browser onwards
    assert client.post("/login", data={"username": "mgr", "password": PASSWORD, "csrf_token": token}).status_code == 302
    old = app.server.test_client()
    old.set_cookie("statboard_session", before)
    assert old.get("/export/scorecard.csv?month=2026-10&level=office").status_code == 401


def test_a_scoped_reader_cannot_tell_a_missing_id_from_one_outside_their_scope(app):
    client = signed_in_client(app, "mgr", "manager", "office:O001")
    missing = client.get("/export/scorecard.csv?month=2026-10&level=unit&parent=office:O999")
    elsewhere = client.get("/export/scorecard.csv?month=2026-10&level=unit&parent=office:O002")
    assert missing.status_code == elsewhere.status_code == 403
    assert missing.get_data(as_text=True).replace("O999", "O002") == elsewhere.get_data(as_text=True)
