"""Presentation mode on the server: every page takes `present=1` (its own strict parser never sees it), and in
presentation no child or case id leaves the server unmasked, whatever the reader's role or the callback asks."""
from __future__ import annotations

import json

import pytest

from store import reviews
from access.scope import EntityRef, Scope
from queries.scorecard import members_behind_cell, parse_month
from tests.web import engine_of, make_app, post_callback, signed_in_client

QUERY = {"indicator": "timely_response_immediate", "month": "2026-10", "entity": "office:O001"}
ON = {"present": True}
PAGES = ["/?present=1", "/scorecard?present=1", "/scorecard?parent=office:O001&present=1",
         "/indicator/timely_response_immediate?present=1", "/entity/office/O001?present=1",
         "/members?indicator=timely_response_immediate&month=2026-10&entity=office:O001&present=1",
         "/meetings?present=1", "/meeting?id=1&present=1", "/selection?id=1&present=1", "/review?id=1&present=1",
         "/reviews?present=1", "/admin?present=1", "/providers?present=1", "/providers/FFA07?present=1",
         "/members?indicator=placement_stability_0_12&month=2026-10&entity=provider:FFA07&present=1"]


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    return make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")


@pytest.fixture(scope="module")
def clients(app):
    return {"exec": signed_in_client(app, "exec", "executive"),
            "mgr": signed_in_client(app, "mgr", "manager", "office:O001")}


@pytest.fixture(scope="module")
def truth(demo_snapshot):
    frame = members_behind_cell(demo_snapshot, Scope(), QUERY["indicator"], parse_month("2026-10"),
                                EntityRef("office", "O001"))
    return list(frame.member_id) + list(frame.child_id)


def _page(client, search: str, path: str) -> str:
    response = post_callback(client, "_pages_content.children", {"_pages_location.pathname": path,
                                                                  "_pages_location.search": search})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_every_page_takes_present_without_its_parser_refusing_it(clients, url):
    path, _, search = url.partition("?")
    text = _page(clients["exec"], "?" + search, path)
    assert "does not take" not in text and "\"present\":\"1\"" not in text  # the query store never holds it


def test_a_page_still_refuses_an_unknown_parameter_in_presentation(clients):
    from components.links import MembersView, ViewError
    with pytest.raises(ViewError, match="does not take"):
        MembersView.from_query({**QUERY, "colour": "red"})


def test_the_members_page_in_presentation_offers_no_reveal_and_keeps_the_mode(clients):
    search = "?" + "&".join(f"{k}={v}" for k, v in QUERY.items())
    normal = _page(clients["exec"], search, "/members")
    presented = _page(clients["exec"], search + "&present=1", "/members")
    assert "Shown (written to the audit log)" in normal
    assert "Shown (written to the audit log)" not in presented
    assert '"members-present"' in presented and '"present":true' in presented


def _members(client, reveal, present, headers=None):
    from tests.web import callback_body
    body = callback_body(client, "members-grid.rowData", {"members-query.data": QUERY, "members-reveal.value": reveal,
                                                          "members-present.data": present})
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json",
                           headers=headers or {})
    assert response.status_code == 200
    return response.get_json()["response"], response.get_data(as_text=True)


@pytest.mark.parametrize("reader", ["exec", "mgr"])
def test_a_crafted_callback_asking_for_revealed_ids_in_presentation_is_answered_masked(clients, truth, reader):
    answer, text = _members(clients[reader], "shown", ON)
    rows = answer["members-grid"]["rowData"]
    assert rows and all(r["member_id"].startswith("••••") and r["child_id"].startswith("••••") for r in rows)
    assert not [i for i in truth if i in text]
    assert "Download CSV" not in text  # the download of shown ids is not offered either


def test_a_callback_from_a_presented_page_is_answered_masked_even_without_the_store(clients, truth):
    referer = {"Referer": "http://localhost/members?indicator=x&present=1", "Sec-Fetch-Site": "same-origin"}
    answer, text = _members(clients["exec"], "shown", {"present": False}, referer)
    assert not [i for i in truth if i in text]


def test_outside_presentation_an_executive_may_still_reveal(clients, truth):
    answer, text = _members(clients["exec"], "shown", {"present": False})
    assert any(i in text for i in truth)


def test_the_selection_in_presentation_is_masked_whatever_is_asked(app, clients, demo_snapshot):
    cell = reviews.Cell(QUERY["indicator"], parse_month("2026-10"), EntityRef("office", "O001"))
    selection = reviews.pick(demo_snapshot, Scope(), engine_of(app), [cell], "20261130", reviews.Criteria(3))
    saved = reviews.save_selection(engine_of(app), selection, "exec", "page")
    ids = [c.member_id for c in saved.picks] + [c.child_id for c in saved.picks if c.child_id]

    def open_(present):
        response = post_callback(clients["exec"], "selection-title.children",
                                 {"selection-query.data": {"id": str(saved.id)}, "selection-reveal.value": "shown",
                                  "selection-present.data": present})
        assert response.status_code == 200
        return response.get_data(as_text=True)
    assert any(i in open_({"present": False}) for i in ids)
    assert not [i for i in ids if i in open_(ON)]
    page = _page(clients["exec"], f"?id={saved.id}&present=1", "/selection")
    assert "Shown (written to the audit log)" not in page
