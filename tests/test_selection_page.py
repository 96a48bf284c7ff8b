"""Picking cases for review on the web: the draw from a members list, the saved selection, eliminations."""
from __future__ import annotations

import json

import pytest

from store import db, reviews
from access.scope import Scope
from tests.web import engine_of, make_app, post_callback, signed_in_client

QUERY = {"indicator": "timely_contacts_cases", "month": "2026-10", "entity": "office:O001"}


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    return make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")


@pytest.fixture(scope="module")
def clients(app):
    return {"exec": signed_in_client(app, "exec", "executive"),
            "mgr": signed_in_client(app, "mgr", "manager", "office:O001"),
            "mgr2": signed_in_client(app, "mgr2", "manager", "office:O002"),
            "analyst": signed_in_client(app, "analyst", "analyst"),
            "viewer": signed_in_client(app, "viewer", "viewer")}


def _pick(client, query=QUERY, **fields):
    values = {"members-query.data": query, "pick-button.n_clicks": 1, "pick-n.value": "2",
              "pick-stratify.value": "unit", "pick-only.value": "all", "pick-within.value": "",
              "pick-seed.value": "20261130"}
    values.update({f"pick-{k}.value": v for k, v in fields.items()})
    response = post_callback(client, "pick-message.children", values)
    assert response.status_code == 200
    return response.get_json()["response"]


def _selection(client, selection_id, reveal="masked"):
    response = post_callback(client, "selection-title.children",
                             {"selection-query.data": {"id": str(selection_id)}, "selection-reveal.value": reveal})
    assert response.status_code == 200
    return response.get_json()["response"], response.get_data(as_text=True)


def test_a_draw_on_the_page_is_the_cli_s_draw_saved_and_opened(app, clients, demo_snapshot):
    answer = _pick(clients["mgr"])
    href = answer["members-url"]["href"]
    assert href.startswith("/selection?id=")
    selection = reviews.load_selection(engine_of(app), Scope(), int(href.split("=")[1]))
    same = reviews.draw_cases(demo_snapshot, Scope(), [reviews.Cell("timely_contacts_cases",
                                                                    selection.cells[0].month,
                                                                    selection.cells[0].entity)],
                              "20261130", reviews.Criteria(2, "unit"))
    assert [c.member_id for c in selection.picks] == [c.member_id for c in same.picks]
    assert selection.created_by == "mgr" and selection.seed == "20261130"
    [entry] = [e for e in db.audit_entries(engine_of(app), None, "mgr") if e["detail"].get("via") == "page"
               and e["detail"].get("selection") == selection.id]
    assert entry["detail"]["picked"] == len(selection.picks)
    # The page names the indicator, the office, the groups (units), workers and units: names, not ids.
    _answer, text = _selection(clients["mgr"], selection.id)
    assert "Timely contacts: cases, October 2026, Alder Office" in text and "timely_contacts_cases, " not in text
    units = demo_snapshot.read("select entity_id, entity_name from entities where level = 'unit'")
    workers = demo_snapshot.read("select entity_id, entity_name from entities where level = 'worker'")
    for case in selection.picks:
        for names, ident in ((units, case.unit_id), (workers, case.worker_id)):
            name = names[names.entity_id == ident].entity_name.iloc[0]
            assert f'"children":"{name}"' in text and f'"children":"{ident}"' not in text


def test_a_blank_seed_is_made_and_recorded_and_bad_criteria_say_what_to_write(app, clients):
    href = _pick(clients["exec"], seed="")["members-url"]["href"]
    selection = reviews.load_selection(engine_of(app), Scope(), int(href.split("=")[1]))
    assert len(selection.seed) == 8
    said = json.dumps(_pick(clients["exec"], n="five")["pick-message"])
    assert "cases per group must be a whole number" in said


def test_nobody_picks_or_opens_cases_outside_their_own_part(app, clients):
    engine = engine_of(app)
    answer = _pick(clients["mgr2"])  # O002's manager, O001's members
    assert "members-url" not in answer and "No cases were picked" in json.dumps(answer["pick-message"])
    assert "No cases were picked" in json.dumps(_pick(clients["analyst"])["pick-message"])
    href = _pick(clients["exec"])["members-url"]["href"]
    answer, text = _selection(clients["mgr2"], href.split("=")[1])
    assert "cannot be shown" in json.dumps(answer["selection-message"]) and answer["selection-picks"]["children"] is None
    assert db.audit_entries(engine, 1, "mgr2", "access-refused")


def test_the_selection_is_masked_until_revealed_and_an_elimination_brings_the_next_case(app, clients):
    engine = engine_of(app)
    href = _pick(clients["mgr"], stratify="none", n="2")["members-url"]["href"]
    selection_id = int(href.split("=")[1])
    selection = reviews.load_selection(engine, Scope(), selection_id)
    answer, text = _selection(clients["mgr"], selection_id)
    assert not [c.member_id for c in selection.cases if c.member_id in text]  # masked: no whole id sent
    answer, text = _selection(clients["mgr"], selection_id, "shown")
    assert all(c.member_id in text for c in selection.picks)
    assert db.audit_entries(engine, 1, "mgr", "selection-revealed")
    first = selection.picks[0]
    response = post_callback(clients["mgr"], "selection-said.children", {
        "selection-query.data": {"id": str(selection_id)}, "selection-eliminate.n_clicks": 1,
        "selection-case.value": str(first.draw), "selection-reason.value": "sibling_in_sample",
        "selection-note.value": "a brother is already in the sample", "selection-changed.data": {"eliminated": 0}})
    assert "takes its place" in response.get_data(as_text=True)
    after = reviews.load_selection(engine, Scope(), selection_id)
    assert after.picks[0].eliminated and after.picks[-1].member_id == selection.replacements[0].member_id
    # Without a note nothing is eliminated, and the page says why.
    response = post_callback(clients["mgr"], "selection-said.children", {
        "selection-query.data": {"id": str(selection_id)}, "selection-eliminate.n_clicks": 1,
        "selection-case.value": str(after.picks[1].draw),
        "selection-reason.value": "sibling_in_sample", "selection-note.value": "",
        "selection-changed.data": {"eliminated": 1}})
    assert "needs a note" in response.get_data(as_text=True)


@pytest.mark.parametrize("crafted", ["x", "1e999", -1, True, 2 ** 60, None, ["1"]])
def test_a_crafted_redraw_counter_is_taken_as_0_and_the_case_is_eliminated_once(app, clients, crafted):
    engine = engine_of(app)
    href = _pick(clients["mgr"], stratify="none", n="2", seed=f"counter-{crafted}")["members-url"]["href"]
    selection_id = int(href.split("=")[1])
    first = reviews.load_selection(engine, Scope(), selection_id).picks[0]
    response = post_callback(clients["mgr"], "selection-said.children", {
        "selection-query.data": {"id": str(selection_id)}, "selection-eliminate.n_clicks": 1,
        "selection-case.value": str(first.draw), "selection-reason.value": "sibling_in_sample",
        "selection-note.value": "a sister is already in the sample", "selection-changed.data": {"eliminated": crafted}})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer = response.get_json()["response"]
    assert "takes its place" in json.dumps(answer["selection-said"])
    assert answer["selection-changed"]["data"] == {"eliminated": 1}
    after = reviews.load_selection(engine, Scope(), selection_id)
    assert [c.draw for c in after.picks if c.eliminated] == [first.draw]
    eliminated = [e for e in db.audit_entries(engine, None, "mgr", reviews.ELIMINATED)
                  if e["detail"]["selection"] == selection_id]
    assert [e["detail"]["draw"] for e in eliminated] == [first.draw]


def test_rows_ticked_in_the_list_are_picked_by_hand_without_their_ids_leaving_the_server(app, clients, demo_snapshot):
    from access.scope import EntityRef
    from queries.scorecard import members_behind_cell, parse_month
    from tests.web import callback_body
    truth = members_behind_cell(demo_snapshot, Scope(), QUERY["indicator"], parse_month("2026-10"),
                                EntityRef("office", "O001"))
    def pick_rows(rows):
        body = callback_body(clients["mgr"], "pick-message.children", {
            "members-query.data": QUERY, "pick-chosen.n_clicks": 1, "pick-seed.value": "hand",
            "members-grid.selectedRows": [{"row": r, "member_id": "••••"} for r in rows]})
        body["changedPropIds"] = ["pick-chosen.n_clicks"]
        response = clients["mgr"].post("/_dash-update-component", data=json.dumps(body),
                                       content_type="application/json")
        assert response.status_code == 200
        return response.get_json()["response"]
    href = pick_rows([3, 1])["members-url"]["href"]
    selection = reviews.load_selection(engine_of(app), Scope(), int(href.split("=")[1]))
    assert sorted(c.member_id for c in selection.picks) == sorted(truth.member_id.iloc[[0, 2]])
    assert selection.criteria.hand_picked and selection.criteria.n is None
    assert "tick the rows" in json.dumps(pick_rows([]))
    assert "the list changed" in json.dumps(pick_rows([len(truth) + 1]))


def test_a_draw_from_several_cells_of_one_entity(app, clients, demo_snapshot):
    answer = _pick(clients["mgr"], stratify="none", n="3")
    values = {"members-query.data": QUERY, "pick-button.n_clicks": 1, "pick-n.value": "3", "pick-stratify.value": "none",
              "pick-only.value": "all", "pick-within.value": "", "pick-seed.value": "several",
              "pick-also.value": ["timely_medical_exam", "timely_contacts_cases"]}
    response = post_callback(clients["mgr"], "pick-message.children", values)
    href = response.get_json()["response"]["members-url"]["href"]
    selection = reviews.load_selection(engine_of(app), Scope(), int(href.split("=")[1]))
    assert [c.indicator_id for c in selection.cells] == ["timely_contacts_cases", "timely_medical_exam"]
    assert len(selection.picks) == 3 and answer["members-url"]["href"] != href
    too_many = post_callback(clients["mgr"], "pick-message.children", {**values, "pick-also.value": ["x"] * 10})
    assert "at most 9 other indicators" in too_many.get_data(as_text=True)


def test_assigning_with_a_bad_due_day_or_no_selection_says_what_to_write(clients):
    href = _pick(clients["exec"], seed="due")["members-url"]["href"]
    def assign(query, due):
        return json.dumps(post_callback(clients["exec"], "selection-assigned.children", {
            "selection-query.data": query, "selection-assign.n_clicks": 1, "selection-reviewer.value": "exec",
            "selection-due.value": due}).get_json())
    assert "'next week' is not a day: write YYYY-MM-DD" in assign({"id": href.split("=")[1]}, "next week")
    assert "give the day the reviews are due" in assign({"id": href.split("=")[1]}, None)
    assert "the address names no selection: write /selection?id=N" in assign({"id": "x"}, "2099-01-01")


def _assign(client, selection_id, reviewer, due="2099-01-01"):
    return json.dumps(post_callback(client, "selection-assigned.children", {
        "selection-query.data": {"id": str(selection_id)}, "selection-assign.n_clicks": 1,
        "selection-reviewer.value": reviewer, "selection-due.value": due}).get_json(), ensure_ascii=False)


def test_the_reviewer_is_chosen_from_those_who_may_review_and_each_pick_shows_its_review(app, clients):
    from tests.web import ensure_user
    from store.users import set_disabled
    ensure_user(app, "gone", "manager", "office:O001")
    set_disabled(engine_of(app), "gone", True, "test")
    ensure_user(app, "bureau", "manager", "bureau:B01")
    href = _pick(clients["mgr"], seed="reviewers", stratify="none")["members-url"]["href"]
    selection_id = int(href.split("=")[1])
    answer, _text = _selection(clients["mgr"], selection_id)
    offered = {o["value"]: o["label"] for o in answer["selection-reviewer"]["options"]}
    # Active managers whose scope covers the office, and the executives; no one else.
    assert {"mgr", "exec", "bureau"} <= set(offered) and not {"mgr2", "analyst", "viewer", "gone"} & set(offered)
    assert offered["mgr"] == "mgr — manager of Alder Office" and "office:O001" not in json.dumps(offered)
    assert answer["selection-assign-form"]["style"] is None
    assert "not assigned yet" in json.dumps(answer["selection-picks"])
    said = _assign(clients["mgr"], selection_id, "mgr")
    assert "2 reviews assigned to mgr, due 1 January 2099" in said
    answer, _text = _selection(clients["mgr"], selection_id)
    picks = json.dumps(answer["selection-picks"])
    assert picks.count("/review?id=") == 2 and picks.count("Assigned") == 2 and "due 1 Jan 2099" in picks
    # Every pick has its review: nothing is left to assign, and the form goes.
    assert answer["selection-assign-form"]["style"] == {"display": "none"}
    assert "choose the reviewer" in _assign(clients["mgr"], selection_id, None)


def test_a_viewer_is_told_what_they_cannot_do_here_and_offered_the_way_back(app, clients):
    href = _pick(clients["exec"], seed="viewer")["members-url"]["href"]
    answer, text = _selection(clients["viewer"], href.split("=")[1])
    assert answer["selection-assign-form"]["style"] == {"display": "none"}
    assert answer["selection-reveal-box"]["style"] == {"display": "none"}
    assert answer["selection-form"]["style"] == {"display": "none"} and answer["selection-reviewer"]["options"] == []
    said = json.dumps(answer["selection-message"])
    assert "Your role, viewer" in said and "nor assign their reviews" in said and '"/scorecard"' in said


def test_asked_for_more_cases_than_the_cell_holds_the_page_says_so(app, clients):
    href = _pick(clients["mgr"], seed="many", stratify="none", n="500")["members-url"]["href"]
    selection = reviews.load_selection(engine_of(app), Scope(), int(href.split("=")[1]))
    held = len(selection.picks)
    assert 1 < held < 500
    answer, _text = _selection(clients["mgr"], selection.id)
    facts = json.dumps(answer["selection-facts"])
    assert f"Asked for 500; the cell holds {held} cases that could be picked: all {held} picked." in facts
    assert "Drawn: 500 cases at random." in facts and "0 cases left in the replacement list." in facts
    assert answer["selection-title"]["children"].endswith(f": {held} cases for review")
    assert "timely_contacts_cases 2026" not in facts and "(office:O001)" not in facts
