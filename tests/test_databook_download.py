"""The data book from the meeting page's buttons (pages/meeting.py, web/downloads.py): the page says it is being
made, then that it is done, through Dash's real callback endpoint, with the download address's checks and
audit."""
from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest

from store import db
from tests.test_databook import chromium_or_skip
from tests.test_meeting_pages import READERS, ids_of, new_meeting, post, text_of
from tests.web import engine_of, make_app, signed_in_client

BUTTONS = json.dumps({"format": ["ALL"], "type": "meeting-databook"}, separators=(",", ":"), sort_keys=True)


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    return make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")


@pytest.fixture(scope="module")
def clients(app):
    return {name: signed_in_client(app, name, *READERS[name]) for name in ("north", "south", "viewer")}


@pytest.fixture(scope="module")
def meeting_id(clients):
    return new_meeting(clients["north"])


def click(client, meeting_id, fmt: str):
    """Click the data book's `fmt` button on meeting `meeting_id`'s page: the callback's answer."""
    clicked = json.dumps({"format": fmt, "type": "meeting-databook"}, separators=(",", ":"), sort_keys=True)
    buttons = [{"id": {"format": f, "type": "meeting-databook"}, "property": "n_clicks", "value": int(f == fmt)}
               for f in ("pptx", "pdf")]
    return post(client, "meeting-databook-file", {f"{BUTTONS}.n_clicks": buttons,
                                                   "meeting-query.data": {"id": str(meeting_id)}},
                f"{clicked}.n_clicks")


def exported(app) -> list:
    return [e for e in db.audit_entries(engine_of(app), None) if e["action"] == "meeting-exported"]


def test_the_page_offers_the_data_book_as_buttons_that_say_it_is_being_made(clients, meeting_id):
    from pages.meeting import layout
    response = post(clients["north"], "meeting-title", {"meeting-query.data": {"id": str(meeting_id)},
                                                        "meeting-changed.data": {"n": 0}})
    shown = text_of(response)
    assert [i["format"] for i in ids_of(response.get_json(), "meeting-databook")] == ["pptx", "pdf"]
    assert "/databook.pptx" not in shown  # a button, not a bare link that says nothing for ten seconds
    drawn = json.dumps(layout().to_plotly_json(), default=lambda c: c.to_plotly_json())
    assert "Preparing the data book\\u2026 (about 10 seconds)" in drawn


def test_a_click_makes_the_book_says_it_is_done_and_is_audited_as_the_download_is(app, clients, meeting_id):
    chromium_or_skip()
    answer = click(clients["north"], meeting_id, "pptx").get_json()["response"]
    sent = answer["meeting-databook-file"]["data"]
    assert sent["filename"].startswith(f"databook-meeting-{meeting_id}-") and sent["filename"].endswith(".pptx")
    assert zipfile.ZipFile(io.BytesIO(base64.b64decode(sent["content"]))).namelist()  # a real deck
    assert f"Done: {sent['filename']} downloaded." in json.dumps(answer["meeting-databook-said"])
    assert [(e["actor"], e["detail"].get("format"), e["detail"].get("via")) for e in exported(app)] == \
        [("north", "pptx", "download")]


def test_a_reader_outside_the_meeting_is_told_no_and_nothing_is_made(app, clients, meeting_id):
    before = len(exported(app))
    for name in ("south", "viewer"):
        answer = text_of(click(clients[name], meeting_id, "pdf"))
        assert "The data book was not made" in answer and "meeting-databook-file" not in answer
    assert len(exported(app)) == before
    refusals = [e for e in db.audit_entries(engine_of(app), None) if e["action"].startswith("access-refused")]
    assert [e for e in refusals if e["actor"] == "south"]
