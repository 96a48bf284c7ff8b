"""Limits that a parallel burst must not walk through (issue 22, finding 2), against the real server
(`statboard serve`, two gunicorn worker processes) with real parallel requests: ten Send clicks at once on a
meeting that was sent once already, eleven wrong passwords at once for one account, and twenty-five sign-ins at
once from an address that has failed twelve times."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from store import meeting_numbers as N
from store import meetings as M
from store import db
from access.roles import reader_for
from access.scope import EntityRef
from store.users import ADDRESS_LIMIT, LOCK_AFTER, add_user, get_user
from queries.warehouse import Warehouse
from tests.test_deployment import serving
from tests.web import CSRF, PASSWORD, callback_body

NORTH = reader_for("north", "manager", "bureau:B01")


class Browser:
    """One signed-in browser on the real server (requests), with what tests.web.callback_body asks of a client."""

    def __init__(self, url: str, cookies=None):
        self.url, self.session = url, requests.Session()
        if cookies is not None:
            self.session.cookies.update(cookies)

    def get(self, path: str):
        response = self.session.get(self.url + path, timeout=60)
        response.get_json = response.json
        return response

    def sign_in(self, username: str, password: str = PASSWORD) -> int:
        token = CSRF.search(self.session.get(f"{self.url}/login", timeout=60).text).group(1)
        return self.session.post(f"{self.url}/login", data={"username": username, "password": password,
                                                             "csrf_token": token},
                                 headers={"Origin": self.url}, allow_redirects=False, timeout=60).status_code

    def callback(self, body: dict) -> dict:
        response = self.session.post(f"{self.url}/_dash-update-component", data=json.dumps(body), timeout=60,
                                     headers={"Origin": self.url, "Content-Type": "application/json"})
        assert response.status_code == 200, response.text[:300]
        return response.json()


@pytest.fixture(scope="module")
def server(demo_instance, tmp_path_factory, request):
    """The real server on a copy of the demo agency, with a store holding a manager, an analyst, and a meeting of
    the manager's bureau with one attendee; mail goes to a real SMTP server on 127.0.0.1."""
    from tests.mail_server import smtp_server_fixture
    root = tmp_path_factory.mktemp("parallel")
    shutil.copytree(demo_instance, root / "instance", ignore=shutil.ignore_patterns("cache*", "statboard.db*"))
    engine = db.store_engine(f"sqlite:///{root / 'instance' / 'statboard.db'}")
    db.upgrade(engine)
    add_user(engine, "north", "manager", "bureau:B01", PASSWORD, "test")
    add_user(engine, "ana", "analyst", None, PASSWORD, "test")
    warehouse = Warehouse(f"duckdb:///{root / 'instance' / 'warehouse.duckdb'}")
    snapshot = warehouse.snapshot()
    bureau = EntityRef("bureau", "B01")
    name, ids, month = N.prepare(snapshot, NORTH.data_scope(), bureau, dt.date(2026, 9, 1))
    meeting = M.create_meeting(engine, NORTH, bureau, name, ids, month, snapshot.version.version_id,
                               snapshot.version.as_of, held_on="2026-10-15", attendees="Ann <ann@example.org>")
    warehouse.dispose()
    starter = smtp_server_fixture()
    start = next(starter)
    inbox, smtp_url = start()
    with serving(root, STATBOARD_SMTP_URL=smtp_url, STATBOARD_MAIL_FROM="stat@agency.example",
                 STATBOARD_SECURE_COOKIES="false", workers=2) as url:
        yield url, engine, meeting.id, inbox
    next(starter, None)
    engine.dispose()


def send_body(browser: Browser, meeting_id: int) -> dict:
    values = {"meeting-query.data": {"id": str(meeting_id)}, "meeting-changed.data": {"n": 0},
              "meeting-followup-send.n_clicks": 1, "meeting-followup.value": "Thank you all."}
    body = callback_body(browser, "meeting-said", values, "meeting-followup-send.n_clicks")
    for part in ("inputs", "state"):  # each pattern matched no component: an empty list, as a browser sends
        body[part] = [[] if i["id"].startswith("{") else i for i in body[part]]
    body["changedPropIds"] = ["meeting-followup-send.n_clicks"]
    return body


def at_once(n: int, work) -> list:
    """`work(k)` for k in 0..n-1 on n threads released together."""
    gate = threading.Barrier(n)

    def run(k):
        gate.wait()
        return work(k)
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_ten_send_clicks_at_once_send_no_more_than_the_limit(server):
    url, engine, meeting_id, inbox = server
    first = Browser(url)
    assert first.sign_in("north") == 302
    body = send_body(first, meeting_id)
    assert "Sent to 1 attendee" in json.dumps(first.callback(body))  # the one earlier send
    said = at_once(10, lambda _k: json.dumps(Browser(url, first.session.cookies).callback(body)))
    sent = [s for s in said if "Sent to 1 attendee" in s]
    assert len(sent) == M.FOLLOWUP_SENDS_MAX - 1, said
    assert all("sent 5 times already, the most it may be" in s for s in said if s not in sent)
    assert len(inbox.raw) == M.FOLLOWUP_SENDS_MAX
    assert len([e for e in db.audit_entries(engine, None, action=M.FOLLOWUP_SENT)]) == M.FOLLOWUP_SENDS_MAX
    with engine.connect() as conn:
        assert conn.execute(sa.select(db.meetings.c.followup_sends)).scalar() == M.FOLLOWUP_SENDS_MAX


def test_eleven_wrong_passwords_at_once_check_no_more_than_the_lock_allows(server):
    url, engine, _meeting_id, _inbox = server
    browsers = [Browser(url) for _ in range(11)]
    statuses = at_once(11, lambda k: browsers[k].sign_in("ana", f"wrong guess number {k}"))
    assert statuses == [401] * 11
    reasons = [e["detail"]["reason"] for e in db.audit_entries(engine, None, "ana", "sign-in-failed")]
    checked = [r for r in reasons if r.startswith("wrong password")]
    assert len(reasons) == 11 and len(checked) == LOCK_AFTER, reasons
    assert sum(r.startswith("wrong password; locked") for r in reasons) == 1
    assert get_user(engine, "ana").status == "locked"
    assert Browser(url).sign_in("ana") == 401  # locked: the right password too, until it is set anew


def test_an_address_that_failed_twelve_times_gets_no_more_than_its_limit_from_a_burst(server):
    url, engine, _meeting_id, _inbox = server

    def failures() -> int:
        return len([e for e in db.audit_entries(engine, None, action="sign-in-failed")
                    if e["remote_addr"] == "127.0.0.1"])
    while failures() < 12:
        assert Browser(url).sign_in("nobody", "not a password at all") == 401
    assert failures() == 12
    browsers = [Browser(url) for _ in range(25)]
    statuses = at_once(25, lambda k: browsers[k].sign_in(f"someone{k}", "guess again please"))
    assert failures() == ADDRESS_LIMIT, failures()
    assert statuses.count(401) == ADDRESS_LIMIT - 12 and statuses.count(429) == 25 - (ADDRESS_LIMIT - 12)
    assert Browser(url).sign_in("north") == 429  # the address waits, whoever it is
