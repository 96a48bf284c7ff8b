"""The provider page (/providers/<id>), the members behind a provider's cell, and what a provider's own staff (the
provider role, provider:FFA07) read: through Dash's callback endpoint and the downloads, as the browser and an
attacker post them, on a copy of the `small` demo agency with its contracts and the providers' reported figures.

In the demo, FFA07 (Bright Futures Family Agency) is in the Foster care program with FFA01-FFA12; its contract
changed on 1 July 2025 (a target of 80% became 92%). The provider-reported figures end with Jul - Sep 2026.
"""
from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

from access.roles import reader_for
from access.scope import EntityRef, OutsideScope, Scope
from measures.catalogue import load_catalogue
from measures.contracts import read_contracts
from queries.providers import program_cells, provider_trend, providers
from queries.scorecard import members_behind_cell, provider_scorecard, scorecard
from queries.warehouse import Warehouse
from store import db
from store.aggregates import import_aggregates
from store.contracts import current_contracts, load_contracts
from tests.browser import WAIT_S, chromium_or_skip, console_errors, serving, sign_in_with_the_form
from tests.web import callback_body, copy_instance, engine_of, make_app, post_callback, signed_in_client

OCTOBER, SEPTEMBER = dt.date(2026, 10, 1), dt.date(2026, 9, 1)
PAGE, SCORECARD, MEMBERS, HOME = ("provider-title.children", "providers-tables.children", "members-grid.rowData",
                                  "home-summary.children")
READERS = {"exec": ("executive", None), "analyst": ("analyst", None), "viewer": ("viewer", None),
           "mgr": ("manager", "bureau:B01"), "prov": ("provider", "provider:FFA07")}
PROVIDER_SCOPE = Scope("provider", "FFA07", case_level=True, small_cell_min=11)
VIEWER = Scope(case_level=False, small_cell_min=11)


@pytest.fixture(scope="module")
def instance(demo_instance, tmp_path_factory):
    return copy_instance(demo_instance, tmp_path_factory.mktemp("provider-pages") / "instance")


@pytest.fixture(scope="module")
def app(instance, demo_instance):
    """The demo's warehouse (a copy), its contracts loaded and the providers' reported figures imported."""
    app = make_app(instance)
    extract = demo_instance.parent / "extract"
    warehouse = Warehouse(f"duckdb:///{instance / 'warehouse.duckdb'}")
    ids = set(providers(warehouse.snapshot()).provider_id)
    warehouse.dispose()
    load_contracts(engine_of(app), read_contracts(extract / "contracts.toml", load_catalogue(), ids), "test")
    import_aggregates(engine_of(app), extract / "provider-reported.csv", "generic", load_catalogue(), "test",
                      "provider-reports")
    return app


@pytest.fixture(scope="module")
def clients(app):
    return {name: signed_in_client(app, name, role, scope) for name, (role, scope) in READERS.items()}


@pytest.fixture(scope="module")
def names(demo_snapshot) -> dict[str, str]:
    frame = providers(demo_snapshot)
    return dict(zip(frame.provider_id, frame.provider_name))


def _post(client, output: str, values: dict, headers=None) -> dict:
    body = callback_body(client, output, values)
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json",
                           headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return response.get_json()["response"]


def _page(client, provider_id: str, headers=None, **query) -> dict:
    return _post(client, PAGE, {"provider-query.data": {"provider_id": provider_id, **query}}, headers)


def _text(component) -> str:
    """Every text a component tree shows (its children), joined."""
    if isinstance(component, str):
        return component
    if isinstance(component, (int, float)):
        return str(component)
    if isinstance(component, list):
        return " ".join(_text(c) for c in component)
    if isinstance(component, dict):
        props = component.get("props", component)
        return " ".join(_text(props.get(key)) for key in ("children", "label") if props.get(key) is not None)
    return ""


def _values(axis) -> list:
    """A trace's x or y as a list: callbacks send long numeric ones packed (components/charts.py `compact`)."""
    if isinstance(axis, dict):
        import base64
        import numpy as np
        return [None if np.isnan(v) else float(v) for v in np.frombuffer(base64.b64decode(axis["bdata"]), "<f8")]
    return list(axis)


def _find(component, kind: str) -> list[dict]:
    """Every component of `kind` (Graph, Table, Details...) in a tree."""
    found = []
    if isinstance(component, list):
        for c in component:
            found += _find(c, kind)
    elif isinstance(component, dict):
        if component.get("type") == kind:
            found.append(component)
        for value in (component.get("props") or {}).values():
            if isinstance(value, (list, dict)):
                found += _find(value, kind)
    return found


def _peer_rows(out: dict) -> list[tuple[str, list[str]]]:
    """(row name, [cell texts]) of the peers table."""
    [table] = _find(out["provider-peers"]["children"], "Table")
    body = table["props"]["children"][1]["props"]["children"]
    rows = []
    for tr in body:
        cells = tr["props"]["children"]
        rows.append((_text(cells[0]).replace(" (this provider)", "").strip(), [_text(c) for c in cells[1:]]))
    return rows


def _refusals(app, username: str) -> int:
    return len(db.audit_entries(engine_of(app), None, username, "access-refused"))


# -- the page, as the department's executive reads it ------------------------------------------------------------

def test_the_provider_page_shows_its_contracts_terms_beside_the_catalogue(clients):
    out = _page(clients["exec"], "FFA07")
    assert out["provider-title"]["children"] == "Bright Futures Family Agency"
    assert out["provider-subtitle"]["children"] == "Foster family agency · against its contracts, October 2026"
    assert out["provider-month"]["value"] == "2026-10" and out["provider-body"]["className"] is None
    terms = _text(out["provider-contracts"]["children"])
    assert "Foster care: contract C-2025-FFA07" in terms
    assert "1 July 2025 to 30 June 2027 (in force); performance reviewed monthly." in terms
    # Each metric's target and floor, beside the catalogue's standard.
    assert "Placement stability 0 to 12 months 92.0% 85.0% ≥\u202f86% computed from the case data" in terms
    assert "Placement stability (reported by delegate agencies) 2.50 4.00" in terms and "reported by the provider" in terms
    assert "Other contracts: C-2023-FFA07 (Foster care, 1 Jul 2023 to 30 Jun 2025)." in terms
    # Before July 2025, the earlier contract is the one in force.
    before = _page(clients["exec"], "FFA07", month="2025-05")
    assert "contract C-2023-FFA07" in _text(before["provider-contracts"]["children"])
    assert "80.0% 70.0%" in _text(before["provider-contracts"]["children"])


def test_each_computed_metric_s_trend_is_against_the_contract_s_target_and_floor(clients, demo_snapshot):
    out = _page(clients["exec"], "FFA07")
    graphs = _find(out["provider-metrics"]["children"], "Graph")
    assert len(graphs) == 4  # the contract's four metrics, two of them reported
    stability = graphs[0]["props"]["figure"]
    traces = {t["name"]: t for t in stability["data"]}
    assert set(traces) == {"Contract target", "Contract floor (remedy)", "The program (every provider's members)",
                           "Other providers' median (the other providers of the Foster care program)",
                           "Bright Futures Family Agency"}
    target = traces["Contract target"]
    assert len(target["x"]) == 24 and target["x"][0] == "2024-11-01" and target["x"][-1] == "2026-10-01"
    # The target steps where the contract changed: 80% to June 2025, 92% from July.
    by_month = dict(zip(target["x"], _values(target["y"])))
    assert by_month["2025-06-01"] == 80.0 and by_month["2025-07-01"] == 92.0 and target["line"]["shape"] == "hv"
    assert dict(zip(traces["Contract floor (remedy)"]["x"], _values(traces["Contract floor (remedy)"]["y"])))[
        "2026-10-01"] == 85.0
    # The provider's own line is its cells, exact for an executive.
    truth = provider_trend(demo_snapshot, Scope(), "placement_stability_0_12", "FFA07", OCTOBER, 24)
    own = truth.series[truth.series.line == "entity"]
    line = traces["Bright Futures Family Agency"]
    assert line["x"][-1] == "2026-10-01" and len(line["x"]) == len(own)
    summary = _text(out["provider-metrics"]["children"][0])
    cell = own.iloc[-1]
    assert f"October 2026: {cell.value:.1f}% ({cell.numerator:.0f} of {cell.denominator:.0f}), meets target." in summary
    assert "Contract target 92.0%, floor 85.0%." in summary and "Catalogue standard ≥ 86%." in summary


def test_every_figure_has_its_numbers_as_a_table(clients):
    out = _page(clients["exec"], "FFA07")
    sections = out["provider-metrics"]["children"]
    for section in sections:
        [details] = _find(section, "Details")
        [table] = _find(details, "Table")
        rows = table["props"]["children"][1]["props"]["children"]
        assert rows and "the figures as a table" in _text(details["props"]["children"][0])
    # The computed metric's table: a row a month, newest first, the figure's own values.
    [table] = _find(sections[0], "Table")
    head = [_text(th) for th in table["props"]["children"][0]["props"]["children"]["props"]["children"]]
    assert head == ["Month", "Bright Futures Family Agency", "Against the contract", "The program",
                    "Other providers' median", "Target", "Floor"]
    rows = [[_text(c) for c in tr["props"]["children"]] for tr in table["props"]["children"][1]["props"]["children"]]
    assert len(rows) == 24 and rows[0][0] == "Oct 2026" and rows[-1][0] == "Nov 2024"
    assert rows[0][5:] == ["92.0%", "85.0%"] and rows[-1][5:] == ["80.0%", "70.0%"]
    figure = _find(sections[0], "Graph")[0]["props"]["figure"]
    own = next(t for t in figure["data"] if t["name"] == "Bright Futures Family Agency")
    assert rows[0][1] == f"{_values(own['y'])[-1]:.1f}%"


def test_a_reported_metric_shows_its_periods_as_reported_and_has_no_members(clients):
    out = _page(clients["exec"], "FFA07")
    reported = out["provider-metrics"]["children"][1]
    said = _text(reported)
    assert "Placement stability (reported by delegate agencies)" in said and "reported by the provider" in said
    assert "Reported for Jul – Sep 2026 (the latest by October 2026):" in said
    assert "there are no members behind it to list" in said
    assert not [link for link in _find(reported, "Link") if "/members" in link["props"]["href"]]
    figure = _find(reported, "Graph")[0]["props"]["figure"]
    points = figure["data"][-1]
    assert points["x"][-1] == "Jul – Sep 2026" and figure["layout"]["xaxis"]["type"] == "category"
    # In September the period holding the month is reported: no "latest by".
    september = _text(_page(clients["exec"], "FFA07", month="2026-09")["provider-metrics"]["children"][1])
    assert "Reported for Jul – Sep 2026:" in september


def test_the_peers_of_its_program_each_against_its_own_contract(clients, names):
    out = _page(clients["exec"], "FFA07")
    rows = _peer_rows(out)
    assert rows[0][0] == "Foster care: the program"
    assert {name for name, _ in rows[1:]} == {names[f"FFA{n:02d}"] for n in range(1, 13)}
    mine = dict(rows)["Bright Futures Family Agency"]
    assert mine[0].startswith("✓")  # 95.0 against its own 92.0 target
    # FFA12's contract holds it to no reported placement stability: not in contract.
    assert dict(rows)[names["FFA12"]][1] == "not in contract"
    # Every other provider's name opens its page; a computed cell its members (an executive may list them).
    links = [link["props"]["href"] for link in _find(out["provider-peers"]["children"], "Link")]
    assert "/providers/FFA08?month=2026-10" in links
    assert "/members?indicator=placement_stability_0_12&month=2026-10&entity=provider:FFA08" in links


def test_a_computed_figure_links_to_the_members_behind_it_and_they_add_up_to_the_cell(clients, demo_snapshot):
    out = _page(clients["exec"], "FFA07")
    [link] = [link for link in _find(out["provider-metrics"]["children"][0], "Link")
              if link["props"]["href"].startswith("/members")]
    assert link["props"]["href"] == "/members?indicator=placement_stability_0_12&month=2026-10&entity=provider:FFA07"
    cell = provider_scorecard(demo_snapshot, Scope(), OCTOBER, indicator_ids=["placement_stability_0_12"])
    cell = cell[cell.entity_id == "FFA07"].iloc[0]
    assert link["props"]["children"] == f"List the members behind October 2026's figure ({cell.denominator:.0f})"
    listed = _post(clients["exec"], MEMBERS, {"members-query.data": {
        "indicator": "placement_stability_0_12", "month": "2026-10", "entity": "provider:FFA07"}})
    assert len(listed["members-grid"]["rowData"]) == cell.denominator
    assert listed["members-title"]["children"] == ("Placement stability 0 to 12 months: members behind Bright "
                                                   "Futures Family Agency, October 2026")
    assert listed["pick-card"]["style"] == {"display": "none"}  # cases are drawn from the organisation's cells
    assert {"Worker", "Unit"} <= {c["headerName"] for c in listed["members-grid"]["columnDefs"]}
    truth = members_behind_cell(demo_snapshot, Scope(), "placement_stability_0_12", OCTOBER,
                                EntityRef("provider", "FFA07"))
    shown = {r["member_id"] for r in listed["members-grid"]["rowData"]}
    assert not shown & set(truth.member_id)  # masked, as everywhere


def test_the_reviews_of_the_provider_are_listed_or_said_to_be_none(app, clients):
    from store import meetings
    from store.meeting_numbers import prepare
    assert _text(_page(clients["exec"], "FFA08")["provider-reviews"]["children"]) == \
        "No performance review of Open Door Foster Care yet."
    run = app.server.extensions["statboard"]
    snapshot, eve = run.warehouse.snapshot(), reader_for("eve", "executive", None)
    name, ids, month = prepare(snapshot, meetings.change_scope(eve), EntityRef("provider", "FFA07"), SEPTEMBER,
                               run.store)
    review = meetings.create_meeting(run.store, eve, EntityRef("provider", "FFA07"), name, ids, month,
                                     snapshot.version.version_id, snapshot.version.as_of, "2026-10-20")
    for reader in ("exec", "prov"):  # the provider's own staff read their own reviews
        reviews = _page(clients[reader], "FFA07")["provider-reviews"]["children"]
        [link] = _find(reviews, "Link")
        assert link["props"]["href"] == f"/meeting?id={review.id}"
        assert " ".join(_text(reviews).split()) == f"20 October 2026: {review.title} (September 2026 figures, open)"
    # A viewer reads no Stat meeting (store/meetings.py): none they may see.
    assert _text(_page(clients["viewer"], "FFA07")["provider-reviews"]["children"]) == \
        "No performance reviews you may see."


def test_a_month_picked_becomes_the_address(clients):
    body = callback_body(clients["exec"], "provider-url.href", {"provider-month.value": "2026-09",
                                                                "provider-query.data": {"provider_id": "FFA07"}})
    response = clients["exec"].post("/_dash-update-component", json=body)
    assert response.get_json()["response"]["provider-url"]["href"] == "/providers/FFA07?month=2026-09"


@pytest.mark.parametrize("query, said", [
    ({"provider_id": "FFA99"}, "there is no provider 'FFA99' in the data as of 2026-11-10"),
    ({"provider_id": "FFA07", "month": "2019-01"}, "no indicators for 2019-01"),
    ({"provider_id": "FFA07", "zoom": "2"}, "the provider page does not take 'zoom': it takes month"),
    ({"provider_id": ""}, "the address names no provider: write /providers/ID"),
])
def test_a_bad_link_says_what_is_wrong(clients, query, said):
    out = _post(clients["exec"], PAGE, {"provider-query.data": query})
    assert said in _text(out["provider-message"]["children"])
    assert out["provider-body"]["className"] == "d-none" and out["provider-title"]["children"] == "Provider"


def test_in_presentation_the_figures_are_drawn_for_the_room(clients):
    referer = {"Referer": "http://localhost/providers/FFA07?present=1", "Sec-Fetch-Site": "same-origin"}
    presented = _page(clients["exec"], "FFA07", headers=referer)
    figure = _find(presented["provider-metrics"]["children"], "Graph")[0]["props"]["figure"]
    assert figure["layout"]["font"]["size"] >= 20
    assert all(note["font"]["size"] >= 20 for note in figure["layout"]["annotations"])
    plain = _find(_page(clients["exec"], "FFA07")["provider-metrics"]["children"], "Graph")[0]["props"]["figure"]
    assert plain["layout"]["font"]["size"] < 20
    assert clients["exec"].get("/providers/FFA07?present=1").status_code == 200


# -- what each reader gets ---------------------------------------------------------------------------------------

def test_an_analyst_gets_no_members_and_a_viewer_no_counts_and_no_peers_median(clients):
    analyst = _page(clients["analyst"], "FFA07")
    assert not [link for link in _find(analyst["provider-metrics"]["children"], "Link")
                if "/members" in link["props"]["href"]]
    viewer = _page(clients["viewer"], "FFA07")
    said = _text(viewer["provider-metrics"]["children"][0]["props"]["children"][1])
    assert said.startswith("October 2026: ") and " of " not in said.split(".")[0]
    names = {t["name"] for t in _find(viewer["provider-metrics"]["children"], "Graph")[0]["props"]["figure"]["data"]}
    assert not [n for n in names if "median" in n]


def test_a_manager_is_refused_every_provider_page(app, clients):
    before = _refusals(app, "mgr")
    out = _page(clients["mgr"], "FFA07")
    assert "This page is not yours to read" in _text(out["provider-message"]["children"])
    assert out["provider-title"]["children"] == "Provider" and _refusals(app, "mgr") == before + 1


# -- a provider's own staff ------------------------------------------------------------------------------------

def test_a_provider_user_reads_their_own_page_with_the_program_and_no_other_provider(clients, names, demo_snapshot):
    out = _page(clients["prov"], "FFA07")
    text = json.dumps(out, ensure_ascii=False)
    assert out["provider-title"]["children"] == "Bright Futures Family Agency"
    assert [name for name, _ in _peer_rows(out)] == ["Foster care: the program", "Bright Futures Family Agency"]
    others = [name for pid, name in names.items() if pid != "FFA07"]
    assert not [name for name in others if name in text]
    assert not [pid for pid in names if pid != "FFA07" and pid in text]
    figure = _find(out["provider-metrics"]["children"], "Graph")[0]["props"]["figure"]
    assert {t["name"] for t in figure["data"]} == {"Contract target", "Contract floor (remedy)",
                                                   "The program (every provider's members)",
                                                   "Bright Futures Family Agency"}  # no peers' median
    # Their own figures are theirs: exact, with their counts; the members behind them listed.
    cell = provider_scorecard(demo_snapshot, PROVIDER_SCOPE, OCTOBER, indicator_ids=["placement_stability_0_12"])
    assert f"({cell.numerator[0]:.0f} of {cell.denominator[0]:.0f})" in _text(out["provider-metrics"]["children"][0])
    assert [link["props"]["href"] for link in _find(out["provider-metrics"]["children"][0], "Link")] == [
        "/members?indicator=placement_stability_0_12&month=2026-10&entity=provider:FFA07"]


def test_a_provider_user_s_home_shows_their_figures_and_the_way_to_their_page(clients):
    out = _post(clients["prov"], HOME, {"home-live-newer.data": None})
    said = _text(out["home-summary"]["children"])
    assert "Bright Futures Family Agency" in said and "Placement stability 0 to 12 months" in said
    assert "meets target" in said and out["home-organisation"]["children"] is None
    [link] = [link for link in _find(out["home-summary"]["children"], "Link")]
    assert link["props"]["href"] == "/providers/FFA07?month=2026-10"


def test_a_provider_user_s_scorecard_is_their_rows_and_the_program(clients, names):
    out = _post(clients["prov"], SCORECARD, {"providers-query.data": {"month": "2026-09"}})
    assert out["providers-title"]["children"] == "Bright Futures Family Agency against its contracts, September 2026"
    sections = out["providers-tables"]["children"]
    specs = [c["props"]["data"] for s in sections for c in s["props"]["children"]
             if c["type"] == "Store" and c["props"].get("data")]
    assert [s["program"] for s in specs] == ["Foster care"]
    [spec] = specs
    assert [r["entity"] for r in spec["rows"]] == ["program:Foster care", "provider:FFA07"]
    # Only its own contract's metrics: another provider's contract is not a provider's to read either.
    assert [c["indicator"] for c in spec["columns"]] == ["placement_stability_0_12", "reported_placement_stability",
                                                         "reported_permanency_12m", "reunify_12m_entry"]
    text = json.dumps(out, ensure_ascii=False)
    assert not [name for pid, name in names.items() if pid != "FFA07" and name in text]
    assert "FFA08" not in text and "IHS01" not in text
    # Its own reported figure, exact; the program's cell of a reported metric is not summed.
    program, own = spec["rows"]
    assert program["cells"][1]["text"] == "—" and own["cells"][1]["text"] != "not reported"


def test_a_provider_user_s_downloads_are_their_own(app, clients):
    response = clients["prov"].get("/export/scorecard.csv?month=2026-10&level=provider")
    assert response.status_code == 200
    frame = pd.read_csv(io.StringIO(response.get_data(as_text=True)))
    assert set(frame.entity_id) == {"FFA07"} and frame.numerator.notna().all()  # their own: exact
    members = clients["prov"].get("/export/members.csv?indicator=placement_stability_0_12&month=2026-10"
                                  "&entity=provider:FFA07")
    assert members.status_code == 200
    listed = pd.read_csv(io.StringIO(members.get_data(as_text=True)), dtype=str)
    assert len(listed) == 40 and listed.worker_id.isna().all()  # no worker of the organisation's
    entry = db.audit_entries(engine_of(app), 1, "prov", "members-listed")[0]
    assert entry["detail"]["entity"] == "provider:FFA07" and entry["detail"]["rows"] == 40


CRAFTED_URLS = ["/export/members.csv?indicator=placement_stability_0_12&month=2026-10&entity=provider:FFA08",
                "/export/members.csv?indicator=placement_stability_0_12&month=2026-10",
                "/export/members.csv?indicator=reentry&month=2026-10&entity=office:O001",
                "/export/scorecard.csv?month=2026-10&level=department",
                "/export/scorecard.csv?month=2026-10&level=office",
                "/export/scorecard.csv?month=2026-10&level=provider&parent=bureau:B01",
                "/export/audit.csv"]


@pytest.mark.parametrize("url", CRAFTED_URLS)
def test_a_provider_user_s_crafted_download_is_refused_and_says_nothing_of_another(app, clients, names, url):
    before = _refusals(app, "prov")
    response = clients["prov"].get(url)
    assert response.status_code in (400, 403), response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    assert not [name for pid, name in names.items() if pid != "FFA07" and name in text]
    if response.status_code == 403 and "audit" not in url:
        assert _refusals(app, "prov") == before + 1


CRAFTED_CALLBACKS = [
    (PAGE, {"provider-query.data": {"provider_id": "FFA08"}}, "provider-message"),
    (PAGE, {"provider-query.data": {"provider_id": "IHS01", "month": "2026-09"}}, "provider-message"),
    (PAGE, {"provider-query.data": {"provider_id": "FFA99"}}, "provider-message"),
    (MEMBERS, {"members-query.data": {"indicator": "placement_stability_0_12", "month": "2026-10",
                                      "entity": "provider:FFA08"}}, "members-message"),
    (MEMBERS, {"members-query.data": {"indicator": "reentry", "month": "2026-10", "entity": "office:O001"}},
     "members-message"),
    (MEMBERS, {"members-query.data": {"indicator": "reentry", "month": "2026-10"}}, "members-message"),
    ("scorecard-table.data", {"scorecard-query.data": {"parent": "department"}}, "scorecard-message"),
    ("scorecard-table.data", {"scorecard-query.data": {}}, "scorecard-message"),
    ("indicator-ranking.figure", {"indicator-query.data": {"indicator_id": "placement_stability_0_12"}},
     "indicator-message"),
    ("entity-story.children", {"entity-query.data": {"level": "department", "entity_id": "all"}}, "entity-message"),
]


@pytest.mark.parametrize("output, values, message", CRAFTED_CALLBACKS)
def test_a_provider_user_s_crafted_callback_is_refused_and_says_nothing_of_another(app, clients, names, output,
                                                                                   values, message):
    before = _refusals(app, "prov")
    out = _post(clients["prov"], output, values)
    said = json.dumps(out[message], ensure_ascii=False)
    assert "outside what you may see" in said or "not yours to read" in said
    text = json.dumps(out, ensure_ascii=False)
    assert not [name for pid, name in names.items() if pid != "FFA07" and name in text]
    assert _refusals(app, "prov") == before + 1


def test_a_provider_user_asking_for_every_other_provider_learns_nothing_of_any(app, clients, names):
    for provider_id, name in names.items():
        if provider_id == "FFA07":
            continue
        out = _page(clients["prov"], provider_id)
        text = json.dumps(out, ensure_ascii=False)
        assert name not in text and out["provider-title"]["children"] == "Provider"
        assert out["provider-contracts"]["children"] is None and out["provider-metrics"]["children"] is None
        # Refused as one that does not exist is: the same words, whether it exists or not.
        assert f"provider {provider_id} is outside what you may see" in text
    assert "provider FFA99 is outside what you may see" in json.dumps(_page(clients["prov"], "FFA99"))


def test_another_program_s_aggregate_is_refused_to_a_provider_user(demo_snapshot):
    with pytest.raises(OutsideScope, match="that program's aggregate is outside what you may see"):
        program_cells(demo_snapshot, PROVIDER_SCOPE, OCTOBER, ["IHS01", "IHS02", "IHS03"], ["mh_screening_in_home"])
    with pytest.raises(OutsideScope):
        provider_trend(demo_snapshot, PROVIDER_SCOPE, "mh_screening_in_home", "IHS01", OCTOBER, 24,
                       "Family maintenance", ["IHS01", "IHS02", "IHS03"])


# -- the protections of the program's aggregate ---------------------------------------------------------------

def _foster(engine) -> list[str]:
    return sorted({c.provider_id for c in current_contracts(engine) if c.program == "Foster care"})


def test_a_provider_user_loses_the_program_where_the_others_are_at_0_or_100_percent(app, demo_snapshot):
    everyone = _foster(engine_of(app))
    # Every other foster family agency places no child with a relative (0%): the program's line would say so of
    # each of them, to FFA07.
    months = pd.date_range("2025-07-01", "2026-01-01", freq="MS")
    exact = provider_trend(demo_snapshot, Scope(), "placement_with_relatives", "FFA07", dt.date(2026, 1, 1), 7,
                           "Foster care", everyone).series
    cells = demo_snapshot.read("select month, sum(numerator) as n, sum(denominator) as d from cells "
                               "where level = 'provider' and indicator_id = 'placement_with_relatives' "
                               "and entity_id <> 'FFA07' and month between '2025-07-01' and '2026-01-01' "
                               "group by month")
    assert (cells.n == 0).all() and (cells.d > 10).all()  # the case this test is about
    assert exact[exact.line == "program"].value.notna().all()  # an executive sees it
    mine = provider_trend(demo_snapshot, PROVIDER_SCOPE, "placement_with_relatives", "FFA07", dt.date(2026, 1, 1),
                          7, "Foster care", everyone).series
    program = mine[mine.line == "program"]
    assert list(program.month) == list(months) and program.value.isna().all()
    assert (program.status == "suppressed").all()
    # Where the others are neither, it stays: FFA07's own program's stability in October 2026.
    shown = program_cells(demo_snapshot, PROVIDER_SCOPE, OCTOBER, everyone, ["placement_stability_0_12"])
    assert shown["placement_stability_0_12"].value == 78.5 and pd.isna(shown["placement_stability_0_12"].numerator)


def test_a_viewer_s_program_row_never_stands_beside_a_hidden_provider_cell(app, clients):
    for month in ("2026-05", "2026-07", "2026-09", "2026-10"):
        out = _post(clients["viewer"], SCORECARD, {"providers-query.data": {"month": month}})
        specs = [c["props"]["data"] for s in out["providers-tables"]["children"] for c in s["props"]["children"]
                 if c["type"] == "Store" and c["props"].get("data")]
        for spec in specs:
            program, *rows = spec["rows"]
            for n, column in enumerate(spec["columns"]):
                hidden = [r for r in rows if "status-suppressed" in r["cells"][n]["status"]]
                shown = program["cells"][n]["text"] not in ("∗", "—")
                assert not (hidden and shown), (month, spec["program"], column["indicator"])


def test_a_viewer_s_program_line_hides_where_this_provider_s_own_cell_is_hidden(app, demo_snapshot):
    everyone = _foster(engine_of(app))
    for indicator in ("placement_stability_0_12", "reunify_12m_entry"):
        for provider in everyone:
            series = provider_trend(demo_snapshot, VIEWER, indicator, provider, OCTOBER, 24, "Foster care",
                                    everyone).series
            own = series[series.line == "entity"].set_index("month").status
            program = series[series.line == "program"].set_index("month").value
            hidden = own[own == "suppressed"].index
            assert program.reindex(hidden).isna().all(), (indicator, provider)


def test_a_viewer_s_program_line_hides_even_where_only_this_provider_s_cell_is_hidden(app, demo_snapshot,
                                                                                      monkeypatch):
    """On the demo a hidden provider cell always has another beside it in its program; where the other is in
    another program (an indicator both programs count), this provider's cell may be the program's only hidden one,
    and the program less the others shown would be it."""
    import queries.providers as module
    real = module.for_reader

    def only_ffa07_hidden(snapshot, scope, frame, **keys):
        shown = real(snapshot, Scope(case_level=False, small_cell_min=1), frame, **keys)
        mine = shown.entity_id == "FFA07"
        return shown.assign(value=shown.value.mask(mine), status=shown.status.mask(mine, "suppressed"))
    monkeypatch.setattr(module, "for_reader", only_ffa07_hidden)
    everyone = _foster(engine_of(app))
    series = provider_trend(demo_snapshot, VIEWER, "placement_stability_0_12", "FFA07", OCTOBER, 6, "Foster care",
                            everyone).series
    assert (series[series.line == "entity"].status == "suppressed").all()
    program = series[series.line == "program"]
    assert len(program) == 6 and program.value.isna().all()


def test_a_department_at_0_or_100_percent_is_hidden_beside_a_hidden_provider_cell():
    """Disclosure rule 5 (queries/disclosure.py): every provider's members are the department's, so a department at
    100% says a hidden provider cell is 100% too; it is hidden, and a bureau beside it (rule 3)."""
    from queries.disclosure import beside_providers, complementary
    nodes = pd.DataFrame([
        {"level": "department", "entity_id": "all", "parent_level": None, "parent_id": None, "small": False,
         "size": 40, "extreme": True},
        {"level": "bureau", "entity_id": "B1", "parent_level": "department", "parent_id": "all", "small": False,
         "size": 25, "extreme": True},
        {"level": "bureau", "entity_id": "B2", "parent_level": "department", "parent_id": "all", "small": False,
         "size": 15, "extreme": True}])
    assert complementary(beside_providers(nodes, set())) == set()  # no provider hidden: nothing to give away
    assert complementary(beside_providers(nodes, {("provider", "P1"), ("provider", "P2")})) == {
        ("department", "all"), ("bureau", "B2")}
    assert complementary(beside_providers(nodes.assign(extreme=False), {("provider", "P1")})) == set()


def test_a_department_at_0_or_100_percent_beside_a_hidden_provider_cell_is_hidden_from_a_viewer(demo_snapshot):
    from queries.disclosure import for_reader
    from queries.scorecard import report_months
    first = report_months(demo_snapshot)[-24]
    truth = demo_snapshot.read("""
        select c.indicator_id, c.month, c.level, c.entity_id, c.numerator, c.denominator, c.value, c.status
        from cells c join indicators i on i.indicator_id = c.indicator_id
        where c.level in ('department', 'provider') and c.month >= :first and i.kind in ('proportion', 'rate')""",
                               {"first": first})
    seen = for_reader(demo_snapshot, VIEWER, truth)  # what a department viewer receives of each
    hidden = seen[(seen.level == "provider") & (seen.status == "suppressed")]
    hidden = set(zip(hidden.indicator_id, hidden.month))
    department = truth.level == "department"
    extreme = department & ((truth.numerator == 0) | (truth.numerator == truth.denominator))
    found = [(i, m) for i, m in zip(truth.indicator_id[extreme], truth.month[extreme]) if (i, m) in hidden]
    assert len(found) >= 3  # the demo has the case: the test would see a rule that stopped at the organisation
    shown = seen[department].set_index(["indicator_id", "month"]).status
    assert [key for key in found if shown[key] != "suppressed"] == []


# -- exactness: the members behind a provider's cell are the cell's ------------------------------------------

def _cells(snapshot, month) -> pd.DataFrame:
    return snapshot.read("select indicator_id, entity_id, members, numerator, denominator from cells "
                         "where level = 'provider' and month = :month", {"month": month})


def test_every_contract_metric_s_members_add_up_to_its_provider_cells_in_a_month(app, demo_snapshot):
    contracts = current_contracts(engine_of(app))
    computed = set(demo_snapshot.read("select indicator_id from indicators").indicator_id)
    wanted = {(c.provider_id, m.indicator_id) for c in contracts if c.in_force(dt.date(2026, 10, 31))
              for m in c.metrics if m.indicator_id in computed}
    cells = _cells(demo_snapshot, OCTOBER).set_index(["entity_id", "indicator_id"])
    checked = 0
    for provider_id, indicator_id in sorted(wanted):
        listed = members_behind_cell(demo_snapshot, Scope(), indicator_id, OCTOBER, EntityRef("provider", provider_id))
        if (provider_id, indicator_id) not in cells.index:
            assert listed.empty
            continue
        cell = cells.loc[(provider_id, indicator_id)]
        assert (len(listed), listed.numerator.sum(), listed.denominator.sum()) == (
            cell.members, cell.numerator, cell.denominator), (provider_id, indicator_id)
        assert not listed.duplicated(["member_type", "member_id"]).any()
        checked += 1
    assert checked >= 20


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    """tests/test_providers.py's hand-made extract (ties, a latest placement without a provider, an episode without
    a placement, in-home cases with and without one), loaded once."""
    from loader.load import load_extract
    from tests.extracts import write_extract
    from tests.test_providers import provider_rows
    root = tmp_path_factory.mktemp("hand-made")
    warehouse = Warehouse(f"duckdb:///{root / 'w' / 'warehouse.duckdb'}")
    load_extract(write_extract(root / "x", provider_rows()), warehouse)
    yield warehouse.snapshot()
    warehouse.dispose()


def test_on_a_hand_made_extract_the_members_are_the_cells_in_every_month(hand_made):
    from queries.scorecard import report_months
    checked = 0
    for month in report_months(hand_made):
        cells = _cells(hand_made, month)
        for row in cells.itertuples(index=False):
            listed = members_behind_cell(hand_made, Scope(), row.indicator_id, month,
                                         EntityRef("provider", row.entity_id))
            assert (len(listed), listed.numerator.sum(), listed.denominator.sum()) == (
                row.members, row.numerator, row.denominator), (month, row)
            checked += 1
    assert checked > 30
    june = dt.date(2024, 6, 1)

    def episodes(provider, month=june):
        return sorted(members_behind_cell(hand_made, Scope(), "placement_with_relatives", month,
                                          EntityRef("provider", provider)).member_id)
    # The tie of 2024-02-01: E2's placements start the same day, and the greater placement_id (P2-9) is FFA2's.
    # E4's latest placement has no provider and E5 has none at all: in no provider's list.
    assert episodes("FFA2") == ["E1", "E2", "E3", "E6", "E7"] and episodes("FFA1") == ["E8"]
    assert episodes("FFA1", dt.date(2024, 5, 1)) == ["E3", "E8"]  # P3b, FFA2's, starts after May's end
    assert episodes("IDLE") == []  # a provider that serves no one: none, not an error
    in_home = members_behind_cell(hand_made, Scope(), "no_maltreatment_in_home", june, EntityRef("provider", "IH1"))
    assert list(in_home.member_id) == ["F1"]  # F2's case has no provider


# -- the provider scorecard's fixes --------------------------------------------------------------------------------

def test_a_provider_s_name_on_the_scorecard_opens_its_page(clients):
    out = _post(clients["exec"], SCORECARD, {"providers-query.data": {"month": "2026-09"}})
    specs = [c["props"]["data"] for s in out["providers-tables"]["children"] for c in s["props"]["children"]
             if c["type"] == "Store" and c["props"].get("data")]
    row = next(r for s in specs for r in s["rows"] if r["entity"] == "provider:FFA07")
    assert row["href"] == "/providers/FFA07?month=2026-09" and row["cells"][0]["href"] == row["href"]


# -- in a real browser ----------------------------------------------------------------------------------------------

TREND_JS = """
const graphs = document.querySelectorAll('.provider-graph .js-plotly-plot');
const plot = graphs.length ? graphs[0] : null;
return plot && plot.data ? plot.data.map(t => t.name) : null;
"""
MONTH_JS = """
const value = document.querySelector('#providers-month .dash-dropdown-value');
return value ? [value.innerText, value.scrollWidth, value.clientWidth] : null;
"""


@pytest.fixture(scope="module")
def site(app):
    from tests.web import ensure_user
    ensure_user(app, "exec-b", "executive")
    ensure_user(app, "prov-b", "provider", "provider:FFA07")
    with serving(app.server) as url:
        yield url


@pytest.fixture(scope="module")
def driver(site):
    browser = chromium_or_skip()
    yield browser
    browser.quit()


def test_the_provider_page_draws_its_trends_in_chromium_for_an_executive_and_for_the_provider(site, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    for username, expected in (("exec-b", "Other providers' median (the other providers of the Foster care "
                                           "program)"),
                               ("prov-b", "The program (every provider's members)")):
        sign_in_with_the_form(driver, site, username)
        console_errors(driver)
        driver.get(site + "/providers/FFA07")
        names = WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script(TREND_JS), "no trend drawn")
        assert "Contract target" in names and "Bright Futures Family Agency" in names and expected in names
        assert (username == "exec-b") == any("median" in n for n in names)
        if username == "exec-b":  # the scorecard's Month picker shows its month whole
            for width, height in ((1920, 1080), (1280, 720)):
                driver.set_window_size(width, height)
                driver.get(site + "/providers?month=2026-09")
                text, scroll, client = WebDriverWait(driver, WAIT_S).until(
                    lambda d: (v := d.execute_script(MONTH_JS)) and v[0] == "September 2026" and v,
                    "no month shown")
                assert scroll <= client, (width, scroll, client)
        assert console_errors(driver) == []
        driver.find_element(By.ID, "sign-out").click()
        WebDriverWait(driver, WAIT_S).until(lambda d: "/login" in d.current_url, "not signed out")


@pytest.mark.parametrize("path", ["/providers/FFA07", "/providers"])
def test_the_provider_pages_have_no_serious_axe_violations(site, driver, path):
    from selenium.webdriver.support.ui import WebDriverWait
    from tests.test_accessibility import AXE_SCRIPT, SETTLED_JS, _blocking, axe_selenium_python
    if "/login" in driver.current_url or driver.current_url in ("data:,", "about:blank"):
        sign_in_with_the_form(driver, site, "exec-b")
    driver.set_window_size(1600, 1100)
    driver.get(site + path)
    WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script(SETTLED_JS) and d.execute_script(
        "return document.querySelectorAll('.provider-graph .js-plotly-plot, .scorecard-table').length > 0"),
                                        f"{path} never drew")
    axe = axe_selenium_python.Axe(driver, *([AXE_SCRIPT] if AXE_SCRIPT else []))
    axe.inject()
    found = _blocking(axe.run()["violations"])
    assert not found, "\n".join(f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in found)
