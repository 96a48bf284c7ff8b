"""A small agency built by hand, one record at a time, for the indicator fixtures.

Two bureaus, each with one office, one unit and one worker: W1 (U1, O1, B1)
and W2 (U2, O2, B2). Records default to W1 and to a child born 2015-01-01;
a test states only what its case is about.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from loader.load import load_extract
from access.scope import EntityRef, Scope
from queries.scorecard import members_behind_cell, parse_month, scorecard
from queries.warehouse import Snapshot, Warehouse
from tests.extracts import write_extract


def days_before(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=days)).isoformat()


class Agency:
    def __init__(self, as_of: str = "2024-12-31"):
        self.as_of = as_of
        self.rows: dict[str, list[dict]] = {
            "bureaus": [{"bureau_id": "B1", "bureau_name": "North"}, {"bureau_id": "B2", "bureau_name": "South"}],
            "offices": [{"office_id": "O1", "office_name": "Alder", "bureau_id": "B1", "peer_group": "urban"},
                        {"office_id": "O2", "office_name": "Birch", "bureau_id": "B2", "peer_group": "urban"}],
            "units": [{"unit_id": "U1", "unit_name": "Alder 1", "office_id": "O1"},
                      {"unit_id": "U2", "unit_name": "Birch 1", "office_id": "O2"}],
            "workers": [{"worker_id": "W1", "worker_name": "Ana", "unit_id": "U1", "hire_date": "2000-01-01",
                         "end_date": None},
                        {"worker_id": "W2", "worker_name": "Ben", "unit_id": "U2", "hire_date": "2000-01-01",
                         "end_date": None}],
            "children": [], "referrals": [], "episodes": [], "placements": [], "in_home_cases": [],
            "contacts": [], "exams": [],
        }
        self._children: set[str] = set()

    def child(self, child_id: str, born: str = "2015-01-01", siblings: str | None = None) -> str:
        self.rows["children"].append({"child_id": child_id, "birth_date": born, "sex": "u",
                                      "race_ethnicity": "unknown", "sibling_group_id": siblings})
        self._children.add(child_id)
        return child_id

    def _ensure(self, child_id: str) -> None:
        if child_id not in self._children:
            self.child(child_id)

    def referral(self, referral_id: str, child: str, received: str, response: str = "immediate",
                 contact: str | None = None, disposition: str | None = None, disposed: str | None = None,
                 worker: str = "W1") -> None:
        self._ensure(child)
        if disposition is not None and disposed is None:
            disposed = received[:10]
        self.rows["referrals"].append({
            "referral_id": referral_id, "child_id": child, "worker_id": worker, "received_at": received,
            "response_type": response, "first_contact_at": contact, "disposition": disposition,
            "disposition_date": disposed})

    def substantiated(self, referral_id: str, child: str, received: str, worker: str = "W1") -> None:
        self.referral(referral_id, child, received, disposition="substantiated", worker=worker)

    def episode(self, episode_id: str, child: str, removed: str, discharged: str | None = None,
                reason: str | None = None, tdm: str | None = None, worker: str = "W1") -> None:
        self._ensure(child)
        if discharged is not None and reason is None:
            reason = "reunification"
        self.rows["episodes"].append({
            "episode_id": episode_id, "child_id": child, "worker_id": worker, "removal_date": removed,
            "discharge_date": discharged, "discharge_reason": reason, "tdm_date": tdm})

    def placement(self, placement_id: str, episode: str, home: str, start: str, end: str | None = None,
                  setting: str = "foster_family") -> None:
        self.rows["placements"].append({
            "placement_id": placement_id, "episode_id": episode, "home_id": home, "setting": setting,
            "start_date": start, "end_date": end})

    def in_home(self, case_id: str, child: str, opened: str, closed: str | None = None, worker: str = "W1") -> None:
        self._ensure(child)
        self.rows["in_home_cases"].append({"case_id": case_id, "child_id": child, "worker_id": worker,
                                           "opened_date": opened, "closed_date": closed})

    def contact(self, contact_id: str, child: str, day: str, in_person: bool = True, completed: bool = True,
                worker: str = "W1") -> None:
        self._ensure(child)
        self.rows["contacts"].append({"contact_id": contact_id, "child_id": child, "worker_id": worker,
                                      "contact_date": day, "in_person": str(in_person).lower(),
                                      "completed": str(completed).lower()})

    def exam(self, exam_id: str, child: str, exam_type: str, day: str) -> None:
        self._ensure(child)
        self.rows["exams"].append({"exam_id": exam_id, "child_id": child, "exam_type": exam_type, "exam_date": day})

    def load(self, warehouse: Warehouse, directory: Path) -> Snapshot:
        """Write the extract, load it (which computes every indicator), and return the new version."""
        load_extract(write_extract(directory, self.rows, as_of=self.as_of), warehouse)
        return warehouse.snapshot()


def members(snapshot: Snapshot, indicator_id: str, month: str, entity: str | None = None) -> dict:
    """member_id -> (numerator, denominator) of one indicator's members in one month."""
    ref = None
    if entity is not None:
        level, _, entity_id = entity.partition(":")
        ref = EntityRef(level, entity_id)
    frame = members_behind_cell(snapshot, Scope.everything(), indicator_id, parse_month(month), ref)
    return {row.member_id: (int(row.numerator), int(row.denominator)) for row in frame.itertuples()}


def cell(snapshot: Snapshot, indicator_id: str, month: str, level: str = "department",
         entity_id: str = "all") -> dict | None:
    """The materialised cell (numerator, denominator, value, status) of one entity, or None without members."""
    frame = scorecard(snapshot, Scope.everything(), parse_month(month), level, indicator_ids=[indicator_id])
    found = frame[frame.entity_id == entity_id]
    if found.empty:
        return None
    row = found.iloc[0]
    return {"numerator": int(row.numerator), "denominator": int(row.denominator), "value": float(row.value),
            "status": row.status}
