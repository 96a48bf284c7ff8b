"""A synthetic agency, deterministic by seed, written as a valid extract (data-contract.md v1).

The data is invented but shaped like a real child-welfare department so that a
Stat meeting has something to talk about:

- offices differ systematically (each has a "practice" profile: response
  times, contact rates, relative placements, stability, screenings);
- referrals follow the school-year season and a slow trend;
- one office (``STORY_TDM_OFFICE``) holds almost no timely Team
  Decision-Making meetings until, a year before ``as_of``, it starts, and
  climbs to about 75%;
- one office has heavy worker turnover; units differ in size, so the small
  ones swing from month to month;
- families come back (recurrence, re-entry), siblings are removed together
  and are sometimes split across homes.

Everything is vectorised with NumPy over whole tables; the only Python loops
run over organisation rows (offices, units, worker slots).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

DEFAULT_AS_OF = dt.date(2026, 11, 10)  # the 10th: the monthly refresh
DEFAULT_SEED = 42
EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class Scale:
    bureaus: int
    offices: int
    units: int
    workers: int
    years: int
    referrals_per_year: int


SCALES = {
    "small": Scale(bureaus=2, offices=6, units=20, workers=110, years=3, referrals_per_year=6_000),
    "county": Scale(bureaus=4, offices=18, units=350, workers=2_500, years=8, referrals_per_year=150_000),
    "state": Scale(bureaus=20, offices=90, units=1_750, workers=12_500, years=8, referrals_per_year=750_000),
}

STORY_TDM_OFFICE = 1  # index of the office whose TDM timeliness climbs from 0% to 75%
STORY_TURNOVER_OFFICE = 2  # index of the office whose workers leave after a year on average

SEASON = np.array([1.05, 1.10, 1.10, 1.05, 1.05, 0.85, 0.80, 0.85, 1.05, 1.10, 1.00, 0.90])
PLACES = ["Alder", "Bayview", "Cedar", "Dunmore", "Elm Park", "Fairview", "Glenwood", "Harbor",
          "Ironwood", "Juniper", "Kingsley", "Lakeside", "Maple", "Northgate", "Oakridge",
          "Pinecrest", "Quarry", "Riverside", "Summit", "Thornton", "Union", "Valley", "Westfield",
          "Yarrow"]
BUREAU_NAMES = ["North", "South", "East", "West", "Central", "Coastal", "Mountain", "Metro",
                "Valley", "Desert"]
FIRST = ["Ana", "Ben", "Carla", "Dev", "Elena", "Femi", "Grace", "Hiro", "Ines", "Jamal", "Kai",
         "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Umar",
         "Vera", "Wes", "Ximena", "Yusuf", "Zoe"]
LAST = ["Adams", "Baker", "Chen", "Diaz", "Evans", "Flores", "Garcia", "Hughes", "Ito", "Jones",
        "Khan", "Lopez", "Moore", "Nguyen", "Okafor", "Patel", "Reyes", "Smith", "Tran", "Usman",
        "Vargas", "Walker", "Young", "Zhang"]
RACE = np.array(["black", "hispanic", "white", "asian", "native american", "multiracial", "unknown"])
RACE_P = np.array([0.24, 0.46, 0.15, 0.05, 0.02, 0.05, 0.03])


DEMO_AGENCY = "Demo County Department of Children and Family Services"


def generate(directory: Path, scale: str = "small", seed: int = DEFAULT_SEED,
             as_of: dt.date = DEFAULT_AS_OF, fmt: str = "csv", providers: bool = True) -> dict[str, int]:
    """Write a complete extract into `directory`; return the row count of each table.

    With `providers` (demodata/providers.py), the extract also names the agencies the department contracts
    with (`providers`, and `provider_id` on placements and in-home cases), and `contracts.toml` and
    `provider-reported.csv` are written beside it; every other table is the same without them."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}: choose csv or parquet")
    agency = Agency(SCALES[scale], np.random.default_rng(seed), as_of)
    tables = agency.build()
    directory.mkdir(parents=True, exist_ok=True)
    for stale in ("contracts.toml", "provider-reported.csv"):
        (directory / stale).unlink(missing_ok=True)
    if providers:
        from demodata import providers as delegates  # it builds on the Agency above
        assignment = delegates.assign(agency, np.random.default_rng([seed, delegates.PROVIDER_STREAM]))
        tables["placements"]["provider_id"] = assignment.placement[agency.pl_order]
        tables["in_home_cases"]["provider_id"] = assignment.in_home[agency.h_order]
        tables["providers"] = delegates.providers_table()
        (directory / "contracts.toml").write_text(delegates.contracts_toml(), encoding="utf-8")
        delegates.write_reported_figures(directory / "provider-reported.csv",
                                         delegates.reported_figures(agency, assignment, as_of))
    else:
        for other in ("csv", "parquet"):
            (directory / f"providers.{other}").unlink(missing_ok=True)
    for name, columns in tables.items():
        _write(directory, name, columns, fmt)
    # The agency's name is what every page shows at the top of the scorecard; how the extract was made is
    # the manifest's business (the loader ignores keys it does not know), not the reader's.
    (directory / "manifest.json").write_text(json.dumps(
        {"as_of": as_of.isoformat(), "agency": DEMO_AGENCY,
         "generated_by": {"command": "statboard demo-data", "scale": scale, "seed": seed}}, indent=2) + "\n")
    return {name: len(next(iter(cols.values()))) for name, cols in tables.items()}


def _write(directory: Path, name: str, columns: dict[str, np.ndarray], fmt: str) -> None:
    for other in ("csv", "parquet"):
        (directory / f"{name}.{other}").unlink(missing_ok=True)
    table = pa.table({col: _text(values) for col, values in columns.items()})
    if fmt == "csv":
        pacsv.write_csv(table, directory / f"{name}.csv")
    else:
        pq.write_table(table, directory / f"{name}.parquet")


def _text(values: np.ndarray) -> pa.Array:
    """Contract text: dates as YYYY-MM-DD, minutes as YYYY-MM-DDTHH:MM, bools as true/false."""
    if values.dtype.kind == "b":
        return pa.array(np.where(values, "true", "false"))
    if values.dtype == np.dtype("datetime64[D]"):
        mask = np.isnat(values)
        return pa.array(np.datetime_as_string(values, unit="D"), mask=mask)
    if values.dtype == np.dtype("datetime64[m]"):
        mask = np.isnat(values)
        return pa.array(np.datetime_as_string(values, unit="m"), mask=mask)
    if values.dtype == object:
        return pa.array(values, pa.string())
    return pa.array(values.astype(str))


def days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def as_dates(day_numbers: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    out = EPOCH + day_numbers.astype("timedelta64[D]")
    if missing is not None:
        out = np.where(missing, np.datetime64("NaT"), out)
    return out


def add_years(day_numbers: np.ndarray, years: int) -> np.ndarray:
    """Calendar years later, 29 February clamped to 28 February (the spec's add_months)."""
    d = as_dates(day_numbers)
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    month_index = (m - y.astype("datetime64[M]")).astype(int)
    day = (d - m.astype("datetime64[D]")).astype(int)
    target_month = (y + years).astype("datetime64[M]") + month_index
    month_len = ((target_month + 1).astype("datetime64[D]") - target_month.astype("datetime64[D]")).astype(int)
    out = target_month.astype("datetime64[D]") + np.minimum(day, month_len - 1)
    return (out - EPOCH).astype(np.int64)


def ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


class Agency:
    """Builds the tables of one synthetic agency; each step reads what earlier steps made."""

    def __init__(self, scale: Scale, rng: np.random.Generator, as_of: dt.date):
        self.s, self.rng = scale, rng
        self.as_of = days(as_of)
        first_month = dt.date(as_of.year - scale.years, as_of.month, 1)
        self.start = days(first_month)

    # -- organisation -------------------------------------------------------------------------

    def organisation(self) -> None:
        s, rng = self.s, self.rng
        self.bureau_of_office = np.sort(np.arange(s.offices) % s.bureaus)
        size = rng.lognormal(0, 0.35, s.offices)
        self.office_weight = size / size.sum()
        # A practice profile per office: positive is better practice.
        self.quality = rng.normal(0, 1, s.offices)
        self.quality[STORY_TURNOVER_OFFICE] = -1.2
        # Units: proportional to office size, at least two per office.
        units_per_office = np.maximum(2, np.round(self.office_weight * s.units)).astype(int)
        units_per_office[np.argmax(units_per_office)] += s.units - units_per_office.sum()
        self.office_of_unit = np.repeat(np.arange(s.offices), units_per_office)
        # Worker slots per unit: most units 5-9, a few tiny ones whose numbers swing.
        slots = np.maximum(2, rng.poisson(s.workers / s.units, s.units))
        slots[rng.random(s.units) < 0.08] = 2
        self.unit_of_slot = np.repeat(np.arange(s.units), slots)
        self.slot_offset = np.concatenate([[0], np.cumsum(slots)])
        self.units_of_office = [np.flatnonzero(self.office_of_unit == o) for o in range(s.offices)]

    def workers(self) -> None:
        """Each slot is held by a sequence of workers; when one leaves, the next is hired."""
        rng = self.rng
        n_slots = len(self.unit_of_slot)
        office = self.office_of_unit[self.unit_of_slot]
        tenure = np.where(office == STORY_TURNOVER_OFFICE, 365.0, 365.0 * 4)
        slot, hire, end = [], [], []
        first_hire = self.start - rng.integers(30, 365 * 8, n_slots)
        for k in range(n_slots):
            h = first_hire[k]
            while True:
                e = h + int(rng.exponential(tenure[k])) + 60
                if h == first_hire[k]:  # whoever holds the slot when the history starts
                    e = max(e, self.start + int(rng.exponential(tenure[k])))
                slot.append(k)
                hire.append(h)
                if e >= self.as_of:
                    end.append(-1)
                    break
                end.append(e)
                h = e + int(rng.integers(1, 45))
                if h > self.as_of:
                    break
        self.w_slot = np.array(slot)
        self.w_hire = np.array(hire)
        self.w_end = np.array(end)
        self.w_key = self.w_slot.astype(np.int64) * 10**6 + self.w_hire

    def pick_workers(self, office: np.ndarray, day: np.ndarray) -> np.ndarray:
        """A worker of `office` in post on `day` (index into the worker arrays)."""
        rng = self.rng
        unit = np.empty(len(office), dtype=np.int64)
        for o, units in enumerate(self.units_of_office):
            at = np.flatnonzero(office == o)
            unit[at] = units[rng.integers(0, len(units), len(at))]
        first, count = self.slot_offset[unit], np.diff(self.slot_offset)[unit]
        slot = first + (rng.random(len(unit)) * count).astype(np.int64)
        key = slot * 10**6 + day
        w = np.searchsorted(self.w_key, key, side="right") - 1
        # Between one worker leaving and the next arriving, the leaver's file is still theirs.
        return np.maximum(w, 0)

    # -- families, referrals ----------------------------------------------------------------

    def families(self) -> None:
        s, rng = self.s, self.rng
        n_days = self.as_of - self.start + 1
        day = np.arange(self.start, self.as_of + 1)
        month = as_dates(day).astype("datetime64[M]").astype(int) % 12
        trend = 1 + 0.02 * (day - self.start) / 365
        weekday = np.where(((day + 3) % 7) >= 5, 0.45, 1.0)  # 1970-01-01 was a Thursday
        w = SEASON[month] * trend * weekday
        children_per_family = 1.6
        n_events = int(s.referrals_per_year * n_days / 365 / children_per_family / 1.08)
        self.f_day = np.sort(rng.choice(day, n_events, p=w / w.sum()))
        self.f_office = rng.choice(s.offices, n_events, p=self.office_weight)
        self.f_size = 1 + np.minimum(rng.poisson(0.6, n_events), 4)
        # The eldest's age; siblings are younger by one to four years each.
        self.f_age = np.minimum(17.9, rng.gamma(2.0, 3.2, n_events))

    def children(self) -> None:
        rng = self.rng
        n_fam = len(self.f_day)
        self.c_family = np.repeat(np.arange(n_fam), self.f_size)
        order = np.arange(len(self.c_family)) - np.repeat(np.cumsum(self.f_size) - self.f_size, self.f_size)
        age_years = np.maximum(0.05, self.f_age[self.c_family] - order * rng.uniform(1, 4, len(order)))
        self.c_birth = self.f_day[self.c_family] - (age_years * 365.25).astype(np.int64)
        self.c_b18 = add_years(self.c_birth, 18)
        self.c_sex = rng.choice(np.array(["f", "m", "x", "u"]), len(order), p=[0.49, 0.49, 0.005, 0.015])
        family_race = rng.choice(RACE, n_fam, p=RACE_P)
        self.c_race = family_race[self.c_family]
        self.c_group = np.where(self.f_size[self.c_family] > 1,
                                np.char.add("SG", np.char.zfill(self.c_family.astype(str), 7)), None)

    def referrals(self) -> None:
        """A first referral for every family, and for some a later one (recurrence)."""
        rng = self.rng
        n_fam = len(self.f_day)
        q = self.quality[self.f_office]
        back = rng.random(n_fam) < 0.10 - 0.025 * q
        gap = np.where(rng.random(n_fam) < 0.15, rng.integers(1, 15, n_fam), rng.integers(15, 600, n_fam))
        second_day = self.f_day + gap
        back &= second_day <= self.as_of
        fam = np.concatenate([np.arange(n_fam), np.flatnonzero(back)])
        fday = np.concatenate([self.f_day, second_day[back]])
        self.e_family, self.e_day, self.e_round = fam, fday, np.concatenate(
            [np.zeros(n_fam, int), np.ones(back.sum(), int)])
        n_ev = len(fam)
        office = self.f_office[fam]
        self.e_office = office
        self.e_worker = self.pick_workers(office, fday)
        rtype = rng.choice(np.array(["immediate", "five_day", "evaluated_out"]), n_ev, p=[0.2, 0.55, 0.25])
        self.e_rtype = rtype
        disp = rng.choice(np.array(["substantiated", "inconclusive", "unfounded"]), n_ev, p=[0.25, 0.25, 0.5])
        disp = np.where(self.e_round == 1, np.where(rng.random(n_ev) < 0.5, "substantiated", disp), disp)
        minute = rng.integers(0, 24 * 60, n_ev)
        # Investigations: time to first contact by response type and office practice.
        qo = self.quality[office]
        late = rng.random(n_ev) < 0.09 - 0.04 * qo
        hours = np.where(rtype == "immediate",
                         np.where(late, rng.uniform(24.02, 72, n_ev), rng.uniform(0.5, 24, n_ev)),
                         np.where(late, rng.uniform(6 * 24, 15 * 24, n_ev), rng.uniform(2, 5 * 24, n_ev)))
        contact_min = minute + (hours * 60).astype(np.int64)
        has_contact = (rtype != "evaluated_out") & (rng.random(n_ev) < 0.985)
        contact_day = fday + contact_min // (24 * 60)
        has_contact &= contact_day <= self.as_of
        duration = rng.gamma(2.5, (12 - 3 * qo).clip(5, 30))
        disp_day = np.where(has_contact, contact_day, fday) + duration.astype(np.int64)
        closed = (rtype != "evaluated_out") & has_contact & (disp_day <= self.as_of)
        # What the investigation will find, even where the extract does not show it yet.
        self.e_finding = np.where((rtype != "evaluated_out") & (rng.random(n_ev) < 0.985), disp, None)
        self.e_finding_day = np.where(has_contact, contact_day, fday + 2) + duration.astype(np.int64)
        self.e_disp = np.where(closed, disp, None)
        self.e_disp_day = np.where(closed, disp_day, -1)
        self.e_received = fday * 24 * 60 + minute
        self.e_contact = np.where(has_contact, fday * 24 * 60 + contact_min, -1)

        # One referral row per child of the family.
        self.r_event, self.r_child = self.children_of(fam)

    def in_care_from_the_start(self, rem, dis, open_, child, most: int = 12) -> np.ndarray:
        """Removal days with a few long stays begun in the first weeks moved to the history's first day.

        `permanency_24m_plus` counts children in care 24 months on the first day of a 12-month window, so with
        three years of history only a removal on the very first day can be counted (in the last month). Without
        these the demo would leave a Tier I indicator empty. Chosen without the random generator, so everything
        else the seed draws stays the same."""
        early = (rem >= self.start) & (rem < self.start + 60)
        long = open_ | (dis >= self.start + 800)
        young = self.c_b18[child] > self.start + 800
        first = np.flatnonzero(early & long & young)[:most]
        rem = rem.copy()
        rem[first] = self.start
        return rem

    def children_of(self, families: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every child of each family in `families`: (position in `families`, child index)."""
        size = self.f_size[families]
        first_child = (np.cumsum(self.f_size) - self.f_size)[families]
        position = np.repeat(np.arange(len(families)), size)
        within = np.arange(len(position)) - np.repeat(np.cumsum(size) - size, size)
        return position, first_child[position] + within

    # -- services -----------------------------------------------------------------------------

    def episodes(self) -> None:
        """Removals after substantiated referrals; the whole family is removed together."""
        rng = self.rng
        n_ev = len(self.e_day)
        q = self.quality[self.e_office]
        subst = self.e_finding == "substantiated"
        removed = subst & (rng.random(n_ev) < 0.36)
        # Removals happen during the investigation, before the extract shows its disposition.
        removal = np.where(removed, self.e_finding_day - rng.integers(0, 10, n_ev), -1)
        removal = np.where(removed, np.maximum(removal, self.e_day), -1)
        short = rng.random(n_ev) < 0.05
        median_stay = 420 - 60 * q
        stay = np.where(short, rng.integers(1, 8, n_ev), rng.lognormal(np.log(median_stay), 0.75).astype(np.int64) + 8)
        discharge = removal + stay
        # A re-referral that finds the family still in care removes no one.
        first_of_family = np.full(len(self.f_day), -1)
        first_events = np.flatnonzero(removed & (self.e_round == 0))
        first_of_family[self.e_family[first_events]] = first_events
        second = np.flatnonzero(removed & (self.e_round == 1))
        prior = first_of_family[self.e_family[second]]
        blocked = (prior >= 0) & (discharge[np.maximum(prior, 0)] > removal[second])
        removed[second[blocked]] = False
        ev = np.flatnonzero(removed)
        # Family plans: discharge reason by stay, the same for all the children.
        reason = rng.choice(np.array(["reunification", "relative", "guardianship", "adoption", "transfer",
                                      "runaway", "other", "death"]), len(ev),
                            p=[0.6, 0.1, 0.1, 0.1, 0.03, 0.03, 0.035, 0.005])
        long_stay = stay[ev] > 700
        reason = np.where(long_stay & (rng.random(len(ev)) < 0.4), "adoption", reason)
        reason = np.where(stay[ev] < 8, "reunification", reason)

        # Child level.
        rep, child = self.children_of(self.e_family[ev])
        ev_c = ev[rep]
        rem = removal[ev_c]
        keep = (rem <= self.as_of) & (rem < self.c_b18[child])
        rep, child, ev_c, rem = rep[keep], child[keep], ev_c[keep], rem[keep]
        dis = discharge[ev_c]
        why = reason[rep].astype(object)
        b18 = self.c_b18[child]
        ages_out = dis >= b18
        dis = np.where(ages_out, b18, dis)
        why = np.where(ages_out, np.where(rng.random(len(dis)) < 0.8, "emancipation", why), why)
        open_ = dis > self.as_of
        rem = self.in_care_from_the_start(rem, dis, open_, child)
        self.x_child, self.x_event = child, ev_c
        self.x_removal, self.x_discharge = rem, np.where(open_, -1, dis)
        self.x_reason = np.where(open_, None, why)
        self.x_office = self.e_office[ev_c]
        self.x_worker = self.pick_workers(self.x_office, rem)
        # Team Decision-Making: the story office starts holding timely TDMs a year before as_of.
        qx = self.quality[self.x_office]
        p_tdm = np.clip(0.58 + 0.08 * qx, 0.3, 0.85)
        story = self.x_office == STORY_TDM_OFFICE
        ramp = np.clip((rem - (self.as_of - 395)) / 300, 0, 1)  # 0% a year ago, 75% by the summer
        p_tdm = np.where(story, 0.75 * ramp, p_tdm)
        timely = rng.random(len(rem)) < p_tdm
        held_late = ~timely & (rng.random(len(rem)) < 0.5)
        tdm = np.where(timely, rem + rng.integers(-30, 4, len(rem)),
                       np.where(held_late, rem + rng.integers(4, 40, len(rem)), -1))
        tdm = np.where(tdm > self.as_of, -1, tdm)
        self.x_tdm = tdm

    def placements(self) -> None:
        """Consecutive placements from removal to discharge; siblings often share every home."""
        rng = self.rng
        n = len(self.x_child)
        q = self.quality[self.x_office]
        end = np.where(self.x_discharge >= 0, self.x_discharge, self.as_of)
        length = np.maximum(end - self.x_removal, 0)
        moves = rng.poisson((0.5 - 0.12 * q).clip(0.15, 1.2) * (1 + length / 365))
        moves = np.minimum(moves, length // 10)
        # Siblings placed together follow the eldest's plan: the same moves, days and homes.
        ev_ids, ev_index = np.unique(self.x_event, return_inverse=True)
        together = rng.random(len(ev_ids)) < np.clip(0.72 + 0.1 * self.quality[self.e_office[ev_ids]], 0.4, 0.92)
        eldest = np.full(len(ev_ids), n)
        np.minimum.at(eldest, ev_index, np.arange(n))
        leader = np.where(together[ev_index], eldest[ev_index], np.arange(n))
        moves = moves[leader]
        count = moves + 1
        row_first = np.cumsum(count) - count
        ep = np.repeat(np.arange(n), count)
        k = np.arange(len(ep)) - row_first[ep]
        # Placement lengths: at least a day each, the rest of the stay shared at random.
        w = rng.exponential(1.0, len(ep))
        w = w / np.add.reduceat(w, row_first)[ep]
        spare = np.maximum(length[ep] - count[ep], 0)
        seg = 1 + np.floor(w * spare).astype(np.int64)
        offset = np.cumsum(seg) - seg - (np.cumsum(seg) - seg)[row_first][ep]
        lead_row = row_first[leader[ep]] + k
        start = self.x_removal[ep] + offset[lead_row]
        last = k == count[ep] - 1
        nxt = np.append(start[1:], -1)
        own_end = self.x_discharge[ep]
        stop = np.where(last, own_end, nxt)
        # A sibling who ages out first leaves the shared home on their own discharge day.
        stop = np.where((own_end >= 0) & ((stop < 0) | (stop > own_end)), own_end, stop)
        keep = (k == 0) | (own_end < 0) | (start < own_end)
        age = (start - self.c_birth[self.x_child[ep]]) / 365.25
        p_rel = np.clip(0.36 + 0.08 * q[ep], 0.15, 0.6)
        u = rng.random(len(ep))
        setting = np.where(u < p_rel, "relative",
                           np.where(u < p_rel + 0.38, "foster_family",
                                    np.where(u < p_rel + 0.46, "group_home",
                                             np.where(u < p_rel + 0.48, "institution", "pre_adoptive"))))
        setting = np.where((age >= 16) & (rng.random(len(ep)) < 0.3), "supervised_independent", setting)
        setting = np.where((k > 0) & (rng.random(len(ep)) < 0.02), "runaway", setting)
        reunifies = self.x_reason[ep] == "reunification"
        setting = np.where(last & (k > 0) & reunifies & (rng.random(len(ep)) < 0.35), "trial_home_visit", setting)
        setting = np.where((k == 0) & (setting == "pre_adoptive"), "foster_family", setting)
        home = np.arange(1, len(ep) + 1)
        # The same home twice: now and then a child goes back to the home before last.
        back = (k >= 2) & (rng.random(len(ep)) < 0.08)
        home = np.where(back, home[np.maximum(np.arange(len(ep)) - 2, 0)], home)
        setting, home = setting[lead_row], home[lead_row]
        family_home = (setting == "trial_home_visit") | (setting == "runaway")
        family = self.e_family[self.x_event[ep]]
        self.pl_episode = ep[keep]
        self.pl_start, self.pl_end = start[keep], stop[keep]
        self.pl_setting = setting[keep]
        self.pl_home = np.where(family_home, np.char.add("HF", np.char.zfill(family.astype(str), 8)),
                                np.char.add("H", np.char.zfill(home.astype(str), 8)))[keep].astype(object)

    def in_home_cases(self) -> None:
        rng = self.rng
        n_ev = len(self.e_day)
        q = self.quality[self.e_office]
        removed_events = np.zeros(n_ev, bool)
        removed_events[self.x_event] = True
        eligible = ~removed_events & np.isin(self.e_finding, ["substantiated", "inconclusive"])
        opens = eligible & (rng.random(n_ev) < np.where(self.e_finding == "substantiated", 0.6, 0.25))
        ev = np.flatnonzero(opens)
        opened = self.e_finding_day[ev] + rng.integers(0, 15, len(ev))
        length = rng.lognormal(np.log(200 - 20 * q[ev]), 0.6).astype(np.int64) + 30
        rep, child = self.children_of(self.e_family[ev])
        op = opened[rep]
        keep = (op <= self.as_of) & (op < self.c_b18[child])
        rep, child, op = rep[keep], child[keep], op[keep]
        closed = op + length[rep]
        closed = np.where(closed > self.as_of, -1, closed)
        self.h_child, self.h_opened, self.h_closed = child, op, closed
        self.h_office = self.e_office[ev[rep]]
        self.h_worker = self.pick_workers(self.h_office, op)

    def contacts(self) -> None:
        """Monthly visits during investigations, episodes and in-home cases."""
        rng = self.rng
        spans = [
            (self.x_child, self.x_worker, self.x_removal, self.x_discharge, self.x_office),
            (self.h_child, self.h_worker, self.h_opened, self.h_closed, self.h_office),
        ]
        # Children of investigations still open beyond their first contact are visited too.
        r_open_from = np.where(self.e_contact >= 0, self.e_contact // (24 * 60), -1)[self.r_event]
        r_open_to = np.where(self.e_disp_day >= 0, self.e_disp_day, self.as_of)[self.r_event]
        has = (r_open_from >= 0) & (r_open_to - r_open_from > 20)
        spans.append((self.r_child[has], self.e_worker[self.r_event][has], r_open_from[has] + 1,
                      r_open_to[has], self.e_office[self.r_event][has]))
        child, worker, day, office = [], [], [], []
        for c, w, start, stop, o in spans:
            stop = np.where(stop < 0, self.as_of, stop)
            m0 = as_dates(start).astype("datetime64[M]").astype(np.int64)
            m1 = as_dates(stop).astype("datetime64[M]").astype(np.int64)
            n = np.maximum(m1 - m0 + 1, 0)
            idx = np.repeat(np.arange(len(c)), n)
            mon = m0[idx] + np.arange(len(idx)) - np.repeat(np.cumsum(n) - n, n)
            first = (np.datetime64("1970-01", "M") + mon.astype("timedelta64[M]")).astype("datetime64[D]")
            last = (np.datetime64("1970-01", "M") + (mon + 1).astype("timedelta64[M]")).astype("datetime64[D]") - 1
            lo = np.maximum((first - EPOCH).astype(np.int64), start[idx])
            hi = np.minimum((last - EPOCH).astype(np.int64), stop[idx])
            q = self.quality[o[idx]]
            visits = (rng.random(len(idx)) < np.clip(0.93 + 0.025 * q, 0.75, 0.995)).astype(int)
            visits += rng.random(len(idx)) < 0.3
            idx2 = np.repeat(np.arange(len(idx)), visits)
            d = lo[idx2] + (rng.random(len(idx2)) * (hi[idx2] - lo[idx2] + 1)).astype(np.int64)
            ok = (d <= self.as_of) & (hi[idx2] >= lo[idx2])
            child.append(c[idx][idx2][ok])
            worker.append(w[idx][idx2][ok])
            day.append(d[ok])
            office.append(o[idx][idx2][ok])
        self.k_child = np.concatenate(child)
        self.k_worker = np.concatenate(worker)
        self.k_day = np.concatenate(day)
        order = np.argsort(self.k_day, kind="stable")
        self.k_child, self.k_worker, self.k_day = self.k_child[order], self.k_worker[order], self.k_day[order]
        n = len(self.k_day)
        self.k_in_person = rng.random(n) < 0.93
        self.k_completed = rng.random(n) < 0.96

    def exams(self) -> None:
        """Medical, dental and mental-health screenings after removal or case opening, then yearly."""
        rng = self.rng
        rows_child, rows_type, rows_day = [], [], []
        q_x = self.quality[self.x_office]
        end_x = np.where(self.x_discharge >= 0, self.x_discharge, self.as_of)
        q_h = self.quality[self.h_office]
        end_h = np.where(self.h_closed >= 0, self.h_closed, self.as_of)
        plans = [
            (self.x_child, self.x_removal, end_x, "medical", np.clip(0.86 + 0.05 * q_x, 0.5, 0.98), 25),
            (self.x_child, self.x_removal, end_x, "dental", np.clip(0.68 + 0.08 * q_x, 0.3, 0.95), 50),
            (self.x_child, self.x_removal, end_x, "mental_health_screening", np.clip(0.85 + 0.06 * q_x, 0.5, 0.98), 28),
            (self.h_child, self.h_opened, end_h, "mental_health_screening", np.clip(0.82 + 0.06 * q_h, 0.5, 0.98), 28),
        ]
        for child, start, stop, kind, p, within in plans:
            years = np.maximum((stop - start) // 365, 0) + 1
            idx = np.repeat(np.arange(len(child)), years)
            k = np.arange(len(idx)) - np.repeat(np.cumsum(years) - years, years)
            late = rng.random(len(idx)) >= p[idx]
            offset = np.where(late, rng.integers(within + 10, within + 90, len(idx)),
                              rng.integers(0, within + 1, len(idx)))
            d = start[idx] + 365 * k + offset
            if kind == "dental":
                d = np.maximum(d, self.c_birth[child[idx]] + 366)
            ok = (d <= self.as_of) & (d <= stop[idx] + 20)
            rows_child.append(child[idx][ok])
            rows_type.append(np.full(ok.sum(), kind, dtype=object))
            rows_day.append(d[ok])
        self.m_child = np.concatenate(rows_child)
        self.m_type = np.concatenate(rows_type)
        self.m_day = np.concatenate(rows_day)
        order = np.argsort(self.m_day, kind="stable")
        self.m_child, self.m_type, self.m_day = self.m_child[order], self.m_type[order], self.m_day[order]

    # -- output ------------------------------------------------------------------------------

    def build(self) -> dict[str, dict[str, np.ndarray]]:
        self.organisation()
        self.workers()
        self.families()
        self.children()
        self.referrals()
        self.episodes()
        self.placements()
        self.in_home_cases()
        self.contacts()
        self.exams()
        return self.tables()

    def tables(self) -> dict[str, dict[str, np.ndarray]]:
        s, rng = self.s, self.rng
        bureau_ids = ids("B", s.bureaus, 2)
        office_ids = ids("O", s.offices, 3)
        unit_ids = ids("U", s.units, 4)
        worker_ids = np.char.zfill(np.arange(1, len(self.w_slot) + 1).astype(str), 6).astype(object)
        child_ids = np.char.zfill(np.arange(1, len(self.c_family) + 1).astype(str), 8).astype(object)
        peer = np.array(["urban-core", "urban", "suburban", "rural"], dtype=object)
        size_rank = np.argsort(np.argsort(-self.office_weight))
        office_peer = peer[np.minimum(size_rank * 4 // max(s.offices, 1), 3)]
        office_peer[rng.random(s.offices) < 0.1] = None  # not every office has a peer group
        places = [PLACES[i % len(PLACES)] + ("" if i < len(PLACES) else f" {i // len(PLACES) + 1}")
                  for i in range(s.offices)]
        first = rng.choice(np.array(FIRST, dtype=object), len(self.w_slot))
        last = rng.choice(np.array(LAST, dtype=object), len(self.w_slot))
        unit_in_office = np.arange(s.units) - np.searchsorted(self.office_of_unit, self.office_of_unit)
        worker_unit = self.unit_of_slot[self.w_slot]
        n_ref = len(self.r_event)
        ev = self.r_event
        ref_order = np.argsort(self.e_received[ev], kind="stable")
        ev, r_child = ev[ref_order], self.r_child[ref_order]
        minutes = lambda m: np.where(m < 0, np.datetime64("NaT"),
                                     np.datetime64("1970-01-01T00:00", "m") + m.astype("timedelta64[m]"))
        ep_order = np.argsort(self.x_removal, kind="stable")
        episode_ids = np.empty(len(self.x_child), dtype=object)
        episode_ids[ep_order] = ids("E", len(self.x_child), 8)
        # The orders the rows are written in, kept for the columns added afterwards (demodata/providers.py).
        self.pl_order = pl_order = np.lexsort((self.pl_start, episode_ids[self.pl_episode].astype(str)))
        self.h_order = h_order = np.argsort(self.h_opened, kind="stable")
        return {
            "bureaus": {"bureau_id": bureau_ids,
                        "bureau_name": np.array([f"{BUREAU_NAMES[i % len(BUREAU_NAMES)]} Bureau"
                                                 + ("" if i < len(BUREAU_NAMES) else f" {i // len(BUREAU_NAMES) + 1}")
                                                 for i in range(s.bureaus)], dtype=object)},
            "offices": {"office_id": office_ids,
                        "office_name": np.array([f"{p} Office" for p in places], dtype=object),
                        "bureau_id": bureau_ids[self.bureau_of_office],
                        "peer_group": office_peer},
            "units": {"unit_id": unit_ids,
                      "unit_name": np.array([f"{places[o]} Unit {k + 1}" for o, k in
                                             zip(self.office_of_unit, unit_in_office)], dtype=object),
                      "office_id": office_ids[self.office_of_unit]},
            "workers": {"worker_id": worker_ids,
                        "worker_name": np.char.add(np.char.add(first.astype(str), " "), last.astype(str)).astype(object),
                        "unit_id": unit_ids[worker_unit],
                        "hire_date": as_dates(self.w_hire),
                        "end_date": as_dates(np.maximum(self.w_end, 0), self.w_end < 0)},
            # Every child is named on their family's first referral, so all of them are written.
            "children": {"child_id": child_ids,
                         "birth_date": as_dates(self.c_birth),
                         "sex": self.c_sex.astype(object),
                         "race_ethnicity": self.c_race.astype(object),
                         "sibling_group_id": self.c_group},
            "referrals": {"referral_id": ids("R", n_ref, 9),
                          "child_id": child_ids[r_child],
                          "worker_id": worker_ids[self.e_worker[ev]],
                          "received_at": minutes(self.e_received[ev]),
                          "response_type": self.e_rtype[ev].astype(object),
                          "first_contact_at": minutes(self.e_contact[ev]),
                          "disposition": self.e_disp[ev],
                          "disposition_date": as_dates(np.maximum(self.e_disp_day[ev], 0), self.e_disp_day[ev] < 0)},
            "episodes": {"episode_id": episode_ids[ep_order],
                         "child_id": child_ids[self.x_child[ep_order]],
                         "worker_id": worker_ids[self.x_worker[ep_order]],
                         "removal_date": as_dates(self.x_removal[ep_order]),
                         "discharge_date": as_dates(np.maximum(self.x_discharge[ep_order], 0),
                                                    self.x_discharge[ep_order] < 0),
                         "discharge_reason": self.x_reason[ep_order],
                         "tdm_date": as_dates(np.maximum(self.x_tdm[ep_order], 0), self.x_tdm[ep_order] < 0)},
            "placements": {"placement_id": ids("P", len(pl_order), 9),
                           "episode_id": episode_ids[self.pl_episode[pl_order]],
                           "home_id": self.pl_home[pl_order],
                           "setting": self.pl_setting[pl_order].astype(object),
                           "start_date": as_dates(self.pl_start[pl_order]),
                           "end_date": as_dates(np.maximum(self.pl_end[pl_order], 0), self.pl_end[pl_order] < 0)},
            "in_home_cases": {"case_id": ids("F", len(h_order), 8),
                              "child_id": child_ids[self.h_child[h_order]],
                              "worker_id": worker_ids[self.h_worker[h_order]],
                              "opened_date": as_dates(self.h_opened[h_order]),
                              "closed_date": as_dates(np.maximum(self.h_closed[h_order], 0), self.h_closed[h_order] < 0)},
            "contacts": {"contact_id": ids("K", len(self.k_day), 10),
                         "child_id": child_ids[self.k_child],
                         "worker_id": worker_ids[self.k_worker],
                         "contact_date": as_dates(self.k_day),
                         "in_person": self.k_in_person,
                         "completed": self.k_completed},
            "exams": {"exam_id": ids("X", len(self.m_day), 9),
                      "child_id": child_ids[self.m_child],
                      "exam_type": self.m_type,
                      "exam_date": as_dates(self.m_day)},
        }

