"""A provider's performance review (a Stat meeting whose entity is a provider): the contract it reads and the
provider's figures against it.

The review reads the provider's contract in force in its data month (the newest contracts version: `terms`), and
for each of the contract's metrics a `ContractLine`: the provider's value, coloured against the contract's own
target and floor (measures/contracts.py `contract_status`, the provider scorecard's rule):

- a computed metric, from the provider's cell of the month in the meeting's pinned data version
  (queries/scorecard.py `provider_scorecard`), with the minimum-n every cell has;
- an imported one (a figure the provider reports, store/aggregates.py), for the newest reporting period that has
  ended by the data month's last day: the report that is due. A period with no figure of the provider, or a
  figure withheld, is `not reported`.

Its numbers are the same for everyone who opens it (executives, analysts, the provider's own staff) and for its
data book and follow-up, which go to the provider: they are read with the review's own scope (`review_scope`), a
provider scope with the small-cell and inference protections of the provider role, so the program's aggregate
beside the provider's trend never gives another provider away, and no other provider's figure is shown. The
reported figures are read whole (no reader's small-cell rule: they are the provider's own) and only the
provider's own rows are kept. While the review is open, the contract and the reported figures are the newest;
closing it keeps what it showed in its record with the rest of its numbers.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from access.roles import Reader
from access.scope import PROVIDER, Scope
from display.format import format_value, published_value
from measures.contracts import Contract, Metric, contract_status, person
from store.aggregates import AggregateError, newest_source, overall, sources
from store.contracts import current_contracts

# The review's own reading of the program's aggregate: the provider role's protections at the agency's default
# minimum (access/roles.py `reader_for`), whoever opens it, since its numbers are handed to the provider.
REVIEW_SMALL_CELL_MIN = 11
# Who reads the reported figures for a review: the whole department's aggregates, no reader's small-cell rule
# (only the provider's own rows are kept, and those are its own figures).
_FIGURES = Reader("performance-review", "analyst", Scope(case_level=False))
STATUS_WORDS = {"green": "meets target", "yellow": "below target", "red": "below floor — remedy",
                "insufficient": "too few to rate", "suppressed": "hidden: small numbers",
                "no data": "no members this month", "not reported": "not reported"}


@dataclass(frozen=True)
class ContractLine:
    """One metric of the contract, as the review shows it."""
    indicator_id: str
    name: str
    domain: str
    imported: bool
    kind: str
    direction: str
    target: float
    floor: float | None
    value: float | None
    status: str               # a key of STATUS_WORDS
    value_text: str           # "86.1%", "3.12 moves per 1,000 days in care", "—"
    target_text: str
    floor_text: str | None
    period: str               # "September 2026", or the reported period shown ("Jul – Sep 2026")
    counts: str = ""          # "37 of 43" where the value is a share of members
    source: str | None = None  # an imported metric's published source
    due: bool = False         # an imported metric: a report was due (a period has ended) and is missing

    @property
    def words(self) -> str:
        return STATUS_WORDS.get(self.status, self.status)

    @property
    def rated(self) -> bool:
        return self.status in ("green", "yellow", "red")


@dataclass(frozen=True)
class ProviderReview:
    """The contract a review reads and its lines; `contract_id` empty when the provider has none in force."""
    provider_id: str
    provider_name: str
    contract_id: str
    program: str
    start: dt.date | None
    end: dt.date | None
    cadence: str
    lines: list = field(default_factory=list)           # ContractLine, in the contract's order
    program_providers: list = field(default_factory=list)
    manager: str | None = None                          # the contract manager, as the contract names them

    def line(self, indicator_id: str) -> ContractLine | None:
        return next((line for line in self.lines if line.indicator_id == indicator_id), None)


@dataclass(frozen=True)
class Terms:
    """What a review reads from the app store: the contract in force, the providers of its program with a
    contract in force that month (its aggregate's), and the lines of the contract's reported metrics."""
    contract: Contract | None
    program_providers: tuple[str, ...]
    reported: dict                                       # indicator_id -> ContractLine


def review_scope(provider_id: str) -> Scope:
    """The scope a review's numbers are read with, whoever opens it (the module's docstring says why)."""
    return Scope(PROVIDER, provider_id, case_level=False, small_cell_min=REVIEW_SMALL_CELL_MIN)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def contract_in_force(contracts: list[Contract], provider_id: str, month: dt.date) -> Contract | None:
    """The provider's contract whose days meet `month`; of two (one ending, the next starting in it), the one in
    force on its last day (as the provider scorecard chooses)."""
    last, chosen = month_end(month), None
    for c in contracts:
        if c.provider_id == provider_id and c.start <= last and c.end >= month:
            if chosen is None or c.in_force(last):
                chosen = c
    return chosen


def terms(engine: Engine, provider_id: str, month: dt.date) -> Terms:
    """The review's contract, its program's providers and its reported lines, from the store as it is now."""
    contracts = current_contracts(engine)
    contract = contract_in_force(contracts, provider_id, month)
    if contract is None:
        return Terms(None, (), {})
    program = sorted({c.provider_id for c in contracts if c.program == contract.program
                      and contract_in_force([c], c.provider_id, month) is not None})
    return Terms(contract, tuple(program), _reported(engine, provider_id, month, list(contract.metrics)))


def review_terms(engine: Engine, meeting) -> Terms:
    """`terms` of a provider review (a `store.meetings.Meeting` whose entity is a provider)."""
    return terms(engine, meeting.entity.entity_id, meeting.month)


def followup_people(engine: Engine, meeting) -> tuple:
    """Who a provider review's follow-up goes to besides its attendees: the contacts and the manager of the
    contract in force in its month (`store.meetings.Attendee`s; none for another meeting, or without a contract)."""
    from store.meetings import Attendee
    if not meeting.is_review:
        return ()
    contract = review_terms(engine, meeting).contract
    if contract is None:
        return ()
    found = [person(text) for text in (*contract.contacts, *([contract.manager] if contract.manager else []))]
    return tuple(Attendee(name, address) for name, address in (f for f in found if f is not None))


def no_contract(provider_name: str, month: dt.date) -> str:
    return (f"{provider_name} has no contract in force in {month:%B %Y}: a performance review reads the contract's "
            "metrics; load a contracts file that holds it (statboard contracts load FILE), or choose another month")


def _text(indicator, value, imported: bool, with_unit: bool = True) -> str:
    if imported:
        return published_value(indicator, value, with_unit)
    return format_value(indicator.kind, value, with_unit=with_unit)


def _reported(engine: Engine, provider_id: str, month: dt.date, metrics: list[Metric]) -> dict:
    """The line of each metric some published source holds (a figure providers report), keyed by indicator."""
    found: dict = {}
    wanted = {m.indicator_id: m for m in metrics}
    for version in sorted(sources(engine), key=lambda v: v.id, reverse=True):
        try:
            source = newest_source(engine, _FIGURES, version.source)
        except AggregateError:
            continue
        for ident in set(wanted) & set(source.indicators) - set(found):
            found[ident] = _reported_line(source, source.indicators[ident], wanted[ident], provider_id, month)
    return found


def _reported_line(source, indicator, metric: Metric, provider_id: str, month: dt.date) -> ContractLine:
    rows = overall(source)
    rows = rows[(rows.entity_type == PROVIDER) & (rows.indicator_id == indicator.id)]
    ended = rows[rows.period_end <= month_end(month)].sort_values(["period_end", "period_start", "period"])
    target = float(metric.target)
    floor = None if metric.floor is None else float(metric.floor)
    texts = dict(target_text=_text(indicator, target, True, False),
                 floor_text=None if floor is None else _text(indicator, floor, True, False))
    base = dict(indicator_id=indicator.id, name=indicator.name, domain=indicator.domain, imported=True,
                kind=indicator.kind, direction=indicator.direction or "higher", target=target, floor=floor,
                source=source.name, **texts)
    if ended.empty:
        return ContractLine(**base, value=None, status="not reported", value_text="none due yet",
                            period=f"no period ended by {month_end(month):%d %B %Y}")
    period = ended.iloc[-1]
    mine = ended[(ended.period == period.period) & (ended.entity_id == provider_id)]
    row = mine.iloc[0] if not mine.empty else None
    value = None if row is None or row.value is None or pd.isna(row.value) else float(row.value)
    if value is None:
        return ContractLine(**base, value=None, status="not reported", value_text="not reported",
                            period=str(period.period_label), due=True)
    counts = ""
    if indicator.kind == "proportion" and row.denominator is not None and not pd.isna(row.denominator):
        counts = f"{row.numerator} of {row.denominator}"
    return ContractLine(**base, value=value, status=contract_status(value, metric, base["direction"]),
                        value_text=_text(indicator, value, True), period=str(period.period_label), counts=counts)


def computed_line(indicator, metric: Metric, cell, month: dt.date) -> ContractLine:
    """A computed metric's line from the provider's cell of the month (None: no members)."""
    target = float(metric.target)
    floor = None if metric.floor is None else float(metric.floor)
    value = None if cell is None or pd.isna(cell.value) else float(cell.value)
    if cell is None or (value is None and cell.status not in ("insufficient", "suppressed")):
        status = "no data"
    elif cell.status in ("insufficient", "suppressed"):
        status, value = cell.status, None
    else:
        status = contract_status(value, metric, indicator["direction"])
    counts = ""
    if value is not None and indicator["kind"] == "proportion" and not pd.isna(cell.denominator):
        counts = f"{cell.numerator:,.0f} of {cell.denominator:,.0f}"
    return ContractLine(indicator["indicator_id"], indicator["name"], indicator["domain"], False, indicator["kind"],
                        indicator["direction"], target, floor, value, status,
                        format_value(indicator["kind"], value, with_unit=True) if value is not None else
                        STATUS_WORDS[status], format_value(indicator["kind"], target),
                        None if floor is None else format_value(indicator["kind"], floor),
                        f"{month:%B %Y}", counts)


def reason(line: ContractLine) -> str:
    """Why a line is suggested for the agenda, in a contract manager's words."""
    side = "below" if line.direction == "higher" else "above"  # the worse side
    if line.status == "red":
        return (f"{side} the contract's floor of {line.floor_text} — remedy: {line.value_text} in {line.period}; "
                f"the target is {line.target_text}")
    if line.status == "yellow":
        floor = f"; the floor is {line.floor_text}" if line.floor_text else ""
        return f"{side} the contract's target of {line.target_text}: {line.value_text} in {line.period}{floor}"
    return f"not reported: the figure for {line.period} was due and has not come in; the target is {line.target_text}"
