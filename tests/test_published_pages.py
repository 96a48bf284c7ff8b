"""Published figures on the pages: the CFSR national profile (tests/data, public-domain federal data) imported into
the app store, read as a scorecard of the states (/scorecard?source=), one indicator's ranking, trend and
breakdowns (/indicator/<id>?source=), and the national performance beside the agency's own trend."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from dash import no_update

from measures.catalogue import load_catalogue
from store.aggregates import import_aggregates
from tests.test_app import _text
from tests.web import as_user, engine_of, make_app, post_callback, signed_in_client

CFSR = Path(__file__).with_name("data") / "cfsr-national-2025-08.csv"
SOURCE = "cfsr-national"


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    import_aggregates(engine_of(app), CFSR, "cfsr-profile", load_catalogue(), "test", SOURCE)
    return app


@pytest.fixture
def exec_context(app):
    with as_user(app):
        yield


@pytest.fixture
def viewer_context(app):
    with as_user(app, "viewer-o1", "viewer", "office:O001"):
        yield


def _numbers(values) -> list:
    """A trace's x or y as numbers, packed (components.charts.compact) or not."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype="<f8").tolist()
    return list(values)


def _cells(table, entity):
    row = next(r for r in table["rows"] if r["entity"] == entity)
    return {c["indicator"]: cell for c, cell in zip(table["columns"], row["cells"])}


# -- the scorecard ----------------------------------------------------------------------------------------------

def test_the_source_scorecard_shows_the_states_under_the_nation_each_indicator_in_its_latest_period(exec_context):
    from pages.scorecard import show_scorecard
    crumbs, title, as_of, periods, period, _sorts, _sort, note, table, legend, *_ = show_scorecard({"source": SOURCE})
    assert title == "Children's Bureau, CFSR Round 4 national profile: states, the latest period of each indicator"
    assert note is None
    assert "Published figures as of  3 August 2025" in _text(as_of)
    assert periods[0] == {"label": "Latest for each indicator", "value": "-"} and period == "-"
    assert periods[1]["label"] == "Apr '24 – Mar '25" and periods[-1]["label"] == "Apr '20 – Mar '21"
    # Columns grouped by domain, each named with its standard and the period it shows.
    assert [d["domain"] for d in table["domains"]] == ["Safety", "Permanency"]
    columns = {c["indicator"]: c for c in table["columns"]}
    assert len(columns) == 8
    assert columns["cfsr_reentry"]["standard"] == "≤\u202f5.6%" and columns["cfsr_reentry"]["period"] == "Apr '23 – Mar '24"
    assert columns["cfsr_entry_rate"]["standard"] == "not rated"
    assert columns["cfsr_maltreatment_in_care"]["unit"] == "per 100,000 days"
    assert columns["cfsr_placement_stability"]["text"] == "Place\u00adment sta\u00adbil\u00adity"
    # The nation first (its figure is its published Total), then 52 jurisdictions by name; a row has no page.
    assert table["first_rows"] == 1 and len(table["rows"]) == 53
    assert [r["name"] for r in table["rows"][:3]] == ["United States", "Alabama", "Alaska"]
    assert all(r["href"] is None for r in table["rows"])
    nation = _cells(table, "nation:US")
    assert nation["cfsr_reentry"]["text"] == "✕\u20096.0" and nation["cfsr_reentry"]["status"] == "status-red"
    assert nation["cfsr_recurrence"]["text"] == "✓\u20099.4"
    # A state's cell: its status's colour and symbol, a link to the indicator with the state's trend, its numbers.
    alabama = _cells(table, "state:AL")["cfsr_reentry"]
    assert alabama["href"] == "/indicator/cfsr_reentry?source=cfsr-national&entity=AL"
    assert "Period: Apr '23 – Mar '24" in alabama["title"] and " of " in alabama["title"]
    entry = _cells(table, "state:AL")["cfsr_entry_rate"]
    assert entry["status"] == "status-none" and entry["text"][0].isdigit()  # no standard: a bare number, white
    # Not published: said so, never 0, never coloured.
    california = _cells(table, "state:CA")["cfsr_reentry"]
    assert california["text"] == "not published" and california["colour"] == "#FFFFFF"
    assert "status-not-published" in california["status"] and "Not published" in california["title"]
    assert "not published" in _text(legend) and "meets the standard" in _text(legend)
    assert [i["label"] for i in crumbs.items] == ["Our scorecard", "Published: cfsr-national"]


def test_one_period_shows_the_indicators_published_for_it_and_names_the_others(exec_context):
    from pages.scorecard import show_scorecard
    result = show_scorecard({"source": SOURCE, "period": "23B24A"})
    title, period, note, table = result[1], result[4], result[7], result[8]
    assert title.endswith("national profile: states, Apr '23 – Mar '24") and period == "23B24A"
    assert {c["indicator"] for c in table["columns"]} == {"cfsr_reentry", "cfsr_permanency_12_23",
                                                          "cfsr_permanency_24_plus", "cfsr_placement_stability",
                                                          "cfsr_entry_rate"}
    assert {c["period"] for c in table["columns"]} == {"Apr '23 – Mar '24"}
    assert "Not published for Apr '23 – Mar '24: Maltreatment in foster care" in _text(note)
    assert table["columns"][0]["href"] == "/indicator/cfsr_permanency_12_23?source=cfsr-national&period=23B24A"


@pytest.mark.parametrize("query, says", [
    ({"source": "nope"}, "there is no published source 'nope'"),
    ({"source": "CFSR national!"}, "is not one: use lower-case letters"),
    ({"source": ""}, "source is empty"),
    ({"source": SOURCE, "period": "1999"}, "no period '1999': choose one from the Period list"),
    ({"source": SOURCE, "month": "2026-10"}, "does not take 'month'"),
    ({"source": 5}, "source must be text"),
])
def test_a_bad_source_link_gives_a_message_not_a_traceback(exec_context, query, says):
    from pages.scorecard import show_scorecard
    result = show_scorecard(query)
    assert says in _text(result[7]) and "cannot be shown" in _text(result[7]) and result[8] is None


def test_the_data_selector_lists_the_sources_and_its_choice_becomes_the_url(exec_context):
    from pages.scorecard import choose_source, navigate, show_sources
    options, value, shown = show_sources({})
    assert [o["value"] for o in options] == ["-", SOURCE] and value == "-" and "d-none" not in shown
    assert options[1]["label"] == "Published: cfsr-national (as of 3 August 2025)"
    assert show_sources({"source": SOURCE})[1] == SOURCE
    assert choose_source(SOURCE, {}) == "/scorecard?source=cfsr-national"
    assert choose_source("-", {"source": SOURCE, "period": "23B24A"}) == "/scorecard"
    assert choose_source(SOURCE, {"source": SOURCE}) is no_update
    # On a source's scorecard the Month picker is the Period picker.
    assert navigate("23B24A", "both", None, {"source": SOURCE}) == "/scorecard?source=cfsr-national&period=23B24A"
    assert navigate("-", "both", None, {"source": SOURCE, "period": "23B24A"}) == "/scorecard?source=cfsr-national"
    assert navigate("-", "both", None, {"source": SOURCE}) is no_update


def test_a_viewer_reads_the_values_as_shown_and_no_counts(viewer_context):
    from pages.scorecard import show_scorecard
    table = show_scorecard({"source": SOURCE})[8]
    alabama = _cells(table, "state:AL")["cfsr_reentry"]
    assert "Value: 5.6%" in alabama["title"] and " of " not in alabama["title"]
    values = [line for r in table["rows"] for c in r["cells"] for line in c["title"].split("\n")
              if line.startswith("Value:")]
    assert len(values) > 300 and not any("(" in line for line in values)  # what it is made of: "(127 of 2,262)"


# -- the indicator page -----------------------------------------------------------------------------------------

def test_a_published_indicator_ranks_the_states_trends_one_and_breaks_the_nation_down(exec_context):
    from pages.indicator import show_source_indicator, show_indicator
    (crumbs, title, as_of, periods, period, entities, entity, placeholder, message, summary, ranking_title, ranking,
     missing, trend_title, trend, breakdowns, definition, charts) = show_source_indicator(
        {"indicator_id": "cfsr_reentry", "source": SOURCE})
    assert title == "Re-entry to foster care within 12 months" and message is None
    assert "3 August 2025" in _text(as_of) and [i["label"] for i in crumbs.items][-1] == title
    assert [p["label"] for p in periods] == ["Latest (Apr '23 – Mar '24)", "Apr '23 – Mar '24", "Apr '22 – Mar '23",
                                             "Apr '21 – Mar '22"] and period == "-"
    assert entities[0] == {"label": "United States", "value": "US"} and len(entities) == 53
    # The ranking: best first (lower is better), the standard and the nation as lines, the missing named.
    figure = go.Figure(ranking)
    values = _numbers(ranking["data"][0]["x"])
    assert values == sorted(values) and len(values) == 39
    assert figure.data[0].y[-1] == "New Hampshire" and "Apr '23 – Mar '24" in ranking_title
    labels = [a.text for a in figure.layout.annotations]
    assert "standard ≤ 5.6%" in labels and "┅ United States: 6.0%" in labels
    assert "California" in _text(missing) and "Not published for Apr '23 – Mar '24" in _text(missing)
    assert "United States, Apr '23 – Mar '24: 6.0%, ✕ below the standard (≤ 5.6%)" in _text(summary)
    assert "Of the 39 states with a published figure:  ✓ 20 meets the standard ✕ 19 below the standard" in _text(summary)
    # The trend: the best state by default (named, not written into the URL), with the nation's line.
    assert entity is None and placeholder == figure.data[0].y[0] and trend_title.startswith(f"Trend: {placeholder}")
    lines = go.Figure(trend).data
    assert [t.name for t in lines] == ["United States", placeholder] and len(lines[1].x) == 3
    # The national breakdowns of the period: by age at exit and by race/ethnicity, a table and bars each.
    said = _text(breakdowns)
    assert "National breakdowns, Apr '23 – Mar '24" in said and "United States by age at exit" in said
    assert "United States by race/ethnicity" in said and "Missing Race/Ethnicity Data" in said
    assert "not published" in said  # a group without a figure, not a zero
    assert "Definition" in _text(definition) and "% of children" in _text(definition)
    assert "Children's Bureau, CFSR Round 4 national profile" in _text(definition) and charts == "indicator-charts"
    # The agency's page's callback leaves a published view alone, and the other way round.
    assert show_indicator({"indicator_id": "cfsr_reentry", "source": SOURCE})[5] is None
    assert show_source_indicator({"indicator_id": "reentry"})[8] is None


def test_a_state_s_trend_and_a_period_from_the_url_and_the_pickers(exec_context):
    from pages.indicator import navigate_source, show_source_indicator, show_source_trend_of
    result = show_source_indicator({"indicator_id": "cfsr_reentry", "source": SOURCE, "period": "22B23A",
                                    "entity": "CA"})
    assert result[4] == "22B23A" and result[6] == "CA" and result[13] == "Trend: California, every period published"
    trend = go.Figure(result[14]).data[-1]
    assert trend.y[-1] is None or trend.y[-1] != trend.y[-1]  # not published in Apr '23 – Mar '24: a gap
    assert "not published" in trend.hovertext[-1]
    query = {"indicator_id": "cfsr_reentry", "source": SOURCE}
    assert navigate_source("22B23A", None, query) == "/indicator/cfsr_reentry?source=cfsr-national&period=22B23A"
    assert navigate_source("-", "AL", query) == "/indicator/cfsr_reentry?source=cfsr-national&entity=AL"
    assert navigate_source("-", None, query) is no_update
    assert show_source_trend_of({"points": [{"customdata": ["TX"]}]}, query) == \
        "/indicator/cfsr_reentry?source=cfsr-national&entity=TX"
    assert show_source_trend_of({"points": [{"customdata": "TX"}]}, query) is no_update


@pytest.mark.parametrize("query, says", [
    ({"indicator_id": "reentry", "source": SOURCE}, "have no indicator 'reentry'; they have Maltreatment in foster"),
    ({"indicator_id": "cfsr_reentry", "source": SOURCE, "period": "FY21-22"}, None),
    ({"indicator_id": "cfsr_reentry", "source": SOURCE, "period": "nope"}, "no period 'nope'"),
    ({"indicator_id": "cfsr_reentry", "source": SOURCE, "entity": "ZZ"}, "have no state 'ZZ'"),
    ({"indicator_id": "cfsr_reentry", "source": "gone"}, "no published source 'gone'"),
    ({"indicator_id": "cfsr_reentry", "source": SOURCE, "months": "12"}, "does not take 'months'"),
])
def test_a_bad_published_indicator_link_gives_a_message(exec_context, query, says):
    from pages.indicator import show_source_indicator
    result = show_source_indicator(query)
    if says is None:  # another indicator's period: nothing of this one in it, said on the chart
        assert result[8] is None and "No state has a published figure" in json.dumps(result[11])
    else:
        assert says in _text(result[8]) and "cannot be shown" in _text(result[8])


# -- the national performance beside the agency's own trend -----------------------------------------------------

def _national(figure) -> list:
    return [(a["text"], a["y"]) for a in figure["layout"]["annotations"] if str(a.get("text", "")).startswith("national")]


def test_the_agency_s_trend_shows_the_national_performance_of_the_published_indicator_compared_to_it(exec_context):
    from pages.indicator import show_indicator
    result = show_indicator({"indicator_id": "reentry"})
    trend, note = result[11], result[13]
    assert _national(trend) == [("national performance 5.6%", 5.6)]
    dashed = [s for s in trend["layout"]["shapes"] if s.get("line", {}).get("dash") == "dash" and s.get("y0") == 5.6]
    assert len(dashed) == 1 and dashed[0]["xref"] == "paper"  # across the whole trend
    said = _text(note)
    assert "National line:  Re-entry to foster care within 12 months, Children's Bureau" in said
    assert "the national performance is 5.6%; United States, Apr '23 – Mar '24: 6.0%" in said
    assert "read the gap as a guide, not a ranking" in said  # the compare_note: a different definition
    assert note.children[0].children[-1].href == "/indicator/cfsr_reentry?source=cfsr-national"
    maltreatment = show_indicator({"indicator_id": "maltreatment_in_care"})
    assert _national(maltreatment[11]) == [("national performance 9.07", 9.07)]
    # An indicator no published one is compared to has no national line.
    other = show_indicator({"indicator_id": "timely_contacts_cases"})
    assert _national(other[11]) == [] and other[13] is None


def test_without_a_source_imported_there_is_no_national_line(demo_instance, tmp_path):
    from pages.indicator import show_indicator
    bare = make_app(demo_instance, tmp_path / "statboard.db")
    with as_user(bare):
        result = show_indicator({"indicator_id": "reentry"})
    assert _national(result[11]) == [] and result[13] is None


# -- roles and the real endpoint --------------------------------------------------------------------------------

def test_every_reading_role_reads_the_source_through_the_endpoint_and_the_admin_none(app):
    for username, role, scope in (("exec", "executive", None), ("ana", "analyst", None),
                                  ("mgr", "manager", "office:O001"), ("viewer-o1", "viewer", "office:O001")):
        client = signed_in_client(app, username, role, scope)
        response = post_callback(client, "scorecard-table.data", {"scorecard-query.data": {"source": SOURCE}})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        table = response.get_json()["response"]["scorecard-table"]["data"]
        title = _cells(table, "state:AL")["cfsr_reentry"]["title"]
        assert ("(" in title.split("Value:")[1].split("\n")[0]) == (role != "viewer"), (role, title)
        page = post_callback(client, "indicator-source-ranking.figure",
                             {"indicator-query.data": {"indicator_id": "cfsr_reentry", "source": SOURCE}})
        said = page.get_data(as_text=True)
        assert page.status_code == 200 and "Re-entry to foster care" in said
        assert (" of " in json.loads(said)["response"]["indicator-source-ranking"]["figure"]["data"][0]["hovertext"][0]
                ) == (role != "viewer")
    admin = signed_in_client(app, "admin", "admin")
    response = post_callback(admin, "scorecard-table.data", {"scorecard-query.data": {"source": SOURCE}})
    assert response.status_code == 200 and response.get_json()["response"]["scorecard-table"]["data"] is None
    assert "an admin reads none" in response.get_data(as_text=True)


# -- in a real browser ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser_site(app):
    from tests.browser import chromium_or_skip, serving, sign_in_with_the_form
    with serving(app.server) as url:
        driver = chromium_or_skip()
        try:
            signed_in_client(app, "exec", "executive")  # the user exists
            sign_in_with_the_form(driver, url, "exec")
            yield driver, url
        finally:
            driver.quit()


def test_the_source_scorecard_fits_1920_by_1080_and_its_cells_show(browser_site):
    from tests.browser import console_errors
    from tests.scorecard_dom import table_ready
    from selenium.webdriver.support.ui import WebDriverWait
    driver, url = browser_site
    console_errors(driver)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    try:
        driver.get(url + "/scorecard?source=cfsr-national")
        table = WebDriverWait(driver, 20).until(table_ready("scorecard-heatmap", "United States"), "no table drawn")
        assert len(table["y"]) == 53 and len(table["indicators"]) == 8
        shown = driver.execute_script("""
            const cells = Array.from(document.querySelectorAll('#scorecard-heatmap td'));
            const missing = cells.filter(td => td.textContent === 'not published');
            return {width: [document.documentElement.scrollWidth, window.innerWidth], cells: cells.length,
                    visible: cells.filter(td => td.getBoundingClientRect().width > 20).length,
                    missing: missing.length, white: missing.every(td => td.style.backgroundColor === 'rgb(255, 255, 255)'),
                    period: document.querySelector('.scorecard-period').textContent,
                    data: document.getElementById('scorecard-source-control').className};""")
        assert shown["width"][0] <= shown["width"][1], f"the page scrolls sideways: {shown['width']}"
        assert shown["cells"] == 53 * 8 and shown["visible"] == shown["cells"]
        assert shown["missing"] > 0 and shown["white"] and shown["period"] == "Oct '22 – Sep '23, FY23"
        assert "d-none" not in shown["data"]
        assert not console_errors(driver)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_breakdown_table_keeps_each_group_on_one_line_and_says_not_published(exec_context):
    from components.published import breakdown_table
    from store.aggregates import newest_source, source_breakdowns
    from web.runtime import current_reader, services
    source = newest_source(services().store, current_reader(), SOURCE)
    rows = source_breakdowns(source, "cfsr_reentry")["Race/ethnicity"]
    table = breakdown_table(source.indicators["cfsr_reentry"], rows, "Race/ethnicity")
    said = _text(table)
    assert "Race/ethnicity Value Of Standard" in said and "6.2% 150 of 2,426 ✕ below" in said
    assert "Missing Race/Ethnicity Data not published  not published" in said  # no counts either
