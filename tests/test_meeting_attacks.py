"""Attacks on the Stat meetings feature (issue 14), through the real callback endpoint and downloads, as an
attacker signed in with each role and scope would make them. Each test here that fails is a finding."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from store import db
from queries.performance import resolve_month
from store.reviews import Cell, Criteria, draw_cases, save_selection
from access.scope import EntityRef, Scope
from store.db import action_updates, actions, meeting_items, meetings
from tests.test_meeting_pages import READERS, act, new_meeting, post, press, rows, shown, text_of
from tests.web import engine_of, make_app, signed_in_client

ALL_READERS = {**READERS, "unit": ("manager", "unit:U0001")}


@pytest.fixture
def app(demo_instance, tmp_path):
    return make_app(demo_instance, tmp_path / "statboard.db")


@pytest.fixture
def clients(app):
    return {name: signed_in_client(app, name, *ALL_READERS[name]) for name in ALL_READERS}


def agree(client, meeting_id, what="Weekly huddle", cell="reentry|office:O001", due="2026-12-01"):
    return text_of(act(client, meeting_id, "meeting-action-add.n_clicks", **{
        "meeting-action-add.n_clicks": 1, "meeting-action-what.value": what, "meeting-action-owner.value": "Ana",
        "meeting-action-due.value": due, "meeting-action-cell.value": cell}))


def log_update(client, meeting_id, action_id, status="open", note="still at it"):
    return text_of(act(client, meeting_id, "meeting-update-save.n_clicks", **{
        "meeting-update-save.n_clicks": 1, "meeting-update-action.value": str(action_id),
        "meeting-update-status.value": status, "meeting-update-note.value": note}))


# -- store growth ---------------------------------------------------------------------------------------------

def test_one_user_cannot_grow_an_actions_log_without_bound(app, clients):
    """Items (60) and actions (200) of a meeting are capped; the updates logged against one action are not: each
    click of "Log" with a note (up to 5,000 characters, on an open or closed meeting) adds a row for ever."""
    meeting_id = new_meeting(clients["north"])
    assert "agreed" in agree(clients["north"], meeting_id)
    action_id = rows(app, actions)[0].id
    note = "x" * 5_000
    accepted = 0
    for n in range(210):
        if "is open" in log_update(clients["north"], meeting_id, action_id, note=f"{n} {note}"[:5_000]):
            accepted += 1
    stored = len(rows(app, action_updates))
    assert accepted < 210 and stored <= 201, f"{accepted} updates of one action accepted, {stored} rows stored"


# -- who may -------------------------------------------------------------------------------------------------

def test_the_readme_and_the_code_agree_on_a_units_manager_and_their_offices_meetings(app, clients):
    """README, Stat meetings, Who: "managers, the meetings of their own subtree (a unit's manager joins their
    office's)". The code refuses a unit's manager every office meeting (Scope.owns: an office is above a unit),
    and the meetings page offers them nothing to hold a meeting for. One of the two is wrong."""
    from pathlib import Path
    promised = "a unit's manager joins their office's" in " ".join(
        (Path(__file__).parents[1] / "README.md").read_text().split())
    meeting_id = new_meeting(clients["alder"], entity="office:O001")  # U0001 is in Alder Office (O001)
    joins = "cannot be shown" not in shown(clients["unit"], meeting_id)
    assert promised == joins, f"README promises it: {promised}; the unit's manager sees the meeting: {joins}"


def test_a_refusal_does_not_tell_a_missing_meeting_from_another_subtrees(app, clients):
    theirs = new_meeting(clients["south"], entity="bureau:B02")
    missing = theirs + 1000
    for path in ("databook.pptx", "databook.pdf", "followup.txt"):
        a = clients["north"].get(f"/export/meeting/{theirs}/{path}")
        b = clients["north"].get(f"/export/meeting/{missing}/{path}")
        assert a.status_code == b.status_code == 403, path
        assert a.get_data(as_text=True).replace(f"meeting {theirs} ", "meeting N ") == \
            b.get_data(as_text=True).replace(f"meeting {missing} ", "meeting N ")
    a, b = shown(clients["north"], theirs), shown(clients["north"], missing)
    assert a.replace(f"meeting {theirs} ", "meeting N ") == b.replace(f"meeting {missing} ", "meeting N ")


def test_a_crafted_cell_does_not_tell_an_existing_entity_of_another_subtree_from_a_made_up_one(app, clients):
    meeting_id = new_meeting(clients["north"])

    def click(entity):
        return text_of(press(clients["north"], meeting_id, "reentry", entity))
    a, b = click("office:O004"), click("office:O999")
    assert a.replace("O004", "X") == b.replace("O999", "X"), (a[:600], b[:600])


def make_selection(app, entity=EntityRef("office", "O001"), indicator="placement_with_relatives"):
    snapshot = app.server.extensions["statboard"].warehouse.snapshot()
    month = resolve_month(snapshot, None)
    drawn = draw_cases(snapshot, Scope.everything(), [Cell(indicator, month, entity)], "atk", Criteria(n=3))
    return save_selection(engine_of(app), drawn, "exec"), month


def test_an_analyst_reads_no_case_review_content_in_a_meeting_an_executive_saved_the_follow_up_of(app, clients):
    """Analysts read every meeting "without case-level content (the case-review selections)". The follow-up an
    executive saves from the page (the text the page drew for them, reviews section included) is what every
    reader of the meeting then gets, analysts included."""
    meeting_id = new_meeting(clients["exec"])
    selection, _month = make_selection(app)
    said = text_of(act(clients["exec"], meeting_id, "meeting-selection-add.n_clicks", **{
        "meeting-selection-add.n_clicks": 1, "meeting-selection.value": str(selection.id)}))
    assert "added to the agenda" in said, said[:500]
    drawn = clients["exec"].get(f"/export/meeting/{meeting_id}/followup.txt").get_data(as_text=True)
    assert "Selection" not in drawn and "selection" not in drawn  # the follow-up goes to every attendee
    # the executive saves the follow-up as the page showed it
    assert "saved" in text_of(act(clients["exec"], meeting_id, "meeting-followup-save.n_clicks", **{
        "meeting-followup-save.n_clicks": 1, "meeting-followup.value": drawn}))
    analyst = clients["analyst"].get(f"/export/meeting/{meeting_id}/followup.txt").get_data(as_text=True)
    page = shown(clients["analyst"], meeting_id)
    assert "Case reviews" not in analyst and "Case reviews: selection" not in page, analyst


# -- mail ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("title, attendees", [
    ("Stat", "Ann\u2028Bcc: eve@evil.example <ann@example.org>"),
    ("Stat\u0085Bcc: eve@evil.example", "Ann Lee <ann@example.org>"),
    ('Stat', '"Eve, eve@evil.example" <ann@example.org>'),
    ("Stat", "Ann <ann@example.org>\nAnn again <ANN@example.org>"),
])
def test_the_follow_up_mail_goes_to_the_attendees_only_whatever_the_title_or_names_hold(
        demo_instance, tmp_path, smtp_server, title, attendees):
    inbox, url = smtp_server()
    app = make_app(demo_instance, tmp_path / "statboard.db", smtp_url=url, mail_from="stat@agency.example")
    north = signed_in_client(app, "north", "manager", "bureau:B01")
    response = post(north, "meeting-new-said", {
        "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": "bureau:B01", "meeting-new-month.value":
        "2026-09", "meeting-new-date.value": "2026-10-15", "meeting-new-title.value": title,
        "meeting-new-attendees.value": attendees}, "meeting-new-create.n_clicks")
    said = text_of(response)
    if "No meeting was prepared" in said:
        return  # refused as typed: held
    meeting_id = int(said.split("Meeting ")[1].split(" ")[0])
    text_of(act(north, meeting_id, "meeting-followup-send.n_clicks", **{
        "meeting-followup-send.n_clicks": 1, "meeting-followup.value": "Done."}))
    for _sender, recipients, message in inbox.received:
        assert [r.lower() for r in recipients] == ["ann@example.org"]
        raw = message.as_string()
        assert "evil.example" not in "".join(line for line in raw.splitlines() if line.lower().startswith(("bcc", "cc", "to")))
        assert message.get_all("Bcc") is None and message.get_all("Cc") is None


def test_a_title_with_a_unicode_line_separator_does_not_break_sending_the_follow_up(demo_instance, tmp_path,
                                                                                    smtp_server):
    """The title is "one line" (no \\n, no C0/C1 control), but U+2028 / U+2029 pass, and the mail's Subject
    header then refuses the title: the send callback answers 500 instead of a message."""
    inbox, url = smtp_server()
    app = make_app(demo_instance, tmp_path / "statboard.db", smtp_url=url, mail_from="stat@agency.example")
    north = signed_in_client(app, "north", "manager", "bureau:B01")
    said = text_of(post(north, "meeting-new-said", {
        "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": "bureau:B01", "meeting-new-month.value":
        "2026-09", "meeting-new-date.value": "2026-10-15", "meeting-new-title.value": "North\u2028Stat",
        "meeting-new-attendees.value": "Ann <ann@example.org>"}, "meeting-new-create.n_clicks"))
    if "No meeting was prepared" in said:
        return  # refused as typed: fixed
    meeting_id = int(said.split("Meeting ")[1].split(" ")[0])
    response = act(north, meeting_id, "meeting-followup-send.n_clicks", **{
        "meeting-followup-send.n_clicks": 1, "meeting-followup.value": "Done."})
    assert response.status_code == 200, response.status_code
    assert "Sent to 1 attendee" in text_of(response) and len(inbox.received) == 1


# -- the indicator page's trend annotations -------------------------------------------------------------------

def test_a_manager_who_sees_peers_reads_no_action_of_a_peer_offices_meetings_on_its_trend(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db", managers_see_peers=True)
    south = signed_in_client(app, "south", "manager", "bureau:B02")
    alder = signed_in_client(app, "alder", "manager", "office:O001")
    north = signed_in_client(app, "north", "manager", "bureau:B01")
    execu = signed_in_client(app, "exec", "executive")
    secret = "SECRET-ACTION-<b>x</b>"
    for client, entity, cell in ((alder, "office:O001", "reentry|office:O001"),
                                 (north, "bureau:B01", "reentry|bureau:B01"),
                                 (execu, "department", "reentry|department")):
        meeting_id = new_meeting(client, entity=entity)
        assert "agreed" in agree(client, meeting_id, what=secret, cell=cell)
    for reader, entity in ((south, "office:O001"), (south, "bureau:B01"), (alder, "bureau:B01"),
                           (alder, "department"), (north, "department"), (south, "department")):
        assert "SECRET-ACTION" not in trend_of(reader, entity), (reader, entity)
    # the control: each reads their own meeting's action on its cell's trend, its text escaped
    for reader, entity in ((alder, "office:O001"), (north, "bureau:B01"), (execu, "department")):
        body = trend_of(reader, entity)
        assert "SECRET-ACTION-&lt;b&gt;x&lt;/b&gt;" in body and "SECRET-ACTION-<b>" not in body, (entity, body[:300])


def test_a_viewer_reads_no_action_on_a_trend(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db")
    alder = signed_in_client(app, "alder", "manager", "office:O001")
    meeting_id = new_meeting(alder, entity="office:O001")
    assert "agreed" in agree(alder, meeting_id, what="SECRET-ACTION")
    for name, role, scope in (("viewer", "viewer", None), ("v1", "viewer", "office:O001")):
        assert "SECRET-ACTION" not in trend_of(signed_in_client(app, name, role, scope), "office:O001")


def trend_of(reader, entity) -> str:
    query = {"indicator_id": "reentry"} if entity == "department" else {"indicator_id": "reentry", "entity": entity}
    return text_of(post(reader, "indicator-trend", {"indicator-query.data": query}))


# -- crafted callback bodies ---------------------------------------------------------------------------------

def pattern_click(kind, key, value=1):
    field = "cell" if kind == "meeting-accept" else "item"
    ident = {field: key, "type": kind}
    changed = json.dumps(ident, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    pattern = json.dumps({field: ["ALL"], "type": kind}, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    return changed, {pattern: [{"id": ident, "property": "n_clicks", "value": value}]}


@pytest.mark.parametrize("key", ["²", "①", "٣", "1" * 30, "-1", "0", " 1", "1.0", "𝟙"])
def test_an_odd_item_id_is_refused_with_a_message_not_a_server_error(app, clients, key):
    meeting_id = new_meeting(clients["north"])
    for kind in ("meeting-item-up", "meeting-item-down", "meeting-item-remove", "meeting-item-save"):
        changed, values = pattern_click(kind, key)
        response = act(clients["north"], meeting_id, changed, **values)
        assert response.status_code == 200, (kind, key, response.status_code)
        assert "Nothing was changed" in text_of(response)


@pytest.mark.parametrize("field, trigger", [("meeting-selection.value", "meeting-selection-add.n_clicks"),
                                            ("meeting-update-action.value", "meeting-update-save.n_clicks")])
@pytest.mark.parametrize("value", ["²", "𝟙", "٣"])
def test_an_odd_selection_or_action_id_is_refused_with_a_message_not_a_server_error(app, clients, field, trigger,
                                                                                     value):
    meeting_id = new_meeting(clients["exec"])
    response = act(clients["exec"], meeting_id, trigger, **{trigger: 1, field: value,
                                                            "meeting-update-status.value": "done"})
    assert response.status_code == 200, (field, value, response.status_code)
    assert "Nothing was changed" in text_of(response)


def test_viewers_and_admins_change_nothing_whatever_they_post(app, clients):
    meeting_id = new_meeting(clients["exec"])
    assert "agreed" in agree(clients["exec"], meeting_id)
    action_id = rows(app, actions)[0].id
    triggers = {
        "meeting-flag-cell.data": {"meeting-flag-cell.data": {"indicator": "reentry", "entity": "bureau:B01"}},
        "meeting-text-add.n_clicks": {"meeting-text-add.n_clicks": 1, "meeting-text-kind.value": "kudos",
                                      "meeting-text-body.value": "hi"},
        "meeting-action-add.n_clicks": {"meeting-action-add.n_clicks": 1, "meeting-action-what.value": "x",
                                        "meeting-action-owner.value": "y", "meeting-action-due.value": "2026-12-01",
                                        "meeting-action-cell.value": "reentry|bureau:B01"},
        "meeting-update-save.n_clicks": {"meeting-update-save.n_clicks": 1,
                                         "meeting-update-action.value": str(action_id),
                                         "meeting-update-status.value": "dropped", "meeting-update-note.value": "x"},
        "meeting-summary-save.n_clicks": {"meeting-summary-save.n_clicks": 1, "meeting-highlights.value": "x"},
        "meeting-followup-save.n_clicks": {"meeting-followup-save.n_clicks": 1, "meeting-followup.value": "x"},
        "meeting-close-confirm.n_clicks": {"meeting-close-confirm.n_clicks": 1},
    }
    before = [rows(app, t) for t in (meetings, meeting_items, actions, action_updates)]
    for name in ("viewer", "admin", "south", "alder", "unit"):
        for trigger, values in triggers.items():
            said = text_of(act(clients[name], meeting_id, trigger, **values))
            assert "Nothing was changed" in said, (name, trigger)
        for path in ("databook.pptx", "databook.pdf", "followup.txt"):
            assert clients[name].get(f"/export/meeting/{meeting_id}/{path}").status_code == 403
    assert [rows(app, t) for t in (meetings, meeting_items, actions, action_updates)] == before


def test_one_user_cannot_mail_any_text_to_any_address_again_and_again(demo_instance, tmp_path, smtp_server):
    """Attendees are typed freely (any domain), the follow-up is free text up to 50,000 characters, and "Send"
    mails it from STATBOARD_MAIL_FROM each time it is clicked: the agency's mail server as a bulk mailer."""
    inbox, url = smtp_server()
    app = make_app(demo_instance, tmp_path / "statboard.db", smtp_url=url, mail_from="stat@agency.example")
    north = signed_in_client(app, "north", "manager", "bureau:B01")
    meeting_id = new_meeting(north, attendees="\n".join(f"Target {n} <t{n}@elsewhere.example>" for n in range(60)))
    for _ in range(20):
        said = text_of(act(north, meeting_id, "meeting-followup-send.n_clicks", **{
            "meeting-followup-send.n_clicks": 1, "meeting-followup.value": "Your account is locked: http://x.example"}))
    from store.meetings import FOLLOWUP_SENDS_MAX
    delivered = sum(len(recipients) for _sender, recipients, _message in inbox.received)
    assert len(inbox.received) == FOLLOWUP_SENDS_MAX and delivered == 60 * FOLLOWUP_SENDS_MAX, delivered
    assert "the most it may be" in said


def test_one_user_cannot_open_meetings_without_bound(app, clients):
    """Items, actions and attendees of a meeting are capped; the meetings themselves are not: the same meeting
    (entity, month, day) can be prepared again and again, each an open meeting holding a data version."""
    made = 0
    for _ in range(120):
        said = text_of(post(clients["north"], "meeting-new-said", {
            "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": "bureau:B01",
            "meeting-new-month.value": "2026-09", "meeting-new-date.value": "2026-10-15",
            "meeting-new-attendees.value": ""}, "meeting-new-create.n_clicks"))
        made += "No meeting was prepared" not in said
    assert made < 120, f"{made} identical open meetings prepared by one manager"


def test_an_analyst_neither_adds_nor_touches_a_case_review_item(app, clients):
    meeting_id = new_meeting(clients["exec"])
    selection, _month = make_selection(app)
    assert "Nothing was changed" in text_of(act(clients["analyst"], meeting_id, "meeting-selection-add.n_clicks", **{
        "meeting-selection-add.n_clicks": 1, "meeting-selection.value": str(selection.id)}))
    assert "added to the agenda" in text_of(act(clients["exec"], meeting_id, "meeting-selection-add.n_clicks", **{
        "meeting-selection-add.n_clicks": 1, "meeting-selection.value": str(selection.id)}))
    item_id = rows(app, meeting_items)[0].id
    for kind in ("meeting-item-up", "meeting-item-down", "meeting-item-remove", "meeting-item-save"):
        changed, values = pattern_click(kind, str(item_id))
        values['{"item":["ALL"],"type":"meeting-item-notes"}.value'] = [
            {"id": {"item": str(item_id), "type": "meeting-item-notes"}, "property": "value", "value": "x"}]
        assert "Nothing was changed" in text_of(act(clients["analyst"], meeting_id, changed, **values)), kind
    assert len(rows(app, meeting_items)) == 1 and rows(app, meeting_items)[0].notes == ""
    for name in ("analyst",):
        for path in ("databook.pdf", "followup.txt"):
            body = clients[name].get(f"/export/meeting/{meeting_id}/{path}")
            assert body.status_code == 200
            assert b"Selection" not in body.data and b"\xe2\x80\xa2\xe2\x80\xa2" not in body.data
    picks = [c for c in selection.picks]
    audit = json.dumps(db.audit_entries(engine_of(app), None), default=str)
    for case in picks:
        for value in (case.child_id, case.member_id):
            assert value not in audit


def test_action_text_reaches_the_meeting_pages_figures_only_escaped(app, clients):
    meeting_id = new_meeting(clients["north"])
    evil = '</a><a href="javascript:alert(1)" target="_blank">x</a>'
    press(clients["north"], meeting_id, "reentry", "office:O001")
    assert "agreed" in agree(clients["north"], meeting_id, what=evil)
    page = post(clients["north"], "meeting-title", {"meeting-query.data": {"id": str(meeting_id)},
                                                    "meeting-changed.data": {"n": 0}}).get_json()

    def figures(tree):
        if isinstance(tree, dict):
            if "layout" in tree and "data" in tree:
                yield tree
            for v in tree.values():
                yield from figures(v)
        elif isinstance(tree, list):
            for v in tree:
                yield from figures(v)
    texts = json.dumps(list(figures(page)))
    assert "javascript" in texts  # the annotation is there
    assert '<a href=\\"javascript' not in texts and "&lt;a href" in texts


def test_preparing_a_meeting_does_not_tell_an_existing_entity_of_another_subtree_from_a_made_up_one(app, clients):
    said = {}
    for entity in ("office:O004", "office:O999", "bureau:B02", "bureau:B99"):
        said[entity] = text_of(post(clients["alder"], "meeting-new-said", {
            "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": entity,
            "meeting-new-month.value": "2026-09", "meeting-new-date.value": "2026-10-15"},
            "meeting-new-create.n_clicks")).replace(entity, "X").replace(entity.replace(":", " "), "X")
    assert said["office:O004"] == said["office:O999"] and said["bureau:B02"] == said["bureau:B99"], said


def test_another_site_cannot_drive_the_meeting_page_nor_its_downloads(app, clients):
    from tests.web import callback_body
    meeting_id = new_meeting(clients["north"])
    body = callback_body(clients["north"], "meeting-said", {}, "meeting-close-confirm.n_clicks")
    for part in ("inputs", "state"):
        body[part] = [[] if i["id"].startswith("{") else i for i in body[part]]
    for i in body["inputs"] + body["state"]:
        if isinstance(i, dict) and i["id"] == "meeting-query":
            i["value"] = {"id": str(meeting_id)}
        if isinstance(i, dict) and i["id"] == "meeting-close-confirm":
            i["value"] = 1
    body["changedPropIds"] = ["meeting-close-confirm.n_clicks"]
    for content_type in ("application/json", "text/plain"):
        response = clients["north"].post("/_dash-update-component", data=json.dumps(body), content_type=content_type,
                                         headers={"Origin": "https://evil.example"})
        assert response.status_code == 403
    assert rows(app, meetings)[0].status == "open"
    for site in ("cross-site", "same-site"):
        response = clients["north"].get(f"/export/meeting/{meeting_id}/databook.pdf", headers={"Sec-Fetch-Site": site})
        assert response.status_code == 403
    assert not [e for e in db.audit_entries(engine_of(app), None) if e["action"] == "meeting-exported"]


# -- the organisation changes under an open meeting ------------------------------------------------------------

def test_moving_a_meeting_to_newer_data_does_not_hand_an_office_to_the_bureau_it_left(demo_instance, tmp_path):
    """A meeting keeps the ancestry its entity had in the version it is pinned to. When a load moves Alder Office
    (O001) from North Bureau (B01) to B02, North's manager may not move their O001 meeting onto the new data (it
    would hand them O001's current numbers); moved by an executive, the meeting follows the office to B02."""
    import shutil
    from loader.load import load_extract
    from queries.warehouse import Warehouse
    instance, extract = tmp_path / "instance", tmp_path / "extract"
    shutil.copytree(demo_instance, instance, symlinks=True)  # its link to the current version is relative
    shutil.copytree(demo_instance.parent / "extract", extract)
    app = make_app(instance, tmp_path / "statboard.db")
    north = signed_in_client(app, "north", "manager", "bureau:B01")
    south = signed_in_client(app, "south", "manager", "bureau:B02")
    meeting_id = new_meeting(north, entity="office:O001")
    version = rows(app, meetings)[0].version_id
    offices = (extract / "offices.csv").read_text()
    (extract / "offices.csv").write_text(offices.replace('"O001","Alder Office","B01"', '"O001","Alder Office","B02"'))
    manifest = json.loads((extract / "manifest.json").read_text())
    (extract / "manifest.json").write_text(json.dumps({**manifest, "as_of": "2026-11-15"}))
    app.server.extensions["statboard"].warehouse.dispose()
    warehouse = Warehouse(f"duckdb:///{instance / 'warehouse.duckdb'}")
    load_extract(extract, warehouse, keep_versions={version})
    warehouse.dispose()
    said = text_of(act(north, meeting_id, "meeting-move.n_clicks", **{"meeting-move.n_clicks": 1}))
    assert "Nothing was changed" in said and "outside what you may see" in said, said[:300]
    assert rows(app, meetings)[0].version_id == version  # still on the data it was prepared on, North's
    assert "Alder Office" in shown(north, meeting_id) and "Alder Office" not in shown(south, meeting_id)
    # Moved by someone who may (an executive), the meeting goes where its office now is.
    executive = signed_in_client(app, "exec", "executive")
    assert "Moved to data version" in text_of(act(executive, meeting_id, "meeting-move.n_clicks",
                                                  **{"meeting-move.n_clicks": 1}))
    assert rows(app, meetings)[0].bureau_id == "B02"
    assert "Alder Office" in shown(south, meeting_id) and "Alder Office" not in shown(north, meeting_id)
