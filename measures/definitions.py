"""Each indicator's members, as SQL over the loaded extract, for every report month at once.

One function per indicator, named as in ``docs/indicators.md``; the
spec's wording is quoted where it decides a boundary. Every query returns the
same columns, one row per member per report month:

    month, member_type, member_id, child_id, worker_id, numerator, denominator

``month`` is the first day of the report month ``M``. The report months come
from ``{months}``: the ``report_months`` table (``month``, ``me``) when the
cells are built, or one month of it when the members behind a cell are listed.
The few spellings that differ between engines come from ``d``, a
``queries.dialects`` ``SqlDialect``; everything else is SQL both DuckDB and
PostgreSQL read alike (``date - date`` is days, ``date + n`` adds days).

Met flags that need another table are computed as semi-joins (``where exists``
in a CTE) and joined back, never as a correlated subquery per row: the query
planners of both engines turn the former into a hash join.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

PERM = "('reunification', 'relative', 'guardianship', 'adoption')"


@dataclass(frozen=True)
class Rule:
    """How one indicator is computed: its kind, which direction is better, and its members' SQL."""
    id: str
    kind: str                # proportion, rate, median, count
    direction: str | None    # higher or lower; None for a count
    member_types: tuple[str, ...]
    sql: Callable            # (dialect, months) -> SQL text


RULES: dict[str, Rule] = {}

# Indicators whose cells count the same members (one's denominator is the other's count), so a viewer's
# small-cell suppression hides a cell in all of them or in none (queries/disclosure.py): otherwise a
# hidden count would come back as the other indicator's denominator. tests/test_disclosure.py checks on
# the demo that no other pair of indicators shares its denominators.
DENOMINATOR_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("entries", "entry_timely_tdm"),  # the removals in M: counted, and the TDM proportion's denominator
)


def rule(kind: str, direction: str | None, *member_types: str):
    def register(func):
        RULES[func.__name__] = Rule(func.__name__, kind, direction, member_types, func)
        return func
    return register


# -- shared parts ---------------------------------------------------------------------------------

def window(d, months: str, n: int, lag: int) -> str:
    """W(n, lag): the n whole months ending lag months before M, as p0 (first day) and p1 (last day)."""
    return (f"select month, me, {d.add_months('month', -(lag + n - 1))} as p0, "
            f"{d.add_months('month', 1 - lag)} - 1 as p1 from {months}")


def kids(d) -> str:
    """Children with their 18th birthday b18 = add_months(birth_date, 216)."""
    return (f"select child_id, birth_date, sibling_group_id, {d.add_months('birth_date', 216)} as b18 "
            "from children")


EPISODES = """select e.episode_id, e.child_id, e.worker_id, e.removal_date, e.discharge_date,
           e.discharge_reason, e.tdm_date, c.birth_date, c.b18, c.sibling_group_id,
           e.discharge_date - e.removal_date as stay,
           coalesce(e.discharge_date - e.removal_date < 8, false) as short
    from episodes e join kids c on c.child_id = e.child_id"""


def common(d, months: str, n: int, lag: int) -> str:
    """The CTEs most indicators start from: kids, eps (episodes with b18, stay, short) and win."""
    return (f"with kids as (\n    -- children and their 18th birthday\n    {kids(d)}),\n"
            f"eps as (\n    -- episodes with the child's b18, the stay in days and whether it is short (< 8 days)\n"
            f"    {EPISODES}),\n"
            f"win as (\n    -- the window W({n},{lag}) of each report month\n    {window(d, months, n, lag)})")


def in_care_on(day: str, e: str = "e") -> str:
    """An episode is in care on a day: removed on or before it and not discharged by it."""
    return f"{e}.removal_date <= {day} and ({e}.discharge_date is null or {e}.discharge_date > {day})"


PLACED_ON_ME = """placed as (
    -- the placement on me: among those current on me, the latest start (ties: greatest placement_id)
    select w.month, p.episode_id, p.home_id, p.setting,
           row_number() over (partition by w.month, p.episode_id
                              order by p.start_date desc, p.placement_id desc) as k
    from win w join placements p on p.start_date <= w.me and (p.end_date is null or p.end_date > w.me))"""


def _flag(hit: str) -> str:
    return f"case when {hit} then 1 else 0 end"


# -- Tier I ---------------------------------------------------------------------------------------

@rule("proportion", "higher", "child")
def no_recurrence(d, months):
    return f"""-- no_recurrence: children with a substantiated referral dated in W(12,12) while under 18;
-- met when the child has no other substantiated referral 15 to 365 days after the first one
{common(d, months, 12, 12)},
substantiated as (
    -- every substantiated referral, with the day it was received
    select r.referral_id, r.child_id, r.worker_id, r.received_at, cast(r.received_at as date) as d, c.b18
    from referrals r join kids c on c.child_id = r.child_id
    where r.disposition = 'substantiated'),
recurred as (
    -- referrals followed by another substantiated referral of the child 15 to 365 days later
    select s.referral_id from substantiated s
    where exists (select 1 from substantiated o
                  where o.child_id = s.child_id and o.referral_id <> s.referral_id
                    and o.d between s.d + 15 and s.d + 365)),
firsts as (
    -- r1: each child's first such referral in the window (earliest received_at, then least referral_id)
    select w.month, s.referral_id, s.child_id, s.worker_id,
           row_number() over (partition by w.month, s.child_id
                              order by s.received_at, s.referral_id) as k
    from win w join substantiated s on s.d between w.p0 and w.p1
    where s.d < s.b18)
select f.month, 'child' as member_type, f.child_id as member_id, f.child_id, f.worker_id,
       {_flag('r.referral_id is null')} as numerator, 1 as denominator
from firsts f left join recurred r on r.referral_id = f.referral_id
where f.k = 1"""


@rule("count", None, "episode")
def entries(d, months):
    return f"""-- entries: episodes with removal_date in W(1,0)
with win as (
    -- the report month itself
    {window(d, months, 1, 0)})
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       1 as numerator, 1 as denominator
from win w join episodes e on e.removal_date between w.p0 and w.p1"""


@rule("proportion", "higher", "episode")
def reunify_12m_entry(d, months):
    return f"""-- reunify_12m_entry: entries in W(12,12), under 18 at removal, not short;
-- met when reunified before add_months(removal_date, 12) and before the 18th birthday
{common(d, months, 12, 12)}
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       {_flag(f"e.discharge_reason = 'reunification' and e.discharge_date < {d.add_months('e.removal_date', 12)} "
              "and e.discharge_date < e.b18")} as numerator,
       1 as denominator
from win w join eps e on e.removal_date between w.p0 and w.p1
where e.removal_date < e.b18 and not e.short"""


@rule("proportion", "higher", "episode")
def permanency_24m_plus(d, months):
    return f"""-- permanency_24m_plus: episodes in care on p0 of W(12,0) for 24 months or more, child under 18 on p0;
-- met when discharged by p1 to permanency, before the 18th birthday
{common(d, months, 12, 0)}
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       {_flag(f"e.discharge_date <= w.p1 and e.discharge_reason in {PERM} and e.discharge_date < e.b18")}
           as numerator,
       1 as denominator
from win w join eps e on {in_care_on('w.p0')}
where {d.add_months('e.removal_date', 24)} <= w.p0 and w.p0 < e.b18"""


@rule("proportion", "lower", "episode")
def reentry(d, months):
    return f"""-- reentry: exits in W(12,12) to reunification, a relative or guardianship, under 18 at exit;
-- met (the bad outcome) when the child is removed again after the exit day and within 12 months
{common(d, months, 12, 12)},
reentered as (
    -- exits followed by a removal of the same child (a removal on the exit day is not a re-entry)
    select e.episode_id from eps e
    where exists (select 1 from episodes n
                  where n.child_id = e.child_id and n.removal_date > e.discharge_date
                    and n.removal_date <= {d.add_months('e.discharge_date', 12)}))
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       {_flag('r.episode_id is not null')} as numerator, 1 as denominator
from win w join eps e on e.discharge_date between w.p0 and w.p1
left join reentered r on r.episode_id = e.episode_id
where e.discharge_reason in ('reunification', 'relative', 'guardianship') and e.discharge_date < e.b18"""


@rule("proportion", "higher", "episode")
def placement_with_relatives(d, months):
    return f"""-- placement_with_relatives: episodes in care on me, child under 18 on me;
-- met when the placement on me is with a relative
{common(d, months, 1, 0)},
{PLACED_ON_ME}
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       {_flag("p.setting = 'relative'")} as numerator, 1 as denominator
from win w join eps e on {in_care_on('w.me')}
left join placed p on p.month = w.month and p.episode_id = e.episode_id and p.k = 1
where w.me < e.b18"""


@rule("proportion", "lower", "episode")
def in_care_3yrs_emancipated(d, months):
    return f"""-- in_care_3yrs_emancipated: exits in W(12,0) by emancipation or at 18 or older;
-- met (the bad outcome) when the stay reached add_months(removal_date, 36)
{common(d, months, 12, 0)}
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       {_flag(f"e.discharge_date >= {d.add_months('e.removal_date', 36)}")} as numerator, 1 as denominator
from win w join eps e on e.discharge_date between w.p0 and w.p1
where e.discharge_reason = 'emancipation' or e.discharge_date >= e.b18"""


# -- Tier II --------------------------------------------------------------------------------------

@rule("rate", "lower", "episode")
def maltreatment_in_care(d, months):
    return f"""-- maltreatment_in_care: episodes not short with days in care in W(12,0);
-- numerator: substantiated referrals about the child in care (from removal_date + 7, before
-- discharge and the 18th birthday, within the window); denominator: the days in care in the window
{common(d, months, 12, 0)},
spans as (
    -- days = min(discharge_date, b18, p1 + 1) - max(removal_date, p0); a NULL discharge drops out
    select w.month, w.p0, w.p1, e.episode_id, e.child_id, e.worker_id, e.removal_date,
           e.discharge_date, e.b18,
           least(coalesce(e.discharge_date, e.b18), e.b18, w.p1 + 1) - greatest(e.removal_date, w.p0) as days
    from win w join eps e on e.removal_date <= w.p1 and (e.discharge_date is null or e.discharge_date > w.p0)
    where not e.short),
victimizations as (
    -- the child's substantiated referrals while in care, counted per member
    select s.month, s.episode_id, count(*) as n
    from spans s join referrals r on r.child_id = s.child_id
    where r.disposition = 'substantiated'
      and cast(r.received_at as date) between s.p0 and s.p1
      and cast(r.received_at as date) >= s.removal_date + 7
      and (s.discharge_date is null or cast(r.received_at as date) < s.discharge_date)
      and cast(r.received_at as date) < s.b18
    group by s.month, s.episode_id)
select s.month, 'episode' as member_type, s.episode_id as member_id, s.child_id, s.worker_id,
       coalesce(v.n, 0) as numerator, s.days as denominator
from spans s left join victimizations v on v.month = s.month and v.episode_id = s.episode_id
where s.days > 0"""


@rule("proportion", "higher", "in_home_case")
def no_maltreatment_in_home(d, months):
    return f"""-- no_maltreatment_in_home: in-home cases open at some time in W(12,0), child under 18 on
-- s = max(opened_date, p0); met when no substantiated referral of the child is dated in [s, t],
-- t = p1, or closed_date - 1 day when that is earlier
{common(d, months, 12, 0)},
open_cases as (
    select w.month, h.case_id, h.child_id, h.worker_id, c.b18,
           greatest(h.opened_date, w.p0) as s,
           least(w.p1, coalesce(h.closed_date - 1, w.p1)) as t
    from win w join in_home_cases h on h.opened_date <= w.p1 and (h.closed_date is null or h.closed_date > w.p0)
    join kids c on c.child_id = h.child_id),
members as (
    select * from open_cases where s < b18),
harmed as (
    -- members whose child has a substantiated referral while the case was open
    select m.month, m.case_id from members m
    where exists (select 1 from referrals r
                  where r.child_id = m.child_id and r.disposition = 'substantiated'
                    and cast(r.received_at as date) between m.s and m.t))
select m.month, 'in_home_case' as member_type, m.case_id as member_id, m.child_id, m.worker_id,
       {_flag('h.case_id is null')} as numerator, 1 as denominator
from members m left join harmed h on h.month = m.month and h.case_id = m.case_id"""


@rule("proportion", "higher", "referral")
def timely_response_immediate(d, months):
    return f"""-- timely_response_immediate: immediate-response referrals dated in W(1,0);
-- met when first_contact_at - received_at <= 24 hours (clock times as written)
with win as (
    -- the report month itself
    {window(d, months, 1, 0)})
select w.month, 'referral' as member_type, r.referral_id as member_id, r.child_id, r.worker_id,
       {_flag("r.first_contact_at is not null and r.first_contact_at <= r.received_at + interval '24 hours'")}
           as numerator,
       1 as denominator
from win w join referrals r on cast(r.received_at as date) between w.p0 and w.p1
where r.response_type = 'immediate'"""


@rule("proportion", "higher", "referral")
def timely_response_5day(d, months):
    return f"""-- timely_response_5day: five-day referrals dated in W(1,0);
-- met when the first contact's date is at most 5 days after the referral's date
with win as (
    -- the report month itself
    {window(d, months, 1, 0)})
select w.month, 'referral' as member_type, r.referral_id as member_id, r.child_id, r.worker_id,
       {_flag("cast(r.first_contact_at as date) <= cast(r.received_at as date) + 5")} as numerator,
       1 as denominator
from win w join referrals r on cast(r.received_at as date) between w.p0 and w.p1
where r.response_type = 'five_day'"""


def _seen(d) -> str:
    return f"""seen as (
    -- the months in which each child had a counting contact (in person and completed)
    select distinct child_id, {d.month_start('contact_date')} as month
    from contacts where in_person and completed)"""


@rule("proportion", "higher", "referral")
def timely_contacts_referrals(d, months):
    return f"""-- timely_contacts_referrals: referrals not evaluated out, dated before ms and open through
-- the month (no disposition by me); met by a counting contact with the child dated in [ms, me]
with win as (
    -- the report month itself: p0 = ms, p1 = me
    {window(d, months, 1, 0)}),
{_seen(d)}
select w.month, 'referral' as member_type, r.referral_id as member_id, r.child_id, r.worker_id,
       {_flag('s.child_id is not null')} as numerator, 1 as denominator
from win w join referrals r
  on cast(r.received_at as date) < w.p0 and (r.disposition_date is null or r.disposition_date > w.me)
left join seen s on s.child_id = r.child_id and s.month = w.month
where r.response_type <> 'evaluated_out'"""


@rule("proportion", "higher", "episode")
def timely_contacts_cases(d, months):
    return f"""-- timely_contacts_cases: episodes in care for the whole month (removed by ms, not discharged
-- by me), child under 18 on ms; met by a counting contact with the child dated in [ms, me]
{common(d, months, 1, 0)},
{_seen(d)}
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       {_flag('s.child_id is not null')} as numerator, 1 as denominator
from win w join eps e on e.removal_date <= w.p0 and (e.discharge_date is null or e.discharge_date > w.me)
left join seen s on s.child_id = e.child_id and s.month = w.month
where w.p0 < e.b18"""


@rule("proportion", "lower", "referral")
def referrals_over_30_days(d, months):
    return f"""-- referrals_over_30_days: referrals with a first contact dated on or before me and still open
-- on me; met (the bad outcome) when me - date(first_contact_at) > 30 days
with win as (
    -- the report month's last day, me
    {window(d, months, 1, 0)})
select w.month, 'referral' as member_type, r.referral_id as member_id, r.child_id, r.worker_id,
       {_flag('w.me - cast(r.first_contact_at as date) > 30')} as numerator, 1 as denominator
from win w join referrals r
  on cast(r.first_contact_at as date) <= w.me and (r.disposition_date is null or r.disposition_date > w.me)"""


@rule("proportion", "higher", "episode")
def entry_timely_tdm(d, months):
    return f"""-- entry_timely_tdm: episodes with removal_date in W(1,0);
-- met when tdm_date is set and removal_date - 30 days <= tdm_date <= removal_date + 3 days
with win as (
    -- the report month itself
    {window(d, months, 1, 0)})
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       {_flag('e.tdm_date between e.removal_date - 30 and e.removal_date + 3')} as numerator,
       1 as denominator
from win w join episodes e on e.removal_date between w.p0 and w.p1"""


@rule("median", "lower", "episode")
def median_days_in_care(d, months):
    return f"""-- median_days_in_care: exits in W(12,0), not short; each member's numerator is its stay in days
{common(d, months, 12, 0)}
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       e.stay as numerator, 1 as denominator
from win w join eps e on e.discharge_date between w.p0 and w.p1
where not e.short"""


@rule("proportion", "higher", "episode")
def exit_to_permanency(d, months):
    return f"""-- exit_to_permanency: exits in W(12,0), not short, not by transfer or death;
-- met when the exit is to permanency and before the 18th birthday
{common(d, months, 12, 0)}
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       {_flag(f"e.discharge_reason in {PERM} and e.discharge_date < e.b18")} as numerator, 1 as denominator
from win w join eps e on e.discharge_date between w.p0 and w.p1
where not e.short and e.discharge_reason not in ('transfer', 'death')"""


def _exit_within(d, months, name: str, reason: str, within: int) -> str:
    return f"""-- {name}: exits to {reason} in W(12,0), not short;
-- met when discharged before add_months(removal_date, {within})
{common(d, months, 12, 0)}
select w.month, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
       {_flag(f"e.discharge_date < {d.add_months('e.removal_date', within)}")} as numerator, 1 as denominator
from win w join eps e on e.discharge_date between w.p0 and w.p1
where e.discharge_reason = '{reason}' and not e.short"""


@rule("proportion", "higher", "episode")
def reunify_12m_exit(d, months):
    return _exit_within(d, months, "reunify_12m_exit", "reunification", 12)


@rule("proportion", "higher", "episode")
def guardianship_24m_exit(d, months):
    return _exit_within(d, months, "guardianship_24m_exit", "guardianship", 24)


def _stability(d, months, name: str, band: str) -> str:
    return f"""-- {name}: episodes in care at some time in W(12,0) whose time in care up to `ends`
-- (discharge_date when set and <= p1, else p1 + 1 day) falls in the band;
-- met when their placements starting before `ends`, trial home visits and runaway aside,
-- name at most 2 distinct homes (none at all is met)
with win as (
    -- the window W(12,0) of each report month
    {window(d, months, 12, 0)}),
spans as (
    select w.month, e.episode_id, e.child_id, e.worker_id, e.removal_date,
           case when e.discharge_date is not null and e.discharge_date <= w.p1 then e.discharge_date
                else w.p1 + 1 end as ends
    from win w join episodes e on e.removal_date <= w.p1 and (e.discharge_date is null or e.discharge_date > w.p0)),
members as (
    -- the band
    select * from spans where {band}),
homes as (
    -- the distinct homes each member lived in before `ends`
    select m.month, m.episode_id, count(distinct p.home_id) as n
    from members m join placements p on p.episode_id = m.episode_id
    where p.start_date < m.ends and p.setting not in ('trial_home_visit', 'runaway')
    group by m.month, m.episode_id)
select m.month, 'episode' as member_type, m.episode_id as member_id, m.child_id, m.worker_id,
       {_flag('coalesce(h.n, 0) <= 2')} as numerator, 1 as denominator
from members m left join homes h on h.month = m.month and h.episode_id = m.episode_id"""


@rule("proportion", "higher", "episode")
def placement_stability_0_12(d, months):
    return _stability(d, months, "placement_stability_0_12",
                      f"ends - removal_date >= 8 and ends <= {d.add_months('removal_date', 12)}")


@rule("proportion", "higher", "episode")
def placement_stability_12_24(d, months):
    return _stability(d, months, "placement_stability_12_24",
                      f"{d.add_months('removal_date', 12)} < ends and ends <= {d.add_months('removal_date', 24)}")


@rule("proportion", "higher", "episode")
def placement_stability_24_plus(d, months):
    return _stability(d, months, "placement_stability_24_plus", f"ends > {d.add_months('removal_date', 24)}")


def _exam(d, months, name: str, exam_type: str, extra: str = "") -> str:
    return f"""-- {name}: episodes in care on me for 30 days or more, child under 18 on me{extra and ' and aged one or more'};
-- met by a {exam_type} exam of the child dated in [max(removal_date - 30 days, add_months(me, -12)), me]
{common(d, months, 1, 0)},
members as (
    select w.month, w.me, e.episode_id, e.child_id, e.worker_id,
           greatest(e.removal_date - 30, {d.add_months('w.me', -12)}) as since
    from win w join eps e on {in_care_on('w.me')}
    where w.me < e.b18 and e.removal_date + 30 <= w.me{extra}),
examined as (
    select m.month, m.episode_id from members m
    where exists (select 1 from exams x
                  where x.child_id = m.child_id and x.exam_type = '{exam_type}'
                    and x.exam_date between m.since and m.me))
select m.month, 'episode' as member_type, m.episode_id as member_id, m.child_id, m.worker_id,
       {_flag('x.episode_id is not null')} as numerator, 1 as denominator
from members m left join examined x on x.month = m.month and x.episode_id = m.episode_id"""


@rule("proportion", "higher", "episode")
def timely_medical_exam(d, months):
    return _exam(d, months, "timely_medical_exam", "medical")


@rule("proportion", "higher", "episode")
def timely_dental_exam(d, months):
    return _exam(d, months, "timely_dental_exam", "dental",
                 f"\n      and {d.add_months('e.birth_date', 12)} <= w.me")


@rule("proportion", "higher", "episode")
def sibling_placement(d, months):
    return f"""-- sibling_placement: episodes in care on me, child under 18 on me, with a brother or sister
-- (same sibling_group_id, any age) in care on me; met when the episode has a placement on me and
-- every such sibling's placement on me is in the same home
{common(d, months, 1, 0)},
{PLACED_ON_ME},
in_care as (
    -- every child in a sibling group in care on me, with the home of the placement on me (if any)
    select w.month, w.me, e.episode_id, e.child_id, e.worker_id, e.b18, e.sibling_group_id, p.home_id
    from win w join eps e on {in_care_on('w.me')}
    left join placed p on p.month = w.month and p.episode_id = e.episode_id and p.k = 1
    where e.sibling_group_id is not null),
pairs as (
    -- each member against each of its brothers and sisters in care on me
    select a.month, a.episode_id, a.child_id, a.worker_id,
           sum(case when a.home_id is not null and b.home_id = a.home_id then 0 else 1 end) as apart
    from in_care a join in_care b
      on b.month = a.month and b.sibling_group_id = a.sibling_group_id and b.child_id <> a.child_id
    where a.me < a.b18
    group by a.month, a.episode_id, a.child_id, a.worker_id)
select month, 'episode' as member_type, episode_id as member_id, child_id, worker_id,
       {_flag('apart = 0')} as numerator, 1 as denominator
from pairs"""


def _screened_within_30(d, months, name: str, what: str, table: str, key: str, start: str,
                        member_type: str) -> str:
    return f"""-- {name}: {what} in W(1,1) (the month before M);
-- met by a mental_health_screening exam of the child dated in [{start}, {start} + 30 days]
with win as (
    -- the window W(1,1): the month before the report month
    {window(d, months, 1, 1)}),
members as (
    select w.month, t.{key} as member_id, t.child_id, t.worker_id, t.{start} as since
    from win w join {table} t on t.{start} between w.p0 and w.p1),
screened as (
    select m.month, m.member_id from members m
    where exists (select 1 from exams x
                  where x.child_id = m.child_id and x.exam_type = 'mental_health_screening'
                    and x.exam_date between m.since and m.since + 30))
select m.month, '{member_type}' as member_type, m.member_id, m.child_id, m.worker_id,
       {_flag('s.member_id is not null')} as numerator, 1 as denominator
from members m left join screened s on s.month = m.month and s.member_id = m.member_id"""


@rule("proportion", "higher", "episode")
def mh_screening_detained(d, months):
    return _screened_within_30(d, months, "mh_screening_detained", "episodes removed", "episodes",
                               "episode_id", "removal_date", "episode")


@rule("proportion", "higher", "in_home_case")
def mh_screening_in_home(d, months):
    return _screened_within_30(d, months, "mh_screening_in_home", "in-home cases opened", "in_home_cases",
                               "case_id", "opened_date", "in_home_case")


@rule("proportion", "higher", "episode", "in_home_case")
def mh_screening_open_cases(d, months):
    return f"""-- mh_screening_open_cases: episodes in care on me since at least 30 days, and in-home cases
-- open on me since at least 30 days; met by a mental_health_screening exam of the child dated in
-- [start, me], start being the removal_date or the opened_date
with win as (
    -- the report month's last day, me
    {window(d, months, 1, 0)}),
members as (
    select w.month, w.me, 'episode' as member_type, e.episode_id as member_id, e.child_id, e.worker_id,
           e.removal_date as since
    from win w join episodes e on {in_care_on('w.me')}
    where e.removal_date + 30 <= w.me
    union all
    select w.month, w.me, 'in_home_case', h.case_id, h.child_id, h.worker_id, h.opened_date
    from win w join in_home_cases h on h.opened_date + 30 <= w.me and (h.closed_date is null or h.closed_date > w.me)),
screened as (
    select m.month, m.member_type, m.member_id from members m
    where exists (select 1 from exams x
                  where x.child_id = m.child_id and x.exam_type = 'mental_health_screening'
                    and x.exam_date between m.since and m.me))
select m.month, m.member_type, m.member_id, m.child_id, m.worker_id,
       {_flag('s.member_id is not null')} as numerator, 1 as denominator
from members m left join screened s
  on s.month = m.month and s.member_type = m.member_type and s.member_id = m.member_id"""
