"""What a first real meeting hit, through Dash's real callback endpoint: one action per submit however often
"Agree" is clicked, actions corrected and removed while the meeting is open (a removed one gone from the
follow-up, the data book and the trends), forms that empty once saved, closing that asks first and reopening
by its owner or an executive, dates that fit the data month, and a missing meeting that shows no forms."""
from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa

from access.roles import reader_for
from store import db, meetings as M
from store.db import action_updates, actions, meeting_log
from store.followup import followup_for
from store.meeting_book import assemble
from tests.test_meeting_pages import act, new_meeting, post, rows, text_of
from tests.web import engine_of, make_app, signed_in_client

READERS = {"exec": ("executive", None), "north": ("manager", "bureau:B01"), "north2": ("manager", "bureau:B01"),
           "analyst": ("analyst", None), "viewer": ("viewer", None)}
TOKEN = "5f2b7c0e9d8a4b1c8e7f6a5b4c3d2e1f"
ACTION = {"meeting-action-add.n_clicks": 1, "meeting-action-what.value": "Weekly huddle on re-entries",
          "meeting-action-owner.value": "Ana Diaz", "meeting-action-due.value": "2026-11-01",
          "meeting-action-cell.value": "reentry|office:O001", "meeting-action-token.data": {"token": TOKEN},
          "meeting-action-editing.data": None}


@pytest.fixture
def app(demo_instance, tmp_path):
    return make_app(demo_instance, tmp_path / "statboard.db")


@pytest.fixture
def clients(app):
    return {name: signed_in_client(app, name, *READERS[name]) for name in READERS}


def agree(client, meeting_id, **values):
    return act(client, meeting_id, "meeting-action-add.n_clicks", **{**ACTION, **values})


def outputs(response) -> dict:
    """A callback's answer as {"id.property": value}."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    found = {}
    for ident, props in response.get_json()["response"].items():
        for prop, value in props.items():
            found[f"{ident}.{prop}"] = value
    return found


def log_of(app, meeting_id) -> list[str]:
    with engine_of(app).connect() as conn:
        return [r.change for r in conn.execute(sa.select(meeting_log).where(meeting_log.c.meeting_id == meeting_id)
                                               .order_by(meeting_log.c.id))]


def test_a_second_submit_of_one_form_agrees_nothing_new_and_the_form_empties(app, clients):
    meeting_id = new_meeting(clients["north"])
    first = outputs(agree(clients["north"], meeting_id))
    assert "agreed: Ana Diaz" in json.dumps(first["meeting-said.children"])
    # emptied for the next action, with a new token
    assert first["meeting-action-what.value"] == "" and first["meeting-action-owner.value"] == ""
    assert first["meeting-action-due.value"] == "" and first["meeting-action-cell.value"] is None
    assert first["meeting-action-token.data"]["token"] not in (TOKEN, None)
    again = outputs(agree(clients["north"], meeting_id))
    assert "agreed already" in json.dumps(again["meeting-said.children"])
    assert len(rows(app, actions)) == 1 and len(rows(app, action_updates)) == 1
    # a new token (the emptied form's) agrees a new one
    agree(clients["north"], meeting_id, **{"meeting-action-token.data": first["meeting-action-token.data"]})
    assert len(rows(app, actions)) == 2


def test_a_double_click_sent_at_once_makes_one_action(app, clients):
    meeting_id = new_meeting(clients["north"])
    second = signed_in_client(app, "north", *READERS["north"])
    barrier, answers = threading.Barrier(4), []

    def click(client):
        barrier.wait()
        answers.append(agree(client, meeting_id).status_code)

    threads = [threading.Thread(target=click, args=(c,)) for c in (clients["north"], second) * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * 4
    assert len(rows(app, actions)) == 1 and len(rows(app, action_updates)) == 1


def test_a_forged_token_is_refused(app, clients):
    meeting_id = new_meeting(clients["north"])
    said = text_of(agree(clients["north"], meeting_id, **{"meeting-action-token.data": {"token": "x' or 1=1 --"}}))
    assert "Nothing was changed" in said and "reload the page" in said and rows(app, actions) == []


def test_an_action_is_corrected_while_the_meeting_is_open_and_not_after(app, clients):
    meeting_id = new_meeting(clients["north"])
    agree(clients["north"], meeting_id)
    action_id = rows(app, actions)[0].id
    # "Correct" fills the form with the action
    filled = outputs(post(clients["north"], "meeting-action-editing", {
        "meeting-query.data": {"id": str(meeting_id)}, '{"action":["ALL"],"type":"meeting-action-edit"}.n_clicks':
            [{"id": {"action": str(action_id), "type": "meeting-action-edit"}, "property": "n_clicks", "value": 1}],
        "meeting-action-cancel.n_clicks": None},
        '{"action":"%d","type":"meeting-action-edit"}.n_clicks' % action_id))
    assert filled["meeting-action-what.value"] == "Weekly huddle on re-entries"
    assert filled["meeting-action-editing.data"] == {"action": action_id}
    assert filled["meeting-action-cell.value"] == "reentry|office:O001"
    said = text_of(agree(clients["north"], meeting_id, **{"meeting-action-editing.data": {"action": action_id},
                                                         "meeting-action-owner.value": "Ben Okafor"}))
    assert f"Action {action_id} corrected" in said
    assert rows(app, actions)[0].owner == "Ben Okafor" and len(rows(app, actions)) == 1
    assert f"corrected action {action_id}: the owner" in log_of(app, meeting_id)
    # the analyst did not agree it and does not chair: refused
    said = text_of(agree(clients["analyst"], meeting_id, **{"meeting-action-editing.data": {"action": action_id},
                                                           "meeting-action-owner.value": "Eve"}))
    assert "Nothing was changed" in said and rows(app, actions)[0].owner == "Ben Okafor"
    text_of(act(clients["north"], meeting_id, "meeting-close-confirm.n_clicks", **{"meeting-close-confirm.n_clicks": 1}))
    said = text_of(agree(clients["north"], meeting_id, **{"meeting-action-editing.data": {"action": action_id},
                                                         "meeting-action-owner.value": "Cy"}))
    assert "Nothing was changed" in said and "closed" in said and rows(app, actions)[0].owner == "Ben Okafor"


def remove(client, meeting_id, action_id, reason):
    return act(client, meeting_id, "meeting-remove-confirm.n_clicks", **{
        "meeting-remove-confirm.n_clicks": 1, "meeting-action-removing.data": {"action": action_id},
        "meeting-remove-reason.value": reason})


def test_a_removed_action_is_gone_from_the_follow_up_the_data_book_and_the_trends(app, clients, demo_instance):
    meeting_id = new_meeting(clients["north"])
    agree(clients["north"], meeting_id)
    agree(clients["north"], meeting_id, **{"meeting-action-token.data": {"token": "a" * 32}})  # the duplicate
    keep, duplicate = sorted(r.id for r in rows(app, actions))
    assert "the reason is empty" in text_of(remove(clients["north"], meeting_id, duplicate, "  "))
    said = outputs(remove(clients["north"], meeting_id, duplicate, "a duplicate of the first"))
    assert f"Action {duplicate} removed" in json.dumps(said["meeting-said.children"])
    assert said["meeting-remove-modal.is_open"] is False
    assert [r.id for r in rows(app, actions)] == [keep]
    assert [r.action_id for r in rows(app, action_updates)] == [keep]
    assert any(f"removed action {duplicate}" in c and "a duplicate of the first" in c for c in log_of(app, meeting_id))
    audit = [e for e in db.audit_entries(engine_of(app)) if e["action"] == M.ACTION_REMOVED]
    assert audit and audit[0]["detail"]["reason"] == "a duplicate of the first"
    reader = reader_for("north", "manager", "bureau:B01")
    services = app.server.extensions["statboard"]
    book = assemble(services.warehouse, engine_of(app), reader, meeting_id, None)
    assert [a.id for a in book.new] == [keep]
    assert followup_for(book).count("Weekly huddle on re-entries") == 1
    from access.scope import EntityRef
    assert [a.id for a in M.actions_for_cell(engine_of(app), reader, "reentry", EntityRef("office", "O001"))] == [keep]


def test_only_who_agreed_it_or_the_chair_removes_an_action_and_only_while_open(app, clients):
    meeting_id = new_meeting(clients["north"])
    agree(clients["north"], meeting_id)
    action_id = rows(app, actions)[0].id
    said = text_of(remove(clients["analyst"], meeting_id, action_id, "not needed"))
    assert "Nothing was changed" in said and "chair" in said and len(rows(app, actions)) == 1
    text_of(act(clients["north"], meeting_id, "meeting-close-confirm.n_clicks", **{"meeting-close-confirm.n_clicks": 1}))
    said = text_of(remove(clients["north"], meeting_id, action_id, "not needed"))
    assert "Nothing was changed" in said and "closed" in said and len(rows(app, actions)) == 1


def test_the_practice_box_empties_once_saved(app, clients):
    meeting_id = new_meeting(clients["north"])
    answer = outputs(act(clients["north"], meeting_id, "meeting-text-add.n_clicks", **{
        "meeting-text-add.n_clicks": 1, "meeting-text-kind.value": "practice",
        "meeting-text-body.value": "Alder pairs new workers with a mentor"}))
    assert "Best practice added" in json.dumps(answer["meeting-said.children"])
    assert answer["meeting-text-body.value"] == ""
    refused = outputs(act(clients["north"], meeting_id, "meeting-text-add.n_clicks", **{
        "meeting-text-add.n_clicks": 1, "meeting-text-kind.value": "practice", "meeting-text-body.value": ""}))
    assert "meeting-text-body.value" not in refused  # refused: what was typed stays


def test_closing_asks_first_and_the_owner_or_an_executive_reopens(app, clients):
    meeting_id = new_meeting(clients["north"])
    opened = outputs(post(clients["north"], "meeting-close-modal", {
        "meeting-close.n_clicks": 1, "meeting-close-cancel.n_clicks": None}, "meeting-close.n_clicks"))
    assert opened == {"meeting-close-modal.is_open": True}
    assert rows(app, M.meetings)[0].status == "open"  # asking closed nothing
    text_of(act(clients["north"], meeting_id, "meeting-close-confirm.n_clicks", **{"meeting-close-confirm.n_clicks": 1}))
    assert rows(app, M.meetings)[0].status == "closed"

    def reopen(client):
        return text_of(act(client, meeting_id, "meeting-reopen.n_clicks", **{"meeting-reopen.n_clicks": 1}))
    # another manager of the bureau, and the analyst, may see it but do not own it
    for other in ("north2", "analyst"):
        assert "Nothing was changed" in reopen(clients[other]) and rows(app, M.meetings)[0].status == "closed"
    frame = outputs(post(clients["north2"], "meeting-reopen", {"meeting-query.data": {"id": str(meeting_id)},
                                                                "meeting-changed.data": {"n": 0}}))
    assert frame["meeting-reopen.style"] == {"display": "none"}
    frame = outputs(post(clients["north"], "meeting-reopen", {"meeting-query.data": {"id": str(meeting_id)},
                                                               "meeting-changed.data": {"n": 0}}))
    assert frame["meeting-reopen.style"] is None
    assert "Reopened" in reopen(clients["north"]) and rows(app, M.meetings)[0].status == "open"
    assert any(c.startswith("reopened it (closed by north") for c in log_of(app, meeting_id))
    text_of(act(clients["north"], meeting_id, "meeting-close-confirm.n_clicks", **{"meeting-close-confirm.n_clicks": 1}))
    assert "Reopened" in reopen(clients["exec"])
    assert [e["action"] for e in db.audit_entries(engine_of(app))].count(M.REOPENED) == 2


@pytest.mark.parametrize("who, meeting", [("north", "999"), ("north", "abc"), ("viewer", "1")])
def test_a_meeting_that_cannot_be_shown_shows_no_form_and_the_way_back(app, clients, who, meeting):
    new_meeting(clients["north"])
    frame = outputs(post(clients[who], "meeting-body", {"meeting-query.data": {"id": meeting},
                                                         "meeting-changed.data": {"n": 0}}))
    assert frame["meeting-body.style"] == {"display": "none"}
    back = json.dumps(frame["meeting-way-back.children"])
    assert '"/scorecard"' in back
    assert ('"/meetings"' in back) == (who != "viewer")  # a viewer reads no meetings: not offered
    said = text_of(post(clients[who], "meeting-title", {"meeting-query.data": {"id": meeting},
                                                         "meeting-changed.data": {"n": 0}}))
    assert "cannot be shown" in said


def test_a_meeting_is_dated_after_its_data_month_and_a_second_of_the_same_day_is_refused(app, clients):
    said = text_of(post(clients["north"], "meeting-new-said", {
        "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": "bureau:B01", "meeting-new-month.value": "2026-10",
        "meeting-new-date.value": "2025-01-01", "meeting-new-title.value": "", "meeting-new-attendees.value": ""},
        "meeting-new-create.n_clicks"))
    assert "No meeting was prepared" in said and "31 October 2026 or later" in said
    first = new_meeting(clients["north"], month="2026-10", held_on="2026-11-12")
    text_of(act(clients["north"], first, "meeting-close-confirm.n_clicks", **{"meeting-close-confirm.n_clicks": 1}))
    said = text_of(post(clients["north"], "meeting-new-said", {
        "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": "bureau:B01", "meeting-new-month.value": "2026-10",
        "meeting-new-date.value": "2026-11-12", "meeting-new-title.value": "", "meeting-new-attendees.value": ""},
        "meeting-new-create.n_clicks"))
    assert "No meeting was prepared" in said and f"meeting {first}" in said and "North Bureau Stat" in said
    assert len(rows(app, M.meetings)) == 1
    # nor by moving another meeting's day onto it
    second = new_meeting(clients["north"], month="2026-10", held_on="2026-11-13")
    with pytest.raises(M.MeetingError, match=f"meeting {first}"):
        M.update_meeting(engine_of(app), reader_for("north", "manager", "bureau:B01"), second, held_on="2026-11-12")
    with pytest.raises(M.MeetingError, match="31 October 2026 or later"):
        M.update_meeting(engine_of(app), reader_for("north", "manager", "bureau:B01"), second, held_on="2026-10-30")
