"""Who may change a meeting (issue 22, finding 5): an analyst prepares a manager's meeting (agenda, notes, the
follow-up's draft) but gives no kudos, settles no action someone else agreed, neither closes the meeting nor sends
its follow-up; and every change is in the meeting's log, with who made it, on the page. Through the real callback
endpoint, as each reader would post it."""
from __future__ import annotations

import json

import pytest

from store import meetings as M
from access.roles import reader_for
from store.db import action_updates, actions, meeting_items, meeting_log, meetings
from tests.test_meeting_attacks import agree, log_update
from tests.test_meeting_pages import act, new_meeting, rows, shown, text_of
from tests.web import engine_of, make_app, signed_in_client

TABLES = (meetings, meeting_items, actions, action_updates, meeting_log)


@pytest.fixture
def app(demo_instance, tmp_path, smtp_server):
    inbox, url = smtp_server()
    app = make_app(demo_instance, tmp_path / "statboard.db", smtp_url=url, mail_from="stat@agency.example")
    app.inbox = inbox
    return app


@pytest.fixture
def clients(app):
    return {name: signed_in_client(app, name, role, scope) for name, role, scope in [
        ("north", "manager", "bureau:B01"), ("analyst", "analyst", None), ("exec", "executive", None)]}


def kudos(client, meeting_id):
    return text_of(act(client, meeting_id, "meeting-text-add.n_clicks", **{
        "meeting-text-add.n_clicks": 1, "meeting-text-kind.value": "kudos", "meeting-text-body.value": "Thanks"}))


def send(client, meeting_id):
    return text_of(act(client, meeting_id, "meeting-followup-send.n_clicks", **{
        "meeting-followup-send.n_clicks": 1, "meeting-followup.value": "A draft the analyst typed"}))


def close(client, meeting_id):
    return text_of(act(client, meeting_id, "meeting-close-confirm.n_clicks", **{"meeting-close-confirm.n_clicks": 1}))


def test_an_analyst_prepares_a_managers_meeting_but_does_not_chair_it(app, clients):
    north, analyst = clients["north"], clients["analyst"]
    meeting_id = new_meeting(north, attendees="Ann <ann@example.org>")
    assert "agreed" in agree(north, meeting_id, what="Weekly huddle", cell="reentry|bureau:B01")
    [managers] = [a.id for a in rows(app, actions)]
    # what an analyst prepares: a practice on the agenda, an action of their own and its settling, notes
    assert "added to the agenda" in text_of(act(analyst, meeting_id, "meeting-text-add.n_clicks", **{
        "meeting-text-add.n_clicks": 1, "meeting-text-kind.value": "practice",
        "meeting-text-body.value": "Pair new workers"}))
    assert "agreed" in agree(analyst, meeting_id, what="Chart the backlog", cell="reentry|bureau:B01")
    [own] = [a.id for a in rows(app, actions) if a.created_by == "analyst"]
    assert "is done" in log_update(analyst, meeting_id, own, "done", "charted")
    assert "is open" in log_update(analyst, meeting_id, managers, "open", "asked how it goes")
    before = [rows(app, t) for t in TABLES]
    for attempt in (lambda: kudos(analyst, meeting_id), lambda: send(analyst, meeting_id),
                    lambda: close(analyst, meeting_id),
                    lambda: log_update(analyst, meeting_id, managers, "dropped", "not needed"),
                    lambda: log_update(analyst, meeting_id, managers, "done", "")):
        said = attempt()
        assert "Nothing was changed" in said and "is for the meeting's chair" in said, said[:400]
    assert [rows(app, t) for t in TABLES] == before and app.inbox.raw == []  # not even the draft was saved
    # the chair does each of them
    assert "added to the agenda" in kudos(north, meeting_id)
    assert "Sent to 1 attendee" in send(north, meeting_id) and len(app.inbox.raw) == 1
    assert "is dropped" in log_update(north, meeting_id, own, "dropped", "merged into the huddle")
    assert "Closed" in close(north, meeting_id)


def test_the_page_offers_an_analyst_no_chairs_button_and_shows_every_change_with_who_made_it(app, clients):
    north, analyst = clients["north"], clients["analyst"]
    meeting_id = new_meeting(north)
    agree(north, meeting_id, what="Weekly huddle", cell="reentry|bureau:B01")
    text_of(act(analyst, meeting_id, "meeting-text-add.n_clicks", **{
        "meeting-text-add.n_clicks": 1, "meeting-text-kind.value": "practice", "meeting-text-body.value": "Huddles"}))
    [practice] = [i.id for i in rows(app, meeting_items)]
    page = json.loads(shown(analyst, meeting_id))["response"]
    assert page["meeting-close"]["style"] == {"display": "none"}
    assert page["meeting-followup-send"]["style"] == {"display": "none"}
    assert [o for o in page["meeting-text-kind"]["options"] if o.get("disabled")] == [
        {"label": "Kudos", "value": "kudos", "disabled": True}]
    assert "are the chair's" in json.dumps(page["meeting-chair-note"])
    chair = json.loads(shown(north, meeting_id))["response"]
    assert chair["meeting-close"]["style"] is None and chair["meeting-followup-send"]["style"] is None
    log = json.dumps(chair["meeting-log"]["children"])
    for line in ("north: opened it on data version", "north: agreed action", "analyst: added a best practice "
                 "('Huddles') to the agenda"):
        assert line in log, log
    entries = M.change_log(engine_of(app), reader_for("exec", "executive", None), meeting_id)
    assert [e.actor for e in entries] == ["north", "north", "analyst"]
