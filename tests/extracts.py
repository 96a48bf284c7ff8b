"""A tiny, valid, hand-built extract, and helpers to break it one rule at a time.

Rows are plain dicts of text, written exactly as given (None is an empty field),
so a test can put any byte it likes into any field.
"""
from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

from loader.contract import TABLES

AS_OF = "2024-06-30"

GOOD = {
    "bureaus": [
        {"bureau_id": "B1", "bureau_name": "North"},
        {"bureau_id": "B2", "bureau_name": "South, \"Coastal\""},
    ],
    "offices": [
        {"office_id": "O1", "office_name": "Alder", "bureau_id": "B1", "peer_group": "urban-core"},
        {"office_id": "O2", "office_name": "Birch", "bureau_id": "B2", "peer_group": None},
    ],
    "units": [
        {"unit_id": "U1", "unit_name": "Alder 1", "office_id": "O1"},
        {"unit_id": "U2", "unit_name": "Birch 1", "office_id": "O2"},
    ],
    "workers": [
        {"worker_id": "00042", "worker_name": "Ana Diaz", "unit_id": "U1", "hire_date": "2019-03-01", "end_date": None},
        {"worker_id": "0042", "worker_name": "Ben Okafor", "unit_id": "U2", "hire_date": "2020-01-15", "end_date": "2024-05-31"},
    ],
    "children": [
        {"child_id": "000123", "birth_date": "2012-02-29", "sex": "f", "race_ethnicity": "hispanic", "sibling_group_id": "S1"},
        {"child_id": "000124", "birth_date": "2015-07-04", "sex": "m", "race_ethnicity": "native american", "sibling_group_id": "S1"},
        {"child_id": "7", "birth_date": "2006-06-30", "sex": "u", "race_ethnicity": "unknown", "sibling_group_id": None},
    ],
    "referrals": [
        {"referral_id": "R1", "child_id": "000123", "worker_id": "00042", "received_at": "2023-01-05T23:30",
         "response_type": "immediate", "first_contact_at": "2023-01-06T23:30:00", "disposition": "substantiated",
         "disposition_date": "2023-01-20"},
        {"referral_id": "R2", "child_id": "000124", "worker_id": "00042", "received_at": "2023-01-05T23:30",
         "response_type": "immediate", "first_contact_at": None, "disposition": None, "disposition_date": None},
        {"referral_id": "R3", "child_id": "7", "worker_id": "0042", "received_at": "2024-06-30T08:00",
         "response_type": "evaluated_out", "first_contact_at": None, "disposition": None, "disposition_date": None},
    ],
    "episodes": [
        {"episode_id": "E1", "child_id": "000123", "worker_id": "00042", "removal_date": "2023-01-10",
         "discharge_date": "2023-06-01", "discharge_reason": "reunification", "tdm_date": "2023-01-09"},
        {"episode_id": "E2", "child_id": "000123", "worker_id": "00042", "removal_date": "2023-06-01",
         "discharge_date": None, "discharge_reason": None, "tdm_date": None},
    ],
    "providers": [
        {"provider_id": "FFA1", "provider_name": "Harbor Foster Family Agency", "provider_type": "foster_family_agency"},
        {"provider_id": "IH1", "provider_name": "=Hillside Family Services", "provider_type": None},
    ],
    "placements": [
        {"placement_id": "P1", "episode_id": "E1", "home_id": "H1", "setting": "relative",
         "start_date": "2023-01-10", "end_date": "2023-03-01"},
        {"placement_id": "P2", "episode_id": "E1", "home_id": "H2", "setting": "trial_home_visit",
         "start_date": "2023-03-01", "end_date": "2023-06-01"},
        {"placement_id": "P3", "episode_id": "E2", "home_id": "H1", "setting": "foster_family",
         "start_date": "2023-06-01", "end_date": None},
    ],
    "in_home_cases": [
        {"case_id": "F1", "child_id": "000124", "worker_id": "0042", "opened_date": "2023-02-01", "closed_date": None},
    ],
    "contacts": [
        {"contact_id": "K1", "child_id": "000123", "worker_id": "00042", "contact_date": "2023-02-01",
         "in_person": "true", "completed": "false"},
        {"contact_id": "K2", "child_id": "000124", "worker_id": "0042", "contact_date": "2024-06-30",
         "in_person": "false", "completed": "true"},
    ],
    "exams": [
        {"exam_id": "X1", "child_id": "000123", "exam_type": "mental_health_screening", "exam_date": "2023-01-11"},
    ],
}


def good_rows() -> dict[str, list[dict]]:
    return copy.deepcopy(GOOD)


def write_extract(directory: Path, rows: dict[str, list[dict]] | None = None, as_of: str | None = AS_OF,
                  agency: str | None = "Test Agency") -> Path:
    """Write `rows` (default: the good extract) as CSV files, with a manifest when `as_of` is given."""
    rows = good_rows() if rows is None else rows
    directory.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        if table.name not in rows:
            continue
        # An optional column is written only when some row gives it, so the good extract's files are
        # those of an extract made before the column existed.
        columns = [c.name for c in table.columns
                   if not c.optional or any(c.name in row for row in rows[table.name])]
        with (directory / f"{table.name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows[table.name]:
                writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    if as_of is not None:
        (directory / "manifest.json").write_text(json.dumps({"as_of": as_of, "agency": agency}))
    return directory


