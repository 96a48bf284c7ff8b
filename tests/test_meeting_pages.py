"""The meeting pages through Dash's real callback endpoint, as a browser (or an attacker) posts them: who sees
what, what a change writes, and what a crafted request is refused."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from store import db
from store.db import action_updates, actions, meeting_items, meetings
from tests.web import callback_body, engine_of, make_app, signed_in_client

READERS = {"exec": ("executive", None), "north": ("manager", "bureau:B01"), "south": ("manager", "bureau:B02"),
           "alder": ("manager", "office:O001"), "analyst": ("analyst", None), "viewer": ("viewer", None),
           "admin": ("admin", None)}


@pytest.fixture
def app(demo_instance, tmp_path):
    return make_app(demo_instance, tmp_path / "statboard.db")


@pytest.fixture
def clients(app):
    return {name: signed_in_client(app, name, *READERS[name]) for name in READERS}


def post(client, output_part: str, values: dict, changed: str | None = None):
    """Post a callback; `changed` names the one input the click came from (a browser names only that one)."""
    body = callback_body(client, output_part, values, changed)
    for part in ("inputs", "state"):  # a pattern's input is the list of the components it matched
        body[part] = [values.get(f"{i['id']}.{i['property']}", []) if i["id"].startswith("{") else i
                      for i in body[part]]
    if changed is not None:
        body["changedPropIds"] = [changed]
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def text_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.dumps(response.get_json())


def new_meeting(client, entity="bureau:B01", month="2026-09", held_on="2026-10-15", attendees="Ann <ann@example.org>"):
    response = post(client, "meeting-new-said", {
        "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": entity, "meeting-new-month.value": month,
        "meeting-new-date.value": held_on, "meeting-new-title.value": "", "meeting-new-attendees.value": attendees},
        "meeting-new-create.n_clicks")
    said = text_of(response)
    assert "prepared" in said, said
    return int(said.split("Meeting ")[1].split(" ")[0])


def act(client, meeting_id: int, changed: str, **values):
    """The page's one change callback, with the meeting's view and `values` by "id.property"."""
    base = {"meeting-query.data": {"id": str(meeting_id)}, "meeting-changed.data": {"n": 0}}
    for pattern in ("meeting-accept", "meeting-item-up", "meeting-item-down", "meeting-item-remove",
                    "meeting-item-save"):
        key = "cell" if pattern == "meeting-accept" else "item"
        base[json.dumps({key: ["ALL"], "type": pattern}, separators=(",", ":"), sort_keys=True) + ".n_clicks"] = []
    base['{"item":["ALL"],"type":"meeting-item-notes"}.value'] = []
    base.update(values)
    return post(client, "meeting-said", base, changed)


def press(client, meeting_id: int, indicator, entity):
    """A cell of the meeting's scorecard pressed, as assets/scorecard.js reports it (what it says comes back from
    the browser, so the page checks it)."""
    return act(client, meeting_id, "meeting-flag-cell.data",
               **{"meeting-flag-cell.data": {"indicator": indicator, "entity": entity, "at": 1}})


def ids_of(tree, kind: str):
    """The pattern ids of type `kind` anywhere in a callback's response."""
    if isinstance(tree, dict):
        if isinstance(tree.get("id"), dict) and tree["id"].get("type") == kind:
            yield tree["id"]
        for value in tree.values():
            yield from ids_of(value, kind)
    elif isinstance(tree, list):
        for value in tree:
            yield from ids_of(value, kind)


def rows(app, table):
    with engine_of(app).connect() as conn:
        return conn.execute(sa.select(table)).all()


def shown(client, meeting_id: int) -> str:
    return text_of(post(client, "meeting-title", {"meeting-query.data": {"id": str(meeting_id)},
                                                  "meeting-changed.data": {"n": 0}}))


def test_a_manager_prepares_a_meeting_of_their_bureau_and_only_their_part_sees_it(app, clients):
    meeting_id = new_meeting(clients["north"])
    assert "North Bureau Stat, September 2026" in shown(clients["north"], meeting_id)
    assert "North Bureau Stat" in shown(clients["exec"], meeting_id)
    assert "North Bureau Stat" in shown(clients["analyst"], meeting_id)
    for outsider in ("south", "alder", "viewer", "admin"):
        said = shown(clients[outsider], meeting_id)
        assert "North Bureau Stat" not in said and "cannot be shown" in said, outsider
    listing = text_of(post(clients["south"], "meetings-list", {"meetings-query.data": {}}))
    assert "North Bureau Stat" not in listing
    assert "North Bureau Stat" in text_of(post(clients["exec"], "meetings-list", {"meetings-query.data": {}}))


def test_a_manager_cannot_prepare_a_meeting_outside_their_part_nor_for_a_unit(app, clients):
    for entity in ("bureau:B02", "department", "unit:U0001"):
        said = text_of(post(clients["north"], "meeting-new-said", {
            "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": entity,
            "meeting-new-month.value": "2026-09", "meeting-new-date.value": "2026-10-15"},
            "meeting-new-create.n_clicks"))
        assert "No meeting was prepared" in said, entity
    assert rows(app, meetings) == []


def test_flagging_a_cell_puts_it_on_the_agenda_and_a_crafted_cell_outside_the_meeting_is_refused(app, clients):
    meeting_id = new_meeting(clients["north"])
    assert "added to the agenda" in text_of(press(clients["north"], meeting_id, "reentry", "office:O001"))
    # The cell comes back from the browser: an office of another bureau, or an unknown indicator, is refused.
    assert "Nothing was changed" in text_of(press(clients["north"], meeting_id, "reentry", "office:O004"))
    assert "Nothing was changed" in text_of(press(clients["north"], meeting_id, "no_such_indicator", "office:O001"))
    for indicator, entity in ((None, "office:O001"), ("reentry", "nowhere"), (["reentry"], "office:O001"),
                              ("reentry", {"level": "office"})):
        said = text_of(press(clients["north"], meeting_id, indicator, entity))
        assert "Nothing was changed" in said and "Traceback" not in said, (indicator, entity)
    assert "already on the agenda" in text_of(press(clients["north"], meeting_id, "reentry", "office:O001"))
    items = rows(app, meeting_items)
    assert [(i.indicator_id, i.entity_level, i.entity_id, i.source) for i in items] == [
        ("reentry", "office", "O001", "flagged")]


def test_a_suggestion_is_accepted_only_as_offered(app, clients):
    meeting_id = new_meeting(clients["north"])
    page = post(clients["north"], "meeting-title", {"meeting-query.data": {"id": str(meeting_id)},
                                                    "meeting-changed.data": {"n": 0}}).get_json()
    offered = list(ids_of(page, "meeting-accept"))
    assert offered, "the page offered no suggestion"
    key = offered[0]["cell"]
    pattern = '{"cell":["ALL"],"type":"meeting-accept"}.n_clicks'
    clicked = [{"id": {"cell": key, "type": "meeting-accept"}, "property": "n_clicks", "value": 1}]
    said = text_of(act(clients["north"], meeting_id, json.dumps({"cell": key, "type": "meeting-accept"},
                                                                separators=(",", ":")) + ".n_clicks",
                       **{pattern: clicked}))
    assert "added to the agenda" in said
    source, indicator_id, level, entity_id = key.split("|")
    assert [(i.source, i.indicator_id, i.entity_id) for i in rows(app, meeting_items)] == [(source, indicator_id,
                                                                                              entity_id)]
    forged = [{"id": {"cell": f"red|reentry|office|O004", "type": "meeting-accept"}, "property": "n_clicks",
               "value": 1}]
    said = text_of(act(clients["north"], meeting_id, '{"cell":"red|reentry|office|O004","type":"meeting-accept"}'
                       ".n_clicks", **{pattern: forged}))
    assert "Nothing was changed" in said and len(rows(app, meeting_items)) == 1
    # The card says why once, in the suggestion's own words: not "suggested: turned red: turned red this month".
    reason = rows(app, meeting_items)[0].reason
    for present in (False, True):
        page = text_of(post(clients["north"], "meeting-title", {
            "meeting-query.data": {"id": str(meeting_id)}, "meeting-changed.data": {"n": 0},
            "meeting-present.data": {"present": present}}))
        first_words = reason.split(":")[0]
        assert page.count(f"Suggested: {first_words}") == 1 and f"{first_words}: {first_words}" not in page


def test_an_action_is_agreed_updated_and_carried_to_the_next_meeting_of_the_same_bureau_only(app, clients):
    first = new_meeting(clients["north"], month="2026-09", held_on="2026-10-15")
    said = text_of(act(clients["north"], first, "meeting-action-add.n_clicks", **{
        "meeting-action-add.n_clicks": 1, "meeting-action-what.value": "Weekly huddle on re-entries",
        "meeting-action-owner.value": "Ana Diaz", "meeting-action-due.value": "2026-11-01",
        "meeting-action-cell.value": "reentry|office:O001"}))
    assert "agreed" in said
    refused = text_of(act(clients["north"], first, "meeting-action-add.n_clicks", **{
        "meeting-action-add.n_clicks": 1, "meeting-action-what.value": "x", "meeting-action-owner.value": "y",
        "meeting-action-due.value": "2026-11-01", "meeting-action-cell.value": "reentry|office:O004"}))
    assert "Nothing was changed" in refused and "not part of North Bureau" in refused
    assert "Closed" in text_of(act(clients["north"], first, "meeting-close-confirm.n_clicks", **{"meeting-close-confirm.n_clicks": 1}))
    # Closed: the agenda no longer changes; the action still can be updated.
    assert "is closed" in text_of(act(clients["north"], first, "meeting-text-add.n_clicks", **{
        "meeting-text-add.n_clicks": 1, "meeting-text-kind.value": "kudos", "meeting-text-body.value": "Thanks"}))
    second = new_meeting(clients["north"], month="2026-10", held_on="2026-11-20")
    other = new_meeting(clients["south"], entity="bureau:B02", month="2026-10", held_on="2026-11-20")
    carried = text_of(post(clients["north"], "meeting-carried", {"meeting-query.data": {"id": str(second)},
                                                                 "meeting-changed.data": {"n": 0}}))
    assert "Weekly huddle on re-entries" in carried and "overdue" in carried
    assert "Weekly huddle" not in text_of(post(clients["south"], "meeting-carried", {
        "meeting-query.data": {"id": str(other)}, "meeting-changed.data": {"n": 0}}))
    action_id = rows(app, actions)[0].id
    # Another bureau's manager cannot update it, however the request is made.
    assert "Nothing was changed" in text_of(act(clients["south"], other, "meeting-update-save.n_clicks", **{
        "meeting-update-save.n_clicks": 1, "meeting-update-action.value": str(action_id),
        "meeting-update-status.value": "dropped", "meeting-update-note.value": "not ours"}))
    assert "is done" in text_of(act(clients["north"], second, "meeting-update-save.n_clicks", **{
        "meeting-update-save.n_clicks": 1, "meeting-update-action.value": str(action_id),
        "meeting-update-status.value": "done", "meeting-update-note.value": "huddles held since October"}))
    assert [(u.status, u.note) for u in rows(app, action_updates)] == [
        ("open", "agreed"), ("done", "huddles held since October")]


def test_the_meeting_keeps_the_numbers_it_was_closed_with(app, clients):
    meeting_id = new_meeting(clients["exec"])
    press(clients["exec"], meeting_id, "reentry", "bureau:B01")
    before = shown(clients["exec"], meeting_id)
    text_of(act(clients["exec"], meeting_id, "meeting-close-confirm.n_clicks", **{"meeting-close-confirm.n_clicks": 1}))
    with engine_of(app).connect() as conn:
        record = conn.execute(sa.select(meetings.c.record)).scalar()
    assert record and '"reentry"' in record
    after = shown(clients["exec"], meeting_id)
    assert "kept as a record" in after
    # The same figures, drawn from the record instead of the data version.
    figure = lambda page: page[page.index('"meeting-trend-'):][:4000]  # noqa: E731
    assert figure(before) == figure(after)
    actions_audited = [e["action"] for e in db.audit_entries(engine_of(app), None)]
    assert "meeting-created" in actions_audited and "meeting-closed" in actions_audited


def test_the_follow_up_and_the_data_book_download_only_for_those_who_may_see_the_meeting(app, clients):
    meeting_id = new_meeting(clients["north"])
    text_of(act(clients["north"], meeting_id, "meeting-summary-save.n_clicks", **{
        "meeting-summary-save.n_clicks": 1, "meeting-highlights.value": "Re-entries fell in Alder",
        "meeting-lessons.value": "", "meeting-next-steps.value": "Review two cases"}))
    response = clients["north"].get(f"/export/meeting/{meeting_id}/followup.txt")
    assert response.status_code == 200 and "Re-entries fell in Alder" in response.get_data(as_text=True)
    assert clients["south"].get(f"/export/meeting/{meeting_id}/followup.txt").status_code == 403
    assert clients["viewer"].get(f"/export/meeting/{meeting_id}/databook.pdf").status_code == 403
    assert clients["north"].get(f"/export/meeting/{meeting_id}/databook.pptx?junk=1").status_code == 400
    assert clients["north"].get(f"/export/meeting/{meeting_id}/databook.docx").status_code == 400
    assert clients["north"].get("/export/meeting/999/followup.txt").status_code == 403
    exported = [e for e in db.audit_entries(engine_of(app), None) if e["action"] == "meeting-exported"]
    assert exported == []  # nothing was handed over yet


def test_the_navigation_offers_meetings_to_the_roles_that_hold_them(app, clients):
    for name, expected in (("exec", True), ("north", True), ("analyst", True), ("viewer", False), ("admin", False)):
        page = clients[name].get("/_dash-layout").get_data(as_text=True)
        assert ('"/meetings"' in page.replace("\\u002f", "/")) is expected, name


def test_the_follow_up_is_sent_from_the_page_to_the_attendees(demo_instance, tmp_path, smtp_server):
    inbox, url = smtp_server()
    app = make_app(demo_instance, tmp_path / "statboard.db", smtp_url=url, mail_from="stat@agency.example")
    north = signed_in_client(app, "north", "manager", "bureau:B01")
    meeting_id = new_meeting(north, attendees="Ann Lee <ann@example.org>\nBob Ray")
    edited = "Follow-up, as edited in the room: two actions agreed."
    said = text_of(act(north, meeting_id, "meeting-followup-send.n_clicks", **{
        "meeting-followup-send.n_clicks": 1, "meeting-followup.value": edited}))
    assert "Sent to 1 attendee" in said, said
    [(sender, recipients, message)] = inbox.received
    assert sender == "stat@agency.example" and recipients == ["ann@example.org"]
    assert edited in message.get_content()
    with engine_of(app).connect() as conn:
        row = conn.execute(sa.select(meetings.c.followup, meetings.c.followup_sent_at)).first()
    assert row.followup == edited and row.followup_sent_at is not None


def test_a_follow_up_the_mail_server_refuses_is_saved_not_marked_sent(demo_instance, tmp_path, smtp_server):
    _inbox, url = smtp_server(refuse_at="DATA")
    app = make_app(demo_instance, tmp_path / "statboard.db", smtp_url=url)
    north = signed_in_client(app, "north", "manager", "bureau:B01")
    meeting_id = new_meeting(north)
    said = text_of(act(north, meeting_id, "meeting-followup-send.n_clicks", **{
        "meeting-followup-send.n_clicks": 1, "meeting-followup.value": "Keep this text"}))
    assert "saved but not sent" in said
    with engine_of(app).connect() as conn:
        row = conn.execute(sa.select(meetings.c.followup, meetings.c.followup_sent_at)).first()
    assert row.followup == "Keep this text" and row.followup_sent_at is None


def test_an_item_links_to_its_members_only_for_readers_who_may_open_them(app, clients):
    meeting_id = new_meeting(clients["exec"])
    press(clients["exec"], meeting_id, "reentry", "office:O001")
    members = "/members?indicator=reentry&month=2026-09&entity=office:O001"
    assert members in shown(clients["exec"], meeting_id).replace("\\u0026", "&").replace("\\u002f", "/")
    analyst = shown(clients["analyst"], meeting_id).replace("\\u0026", "&").replace("\\u002f", "/")
    assert "/indicator/reentry" in analyst and "/members?" not in analyst


def test_the_meeting_draws_the_scorecards_table_whose_cells_are_buttons_that_flag_them(app, clients):
    """Not a heat map flagged by mouse only: the scorecard's own table (its names whole, each column's standard
    under it), each cell a button assets/scorecard.js wires to the flag store; cells on the agenda marked."""
    meeting_id = new_meeting(clients["north"])
    press(clients["north"], meeting_id, "reentry", "office:O001")
    page = post(clients["north"], "meeting-title", {"meeting-query.data": {"id": str(meeting_id)},
                                                    "meeting-changed.data": {"n": 0}}).get_json()["response"]
    assert "meeting-heatmap" not in page or "figure" not in page["meeting-heatmap"]
    table = page["meeting-table"]["data"]
    assert table["flag"] == "meeting-flag-cell" and table["caption"] == "North Bureau: offices, September 2026"
    assert [r["entity"] for r in table["rows"]][:2] == ["bureau:B01", "office:O001"]
    columns = {c["indicator"]: c for c in table["columns"]}
    assert columns["reentry"]["name"] == "Re-entry into foster care" and columns["reentry"]["standard"] == "≤\u202f5.6%"
    alder = table["rows"][1]["cells"]
    reentry = alder[list(columns).index("reentry")]
    assert reentry["agenda"] and "href" not in reentry and "On the agenda already" in reentry["label"]
    others = [c for c in alder if c is not reentry]
    assert not any(c["agenda"] for c in others) and all("Press to add it to the agenda" in c["label"] for c in others)
    assert reentry["label"].startswith("Re-entry into foster care, Alder Office: Value: ")
