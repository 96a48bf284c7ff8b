"""The indicators as pages and exports read them: cells from the materialised table, members on demand.

Every function takes the reader's `Scope` and reads only inside it. Errors a
user can cause (an unknown month, indicator or entity, a parent below the
level asked for) raise `ScorecardQueryError` with a message that says what to
ask for instead; a request outside the reader's scope raises `OutsideScope`.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import pandas as pd

from measures.build import PROVIDER, members_sql, provider_members_sql
from queries.disclosure import for_reader
from access.params import param_text, shown
from access.scope import (DEPARTMENT, DEPARTMENT_ID, LEVELS, EntityRef, OutsideScope, Scope, ScorecardQueryError,
                          ancestry)
from queries.warehouse import Snapshot

SCORECARD_COLUMNS = ["indicator_id", "month", "level", "entity_id", "entity_name", "numerator", "denominator",
                     "value", "status"]
MEMBER_COLUMNS = ["indicator_id", "month", "member_type", "member_id", "child_id", "worker_id", "numerator",
                  "denominator"]
DETAIL_COLUMNS = ["worker_name", "unit_id", "unit_name", "start_date", "end_date"]
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> dt.date:
    """`YYYY-MM` -> the first day of that month; the year from 1000 (four digits, and room to count back)."""
    m = MONTH.fullmatch(param_text("month", text, ScorecardQueryError) or "")
    if not m or not text.isascii() or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1000:
        raise ScorecardQueryError(f"month {shown(text)} is not a month: write YYYY-MM, e.g. 2024-06")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def parse_entity(text: str, providers: bool = False) -> EntityRef:
    """`LEVEL:ID` (e.g. `office:O004`), or `department`; with `providers`, also `provider:ID` (where a provider
    may stand: the members behind a provider's cell)."""
    level, _, entity_id = (param_text("an entity", text, ScorecardQueryError) or "").partition(":")
    if providers and level == PROVIDER:
        if not entity_id:
            raise ScorecardQueryError(f"{text!r} needs an id: write provider:ID, e.g. provider:FFA07")
        return EntityRef(PROVIDER, entity_id)
    if level not in LEVELS:
        levels = LEVELS + ((PROVIDER,) if providers else ())
        raise ScorecardQueryError(f"{shown(text)} does not name an entity: write LEVEL:ID with LEVEL one of "
                                  f"{', '.join(levels)}, e.g. office:O004")
    if level == "department":
        if entity_id not in ("", DEPARTMENT_ID):
            raise ScorecardQueryError(f"the department's id is {DEPARTMENT_ID!r}: write department or department:all")
        return EntityRef("department", DEPARTMENT_ID)
    if not entity_id:
        raise ScorecardQueryError(f"{text!r} needs an id: write {level}:ID")
    return EntityRef(level, entity_id)


def report_months(snapshot: Snapshot) -> list[dt.date]:
    """The months this data version reports, oldest first."""
    return snapshot.memo("report_months", lambda: [
        pd.Timestamp(m).date() for m in snapshot.read("select month from report_months order by month").month])


def indicator_catalogue(snapshot: Snapshot) -> pd.DataFrame:
    """The catalogue this data version was computed with, in catalogue order."""
    def read():
        frame = snapshot.read("select * from indicators order by position")
        frame["questions"] = frame.questions.map(json.loads)
        return frame
    return snapshot.memo("indicators", read).copy()


def _check_month(snapshot: Snapshot, month: dt.date) -> None:
    months = report_months(snapshot)
    if month not in set(months):
        span = f"from {months[0]:%Y-%m} to {months[-1]:%Y-%m}" if months else "none: the extract has no complete month"
        raise ScorecardQueryError(f"no indicators for {month:%Y-%m}: the months of the data as of "
                                  f"{snapshot.version.as_of} are {span}")


def _check_indicators(snapshot: Snapshot, indicator_ids) -> list[str]:
    known = indicator_catalogue(snapshot).indicator_id.tolist()
    unknown = [i for i in indicator_ids if i not in known]
    if unknown:
        raise ScorecardQueryError(f"unknown indicator(s) {', '.join(map(repr, unknown))}; "
                                  f"the catalogue has: {', '.join(known)}")
    return list(indicator_ids)


def _check_entity(snapshot: Snapshot, scope: Scope, entity: EntityRef) -> dict:
    """`entity` exists and the reader may see its aggregates; its `ancestry` ids."""
    found = snapshot.read("select bureau_id, office_id, unit_id from entities "
                          "where level = :level and entity_id = :id",
                          {"level": entity.level, "id": entity.entity_id})
    return _check_found(snapshot, scope, entity, None if found.empty else found.iloc[0].to_dict())


def _check_found(snapshot: Snapshot, scope: Scope, entity: EntityRef, row) -> dict:
    """`row` (the entity's bureau_id, office_id, unit_id, or None when not found) exists and the reader
    may see its aggregates; returns its `ancestry` ids."""
    if row is None and scope.level == "department":
        raise ScorecardQueryError(f"there is no {entity.level} {entity.entity_id!r} in the data as of "
                                  f"{snapshot.version.as_of}")
    ids = ancestry(entity.level, entity.entity_id, row or {})
    # A missing entity and one outside the scope answer alike: which ids exist is not for a scoped reader.
    if row is None or not scope.reads(entity, ids):
        raise OutsideScope(f"{entity.words} is outside what you may see ({scope.describe()}); "
                           f"start from {scope.root.words}")
    return ids


def _check_listing(scope: Scope, parent: EntityRef, ids: dict, level: str) -> None:
    """The reader may see `parent` and every entity of `level` under it (no listing is silently partial)."""
    if not scope.reads_all(parent, ids, level):
        raise OutsideScope(f"the {level}s under {parent.words} are outside what you may see "
                           f"({scope.describe()}); choose a parent inside {scope.root.words}")


def _check_owned(scope: Scope, entity: EntityRef, ids: dict, what: str) -> None:
    """Case-level reads: the reader's access includes them and `entity` is inside their own subtree."""
    if not scope.case_level:
        raise OutsideScope(f"{what} shows case-level records, which your access does not include")
    if not scope.owns(entity, ids):
        raise OutsideScope(f"{what} for {entity.words} is outside your own part of the organisation "
                           f"({scope.root.words}): case-level records are only ever listed inside it")


def scorecard(snapshot: Snapshot, scope: Scope, month: dt.date, level: str, parent: EntityRef | None = None,
              indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """One month's cells for every entity of `level` (under `parent`), in catalogue then entity order.

    Columns as the scorecard export (`SCORECARD_COLUMNS`); entities with no members have no row.
    `level` may also be `provider`: the providers' cells (`provider_scorecard`).
    """
    if level == PROVIDER:
        return provider_scorecard(snapshot, scope, month, parent, indicator_ids)
    if level not in LEVELS:
        raise ScorecardQueryError(f"level {level!r} is not one of {', '.join(LEVELS + (PROVIDER,))}")
    _check_month(snapshot, month)
    conditions = ["c.month = :month", "c.level = :level"]
    params: dict = {"month": month, "level": level}
    if parent is not None and LEVELS.index(parent.level) >= LEVELS.index(level):
        raise ScorecardQueryError(f"--parent {parent} is not above the level {level!r}: give a "
                                  f"{' or '.join(LEVELS[:LEVELS.index(level)]) or 'higher level'}")
    listed_under = parent or DEPARTMENT
    _check_listing(scope, listed_under, _check_entity(snapshot, scope, listed_under), level)
    if parent is not None:
        if parent.level != "department":
            conditions.append(f"e.{parent.level}_id = :parent_id")  # the level is from LEVELS, not typed in
            params["parent_id"] = parent.entity_id
    if indicator_ids:
        ids = _check_indicators(snapshot, indicator_ids)
        names = [f"i{n}" for n in range(len(ids))]
        conditions.append(f"c.indicator_id in ({', '.join(':' + n for n in names)})")
        params.update(zip(names, ids))
    scope_sql, scope_params = scope.entity_filter("e")
    conditions.append(scope_sql)
    params.update(scope_params)
    frame = snapshot.read(f"""
        select c.indicator_id, c.month, c.level, c.entity_id, e.entity_name, c.numerator, c.denominator,
               c.value, c.status
        from cells c
        join entities e on e.level = c.level and e.entity_id = c.entity_id
        join indicators i on i.indicator_id = c.indicator_id
        where {' and '.join(conditions)}
        order by i.position, c.entity_id""", params)
    return for_reader(snapshot, scope, frame.reindex(columns=SCORECARD_COLUMNS))


def provider_names(snapshot: Snapshot) -> dict[str, str]:
    """{provider_id: provider_name} of the data version (none before the extract could name providers)."""
    def read():
        if snapshot.read(f"select count(*) as n from cells where level = '{PROVIDER}'").n[0] == 0:
            return {}  # also a version loaded before providers existed, which has no providers table
        return dict(snapshot.read("select provider_id, provider_name from providers")
                    .itertuples(index=False, name=None))
    return snapshot.memo("provider_names", read)


def provider_scorecard(snapshot: Snapshot, scope: Scope, month: dt.date, parent: EntityRef | None = None,
                       indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """One month's cells of every provider with members, in catalogue then provider_id order.

    Columns as `scorecard`, `level` `provider`, `entity_id` the provider_id and `entity_name` its name.
    Providers stand beside the organisation, not in it: they are read with the whole department's scope
    (a reader scoped to a part of the organisation reads none), and only under the department. A provider's
    own staff (a provider scope) read their own provider's cells only, exact: they are its own.
    """
    if parent is not None and parent.level != "department":
        raise ScorecardQueryError(f"providers are not under {parent.words}: they serve the whole department; "
                                  "leave out the parent, or give the department")
    if scope.level != "department" and not scope.is_provider:
        raise OutsideScope(f"the providers' cells are outside what you may see ({scope.describe()}): they "
                           "are read with access to the whole department")
    _check_month(snapshot, month)
    conditions = ["c.month = :month", f"c.level = '{PROVIDER}'"]
    params: dict = {"month": month}
    if scope.is_provider:
        conditions.append("c.entity_id = :own")
        params["own"] = scope.entity_id
    if indicator_ids:
        ids = _check_indicators(snapshot, indicator_ids)
        names = [f"i{n}" for n in range(len(ids))]
        conditions.append(f"c.indicator_id in ({', '.join(':' + n for n in names)})")
        params.update(zip(names, ids))
    frame = snapshot.read(f"""
        select c.indicator_id, c.month, c.level, c.entity_id, c.numerator, c.denominator, c.value, c.status
        from cells c
        join indicators i on i.indicator_id = c.indicator_id
        where {' and '.join(conditions)}
        order by i.position, c.entity_id""", params)
    frame["entity_name"] = frame.entity_id.map(provider_names(snapshot))
    frame = frame.reindex(columns=SCORECARD_COLUMNS)
    return frame if scope.is_provider else for_reader(snapshot, scope, frame)


def members_behind_cell(snapshot: Snapshot, scope: Scope, indicator_id: str, month: dt.date,
                        entity: EntityRef | None = None, details: bool = False) -> pd.DataFrame:
    """The members of one indicator in one month (for one entity's subtree), computed now from the extract.

    Case-level records: the scope must allow them. Columns as the members export (`MEMBER_COLUMNS`); with
    `details`, also `DETAIL_COLUMNS`: the worker's name, unit and unit name, and the member's key dates
    (a referral's receipt and first contact, an episode's removal and discharge, a case's opening and
    closing; none for a child).
    """
    if not scope.case_level:
        raise OutsideScope("listing members shows case-level records, which your access does not include")
    if entity is not None and entity.level == PROVIDER:
        return _provider_members(snapshot, scope, indicator_id, month, entity.entity_id, details)
    _check_indicators(snapshot, [indicator_id])
    _check_month(snapshot, month)
    entity = entity or DEPARTMENT
    _check_owned(scope, entity, _check_entity(snapshot, scope, entity), "listing members")
    conditions = []
    params: dict = {"month": month}
    if entity.level != "department":
        column = "entity_id" if entity.level == "worker" else f"{entity.level}_id"
        conditions.append(f"w.{column} = :entity_id")
        params["entity_id"] = entity.entity_id
    scope_sql, scope_params = scope.owned_filter("w")  # never wider than the check above
    conditions.append(scope_sql)
    params.update(scope_params)
    one_month = "(select month, me from report_months where month = :month) as report_month"
    members = members_sql(snapshot.backend.dialect, indicator_id, one_month)
    extra, joins = "", ""
    if details:
        extra = """, w.entity_name as worker_name, w.unit_id, u.entity_name as unit_name,
               coalesce(cast(r.received_at as date), e.removal_date, h.opened_date) as start_date,
               coalesce(cast(r.first_contact_at as date), e.discharge_date, h.closed_date) as end_date"""
        joins = """
        left join entities u on u.level = 'unit' and u.entity_id = w.unit_id
        -- each member's own record, for its key dates
        left join referrals r on m.member_type = 'referral' and r.referral_id = m.member_id
        left join episodes e on m.member_type = 'episode' and e.episode_id = m.member_id
        left join in_home_cases h on m.member_type = 'in_home_case' and h.case_id = m.member_id"""
    frame = snapshot.read(f"""
        select m.month, m.member_type, m.member_id, m.child_id, m.worker_id, m.numerator, m.denominator{extra}
        from (
        {members}
        ) m
        join entities w on w.level = 'worker' and w.entity_id = m.worker_id{joins}
        where {' and '.join(conditions)}
        order by m.member_type, m.member_id""", params)
    frame.insert(0, "indicator_id", indicator_id)
    return frame.reindex(columns=MEMBER_COLUMNS + (DETAIL_COLUMNS if details else []))


def _provider_members(snapshot: Snapshot, scope: Scope, indicator_id: str, month: dt.date, provider_id: str,
                      details: bool) -> pd.DataFrame:
    """The members behind one provider's cell: those `provider_members_sql` attributes to it, as the cell sums
    them. The scope is checked before the data version, so a provider's staff asking for another provider learn
    nothing, not even whether it exists. A provider's staff get no worker or unit of the organisation's (they
    read none of it); the whole department's readers get them as for any cell."""
    provider_id = str(provider_id or "")
    if not scope.reads_provider(provider_id):
        raise OutsideScope(f"the members of provider {provider_id[:40]} are outside what you may see "
                           f"({scope.describe()})")
    _check_indicators(snapshot, [indicator_id])
    _check_month(snapshot, month)
    if provider_id not in provider_names(snapshot):
        raise ScorecardQueryError(f"there is no provider {provider_id[:40]!r} in the data as of "
                                  f"{snapshot.version.as_of}: the providers page lists those it has")
    one_month = "(select month, me from report_months where month = :month) as report_month"
    members = provider_members_sql(snapshot.backend.dialect, indicator_id, one_month)
    extra, joins = "", ""
    if details:
        extra = """, w.entity_name as worker_name, w.unit_id, u.entity_name as unit_name,
               coalesce(cast(r.received_at as date), e.removal_date, h.opened_date) as start_date,
               coalesce(cast(r.first_contact_at as date), e.discharge_date, h.closed_date) as end_date"""
        joins = """
        left join entities w on w.level = 'worker' and w.entity_id = m.worker_id
        left join entities u on u.level = 'unit' and u.entity_id = w.unit_id
        -- each member's own record, for its key dates
        left join referrals r on m.member_type = 'referral' and r.referral_id = m.member_id
        left join episodes e on m.member_type = 'episode' and e.episode_id = m.member_id
        left join in_home_cases h on m.member_type = 'in_home_case' and h.case_id = m.member_id"""
    frame = snapshot.read(f"""
        -- the members behind one provider's cell
        select m.month, m.member_type, m.member_id, m.child_id, m.worker_id, m.numerator, m.denominator{extra}
        from (
        {members}
        ) m{joins}
        where m.provider_id = :provider
        order by m.member_type, m.member_id""", {"month": month, "provider": provider_id})
    frame.insert(0, "indicator_id", indicator_id)
    frame = frame.reindex(columns=MEMBER_COLUMNS + (DETAIL_COLUMNS if details else []))
    if scope.is_provider:  # the organisation's workers and units are not a provider's to read
        for column in ("worker_id", "worker_name", "unit_id", "unit_name"):
            if column in frame:
                frame[column] = None
    return frame
