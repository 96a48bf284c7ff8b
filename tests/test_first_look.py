"""What a reader meets first, and what they meet when a link is wrong (issue 15): each defect seen on screen."""
from __future__ import annotations

import json

import pytest

from components.links import ScorecardView
from queries.performance import heatmap
from access.scope import EntityRef, OutsideScope, Scope


def test_a_bare_scorecard_is_the_readers_own(demo_snapshot):
    manager = Scope("office", "O001")
    bare = ScorecardView.from_query({})
    with pytest.raises(OutsideScope):
        heatmap(demo_snapshot, manager, bare.month, bare.parent, bare.level)
    mine = bare.for_reader(manager)
    assert mine.parent == EntityRef("office", "O001")
    data = heatmap(demo_snapshot, manager, mine.month, mine.parent, mine.level, mine.tier, mine.sort)
    assert data.parent.name == "Alder Office" and data.level == "unit"
    # An executive's bare scorecard is the department's; a link that names its parent is taken as written.
    assert bare.for_reader(Scope()) == bare
    named = ScorecardView.from_query({"parent": "bureau:B01"})
    assert named.for_reader(manager) == named
    assert ScorecardView.from_query({"level": "bureau"}).for_reader(manager).parent is None


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    from tests.web import make_app
    return make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")


def _page(client, path: str) -> str:
    from tests.web import post_callback
    response = post_callback(client, "_pages_content.children",
                             {"_pages_location.pathname": path, "_pages_location.search": ""})
    assert response.status_code == 200
    return json.dumps(response.get_json()["response"])


def test_an_address_no_page_has_says_so_and_links_back(app):
    from tests.web import signed_in_client
    text = _page(signed_in_client(app, "exec", "executive"), "/no-such-page")
    assert "Page not found" in text and "There is no page at this address" in text
    assert '"href": "/"' in text and '"href": "/scorecard"' in text


def test_an_executive_refused_the_admin_page_sees_the_refusal_and_the_way_back_not_the_admin_page(app):
    from tests.web import post_callback, signed_in_client
    answer = post_callback(signed_in_client(app, "exec", "executive"), "admin-audit.children", {}).get_json()
    shown = answer["response"]
    assert shown["admin-body"]["hidden"] is True
    refusal = json.dumps(shown["admin-message"])
    assert "is for admins; your role is executive" in refusal and '"href": "/"' in refusal
    admin = post_callback(signed_in_client(app, "root", "admin"), "admin-audit.children", {}).get_json()
    assert admin["response"]["admin-body"]["hidden"] is False


def test_the_audit_log_reads_as_lines_bounded_and_as_text():
    from components.admin import DETAIL_KEYS_SHOWN, audit_detail
    detail = {"reason": "office:O002 is outside what you may see", "where": "/members",
              "markup": "<script>alert(1)</script>", "long": "x" * 500, "nested": {"a": [1, 2]},
              **{f"z{n:02d}": n for n in range(10)}}
    shown = audit_detail(detail)
    lines = shown.children
    assert len(lines) == DETAIL_KEYS_SHOWN + 1 and "more (in the CSV)" in lines[-1].children
    pairs = [(line.children[0].children, line.children[1]) for line in lines[:-1]]
    assert pairs[:4] == [("long: ", "x" * 119 + "…"), ("markup: ", "<script>alert(1)</script>"),
                         ("nested: ", '{"a": [1, 2]}'), ("reason: ", "office:O002 is outside what you may see")]
    assert all(isinstance(value, str) for _, value in pairs)  # plain strings: Dash writes them as text, never markup
    assert audit_detail({}) == "" and audit_detail(None) == ""
    assert audit_detail({"scope": None}).children[0].children[1] == "—"  # not JSON's null
    assert [line.children[0].children for line in audit_detail({"b": 1, "a": "x"}).children] == ["a: ", "b: "]


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json())


def test_an_unknown_indicator_is_said_plainly_with_the_scorecard_and_a_few_close_names(app, demo_snapshot):
    from pages.indicator import show_indicator
    from queries.scorecard import indicator_catalogue
    from tests.web import as_user
    ids = indicator_catalogue(demo_snapshot).indicator_id.tolist()
    with as_user(app):
        shown = _text(show_indicator({"indicator_id": "nope"})[5])
        close = _text(show_indicator({"indicator_id": "reentri"})[5])
    assert "There is no indicator at this address" in shown and '"href": "/scorecard"' in shown
    assert not [i for i in ids if f"'{i}'" in shown or f" {i}," in shown]  # no list of internal ids
    assert "Re-entry into foster care" in close and '"href": "/indicator/reentry"' in close
    assert sum(f'"/indicator/{i}"' in close for i in ids) <= 3


def test_titles_name_an_entity_once_with_its_level_in_words_only_where_it_helps(app):
    from display.format import entity_label
    from pages.entity import show_entity
    from pages.indicator import show_indicator
    from tests.web import as_user
    assert entity_label("Alder Office", "office") == "Alder Office"
    assert entity_label("Sam Okafor", "worker") == "Sam Okafor · worker"
    assert entity_label("Demo County Department of Children and Family Services", "department") == (
        "Demo County Department of Children and Family Services")
    with as_user(app):
        assert show_entity({"level": "office", "entity_id": "O002", "month": "2026-10"})[1] == (
            "Bayview Office: October 2026")
        trend_title = show_indicator({"indicator_id": "reentry", "parent": "bureau:B01", "entity": "office:O002"})[10]
    assert trend_title == "Trend: Bayview Office, the last 24 months" and "(office)" not in trend_title


def _luminance(colour: str) -> float:
    def linear(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def _contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def test_the_three_unrated_kinds_of_cell_differ_beyond_a_shade_of_grey():
    from pathlib import Path

    from display.format import STATUS_STYLE, TEXT_COLOUR, status_class
    unrated = ("insufficient", "none", "no data")
    marks = [STATUS_STYLE[s]["symbol"] or STATUS_STYLE[s].get("sample") for s in unrated]
    assert len(set(marks)) == 3 and all(marks)
    lightness = sorted(_luminance(STATUS_STYLE[s]["colour"]) for s in unrated)
    assert all(_contrast(a, b) >= 1.25 for a, b in zip(lightness, lightness[1:]))  # told apart washed out, too
    text = _luminance(TEXT_COLOUR)
    for status, style in STATUS_STYLE.items():
        assert _contrast(text, _luminance(style["colour"])) >= 4.5, status
    # The hatching darkens a fill by at most 13%: the text still reads (WCAG AA).
    darkest = _luminance("#" + "".join(f"{round(int(STATUS_STYLE['insufficient']['colour'][i:i + 2], 16) * 0.87):02X}"
                                       for i in (1, 3, 5)))
    assert _contrast(text, darkest) >= 4.5
    css = (Path(__file__).parent.parent / "assets" / "pages.css").read_text()
    assert f".{status_class('insufficient')}" in css and f".{status_class('no data')}" in css


@pytest.mark.parametrize("role, scope, links, not_shown", [
    ("executive", None,
     {"North Bureau": "/scorecard?parent=bureau:B01", "South Bureau": "/scorecard?parent=bureau:B02"},
     []),
    ("manager", "office:O001", {"Alder Office": "/scorecard?parent=office:O001"}, ["North Bureau"]),
    ("manager", "bureau:B01", {"North Bureau": "/scorecard?parent=bureau:B01"}, ["South Bureau"]),
])
def test_the_home_page_links_only_what_the_reader_may_open(app, role, scope, links, not_shown):
    from dash import html

    from pages.home import show_home
    from tests.web import as_user
    with as_user(app, f"home-{role}-{str(scope).replace(':', '-')}", role, scope):
        table = show_home(None)[2]
    found = {}

    def walk(node):
        if isinstance(node, html.A):
            found[node.children] = node.href
        for child in (node.children if isinstance(getattr(node, "children", None), list) else
                      [getattr(node, "children", None)]):
            if hasattr(child, "children"):
                walk(child)
    walk(table)
    assert found == links
    assert not [name for name in not_shown if name in _text(table)]


def _figure_texts(figure) -> list[int]:
    """Every font size a figure sets or inherits (Plotly's default is 12)."""
    base = figure["layout"].get("font", {}).get("size", 12)
    sizes = [base]
    sizes += [a.get("font", {}).get("size", base) for a in figure["layout"].get("annotations", [])]
    return sizes


def test_the_indicator_charts_read_from_the_back_of_the_room(demo_snapshot):
    from components import charts
    from queries.performance import indicator_across, trend
    whole = Scope()
    department = indicator_across(demo_snapshot, whole, "timely_contacts_cases", None)
    office = indicator_across(demo_snapshot, whole, "timely_contacts_cases", None, EntityRef("bureau", "B01"))
    history = trend(demo_snapshot, whole, "no_recurrence", EntityRef("office", "O001"))
    for data in (department, office):
        for figure in (charts.ranking_figure(data), charts.variation_figure(data), charts.peers_figure(data)):
            layout = figure["layout"]
            assert "width" not in layout and layout["autosize"] is True and min(_figure_texts(figure)) >= 14
            # A percent axis ends at 100, or just above the data and the standard: never at 120 or 170.
            assert layout["xaxis"]["range"][1] <= 100
            # The lines' labels each have a row above the plot: none overprints another or the bars.
            rows = [(a["yshift"], a["y"], a["yref"]) for a in layout["annotations"] if a.get("yref") == "paper"]
            assert len(set(rows)) == len(rows) and all(y == 1 for _, y, _ in rows)
    assert len(department.ranked) < 5 and not [t for t in charts.variation_figure(department)["data"]
                                               if t["type"] == "box"]  # no box from a handful of points
    figure = charts.trend_figure(history)
    low, high = figure["layout"]["yaxis"]["range"]
    values = history.series.value.dropna()
    assert low > 0 and high <= 100 and low <= values.min() and high >= values.max()
    assert min(_figure_texts(figure)) >= 14


def test_an_indicator_with_no_one_in_it_says_so_in_one_sentence_without_empty_charts(app):
    from pages.indicator import CHARTS_SHOWN, CHARTS_WITHHELD, show_indicator
    from tests.web import as_user
    with as_user(app):
        # Counted only from October 2026 in the demo (its first children reach 24 months in care then).
        empty = show_indicator({"indicator_id": "permanency_24m_plus", "month": "2026-09"})
        full = show_indicator({"indicator_id": "reentry"})
        unknown = show_indicator({"indicator_id": "nope"})
    said = _text(empty[6])
    assert "there is nothing to chart" in said and "Of its 0" not in said and empty[-1] == CHARTS_WITHHELD
    assert full[-1] == CHARTS_SHOWN and unknown[-1] == CHARTS_WITHHELD
    with as_user(app):
        latest = show_indicator({"indicator_id": "permanency_24m_plus"})
    assert latest[-1] == CHARTS_SHOWN and "Of its 2 bureaus with members" in _text(latest[6])
