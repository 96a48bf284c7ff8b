"""Users, sign-in and sessions, in the app store.

Passwords are kept only as salted scrypt hashes (werkzeug.security: scrypt with
N=32768, r=8, p=1, a random 16-byte salt each), and never logged, echoed or
written anywhere else. A sign-in fails the same way, with the same message and
about the same time, whether the username is unknown, the password wrong, the
account locked or disabled; the audit log (for admins) says which.

Repeated failures: an account is locked for `LOCK_MINUTES` after `LOCK_AFTER`
wrong passwords in a row; an address is refused after `ADDRESS_LIMIT` failures
that came less than that long after one another, until it has gone that long
without one. Setting a new password unlocks an account. Both
limits are counted in the store before a password is checked, each with one
conditional update, so they hold across parallel requests, workers and
servers (Flask-Limiter counts requests, not a lock that a right password
resets and `set-password` lifts, and keeps no shared count without Redis).

Sessions live here, not only in the cookie: the cookie carries a random token,
the store its SHA-256; signing out, disabling a user or setting their password
ends their sessions at once, wherever they are.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from werkzeug.security import check_password_hash, generate_password_hash

from store import db
from access.roles import check_role
from store.db import sessions, sign_in_failures, users, utcnow

PASSWORD_MIN = 12
PASSWORD_MAX = 1024
LOCK_AFTER = 5
LOCK_MINUTES = 15
ADDRESS_LIMIT = 20
SIGN_IN_LIMIT = 30  # successful sign-ins of one account in LOCK_MINUTES: more is a script, not a person
SESSION_TOUCH_S = 60  # a session's last_seen_at is written at most this often
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")
SIGN_IN_FAILED = "The username or password is wrong."


class UserError(ValueError):
    """A user change that cannot be made; the message says why and what to do."""


class SignInRefused(Exception):
    """A sign-in that did not succeed. `message` is what the person is told; `status` the HTTP status."""

    def __init__(self, message: str = SIGN_IN_FAILED, status: int = 401):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    scope: str | None
    disabled: bool
    locked_until: datetime | None
    created_at: datetime
    last_sign_in_at: datetime | None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > utcnow()

    @property
    def status(self) -> str:
        return "disabled" if self.disabled else ("locked" if self.locked else "active")


def _user(row) -> User:
    return User(row.id, row.username, row.role, row.scope, bool(row.disabled), row.locked_until, row.created_at,
                row.last_sign_in_at)


def normalise_username(text: str) -> str:
    name = (text or "").strip().lower()
    if not USERNAME.match(name):
        raise UserError(f"username {text!r} is not allowed: use 1 to 100 letters, digits and . _ @ -, "
                        "starting with a letter or digit")
    return name


def check_password(password: str, username: str) -> None:
    """The password policy: long enough, not absurdly long, not the username. Never echoes the password."""
    if len(password) < PASSWORD_MIN:
        raise UserError(f"the password is too short: use at least {PASSWORD_MIN} characters "
                        "(a passphrase of several words is easiest to remember)")
    if len(password) > PASSWORD_MAX:
        raise UserError(f"the password is too long: use at most {PASSWORD_MAX} characters")
    if password.strip().lower() == username.lower():
        raise UserError("the password must not be the username")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    # Checked against when there is no such user, so an unknown name takes as long as a wrong password.
    return hash_password(secrets.token_urlsafe(24))


def get_user(engine: Engine, username: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username.strip().lower())).first()
    return None if row is None else _user(row)


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.username))]


def _existing(conn, username: str):
    row = conn.execute(sa.select(users).where(users.c.username == normalise_username(username))).first()
    if row is None:
        raise UserError(f"there is no user {username!r}: `statboard users list` shows them")
    return row


def add_user(engine: Engine, username: str, role: str, scope: str | None, password: str, actor: str) -> User:
    """Add a user; refuses a taken username, a bad role or scope, or a weak password."""
    name = normalise_username(username)
    scope = check_role(role, scope)
    check_password(password, name)
    now = utcnow()
    with engine.begin() as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.username == name)).first() is not None:
            raise UserError(f"there is already a user {name!r}: choose another name, or "
                            f"`statboard users set-password {name}`")
        conn.execute(users.insert().values(username=name, password_hash=hash_password(password), role=role,
                                           scope=scope, disabled=False, failed_sign_ins=0, created_at=now,
                                           updated_at=now))
        db.record_in(conn, actor, "user-added", {"username": name, "role": role, "scope": scope})
    return get_user(engine, name)


def set_disabled(engine: Engine, username: str, disabled: bool, actor: str) -> User:
    """Disable (ending their sessions) or enable a user."""
    with engine.begin() as conn:
        row = _existing(conn, username)
        conn.execute(users.update().where(users.c.id == row.id).values(disabled=disabled, updated_at=utcnow()))
        if disabled:
            _revoke(conn, row.id)
        db.record_in(conn, actor, "user-disabled" if disabled else "user-enabled", {"username": row.username})
    return get_user(engine, row.username)


def set_password(engine: Engine, username: str, password: str, actor: str) -> User:
    """Set a user's password: ends their sessions and unlocks the account."""
    with engine.begin() as conn:
        row = _existing(conn, username)
        check_password(password, row.username)
        conn.execute(users.update().where(users.c.id == row.id).values(
            password_hash=hash_password(password), failed_sign_ins=0, locked_until=None, updated_at=utcnow()))
        _revoke(conn, row.id)
        db.record_in(conn, actor, "password-set", {"username": row.username})
    return get_user(engine, row.username)


def authenticate(engine: Engine, username: str, password: str, remote_addr: str | None) -> User:
    """The user these credentials sign in, or `SignInRefused`; every outcome is in the audit log.

    Both limits are taken before a password is checked, each with one conditional update that every worker and
    server shares through the store: a slot of the address's `ADDRESS_LIMIT` failures, and one of the account's
    `LOCK_AFTER` wrong passwords in a row. A success gives them back; a failure keeps them. So ten guesses sent
    at once are ten slots asked for, and no more than the limit are ever checked.
    """
    if remote_addr and not _take_address_slot(engine, remote_addr):
        raise SignInRefused(f"Too many failed sign-ins from your address: try again in {LOCK_MINUTES} minutes.",
                            status=429)
    try:
        name = normalise_username(username)
    except UserError:
        name = None
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == name)).first() if name else None
    user = None if row is None else _user(row)
    checked = user is not None and _take_account_slot(engine, user.id)
    # A refused account is checked against the decoy all the same: a lock shows in neither the answer nor its time.
    matches = check_password_hash(row.password_hash if checked else _decoy_hash(), password or "")
    matches = matches and checked
    since = utcnow() - timedelta(minutes=LOCK_MINUTES)
    too_often = matches and db.count_entries(engine, "sign-in", since, actor=user.username) >= SIGN_IN_LIMIT
    reason = refused_for = None
    with engine.begin() as conn:  # written whatever the outcome: the refusal is raised after the commit
        if user is None:
            # An unknown name is not written down: people type their password into the username box.
            db.record_in(conn, "unknown user", "sign-in-failed", {"reason": "no such user"}, remote_addr)
            reason = "no such user"
        elif not checked:
            current = conn.execute(sa.select(users.c.disabled, users.c.locked_until)
                                   .where(users.c.id == user.id)).first()
            reason = ("disabled" if current.disabled else
                      "locked" if current.locked_until is not None and current.locked_until > utcnow() else
                      f"locked: {LOCK_AFTER} sign-ins were being checked at once")
        elif too_often:
            refused_for = "signed in too often"  # a script signing in over and over: nothing more is written
        elif not matches:
            reason = "wrong password"
            # One conditional update: of the wrong guesses that finish together, exactly one locks the account.
            locked = conn.execute(users.update().where(users.c.id == user.id,
                                                       users.c.failed_sign_ins >= LOCK_AFTER).values(
                failed_sign_ins=0, locked_until=utcnow() + timedelta(minutes=LOCK_MINUTES)))
            if locked.rowcount == 1:
                reason = f"wrong password; locked for {LOCK_MINUTES} minutes after {LOCK_AFTER} in a row"
        if user is not None and reason:
            db.record_in(conn, user.username, "sign-in-failed", {"reason": reason}, remote_addr)
        elif user is not None and not refused_for:
            conn.execute(users.update().where(users.c.id == user.id).values(failed_sign_ins=0,
                                                                            last_sign_in_at=utcnow()))
            db.record_in(conn, user.username, "sign-in", {}, remote_addr)
    if checked and (matches or refused_for):  # not a wrong password: the slot it took goes back
        _give_back_account_slot(engine, user.id)
    if remote_addr and not reason:
        _give_back_address_slot(engine, remote_addr)
    if reason:
        raise SignInRefused()
    if refused_for:
        raise SignInRefused(f"You have signed in {SIGN_IN_LIMIT} times in {LOCK_MINUTES} minutes: use the session "
                            f"you have, or try again in {LOCK_MINUTES} minutes.", status=429)
    return user


def _take_account_slot(engine: Engine, user_id: int) -> bool:
    """Count a password check against the account before it is made: False (nothing counted) when the account is
    locked, disabled, or already has `LOCK_AFTER` wrong or unfinished checks in a row."""
    now = utcnow()
    with engine.begin() as conn:
        taken = conn.execute(users.update().where(
            users.c.id == user_id, users.c.failed_sign_ins < LOCK_AFTER, users.c.disabled.is_(False),
            sa.or_(users.c.locked_until.is_(None), users.c.locked_until <= now))
            .values(failed_sign_ins=users.c.failed_sign_ins + 1))
        return taken.rowcount == 1


def _give_back_account_slot(engine: Engine, user_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(users.update().where(users.c.id == user_id, users.c.failed_sign_ins > 0)
                     .values(failed_sign_ins=users.c.failed_sign_ins - 1))


def _take_address_slot(engine: Engine, remote_addr: str) -> bool:
    """Count a sign-in against its address before anything is checked: False (nothing counted) when the address
    has `ADDRESS_LIMIT` failures (or attempts under way) since it last went `LOCK_MINUTES` without one. One
    statement: a fresh count when there is none or the last failure is that old, else one more if there is room.
    So no span of `LOCK_MINUTES` holds more than the limit (a fixed window would let a burst either side of its
    edge through twice), and a refusal does not lengthen the wait."""
    now, addr = utcnow(), remote_addr[:100]
    quiet = sign_in_failures.c.last_failure_at <= now - timedelta(minutes=LOCK_MINUTES)
    with engine.begin() as conn:
        insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
        statement = insert(sign_in_failures).values(remote_addr=addr, last_failure_at=now, failures=1)
        statement = statement.on_conflict_do_update(
            index_elements=[sign_in_failures.c.remote_addr],
            set_={"last_failure_at": now, "failures": sa.case((quiet, 1), else_=sign_in_failures.c.failures + 1)},
            where=sa.or_(quiet, sign_in_failures.c.failures < ADDRESS_LIMIT))
        return conn.execute(statement.returning(sign_in_failures.c.failures)).first() is not None


def _give_back_address_slot(engine: Engine, remote_addr: str) -> None:
    with engine.begin() as conn:
        conn.execute(sign_in_failures.update().where(sign_in_failures.c.remote_addr == remote_addr[:100],
                                                     sign_in_failures.c.failures > 0)
                     .values(failures=sign_in_failures.c.failures - 1))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: Engine, user: User, hours: float, remote_addr: str | None) -> str:
    """A new session for `user`, valid for `hours`; returns the token the cookie carries. The user's ended
    and expired sessions go (the audit log keeps the sign-ins and sign-outs), so the table holds live ones."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(sessions.delete().where(sessions.c.user_id == user.id,
                                             sa.or_(sessions.c.revoked_at.is_not(None), sessions.c.expires_at <= now)))
        conn.execute(sessions.insert().values(token_hash=_token_hash(token), user_id=user.id, created_at=now,
                                              expires_at=now + timedelta(hours=hours), last_seen_at=now,
                                              remote_addr=remote_addr))
    return token


def session_user(engine: Engine, token: str) -> User | None:
    """The user of a live session (not ended, not expired, user not disabled), or None."""
    if not token or len(token) > 200:
        return None
    now = utcnow()
    key = _token_hash(token)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(users, sessions.c.last_seen_at.label("session_seen"))
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash == key, sessions.c.revoked_at.is_(None), sessions.c.expires_at > now,
                   users.c.disabled.is_(False))).first()
    if row is None:
        return None
    if (now - row.session_seen).total_seconds() > SESSION_TOUCH_S:
        with engine.begin() as conn:
            conn.execute(sessions.update().where(sessions.c.token_hash == key).values(last_seen_at=now))
    return _user(row)


def close_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(sessions.update().where(sessions.c.token_hash == _token_hash(token),
                                             sessions.c.revoked_at.is_(None)).values(revoked_at=utcnow()))


def _revoke(conn, user_id: int) -> None:
    conn.execute(sessions.update().where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
                 .values(revoked_at=utcnow()))
