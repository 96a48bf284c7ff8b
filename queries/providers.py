"""The delegate agencies a data version knows (the extract's optional `providers` table), and one provider's
figures over time beside its program's (`provider_trend`)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from access.scope import SUPPRESSED, OutsideScope, Scope, ScorecardQueryError
from measures.build import PROVIDER
from measures.status import multiplier
from queries.disclosure import for_reader, rounded
from queries.performance import DEFAULT_TREND_MONTHS, Entity, Trend, add_months, resolve_month
from queries.scorecard import _check_indicators, indicator_catalogue, report_months
from queries.warehouse import Snapshot

COLUMNS = ["provider_id", "provider_name", "provider_type"]


def has_providers_table(snapshot: Snapshot) -> bool:
    """Whether the data version holds a `providers` table (an extract without one loads as before)."""
    found = snapshot.read("""
        -- providers: is the optional table in this version?
        select count(*) as n from information_schema.tables
        where table_name = 'providers' and table_schema = current_schema() and table_catalog = current_database()
    """)
    return int(found.n.iloc[0]) > 0


def providers(snapshot: Snapshot) -> pd.DataFrame:
    """provider_id, provider_name, provider_type of every provider, by name; empty when the version has none."""
    def read():
        if not has_providers_table(snapshot):
            return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
        return snapshot.read("""
            -- providers: every delegate agency of the extract
            select provider_id, provider_name, provider_type from providers order by provider_name, provider_id
        """)
    return snapshot.memo("providers", read).copy()


# -- one provider's figures over time, beside its program's ----------------------------------------------------

PROGRAM, PEERS = "program", "peers"


def _provider_entity(snapshot: Snapshot, scope: Scope, provider_id: str) -> Entity:
    """The provider as an Entity, once the reader may read it. The scope is checked before the data version, so a
    provider user asking for another provider learns nothing, not even whether it exists."""
    provider_id = str(provider_id or "")
    if not scope.reads_provider(provider_id):
        raise OutsideScope(f"provider {provider_id[:40]} is outside what you may see ({scope.describe()})")
    names = dict(zip(providers(snapshot).provider_id, providers(snapshot).provider_name))
    if provider_id not in names:
        raise ScorecardQueryError(f"data version {snapshot.version.version_id} has no provider {provider_id[:40]!r}: "
                                  "the providers page lists those it has")
    return Entity(PROVIDER, provider_id, names[provider_id])


def provider_trend(snapshot: Snapshot, scope: Scope, indicator_id: str, provider_id: str,
                   until: dt.date | None = None, months: int | None = DEFAULT_TREND_MONTHS,
                   program: str | None = None, program_providers: Sequence[str] = ()) -> Trend:
    """One indicator for one provider, month by month (`line` `entity`), with its program's aggregate (`program`:
    the members of every provider in `program_providers`, the contracts' program, summed) and, for a reader of
    the whole department, the median of the program's other providers (`peers`).

    A reader with a small-cell minimum (a provider's own staff, a viewer) gets the program's line only in the
    months where it gives no other provider away: two or more other providers with members, and their members
    together not from 1 to the minimum less one (so the program less the provider's own cell is no single other
    provider, nor a small number), and, for a provider's staff, the others not at 0% or 100% (a rate of 0: that
    would say each other provider's value); a viewer also loses it in the months where any provider of the
    program, this one included, has a hidden cell. The program's line has no numerator or denominator for such a reader, and a median has no
    program line (medians do not add up).
    """
    _check_indicators(snapshot, [indicator_id])
    this = _provider_entity(snapshot, scope, provider_id)
    if months is not None and months < 1:
        raise ScorecardQueryError(f"months must be 1 or more (or all), not {months}")
    until = resolve_month(snapshot, until)
    catalogue = indicator_catalogue(snapshot)
    indicator = catalogue[catalogue.indicator_id == indicator_id].iloc[0]
    first = report_months(snapshot)[0] if months is None else max(report_months(snapshot)[0],
                                                                   add_months(until, 1 - months))
    others = sorted({str(p) for p in program_providers} - {this.entity_id})
    names = {f"p{n}": p for n, p in enumerate(others)}
    in_program = f"c.entity_id in ({', '.join(':' + n for n in names)})" if names else "false"
    frame = snapshot.read(f"""
        -- one provider's cells over time, and those of the other providers of its program
        select c.month, case when c.entity_id = :provider then 'entity' else 'peer' end as line, c.entity_id,
               c.numerator, c.denominator, c.value, c.status
        from cells c
        where c.indicator_id = :indicator and c.level = '{PROVIDER}' and c.month between :first and :until
          and (c.entity_id = :provider or {in_program})""",
                          {"indicator": indicator_id, "provider": this.entity_id, "first": first, "until": until,
                           **names})
    frame["month"] = pd.to_datetime(frame.month)
    own, peers = frame[frame.line == "entity"], frame[frame.line == "peer"]
    lines = [for_reader(snapshot, scope, own.assign(level=PROVIDER), indicator_id=indicator_id)
             if not scope.is_provider else own]  # a provider's own cells are its own: exact, with their counts
    if program and others and indicator.kind != "median":
        lines.append(_program_line(snapshot, scope, indicator, own, peers))
    if not scope.small_cell_min and not peers.empty:
        usable = peers[~peers.status.isin(["insufficient"])]
        lines.append(usable.groupby("month", as_index=False).value.median()
                     .assign(line=PEERS, numerator=pd.NA, denominator=pd.NA, status=pd.NA))
    series = pd.concat([line for line in lines if not line.empty] or [own], ignore_index=True)
    series = series.sort_values(["line", "month"], kind="stable").reset_index(drop=True)
    words = (f"the other providers of the {program} program" if program and others
             else "none: no other provider has a contract in this program")
    if scope.small_cell_min and others:
        words = f"the {program} program as a whole (no other provider's own figures)"
    return Trend(indicator, this, [this], words,
                 series.reindex(columns=["month", "line", "value", "numerator", "denominator", "status"]))


def _program_line(snapshot: Snapshot, scope: Scope, indicator: pd.Series, own: pd.DataFrame,
                  peers: pd.DataFrame) -> pd.DataFrame:
    """The program's aggregate each month (own and the others' members summed), as `scope` may see it."""
    by_month = peers.groupby("month").agg(numerator=("numerator", "sum"), denominator=("denominator", "sum"),
                                          providers=("denominator", lambda d: int((d > 0).sum())))
    mine = own.set_index("month")[["numerator", "denominator"]]
    total = by_month[["numerator", "denominator"]].add(mine.reindex(by_month.index).fillna(0), fill_value=0)
    k = multiplier(indicator.kind, None if pd.isna(indicator.scale) else int(indicator.scale))
    value = (k * total.numerator / total.denominator.where(total.denominator > 0)).astype("float64")
    line = pd.DataFrame({"month": by_month.index, "line": PROGRAM, "value": value.values,
                         "numerator": total.numerator.values, "denominator": total.denominator.values,
                         "status": "none"})
    if scope.small_cell_min:
        small = scope.small_cell_min
        hide = ((by_month.providers < 2) | by_month.numerator.between(1, small - 1)
                | by_month.denominator.between(1, small - 1))
        if scope.is_provider and indicator.kind in ("proportion", "rate"):
            # The others at 0% or 100% (a rate of 0) would say every other provider's value (disclosure rule 4).
            hide |= (by_month.numerator == 0) | (by_month.numerator == by_month.denominator)
        if not scope.is_provider:  # a viewer, who sees the providers' cells: never beside a hidden one, this
            # provider's own included (the program less the others shown would be it)
            shown = for_reader(snapshot, scope, pd.concat([own, peers]).assign(level=PROVIDER),
                               indicator_id=indicator.indicator_id)
            hide |= shown.groupby("month").status.apply(lambda s: (s == SUPPRESSED).any()).reindex(
                by_month.index, fill_value=False)
        line["value"] = line.value.mask(hide.values)
        line["status"] = line.status.mask(hide.values, SUPPRESSED)
        line["value"] = rounded(line.value, indicator.kind).values
        line[["numerator", "denominator"]] = float("nan")
    return line


def program_cells(snapshot: Snapshot, scope: Scope, month: dt.date, program_providers: Sequence[str],
                  indicator_ids: Sequence[str]) -> dict[str, pd.Series]:
    """{indicator_id: the program's aggregate in `month`} (`value`, `numerator`, `denominator`, `status`): the
    members of every provider in `program_providers` summed, as `provider_trend`'s program line gives it to
    `scope` (a provider's staff: beside their own cell, with the others' protections; a viewer: never beside a
    hidden cell). An indicator without members in the program, or a median (medians do not add up), has none.

    The whole department's readers read any program's; a provider's staff only the programs they are in."""
    members = sorted({str(p) for p in program_providers})
    if scope.is_provider and scope.entity_id not in members:
        raise OutsideScope(f"that program's aggregate is outside what you may see ({scope.describe()})")
    if not scope.is_provider and scope.level != "department":
        raise OutsideScope(f"the providers' figures are outside what you may see ({scope.describe()}): they are "
                           "read with access to the whole department")
    wanted = _check_indicators(snapshot, list(dict.fromkeys(indicator_ids)))
    month = resolve_month(snapshot, month)
    if not members or not wanted:
        return {}
    names = {f"p{n}": p for n, p in enumerate(members)}
    ids = {f"i{n}": i for n, i in enumerate(wanted)}
    frame = snapshot.read(f"""
        -- one month's cells of the providers of a program
        select c.indicator_id, c.month, c.entity_id, c.numerator, c.denominator, c.value, c.status
        from cells c
        where c.level = '{PROVIDER}' and c.month = :month
          and c.indicator_id in ({', '.join(':' + n for n in ids)})
          and c.entity_id in ({', '.join(':' + n for n in names)})""", {"month": month, **names, **ids})
    frame["month"] = pd.to_datetime(frame.month)
    catalogue = indicator_catalogue(snapshot).set_index("indicator_id", drop=False)
    own_id = scope.entity_id if scope.is_provider else None
    found = {}
    for indicator_id, cells in frame.groupby("indicator_id"):
        indicator = catalogue.loc[indicator_id]
        if indicator.kind == "median":
            continue
        own, others = cells[cells.entity_id == own_id], cells[cells.entity_id != own_id]
        if others.empty:  # the provider's own cell alone: no aggregate of a program to speak of
            continue
        line = _program_line(snapshot, scope, indicator, own.assign(line="entity"), others.assign(line="peer"))
        found[indicator_id] = line.iloc[0]
    return found
