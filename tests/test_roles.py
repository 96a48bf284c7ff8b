"""Role x scope, over the pages' callbacks (posted as the browser posts them), the downloads and the admin
page, on the `small` demo: each reader gets exactly what their role and scope allow, and every refusal
is written to the audit log.

In the demo, office O001 (Alder) and O002 (Bayview) are both in bureau B01; unit U0001 is in O001.
"""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from measures.catalogue import load_catalogue
from measures.contracts import read_contracts
from queries.providers import providers
from queries.warehouse import Warehouse
from store import db
from store.contracts import load_contracts
from tests.web import engine_of, ensure_user, make_app, post_callback, sign_in

READERS = {  # username: role, scope, the app (peers allowed or not)
    "exec": ("executive", None, "agency"),
    "mgr": ("manager", "office:O001", "agency"),
    "mgr-peers": ("manager", "office:O001", "peers"),
    "analyst": ("analyst", None, "agency"),
    "viewer": ("viewer", None, "agency"),
    "viewer-o1": ("viewer", "office:O001", "agency"),
    "admin": ("admin", None, "agency"),
    "prov": ("provider", "provider:FFA07", "agency"),  # a delegate agency's staff: nothing of the organisation
}
ORDER = list(READERS)

SCORECARD, INDICATOR, ENTITY = "scorecard-table.data", "indicator-ranking.figure", "entity-story.children"
MEMBERS = "members-grid.rowData"
PROVIDER, PROVIDERS = "provider-contracts.children", "providers-tables.children"
TARGETS = {
    # name: (kind, what), then who may: exec, mgr, mgr-peers, analyst, viewer, viewer-o1, admin, prov
    "scorecard of the department": ((SCORECARD, {"parent": "department"}), "Y N Y Y Y N N N"),
    # A bare scorecard (no parent) is the reader's own: the department's, or a manager's own part.
    "a bare scorecard": ((SCORECARD, {"parent": ""}), "Y Y Y Y Y Y N N"),
    "scorecard of office O001": ((SCORECARD, {"parent": "office:O001"}), "Y Y Y Y Y Y N N"),
    "scorecard of bureau B01": ((SCORECARD, {"parent": "bureau:B01"}), "Y N Y Y Y N N N"),
    "scorecard of office O002": ((SCORECARD, {"parent": "office:O002"}), "Y N N Y Y N N N"),
    "indicator under office O002": ((INDICATOR, {"indicator_id": "reentry", "parent": "office:O002"}),
                                    "Y N N Y Y N N N"),
    "indicator under bureau B01": ((INDICATOR, {"indicator_id": "reentry", "parent": "bureau:B01"}),
                                   "Y N Y Y Y N N N"),
    "story of office O002": ((ENTITY, {"level": "office", "entity_id": "O002"}), "Y N Y Y Y N N N"),
    "story of unit U0001": ((ENTITY, {"level": "unit", "entity_id": "U0001"}), "Y Y Y Y Y Y N N"),
    "units of O001 (CSV)": (("GET", "/export/scorecard.csv?month=2026-10&level=unit&parent=office:O001"),
                            "Y Y Y Y Y Y N N"),
    "every office (CSV)": (("GET", "/export/scorecard.csv?month=2026-10&level=office"), "Y N Y Y Y N N N"),
    "members in O001 (CSV)": (("GET", "/export/members.csv?indicator=reentry&month=2026-10&entity=office:O001"),
                              "Y Y Y N N N N N"),
    "members in O002 (CSV)": (("GET", "/export/members.csv?indicator=reentry&month=2026-10&entity=office:O002"),
                              "Y N N N N N N N"),
    "members page in O001": ((MEMBERS, {"indicator": "reentry", "month": "2026-10", "entity": "office:O001"}),
                             "Y Y Y N N N N N"),
    "members page in O002": ((MEMBERS, {"indicator": "reentry", "month": "2026-10", "entity": "office:O002"}),
                             "Y N N N N N N N"),
    "members page of the department": ((MEMBERS, {"indicator": "reentry", "month": "2026-10"}), "Y N N N N N N N"),
    # A provider's page and its members: the whole department's readers (members: with case-level access), and
    # the provider's own staff for their own provider only.
    "provider page of FFA07": ((PROVIDER, {"provider_id": "FFA07"}), "Y N N Y Y N N Y"),
    "provider page of FFA08": ((PROVIDER, {"provider_id": "FFA08"}), "Y N N Y Y N N N"),
    "members of FFA07 (CSV)": (("GET", "/export/members.csv?indicator=placement_stability_0_12&month=2026-10"
                                       "&entity=provider:FFA07"), "Y N N N N N N Y"),
    "members of FFA08 (CSV)": (("GET", "/export/members.csv?indicator=placement_stability_0_12&month=2026-10"
                                       "&entity=provider:FFA08"), "Y N N N N N N N"),
    "members page of FFA07": ((MEMBERS, {"indicator": "placement_stability_0_12", "month": "2026-10",
                                         "entity": "provider:FFA07"}), "Y N N N N N N Y"),
    "provider scorecard (CSV)": (("GET", "/export/scorecard.csv?month=2026-10&level=provider"), "Y N N Y Y N N Y"),
    "provider scorecard": ((PROVIDERS, {"month": "2026-10"}), "Y N N Y Y N N Y"),
    "audit log (CSV)": (("GET", "/export/audit.csv"), "N N N N N N Y N"),
    "admin page": (("admin-audit.children", {}), "N N N N N N Y N"),
}
INPUT = {SCORECARD: "scorecard-query.data", INDICATOR: "indicator-query.data", ENTITY: "entity-query.data",
         MEMBERS: "members-query.data", PROVIDER: "provider-query.data", PROVIDERS: "providers-query.data"}
MESSAGE = {SCORECARD: "scorecard-message", INDICATOR: "indicator-message", ENTITY: "entity-message",
           MEMBERS: "members-message", PROVIDER: "provider-message", PROVIDERS: "providers-message",
           "admin-audit.children": "admin-message"}


@pytest.fixture(scope="module", autouse=True)
def every_refusal_written():
    """More targets than the refusals written in a window (web/runtime.py): here each one is, to be counted."""
    import web.runtime
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(web.runtime, "REFUSALS_WRITTEN", 10_000)
        yield


@pytest.fixture(scope="module")
def apps(demo_instance, tmp_path_factory):
    folder = tmp_path_factory.mktemp("stores")
    apps = {"agency": make_app(demo_instance, folder / "agency.db"),
            "peers": make_app(demo_instance, folder / "peers.db", managers_see_peers=True)}
    for username, (role, scope, app) in READERS.items():
        ensure_user(apps[app], username, role, scope)
    # The demo's contracts, which the provider pages read.
    warehouse = Warehouse(f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    contracts = read_contracts(demo_instance.parent / "extract" / "contracts.toml", load_catalogue(),
                               set(providers(warehouse.snapshot()).provider_id))
    warehouse.dispose()
    for app in apps.values():
        load_contracts(engine_of(app), contracts, "test")
    return apps


@pytest.fixture(scope="module")
def clients(apps):
    signed_in = {}
    for username, (_role, _scope, app) in READERS.items():
        client = apps[app].server.test_client()
        assert sign_in(client, username).status_code == 302
        signed_in[username] = client
    return signed_in


def _ask(client, what) -> tuple[bool, str]:
    """(whether the reader got the data, the whole response text)."""
    kind, detail = what
    if kind == "GET":
        response = client.get(detail)
        assert response.status_code in (200, 403), response.get_data(as_text=True)
        return response.status_code == 200, response.get_data(as_text=True)
    values = {INPUT[kind]: detail} if kind in INPUT else {}
    response = post_callback(client, kind, values)
    assert response.status_code == 200
    answer = response.get_json()["response"]
    message = json.dumps(answer.get(MESSAGE[kind], {}))
    output_id, prop = kind.rsplit(".", 1)
    shown = answer[output_id][prop]
    drawn = bool(shown.get("data")) if prop == "figure" else shown not in (None, [])
    got = drawn and "outside" not in message and "admins" not in message and "reads no data" not in message
    return got, response.get_data(as_text=True)


@pytest.mark.parametrize("target", list(TARGETS))
def test_each_reader_gets_exactly_what_their_role_and_scope_allow(apps, clients, target):
    what, allowed = TARGETS[target]
    expected = dict(zip(ORDER, (a == "Y" for a in allowed.split())))
    got = {}
    for username in ORDER:
        engine = engine_of(apps[READERS[username][2]])
        refusals = len(db.audit_entries(engine, None, username, "access-refused"))
        got[username], text = _ask(clients[username], what)
        if not got[username]:
            assert len(db.audit_entries(engine, None, username, "access-refused")) == refusals + 1, username
            assert "Bayview Unit" not in text and "E000" not in text  # nothing of what was refused
            assert "Open Door Foster Care" not in text  # FFA08's name
    assert got == expected


def test_a_manager_s_crafted_callback_for_another_office_gets_nothing(clients, demo_snapshot):
    names = demo_snapshot.read("select entity_name from entities where office_id = 'O002'").entity_name
    response = post_callback(clients["mgr"], SCORECARD, {"scorecard-query.data": {"parent": "office:O002"}})
    text = response.get_data(as_text=True)
    answer = response.get_json()["response"]
    assert answer["scorecard-table"]["data"] is None  # no table
    assert "office O002 is outside what you may see" in json.dumps(answer["scorecard-message"])
    assert not [n for n in names if n in text]


def _csv(client, url) -> pd.DataFrame:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return pd.read_csv(io.StringIO(response.get_data(as_text=True)), dtype={"entity_id": str})


def test_a_viewer_s_download_hides_small_cells_and_matches_the_executive_s_elsewhere(clients):
    url = "/export/scorecard.csv?month=2026-10&level=unit&parent=office:O001"
    full, viewer = _csv(clients["exec"], url), _csv(clients["viewer"], url)
    assert list(viewer.columns) == list(full.columns) and len(viewer) == len(full)
    hidden = viewer.status == "suppressed"
    assert hidden.any() and viewer.value[hidden].isna().all()
    assert viewer[["numerator", "denominator"]].isna().all().all()  # never: they would give hidden cells away
    small = full.numerator.between(1, 10) | full.denominator.between(1, 10)
    # Every small cell is hidden, and a few more so that none can be worked out (tests/test_disclosure.py).
    assert (hidden | ~small).all() and (hidden & ~small).sum() < small.sum()
    shown = ["indicator_id", "month", "level", "entity_id", "entity_name", "status"]
    pd.testing.assert_frame_equal(viewer[~hidden][shown].reset_index(drop=True),
                                  full[~hidden][shown].reset_index(drop=True), check_dtype=False)
    # Values to the digit the page shows, never more (84.21052631578948 is 16 of 19 and nothing else).
    assert (viewer.value[~hidden].round(2) == viewer.value[~hidden]).all()
    assert ((viewer.value[~hidden] - full.value[~hidden]).abs() <= 0.05 + 1e-9).all()


def test_members_downloads_are_audited_with_who_what_and_where(apps, clients):
    url = "/export/members.csv?indicator=reentry&month=2026-10&entity=office:O001"
    rows = _csv(clients["mgr"], url)
    entry = db.audit_entries(engine_of(apps["agency"]), 1, "mgr", "members-listed")[0]
    assert entry["detail"] == {"indicator": "reentry", "month": "2026-10", "entity": "office:O001",
                               "rows": len(rows), "via": "download"}
    assert entry["remote_addr"] == "127.0.0.1"


def test_the_admin_reads_and_downloads_the_audit_log(apps, clients):
    clients["mgr"].get("/export/members.csv?indicator=reentry&month=2026-10&entity=office:O002")
    log = _csv(clients["admin"], "/export/audit.csv?actor=mgr&action=access-refused")
    assert list(log.columns) == ["at", "actor", "action", "detail", "remote_addr"]
    assert len(log) >= 1 and set(log.actor) == {"mgr"} and set(log.action) == {"access-refused"}
    assert "office O002 is outside" in json.loads(log.detail.iloc[0])["reason"]
    answer = post_callback(clients["admin"], "admin-audit.children", {"admin-actor.value": "mgr"}).get_json()
    text = json.dumps(answer["response"]["admin-audit"])
    assert "members-listed" in text and "access-refused" in text and "sign-in" in text
    assert "office:O001" in json.dumps(answer["response"]["admin-users"])
    settings = json.dumps(answer["response"]["admin-settings"])
    assert "set (not shown)" in settings and "test-secret-key" not in settings
    exported = db.audit_entries(engine_of(apps["agency"]), 1, "admin", "audit-exported")[0]
    assert exported["detail"] == {"actor": "mgr", "action": "access-refused", "rows": len(log)}


def test_the_cli_s_members_export_is_audited_too(run, tmp_path):
    from tests.extracts import write_extract
    assert run("load", write_extract(tmp_path / "x")).exit_code == 0
    result = run("export", "members", "--indicator", "entries", "--month", "2024-06")
    assert result.exit_code == 0, result.output
    engine = db.store_engine(f"sqlite:///{tmp_path / 'instance' / 'statboard.db'}")
    entry = db.audit_entries(engine, 1, action="members-listed")[0]
    assert entry["actor"].startswith("cli:") and entry["detail"]["rows"] == len(result.stdout.splitlines()) - 1
