"""The pure builders in components/, on hand-made data: formats, URLs, the heat map, the charts, the story."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlparse

import pandas as pd
import plotly.graph_objects as go
import pytest

from components import charts, common, heatmap, links, scorecard_table, story
from display import format as fmt
from queries.performance import Entity, Heatmap, IndicatorAcross, Story, Trend
from access.scope import EntityRef

def validated(figure: dict) -> go.Figure:
    """The builders return plain dicts for speed; plotly checks them here against its schema (it raises)."""
    return go.Figure(figure)


PROPORTION = SimpleNamespace(indicator_id="reentry", name="Re-entry into foster care", tier=1, domain="Permanency",
                             kind="proportion", direction="lower", green="5.6", yellow="8.3", min_n=5, scale=None,
                             definition="d", why="w", questions=["q1", "q2"])
HIGHER = SimpleNamespace(**{**vars(PROPORTION), "indicator_id": "no_recurrence", "domain": "Safety",
                            "name": "No recurrence of maltreatment", "direction": "higher", "green": "90.3",
                            "yellow": "85"})
COUNT = SimpleNamespace(**{**vars(PROPORTION), "indicator_id": "entries", "name": "Foster care entry (removal)",
                           "kind": "count", "direction": None, "green": None, "yellow": None, "min_n": None})
RATE = SimpleNamespace(**{**vars(PROPORTION), "indicator_id": "maltreatment_in_care", "kind": "rate",
                          "scale": 100000, "green": "9.07", "yellow": "12", "min_n": 1000, "domain": "Safety"})


def test_values_read_as_a_meeting_reads_them():
    assert fmt.format_value("proportion", 92.14) == "92.1%"
    assert fmt.format_value("rate", 9.0712) == "9.07"
    assert fmt.format_value("median", 312.5, with_unit=True) == "312.5 days"
    assert fmt.format_value("median", 312.0) == "312"
    assert fmt.format_value("count", 1234) == "1,234"
    assert fmt.format_value("proportion", None) == "—" and fmt.format_value("count", float("nan")) == "—"


def test_standards_and_amounts_in_words():
    assert fmt.standard_text(HIGHER) == "≥ 90.3% green · ≥ 85% yellow"
    assert fmt.standard_text(PROPORTION) == "≤ 5.6% green · ≤ 8.3% yellow"
    assert fmt.standard_text(COUNT) == "not rated (a count)"
    assert fmt.amount_text(PROPORTION, 7, 125) == "7 of 125"
    assert fmt.amount_text(RATE, 2, 22051) == "2 events in 22,051 days in care"
    assert fmt.unit_of(RATE) == "per 100,000 days in care"


@pytest.mark.parametrize("indicator, now, then, says", [
    (HIGHER, 92.0, 90.0, "+2.0 pts (better; 90.0% then)"),
    (HIGHER, 88.0, 90.0, "−2.0 pts (worse; 90.0% then)"),
    (PROPORTION, 4.0, 6.0, "−2.0 pts (better; 6.0% then)"),  # lower is better
    (PROPORTION, 6.0, 4.0, "+2.0 pts (worse; 4.0% then)"),
    (COUNT, 20, 25, "−5 (25 then)"),
    (HIGHER, 90.0, 90.0, "no change (90.0% then)"),
    (HIGHER, 90.0, None, "no value to compare"),
])
def test_changes_say_better_or_worse_for_the_direction(indicator, now, then, says):
    assert fmt.change_text(indicator, now, then) == says


def test_a_change_from_an_insufficient_month_says_so():
    assert fmt.change_text(HIGHER, 92.0, 100.0, "insufficient").endswith("too few then to rate")


def test_views_read_from_and_write_to_urls():
    view = links.ScorecardView.from_query({"month": "2024-06", "parent": "bureau:B2", "tier": "1", "sort": "-reentry"})
    assert view == links.ScorecardView(dt.date(2024, 6, 1), EntityRef("bureau", "B2"), None, 1, "-reentry")
    href = view.href()
    assert href == "/scorecard?month=2024-06&parent=bureau:B2&tier=1&sort=-reentry"
    assert links.ScorecardView.from_query(dict(parse_qsl(urlparse(href).query))) == view
    assert links.ScorecardView().href() == "/scorecard"
    indicator = links.IndicatorView.from_query("reentry", {"entity": "office:O 1", "months": "all"})
    assert indicator.months is None and indicator.entity == EntityRef("office", "O 1")
    again = links.IndicatorView.from_query("reentry", dict(parse_qsl(urlparse(indicator.href()).query)))
    assert again == indicator
    entity = links.EntityView.from_query("worker", "0042", {"month": "2024-05"})
    assert entity.href() == "/entity/worker/0042?month=2024-05"
    assert links.scorecard_href(EntityRef("department", "all"), None) == "/scorecard"


@pytest.mark.parametrize("query, says", [
    ({"colour": "red"}, "does not take 'colour'"),
    ({"month": "June"}, "month 'June' is not a month"),
    ({"month": "2024-13"}, "is not a month"),
    ({"tier": "3"}, "tier '3' is not 1 or 2"),
    ({"level": "team"}, "level 'team' is not one of"),
    ({"parent": "office"}, "parent: 'office' needs an id"),
    ({"parent": "region:R1"}, "does not name an entity"),
])
def test_a_bad_url_parameter_says_what_to_write(query, says):
    with pytest.raises(links.ViewError, match=says):
        links.ScorecardView.from_query(query)


def test_bad_indicator_and_entity_urls():
    with pytest.raises(links.ViewError, match="months 'lots' is not a number"):
        links.IndicatorView.from_query("reentry", {"months": "lots"})
    with pytest.raises(links.ViewError, match="the department's id is 'all'"):
        links.EntityView.from_query("department", "everything", {})


def _heatmap() -> Heatmap:
    rows = pd.DataFrame({"level": ["unit", "worker", "worker", "worker"], "entity_id": ["U1", "W1", "W2", "W3"],
                         "entity_name": ["Unit 1", "Ana Diaz", "Ana Diaz", "Ben Okafor"]})
    indicators = pd.DataFrame([vars(HIGHER), vars(COUNT)])
    cell = dict(numerator=94, denominator=100, value=94.0, status="green", last_month=90.0, last_month_status="green",
                last_year=None, last_year_status=None)
    cells = pd.DataFrame([
        {"level": "unit", "entity_id": "U1", "indicator_id": "no_recurrence", **cell},
        {"level": "worker", "entity_id": "W1", "indicator_id": "no_recurrence",
         **{**cell, "numerator": 3, "denominator": 4, "value": 75.0, "status": "insufficient"}},
        {"level": "worker", "entity_id": "W2", "indicator_id": "no_recurrence",
         **{**cell, "numerator": 80, "denominator": 100, "value": 80.0, "status": "red"}},
        {"level": "unit", "entity_id": "U1", "indicator_id": "entries",
         **{**cell, "numerator": 12, "denominator": 12, "value": 12.0, "status": "none"}},
    ])
    path = [Entity("department", "all", "Dept"), Entity("bureau", "B1", "North"), Entity("office", "O1", "Alder"),
            Entity("unit", "U1", "Unit 1")]
    return Heatmap(dt.date(2024, 6, 1), path[-1], "worker", path, rows, indicators, cells, 3)


def _table(view=None):
    view = view or links.ScorecardView(dt.date(2024, 6, 1), EntityRef("unit", "U1"), tier=1)
    return scorecard_table.scorecard_table(_heatmap(), view)


def test_the_scorecard_table_names_its_rows_and_columns_by_their_ids():
    table = _table()
    rows, columns = table["rows"], table["columns"]
    assert [r["name"] for r in rows] == ["Unit 1", "Ana Diaz (W1)", "Ana Diaz (W2)", "Ben Okafor"]
    assert [r["entity"] for r in rows] == ["unit:U1", "worker:W1", "worker:W2", "worker:W3"]
    assert [c["indicator"] for c in columns] == ["no_recurrence", "entries"]
    assert [c["domain"] for c in columns] == ["Safety", "Permanency"]
    assert [c["name"] for c in columns] == ["No recurrence of maltreatment", "Foster care entry (removal)"]
    assert [c["start"] for c in columns] == [False, True]  # a rule before each domain after the first
    # A domain over one narrow column may break at a syllable (a soft hyphen).
    assert [(d["text"].replace("\u00ad", ""), d["span"], d["domain"]) for d in table["domains"]] == [
        ("Safety", 1, "Safety"), ("Permanency", 1, "Permanency")]
    assert table["corner"] == "Unit 1 and its workers" and table["caption"] == "Unit 1: workers, June 2024"


def test_a_scorecard_cell_says_its_status_value_and_unit_and_its_title_what_the_hover_said():
    table = _table()
    cells = [c for r in table["rows"] for c in r["cells"]]
    assert [c["text"] for c in cells] == ["✓\u200994.0", "12", "~\u200975.0", "–", "✕\u200980.0", "–", "–", "–"]
    assert [c["status"] for c in cells[:4]] == ["status-green", "status-none", "status-insufficient", "status-no-data"]
    assert cells[0]["colour"] == fmt.STATUS_STYLE["green"]["colour"] and cells[4]["colour"] == "#D55E00"
    title = cells[0]["title"].split("\n")
    assert title[:2] == ["Unit 1", "No recurrence of maltreatment"]
    assert "Value: 94.0% (94 of 100)" in title and "Standard: ≥ 90.3% green · ≥ 85% yellow" in title
    assert "Since last month: +4.0 pts (better; 90.0% then)" in title
    assert "Since 12 months ago: no value to compare" in title
    assert "fewer than 5 members" in cells[2]["title"] and "No members this month" in cells[3]["title"]
    assert [c["unit"] for c in table["columns"]] == ["%", "count"]
    assert fmt.unit_of(RATE, short=True) == "per 100,000 days"
    assert fmt.unit_of(SimpleNamespace(kind="median"), short=True) == "days"


def test_scorecard_links_drill_down_open_the_indicator_and_a_cell_opens_the_row_s_trend():
    table = _table()
    rows = [r["href"] for r in table["rows"]]
    assert rows[0] == "/entity/unit/U1?month=2024-06"  # the parent's own story
    assert rows[1] == "/entity/worker/W1?month=2024-06"  # a worker has nothing below: its page
    assert table["columns"][0]["href"] == "/indicator/no_recurrence?month=2024-06&parent=unit:U1"
    hrefs = [[c["href"] for c in r["cells"]] for r in table["rows"]]
    assert hrefs[2][0] == "/indicator/no_recurrence?month=2024-06&parent=unit:U1&entity=worker:W2"
    assert hrefs[0][1] == "/indicator/entries?month=2024-06&parent=unit:U1&entity=unit:U1"


def test_a_drillable_row_opens_the_scorecard_below_it_and_a_suppressed_cell_is_marked_hidden():
    data = _heatmap()
    rows = data.rows.assign(level=["bureau", "office", "office", "office"], drillable=[True, True, False, True])
    cells = data.cells.assign(level=data.cells.level.replace({"unit": "bureau", "worker": "office"}))
    cells.loc[1, "status"] = "suppressed"
    data = Heatmap(data.month, Entity("bureau", "U1", "Unit 1"), "office", data.path, rows, data.indicators,
                   cells, 3)
    table = scorecard_table.scorecard_table(data, links.ScorecardView(dt.date(2024, 6, 1), tier=2))
    hrefs = [r["href"] for r in table["rows"]]
    assert hrefs[1] == "/scorecard?month=2024-06&parent=office:W1&tier=2"
    assert hrefs[2] == "/entity/office/W2?month=2024-06"  # the reader may not open what is below it
    hidden = table["rows"][1]["cells"][0]
    assert hidden["text"] == "∗" and "Hidden: its numbers are small" in hidden["title"]


def test_each_column_says_its_standard_and_direction_under_its_name():
    table = _table()
    assert table["standard"] == "Standard"
    assert [c["standard"] for c in table["columns"]] == ["≥\u202f90.3%", "not rated"]
    assert table["columns"][0]["standard_title"] == (
        "No recurrence of maltreatment: higher is better; ≥ 90.3% green · ≥ 85% yellow")
    assert fmt.standard_short(PROPORTION) == "≤\u202f5.6%"
    assert fmt.standard_short(RATE) == "≤\u202f9.07"
    assert fmt.standard_short(SimpleNamespace(**{**vars(HIGHER), "green": "90"})) == "≥\u202f90%"
    median = SimpleNamespace(**{**vars(PROPORTION), "kind": "median", "green": "365", "yellow": "400"})
    assert fmt.standard_short(median) == "≤\u202f365"
    assert fmt.standard_words(PROPORTION).startswith("lower is better; ≤ 5.6% green")


def test_a_meetings_table_has_cells_that_flag_instead_of_links_and_marks_those_on_the_agenda():
    table = scorecard_table.scorecard_table(_heatmap(), links.ScorecardView(dt.date(2024, 6, 1)), "meeting-flag",
                                            [("no_recurrence", "worker:W2")])
    assert table["flag"] == "meeting-flag" and _table()["flag"] is None
    cells = [c for r in table["rows"] for c in r["cells"]]
    assert not any("href" in c for c in cells)
    assert [c["agenda"] for c in cells] == [False, False, False, False, True, False, False, False]
    assert cells[4]["label"] == ("No recurrence of maltreatment, Ana Diaz (W2): Value: 80.0% (80 of 100); "
                                 "Status: ✕ below the standard. On the agenda already.")
    assert cells[0]["label"].endswith("Press to add it to the agenda.")
    assert cells[6]["label"] == ("No recurrence of maltreatment, Ben Okafor: No members this month: nothing to "
                                 "measure. Press to add it to the agenda.")


def test_long_header_words_break_at_syllables_with_soft_hyphens():
    assert scorecard_table.header_text("No recurrence of maltreatment") == (
        "No re\u00adcur\u00adrence of mal\u00adtreat\u00adment")
    assert scorecard_table.header_text("Placement with relatives") == "Place\u00adment with rel\u00ada\u00adtives"
    assert scorecard_table.header_text("emancipated/age").replace("\u00ad", "") == "emancipated/\u200bage"
    assert scorecard_table.header_text("Timely dental exam") == "Timely dental exam"  # short words stay whole


def test_a_header_leaves_to_its_unit_line_only_what_restates_the_unit():
    rate = "Maltreatment in foster care (victimizations per 100,000 days)"
    assert scorecard_table.header_text(rate, "per 100,000 days").replace("\u00ad", "") == (
        "Maltreatment in foster care")
    for name, unit in (("Foster care entry (removal)", "count"), ("Exit to reunification (entry cohort)", "%")):
        assert scorecard_table.header_text(name, unit).replace("\u00ad", "") == name


def test_every_catalogue_column_header_is_distinct():
    from measures.catalogue import load_catalogue
    indicators = load_catalogue().indicators
    headers = [scorecard_table.header_text(i.name, fmt.unit_of(i, short=True)).replace("\u00ad", "")
               for i in indicators]
    assert len(set(headers)) == len(headers) == 28
    assert max(len(h) for h in headers) <= 53  # the longest left is "Exit to reunification within 12 months (…)"


def _across(ranked_values, statuses) -> IndicatorAcross:
    ranked = pd.DataFrame({"level": "office", "entity_id": [f"O{i}" for i in range(len(ranked_values))],
                           "entity_name": [f"Office {i}" for i in range(len(ranked_values))],
                           "peer_group": ["urban", "urban", None][:len(ranked_values)],
                           "under_parent": True, "numerator": 1, "denominator": 10, "value": ranked_values,
                           "status": statuses})
    parent = Entity("bureau", "B1", "North")
    return IndicatorAcross(dt.date(2024, 6, 1), pd.Series(vars(PROPORTION)), parent, "office",
                           [Entity("department", "all", "Dept"), parent],
                           pd.Series({"value": 4.0, "status": "green"}), ranked, ranked)


def test_ranking_colours_bars_by_status_and_draws_the_standard():
    figure = validated(charts.ranking_figure(_across([1.0, 6.0, 9.0], ["green", "yellow", "red"])))
    bar = figure.data[0]
    assert list(bar.y) == ["Office 0", "Office 1", "Office 2"]
    assert list(bar.marker.color) == [fmt.STATUS_STYLE[s]["colour"] for s in ("green", "yellow", "red")]
    assert [shape.x0 for shape in figure.layout.shapes] == [5.6, 8.3, 4.0]  # green, yellow, the parent
    assert charts.status_counts(_across([1.0, 6.0, 9.0], ["green", "yellow", "red"]))["red"] == 1


def test_peers_give_each_office_a_row_under_its_group_and_each_group_its_median():
    figure = validated(charts.peers_figure(_across([1.0, 6.0, 9.0], ["green", "yellow", "red"])))
    [dots] = figure.data
    groups, names = dots.y  # one row per office, so names never share a row; offices without a group last
    assert list(groups) == ["urban", "urban", "no peer group"]
    assert sorted(names[:2]) == ["<b>Office 0</b>", "<b>Office 1</b>"] and names[2] == "<b>Office 2</b>"
    medians = [(s.x0, s.y0, s.y1) for s in figure.layout.shapes if s.line.width == 4]  # across the group's rows
    assert medians == [(3.5, -0.45, 1.45), (9.0, 1.55, 2.45)]


def _trend(kind_indicator, statuses) -> Trend:
    months = pd.date_range("2024-01-01", periods=len(statuses), freq="MS")
    series = pd.concat([
        pd.DataFrame({"month": months, "line": "entity", "value": range(len(statuses)), "numerator": 1,
                      "denominator": 10, "status": statuses}),
        pd.DataFrame({"month": months, "line": "peers", "value": 3.0, "numerator": None, "denominator": None,
                      "status": None})])
    path = [Entity("department", "all", "Dept"), Entity("office", "O1", "Alder")]
    return Trend(pd.Series(vars(kind_indicator)), path[-1], path, "the other urban offices", series)


def test_trend_draws_bands_lines_and_hollow_insufficient_months():
    figure = validated(charts.trend_figure(_trend(PROPORTION, ["green", "insufficient", "red"])))
    assert [t.name for t in figure.data] == ["Peers' median (the other urban offices)", "Alder"]
    entity = figure.data[-1]
    assert list(entity.marker.color)[1] == "white" and list(entity.marker.color)[0] != "white"
    rectangles = [s for s in figure.layout.shapes if s.type == "rect"]
    assert [r.fillcolor for r in rectangles] == [fmt.STATUS_STYLE[s]["colour"] for s in ("green", "yellow", "red")]
    counted = validated(charts.trend_figure(_trend(COUNT, ["none", "none"])))
    assert not [s for s in counted.layout.shapes if s.type == "rect"]  # a count has no standard to band


def test_empty_figures_say_why():
    empty = validated(charts.ranking_figure(_across([], [])))
    assert "has members this month" in empty.layout.annotations[0].text


def test_sparkline_and_story_rows():
    values = pd.Series([1.0, None, 3.0])
    image = common.sparkline(values, pd.Series(["green", None, "red"]), PROPORTION)
    assert image.alt == "from 1 to 3" and image.src.startswith("data:image/svg+xml")
    assert "D55E00" in image.src  # the last point in its status colour
    assert common.sparkline(pd.Series([None, None]), pd.Series([None, None]), PROPORTION).children == "no values"
    cells = pd.DataFrame({"indicator_id": ["reentry"], "month": [pd.Timestamp("2024-06-01")], "numerator": [7],
                          "denominator": [125], "value": [5.6], "status": ["green"]})
    data = Story(dt.date(2024, 6, 1), Entity("office", "O1", "Alder"), [Entity("office", "O1", "Alder")],
                 pd.DataFrame([vars(HIGHER), vars(PROPORTION)]), cells)
    rows = story.story_rows(data)
    assert [r["status"] for r in rows] == ["no data", "green"]
    assert rows[1]["value"] == "5.6%" and rows[1]["amount"] == "7 of 125" and len(rows[1]["values"]) == 24


def test_variation_marks_every_rated_entity_names_its_dots_and_says_what_the_marks_mean():
    figure = validated(charts.variation_figure(_across([1.0, 6.0, 9.0], ["green", "insufficient", "red"])))
    # two rated points: dots, no box; a trace per status, so the legend says what each mark means
    assert [(list(t.x), t.marker.symbol, t.name) for t in figure.data] == [
        ([1.0], "circle", "meets the standard"), ([9.0], "x", "below the standard")]
    assert [list(t.text) for t in figure.data] == [["Office 0"], ["Office 2"]]  # a few dots: each named
    assert figure.layout.showlegend and all(t.mode == "markers+text" for t in figure.data)
    counted = validated(charts.variation_figure(_across([3.0, 5.0], ["none", "none"])))
    assert [(t.marker.symbol, t.name) for t in counted.data] == [("circle-open", "not rated (a count): hollow")]
    # Many dots: the highest and the lowest named on the chart, every one in its hover, and the chart says so.
    few = _across([1.0], ["green"])
    ranked = pd.concat([few.ranked.assign(entity_id=f"O{n}", entity_name=f"Office {n}", value=float(n))
                        for n in range(10)], ignore_index=True)
    many = IndicatorAcross(few.month, few.indicator, few.parent, few.level, few.path, few.parent_cell, ranked, ranked)
    crowded = validated(charts.variation_figure(many))
    dots = crowded.data[-1]
    assert [t for t in dots.text if t] == ["Office 0", "Office 9"] and len(dots.hovertext) == 10
    assert any("the highest and the lowest of 10" in a.text for a in crowded.layout.annotations)
    assert "Too few members" in charts.variation_figure(_across([1.0], ["insufficient"]))["layout"]["annotations"][0]["text"]


def test_a_picked_month_is_written_unless_a_live_view_picks_the_latest():
    june, july = dt.date(2024, 6, 1), dt.date(2024, 7, 1)
    assert links.picked_month("2024-07", None, july) is None  # the view follows the latest month: it still does
    assert links.picked_month("2024-06", None, july) == june
    assert links.picked_month("2024-07", june, july) == july  # a view that named a month keeps naming one
    with pytest.raises(links.ViewError, match="is not a month"):
        links.picked_month("July", None, july)


def test_compact_packs_long_numeric_arrays_and_leaves_the_rest():
    import base64

    import numpy as np
    values = [1.5, None, 3.25] + list(range(10))
    figure = {"data": [{"x": [f"2026-{m:02d}-01" for m in range(1, 14)], "y": values},
                       {"x": [1.0, 2.0], "y": ["Alder Office", "Bayview Office"]}, {"y": [True] * 9}],
              "layout": {"height": 300}}
    packed = charts.compact(figure)
    assert packed["data"][0]["x"] == figure["data"][0]["x"]  # dates stay text
    assert packed["data"][0]["y"]["dtype"] == "f8"
    back = np.frombuffer(base64.b64decode(packed["data"][0]["y"]["bdata"]), dtype="<f8")
    assert back[0] == 1.5 and np.isnan(back[1]) and back.tolist()[2:] == [3.25, *map(float, range(10))]
    assert packed["data"][1] == figure["data"][1] and packed["data"][2] == figure["data"][2]  # short, or not numbers
    assert packed["layout"] == figure["layout"] and figure["data"][0]["y"] is values  # the figure is not changed


def test_the_definition_card_names_the_indicator_not_its_id():
    footer = common.definition_card(pd.Series(vars(RATE))).children.children[-1].children
    assert footer == "Re-entry into foster care · Tier I · Safety · a rate per days in care"
    assert "maltreatment_in_care" not in str(common.definition_card(pd.Series(vars(RATE))))


def test_a_presented_variation_grows_its_dot_names_and_keeps_its_legend_only_where_the_page_scrolls():
    figure = charts.variation_figure(_across([1.0, 6.0, 9.0], ["green", "yellow", "red"]))
    on_page = validated(charts.presented(figure, keep_height=True))
    assert on_page.layout.showlegend and on_page.layout.legend.font.size == charts.PRESENT_FONT_PX
    assert all(t.textfont.size == charts.PRESENT_FONT_PX for t in on_page.data)
    in_meeting = validated(charts.presented(figure))
    assert in_meeting.layout.showlegend is False and in_meeting.layout.margin.b == 60
    assert [list(t.text) for t in in_meeting.data] == [["Office 0"], ["Office 1"], ["Office 2"]]
