"""The provider scorecard (/providers) through Dash's callback endpoint, and its CSV, on the `small` demo agency
with its providers, contracts and the providers' reported figures."""
from __future__ import annotations

import csv
import io
import json

import pytest

from measures.catalogue import load_catalogue
from measures.contracts import read_contracts
from queries.providers import providers
from store.aggregates import import_aggregates
from store.contracts import load_contracts
from tests.web import callback_body, engine_of, make_app, signed_in_client

SHOW = "providers-tables.children"


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    """The demo warehouse (its extract has providers), with the demo's contracts loaded and the providers'
    reported figures imported into this module's own store."""
    from queries.warehouse import Warehouse
    app = make_app(demo_instance, tmp_path_factory.mktemp("store") / "statboard.db")
    extract = demo_instance.parent / "extract"
    warehouse = Warehouse(f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    ids = set(providers(warehouse.snapshot()).provider_id)
    warehouse.dispose()
    engine = engine_of(app)
    load_contracts(engine, read_contracts(extract / "contracts.toml", load_catalogue(), ids), "test")
    import_aggregates(engine, extract / "provider-reported.csv", "generic", load_catalogue(), "test",
                      "provider-reports")
    return app


def _outputs(client, query: dict) -> dict:
    """{id: {property: value}} of `show_providers`, posted as the browser posts it."""
    body = callback_body(client, SHOW, {"providers-query.data": query})
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def _tables(outputs: dict) -> dict:
    """{program: spec} from the sections drawn."""
    sections = outputs["providers-tables"]["children"] or []
    specs = [child["props"]["data"] for s in sections for child in s["props"]["children"]
             if child["type"] == "Store" and child["props"].get("data")]
    return {s["program"]: s for s in specs}


def _text(component) -> str:
    if isinstance(component, str):
        return component
    if isinstance(component, list):
        return " ".join(_text(c) for c in component)
    if isinstance(component, dict):
        return _text(component.get("props", {}).get("children") or "")
    return "" if component is None else str(component)


def _cell(spec: dict, provider: str, indicator: str) -> dict:
    row = next(r for r in spec["rows"] if r["entity"] == f"provider:{provider}")
    at = [c["indicator"] for c in spec["columns"]].index(indicator)
    return row["cells"][at]


@pytest.fixture(scope="module")
def executive(app):
    return signed_in_client(app, "exec", "executive")


def test_ffa07_is_coloured_against_the_contract_in_force_that_month(executive):
    # FFA07's contract changed on 1 July 2025: before it, a target of 80% (floor 70%); from it, 92% (floor 85%).
    # In May 2025 it kept 81.8%: short of the catalogue's 86% and of the new contract's 92%, but meeting its own
    # contract of the time.
    may = _tables(_outputs(executive, {"month": "2025-05"}))["Foster care"]
    row = next(r for r in may["rows"] if r["entity"] == "provider:FFA07")
    assert "contract C-2023-FFA07, 1 July 2023 to 30 June 2025" in row["title"]
    cell = _cell(may, "FFA07", "placement_stability_0_12")
    assert cell["text"] == "✓\u200981.8" and cell["status"].startswith("status-green")
    assert cell["colour"] == "#009E73"
    lines = cell["title"].split("\n")
    assert "Contract target: 80.0%; floor (remedy beyond it): 70.0%" in lines
    assert "Catalogue standard: ≥ 86%" in lines and "Status: meets target" in lines
    september = _tables(_outputs(executive, {"month": "2026-09"}))["Foster care"]
    row = next(r for r in september["rows"] if r["entity"] == "provider:FFA07")
    assert "contract C-2025-FFA07" in row["title"]
    assert "Contract target: 92.0%; floor (remedy beyond it): 85.0%" in \
        _cell(september, "FFA07", "placement_stability_0_12")["title"]


def test_a_cell_below_its_floor_is_red_and_between_yellow():
    from components.provider_scorecard import contract_status
    from decimal import Decimal
    from measures.contracts import Metric
    higher, lower = Metric("x", Decimal("90"), Decimal("80")), Metric("y", Decimal("3"), Decimal("4.48"))
    assert [contract_status(v, higher, "higher") for v in (90.0, 85.0, 79.9)] == ["green", "yellow", "red"]
    assert [contract_status(v, lower, "lower") for v in (3.0, 4.0, 4.5)] == ["green", "yellow", "red"]
    assert contract_status(50.0, Metric("z", Decimal("90"), None), "higher") == "yellow"


def test_a_metric_outside_a_providers_contract_says_not_in_contract(executive):
    foster = _tables(_outputs(executive, {"month": "2026-09"}))["Foster care"]
    # Reunification is in FFA01's contract, not in FFA03's.
    cell = _cell(foster, "FFA03", "reunify_12m_entry")
    assert cell["text"] == "not in contract" and cell["colour"] == "#FFFFFF"
    assert not _cell(foster, "FFA01", "reunify_12m_entry")["text"] == "not in contract"


def test_reported_figures_for_the_quarter_and_the_latest_quarter_after_it(executive):
    september = _tables(_outputs(executive, {"month": "2026-09"}))["Foster care"]
    cell = _cell(september, "FFA01", "reported_permanency_12m")
    assert "Reported for Jul – Sep 2026" in cell["title"] and cell["text"] != "not reported"
    assert "not reported yet" not in cell["title"]
    # The last complete month: October's quarter is not reported yet, so the latest quarter before it is shown,
    # the column saying which, and the cell's title that it is not the month's own.
    october = _tables(_outputs(executive, {}))["Foster care"]
    cell = _cell(october, "FFA01", "reported_permanency_12m")
    assert cell["text"] != "not reported" and cell["text"] == _cell(september, "FFA01", "reported_permanency_12m")["text"]
    assert "Reported for Jul – Sep 2026" in cell["title"]
    assert "The latest period reported by the end of October 2026: the period holding it is not reported yet" \
        in cell["title"]
    column = next(c for c in october["columns"] if c["indicator"] == "reported_permanency_12m")
    assert column["period"] == "reported Jul – Sep 2026"
    assert next(c for c in october["columns"] if c["indicator"] == "placement_stability_0_12")["period"] is None


def test_both_programs_each_provider_once(executive):
    out = _outputs(executive, {"month": "2026-09"})
    tables = _tables(out)
    assert set(tables) == {"Foster care", "Family maintenance"}
    # The program's aggregate first, then each provider once.
    assert [r["entity"] for r in tables["Family maintenance"]["rows"]][0] == "program:Family maintenance"
    assert {r["entity"] for r in tables["Family maintenance"]["rows"][1:]} == {
        "provider:IHS01", "provider:IHS02", "provider:IHS03"}
    assert tables["Family maintenance"]["first_rows"] == 1
    assert out["providers-month"]["value"] == "2026-09"
    # IHS01's contract adds a well-being metric after a safety one: each domain is still one header
    assert [d["domain"] for d in tables["Family maintenance"]["domains"]] == ["Well-Being", "Safety"]
    assert out["providers-download"]["href"] == "/export/scorecard.csv?month=2026-09&level=provider"


def test_a_column_sorts_the_program_by_its_metric(executive):
    foster = _tables(_outputs(executive, {"month": "2026-09", "sort": "placement_stability_0_12"}))["Foster care"]
    values = [_cell(foster, r["entity"].split(":")[1], "placement_stability_0_12") for r in foster["rows"][1:]]
    shown = [float(c["text"].split("\u2009")[-1]) for c in values if "\u2009" in c["text"]]
    assert shown == sorted(shown) and len(shown) > 3
    column = next(c for c in foster["columns"] if c["indicator"] == "placement_stability_0_12")
    assert column["href"] == "/providers?month=2026-09&sort=-placement_stability_0_12"


def test_a_bad_link_says_what_is_wrong(executive):
    out = _outputs(executive, {"month": "2019-01"})
    assert "no indicators for 2019-01" in _text(out["providers-message"]["children"])
    out = _outputs(executive, {"zoom": "2"})
    assert "does not take" in _text(out["providers-message"]["children"])


def test_a_manager_is_told_the_page_is_for_the_department(app):
    manager = signed_in_client(app, "mgr-prov", "manager", "bureau:B01")
    out = _outputs(manager, {"month": "2026-09"})
    said = _text(out["providers-message"]["children"])
    assert "for the department's executives and analysts" in said and "your scorecard" in said
    assert not out["providers-tables"]["children"]
    response = manager.get("/export/scorecard.csv?month=2026-09&level=provider")
    assert response.status_code == 403
    assert "Providers" not in json.dumps(manager.get("/_dash-layout").get_json())


def test_the_nav_shows_providers_to_the_department(executive):
    assert '"/providers"' in json.dumps(executive.get("/_dash-layout").get_json())


def test_the_csv_download_has_the_provider_cells(executive):
    response = executive.get("/export/scorecard.csv?month=2026-09&level=provider")
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and {r["level"] for r in rows} == {"provider"}
    assert {"FFA07", "IHS01"} <= {r["entity_id"] for r in rows}
    assert "Bright Futures Family Agency" in {r["entity_name"] for r in rows}
    assert executive.get("/export/scorecard.csv?month=2026-09&level=vendor").status_code == 400


def test_a_department_viewer_gets_no_counts(app):
    viewer = signed_in_client(app, "viewer-prov", "viewer", "department")
    foster = _tables(_outputs(viewer, {"month": "2026-09"}))["Foster care"]
    titles = [c["title"] for r in foster["rows"] for c in r["cells"]]
    assert titles and not any(" of " in line.split(":", 1)[-1] for t in titles for line in t.split("\n")
                              if line.startswith(("Value", "Reported")))
    rows = list(csv.DictReader(io.StringIO(viewer.get("/export/scorecard.csv?month=2026-09&level=provider")
                                           .get_data(as_text=True))))
    assert rows and not any(r["numerator"] for r in rows)
