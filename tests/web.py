"""The real app for tests: built with production settings (a real secret key), its store migrated, users
added through the same functions as the CLI, and sign-in through the real /login form."""
from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
import weakref
from contextlib import contextmanager
from pathlib import Path

from flask_login import login_user

from app import create_app
from store import db
from store.users import add_user, get_user, hash_password, open_session

TEST_SECRET = "test-secret-key-" + "7" * 48
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@functools.cache
def _migrated_store() -> bytes:
    """An empty SQLite app store migrated to the newest revision, made once per process: its bytes."""
    with tempfile.TemporaryDirectory() as folder:
        engine = db.store_engine(f"sqlite:///{folder}/statboard.db")
        db.upgrade(engine)
        engine.dispose()
        return (Path(folder) / "statboard.db").read_bytes()


def new_store(path: Path) -> Path:
    """A new SQLite app store at `path`, at the newest migration: made as the app makes one (0600 in a 0700 folder),
    then written with the bytes of one migrated once, rather than migrated again (a tenth of a second a store,
    hundreds of stores a run; the migrations are tested on empty stores, tests/test_store.py)."""
    path = Path(path)
    assert not path.exists(), path
    db.store_engine(f"sqlite:///{path}").dispose()
    path.write_bytes(_migrated_store())
    return path


def make_app(instance_dir: Path, store_path: Path | None = None, **settings):
    """The app on `instance_dir`'s warehouse; its store at `store_path` (default: in the instance)."""
    config = {"instance_dir": str(instance_dir), "secret_key": TEST_SECRET, "secure_cookies": False, **settings}
    if store_path is not None:
        config["database_url"] = f"sqlite:///{store_path}"
        if not Path(store_path).exists():
            new_store(store_path)
    app = create_app(config)
    db.upgrade(app.server.extensions["statboard"].store)
    return app


def copy_instance(instance: Path, where: Path) -> Path:
    """A copy of an instance folder whose warehouse was loaded once for many tests (its version link is relative,
    so the copy reads its own files), without the cache a test's app wrote into it: loading costs seconds, a copy
    milliseconds."""
    shutil.copytree(instance, where, symlinks=True, ignore=shutil.ignore_patterns("cache", "cache-locks"))
    return where


def engine_of(app):
    return app.server.extensions["statboard"].store


@functools.cache
def _password_hash(password: str = PASSWORD) -> str:
    """PASSWORD's (or `password`'s) scrypt hash, made once: hashing it again for each of a thousand test users
    costs a minute."""
    return hash_password(password)


def ensure_user(app, username: str, role: str, scope: str | None = None, password: str = PASSWORD):
    """The user, added with the CLI's own function, and for the tests' usual password with its hash made once
    (the same row `add_user` writes: a real salted scrypt hash, checked for real at every sign-in)."""
    engine = engine_of(app)
    found = get_user(engine, username)
    if found is not None:
        return found
    if password != PASSWORD:
        return add_user(engine, username, role, scope, password, "test")
    with patched_hash(_password_hash()):
        return add_user(engine, username, role, scope, password, "test")


@contextmanager
def patched_hash(known: str, password: str = PASSWORD):
    """`add_user` storing `known` (`password`'s hash, made once) instead of hashing `password` anew."""
    import store.users as users
    real = users.hash_password
    users.hash_password = lambda given: known if given == password else real(given)
    try:
        yield
    finally:
        users.hash_password = real


@contextmanager
def hashed_once(password: str = PASSWORD):
    """Inside, `add_user` given `password` stores its hash made once per process (a real salted scrypt hash, checked
    for real at a sign-in), rather than hashing it anew for each user."""
    with patched_hash(_password_hash(password), password):
        yield


@contextmanager
def as_user(app, username: str = "exec", role: str = "executive", scope: str | None = None, path: str = "/"):
    """A request context with `username` signed in: for calling callbacks as plain functions."""
    from web.auth import SignedIn
    user = ensure_user(app, username, role, scope)
    with app.server.test_request_context(path):
        login_user(SignedIn(user, "not-a-real-session"))
        yield user


def csrf_of(client, path: str = "/login") -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, username: str, password: str = PASSWORD, next_path: str | None = None):
    """Post the real sign-in form (with its CSRF token) and return the response."""
    token = csrf_of(client)
    url = "/login" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})


def signed_in_client(app, username: str, role: str, scope: str | None = None):
    """A test client signed in as `username`: its session opened in the store as /login opens one, and its
    cookie set as /login sets it. The sign-in form itself (the password check, its limits, its audit) is
    tested on its own (tests/test_users.py, test_security.py, test_browser_signin.py); here it would cost a
    scrypt check per client, a few minutes over the suite."""
    from flask import session
    from web.auth import SignedIn, csrf_token
    user = ensure_user(app, username, role, scope)
    settings = app.server.extensions["statboard"].settings
    token = open_session(engine_of(app), user, settings.session_hours, "127.0.0.1")
    client = app.server.test_client()
    with app.server.test_request_context("/"):
        session.permanent = True
        login_user(SignedIn(user, token))
        csrf_token()
        signed = dict(session)
    with client.session_transaction() as kept:
        kept.update(signed)
        kept.permanent = True
    return client


def _fired_by(dep: dict, trigger: str) -> bool:
    """Whether the callback `dep` has `trigger` ("id.property", or a pattern's concrete id as JSON) as an input."""
    ident, _, prop = trigger.rpartition(".")
    if ident.startswith("{"):
        kind = json.loads(ident).get("type")
        return any(i["id"].startswith("{") and json.loads(i["id"]).get("type") == kind and i["property"] == prop
                   for i in dep["inputs"])
    return any(i["id"] == ident and i["property"] == prop for i in dep["inputs"])


_DEPENDENCIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _dependencies(client) -> list[dict]:
    """The app's /_dash-dependencies (its callbacks, the same for every client of the app), asked once per app:
    a test posting hundreds of callbacks would otherwise ask for the whole list before each."""
    app = getattr(client, "application", None)  # a Flask test client's; a real browser's session has none
    if app is None:
        return client.get("/_dash-dependencies").get_json()
    if app not in _DEPENDENCIES:
        response = client.get("/_dash-dependencies")
        if response.status_code != 200:  # signed out: nothing to keep
            return response.get_json()
        _DEPENDENCIES[app] = response.get_json()
    return _DEPENDENCIES[app]


def callback_body(client, output_part: str, values: dict, trigger: str | None = None) -> dict:
    """The JSON a browser posts to /_dash-update-component for the callback whose output names
    `output_part` (and, when several do, that `trigger` fires), built from the app's own /_dash-dependencies;
    `values` maps "id.property" to a value."""
    dependencies = _dependencies(client)
    dep = next(d for d in dependencies if output_part in d["output"] and (trigger is None or _fired_by(d, trigger)))
    spec = dep["output"]
    parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in parts]

    def given(items):
        return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]
    return {"output": spec, "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": given(dep["inputs"]), "state": given(dep["state"]),
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"]]}


def post_callback(client, output_part: str, values: dict):
    """Post one callback as the browser does; the response."""
    import json
    return client.post("/_dash-update-component", data=json.dumps(callback_body(client, output_part, values)),
                       content_type="application/json")
