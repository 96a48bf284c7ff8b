"""Cases drawn for review: the draw from the members behind a cell, and the saved selections in the app store.

The draw can be reproduced by anyone with the members list, the seed and a SHA-256 tool, whatever the
library versions: the eligible members of each stratum are ordered by the lower-case hex SHA-256 of
``"{seed}:{member_type}:{member_id}"`` (UTF-8), ascending; the first ``n`` of each stratum are picked
(strata in id order; a stratum with fewer than ``n`` gives all it has) and the rest of that order is the
stratum's replacement list. A picked case is set aside only with a listed reason and a note
(`eliminate`); the next case of its stratum's replacement list then takes its place.

Who may draw: the members come from `queries.scorecard.members_behind_cell`, so the reader's scope must
allow case-level records of the entity (`OutsideScope` otherwise); a saved selection is read back only by
a scope that owns its entity. Every draw and elimination is written to the audit log (never a child id).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store import db
from access.scope import EntityRef, OutsideScope, Scope, ScorecardQueryError
from queries.performance import entity_names, indicator_names
from queries.scorecard import _check_entity, indicator_catalogue, members_behind_cell
from store.db import review_cases, review_selection_cells, review_selections, utcnow
from display.format import place_text
from display.mask import mask_id
from display.typed_text import text_problem
from editable import toml_file
from queries.warehouse import Snapshot

STRATIFY = ("unit", "worker", "met")
ONLY = ("met", "not-met")
N_MAX = 1000            # picks per stratum
HAND_PICKED_MAX = 1000  # member ids in one hand-picked selection
SEED = re.compile(r"^[\x21-\x7e]{1,100}$")  # printable ASCII, no spaces: the same text in every tool
PICK_COLUMNS = ["draw", "member_type", "member_id", "child_id", "worker_id", "unit_id", "met", "stratum"]
DRAWN = "review-cases-drawn"           # a draw shown (a dry run) or saved
ELIMINATED = "review-case-eliminated"  # a picked case set aside, and its replacement


class ReviewError(ScorecardQueryError):
    """A draw or elimination that cannot be made as asked; the message says what to ask instead."""


# -- the draw --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One indicator's cell in one month for one entity (its members are the pool drawn from)."""
    indicator_id: str
    month: dt.date
    entity: EntityRef


@dataclass(frozen=True)
class Criteria:
    """How to draw: `n` per stratum (or the `hand_picked` member ids, in that order), and which members
    are eligible."""
    n: int | None = None
    stratify: str | None = None               # unit, worker or met; None: one stratum
    only: str | None = None                   # met or not-met; None: both
    exclude_reviewed_within: int | None = None  # months: leave out children picked in a selection since then
    hand_picked: tuple[str, ...] = ()         # member ids (or member_type:member_id)

    def as_json(self) -> dict:
        return {"n": self.n, "stratify": self.stratify, "only": self.only,
                "exclude_reviewed_within": self.exclude_reviewed_within, "hand_picked": list(self.hand_picked)}

    @classmethod
    def from_json(cls, data: dict) -> Criteria:
        return cls(data.get("n"), data.get("stratify"), data.get("only"), data.get("exclude_reviewed_within"),
                   tuple(data.get("hand_picked") or ()))


@dataclass(frozen=True)
class Case:
    """One eligible member in its stratum's order: a pick (`draw` set) or a replacement (`draw` None)."""
    stratum: str          # '' when not stratified
    rank: int             # 1, 2, ... in the stratum's order
    draw: int | None
    indicator_id: str
    month: dt.date
    member_type: str
    member_id: str
    child_id: str | None
    worker_id: str | None
    unit_id: str | None
    met: bool | None      # a proportion member's numerator is 1; None for a rate, median or count
    id: int | None = None  # in the store, once saved
    replaces: int | None = None  # the id of the eliminated case this one took the place of
    eliminated_at: dt.datetime | None = None
    eliminated_by: str | None = None
    elimination_reason: str | None = None
    elimination_label: str | None = None
    elimination_note: str | None = None

    @property
    def eliminated(self) -> bool:
        return self.eliminated_at is not None


@dataclass(frozen=True)
class Selection:
    """A draw: its cells, criteria and seed, the data version, and every eligible case (picks first, in
    draw order, then each stratum's replacements in order). `id` is None until it is saved."""
    cells: tuple[Cell, ...]
    criteria: Criteria
    seed: str
    version_id: int
    cases: tuple[Case, ...]
    entity_ids: dict = field(default_factory=dict)  # the entity's bureau_id, office_id, unit_id
    id: int | None = None
    created_at: dt.datetime | None = None
    created_by: str | None = None

    @property
    def entity(self) -> EntityRef:
        return self.cells[0].entity

    @property
    def picks(self) -> list[Case]:
        """The cases picked, in draw order (eliminated ones included: see `Case.eliminated`)."""
        return sorted((c for c in self.cases if c.draw is not None), key=lambda c: c.draw)

    @property
    def replacements(self) -> list[Case]:
        """The cases not (yet) picked, stratum by stratum in id order, each in its order."""
        return sorted((c for c in self.cases if c.draw is None), key=lambda c: (c.stratum, c.rank))

    def picks_frame(self) -> pd.DataFrame:
        """The picks as the CLI prints them (`PICK_COLUMNS`)."""
        return cases_frame(self.picks)


def cases_frame(cases) -> pd.DataFrame:
    """Cases as the CLI prints them: `PICK_COLUMNS`, `stratum` empty when not stratified."""
    return pd.DataFrame([(c.draw, c.member_type, c.member_id, c.child_id, c.worker_id, c.unit_id, c.met,
                          c.stratum or None) for c in cases], columns=PICK_COLUMNS)


SELECTION_COLUMNS = PICK_COLUMNS + ["rank", "replaces_draw", "eliminated_at", "eliminated_by", "reason", "note"]


def selection_frame(selection: Selection) -> pd.DataFrame:
    """Every case of a selection: the picks in draw order (eliminated ones with their reason, note, who and
    when; a replacement with the draw it replaced), then each stratum's remaining replacements in order."""
    draws = {c.id: c.draw for c in selection.cases}
    rows = [(c.draw, c.member_type, c.member_id, c.child_id, c.worker_id, c.unit_id, c.met, c.stratum or None,
             c.rank, draws.get(c.replaces), c.eliminated_at and f"{c.eliminated_at:%Y-%m-%dT%H:%M:%SZ}",
             c.eliminated_by, c.elimination_reason, c.elimination_note)
            for c in selection.picks + selection.replacements]
    return pd.DataFrame(rows, columns=SELECTION_COLUMNS)


def order_key(seed: str, member_type: str, member_id: str) -> str:
    """A member's place in the draw: the lower-case hex SHA-256 of `seed:member_type:member_id` (UTF-8)."""
    return hashlib.sha256(f"{seed}:{member_type}:{member_id}".encode("utf-8")).hexdigest()


def check_criteria(criteria: Criteria, seed: str) -> None:
    """Raise `ReviewError` for criteria or a seed that cannot be drawn with, saying what to give."""
    if not isinstance(seed, str) or not SEED.fullmatch(seed):
        raise ReviewError("the seed must be 1 to 100 printable characters without spaces, e.g. 20261130")
    if criteria.hand_picked:
        if criteria.n is not None or criteria.stratify is not None:
            raise ReviewError("hand-picked cases are the picks themselves: give no n and no stratification")
        if len(criteria.hand_picked) > HAND_PICKED_MAX:
            raise ReviewError(f"at most {HAND_PICKED_MAX} hand-picked cases at once")
        if len(set(criteria.hand_picked)) != len(criteria.hand_picked):
            raise ReviewError("a hand-picked case is listed twice")
    elif not isinstance(criteria.n, int) or isinstance(criteria.n, bool) or not 1 <= criteria.n <= N_MAX:
        raise ReviewError(f"the number of cases to pick (in each group, when grouped) must be a whole number from 1 "
                          f"to {N_MAX:,}, e.g. 5")
    if criteria.stratify not in (None, *STRATIFY):
        raise ReviewError(f"stratify by {criteria.stratify!r}? write one of {', '.join(STRATIFY)}")
    if criteria.only not in (None, *ONLY):
        raise ReviewError(f"only {criteria.only!r}? write one of {', '.join(ONLY)}")
    within = criteria.exclude_reviewed_within
    if within is not None and (not isinstance(within, int) or isinstance(within, bool) or not 1 <= within <= 120):
        raise ReviewError("exclude children reviewed within how many months? a whole number from 1 to 120")


def draw_cases(snapshot: Snapshot, scope: Scope, cells: list[Cell], seed: str, criteria: Criteria,
               reviewed_children: set[str] = frozenset()) -> Selection:
    """Draw cases for review from the members behind `cells` (all of one entity), not yet saved.

    A member behind several of the cells is drawn once, as a member of the first of them. Children in
    `reviewed_children` are not eligible (see `reviewed_children_since`). Raises `OutsideScope` when the
    reader may not list the members, `ReviewError` for criteria that cannot be met.
    """
    check_criteria(criteria, seed)
    if not cells:
        raise ReviewError("name at least one cell (indicator, month, entity) to draw from")
    entity = cells[0].entity
    if any(c.entity != entity for c in cells):
        raise ReviewError("every cell of one selection must be of the same entity")
    kinds = dict(indicator_catalogue(snapshot)[["indicator_id", "kind"]].itertuples(index=False, name=None))
    indicators = indicator_names(snapshot)
    if criteria.stratify == "met" or criteria.only:
        wanted, instead = (("grouping by met and not met", "group by unit or worker instead")
                           if criteria.stratify == "met" else
                           (f"drawing only {'the met' if criteria.only == 'met' else 'the not met'} cases",
                            "draw from every member instead"))
        for cell in cells:
            if kinds.get(cell.indicator_id, "proportion") != "proportion":
                raise ReviewError(f"{wanted}: {indicators.get(cell.indicator_id, cell.indicator_id)} is a "
                                  f"{kinds[cell.indicator_id]}, whose members are neither met nor not met; {instead}")
    frames = []
    for position, cell in enumerate(cells):
        frame = members_behind_cell(snapshot, scope, cell.indicator_id, cell.month, cell.entity)
        frame["position"] = position
        frame["met"] = frame.numerator.eq(1) if kinds[cell.indicator_id] == "proportion" else None
        frames.append(frame)
    members = pd.concat(frames, ignore_index=True).drop_duplicates(["member_type", "member_id"])
    units = _worker_units(snapshot)
    members["unit_id"] = members.worker_id.map(units)
    members["key"] = [order_key(seed, t, i) for t, i in zip(members.member_type, members.member_id)]

    eligible = members
    if criteria.only:
        eligible = eligible[eligible.met == (criteria.only == "met")]
    if reviewed_children:
        eligible = eligible[~eligible.child_id.isin(reviewed_children)]
    eligible = eligible.sort_values("key", kind="stable")
    if eligible.empty:
        where = describe_cells([(c.indicator_id, c.month) for c in cells], entity, indicators,
                               entity_names(snapshot, [entity]))
        left_out = [f"only the {criteria.only.replace('-', ' ')} ones are kept" if criteria.only else None,
                    f"children picked in the last {counted(criteria.exclude_reviewed_within, 'month')} are left out"
                    if criteria.exclude_reviewed_within else None]
        raise ReviewError(f"nothing to draw: {where} has no members" if members.empty else
                          f"nothing to draw: none of the {counted(len(members), 'member')} is left once "
                          f"{' and '.join(w for w in left_out if w)}")

    if criteria.hand_picked:
        chosen = [_hand_picked(members, eligible, given, criteria, reviewed_children)
                  for given in criteria.hand_picked]
        taken = set(chosen)
        order = chosen + [k for k in eligible.key if k not in taken]
        strata = {"": order}
        n = len(chosen)
    else:
        strata = {}
        for row in eligible.itertuples(index=False):
            strata.setdefault(_stratum(row, criteria.stratify), []).append(row.key)
        n = criteria.n
    by_key = {row.key: row for row in members.itertuples(index=False)}
    cases, drawn = [], 0
    for stratum in sorted(strata):
        for rank, key in enumerate(strata[stratum], start=1):
            row = by_key[key]
            picked = rank <= n
            drawn += picked
            cell = cells[int(row.position)]
            cases.append(Case(stratum, rank, drawn if picked else None, cell.indicator_id, cell.month,
                              str(row.member_type), str(row.member_id), _text(row.child_id), _text(row.worker_id),
                              _text(row.unit_id), None if _text(row.met) is None else bool(row.met)))
    return Selection(tuple(cells), criteria, seed, snapshot.version.version_id, tuple(cases),
                     _check_entity(snapshot, scope, entity))


def _stratum(row, stratify: str | None) -> str:
    if stratify == "unit":
        return _text(row.unit_id) or ""
    if stratify == "worker":
        return _text(row.worker_id) or ""
    if stratify == "met":
        return "met" if row.met else "not-met"
    return ""


def _hand_picked(members: pd.DataFrame, eligible: pd.DataFrame, given: str, criteria: Criteria,
                 reviewed: set[str]) -> str:
    """The order key of the member `given` names (member_id, or member_type:member_id), if it is eligible."""
    member_type, _, member_id = given.rpartition(":")
    named = case_text(member_type, member_id)
    found = members[(members.member_id == member_id) & ((members.member_type == member_type) | (member_type == ""))]
    if found.empty:
        raise ReviewError(f"{named} is not a member of the cell: pick from its members list")
    if len(found) > 1:
        raise ReviewError(f"{named} names members of several kinds: write TYPE:ID, e.g. "
                          f"{found.member_type.iloc[0]}:ID")
    row = found.iloc[0]
    if row.key in set(eligible.key):
        return row.key
    if criteria.only and bool(row.met) != (criteria.only == "met"):
        raise ReviewError(f"{named} is {'met' if row.met else 'not met'}, and only "
                          f"{criteria.only.replace('-', ' ')} cases were asked for")
    raise ReviewError(f"{named} is of a child picked for review in the last "
                      f"{counted(criteria.exclude_reviewed_within, 'month')}, which were to be left out")


def case_text(member_type: str, member_id: str) -> str:
    """A case as a message names it: its kind and its masked id ('episode ••••0560'), never the whole id."""
    return f"{(member_type or 'case').replace('_', ' ')} {mask_id(member_id)}"


def counted(n: int, noun: str) -> str:
    """'1 case', '21 cases' (nouns whose plural adds an s)."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def drawn_text(criteria: Criteria) -> str:
    """How the cases were drawn, in words: '5 cases at random from each unit, only not met ones'."""
    if not criteria.n:
        return "picked by hand"
    group = {"unit": " from each unit", "worker": " from each worker's cases",
             "met": " of the met and as many of the not met"}.get(criteria.stratify or "", "")
    said = f"{counted(criteria.n, 'case')} at random{group}"
    if criteria.only:
        said += f", only {criteria.only.replace('-', ' ')} ones"
    if criteria.exclude_reviewed_within:
        said += (f", leaving out children picked in the last "
                 f"{counted(criteria.exclude_reviewed_within, 'month')}")
    return said


def shortfall_text(selection: Selection, names: dict | None = None) -> str | None:
    """What happened when a group held fewer cases than were asked for, in words ('asked for 500; the cell
    holds 21: all 21 picked'); None when every group gave as many as asked (or the cases were picked by hand).
    `names`: the strata's names by id (units, workers), where known."""
    n = selection.criteria.n
    if not n:
        return None
    held: dict[str, int] = {}
    for case in selection.cases:
        held[case.stratum] = held.get(case.stratum, 0) + 1
    short = {stratum: count for stratum, count in held.items() if count < n}
    if not short:
        return None
    pool = "the cell holds" if len(selection.cells) == 1 else "the cells hold"
    if not selection.criteria.stratify:
        count = short[""]
        return f"asked for {n:,}; {pool} {counted(count, 'case')} that could be picked: all {count:,} picked"
    kind = {"unit": "unit", "worker": "worker", "met": "group"}[selection.criteria.stratify]
    which = ", ".join(f"{(names or {}).get(stratum) or stratum.replace('-', ' ')} ({count:,})"
                      for stratum, count in sorted(short.items()))
    return (f"asked for {n:,} from each {kind}; {len(short)} of the {counted(len(held), kind)} held fewer, "
            f"and all of theirs are picked: {which}")


def _worker_units(snapshot: Snapshot) -> dict:
    return snapshot.memo("worker_units", lambda: dict(snapshot.read(
        "select entity_id, unit_id from entities where level = 'worker'").itertuples(index=False, name=None)))


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) or value is pd.NA else str(value)


# -- saved selections ------------------------------------------------------------------------------------

def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the month's last day when it is shorter)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def reviewed_children_since(engine: Engine, since: dt.datetime) -> set[str]:
    """The children picked (and not eliminated) in any selection saved since `since` (UTC), in any scope:
    a child is reviewed once, whoever reviewed them."""
    query = (sa.select(review_cases.c.child_id).distinct()
             .join(review_selections, review_selections.c.id == review_cases.c.selection_id)
             .where(review_selections.c.created_at >= since, review_cases.c.draw.is_not(None),
                    review_cases.c.eliminated_at.is_(None), review_cases.c.child_id.is_not(None)))
    with engine.connect() as conn:
        return set(conn.execute(query).scalars())


def pick(snapshot: Snapshot, scope: Scope, engine: Engine, cells: list[Cell], seed: str,
         criteria: Criteria) -> Selection:
    """`draw_cases`, leaving out the children the store says were picked within
    `criteria.exclude_reviewed_within` months. Not saved (see `save_selection`)."""
    reviewed: set[str] = set()
    if criteria.exclude_reviewed_within:
        check_criteria(criteria, seed)
        reviewed = reviewed_children_since(engine, months_before(utcnow(), criteria.exclude_reviewed_within))
    return draw_cases(snapshot, scope, cells, seed, criteria, reviewed)


def _audit_detail(selection: Selection) -> dict:
    """What the audit log keeps of a draw: the cells, criteria and counts, never a case or child id."""
    return {"selection": selection.id, "entity": str(selection.entity), "version_id": selection.version_id,
            "cells": [f"{c.indicator_id} {c.month:%Y-%m}" for c in selection.cells], "seed": selection.seed,
            "criteria": selection.criteria.as_json(), "picked": len(selection.picks),
            "replacements": len(selection.replacements)}


def record_draw(engine: Engine, selection: Selection, actor: str, via: str | None = None) -> None:
    """Write a draw that was shown but not saved (a dry run) to the audit log."""
    db.record(engine, actor, DRAWN, dict(_audit_detail(selection), saved=False, via=via))


def save_selection(engine: Engine, selection: Selection, actor: str, via: str | None = None) -> Selection:
    """Save a draw made by `actor` (with its audit entry, in one transaction); the selection with its id."""
    now = utcnow()
    with engine.begin() as conn:
        selection_id = conn.execute(review_selections.insert().values(
            created_at=now, created_by=actor[:200], version_id=selection.version_id,
            entity_level=selection.entity.level, entity_id=selection.entity.entity_id,
            bureau_id=selection.entity_ids.get("bureau_id"), office_id=selection.entity_ids.get("office_id"),
            unit_id=selection.entity_ids.get("unit_id"), seed=selection.seed,
            criteria=json.dumps(selection.criteria.as_json(), sort_keys=True))).inserted_primary_key[0]
        conn.execute(review_selection_cells.insert(), [
            {"selection_id": selection_id, "position": p, "indicator_id": c.indicator_id, "month": c.month}
            for p, c in enumerate(selection.cells)])
        if selection.cases:
            conn.execute(review_cases.insert(), [
                {"selection_id": selection_id, "stratum": c.stratum, "rank": c.rank, "draw": c.draw,
                 "indicator_id": c.indicator_id, "month": c.month, "member_type": c.member_type,
                 "member_id": c.member_id, "child_id": c.child_id, "worker_id": c.worker_id,
                 "unit_id": c.unit_id, "met": c.met} for c in selection.cases])
        saved = replace(selection, id=selection_id, created_at=now, created_by=actor[:200])
        db.record_in(conn, actor, DRAWN, dict(_audit_detail(saved), saved=True, via=via))
    return load_selection(engine, scope=Scope.everything(), selection_id=selection_id)


def _owned(scope: Scope, row) -> bool:
    ids = {"bureau_id": row.bureau_id, "office_id": row.office_id, "unit_id": row.unit_id}
    return scope.case_level and scope.owns(EntityRef(row.entity_level, row.entity_id), ids)


def load_selection(engine: Engine, scope: Scope, selection_id: int) -> Selection:
    """A saved selection, with its cases and eliminations. The reader's scope must own its entity
    (`OutsideScope`, alike for a selection that does not exist)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(review_selections).where(review_selections.c.id == selection_id)).first()
        if row is None or not _owned(scope, row):
            raise OutsideScope(f"there is no selection {selection_id} that you may see ({scope.describe()})")
        cells = conn.execute(sa.select(review_selection_cells)
                             .where(review_selection_cells.c.selection_id == selection_id)
                             .order_by(review_selection_cells.c.position)).all()
        cases = conn.execute(sa.select(review_cases).where(review_cases.c.selection_id == selection_id)
                             .order_by(review_cases.c.stratum, review_cases.c.rank)).mappings().all()
    entity = EntityRef(row.entity_level, row.entity_id)
    return Selection(
        tuple(Cell(c.indicator_id, c.month, entity) for c in cells), Criteria.from_json(json.loads(row.criteria)),
        row.seed, row.version_id,
        tuple(Case(**{k: v for k, v in c.items() if k != "selection_id"}) for c in cases),
        {"bureau_id": row.bureau_id, "office_id": row.office_id, "unit_id": row.unit_id},
        row.id, row.created_at, row.created_by)


def list_selections(engine: Engine, scope: Scope, limit: int = 100, snapshot: Snapshot | None = None) -> list[dict]:
    """The newest saved selections whose entity the reader's scope owns: id, when, who, entity, cells; with
    `snapshot`, also `label`, the selection in words (`describe_cells`). Raises `OutsideScope` for a reader
    without case-level access."""
    if not scope.case_level:
        raise OutsideScope("selections of cases for review are case-level records, which your access does "
                           "not include")
    query = sa.select(review_selections).order_by(review_selections.c.id.desc()).limit(limit)
    if scope.level != "department":  # the entity's ancestry holds its own id too (see `ancestry`)
        query = query.where(review_selections.c[f"{scope.level}_id"] == scope.entity_id)
    with engine.connect() as conn:
        owned = [r for r in conn.execute(query).all() if _owned(scope, r)]
        cells = conn.execute(sa.select(review_selection_cells).where(
            review_selection_cells.c.selection_id.in_([r.id for r in owned]))
            .order_by(review_selection_cells.c.position)).all() if owned else []
    by_selection: dict[int, list[str]] = {}
    keys: dict[int, list[tuple[str, dt.date]]] = {}
    for c in cells:
        by_selection.setdefault(c.selection_id, []).append(f"{c.indicator_id} {c.month:%Y-%m}")
        keys.setdefault(c.selection_id, []).append((c.indicator_id, c.month))
    found = [{"id": r.id, "created_at": r.created_at, "created_by": r.created_by,
              "entity": str(EntityRef(r.entity_level, r.entity_id)), "cells": by_selection.get(r.id, []),
              "seed": r.seed, "version_id": r.version_id} for r in owned]
    if snapshot is not None:
        indicators, places = _names(snapshot, [EntityRef(r.entity_level, r.entity_id) for r in owned])
        for row, r in zip(found, owned):
            row["label"] = (f"Selection {r.id}: " + describe_cells(keys.get(r.id, []), EntityRef(
                r.entity_level, r.entity_id), indicators, places) + f", saved {r.created_at:%-d %B %Y}")
    return found


def _names(snapshot: Snapshot | None, refs) -> tuple[dict, dict]:
    """Indicator names by id and entity names by ref, as `snapshot` gives them (empty without one)."""
    if snapshot is None:
        return {}, {}
    return indicator_names(snapshot), entity_names(snapshot, refs)


def describe_cells(cells, entity: EntityRef, indicators: dict, places: dict) -> str:
    """Cells of one entity in words: 'Timely contacts: cases, October 2026, Alder Office' (names as
    `indicators` and `places` give them, ids in words where they do not). `cells`: (indicator_id, month)."""
    names = list(dict.fromkeys(indicators.get(i, i.replace("_", " ")) for i, _month in cells))
    months = list(dict.fromkeys(f"{month:%B %Y}" for _i, month in cells))
    return ", ".join([part for part in (_listed(names), _listed(months)) if part] + [place_text(entity, places)])


def _listed(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def describe_selection(snapshot: Snapshot | None, selection: Selection) -> str:
    """'Selection 3: Timely contacts: cases, October 2026, Alder Office' (`describe_cells`)."""
    indicators, places = _names(snapshot, [selection.entity])
    return (f"Selection {selection.id}: " +
            describe_cells([(c.indicator_id, c.month) for c in selection.cells], selection.entity, indicators,
                           places))


def eliminate(engine: Engine, scope: Scope, selection_id: int, member_id: str, reason: str, note: str,
              actor: str, reasons: EliminationReasons, via: str | None = None) -> tuple[Case, Case | None]:
    """Set aside the picked case `member_id` (or member_type:member_id) of a saved selection, for `reason`
    (an id of `reasons`) with a `note`; the next case of its stratum's replacement list is picked in its
    place. Returns the eliminated case and its replacement (None when the stratum has none left)."""
    label = reasons.label(reason)
    note = (note or "").strip()
    if not note:
        raise ReviewError("an elimination needs a note saying why the reason applies")
    if len(note) > 2000:
        raise ReviewError("the note is longer than 2,000 characters: say it in fewer")
    problem = text_problem("the note", note, one_line=False)
    if problem:
        raise ReviewError(problem)
    selection = load_selection(engine, scope, selection_id)
    member_type, _, bare_id = member_id.rpartition(":")
    found = [c for c in selection.picks if c.member_id == bare_id and member_type in ("", c.member_type)]
    named = case_text(found[0].member_type if len(found) == 1 else member_type, bare_id)
    if not found:
        raise ReviewError(f"{named} is not among the cases picked in selection {selection_id}")
    if len(found) > 1:
        raise ReviewError(f"{named} names cases of several kinds: write TYPE:ID")
    case = found[0]
    if case.eliminated:
        raise ReviewError(f"{named} was already eliminated from selection {selection_id} "
                          f"({case.elimination_label})")
    now = utcnow()
    with engine.begin() as conn:
        # A review begun is work done: the case stays (an assigned one, not begun, may still go).
        begun = conn.execute(sa.select(db.case_reviews.c.status).where(
            db.case_reviews.c.case_id == case.id, db.case_reviews.c.status != "assigned")).scalar()
        if begun is not None:
            raise ReviewError(f"{named} has a review {begun}: a case whose review has begun is not eliminated")
        done = conn.execute(review_cases.update().where(review_cases.c.id == case.id,
                                                        review_cases.c.eliminated_at.is_(None)).values(
            eliminated_at=now, eliminated_by=actor[:200], elimination_reason=reason, elimination_label=label,
            elimination_note=note))
        if done.rowcount != 1:  # someone else eliminated it meanwhile
            raise ReviewError(f"{named} was eliminated from selection {selection_id} meanwhile")
        following = conn.execute(
            sa.select(review_cases.c.id).where(review_cases.c.selection_id == selection_id,
                                               review_cases.c.stratum == case.stratum,
                                               review_cases.c.draw.is_(None))
            .order_by(review_cases.c.rank).limit(1)).scalar()
        replacement_draw = None
        if following is not None:
            replacement_draw = conn.execute(sa.select(sa.func.max(review_cases.c.draw)).where(
                review_cases.c.selection_id == selection_id)).scalar() + 1
            taken = conn.execute(review_cases.update().where(review_cases.c.id == following,
                                                             review_cases.c.draw.is_(None))
                                 .values(draw=replacement_draw, replaces=case.id))
            if taken.rowcount != 1:  # another elimination took it meanwhile: this one is undone
                raise ReviewError(f"selection {selection_id} changed meanwhile: eliminate {named} again")
        db.record_in(conn, actor, ELIMINATED, {
            "selection": selection_id, "draw": case.draw, "stratum": case.stratum, "reason": reason,
            "replacement_draw": replacement_draw, "via": via})
    after = {c.id: c for c in load_selection(engine, scope, selection_id).cases}
    return after[case.id], (after[following] if following is not None else None)


# -- elimination reasons ---------------------------------------------------------------------------------

DEFAULT_REASONS_PATH = Path(__file__).resolve().parent.parent / "reviews" / "elimination_reasons.toml"
REASON_FIELDS = ("id", "label")
REASON_ID = re.compile(r"^[a-z][a-z0-9_]{0,99}$")


@dataclass(frozen=True)
class EliminationReasons:
    path: Path
    reasons: tuple[tuple[str, str], ...]  # (id, label), in the file's order

    def label(self, reason_id: str) -> str:
        """The words of `reason_id`; `ReviewError` naming the reasons there are when it is not one."""
        for ident, label in self.reasons:
            if ident == reason_id:
                return label
        raise ReviewError(f"{reason_id!r} is not an elimination reason; the reasons are: "
                          f"{', '.join(f'{i} ({label})' for i, label in self.reasons)}")


class ReasonsError(toml_file.FileProblems):
    """The elimination reasons file cannot be used; `problems` lists every reason, each with file and line."""
    what = "the elimination reasons file"
    check = "nothing was loaded. Fix it (`statboard reviews reasons`) and try again."


def load_elimination_reasons(path: Path | str | None = None) -> EliminationReasons:
    """Read and validate an elimination reasons file (the default one when `path` is None), reporting
    every problem at once."""
    path = Path(path) if path is not None else DEFAULT_REASONS_PATH
    _data, text, document = toml_file.read(path, DEFAULT_REASONS_PATH, "STATBOARD_ELIMINATION_REASONS", ReasonsError)
    problems = toml_file.top_level_problems(path, document, ("version", "reason"))
    entries = document.get("reason")
    if not isinstance(entries, list) or not entries:
        raise ReasonsError(path, problems + [f"{path}: no [[reason]] entries"])
    lines = toml_file.entry_lines(text, "reason")
    reasons, seen = [], {}
    for position, entry in enumerate(entries):
        line = toml_file.entry_line(lines, entries, position)
        where = f"{path}, line {line}" if line else f"{path}, entry {position + 1}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: a reason must be a table with fields {', '.join(REASON_FIELDS)}")
            continue
        found = [f"{where}: unknown field {key!r}; allowed: {', '.join(REASON_FIELDS)}"
                 for key in entry if key not in REASON_FIELDS]
        ident, label = entry.get("id"), entry.get("label")
        if ident is None:
            found.append(f"{where}: missing field 'id' (a short name: lower-case letters, digits, underscores)")
        elif not isinstance(ident, str) or not REASON_ID.fullmatch(ident):
            found.append(f"{where}: id {ident!r} must be lower-case letters, digits and underscores, "
                         "starting with a letter, e.g. sibling_in_sample")
        elif ident in seen:
            found.append(f"{where}: the id {ident!r} is already used on line {seen[ident]}; ids must be unique")
        else:
            seen[ident] = line or position + 1
        if label is None:
            found.append(f"{where}: missing field 'label' (the reason in words)")
        elif not isinstance(label, str) or not label.strip() or len(label) > 300:
            found.append(f"{where}: label must be text of 1 to 300 characters")
        problems.extend(found)
        if not found:
            reasons.append((ident, label.strip()))
    if problems:
        raise ReasonsError(path, problems)
    return EliminationReasons(path, tuple(reasons))
