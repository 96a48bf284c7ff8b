"""The review queue and the review form on the web: scoped, checked as the store checks, every problem at once."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from display.mask import mask_id
from store import case_reviews, db, reviews
from reviews.instrument import load_instrument
from access.roles import reader_for
from access.scope import EntityRef, Scope
from tests.web import callback_body, engine_of, make_app, post_callback, signed_in_client

RATING, RATIONALE = '{"item":["ALL"],"type":"review-rating"}', '{"item":["ALL"],"type":"review-rationale"}'
THEMES, QUESTION = '{"form":["ALL"],"type":"review-themes"}', '{"question":["ALL"],"type":"review-question"}'


@pytest.fixture(scope="module")
def app(demo_instance, demo_snapshot, tmp_path_factory):
    return make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")


@pytest.fixture(scope="module")
def clients(app):
    return {"exec": signed_in_client(app, "exec", "executive"),
            "mgr": signed_in_client(app, "mgr", "manager", "office:O001"),
            "mgr2": signed_in_client(app, "mgr2", "manager", "office:O002"),
            "analyst": signed_in_client(app, "analyst", "analyst")}


@pytest.fixture(scope="module")
def review_id(app, clients, demo_snapshot):
    engine = engine_of(app)
    cell = reviews.Cell("timely_contacts_cases", dt.date(2026, 10, 1), EntityRef("office", "O001"))
    selection = reviews.save_selection(engine, reviews.pick(demo_snapshot, Scope(), engine, [cell], "web",
                                                            reviews.Criteria(1)), "exec")
    [review] = case_reviews.open_reviews(engine, reader_for("exec", "executive", None), selection.id, "mgr",
                                         dt.date(2099, 12, 31))
    return review.id


def _save(client, review_id, items, complete=False, questions=()):
    """The save callback's body as the browser sends it: each pattern-matched state a list of components."""
    body = callback_body(client, "review-said.children", {"review-query.data": {"id": str(review_id)},
                                                          "review-save.n_clicks": None if complete else 1,
                                                          "review-complete.n_clicks": 1 if complete else None})
    body["changedPropIds"] = ["review-complete.n_clicks" if complete else "review-save.n_clicks"]
    matched = {RATING: [{"id": {"type": "review-rating", "item": i}, "property": "value", "value": r}
                        for i, (r, _) in items.items()],
               RATIONALE: [{"id": {"type": "review-rationale", "item": i}, "property": "value", "value": t}
                           for i, (_, t) in items.items()],
               THEMES: [{"id": {"type": "review-themes", "form": "themes"}, "property": "value", "value": []}],
               QUESTION: [{"id": {"type": "review-question", "question": q}, "property": "value", "value": a}
                          for q, a in questions]}
    body["state"] = [matched.get(s["id"], s) for s in body["state"]]
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json())


def _parts(tree) -> dict:
    """Each part of a drawn form (an element with an id) and the text inside it."""
    found = {}

    def walk(node):
        if isinstance(node, list):
            return " ".join(walk(n) for n in node)
        if isinstance(node, dict):
            props = node.get("props", {})
            text = walk(props.get("children"))
            if isinstance(props.get("id"), str):
                found[props["id"]] = text
            return text
        return "" if node is None else str(node)
    walk(tree)
    return found


def test_the_queue_and_the_review_are_for_readers_whose_scope_holds_the_case(app, clients, review_id):
    def queue(name):  # what the page shows (the filters' options carry ids as their values, never shown)
        answer = post_callback(clients[name], "reviews-table.children", {"reviews-query.data": {}}).get_json()
        return json.dumps([answer["response"].get(part) for part in ("reviews-message", "reviews-table",
                                                                     "reviews-findings")])
    assert f"/review?id={review_id}" in queue("mgr") and f"/review?id={review_id}" in queue("exec")
    assert f"/review?id={review_id}" not in queue("mgr2") and "No reviews to show" in queue("analyst")
    assert "Timely contacts: cases" in queue("mgr") and "Alder Office" in queue("mgr")  # names, not ids
    assert "timely_contacts_cases" not in queue("mgr") and "office:O001" not in queue("mgr")
    def form(name):
        return json.dumps(post_callback(clients[name], "review-form.children",
                                        {"review-query.data": {"id": str(review_id)}}).get_json())
    assert "review-rating" in form("mgr") and "review-rating" not in form("mgr2")
    facts = json.dumps(post_callback(clients["mgr"], "review-facts.children",
                                     {"review-query.data": {"id": str(review_id)}}).get_json())
    assert "Timely contacts: cases, October 2026, Alder Office" in facts  # names, not internal ids
    assert "timely_contacts_cases" not in facts and "office:O001" not in facts
    assert "cannot be shown" in form("mgr2")
    refused = len(db.audit_entries(engine_of(app), None, "mgr2", "access-refused"))
    said = _save(clients["mgr2"], review_id, {"safety_assessment": ("strength", "")})
    assert "Nothing was saved" in said
    assert len(db.audit_entries(engine_of(app), None, "mgr2", "access-refused")) == refused + 1


def test_a_draft_saves_and_completing_lists_every_problem_at_once(app, clients, review_id):
    engine = engine_of(app)
    items = [i for o in load_instrument().outcomes for i in o.items]
    first = items[0].id
    assert "Draft saved" in _save(clients["mgr"], review_id, {first: ("ani", "")})
    review = case_reviews.load_review(engine, reader_for("mgr", "manager", "office:O001"), review_id)
    assert review.status == "in progress" and review.answers["items"] == {first: {"rating": "ani"}}
    said = _save(clients["mgr"], review_id, {first: ("ani", "")}, complete=True)
    # Every problem at once, each beside its part of the form (the first scrolled to): the rationale, the items
    # not rated, the questions not answered; the summary under the form counts them.
    answer = json.loads(said)["response"]
    problems = (len(items) - 1) + 1 + sum(q.required for q in load_instrument().questions)  # unrated, rationale
    assert f"Not completed: {problems} problems, each shown in red beside its question" in json.dumps(
        answer["review-said"])
    parts = _parts(answer["review-form"]["children"])
    assert "which needs a rationale" in parts[f"review-item-{first}"]
    assert "not rated" in parts[f"review-item-{items[1].id}"] and "not rated" not in parts[f"review-item-{first}"]
    assert json.dumps(answer["review-form"]).count("review-problem") == problems
    question = next(q for q in load_instrument().questions if q.required)
    assert "is not answered" in parts[f"review-question-{question.id}"]
    assert case_reviews.load_review(engine, reader_for("mgr", "manager", "office:O001"), review_id
                                    ).status == "in progress"
    everything = {i.id: ("strength", "") for i in items}
    answers = [(q.id, "Said.") for q in load_instrument().questions]
    assert "Completed" in _save(clients["mgr"], review_id, everything, complete=True, questions=answers)
    assert case_reviews.load_review(engine, reader_for("mgr", "manager", "office:O001"), review_id
                                    ).status == "completed"


def test_the_findings_roll_up_the_completed_reviews(clients, review_id):
    # (After the review above was completed with every item a Strength.)
    said = json.dumps(post_callback(clients["mgr"], "reviews-findings.children", {"reviews-query.data": {}}).get_json())
    assert "1 review completed." in said and "1 of 1" in said
    assert "1 review completed." not in json.dumps(post_callback(
        clients["mgr2"], "reviews-findings.children", {"reviews-query.data": {}}).get_json())


def test_findings_for_an_entity_and_a_period_named_in_the_address(clients):
    def said(name, query):
        return json.dumps(post_callback(clients[name], "reviews-findings.children",
                                        {"reviews-query.data": query}).get_json())
    assert "1 review completed." in said("exec", {"entity": "office:O001"})
    assert "Alder Office, completed from" in said("exec", {"entity": "office:O001"})
    assert "No review completed in this period" in said("exec", {"entity": "office:O001", "since": "2020-01-01",
                                                                 "until": "2020-12-31"})
    assert "is outside what you may see" in said("mgr", {"entity": "office:O002"})
    assert "is not a day" in said("exec", {"since": "0000-01-01"})


def test_the_review_says_which_case_it_is_and_reveals_its_ids_only_when_asked_audited(app, clients, review_id,
                                                                                       demo_snapshot):
    engine = engine_of(app)
    review = case_reviews.load_review(engine, reader_for("exec", "executive", None), review_id)
    names = dict(demo_snapshot.read("select entity_id, entity_name from entities").itertuples(index=False))
    office = demo_snapshot.read("select office_id from entities where level = 'worker' and entity_id = :w",
                                {"w": review.worker_id}).office_id.iloc[0]

    def facts(reveal):
        return json.dumps(post_callback(clients["mgr"], "review-facts.children", {
            "review-query.data": {"id": str(review_id)}, "review-reveal.value": reveal}).get_json())
    before = len(db.audit_entries(engine, None, "mgr", "case-review-revealed"))
    masked = facts("masked")
    # The worker, unit and office by name; the dates that put the case in its cell; the way back to its selection.
    for ident in (review.worker_id, review.unit_id, office):
        assert names[ident] in masked
    assert "Opened " in masked or "Removed " in masked or "Received " in masked
    assert f"/selection?id={review.selection_id}" in masked and f"Selection {review.selection_id}: Timely" in masked
    assert review.member_id not in masked and json.dumps(mask_id(review.member_id))[1:-1] in masked
    assert len(db.audit_entries(engine, None, "mgr", "case-review-revealed")) == before
    shown = facts("shown")
    assert review.member_id in shown and (review.child_id is None or review.child_id in shown)
    [entry] = db.audit_entries(engine, None, "mgr", "case-review-revealed")[before:]
    assert entry["detail"]["review"] == review_id and review.member_id not in json.dumps(entry["detail"])
    # Presenting, nothing is revealed whatever is asked.
    presented = json.dumps(post_callback(clients["mgr"], "review-facts.children", {
        "review-query.data": {"id": str(review_id)}, "review-reveal.value": "shown",
        "review-present.data": {"present": True}}).get_json())
    assert review.member_id not in presented
    # Outside the reader's scope: no fact leaves.
    other = json.dumps(post_callback(clients["mgr2"], "review-facts.children", {
        "review-query.data": {"id": str(review_id)}, "review-reveal.value": "shown"}).get_json())
    assert review.member_id not in other and json.dumps(mask_id(review.member_id))[1:-1] not in other


def test_a_completed_review_shows_its_answers_and_says_where_none_was_given(clients, review_id):
    # (After the review above was completed with every rationale left empty.)
    form = json.dumps(post_callback(clients["mgr"], "review-form.children",
                                    {"review-query.data": {"id": str(review_id)}}).get_json(), ensure_ascii=False)
    assert "— not answered —" in form and "Said." in form and "Strength" in form
    assert "Rationale (required for" not in form and "placeholder" not in form


def test_the_reviews_page_filters_by_indicator_place_month_and_theme_with_controls_kept_in_the_address(clients,
                                                                                                       review_id):
    # (After the review above was completed, every item a Strength, no theme named.)
    def shown(query):
        return post_callback(clients["exec"], "reviews-table.children", {"reviews-query.data": query}).get_json()[
            "response"]
    everything = shown({})
    assert [o["label"] for o in everything["reviews-indicator"]["options"]] == ["Timely contacts: cases"]
    assert {"label": "October 2026", "value": "2026-10"} in everything["reviews-month"]["options"]
    assert {"label": "Alder Office", "value": "office:O001"} in everything["reviews-entity"]["options"]
    assert everything["reviews-theme"]["options"] and all(o["label"] != o["value"]
                                                          for o in everything["reviews-theme"]["options"])
    assert f"/review?id={review_id}" in json.dumps(everything["reviews-table"])
    matching = shown({"indicator": "timely_contacts_cases", "month": "2026-10", "entity": "office:O001"})
    assert f"/review?id={review_id}" in json.dumps(matching["reviews-table"])
    assert "Alder Office, Timely contacts: cases October 2026, completed" in json.dumps(matching["reviews-findings"])
    assert "1 review completed." in json.dumps(matching["reviews-findings"])
    for query in ({"month": "2026-09"}, {"indicator": "reentry"}, {"entity": "office:O002"},
                  {"theme": load_instrument().themes[0].id}):
        none = shown(query)
        assert f"/review?id={review_id}" not in json.dumps(none["reviews-table"]), query
        assert "matches these filters" in json.dumps(none["reviews-message"]), query
        assert "1 review completed." not in json.dumps(none["reviews-findings"]), query
    # A filter chosen is written into the address (the period the address gave is kept) and shown.
    changed = post_callback(clients["exec"], "reviews-url.search", {
        "reviews-indicator.value": "timely_contacts_cases", "reviews-entity.value": None,
        "reviews-month.value": "2026-10", "reviews-theme.value": None,
        "reviews-query.data": {"since": "2026-01-01", "entity": "office:O002"}}).get_json()["response"]
    assert changed["reviews-url"]["search"] == "?since=2026-01-01&indicator=timely_contacts_cases&month=2026-10"
    assert changed["reviews-query"]["data"] == {"since": "2026-01-01", "indicator": "timely_contacts_cases",
                                                "month": "2026-10"}
    assert "does not take" in json.dumps(shown({"colour": "red"})["reviews-message"])
    # Drawn from the address, each filter starts with the value it gives among its choices (a dropdown drops a
    # value its choices lack, and would clear the filter).
    from pages.reviews import layout
    import plotly.io
    drawn = json.dumps(json.loads(plotly.io.json.to_json_plotly(layout(indicator="timely_contacts_cases",
                                                                       month="2026-10"))))
    assert '{"label": "October 2026", "value": "2026-10"}' in drawn
    assert '{"label": "Timely contacts cases", "value": "timely_contacts_cases"}' in drawn
