"""The demo agency's delegate agencies: who they are, which homes and cases are theirs, their contracts, and the
figures they report themselves.

Twelve foster family agencies (FFAs) find and support foster and pre-adoptive homes; three in-home service
agencies serve families whose children stay at home. They differ the way real ones do:

- in size, from a large agency to ``STORY_SMALL_PROVIDER``, with a handful of children at a time, so its
  numbers swing from month to month;
- in outcomes: some keep children in one home and send them home sooner, some do neither;
- ``STORY_IMPROVED_PROVIDER`` kept children poorly until its contract was rewritten on ``CONTRACT_CHANGE``,
  and keeps them well in the homes it has opened since.

The agency is built first and its providers chosen afterwards, from a random stream of their own, for what
already happened in each home or case (a home whose children moved on goes more often to an agency that keeps
children poorly): so the extract's other tables are the same bytes with providers or without them, and every
figure the demo has always shown stays as it was.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import numpy as np

from demodata.generate import Agency, add_years, days

PROVIDER_STREAM = 26  # the provider stream's seed is (seed, PROVIDER_STREAM): apart from the agency's own draws

STORY_IMPROVED_PROVIDER = "FFA07"
CONTRACT_CHANGE = dt.date(2025, 7, 1)
STORY_SMALL_PROVIDER = "FFA12"
SMALL_PROVIDER_CHILDREN = 4  # children in the small agency's homes on an average day, at every scale

AGENCY_SETTINGS = ("foster_family", "pre_adoptive")  # relatives, group homes, institutions: no FFA
COUNTY_HOMES = 0.15  # foster homes the county licenses itself: no provider
DIRECT_IN_HOME = 0.25  # in-home cases the county's own workers serve: no provider
PERMANENT = ("reunification", "guardianship", "adoption")  # as the providers report permanency


@dataclass(frozen=True)
class Provider:
    provider_id: str
    name: str
    provider_type: str
    program: str
    size: float  # relative share of the homes or cases (the small agency's is set by SMALL_PROVIDER_CHILDREN)
    # How strongly the agency holds what goes well: for an FFA, children staying in one home and leaving care to
    # permanency; for an in-home agency, children screened soon after the case opens and kept safe at home.
    # Positive is better, 0 is the agency's average, 1 is strong.
    first: float
    second: float


def _ffa(pid: str, name: str, size: float, stability: float, permanency: float) -> Provider:
    return Provider(pid, name, "foster_family_agency", "Foster care", size, stability, permanency)


def _ihs(pid: str, name: str, size: float, screening: float, safety: float) -> Provider:
    return Provider(pid, name, "in_home_services", "Family maintenance", size, screening, safety)


PROVIDERS = (
    _ffa("FFA01", "Beacon Family Services", 18, 0.6, 0.3),
    _ffa("FFA02", "Riverbend Youth and Family", 15, -0.3, 0.8),
    _ffa("FFA03", "Cornerstone Foster Family Agency", 13, 1.0, -0.2),
    _ffa("FFA04", "Pathways Family Network", 12, 0.0, 0.0),
    _ffa("FFA05", "New Horizons Children's Services", 11, -1.1, -0.7),
    _ffa("FFA06", "Sequoia Family Partners", 10, 0.4, -0.6),
    _ffa("FFA07", "Bright Futures Family Agency", 9, 0.0, 0.0),  # the story: see _skills
    _ffa("FFA08", "Open Door Foster Care", 8, -0.6, 0.2),
    _ffa("FFA09", "Lighthouse Family Agency", 10, 0.9, 0.7),
    _ffa("FFA10", "Willow Creek Family Services", 9, -0.3, -0.4),
    _ffa("FFA11", "Hearthstone Foster Family Agency", 12, 0.2, 0.1),
    _ffa("FFA12", "Little Acorn Foster Homes", 0, 0.0, 0.0),  # the story: a handful of children
    _ihs("IHS01", "Family Anchor In-Home Services", 50, 1.2, 0.6),
    _ihs("IHS02", "Neighborhood Family Support Center", 30, -1.0, -0.5),
    _ihs("IHS03", "Bridges Family Preservation", 20, 0.0, 1.0),
)
FOSTER_FAMILY_AGENCIES = tuple(p for p in PROVIDERS if p.provider_type == "foster_family_agency")
IN_HOME_AGENCIES = tuple(p for p in PROVIDERS if p.provider_type == "in_home_services")
# Before its new contract, the story agency kept children poorly; in the homes it has opened since, well.
IMPROVED_BEFORE, IMPROVED_AFTER = (-2.0, -1.0), (1.6, 1.0)


@dataclass
class Assignment:
    """Each placement's and each in-home case's provider (None: none), in the Agency's own row order."""
    placement: np.ndarray
    in_home: np.ndarray


def providers_table() -> dict[str, np.ndarray]:
    return {"provider_id": np.array([p.provider_id for p in PROVIDERS], dtype=object),
            "provider_name": np.array([p.name for p in PROVIDERS], dtype=object),
            "provider_type": np.array([p.provider_type for p in PROVIDERS], dtype=object)}


def assign(agency: Agency, rng: np.random.Generator) -> Assignment:
    return Assignment(_foster_homes(agency, rng), _in_home_cases(agency, rng))


def _choose(rng: np.random.Generator, agencies: tuple[Provider, ...], size: np.ndarray, first: np.ndarray,
            second: np.ndarray, x_first: np.ndarray, x_second: np.ndarray) -> np.ndarray:
    """One agency per row: likelier the larger it is and the more what happened there fits its strengths.

    `x_first`, `x_second`: what happened, centred, positive where it went well; `first`, `second`: each
    agency's strengths per row (rows × agencies)."""
    logit = np.log(size)[None, :] + first * x_first[:, None] + second * x_second[:, None]
    p = np.exp(logit - logit.max(axis=1, keepdims=True))
    cumulative = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(x_first))
    pick = np.minimum((u[:, None] > cumulative).sum(axis=1), len(agencies) - 1)
    return np.array([a.provider_id for a in agencies], dtype=object)[pick]


def _foster_homes(agency: Agency, rng: np.random.Generator) -> np.ndarray:
    """An FFA for each foster or pre-adoptive home, the same for every child placed there."""
    a = agency
    n_pl = len(a.pl_episode)
    out = np.full(n_pl, None, dtype=object)
    eligible = np.isin(a.pl_setting, AGENCY_SETTINGS)
    if not eligible.any():
        return out
    moved, third_home = _instability(a)
    permanent = _permanent_within_a_year(a)
    # What happened in each placement: positive where the child stayed, or left care to permanency soon. A
    # child's third home or later in the first year is where the instability shows, as the child is counted
    # with the agency of the home they are in: those go more often to the agencies that keep children poorly.
    stayed = -(2 * third_home + 0.5 * moved)
    went_home = permanent[a.pl_episode]
    homes, home = np.unique(a.pl_home[eligible], return_inverse=True)
    n_homes = len(homes)
    count = np.bincount(home, minlength=n_homes)
    x_stay = np.bincount(home, stayed[eligible], n_homes) / count
    x_home = np.bincount(home, went_home[eligible], n_homes) / count
    x_stay, x_home = x_stay - x_stay.mean(), x_home - x_home.mean()
    opened = np.full(n_homes, np.iinfo(np.int64).max)
    np.minimum.at(opened, home, a.pl_start[eligible])

    ffas = FOSTER_FAMILY_AGENCIES
    size = np.array([p.size for p in ffas], dtype=float)
    small = [p.provider_id for p in ffas].index(STORY_SMALL_PROVIDER)
    # The small agency's share: SMALL_PROVIDER_CHILDREN of the children in agency homes on an average day.
    end = np.where(a.pl_end >= 0, a.pl_end, a.as_of)
    child_days = np.maximum(end - np.maximum(a.pl_start, a.start), 0)[eligible].sum()
    per_day = max(child_days / (a.as_of - a.start + 1) * (1 - COUNTY_HOMES), 1.0)
    share = min(SMALL_PROVIDER_CHILDREN / per_day, 0.2)
    size[small] = share / (1 - share) * np.delete(size, small).sum()
    first = np.tile([p.first for p in ffas], (n_homes, 1))
    second = np.tile([p.second for p in ffas], (n_homes, 1))
    story = [p.provider_id for p in ffas].index(STORY_IMPROVED_PROVIDER)
    after = opened >= days(CONTRACT_CHANGE)
    first[:, story] = np.where(after, IMPROVED_AFTER[0], IMPROVED_BEFORE[0])
    second[:, story] = np.where(after, IMPROVED_AFTER[1], IMPROVED_BEFORE[1])
    chosen = _choose(rng, ffas, size, first, second, x_stay, x_home)
    chosen[rng.random(n_homes) < COUNTY_HOMES] = None
    out[eligible] = chosen[home]
    return out


def _instability(a: Agency) -> tuple[np.ndarray, np.ndarray]:
    """Per placement: (the child moved on from it to another home; it is the child's third home or later
    within a year of removal), trial home visits and running away not counted as homes.

    The Agency writes an episode's placements one after another in the order they began."""
    n_pl = len(a.pl_episode)
    home_setting = ~np.isin(a.pl_setting, ("trial_home_visit", "runaway"))
    moved = np.zeros(n_pl, bool)
    moved[:-1] = (a.pl_episode[1:] == a.pl_episode[:-1]) & home_setting[1:]
    first_in_episode = np.r_[True, a.pl_episode[1:] != a.pl_episode[:-1]]
    homes_so_far = np.cumsum(home_setting)
    before_episode = (homes_so_far - home_setting)[first_in_episode][np.cumsum(first_in_episode) - 1]
    nth_home = homes_so_far - before_episode
    first_year = a.pl_start < add_years(a.x_removal[a.pl_episode], 1)
    return moved, (home_setting & first_year & (nth_home >= 3)).astype(float)


def _permanent_within_a_year(a: Agency) -> np.ndarray:
    """Per episode: 1 when the child left care to permanency within a year of removal, 0 when not, ½ when the
    year has not passed yet."""
    left = (a.x_discharge >= 0) & np.isin(a.x_reason.astype(str), PERMANENT + ("relative",))
    soon = left & (a.x_discharge <= add_years(a.x_removal, 1))
    undecided = (a.x_discharge < 0) & (add_years(a.x_removal, 1) > a.as_of)
    return np.where(undecided, 0.5, soon.astype(float))


def _in_home_cases(agency: Agency, rng: np.random.Generator) -> np.ndarray:
    """An in-home agency for each family's case (the family's children together), or none."""
    a = agency
    n = len(a.h_child)
    if n == 0:
        return np.full(0, None, dtype=object)
    family = a.c_family[a.h_child]
    cases, case = np.unique(family.astype(np.int64) * 10**6 + a.h_opened, return_inverse=True)
    n_cases = len(cases)
    last = np.where(a.h_closed >= 0, a.h_closed - 1, a.as_of)
    screened = _any_between(a.h_child, a.h_opened, a.h_opened + 30,
                            a.m_child[a.m_type == "mental_health_screening"],
                            a.m_day[a.m_type == "mental_health_screening"])
    subst = a.e_disp[a.r_event] == "substantiated"
    harmed = _any_between(a.h_child, a.h_opened, last, a.r_child[subst], a.e_received[a.r_event][subst] // (24 * 60))
    count = np.bincount(case, minlength=n_cases)
    x_screen = np.bincount(case, screened.astype(float), n_cases) / count
    x_safe = np.bincount(case, (~harmed).astype(float), n_cases) / count
    agencies = IN_HOME_AGENCIES
    size = np.array([p.size for p in agencies], dtype=float)
    first = np.tile([p.first for p in agencies], (n_cases, 1))
    second = np.tile([p.second for p in agencies], (n_cases, 1))
    # Harm is rare: weighed more, so that the agencies' safety shows at all.
    chosen = _choose(rng, agencies, size, first, second, x_screen - x_screen.mean(), 3 * (x_safe - x_safe.mean()))
    chosen[rng.random(n_cases) < DIRECT_IN_HOME] = None
    return chosen[case]


def _any_between(child: np.ndarray, lo: np.ndarray, hi: np.ndarray, ev_child: np.ndarray,
                 ev_day: np.ndarray) -> np.ndarray:
    """Per row: does `child` have an event dated in [lo, hi]?"""
    keys = np.sort(ev_child.astype(np.int64) * 10**6 + ev_day)
    base = child.astype(np.int64) * 10**6
    at = np.searchsorted(keys, base + lo, side="left")
    upto = np.searchsorted(keys, base + hi, side="right")
    return upto > at


# -- what the agencies report themselves ---------------------------------------------------------------------

REPORT_QUARTERS = 7  # the last seven whole quarters before as_of: 2025Q1 to 2026Q3 for the default demo
AGE_GROUPS = (("0–5", 0, 6), ("6–12", 6, 13), ("13–17", 13, 18))
REPORT_COLUMNS = ("entity_type", "entity_id", "entity_name", "indicator_id", "period", "period_start",
                  "period_end", "period_label", "numerator", "denominator", "value", "breakdown_dimension",
                  "breakdown_value")


def quarters(as_of: dt.date, n: int = REPORT_QUARTERS) -> list[tuple[str, dt.date, dt.date]]:
    """The last `n` whole quarters ending before `as_of`, oldest first: (code, first day, last day)."""
    q = (as_of.month - 1) // 3  # the quarter as_of is in, not yet whole
    year = as_of.year
    out = []
    for _ in range(n):
        year, q = (year - 1, 3) if q == 0 else (year, q - 1)
        first = dt.date(year, 3 * q + 1, 1)
        last = dt.date(year + (q == 3), 1 if q == 3 else 3 * q + 4, 1) - dt.timedelta(days=1)
        out.append((f"{year}Q{q + 1}", first, last))
    return out[::-1]


def _label(first: dt.date, last: dt.date) -> str:
    return f"{first:%b} – {last:%b %Y}"


def _value(numerator: int, denominator: int, scale: int, places: int) -> str:
    if denominator == 0:
        return ""
    exact = Decimal(numerator) * scale / Decimal(denominator)
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


def reported_figures(agency: Agency, assignment: Assignment, as_of: dt.date) -> list[dict[str, str]]:
    """Each FFA's quarterly report, counted from its own homes as an agency counts them (aggregate generic
    format, `entity_type` provider): moves out of its homes per 1,000 days children spent in them, and of the
    children who came into its care in the quarter a year before, the percent who left care to permanency
    within 12 months, also by age at entry. The small agency has not sent its last quarter yet."""
    a = agency
    provider = assignment.placement
    moved, _ = _instability(a)
    end = np.where(a.pl_end >= 0, a.pl_end, a.as_of + 1)
    # Coming into an agency's care: the first placement of the episode with that agency.
    order = np.lexsort((a.pl_start, provider.astype(str), a.pl_episode))
    pairs = np.char.add(a.pl_episode.astype(str)[order], np.char.add("|", provider.astype(str)[order]))
    first_with = np.zeros(len(order), bool)
    first_with[order[np.r_[True, pairs[1:] != pairs[:-1]]]] = True
    entry_age = (a.pl_start - a.c_birth[a.x_child[a.pl_episode]]) / 365.25
    discharge = a.x_discharge[a.pl_episode]
    permanent = ((discharge >= 0) & np.isin(a.x_reason[a.pl_episode].astype(str), PERMANENT)
                 & (discharge <= add_years(a.pl_start, 1)))
    rows: list[dict[str, str]] = []
    periods = quarters(as_of)
    for pid, name in ((p.provider_id, p.name) for p in FOSTER_FAMILY_AGENCIES):
        own = provider == pid
        for code, first, last in periods:
            lo, hi = days(first), days(last)
            base = {"entity_type": "provider", "entity_id": pid, "entity_name": name, "period": code,
                    "period_start": first.isoformat(), "period_end": last.isoformat(),
                    "period_label": _label(first, last), "breakdown_dimension": "", "breakdown_value": ""}
            late = pid == STORY_SMALL_PROVIDER and code == periods[-1][0]
            year_before = (own & first_with & (a.pl_start >= add_years(np.array([lo]), -1)[0])
                           & (a.pl_start <= add_years(np.array([hi]), -1)[0]))
            cuts = [("", "", year_before)] + [("Age at entry", label, year_before & (entry_age >= lo_age)
                                               & (entry_age < hi_age)) for label, lo_age, hi_age in AGE_GROUPS]
            for dimension, part, who in cuts:
                rows.append(_row(base, "reported_permanency_12m", int(permanent[who].sum()), int(who.sum()),
                                 100, 1, late, dimension, part))
            in_quarter = np.maximum(np.minimum(end, hi + 1) - np.maximum(a.pl_start, lo), 0)
            moves = own & moved & (end >= lo) & (end <= hi)
            rows.append(_row(base, "reported_placement_stability", int(moves.sum()), int(in_quarter[own].sum()),
                             1000, 2, late, "", ""))
    return rows


def _row(base: dict[str, str], indicator: str, numerator: int, denominator: int, scale: int, places: int,
         late: bool, dimension: str, part: str) -> dict[str, str]:
    counted = {"numerator": "", "denominator": "", "value": ""} if late else {
        "numerator": str(numerator), "denominator": str(denominator),
        "value": _value(numerator, denominator, scale, places)}
    return {**base, "indicator_id": indicator, **counted, "breakdown_dimension": dimension, "breakdown_value": part}


def write_reported_figures(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# -- their contracts -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Contract:
    contract_id: str
    provider_id: str
    start: dt.date
    end: dt.date
    cadence: str
    metrics: tuple[tuple[str, float, float | None], ...]  # (indicator, target, floor)


# Targets are the department's: between the catalogue's standard and what the demo's agencies reach, so that
# some meet them and some do not. Where lower is better, the floor is above the target.
STABILITY = ("placement_stability_0_12", 90.0, 80.0)
PERMANENCY = ("reported_permanency_12m", 40.0, 30.0)
MOVES = ("reported_placement_stability", 3.0, 4.48)
REUNIFICATION = ("reunify_12m_entry", 30.0, 20.0)
SCREENING = ("mh_screening_in_home", 90.0, 75.0)
SAFE_AT_HOME = ("no_maltreatment_in_home", 97.0, 95.0)
TERM = (dt.date(2025, 7, 1), dt.date(2027, 6, 30))  # two fiscal years: current on the demo's as_of

CONTRACTS = (
    *(Contract(f"C-2025-{p.provider_id}", p.provider_id, *TERM, "quarterly",
               (STABILITY, PERMANENCY, MOVES, REUNIFICATION) if p.provider_id in ("FFA01", "FFA02", "FFA05")
               else (STABILITY, PERMANENCY) if p.provider_id == STORY_SMALL_PROVIDER
               else (STABILITY, PERMANENCY, MOVES))
      for p in FOSTER_FAMILY_AGENCIES if p.provider_id != STORY_IMPROVED_PROVIDER),
    # The story agency's old contract asked little and had no permanency target; the new one asks more.
    Contract(f"C-2023-{STORY_IMPROVED_PROVIDER}", STORY_IMPROVED_PROVIDER, dt.date(2023, 7, 1),
             CONTRACT_CHANGE - dt.timedelta(days=1), "quarterly",
             (("placement_stability_0_12", 80.0, 70.0), ("reported_placement_stability", 4.48, 5.5))),
    Contract(f"C-2025-{STORY_IMPROVED_PROVIDER}", STORY_IMPROVED_PROVIDER, CONTRACT_CHANGE, TERM[1], "monthly",
             (("placement_stability_0_12", 92.0, 85.0), ("reported_placement_stability", 2.5, 4.0), PERMANENCY,
              REUNIFICATION)),
    *(Contract(f"C-2025-{p.provider_id}", p.provider_id, *TERM, "monthly",
               (SCREENING, SAFE_AT_HOME, ("mh_screening_open_cases", 95.0, None)) if p.provider_id == "IHS01"
               else (SCREENING, SAFE_AT_HOME))
      for p in IN_HOME_AGENCIES),
)


# Who gets a provider's performance review's follow-up: its own people (synthetic addresses at example.org, a
# domain no mail reaches) and the department's contract manager of its program.
MANAGERS = {"Foster care": "Dana Whitfield <dana.whitfield@county.example.org>",
            "Family maintenance": "Marcus Oyelaran <marcus.oyelaran@county.example.org>"}


def contacts(provider_id: str) -> tuple[str, ...]:
    """The provider's people named in its contracts: its director and its quality lead."""
    domain = f"{provider_id.lower()}.example.org"
    return (f"Director <director@{domain}>", f"quality@{domain}")


def contracts_toml() -> str:
    """The contracts as the department keeps them (`statboard contracts check FILE`)."""
    program = {p.provider_id: p.program for p in PROVIDERS}
    name = {p.provider_id: p.name for p in PROVIDERS}
    lines = ["# The demo agency's contracts with its delegate agencies, written by `statboard demo-data`.",
             "# Each metric's target is what the contract asks; below the floor (above it, where lower is",
             "# better) the contract's remedy starts.", ""]
    for c in sorted(CONTRACTS, key=lambda c: (c.provider_id, c.start)):
        lines += ["[[contract]]", f'id = "{c.contract_id}"', f'provider = "{c.provider_id}"  # {name[c.provider_id]}',
                  f'program = "{program[c.provider_id]}"', f"start = {c.start.isoformat()}",
                  f"end = {c.end.isoformat()}", f'cadence = "{c.cadence}"',
                  "contacts = [" + ", ".join(f'"{p}"' for p in contacts(c.provider_id)) + "]",
                  f'manager = "{MANAGERS[program[c.provider_id]]}"', ""]
        for indicator, target, floor in c.metrics:
            lines += ["[[contract.metric]]", f'indicator = "{indicator}"', f"target = {float(target)!r}"]
            if floor is not None:
                lines.append(f"floor = {float(floor)!r}")
            lines.append("")
    return "\n".join(lines)
