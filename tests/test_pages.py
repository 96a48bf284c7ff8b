"""The pages' callbacks, called as plain functions and through Dash's own endpoint, on the `small` demo."""
from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from dash import no_update

from app import create_app
from tests.test_app import _text
from tests.web import as_user, make_app, post_callback, signed_in_client


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    return make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")


@pytest.fixture
def request_context(app):
    with as_user(app):
        yield


def test_layouts_need_no_arguments_and_read_no_data(tmp_path):
    # Dash calls layout() with no arguments to check ids; an unreachable warehouse must not matter.
    create_app({"instance_dir": str(tmp_path), "warehouse_url": "postgresql+psycopg://nobody@192.0.2.1:1/none",
                "environment": "development"})
    from pages import entity, indicator, scorecard
    for page in (scorecard, indicator, entity):
        assert page.layout() is not None


def test_scorecard_callback_draws_the_view_in_the_url(request_context):
    from pages.scorecard import show_scorecard
    crumbs, title, as_of, months, month, sorts, sort, note, table, _legend, download, _cls, _shown = show_scorecard(
        {"parent": "bureau:B01", "month": "2025-06", "sort": "-reentry"})
    assert download == "/export/scorecard.csv?month=2025-06&level=office&parent=bureau:B01"
    assert title == "North Bureau: offices, June 2025" and month == "2025-06" and sort == "-reentry"
    assert months[0]["value"] == "2026-10" and "Data as of" in _text(as_of)
    assert [item["label"] for item in crumbs.items][-1] == "North Bureau"
    assert table["rows"][0]["name"] == "North Bureau" and table["rows"][0]["entity"] == "bureau:B01"
    assert len(table["columns"]) == 28 and table["columns"][0]["indicator"] == "no_recurrence" and note is None
    assert {"label": "Re-entry into foster care: worst first", "value": "-reentry"} in sorts


@pytest.mark.parametrize("query, says", [
    ({"parent": "office:O999"}, "there is no office 'O999'"),
    ({"month": "2019-01"}, "no indicators for 2019-01"),
    ({"tier": "5"}, "tier '5' is not 1 or 2"),
    ({"parent": "worker:000001"}, "a worker has no level below it"),
    ({"zoom": "2"}, "does not take 'zoom'"),
])
def test_a_bad_scorecard_link_gives_a_message_not_a_traceback(request_context, query, says):
    from pages.scorecard import show_scorecard
    result = show_scorecard(query)
    assert says in _text(result[7]) and "cannot be shown" in _text(result[7])
    assert result[8] is None  # no table


def test_controls_become_urls_and_an_unchanged_view_stays_put(request_context):
    from pages.scorecard import navigate
    assert navigate("2026-10", "both", "name", {}) is no_update  # the latest month, as the URL had it
    assert navigate("2026-09", "both", "name", {}) == "/scorecard?month=2026-09"
    assert navigate("2026-10", "2", "name", {"parent": "bureau:B01"}) == "/scorecard?parent=bureau:B01&tier=2"
    assert navigate("2026-10", "both", "-reentry", {"month": "2026-10"}) == "/scorecard?month=2026-10&sort=-reentry"
    assert navigate("2026-10", "both", "name", {"month": "2026-10"}) is no_update


def test_indicator_callback_and_its_errors(request_context):
    from pages.indicator import navigate, show_indicator, show_trend_of
    result = show_indicator({"indicator_id": "timely_contacts_cases", "parent": "bureau:B01",
                             "entity": "office:O002", "months": "12"})
    assert result[1] == "Timely contacts: cases" and result[10] == "Trend: Bayview Office, the last 12 months"
    assert "Of its 3 offices with members" in _text(result[6]) and "Why it matters" in _text(result[12])
    assert len(go.Figure(result[11]).data[-1].x) == 12
    for figure in result[7:10]:
        go.Figure(figure)
    bad = show_indicator({"indicator_id": "timely_contacts_cases", "entity": "office:O999"})
    assert "there is no office 'O999'" in _text(bad[5])
    assert navigate("2026-10", "all", {"indicator_id": "reentry"}) == "/indicator/reentry?months=all"
    assert navigate("2026-10", "24", {"indicator_id": "reentry"}) is no_update
    assert show_trend_of({"points": [{"customdata": ["office", "O003"]}]}, {"indicator_id": "reentry"}) == (
        "/indicator/reentry?entity=office:O003")


def test_entity_callback_and_its_errors(request_context):
    from pages.entity import navigate, show_entity
    result = show_entity({"level": "unit", "entity_id": "U0001", "month": "2026-03"})
    assert result[1] == "Alder Unit 1: March 2026" and result[4] == "2026-03"
    assert "Scorecard of its workers" in _text(result[5])
    assert _text(result[7]).count("Last 24 months") == 1
    assert "there is no bureau 'B9'" in _text(show_entity({"level": "bureau", "entity_id": "B9"})[6])
    assert navigate("2026-02", {"level": "unit", "entity_id": "U0001"}) == "/entity/unit/U0001?month=2026-02"
    assert navigate("2026-10", {"level": "unit", "entity_id": "U0001"}) is no_update


def test_before_any_load_the_pages_say_what_to_run(tmp_path):
    app = make_app(tmp_path / "empty")
    from pages.entity import show_entity
    from pages.indicator import show_indicator
    from pages.scorecard import show_scorecard
    with as_user(app):
        assert "No data loaded yet" in _text(show_scorecard({})[7])
        assert "No data loaded yet" in _text(show_indicator({"indicator_id": "reentry"})[5])
        assert "No data loaded yet" in _text(show_entity({"level": "department", "entity_id": "all"})[6])


def test_a_tampered_callback_request_gets_a_message_not_a_traceback(app):
    # The scorecard's callback, as the browser posts it, with a query nobody could pick from the page.
    client = signed_in_client(app, "exec", "executive")
    client.get("/scorecard")
    response = post_callback(client, "scorecard-table.data",
                             {"scorecard-query.data": {"parent": "office:1' or '1'='1"}})
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert "there is no office" in json.dumps(answer["scorecard-message"]) and "Traceback" not in response.text


def test_a_listing_longer_than_the_scorecard_shows_says_where_it_was_cut(request_context, monkeypatch):
    import pages.scorecard as scorecard
    import queries.performance as performance
    monkeypatch.setattr(performance, "MAX_HEATMAP_ROWS", 5)
    monkeypatch.setattr(scorecard, "MAX_HEATMAP_ROWS", 5)
    result = scorecard.show_scorecard({"parent": "bureau:B01", "level": "worker"})
    assert "Showing the first 5 of" in _text(result[7]) and "choose a parent lower down" in _text(result[7])
    assert len(result[8]["rows"]) == 6  # the parent and the first five


def test_a_managers_bare_scorecard_is_their_own_part(app):
    from pages.scorecard import show_scorecard
    with as_user(app, "alder-manager", "manager", "office:O001"):
        _crumbs, title, *_rest, note, table, _legend, download, _cls, _shown = show_scorecard({})
    assert title.startswith("Alder Office: units") and table["rows"][0]["entity"] == "office:O001"
    assert "parent=office:O001" in download and note is None


def test_the_home_page_says_what_is_red_what_got_worse_and_which_actions_are_due(app, demo_snapshot):
    import datetime as dt

    from pages.home import show_home
    from store import meetings
    from access.roles import reader_for
    from queries.performance import heatmap
    from access.scope import EntityRef, Scope
    from tests.test_app import _text
    from tests.web import engine_of
    card = heatmap(demo_snapshot, Scope(), None, None)
    with as_user(app, "exec", "executive"):
        _as_of, summary, _table, _shown = show_home(None)
    said = _text(summary)
    assert f"{int((card.cells.status == 'red').sum()):,} red cells" in said
    assert "Got worse" in said and "turned red: " in said and "No open action is due" in said
    own = card.cells[(card.cells.level == "department") & (card.cells.status == "red")]
    assert f"{len(own)} of its own indicators" in said and len(own) > 6  # the demo has more than a card lists
    assert f"and {len(own) - 6} more: the scorecard" in said  # not silently cut at six
    # An open action of a meeting the reader may see, overdue, is listed; another bureau's manager sees none.
    north = reader_for("north-home", "manager", "bureau:B01")
    meeting = meetings.create_meeting(engine_of(app), north, EntityRef("bureau", "B01"), "North Bureau",
                                      {"bureau_id": "B01"}, card.month, demo_snapshot.version.version_id,
                                      demo_snapshot.version.as_of, held_on=dt.date.today() - dt.timedelta(days=30))
    meetings.add_action(engine_of(app), north, meeting.id, "Huddle on late responses", "Ana Diaz",
                        dt.date.today() - dt.timedelta(days=1), "reentry", EntityRef("bureau", "B01"), "North Bureau")
    with as_user(app, "north-home", "manager", "bureau:B01"):
        said = _text(show_home(None)[1])
    assert "Huddle on late responses (Ana Diaz" in said and "overdue" in said and "North Bureau and its offices" in said
    with as_user(app, "south-home", "manager", "bureau:B02"):
        said = _text(show_home(None)[1])
    assert "Huddle" not in said and "South Bureau and its offices" in said


def _signed_in_as(app, username, role, scope=None) -> str:
    """What the top bar says of who is signed in, as the page's frame is served."""
    layout = signed_in_client(app, username, role, scope).get("/_dash-layout").get_json()

    def find(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "signed-in-as":
                return node
            return next((f for f in map(find, node.values()) if f), None)
        if isinstance(node, list):
            return next((f for f in map(find, node) if f), None)
        return None

    def text(node):
        if isinstance(node, dict):
            return text(node.get("props", {}).get("children"))
        if isinstance(node, list):
            return "".join(text(n) for n in node)
        return "" if node is None else str(node)
    return text(find(layout))


def test_the_top_bar_names_the_person_once_and_their_place_by_name(app):
    assert _signed_in_as(app, "executive", "executive") == "executive"  # not "executive · executive"
    assert _signed_in_as(app, "maria.lopez", "executive") == "maria.lopez — Executive"
    assert _signed_in_as(app, "north-mgr", "manager", "bureau:B01") == "north-mgr — Manager, North Bureau"
    assert _signed_in_as(app, "alder-viewer", "viewer", "office:O001") == "alder-viewer — Viewer, Alder Office"
