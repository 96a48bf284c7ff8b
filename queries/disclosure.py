"""What a small-cell reader (a viewer) may be sent, so that a hidden cell cannot be worked out.

The rule, applied to everything a viewer receives (pages, callbacks, hover text, downloads):

1. Values only, rounded to the precision a page shows (`PRECISION`): never a numerator or a
   denominator, never more digits than the screen has (84.21052631578948 is 16/19 and nothing else).
2. Primary suppression: a cell whose numerator or denominator is from 1 to `small_cell_min - 1` is
   hidden (`Scope.suppress`).
3. Complementary suppression: the cells of an organisation add up -- a parent's numerator and
   denominator are the sums of its children's. So in every such sum (a parent and its children at the
   next level, one indicator, one month) no hidden cell may stand alone: where exactly one of the terms
   is hidden, one more is hidden too (the visible child with the fewest members, else the parent), until
   every sum has none or at least two hidden terms. In a tree of sums that is enough: no combination of
   them isolates one hidden cell, even for someone who knew every visible cell's numbers exactly.
4. A proportion of 0% or 100% (a rate of 0) says the same of every cell below it, so one with a hidden
   cell below it is hidden too (and rule 3 applies to it in turn).
5. A provider's cells are hidden by rule 2, and never one alone among the providers of one indicator
   and month (`among_providers`). The department holds every provider's members, so a department at 0% or
   100% beside a hidden provider cell is hidden too (`beside_providers`), as rule 4 hides a parent.
6. Indicators that count the same members share one pattern (`DENOMINATOR_FAMILIES`): `entries` is the
   denominator of `entry_timely_tdm`, so a cell hidden in one is hidden in the other, and a hidden count
   cannot come back as the other's denominator.

The pattern depends on the whole organisation in one month, not on the rows a page happens to show, so
it is computed for a (family, month) at a time and kept for the data version (`Snapshot.memo`).
Months are not linked by sums (a month's cohort is not last month's plus a known change), so each month
stands alone.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd

from measures.build import PROVIDER
from measures.definitions import DENOMINATOR_FAMILIES
from access.scope import DEPARTMENT_ID, LEVELS, Scope
from queries.warehouse import Snapshot

PARENT_LEVEL = {"worker": "unit", "unit": "office", "office": "bureau", "bureau": "department"}

# Decimal places of a value as pages show it (display/format.py), by kind. A median of whole days is
# a whole number or a half.
PRECISION = {"proportion": 1, "rate": 2, "median": 1, "count": 0}


def _round(value: float, decimals: int) -> float:
    """`value` to `decimals` places, rounded as `format_value` rounds it (the same text, read back)."""
    return value if np.isnan(value) else float(f"{value:.{decimals}f}")


def rounded(values: pd.Series, kind: str) -> pd.Series:
    """`values` to the precision shown for `kind`."""
    return values.astype("float64").map(lambda v: _round(v, PRECISION[kind]))


def family_of(indicator_id: str, catalogue_ids) -> tuple[str, ...]:
    """The indicators of the catalogue that share `indicator_id`'s suppression pattern (itself included)."""
    for family in DENOMINATOR_FAMILIES:
        if indicator_id in family:
            return tuple(i for i in family if i in set(catalogue_ids))
    return (indicator_id,)


def complementary(nodes: pd.DataFrame) -> set[tuple[str, str]]:
    """The (level, entity_id) hidden in one month of one family: the small ones, then complementary ones.

    `nodes`: one row per entity with a cell that month -- `level`, `entity_id`, `parent_level` and
    `parent_id` (None for the department), `small` (a primary suppression), `size` (its members, to
    choose the complementary cell that hides least) and `extreme` (a proportion or rate whose numerator
    is 0 or all of its denominator: every cell below it is then 0% or 100% too, so it gives away the
    value of any hidden cell below it and is hidden with them). An entity without a cell has no members:
    a known zero, never a hidden term.
    """
    if not nodes.small.any():
        return set()
    # Fewest members first, then by id: the complementary cell chosen is the same every time.
    nodes = nodes.sort_values(["size", "entity_id"], kind="stable")
    keys = list(zip(nodes.level.tolist(), nodes.entity_id.tolist()))
    parents = list(zip(nodes.parent_level.tolist(), nodes.parent_id.tolist()))
    hidden = {key for key, small in zip(keys, nodes.small.tolist()) if small}
    extreme = {key for key, flag in zip(keys, nodes.extreme.tolist()) if flag}
    kids: dict[tuple, list] = defaultdict(list)   # a sum's terms: the children of `parent` ...
    parent_of: dict[tuple, tuple] = {}
    for key, parent in zip(keys, parents):
        if isinstance(parent[0], str):  # the department has no parent
            kids[parent].append(key)
            parent_of[key] = parent
    present = set(keys)
    bottom_up = sorted(keys, key=lambda key: -LEVELS.index(key[0]))
    # ... and the parent itself. Each entity stands in at most two sums: its parent's and its own.
    terms = {parent: children + ([parent] if parent in present else []) for parent, children in kids.items()}
    pending = [p for p in terms if any(t in hidden for t in terms[p])]
    while pending:
        while pending:
            parent = pending.pop()
            if sum(t in hidden for t in terms[parent]) != 1:
                continue
            extra = next((t for t in terms[parent] if t not in hidden), None)  # the kids first, the parent last
            if extra is None:
                continue
            hidden.add(extra)
            pending.extend(s for s in (parent, parent_of.get(extra), extra) if s in terms)
        above_hidden = set()
        for key in bottom_up:
            if key in parent_of and (key in hidden or key in above_hidden):
                above_hidden.add(parent_of[key])
        for key in extreme & above_hidden - hidden:
            hidden.add(key)
            pending.extend(s for s in (parent_of.get(key), key) if s in terms)
    return hidden


def among_providers(nodes: pd.DataFrame) -> set[tuple[str, str]]:
    """The provider cells hidden in one month of one family: the small ones, and never one alone.

    Providers are not a level of the organisation: their cells do not add up to the department's (members
    with no provider are in no provider's cell, and that remainder is published nowhere). But an agency
    whose every member has a provider makes them add up, so where exactly one provider's cell is small,
    the provider with the fewest members among the others is hidden too (`nodes` as `complementary`).
    """
    if not nodes.small.any():
        return set()
    nodes = nodes.sort_values(["size", "entity_id"], kind="stable")
    keys = list(zip(nodes.level.tolist(), nodes.entity_id.tolist()))
    hidden = {key for key, small in zip(keys, nodes.small.tolist()) if small}
    if len(hidden) == 1:
        hidden |= set([key for key in keys if key not in hidden][:1])
    return hidden


def beside_providers(organisation: pd.DataFrame, hidden_providers: set) -> pd.DataFrame:
    """The organisation's `nodes` of one month of one family, with the department's cell marked small when it is
    0% or 100% (a rate of 0) and a provider's cell is hidden: every provider's members are the department's, so
    its value would be the hidden provider's too (rule 4, with the department above the providers). Rule 3 then
    hides another cell beside it."""
    if not hidden_providers or organisation.empty:
        return organisation
    extreme = (organisation.level == "department") & organisation.extreme
    return organisation.assign(small=organisation.small | extreme) if extreme.any() else organisation


def _patterns(snapshot: Snapshot, small_cell_min: int, wanted: dict[tuple[str, ...], set]) -> dict:
    """{family: {month: `complementary`}} for the months `wanted` of each family, each computed once per
    data version and minimum, in one read for whatever is not computed yet."""
    memo = {family: snapshot.memo(f"disclosure:{small_cell_min}:{','.join(family)}", dict) for family in wanted}
    missing = {family: sorted(m for m in months if m not in memo[family]) for family, months in wanted.items()}
    missing = {family: months for family, months in missing.items() if months}
    if missing:
        params: dict = {"below": small_cell_min - 1}
        choices, all_ids, all_dates = [], [], []
        for n, (family, months) in enumerate(missing.items()):
            ids = [f"f{n}i{k}" for k in range(len(family))]
            dates = [f"f{n}m{k}" for k in range(len(months))]
            params.update(zip(ids, family))
            params.update(zip(dates, months))
            params[f"f{n}"] = n
            all_ids += ids
            all_dates += dates
            choices.append(f"when c.indicator_id in ({', '.join(':' + i for i in ids)}) "
                           f"and c.month in ({', '.join(':' + d for d in dates)}) then :f{n}")
        frame = snapshot.read(f"""
            -- each entity's cell in a family of indicators and a month: is it small, how many members,
            -- is it 0% or 100% (a rate of 0)
            select f.family, f.month, f.level, f.entity_id,
                   max(case when f.numerator between 1 and :below or f.denominator between 1 and :below
                            then 1 else 0 end) as small,
                   max(f.denominator) as size,
                   max(case when i.kind in ('proportion', 'rate')
                                 and (f.numerator = 0 or f.numerator = f.denominator) then 1 else 0 end)
                       as extreme,
                   max(case f.level when 'worker' then e.unit_id when 'unit' then e.office_id
                                    when 'office' then e.bureau_id when 'bureau' then '{DEPARTMENT_ID}' end)
                       as parent_id
            from (select case {' '.join(choices)} end as family, c.*
                  from cells c
                  where c.indicator_id in ({', '.join(':' + i for i in all_ids)})
                    and c.month in ({', '.join(':' + d for d in all_dates)})) f
            left join entities e on e.level = f.level and e.entity_id = f.entity_id  -- none for a provider
            join indicators i on i.indicator_id = f.indicator_id
            where f.family is not null
            group by f.family, f.month, f.level, f.entity_id""", params)
        frame["month"] = pd.to_datetime(frame.month).dt.date
        frame["small"] = frame.small == 1
        frame["extreme"] = frame.extreme == 1
        frame["parent_level"] = frame.level.map(PARENT_LEVEL)
        frame["parent_id"] = frame.parent_id.astype(object).where(frame.parent_id.notna(), None)
        groups = dict(tuple(frame.groupby(["family", "month"])))
        empty = frame.iloc[0:0]
        for n, (family, months) in enumerate(missing.items()):
            for m in months:
                nodes = groups.get((n, m), empty)
                providers = nodes.level == PROVIDER
                hidden_providers = among_providers(nodes[providers])
                memo[family][m] = complementary(beside_providers(nodes[~providers], hidden_providers)) | \
                    hidden_providers
    return {family: memo[family] for family in wanted}


def for_reader(snapshot: Snapshot, scope: Scope, frame: pd.DataFrame, *,
               indicator_id: str | None = None, month: dt.date | None = None, level: str | None = None,
               entity_id: str | None = None, prefix: str = "", status: str | None = "status") -> pd.DataFrame:
    """`frame` as `scope` may receive it: unchanged for a scope without a small-cell minimum; else with the
    hidden cells emptied (status `suppressed`), no numerators or denominators, and values rounded.

    Each row names a cell by `indicator_id`, `month`, `level` and `entity_id`: columns of `frame`, or the
    arguments of the same names where every row shares one. `prefix` and `status` name another month's
    columns, as `Scope.suppress` reads them.
    """
    if not scope.small_cell_min or frame.empty:
        return frame
    keys = pd.DataFrame({
        name: (frame[name] if name in frame else pd.Series([given] * len(frame), index=frame.index))
        for name, given in (("indicator_id", indicator_id), ("month", month), ("level", level),
                            ("entity_id", entity_id))})
    keys["month"] = pd.to_datetime(keys.month).dt.date
    kinds = snapshot.memo("indicator_kinds", lambda: dict(
        snapshot.read("select indicator_id, kind from indicators").itertuples(index=False, name=None)))
    families = {indicator: family_of(indicator, list(kinds)) for indicator in set(keys.indicator_id)}
    wanted: dict[tuple, set] = defaultdict(set)
    for indicator, m in set(zip(keys.indicator_id, keys.month)):
        wanted[families[indicator]].add(m)
    patterns = _patterns(snapshot, scope.small_cell_min, wanted)
    hidden = pd.Series([(lv, e) in patterns[families[i]][m]
                        for i, m, lv, e in zip(keys.indicator_id, keys.month, keys.level, keys.entity_id)],
                       index=frame.index, dtype=bool)
    frame = scope.suppress(frame, prefix, status, also=hidden)
    value = f"{prefix}value" if f"{prefix}value" in frame else prefix.rstrip("_")
    decimals = keys.indicator_id.map(kinds).map(PRECISION)
    frame[value] = [_round(v, d) for v, d in zip(frame[value].astype("float64"), decimals)]
    return frame


