"""Scopes and roles: who reads which entities' aggregates, who lists case-level records, which cells are hidden."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from access.roles import AccessError, check_role, reader_for
from queries.performance import entity_path, heatmap, indicator_across, story, trend
from access.scope import EntityRef, OutsideScope, Scope, ScopeError, ancestry

OFFICE_1 = EntityRef("office", "O1")
UNIT_IN_1 = ancestry("unit", "U1", {"bureau_id": "B1", "office_id": "O1"})
UNIT_IN_2 = ancestry("unit", "U9", {"bureau_id": "B1", "office_id": "O2"})


def ids(level, entity_id, bureau=None, office=None):
    return ancestry(level, entity_id, {"bureau_id": bureau, "office_id": office})


@pytest.mark.parametrize("scope, entity, row, owns, reads", [
    (Scope(), EntityRef("department", "all"), {}, True, True),
    (Scope("office", "O1"), EntityRef("office", "O1"), ids("office", "O1", "B1"), True, True),
    (Scope("office", "O1"), EntityRef("unit", "U1"), UNIT_IN_1, True, True),
    (Scope("office", "O1"), EntityRef("unit", "U9"), UNIT_IN_2, False, False),
    (Scope("office", "O1"), EntityRef("office", "O2"), ids("office", "O2", "B1"), False, False),
    (Scope("office", "O1"), EntityRef("bureau", "B1"), ids("bureau", "B1"), False, False),
    (Scope("office", "O1"), EntityRef("department", "all"), {}, False, False),
    # Peers: the aggregates at the scope's level and above, anywhere; never below it outside the subtree.
    (Scope("office", "O1", peers=True), EntityRef("office", "O2"), ids("office", "O2", "B2"), False, True),
    (Scope("office", "O1", peers=True), EntityRef("bureau", "B2"), ids("bureau", "B2"), False, True),
    (Scope("office", "O1", peers=True), EntityRef("department", "all"), {}, False, True),
    (Scope("office", "O1", peers=True), EntityRef("unit", "U9"), UNIT_IN_2, False, False),
    (Scope("unit", "U1", peers=True), EntityRef("unit", "U9"), UNIT_IN_2, False, True),
    (Scope("bureau", "B1"), EntityRef("office", "O7"), ids("office", "O7", "B1"), True, True),
])
def test_owns_and_reads(scope, entity, row, owns, reads):
    assert scope.owns(entity, row) is owns
    assert scope.reads(entity, row) is reads


def test_a_listing_is_readable_whole_or_not_at_all():
    office = Scope("office", "O1")
    assert office.reads_all(OFFICE_1, ids("office", "O1", "B1"), "worker")
    assert not office.reads_all(EntityRef("bureau", "B1"), ids("bureau", "B1"), "office")
    peers = Scope("office", "O1", peers=True)
    assert peers.reads_all(EntityRef("bureau", "B2"), ids("bureau", "B2"), "office")
    assert peers.reads_all(EntityRef("department", "all"), {}, "office")
    assert not peers.reads_all(EntityRef("department", "all"), {}, "unit")
    assert not peers.reads_all(EntityRef("office", "O2"), ids("office", "O2", "B1"), "unit")


def test_the_sql_filters_say_the_same_as_the_python_rules():
    assert Scope().entity_filter("e") == ("true", {})
    assert Scope("office", "O1").entity_filter("e") == ("e.office_id = :scope_id", {"scope_id": "O1"})
    sql, params = Scope("office", "O1", peers=True).entity_filter("e")
    assert sql == "(e.office_id = :scope_id or e.level in ('department', 'bureau', 'office'))"
    assert Scope("office", "O1", peers=True).owned_filter("e") == ("e.office_id = :scope_id", {"scope_id": "O1"})


def test_scope_parse_refuses_what_names_no_place():
    assert Scope.parse("office:O4") == Scope("office", "O4")
    assert Scope.parse("department") == Scope()
    for bad in ("office", "worker:000001", "region:R1", ""):
        with pytest.raises(ScopeError):
            Scope.parse(bad)


def test_small_cells_are_hidden_with_their_numbers_and_status():
    frame = pd.DataFrame({"numerator": [0, 3, 10, 11, 50, 12], "denominator": [0, 40, 40, 40, 10, 12],
                          "value": [0.0, 7.5, 25.0, 27.5, 500.0, 100.0],
                          "status": ["none", "green", "red", "red", "green", "green"]})
    out = Scope(small_cell_min=11).suppress(frame)
    assert out.status.tolist() == ["none", "suppressed", "suppressed", "red", "suppressed", "green"]
    hidden = out.status == "suppressed"
    assert out.value[hidden].isna().all() and out.value[~hidden].tolist() == [0.0, 27.5, 100.0]
    # No numerator or denominator leaves, small or not: a parent minus the visible siblings would give a
    # hidden cell's numbers back.
    assert out[["numerator", "denominator"]].isna().all().all()
    # Cells hidden to cover another (queries/disclosure.py) go the same way.
    also = Scope(small_cell_min=11).suppress(frame, also=pd.Series([False, False, False, True, False, False]))
    assert also.status.tolist() == ["none", "suppressed", "suppressed", "suppressed", "suppressed", "green"]
    assert Scope().suppress(frame) is frame  # no minimum: nothing hidden


def test_roles_and_their_scopes():
    assert check_role("manager", "office:O4") == "office:O4"
    assert check_role("viewer", None) is None and check_role("viewer", "department") is None
    for role, scope, says in [("manager", None, "needs the bureau, office or unit"),
                              ("manager", "department", "needs the bureau, office or unit"),
                              ("executive", "office:O4", "leave out --scope"),
                              ("owner", None, "not one of admin, executive, manager, analyst, viewer, provider"),
                              ("provider", None, "needs the delegate agency"),
                              ("provider", "office:O4", "needs the delegate agency"),
                              ("provider", "provider:", "needs an id"),
                              ("manager", "provider:FFA07", "is for the provider role"),
                              ("viewer", "provider:FFA07", "is for the provider role"),
                              ("manager", "office", "needs an id")]:
        with pytest.raises(AccessError, match=says):
            check_role(role, scope)
    assert reader_for("a", "admin", None).scope is None
    assert reader_for("e", "executive", None).scope == Scope()
    assert reader_for("n", "analyst", None).scope == Scope(case_level=False)
    assert reader_for("m", "manager", "unit:U1", managers_see_peers=True).scope == Scope("unit", "U1", peers=True)
    assert reader_for("v", "viewer", "office:O4", small_cell_min=7).scope == Scope(
        "office", "O4", case_level=False, small_cell_min=7)
    with pytest.raises(OutsideScope, match="reads no data"):
        reader_for("a", "admin", None).data_scope()
    assert check_role("provider", "provider:FFA07") == "provider:FFA07"
    assert reader_for("p", "provider", "provider:FFA07", small_cell_min=7).scope == Scope(
        "provider", "FFA07", case_level=True, small_cell_min=7)


def test_a_provider_scope_owns_its_provider_and_nothing_of_the_organisation():
    mine, department = Scope("provider", "FFA07"), Scope()
    for entity, ids in [(EntityRef("department", "all"), {}), (EntityRef("bureau", "B01"), {"bureau_id": "B01"}),
                        (EntityRef("office", "O001"), {"bureau_id": "B01", "office_id": "O001"}),
                        (EntityRef("worker", "W1"), {"bureau_id": "B01", "office_id": "O001", "unit_id": "U1"}),
                        (EntityRef("provider", "FFA08"), {})]:
        assert not mine.owns(entity, ids) and not mine.reads(entity, ids), entity
    assert mine.owns(EntityRef("provider", "FFA07"), {}) and mine.root == EntityRef("provider", "FFA07")
    assert mine.owned_filter() == ("false", {}) and mine.entity_filter() == ("false", {})
    assert mine.reads_provider("FFA07") and not mine.reads_provider("FFA08")
    assert department.reads_provider("FFA08") and department.owns(EntityRef("provider", "FFA08"), {})
    assert not Scope("office", "O001").reads_provider("FFA07")  # a manager's office: no provider's figures
    assert not Scope("office", "O001").owns(EntityRef("provider", "FFA07"), {"office_id": "O001"})
    assert Scope.parse("provider:FFA07") == mine and str(mine) == "provider:FFA07"
    with pytest.raises(ScopeError):
        Scope("provider", "FFA07", peers=True)


# -- the Stat-meeting reads under a manager's scope, on the demo agency ------------------------------------

def test_a_manager_without_peers_reads_only_their_office(demo_snapshot):
    office = Scope("office", "O001")
    path = entity_path(demo_snapshot, office, EntityRef("unit", "U0001"))
    assert [(e.level, e.readable, e.drillable) for e in path] == [
        ("department", False, False), ("bureau", False, False), ("office", True, True), ("unit", True, True)]
    data = heatmap(demo_snapshot, office, None, EntityRef("office", "O001"))
    assert data.rows.drillable.all() and set(data.cells.entity_id) <= {"O001"} | set(data.rows.entity_id)
    with pytest.raises(OutsideScope):
        heatmap(demo_snapshot, office, None, EntityRef("bureau", "B01"))
    with pytest.raises(OutsideScope):
        story(demo_snapshot, office, EntityRef("office", "O002"))
    across = indicator_across(demo_snapshot, office, "reentry", None, EntityRef("office", "O001"))
    assert across.offices.entity_id.tolist() in ([], ["O001"])  # no other office, not even for comparison
    line = trend(demo_snapshot, office, "reentry", EntityRef("office", "O001"))
    assert set(line.series.line) == {"entity"} and line.peers.startswith("not shown")  # no bureau, no peers


def test_a_manager_with_peers_compares_with_other_offices_but_goes_no_lower(demo_snapshot):
    office = Scope("office", "O001", peers=True)
    data = heatmap(demo_snapshot, office, None, EntityRef("bureau", "B01"))
    assert data.rows.set_index("entity_id").drillable.to_dict() == {"B01": True, "O001": True, "O002": False,
                                                                    "O003": False}
    with pytest.raises(OutsideScope, match="the units under office O002"):
        heatmap(demo_snapshot, office, None, EntityRef("office", "O002"))
    assert set(trend(demo_snapshot, office, "reentry", EntityRef("office", "O001")).series.line) == {
        "entity", "parent"}  # the bureau's line; O001 is the only office of its peer group
    unit = EntityRef("unit", "U0001")
    assert set(trend(demo_snapshot, Scope("unit", "U0001", peers=True), "timely_contacts_cases", unit).series.line
               ) == {"entity", "parent", "peers"}
    alone = trend(demo_snapshot, Scope("unit", "U0001"), "timely_contacts_cases", unit)
    assert set(alone.series.line) == {"entity"} and alone.peers.startswith("not shown")
    assert story(demo_snapshot, office, EntityRef("office", "O002")).entity.name == "Bayview Office"


def test_a_viewer_sees_no_small_cell_anywhere(demo_snapshot):
    viewer = Scope(case_level=False, small_cell_min=11)
    month = dt.date(2026, 10, 1)
    data = heatmap(demo_snapshot, viewer, month, EntityRef("office", "O001"), "worker")
    full = heatmap(demo_snapshot, Scope(), month, EntityRef("office", "O001"), "worker")
    hidden = data.cells[data.cells.status == "suppressed"]
    assert len(hidden) > 0 and hidden.value.isna().all()
    assert data.cells[["numerator", "denominator", "last_month_numerator", "last_year_denominator"]].isna().all().all()
    before = full.cells.set_index(["entity_id", "indicator_id"]).loc[
        list(zip(hidden.entity_id, hidden.indicator_id))]
    small = before.numerator.between(1, 10) | before.denominator.between(1, 10)
    assert small.mean() > 0.9  # the rest are hidden to cover a small cell (tests/test_disclosure.py)
    for prefix in ("last_month", "last_year"):
        small = data.cells[data.cells[f"{prefix}_status"] == "suppressed"]
        assert small[prefix].isna().all()
    line = trend(demo_snapshot, viewer, "reentry", EntityRef("unit", "U0001"), month, None)
    assert line.series[line.series.status == "suppressed"].value.isna().all()
