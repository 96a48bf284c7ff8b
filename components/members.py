"""Builders for the members behind a cell: the grid's columns and rows, masked ids, the filters."""
from __future__ import annotations

import math

import pandas as pd

from display.mask import mask_id


# What a member is called, and what its key dates are, by member type.
MEMBER_WORDS = {
    "referral": ("Referral", "Received", "First contact"),
    "episode": ("Episode", "Removed", "Discharged"),
    "in_home_case": ("In-home case", "Opened", "Closed"),
    "child": ("Child", None, None),
}


def result_columns(kind: str) -> list[tuple[str, str]]:
    """(field, header) of what each member contributes to the cell, by the indicator's kind."""
    if kind == "proportion":
        return [("met", "Met")]
    if kind == "median":
        return [("days", "Days")]
    if kind == "rate":
        return [("events", "Events"), ("days", "Days in care")]
    return []


def member_rows(frame: pd.DataFrame, kind: str, reveal: bool) -> list[dict]:
    """One grid row per member; child and member ids masked unless `reveal`."""
    show = (lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)) if reveal else mask_id
    rows = []
    for position, r in enumerate(frame.itertuples(index=False), start=1):
        # `row`: the member's place in the listing (its order is fixed), so a ticked row names it without its id
        row = {"row": position, "member_id": show(r.member_id), "child_id": show(r.child_id), "worker": r.worker_name,
               "unit": r.unit_name, "start_date": _date(r.start_date), "end_date": _date(r.end_date)}
        if kind == "proportion":
            row["met"] = "yes" if r.numerator == 1 else "no"
        elif kind == "median":
            row["days"] = int(r.numerator)
        elif kind == "rate":
            row["events"], row["days"] = int(r.numerator), int(r.denominator)
        rows.append(row)
    return rows


def _date(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    return f"{pd.Timestamp(value):%Y-%m-%d}"


def column_defs(member_type: str, kind: str, organisation: bool = True) -> list[dict]:
    """The grid's columns for members of `member_type` of an indicator of `kind`; without the worker and unit for
    a reader who reads none of the `organisation` (a provider's staff)."""
    noun, start, end = MEMBER_WORDS.get(member_type, (member_type, None, None))
    columns = [{"field": "member_id", "headerName": noun, "pinned": "left"}]
    if member_type != "child":
        columns.append({"field": "child_id", "headerName": "Child"})
    columns += [{"field": field, "headerName": header, "type": "rightAligned" if field != "met" else None}
                for field, header in result_columns(kind)]
    if start:
        columns += [{"field": "start_date", "headerName": start}, {"field": "end_date", "headerName": end}]
    if organisation:
        columns += [{"field": "worker", "headerName": "Worker"}, {"field": "unit", "headerName": "Unit"}]
    return [{k: v for k, v in c.items() if v is not None} for c in columns]


def filter_model(met: str | None, unit: str | None, worker: str | None) -> dict:
    """The grid's filter for the controls above it: met or not, one unit, one worker."""
    model = {}
    if met in ("yes", "no"):
        model["met"] = {"filterType": "text", "type": "equals", "filter": met}
    if unit:
        model["unit"] = {"filterType": "text", "type": "equals", "filter": unit}
    if worker:
        model["worker"] = {"filterType": "text", "type": "equals", "filter": worker}
    return model


def summary_text(frame: pd.DataFrame, kind: str, direction: str | None) -> str:
    """'27 episodes; 3 met (the bad outcome: lower is better)'."""
    n = len(frame)
    member_type = frame.member_type.iloc[0] if n else "member"
    noun = MEMBER_WORDS.get(member_type, (member_type,))[0].lower()
    text = f"{n:,} {noun}{'' if n == 1 else 's'}"
    if kind == "proportion" and n:
        met = int((frame.numerator == 1).sum())
        text += f"; {met:,} met" + (" (for this indicator met is the bad outcome: lower is better)"
                                    if direction == "lower" else "")
    return text
