"""The organisation as the home page shows it: each bureau's offices, units, workers and caseload."""
from __future__ import annotations

import pandas as pd

from access.scope import Scope
from queries.warehouse import Snapshot


def organisation_summary(snapshot: Snapshot, scope: Scope) -> pd.DataFrame:
    """One row per bureau inside `scope`: offices, units, active workers, children in care, open in-home cases.

    Caseloads are point-in-time on the extract's as_of date, attributed through the case's worker; only the
    reader's own subtree counts. A caseload the scope may not see (a small number) is empty (NA).
    """
    where, params = scope.owned_filter("e")
    sql = f"""
        -- organisation: entities by bureau
        with org as (
            select e.bureau_id,
                   sum(case when e.level = 'office' then 1 else 0 end) as offices,
                   sum(case when e.level = 'unit' then 1 else 0 end) as units,
                   sum(case when e.level = 'worker' and e.active then 1 else 0 end) as workers
            from entities e
            where e.level in ('office', 'unit', 'worker') and {where}
            group by e.bureau_id
        ),
        -- caseload: episodes and in-home cases open on as_of, by the bureau of their worker
        in_care as (
            select e.bureau_id, count(*) as children_in_care
            from episodes x join entities e on e.level = 'worker' and e.entity_id = x.worker_id
            where x.discharge_date is null and {where}
            group by e.bureau_id
        ),
        in_home as (
            select e.bureau_id, count(*) as open_in_home_cases
            from in_home_cases h join entities e on e.level = 'worker' and e.entity_id = h.worker_id
            where h.closed_date is null and {where}
            group by e.bureau_id
        )
        select b.entity_id as bureau_id, b.entity_name as bureau_name,
               coalesce(org.offices, 0) as offices, coalesce(org.units, 0) as units,
               coalesce(org.workers, 0) as workers,
               coalesce(in_care.children_in_care, 0) as children_in_care,
               coalesce(in_home.open_in_home_cases, 0) as open_in_home_cases
        from entities b
        join org on org.bureau_id = b.entity_id
        left join in_care on in_care.bureau_id = b.entity_id
        left join in_home on in_home.bureau_id = b.entity_id
        where b.level = 'bureau'
        order by b.entity_name, b.entity_id
    """
    frame = snapshot.read(sql, params)
    frame = frame.astype({c: "Int64" for c in frame.columns if c not in ("bureau_id", "bureau_name")})
    if scope.small_cell_min:
        for column in ("children_in_care", "open_in_home_cases"):
            frame[column] = frame[column].mask(frame[column].between(1, scope.small_cell_min - 1))
    return frame
