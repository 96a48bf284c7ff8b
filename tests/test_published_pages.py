"""Published figures on the pages: the CFSR national profile (tests/data, public-domain federal data) imported into
the app store, read as a scorecard of the states (/scorecard?source=), one indicator's ranking, trend and
breakdowns (/indicator/<id>?source=), and the national performance beside the agency's own trend."""
from __future__ import annotations

import json
from pathlib import Path

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


def _cells(table, entity):
    row = next(r for r in table["rows"] if r["entity"] == entity)
    return {c["indicator"]: cell for c, cell in zip(table["columns"], row["cells"])}


# -- the scorecard ----------------------------------------------------------------------------------------------

def test_the_source_scorecard_shows_the_states_under_the_nation_each_indicator_in_its_latest_period(exec_context):
    from pages.scorecard import show_scorecard
    crumbs, title, as_of, periods, period, _sorts, _sort, note, table, legend, *_ = show_scorecard({"source": SOURCE})
    assert title == "cfsr-national: states, the latest period of each indicator" and note is None
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
    assert title == "cfsr-national: states, Apr '23 – Mar '24" and period == "23B24A"
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
