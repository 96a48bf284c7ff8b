"""Bad input never reaches a 500 or grows the store without bound: the findings of the hardening review,
each pinned by a test, then every callback (through Dash's real endpoint), every download and the sign-in
routes posted a corpus of crafted values by Hypothesis (bounded and derandomised, so CI is stable).

In the demo, manager `mgr` has office O001; office O002 is outside their scope.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import os
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measures.catalogue import load_catalogue
from store import db
from store.aggregates import import_aggregates
from access.params import MAX_LENGTH
from web.runtime import REFUSALS_WRITTEN, REFUSED, REFUSED_CROSS_SITE, REFUSED_LIMIT
from store.users import ADDRESS_LIMIT
from tests.web import PASSWORD, csrf_of, engine_of, ensure_user, make_app, post_callback, sign_in, signed_in_client
from tests.test_published_pages import CFSR, SOURCE
from web.limits import MAX_BODY, callback_problem

READERS = {"exec": ("executive", None), "mgr": ("manager", "office:O001"), "viewer-o1": ("viewer", "office:O001"),
           "admin": ("admin", None), "prov": ("provider", "provider:FFA07")}
SCORECARD, INDICATOR, ENTITY = "scorecard-query.data", "indicator-query.data", "entity-query.data"
MEMBERS, SELECTION, REVIEW = "members-query.data", "selection-query.data", "review-query.data"
MEETINGS, MEETING = "meetings-query.data", "meeting-query.data"
MESSAGE = {SCORECARD: "scorecard-message", INDICATOR: "indicator-message", ENTITY: "entity-message"}
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    for username, (role, scope) in READERS.items():
        ensure_user(app, username, role, scope)
    # The published figures the scorecard's Data selector and a published indicator's page read.
    import_aggregates(engine_of(app), CFSR, "cfsr-profile", load_catalogue(), "test", SOURCE)
    return app


@pytest.fixture(scope="module")
def clients(app):
    return {username: signed_in_client(app, username, *READERS[username]) for username in READERS}


def _dependencies(client) -> dict[str, dict]:
    """Every server callback of the app (clientside ones run in the browser), by its output key."""
    return {d["output"]: d for d in client.get("/_dash-dependencies").get_json() if not d.get("clientside_function")}


def _find(dependencies, input_name: str) -> dict:
    return next(d for d in dependencies.values() if any(f"{i['id']}.{i['property']}" == input_name
                                                        for i in d["inputs"]))


def _body(dep: dict, values: dict) -> dict:
    """The JSON the browser posts for callback `dep`, with `values` by "id.property" (absent: null)."""
    spec = dep["output"]
    parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in parts]

    def given(items):
        return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]
    return {"output": spec, "outputs": outputs if spec.startswith("..") else outputs[0],
            "inputs": given(dep["inputs"]), "state": given(dep["state"]),
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"]]}


def _post(client, dep, values, headers=None):
    return client.post("/_dash-update-component", data=json.dumps(_body(dep, values)),
                       content_type="application/json", headers=headers or {})


def _page_message(client, store_input: str, query: dict) -> str:
    dep = _find(_dependencies(client), store_input)
    response = _post(client, dep, {store_input: query})
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json()["response"][MESSAGE[store_input]], ensure_ascii=False)


def _refusals(app, username: str) -> list[dict]:
    return [e for e in db.audit_entries(engine_of(app), None, username)
            if e["action"] in (REFUSED, REFUSED_CROSS_SITE, REFUSED_LIMIT)]


def _store_size(app) -> int:
    return os.path.getsize(engine_of(app).url.database)


# -- the review's findings, one by one -------------------------------------------------------------------


def test_a_megabyte_parameter_is_refused_unread_and_never_reaches_the_audit_log(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db")
    mgr = signed_in_client(app, "mgr", "manager", "office:O001")
    dep = _find(_dependencies(mgr), SCORECARD)
    before = _store_size(app)
    for _ in range(2):  # the review's two requests grew the store from 0.2 to 4 MB
        response = _post(mgr, dep, {SCORECARD: {"parent": "office:" + "x" * 1_900_000}})
        assert response.status_code == 413
        assert "larger than Statboard takes (256 KB" in response.get_data(as_text=True)
    # Under the body's limit, a parameter still has its own: a message on the page, nothing written.
    message = _page_message(mgr, SCORECARD, {"parent": "office:" + "x" * 200_000})
    assert "parent is 200,007 characters long: a parameter is at most 200" in message
    message = _page_message(mgr, ENTITY, {"level": "office", "entity_id": "x" * 200_000})
    assert "the address's id is 200,000 characters long: a parameter is at most 200" in message
    assert _refusals(app, "mgr") == []
    # The longest parameter there may be, refused as outside the scope: written, and cut to a bounded size.
    longest = "office:" + "x" * (MAX_LENGTH - len("office:"))
    assert "outside what you may see" in _page_message(mgr, SCORECARD, {"parent": longest})
    [entry] = _refusals(app, "mgr")
    assert len(json.dumps(entry["detail"])) <= db.DETAIL_MAX
    assert _store_size(app) - before < 64 * 1024


def test_an_entry_s_detail_is_cut_to_a_bounded_size(tmp_path):
    engine = db.store_engine(f"sqlite:///{tmp_path / 'store.db'}")
    db.upgrade(engine)
    db.record(engine, "ana", REFUSED, {"where": "/scorecard", "reason": "y" * 1_000_000,
                                          "more": ["\u2603" * 1000] * 100}, "1" * 500)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(db.audit_log.c.detail, db.audit_log.c.remote_addr)).one()
    assert len(stored.detail) <= db.DETAIL_MAX and "cut" in json.loads(stored.detail)
    assert len(stored.remote_addr) == 100
    db.record(engine, "ana", REFUSED, {"where": "/scorecard", "reason": "z" * 1000})
    reason = db.audit_entries(engine, 1)[0]["detail"]["reason"]
    assert reason == "z" * db.DETAIL_VALUE_MAX + "… (cut: 1,000 characters in all)"


def test_refusals_beyond_the_limit_are_answered_but_not_written(demo_instance, tmp_path, monkeypatch):
    app = make_app(demo_instance, tmp_path / "statboard.db")
    mgr = signed_in_client(app, "mgr", "manager", "office:O001")
    monkeypatch.setattr(db, "utcnow", lambda: dt.datetime(2026, 11, 30, 13, 7))  # one window all along
    for n in range(REFUSALS_WRITTEN + 15):
        # Each refusal is still answered, with the reason, whether it is written or not.
        message = _page_message(mgr, SCORECARD, {"parent": f"office:O{900 + n}"})
        assert f"office O{900 + n} is outside what you may see" in message
    refusals = _refusals(app, "mgr")
    assert [e["action"] for e in reversed(refusals)] == [REFUSED] * REFUSALS_WRITTEN + [REFUSED_LIMIT]
    assert refusals[0]["detail"]["limit"] == ("21 refusals of mgr since 13:00 UTC: until 13:10 UTC, further ones "
                                              "are refused but not written")
    # The next window writes them again.
    monkeypatch.setattr(db, "utcnow", lambda: dt.datetime(2026, 11, 30, 13, 10))
    assert "outside" in _page_message(mgr, SCORECARD, {"parent": "office:O002"})
    assert len(_refusals(app, "mgr")) == REFUSALS_WRITTEN + 2
    # Another reader's refusals are counted apart.
    viewer = signed_in_client(app, "viewer-o1", "viewer", "office:O001")
    assert "outside" in _page_message(viewer, SCORECARD, {"parent": "office:O002"})
    assert [e["action"] for e in _refusals(app, "viewer-o1")] == [REFUSED]


@pytest.mark.parametrize("url", ["/export/scorecard.csv?month=0000-01&level=office",
                                 "/export/members.csv?indicator=reentry&month=0000-01",
                                 "/export/scorecard.csv?month=2026-10&level=office&parent=office:%00",
                                 "/export/scorecard.csv?month=2026-10&level=office&parent=" + "x" * 300])
def test_a_bad_download_parameter_answers_400_with_what_to_write(clients, url):
    response = clients["exec"].get(url)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "write YYYY-MM" in text or "at most 200" in text or "without them" in text


def test_the_audit_download_up_to_the_last_day_there_is(clients):
    response = clients["admin"].get("/export/audit.csv?until=9999-12-31")
    assert response.status_code == 200 and "user-added" in response.get_data(as_text=True)
    response = clients["admin"].get("/export/audit.csv?since=0000-01-01")
    assert response.status_code == 400 and "write YYYY-MM-DD" in response.get_data(as_text=True)


@pytest.mark.parametrize("store_input, query", [
    (SCORECARD, {"month": "0000-01"}),
    (INDICATOR, {"indicator_id": "reentry", "month": "0000-01"}),
    (ENTITY, {"level": "office", "entity_id": "O001", "month": "0000-01"}),
])
def test_a_month_that_is_no_month_gets_a_message_on_every_page(clients, store_input, query):
    assert "month '0000-01' is not a month: write YYYY-MM" in _page_message(clients["exec"], store_input, query)


def test_a_trend_longer_than_a_century_gets_a_message(clients):
    message = _page_message(clients["exec"], INDICATOR, {"indicator_id": "reentry", "months": "24400"})
    assert "months '24400' is not a number of months: write a number from 1 to 1200" in message


@pytest.mark.parametrize("value, said", [(5, "parent must be text, not a number"),
                                         (True, "parent must be text, not true or false"),
                                         (["office:O001", "office:O002"], "parent is given 2 times: give it once"),
                                         ({"a": 1}, "parent must be text, not an object"),
                                         ("office:O001\r\nx", "holds a control character (a line break")])
def test_a_url_parameter_that_is_not_one_line_of_text_gets_a_message(clients, value, said):
    assert said in _page_message(clients["exec"], SCORECARD, {"parent": value})


@pytest.mark.parametrize("values, said", [
    ({"scorecard-month.value": 202406}, "scorecard-month.value must be text or null, not 202406"),
    ({"scorecard-sort.value": ["name"]}, "scorecard-sort.value must be text or null"),
    ({"scorecard-query.data": "parent=office:O001"}, "scorecard-query.data must be an object or null"),
    ({"scorecard-tier.value": False}, "scorecard-tier.value must be text or null, not False"),
])
def test_a_control_s_value_of_the_wrong_type_answers_400_with_the_reason(clients, values, said):
    dep = _find(_dependencies(clients["exec"]), "scorecard-month.value")
    response = _post(clients["exec"], dep, values)
    assert response.status_code == 400 and said in response.get_data(as_text=True)


def test_a_path_with_a_raw_line_break_answers_400_not_the_page_router_s_500(clients):
    response = post_callback(clients["exec"], "_pages_content.children",
                             {"_pages_location.pathname": "/entity/\r\n/0000-01", "_pages_location.search": "?"})
    assert response.status_code == 400 and "control character" in response.get_data(as_text=True)


def test_a_malformed_callback_answers_400(clients):
    client = clients["exec"]
    for body in ([], {"output": "nothing-here.children"}, {"output": "_pages_dummy.children", "inputs": []},
                 {**_body(_find(_dependencies(client), SCORECARD), {}), "inputs": []},
                 {**_body(_find(_dependencies(client), SCORECARD), {}), "outputs": {"id": "x", "property": "y"}}):
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 400 and response.get_data(as_text=True).startswith("Refused: ")


def test_json_nested_thousands_deep_answers_400(clients):
    for body in ("[" * 5000, "[" * 5000 + "]" * 5000, '{"output": ' + "[" * 5000 + "]" * 5000 + "}"):
        response = clients["viewer-o1"].post("/_dash-update-component", data=body, content_type="application/json")
        assert response.status_code == 400, body[:20]


UNKNOWN_SUITE_FILES = ["/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.js",
                       "/_dash-component-suites/plotly/package_data/plotly.min.js.map",
                       "/_dash-component-suites/dash/../../settings.py", "/_dash-component-suites/dash/%2e%2e/app.py",
                       "/_dash-component-suites/dash/deps/..%2f..%2f..%2fdash.py",
                       "/_dash-component-suites/dash_bootstrap_components/%00.js",
                       "/_dash-component-suites/dash", "/_dash-component-suites/"]


def test_an_unknown_component_suite_file_is_a_short_404_listing_nothing(clients, caplog):
    client = clients["viewer-o1"]
    page = client.get("/").get_data(as_text=True)  # Dash registers the files it serves as it writes its page
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)
    assert scripts
    for path in UNKNOWN_SUITE_FILES:
        with caplog.at_level("INFO"):
            response = client.get(path)
        said = response.get_data(as_text=True)
        assert response.status_code == 404 and response.mimetype == "text/plain", (path, said[:200])
        assert said.startswith("Not found: ") and len(said) < 200 and "dash_core_components" not in said
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "registered" not in caplog.text and "dash_core_components" not in caplog.text
    for script in scripts:  # the files the page loads still load
        response = client.get(script)
        assert response.status_code == 200 and response.data, script


def test_a_line_break_in_next_neither_breaks_sign_in_nor_sets_a_header(app):
    crafted = "/%0d%0aSet-Cookie:x=1"
    client = app.server.test_client()
    page = client.get(f"/login?next={crafted}")
    assert page.status_code == 200 and "you will go to the home page instead" in page.get_data(as_text=True)
    response = sign_in(client, "exec", next_path=crafted)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "x=1" not in str(response.headers)
    again = client.get(f"/login?next={crafted}")  # signed in: sent on, home
    assert again.status_code == 302 and again.headers["Location"] == "/"


def test_a_refusal_on_a_page_another_site_opened_is_written_as_cross_site(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db")
    mgr = signed_in_client(app, "mgr", "manager", "office:O001")
    dep = _find(_dependencies(mgr), SCORECARD)
    page = "/scorecard?parent=office:O002"
    # A link on another site opens the page; the page's own callback (same-origin) is refused.
    assert mgr.get(page, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}).status_code == 200
    _post(mgr, dep, {SCORECARD: {"parent": "office:O002"}},
          headers={"Sec-Fetch-Site": "same-origin", "Referer": f"http://localhost{page}"})
    [entry] = _refusals(app, "mgr")
    assert entry["action"] == REFUSED_CROSS_SITE
    assert "opened from a link on another site" in entry["detail"]["cross_site"]
    # The reader typing the same address themselves is their own doing.
    assert mgr.get(page, headers={"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"}).status_code == 200
    _post(mgr, dep, {SCORECARD: {"parent": "office:O002"}},
          headers={"Sec-Fetch-Site": "same-origin", "Referer": f"http://localhost{page}"})
    assert [e["action"] for e in _refusals(app, "mgr")] == [REFUSED, REFUSED_CROSS_SITE]


def test_a_cross_site_link_is_still_put_down_to_it_after_signing_in(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db")
    ensure_user(app, "mgr", "manager", "office:O001")
    client = app.server.test_client()
    page = "/scorecard?parent=office:O002"
    landing = client.get(page, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert landing.status_code == 302  # to sign in first
    assert sign_in(client, "mgr", next_path=quote(page, safe="")).headers["Location"] == page
    _post(client, _find(_dependencies(client), SCORECARD), {SCORECARD: {"parent": "office:O002"}},
          headers={"Referer": f"http://localhost{page}"})
    assert [e["action"] for e in _refusals(app, "mgr")] == [REFUSED_CROSS_SITE]


# -- every route and callback against a corpus of bad values ----------------------------------------------

HUGE = "x" * (MAX_BODY // 2)  # within the body's limit: for the parameter's own
WORDS_CORPUS = ["", "0000-01", "9999-12", "9999-12-31", "0000-01-01", "2026-10", "2026-13", "24400", "-1", "0", "all",
                "1", "2", "name", "-reentry", "reentry", "department", "department:x", "office", "O001", "office:O001",
                "office:O002", "office:O999", "unit:U0001", "worker:", ":", "cfsr-national", "23B24A", "-", "AL", "\r\n", "/\r\nSet-Cookie:x=1", "\x00",
                "office:\x00", "\ud800", "office:O001\u202e", "\u2603" * 50, "x" * (MAX_LENGTH + 1), HUGE,
                "'; drop table users; --", "<script>alert(1)</script>"]
CORPUS = WORDS_CORPUS + [0, -1, 24400, 10 ** 30, 1.5, float("nan"), float("inf"), True, False, None, [],
                         ["2026-10", "2026-11"], [None], {}, {"parent": "office:O001"}]
TEXT = st.sampled_from(WORDS_CORPUS)
WORDS = st.one_of(TEXT, st.text(max_size=20))
BAD = st.one_of(st.sampled_from(CORPUS), st.text(max_size=20), st.integers(), st.floats(), st.booleans(),
                st.lists(st.one_of(TEXT, st.integers()), max_size=3),
                st.dictionaries(st.text(max_size=8), st.one_of(TEXT, st.integers()), max_size=3))
PARAMS = ["month", "parent", "level", "tier", "sort", "entity", "months", "indicator_id", "entity_id", "indicator",
          "id", "since", "until", "source", "period", "junk"]
QUERY = st.dictionaries(st.sampled_from(PARAMS), st.one_of(WORDS, WORDS, BAD), max_size=5)
POINT = st.fixed_dictionaries({"x": WORDS, "y": WORDS, "customdata": st.one_of(st.lists(WORDS, max_size=3), BAD)})
CLICK = st.fixed_dictionaries({"points": st.one_of(st.lists(POINT, max_size=2), BAD)})
PRESSED = st.fixed_dictionaries({"indicator": st.one_of(WORDS, BAD), "entity": st.one_of(WORDS, BAD)})  # a meeting's cell
PAGES = ["/", "/scorecard", "/indicator/reentry", "/entity/office/O001", "/members", "/selection", "/reviews",
         "/review", "/admin", "/meetings", "/meeting", "/providers", "/providers/FFA07", "/providers/FFA08",
         "/nowhere"]
PATH = st.one_of(st.sampled_from(PAGES),
                 st.builds("/indicator/{}".format, WORDS), st.builds("/entity/{}/{}".format, WORDS, WORDS))
SEARCH = st.builds(lambda pairs: "?" + urlencode(pairs, encoding="utf-8", errors="surrogatepass"),
                   st.lists(st.tuples(st.sampled_from(PARAMS), WORDS), max_size=4))
# Mostly values of the right JSON type, crafted (to reach the pages' parsers); sometimes any value at all.
VALUES = {"data": QUERY, "clickData": CLICK, "pathname": PATH, "search": SEARCH, "value": WORDS,
          "n_intervals": st.integers(), "n_clicks": st.integers()}
HEADERS = st.sampled_from([{}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-origin",
                                                                  "Referer": "http://localhost/scorecard"}])
# A view each callback draws without a fault, and the parameters each page's query takes: the sweep below
# puts one corpus value at a time into it.
VALID = {SCORECARD: {"parent": "office:O001"}, "scorecard-month.value": "2026-09", "scorecard-tier.value": "1",
         "scorecard-sort.value": "-reentry", "scorecard-source.value": SOURCE,
         INDICATOR: {"indicator_id": "reentry", "parent": "office:O001"}, "indicator-month.value": "2026-09",
         "indicator-months.value": "12", "indicator-ranking.clickData": {"points": [{"customdata": ["unit", "U0001"]}]},
         # a published indicator's page (source=): its period and state pickers, its ranking's bars
         "indicator-source-period.value": "22B23A", "indicator-source-entity.value": "AL",
         "indicator-source-ranking.clickData": {"points": [{"customdata": ["TX"]}]},
         ENTITY: {"level": "office", "entity_id": "O001"}, "entity-month.value": "2026-09",
         "_pages_location.pathname": "/scorecard", "_pages_location.search": "?parent=office:O001",
         "home-live-tick.n_intervals": 1, "home-live-shown.data": {"version": "1@2026-11-10T00:00:00"},
         "home-live-newer.data": {"version": "2@2026-11-11T00:00:00"}, "scorecard-live-tick.n_intervals": 1,
         "scorecard-live-shown.data": {"version": "1@2026-11-10T00:00:00"},
         "scorecard-live-newer.data": {"version": "2@2026-11-11T00:00:00"}, "meeting-live-tick.n_intervals": 1,
         "meeting-live-shown.data": {"version": "1@2026-11-10T00:00:00"},
         "meeting-live-newer.data": {"version": "2@2026-11-11T00:00:00"}, "admin-actor.value": "mgr", "admin-action.value": "access-refused",
         "admin-since.value": "2026-01-01", "admin-until.value": "2026-12-31",
         MEMBERS: {"indicator": "reentry", "month": "2026-10", "entity": "office:O001"},
         "members-reveal.value": "masked", "members-met.value": "no", "members-unit.value": "Alder Unit 1",
         "members-worker.value": "Zoe Khan", "pick-button.n_clicks": 1, "pick-n.value": "2",
         "pick-stratify.value": "unit", "pick-only.value": "not-met", "pick-within.value": "6", "pick-seed.value": "s1",
         SELECTION: {"id": "1"}, "selection-reveal.value": "masked", "selection-changed.data": {"eliminated": 0},
         "selection-eliminate.n_clicks": 1, "selection-case.value": "1", "selection-reason.value": "sibling_in_sample",
         "selection-note.value": "a sibling is in the sample", "selection-assign.n_clicks": 1,
         "pick-chosen.n_clicks": 1, "members-grid.selectedRows": [{"row": 1}], "pick-also.value": ["reentry"],
         "selection-reviewer.value": "exec", "selection-due.value": "2099-12-31", "reviews-query.data": {},
         REVIEW: {"id": "1"}, "review-save.n_clicks": 1, "review-complete.n_clicks": 1,
         # The form's pattern-matched parts: what the browser sends is a list of the components matched.
         '{"item":["ALL"],"type":"review-rating"}.value': [], '{"item":["ALL"],"type":"review-rationale"}.value': [],
         '{"form":["ALL"],"type":"review-themes"}.value': [], '{"question":["ALL"],"type":"review-question"}.value': [],
         # Meetings: no meeting 1 exists in this store, so no change is ever written (the sweep would grow the
         # store by every agenda item and action it agreed); the pages' own tests make changes. The new
         # meeting's date is never a day, so no meeting is made, after every other field is read.
         MEETINGS: {}, "meeting-new-create.n_clicks": 1, "meeting-new-entity.value": "bureau:B01",
         "meeting-new-month.value": "2026-09", "meeting-new-date.value": "2026-02-30", "meeting-new-title.value": "t",
         "meeting-new-attendees.value": "Ann Lee <ann@example.org>",
         MEETING: {"id": "1"}, "meeting-changed.data": {"n": 0},
         "meeting-flag-cell.data": {"indicator": "reentry", "entity": "office:O001"},
         '{"cell":["ALL"],"type":"meeting-accept"}.n_clicks': [], '{"item":["ALL"],"type":"meeting-item-up"}.n_clicks': [],
         '{"item":["ALL"],"type":"meeting-item-down"}.n_clicks': [],
         '{"item":["ALL"],"type":"meeting-item-remove"}.n_clicks': [],
         '{"item":["ALL"],"type":"meeting-item-save"}.n_clicks': [], '{"item":["ALL"],"type":"meeting-item-notes"}.value': [],
         "meeting-text-add.n_clicks": 1, "meeting-text-kind.value": "practice", "meeting-text-body.value": "x",
         "meeting-selection-add.n_clicks": 1, "meeting-selection.value": "1", "meeting-action-add.n_clicks": 1,
         "meeting-action-what.value": "w", "meeting-action-owner.value": "o", "meeting-action-due.value": "2099-01-01",
         "meeting-action-cell.value": "reentry|office:O001", "meeting-update-save.n_clicks": 1,
         "meeting-update-action.value": "1", "meeting-update-status.value": "done", "meeting-update-note.value": "n",
         "meeting-summary-save.n_clicks": 1, "meeting-highlights.value": "h", "meeting-lessons.value": "l",
         "meeting-next-steps.value": "n", "meeting-followup-save.n_clicks": 1, "meeting-followup-send.n_clicks": 1,
         "meeting-followup.value": "f", "meeting-close-confirm.n_clicks": 1, "meeting-move.n_clicks": 1,
         "meeting-close.n_clicks": 1, "meeting-close-cancel.n_clicks": 1, "meeting-reopen.n_clicks": 1,
         "meeting-action-token.data": {"token": "0123456789abcdef0123456789abcdef"},
         "meeting-action-editing.data": {"action": "1"},
         "meeting-action-cancel.n_clicks": 1, "meeting-action-removing.data": {"action": "1"},
         "meeting-remove-confirm.n_clicks": 1, "meeting-remove-cancel.n_clicks": 1, "meeting-remove-reason.value": "r",
         '{"action":["ALL"],"type":"meeting-action-edit"}.n_clicks': [],
         '{"action":["ALL"],"type":"meeting-action-remove"}.n_clicks': [],
         '{"format":["ALL"],"type":"meeting-databook"}.n_clicks': [],
         "meeting-published-add.n_clicks": 1, "meeting-published-source.value": "cfsr-national",
         "meeting-published-indicator.value": "cfsr_reentry", "meeting-published-entity.value": "state:CA",
         # the review page's identifiers switch, and the findings' filters
         "review-reveal.value": "shown", "reviews-entity.value": "office:O001", "reviews-indicator.value": "reentry",
         "reviews-month.value": "2026-10", "reviews-theme.value": "engagement",
         # the provider scorecard's month (pages/providers.py)
         "providers-query.data": {"month": "2026-09"}, "providers-month.value": "2026-09",
         # a provider's page (pages/provider.py)
         "provider-query.data": {"provider_id": "FFA07", "month": "2026-09"}, "provider-month.value": "2026-09",
         # presentation mode's stores (web/present.py)
         "members-present.data": {"present": False}, "selection-present.data": {"present": False},
         "review-present.data": {"present": False}, "meeting-present.data": {"present": False}}
TAKES = {SCORECARD: ["month", "parent", "level", "tier", "sort", "source", "period", "junk"],
         INDICATOR: ["indicator_id", "month", "parent", "level", "entity", "months", "source", "period", "junk"],
         ENTITY: ["level", "entity_id", "month", "junk"], MEMBERS: ["indicator", "month", "entity", "junk"],
         SELECTION: ["id", "junk"], REVIEW: ["id", "junk"], "reviews-query.data": ["entity", "since", "until", "junk"],
         MEETINGS: ["entity", "junk"], MEETING: ["id", "junk"], "providers-query.data": ["month", "sort", "junk"],
         "provider-query.data": ["provider_id", "month", "junk"]}


def _value(name: str):
    typed = PRESSED if name == "meeting-flag-cell.data" else VALUES.get(name.rsplit(".", 1)[1], BAD)
    return st.integers(0, 5).flatmap(lambda n: BAD if n == 0 else typed)


def _store_bound(readers: int) -> int:
    """What the store may grow by: each reader's refusals in two windows, one address's sign-in failures."""
    entry = db.DETAIL_MAX * 2 + 1024  # the detail (JSON-escaped at worst), the row and its indexes
    return (readers * 2 * (REFUSALS_WRITTEN + 1) + ADDRESS_LIMIT) * entry + 128 * 1024


def _names(dep) -> list[str]:
    return [f"{i['id']}.{i['property']}" for i in dep["inputs"] + dep["state"]]


def _readers(clients, what: str) -> list[str]:
    """Who to send `what` as: the admin for the admin's page and download (anyone else is refused before
    their parameters are read), every reader for the rest."""
    return ["admin"] if "admin" in what or "audit" in what else sorted(clients)


def test_every_callback_and_its_inputs_are_in_the_corpus_sweep(clients):
    names = {name for dep in _dependencies(clients["exec"]).values() for name in _names(dep)}
    # Every server callback's every input and state, Dash's page router's included, has a valid value to vary.
    assert names == set(VALID) and "_pages_location.pathname" in names


def test_every_callback_answers_each_corpus_value_in_each_input_without_a_5xx_or_growing_the_store(app, clients):
    before = _store_size(app)
    refused = set()  # (the reason the check in front of Dash gave, the input's name left out; the value)
    for dep in _dependencies(clients["exec"]).values():
        readers = itertools.cycle(_readers(clients, dep["output"]))
        valid = {name: VALID[name] for name in _names(dep)}
        inputs = _names({"inputs": dep["inputs"], "state": []})
        for name in valid:
            tries = [{name: value} for value in CORPUS]
            if name in inputs:  # a page's query, each parameter in turn (as a state, the same parser reads it)
                tries += [{name: {**VALID[name], key: value}} for key in TAKES.get(name, []) for value in CORPUS]
            for change in tries:
                # A value of the wrong JSON type for its property (a number for a dropdown's value, text for a
                # store's data) is refused by one check in front of every callback (web/limits.py), by the
                # property's type: that check runs here too, and each value it refuses for a reason is posted
                # once, to the first input it refuses it in; Dash never sees it in any other.
                reader = next(readers)
                problem = callback_problem(app, _body(dep, {**valid, **change}))
                reason = problem and (problem.replace(name, "<input>"), repr(change[name]))
                if reason in refused:
                    continue
                response = _post(clients[reader], dep, {**valid, **change})
                assert response.status_code < 500, (dep["output"], change, response.get_data(as_text=True)[:500])
                if problem:
                    refused.add(reason)
                    assert response.status_code == 400 and problem in response.get_data(as_text=True), (
                        dep["output"], change, problem, response.get_data(as_text=True)[:500])
    assert _store_size(app) - before <= _store_bound(len(clients))


def test_every_callback_answers_crafted_combinations_without_a_5xx_or_growing_the_store(app, clients):
    before = _store_size(app)
    for dep in _dependencies(clients["exec"]).values():
        _fuzz_callback(clients, dep)()
    assert _store_size(app) - before <= _store_bound(len(clients))


def _fuzz_callback(clients, dep):
    values = st.fixed_dictionaries({name: _value(name) for name in _names(dep)})

    @FUZZ
    @given(reader=st.sampled_from(_readers(clients, dep["output"])), values=values, headers=HEADERS)
    def post(reader, values, headers):
        response = _post(clients[reader], dep, values, headers)
        assert response.status_code < 500, (dep["output"], values, response.get_data(as_text=True)[:500])
    return post


def _url(path: str, params: list[tuple[str, object]]) -> str:
    """`path` with `params` (a value that is not text as its JSON), encoded as they come, lone surrogates too."""
    pairs = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in params]
    return path + "?" + urlencode(pairs, encoding="utf-8", errors="surrogatepass")


DOWNLOADS = {  # each download with parameters it answers with data, and the parameters it takes
    "/export/scorecard.csv": ({"month": "2026-09", "level": "unit", "parent": "office:O001"}, ["indicator", "junk"]),
    "/export/members.csv": ({"indicator": "reentry", "month": "2026-09", "entity": "office:O001"}, ["junk"]),
    # the members behind a provider's cell (#: the same download, another valid view)
    "/export/members.csv#provider": ({"indicator": "reentry", "month": "2026-09", "entity": "provider:FFA07"},
                                     ["junk"]),
    "/export/audit.csv": ({"since": "2026-01-01", "until": "2026-12-31", "actor": "mgr", "action": "sign-in"},
                          ["junk"]),
}


def _as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@pytest.mark.parametrize("path", list(DOWNLOADS))
def test_every_download_answers_each_corpus_value_in_each_parameter_without_a_5xx(app, clients, path):
    valid, more = DOWNLOADS[path]
    readers = itertools.cycle(_readers(clients, path))
    path = path.split("#")[0]
    before = _store_size(app)
    for name in list(valid) + more:
        for value in CORPUS:
            params = {**valid, name: _as_text(value)}
            response = clients[next(readers)].get(_url(path, list(params.items())))
            assert response.status_code in (200, 400, 403), (name, value, response.get_data(as_text=True)[:500])
    assert _store_size(app) - before <= _store_bound(len(clients))


@pytest.mark.parametrize("path", list(DOWNLOADS))
def test_every_download_answers_crafted_combinations_without_a_5xx(app, clients, path):
    valid, more = DOWNLOADS[path]
    value = st.one_of(TEXT, st.text(max_size=20), BAD.map(_as_text))
    params = st.lists(st.tuples(st.sampled_from(list(valid) + more), value), max_size=6)

    @FUZZ
    @given(reader=st.sampled_from(_readers(clients, path)), keep=st.sets(st.sampled_from(list(valid))), params=params)
    def get(reader, keep, params):
        response = clients[reader].get(_url(path.split("#")[0], [(k, valid[k]) for k in sorted(keep)] + params))
        assert response.status_code in (200, 400, 403), (params, response.get_data(as_text=True)[:500])
    get()


def _sign_in_form(client, username, password, next_, token=True):
    form = [("username", username), ("password", password)] + ([("csrf_token", csrf_of(client))] if token else [])
    return client.post(_url("/login", [("next", next_)]), data=_url("", form)[1:],
                       content_type="application/x-www-form-urlencoded")


def _check_sign_in(response):
    assert response.status_code in (302, 400, 401, 429), response.get_data(as_text=True)[:500]
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/") and "\n" not in response.headers["Location"]


def test_sign_in_answers_each_corpus_value_without_a_5xx_or_growing_the_store(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db")
    signed_in = signed_in_client(app, "ana", "executive")
    before = _store_size(app)
    for value in map(_as_text, CORPUS):
        again = signed_in.get(_url("/login", [("next", value)]))  # a signed-in browser is sent on
        assert again.status_code == 302 and again.headers["Location"].startswith("/"), value
        assert app.server.test_client().get(_url("/login", [("next", value)])).status_code == 200, value
        _check_sign_in(_sign_in_form(app.server.test_client(), "ana", PASSWORD, value))
        _check_sign_in(_sign_in_form(app.server.test_client(), value, PASSWORD, "/"))
        _check_sign_in(_sign_in_form(app.server.test_client(), "ana", value, "/"))
    assert _store_size(app) - before <= _store_bound(1)


def test_sign_in_answers_crafted_combinations_without_a_5xx(demo_instance, tmp_path):
    app = make_app(demo_instance, tmp_path / "statboard.db")
    ensure_user(app, "ana", "executive")
    text = st.one_of(TEXT, st.text(max_size=30))

    @FUZZ
    @given(next_=text, username=st.one_of(text, st.just("ana")), password=st.one_of(text, st.just(PASSWORD)),
           token=st.booleans())
    def attempt(next_, username, password, token):
        client = app.server.test_client()
        assert client.get(_url("/login", [("next", next_)])).status_code == 200
        _check_sign_in(_sign_in_form(client, username, password, next_, token))
    attempt()


PUBLISHED = {SCORECARD: ({"source": SOURCE}, ["source", "period", "junk"]),
             INDICATOR: ({"indicator_id": "cfsr_reentry", "source": SOURCE, "entity": "AL"},
                         ["indicator_id", "source", "period", "entity", "junk"])}


def test_a_published_source_s_pages_answer_each_corpus_value_in_each_parameter_without_a_5xx(app, clients):
    # The sweep above varies `source` on the agency's views; here each parameter of a published source's view.
    dependencies = _dependencies(clients["exec"])
    readers = itertools.cycle(sorted(clients))
    for store_input, (valid, keys) in PUBLISHED.items():
        for dep in [d for d in dependencies.values() if store_input in _names({"inputs": d["inputs"], "state": []})]:
            for key in keys:
                for value in CORPUS:
                    response = _post(clients[next(readers)], dep, {store_input: {**valid, key: value}})
                    assert response.status_code < 500, (key, value, response.get_data(as_text=True)[:500])
