"""Users, passwords, lockout and sessions in the app store, on SQLite and on the real PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from store import db
from store.users import (ADDRESS_LIMIT, LOCK_AFTER, SIGN_IN_FAILED, SIGN_IN_LIMIT, SignInRefused, UserError, add_user,
                           authenticate, close_session, get_user, list_users, open_session, session_user, set_disabled,
                           set_password)

PASSWORD = "a long enough passphrase"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path, new_store_engine):
    return new_store_engine(request.param, tmp_path / "statboard.db")


def _refused(engine, username, password, addr="10.0.0.1") -> SignInRefused:
    with pytest.raises(SignInRefused) as caught:
        authenticate(engine, username, password, addr)
    return caught.value


def test_passwords_are_kept_only_as_salted_slow_hashes(engine):
    add_user(engine, "Ana", "executive", None, PASSWORD, "cli:root")
    add_user(engine, "ben", "analyst", None, PASSWORD, "cli:root")
    with engine.connect() as conn:
        hashes = dict(conn.execute(sa.select(db.users.c.username, db.users.c.password_hash)).all())
        everything = " ".join(str(v) for table in (db.users, db.audit_log)
                              for row in conn.execute(sa.select(table)) for v in row)
    assert set(hashes) == {"ana", "ben"}  # names are kept in lower case
    assert all(h.startswith("scrypt:32768:8:1$") for h in hashes.values())
    assert hashes["ana"] != hashes["ben"]  # the same password, different salts
    assert PASSWORD not in everything


def test_adding_users_refuses_what_would_not_work(engine):
    add_user(engine, "ana", "manager", "office:O1", PASSWORD, "t")
    for username, role, scope, password, says in [
        ("ANA", "executive", None, PASSWORD, "already a user 'ana'"),
        ("bo b", "executive", None, PASSWORD, "is not allowed"),
        ("bob", "manager", None, PASSWORD, "needs the bureau, office or unit"),
        ("bob", "executive", None, "short", "at least 12 characters"),
        ("bobbobbobbob", "executive", None, "BobBobBobBob", "must not be the username"),
    ]:
        with pytest.raises((UserError, ValueError), match=says):
            add_user(engine, username, role, scope, password, "t")
    assert [u.username for u in list_users(engine)] == ["ana"]


def test_sign_in_and_every_failure_look_alike_and_are_audited(engine):
    add_user(engine, "ana", "executive", None, PASSWORD, "t")
    assert authenticate(engine, "ANA ", PASSWORD, "10.0.0.1").username == "ana"
    assert _refused(engine, "ana", "wrong password here").message == SIGN_IN_FAILED
    assert _refused(engine, "my secret passphrase", PASSWORD).message == SIGN_IN_FAILED  # no such user
    set_disabled(engine, "ana", True, "t")
    assert _refused(engine, "ana", PASSWORD).message == SIGN_IN_FAILED
    entries = db.audit_entries(engine, action="sign-in-failed")
    assert [(e["actor"], e["detail"]["reason"]) for e in entries] == [
        ("ana", "disabled"), ("unknown user", "no such user"), ("ana", "wrong password")]
    assert all(e["remote_addr"] == "10.0.0.1" for e in entries)
    assert "my secret passphrase" not in str(db.audit_entries(engine))  # a name that names nobody is not kept
    assert db.audit_entries(engine, action="sign-in")[0]["actor"] == "ana"


def test_repeated_wrong_passwords_lock_the_account_until_a_new_password(engine):
    add_user(engine, "ana", "executive", None, PASSWORD, "t")
    for n in range(LOCK_AFTER):
        _refused(engine, "ana", f"wrong guess {n}", f"10.0.0.{n}")
    assert get_user(engine, "ana").status == "locked"
    _refused(engine, "ana", PASSWORD)  # the right password does not get in while locked
    assert db.audit_entries(engine, 1, action="sign-in-failed")[0]["detail"]["reason"] == "locked"
    set_password(engine, "ana", "a brand new passphrase", "cli:root")
    assert get_user(engine, "ana").status == "active"
    assert authenticate(engine, "ana", "a brand new passphrase", "10.0.0.1").username == "ana"


def test_a_right_password_resets_the_count_of_wrong_ones(engine):
    add_user(engine, "ana", "executive", None, PASSWORD, "t")
    for _ in range(2):
        for n in range(LOCK_AFTER - 1):
            _refused(engine, "ana", f"wrong guess {n}")
        authenticate(engine, "ana", PASSWORD, "10.0.0.1")
    assert get_user(engine, "ana").status == "active"


def test_an_address_that_keeps_failing_is_refused_for_a_while(engine):
    for n in range(ADDRESS_LIMIT):
        _refused(engine, f"guess{n}", "whatever password", "10.9.9.9")
    add_user(engine, "ana", "executive", None, PASSWORD, "t")
    refused = _refused(engine, "ana", PASSWORD, "10.9.9.9")
    assert refused.status == 429 and "Too many failed sign-ins from your address" in refused.message
    assert authenticate(engine, "ana", PASSWORD, "10.0.0.2").username == "ana"  # another address is not


def test_signing_in_over_and_over_is_refused_and_grows_the_store_no_further(engine):
    ana = add_user(engine, "ana", "viewer", None, PASSWORD, "t")
    def rows(table):
        with engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    for _ in range(SIGN_IN_LIMIT):  # each signs out again: the ended sessions go at the next sign-in
        close_session(engine, open_session(engine, authenticate(engine, "ana", PASSWORD, "10.0.0.1"), 12, None))
    assert rows(db.sessions) == 1
    written = rows(db.audit_log)
    for _ in range(5):
        refused = _refused(engine, "ana", PASSWORD)
        assert refused.status == 429 and "signed in 30 times in 15 minutes" in refused.message
    assert rows(db.audit_log) == written
    assert _refused(engine, "ana", "a wrong passphrase!").status == 401  # a wrong password is still a failure


def test_sessions_end_on_sign_out_disable_new_password_and_expiry(engine):
    ana = add_user(engine, "ana", "executive", None, PASSWORD, "t")
    first, second = (open_session(engine, ana, 12, "10.0.0.1") for _ in range(2))
    assert session_user(engine, first).username == "ana" and first != second
    close_session(engine, first)
    assert session_user(engine, first) is None and session_user(engine, second) is not None
    set_password(engine, "ana", "another long passphrase", "t")
    assert session_user(engine, second) is None
    third = open_session(engine, ana, 12, None)
    set_disabled(engine, "ana", True, "t")
    assert session_user(engine, third) is None
    set_disabled(engine, "ana", False, "t")
    assert session_user(engine, third) is None  # enabling again does not revive an ended session
    expired = open_session(engine, ana, 12, None)
    with engine.begin() as conn:
        conn.execute(db.sessions.update().values(expires_at=db.utcnow() - dt.timedelta(seconds=1)))
    assert session_user(engine, expired) is None
    assert session_user(engine, "made-up-token") is None and session_user(engine, "") is None
    with engine.connect() as conn:
        kept = conn.execute(sa.select(db.sessions.c.token_hash)).scalars().all()
    assert first not in kept and all(len(k) == 64 for k in kept)  # only hashes of tokens are stored


def test_user_changes_name_who_made_them(engine):
    add_user(engine, "ana", "viewer", "office:O1", PASSWORD, "cli:root")
    set_disabled(engine, "ana", True, "cli:root")
    set_password(engine, "ana", "yet another passphrase", "cli:root")
    entries = db.audit_entries(engine)
    assert [(e["actor"], e["action"], e["detail"]) for e in entries] == [
        ("cli:root", "password-set", {"username": "ana"}),
        ("cli:root", "user-disabled", {"username": "ana"}),
        ("cli:root", "user-added", {"username": "ana", "role": "viewer", "scope": "office:O1"})]
    with pytest.raises(UserError, match="there is no user 'nobody'"):
        set_disabled(engine, "nobody", True, "t")
