"""The members behind a cell on screen: who may list them, ids masked until revealed, every opening audited."""
from __future__ import annotations

import json

import pytest

from components.members import column_defs, filter_model
from display.mask import mask_id
from store import db
from tests.web import engine_of, make_app, post_callback, signed_in_client

ROWS = "members-grid.rowData"
QUERY = {"indicator": "timely_response_immediate", "month": "2026-10", "entity": "office:O001"}


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    return make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")


@pytest.fixture(scope="module")
def clients(app):
    return {"exec": signed_in_client(app, "exec", "executive"),
            "mgr": signed_in_client(app, "mgr", "manager", "office:O001"),
            "analyst": signed_in_client(app, "analyst", "analyst")}


def _open(client, query=QUERY, reveal="masked"):
    response = post_callback(client, ROWS, {"members-query.data": query, "members-reveal.value": reveal})
    assert response.status_code == 200
    return response.get_json()["response"], response.get_data(as_text=True)


def test_an_id_is_masked_to_its_last_characters_never_more_than_half():
    assert mask_id("F00001979") == "••••1979"
    assert mask_id("000123") == "••••123" and mask_id("7") == "••••" and mask_id("AB") == "••••B"
    assert mask_id(None) == ""


def test_members_are_listed_masked_and_the_opening_is_audited(app, clients, demo_snapshot):
    from access.scope import Scope
    from access.scope import EntityRef
    from queries.scorecard import members_behind_cell, parse_month
    truth = members_behind_cell(demo_snapshot, Scope(), QUERY["indicator"], parse_month("2026-10"),
                                EntityRef("office", "O001"))
    answer, text = _open(clients["exec"])
    rows = answer["members-grid"]["rowData"]
    assert len(rows) == len(truth) > 5
    assert all(r["member_id"].startswith("••••") and r["child_id"].startswith("••••") for r in rows)
    # No whole id leaves the server while masked, in any output of the answer.
    assert not [i for i in list(truth.member_id) + list(truth.child_id) if i in text]
    assert {r["met"] for r in rows} <= {"yes", "no"} and all(r["start_date"] and r["worker"] and r["unit"] for r in rows)
    [entry] = db.audit_entries(engine_of(app), 1, "exec", "members-listed")
    assert entry["detail"] == {"indicator": QUERY["indicator"], "month": "2026-10", "entity": "office:O001",
                               "rows": len(truth), "via": "page"}


def test_revealing_shows_the_ids_and_is_audited(app, clients, demo_snapshot):
    engine = engine_of(app)
    before = len(db.audit_entries(engine, None, "mgr", "members-revealed"))
    answer, _ = _open(clients["mgr"], reveal="shown")
    rows = answer["members-grid"]["rowData"]
    assert rows and not any(r["member_id"].startswith("••••") for r in rows)
    assert len(db.audit_entries(engine, None, "mgr", "members-revealed")) == before + 1


def test_a_manager_gets_no_member_of_another_office_and_the_try_is_audited(app, clients):
    engine = engine_of(app)
    before = len(db.audit_entries(engine, None, "mgr", "access-refused"))
    answer, text = _open(clients["mgr"], {**QUERY, "entity": "office:O002"}, reveal="shown")
    assert answer["members-grid"]["rowData"] == [] and "is outside what you may see" in json.dumps(answer["members-message"])
    assert "R000" not in text
    assert len(db.audit_entries(engine, None, "mgr", "access-refused")) == before + 1


def test_the_indicator_page_links_to_the_members_only_for_readers_who_may_see_them(clients):
    def link(client, parent):
        response = post_callback(client, "indicator-summary.children",
                                 {"indicator-query.data": {"indicator_id": "reentry", "parent": parent}})
        return "/members?indicator=reentry" in json.dumps(response.get_json())
    assert link(clients["exec"], "office:O002") and link(clients["exec"], "")
    assert link(clients["mgr"], "office:O001") and not link(clients["mgr"], "unit:U0005")  # U0005: office O002
    assert not link(clients["analyst"], "office:O001")
    # A scorecard cell opens the indicator page with that row's trend: its members are a click away too.
    def links(client, query):
        response = post_callback(client, "indicator-summary.children",
                                 {"indicator-query.data": {"indicator_id": "reentry", **query}})
        return [h for h in ("entity=office:O001", "entity=unit:U0001") if h in json.dumps(response.get_json())]
    assert links(clients["mgr"], {"parent": "office:O001", "entity": "unit:U0001"}) == [
        "entity=office:O001", "entity=unit:U0001"]
    assert links(clients["exec"], {"parent": "bureau:B01", "entity": "office:O001"}) == ["entity=office:O001"]


def test_columns_and_filters_follow_the_indicator(clients):
    assert [c["headerName"] for c in column_defs("referral", "proportion")] == [
        "Referral", "Child", "Met", "Received", "First contact", "Worker", "Unit"]
    assert [c["headerName"] for c in column_defs("episode", "median")][2] == "Days"
    assert [c["headerName"] for c in column_defs("child", "proportion")][:2] == ["Child", "Met"]
    response = post_callback(clients["exec"], "members-grid.filterModel", {
        "members-met.value": "no", "members-unit.value": "Alder Unit 1", "members-worker.value": None})
    assert response.get_json()["response"]["members-grid"]["filterModel"] == {
        "met": {"filterType": "text", "type": "equals", "filter": "no"},
        "unit": {"filterType": "text", "type": "equals", "filter": "Alder Unit 1"}}
    assert filter_model("all", None, None) == {}
