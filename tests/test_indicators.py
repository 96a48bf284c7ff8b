"""Every indicator on a hand-built agency, on DuckDB and on PostgreSQL, boundaries included.

Each test builds the cases its indicator turns on, works out by hand (in the
comments) which records are members in the report month and which are met,
loads the extract through the real loader (which computes every indicator in
the warehouse) and checks both the members listed on demand and the
materialised cell. Unless said otherwise the report month is M = 2024-06:
ms = 2024-06-01, me = 2024-06-30; W(12,0) = 2023-07-01..2024-06-30;
W(12,12) = 2022-07-01..2023-06-30; W(1,1) = May 2024.
"""
from __future__ import annotations

import pytest

from tests.agency import Agency, cell, days_before, members

M = "2024-06"


@pytest.fixture
def agency():
    return Agency()


def load(agency, warehouse, tmp_path):
    return agency.load(warehouse, tmp_path / "extract")


# -- Tier I ---------------------------------------------------------------------------------------

def test_no_recurrence(agency, warehouse, tmp_path):
    a = agency
    # C1: first substantiated on the window's first day; the next is 14 days later: not a recurrence -> met
    a.substantiated("R1a", "C1", "2022-07-01T09:00")
    a.substantiated("R1b", "C1", "2022-07-15T09:00")
    # C2: the next substantiated is 15 days later -> a recurrence, not met
    a.substantiated("R2a", "C2", "2022-08-01T09:00")
    a.substantiated("R2b", "C2", "2022-08-16T09:00")
    # C3: first on the window's last day at 23:59; the next 365 days later (2024-06-29) -> not met
    a.substantiated("R3a", "C3", "2023-06-30T23:59")
    a.substantiated("R3b", "C3", "2024-06-29T08:00")
    # C4: the next is 366 days later -> met
    a.substantiated("R4a", "C4", "2023-01-10T08:00")
    a.substantiated("R4b", "C4", "2024-01-11T08:00")
    # C5: an earlier substantiated referral before the window does not make the window's one a recurrence -> met
    a.substantiated("R5a", "C5", "2022-06-30T08:00")
    a.substantiated("R5b", "C5", "2022-07-20T08:00")
    # C6: substantiated on the 18th birthday (born 2004-09-01): not under 18 -> not a member
    a.child("C6", born="2004-09-01")
    a.substantiated("R6", "C6", "2022-09-01T08:00")
    # C8: unfounded and still-open referrals are not substantiated -> not a member
    a.referral("R8a", "C8", "2022-10-01T08:00", disposition="unfounded")
    a.referral("R8b", "C8", "2022-11-01T08:00")
    # C9: two first referrals at the same minute: r1 is the least referral_id, R9a, whose worker is W2 -> met
    a.substantiated("R9b", "C9", "2022-10-01T10:00", worker="W1")
    a.substantiated("R9a", "C9", "2022-10-01T10:00", worker="W2")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "no_recurrence", M) == {
        "C1": (1, 1), "C2": (0, 1), "C3": (0, 1), "C4": (1, 1), "C5": (1, 1), "C9": (1, 1)}
    # 4 of 6 = 66.67% against 90.3 / 85 -> red
    assert cell(snap, "no_recurrence", M) == {"numerator": 4, "denominator": 6, "value": 400 / 6, "status": "red"}
    # attribution to r1's worker, and through W2 to its unit, office and bureau
    assert members(snap, "no_recurrence", M, "worker:W2") == {"C9": (1, 1)}
    for level, entity in (("worker", "W2"), ("unit", "U2"), ("office", "O2"), ("bureau", "B2")):
        assert cell(snap, "no_recurrence", M, level, entity) == {
            "numerator": 1, "denominator": 1, "value": 100.0, "status": "insufficient"}
    assert cell(snap, "no_recurrence", M, "bureau", "B1")["denominator"] == 5


def test_entries(agency, warehouse, tmp_path):
    a = agency
    a.episode("E1", "C1", "2024-06-01")                           # first day of M -> counted
    a.episode("E2", "C2", "2024-06-30", "2024-07-02")             # last day of M -> counted
    a.episode("E3", "C3", "2024-05-31")                           # the month before -> not
    a.episode("E4", "C4", "2024-07-01", worker="W2")              # the month after -> not
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "entries", M) == {"E1": (1, 1), "E2": (1, 1)}
    # a count: value = the number of members, never coloured
    assert cell(snap, "entries", M) == {"numerator": 2, "denominator": 2, "value": 2.0, "status": "none"}
    assert cell(snap, "entries", "2024-07") == {"numerator": 1, "denominator": 1, "value": 1.0, "status": "none"}


def test_reunify_12m_entry(agency, warehouse, tmp_path):
    a = agency
    # E1: entered on the window's first day, reunified the day before add_months(removal, 12) -> met
    a.episode("E1", "C1", "2022-07-01", "2023-06-30", "reunification")
    # E2: reunified exactly 12 months after entry -> not met
    a.episode("E2", "C2", "2022-07-01", "2023-07-01", "reunification")
    # E3: add_months(2023-02-28, 12) = 2024-02-28 (not the 29th): reunified that day -> not met
    a.episode("E3", "C3", "2023-02-28", "2024-02-28", "reunification")
    # E4: a 7-day stay is short -> not a member; E5: 8 days is not short -> member, met
    a.episode("E4", "C4", "2022-08-01", "2022-08-08", "reunification")
    a.episode("E5", "C5", "2022-09-01", "2022-09-09", "reunification")
    # E6: removed on the 18th birthday -> not a member
    a.child("C6", born="2004-10-01")
    a.episode("E6", "C6", "2022-10-01", "2022-12-01", "reunification")
    # E7: reunified within 12 months but on the 18th birthday -> member, not met
    a.child("C7", born="2005-01-15")
    a.episode("E7", "C7", "2022-11-01", "2023-01-15", "reunification")
    # E8: still in care -> member, not met; E9: left to a relative -> member, not met
    a.episode("E8", "C8", "2023-05-01")
    a.episode("E9", "C9", "2023-05-01", "2023-06-01", "relative")
    # E10: entered before the window -> not a member
    a.episode("E10", "C10", "2022-06-30", "2022-12-01", "reunification")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "reunify_12m_entry", M) == {
        "E1": (1, 1), "E2": (0, 1), "E3": (0, 1), "E5": (1, 1), "E7": (0, 1), "E8": (0, 1), "E9": (0, 1)}
    # 2 of 7 = 28.6% against 40 / 30 -> red
    assert cell(snap, "reunify_12m_entry", M) == {"numerator": 2, "denominator": 7, "value": 200 / 7,
                                                  "status": "red"}


def test_permanency_24m_plus(agency, warehouse, tmp_path):
    a = agency
    # p0 = 2023-07-01, p1 = 2024-06-30
    # E1: 24 months in care exactly on p0, adopted on p1 -> member, met
    a.episode("E1", "C1", "2021-07-01", "2024-06-30", "adoption")
    # E2: one day short of 24 months on p0 -> not a member
    a.episode("E2", "C2", "2021-07-02", "2024-01-01", "adoption")
    # E3: discharged on p0 -> not in care on p0 -> not a member
    a.episode("E3", "C3", "2020-01-01", "2023-07-01", "adoption")
    # E4: guardianship the day after p0 -> met; E5 still in care -> not met
    a.episode("E4", "C4", "2020-01-01", "2023-07-02", "guardianship")
    a.episode("E5", "C5", "2020-01-01")
    # E6: reunified after p1 -> not met; E7: emancipated -> not met
    a.episode("E6", "C6", "2020-01-01", "2024-07-01", "reunification")
    a.episode("E7", "C7", "2020-01-01", "2024-01-01", "emancipation")
    # E8: 18 on p0 (born 2005-07-01) -> not a member
    a.child("C8", born="2005-07-01")
    a.episode("E8", "C8", "2020-01-01")
    # E9: guardianship on the 18th birthday -> member, not met
    a.child("C9", born="2005-09-01")
    a.episode("E9", "C9", "2020-01-01", "2023-09-01", "guardianship")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "permanency_24m_plus", M) == {
        "E1": (1, 1), "E4": (1, 1), "E5": (0, 1), "E6": (0, 1), "E7": (0, 1), "E9": (0, 1)}
    # 2 of 6 = 33.3% against 37.3 / 30 -> yellow
    assert cell(snap, "permanency_24m_plus", M)["status"] == "yellow"


def test_reentry(agency, warehouse, tmp_path):
    a = agency
    # C1: reunified 2022-07-01 and removed again the same day: not a re-entry -> member, not met
    a.episode("E1a", "C1", "2022-01-01", "2022-07-01", "reunification")
    a.episode("E1b", "C1", "2022-07-01", "2022-07-05", "other")
    # C2: to a relative 2022-08-01, removed again 2023-08-01 (12 months to the day) -> re-entry, met
    a.episode("E2a", "C2", "2022-01-01", "2022-08-01", "relative")
    a.episode("E2b", "C2", "2023-08-01")
    # C3: guardianship 2022-09-01, removed again 2023-09-02 (past 12 months) -> not met
    a.episode("E3a", "C3", "2022-01-01", "2022-09-01", "guardianship")
    a.episode("E3b", "C3", "2023-09-02")
    # C4: removed again the next day for a short stay: any such episode counts -> met. The short stay
    # is itself an exit to reunification in the window (the exit cohort has no short-stay rule) -> member
    a.episode("E4a", "C4", "2022-01-01", "2022-10-01", "reunification")
    a.episode("E4b", "C4", "2022-10-02", "2022-10-05", "reunification")
    # C5: adoption is not in the exit cohort; C6: reunified on the 18th birthday -> not members
    a.episode("E5", "C5", "2022-01-01", "2022-10-01", "adoption")
    a.child("C6", born="2004-11-01")
    a.episode("E6", "C6", "2022-01-01", "2022-11-01", "reunification")
    # C7: exit on the window's last day -> member, not met; C8: exit the day before the window -> not a member
    a.episode("E7", "C7", "2022-01-01", "2023-06-30", "reunification")
    a.episode("E8", "C8", "2022-01-01", "2022-06-30", "reunification")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "reentry", M) == {
        "E1a": (0, 1), "E2a": (1, 1), "E3a": (0, 1), "E4a": (1, 1), "E4b": (0, 1), "E7": (0, 1)}
    # 2 of 6 = 33.3% re-entered; lower is better, 5.6 / 8.3 -> red
    assert cell(snap, "reentry", M) == {"numerator": 2, "denominator": 6, "value": 200 / 6, "status": "red"}


def test_placement_with_relatives(warehouse, tmp_path):
    a = Agency(as_of="2026-03-31")
    # E1: relative first, then a foster home current on me -> member, not met
    a.episode("E1", "C1", "2024-01-01")
    a.placement("P1a", "E1", "H1", "2024-01-01", "2024-03-01", "relative")
    a.placement("P1b", "E1", "H2", "2024-03-01")
    # E2: a foster home ending on me and a relative starting on me: the placement on me is the relative -> met
    a.episode("E2", "C2", "2024-01-01")
    a.placement("P2a", "E2", "H3", "2024-01-01", "2024-06-30")
    a.placement("P2b", "E2", "H4", "2024-06-30", None, "relative")
    # E4: no placement recorded -> member, not met
    a.episode("E4", "C4", "2024-01-01")
    # E5: discharged on me -> not in care on me -> not a member
    a.episode("E5", "C5", "2024-01-01", "2024-06-30")
    a.placement("P5", "E5", "H5", "2024-01-01", "2024-06-30", "relative")
    # E6: removed on me to a relative -> member, met
    a.episode("E6", "C6", "2024-06-30")
    a.placement("P6", "E6", "H6", "2024-06-30", None, "relative")
    # E7: 18 on me (born 2006-06-30) -> not a member
    a.child("C7", born="2006-06-30")
    a.episode("E7", "C7", "2024-01-01")
    # E8, E9: born 2008-02-29 and 2008-03-01, both with a relative. b18 = add_months(birth, 216):
    # 2026-02-28 and 2026-03-01, so on me = 2026-02-28 only C9 is under 18.
    a.child("C8", born="2008-02-29")
    a.child("C9", born="2008-03-01")
    a.episode("E8", "C8", "2024-01-01")
    a.placement("P8", "E8", "H8", "2024-01-01", None, "relative")
    a.episode("E9", "C9", "2024-01-01")
    a.placement("P9", "E9", "H9", "2024-01-01", None, "relative")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "placement_with_relatives", M) == {
        "E1": (0, 1), "E2": (1, 1), "E4": (0, 1), "E6": (1, 1), "E8": (1, 1), "E9": (1, 1)}
    assert cell(snap, "placement_with_relatives", M) == {"numerator": 4, "denominator": 6, "value": 400 / 6,
                                                         "status": "green"}
    feb = members(snap, "placement_with_relatives", "2026-02")
    assert "E8" not in feb and feb["E9"] == (1, 1)
    assert "E8" in members(snap, "placement_with_relatives", "2026-01")


def test_in_care_3yrs_emancipated(agency, warehouse, tmp_path):
    a = agency
    # E1: emancipated exactly 36 months after removal -> member, met (the bad outcome)
    a.episode("E1", "C1", "2020-07-01", "2023-07-01", "emancipation")
    # E2: one day short of 36 months -> member, not met
    a.episode("E2", "C2", "2020-07-02", "2023-07-01", "emancipation")
    # E3: reunified at 18 or older (born 2005-12-31, b18 2023-12-31) -> member, not met
    a.child("C3", born="2005-12-31")
    a.episode("E3", "C3", "2023-01-01", "2024-01-01", "reunification")
    # E4: reunified under 18 -> not a member; E5: emancipated after the window -> not a member
    a.episode("E4", "C4", "2020-01-01", "2024-01-01", "reunification")
    a.episode("E5", "C5", "2020-01-01", "2024-07-01", "emancipation")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "in_care_3yrs_emancipated", M) == {"E1": (1, 1), "E2": (0, 1), "E3": (0, 1)}
    assert cell(snap, "in_care_3yrs_emancipated", M)["status"] == "insufficient"  # 3 members < 5


# -- Tier II --------------------------------------------------------------------------------------

def test_maltreatment_in_care(agency, warehouse, tmp_path):
    a = agency
    # p0 = 2023-07-01, p1 + 1 day = 2024-07-01
    # E1: in care all window: 366 days (2024 is a leap year); substantiated on p0 and on p1 count,
    # an unfounded one and one before the window do not -> 2 / 366
    a.episode("E1", "C1", "2023-01-01")
    a.substantiated("R1a", "C1", "2023-07-01T00:00")
    a.substantiated("R1b", "C1", "2024-06-30T23:00")
    a.referral("R1c", "C1", "2024-01-01T00:00", disposition="unfounded")
    a.substantiated("R1d", "C1", "2023-06-30T12:00")
    # E2: removed 2024-06-01: 30 days; a referral on removal + 6 days does not count, + 7 does -> 1 / 30
    a.episode("E2", "C2", "2024-06-01")
    a.substantiated("R2a", "C2", "2024-06-07T08:00")
    a.substantiated("R2b", "C2", "2024-06-08T08:00")
    # E3: a 7-day stay is short -> not a member
    a.episode("E3", "C3", "2024-01-01", "2024-01-08")
    # E4: an 8-day stay: 8 days; a referral on the discharge day does not count, the day before does -> 1 / 8
    a.episode("E4", "C4", "2024-02-01", "2024-02-09")
    a.substantiated("R4a", "C4", "2024-02-09T08:00")
    a.substantiated("R4b", "C4", "2024-02-08T08:00")
    # E5: 18 on 2024-01-15: days = 2024-01-15 - 2023-07-01 = 198; on the birthday no longer counts -> 1 / 198
    a.child("C5", born="2006-01-15")
    a.episode("E5", "C5", "2023-01-01")
    a.substantiated("R5a", "C5", "2024-01-15T08:00")
    a.substantiated("R5b", "C5", "2024-01-14T08:00")
    # E6: discharged on p0: 0 days -> not a member; E7: 18 before the window -> not a member
    a.episode("E6", "C6", "2023-01-01", "2023-07-01")
    a.child("C7", born="2004-01-01")
    a.episode("E7", "C7", "2021-01-01")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "maltreatment_in_care", M) == {
        "E1": (2, 366), "E2": (1, 30), "E4": (1, 8), "E5": (1, 198)}
    # 5 victimizations in 602 days: 100000 * 5 / 602 per 100,000 days, but fewer than 1,000 days
    assert cell(snap, "maltreatment_in_care", M) == {"numerator": 5, "denominator": 602, "value": 500000 / 602,
                                                     "status": "insufficient"}


def test_no_maltreatment_in_home(agency, warehouse, tmp_path):
    a = agency
    # H1: open all window, substantiated on p0 -> member, not met
    a.in_home("H1", "C1", "2023-01-01")
    a.substantiated("R1", "C1", "2023-07-01T08:00")
    # H2: closed 2024-03-01, so t = 2024-02-29; substantiated on the closing day -> met
    a.in_home("H2", "C2", "2024-01-01", "2024-03-01")
    a.substantiated("R2", "C2", "2024-03-01T08:00")
    # H3: closed on p0 -> not a member
    a.in_home("H3", "C3", "2023-01-01", "2023-07-01")
    # H4: closed the day after p0: s = t = p0; substantiated on p0 -> not met
    a.in_home("H4", "C4", "2023-01-01", "2023-07-02")
    a.substantiated("R4", "C4", "2023-07-01T08:00")
    # H5: the child is 18 before s = p0 (born 2005-06-30) -> not a member
    a.child("C5", born="2005-06-30")
    a.in_home("H5", "C5", "2023-01-01")
    # H6: opened on p1, substantiated that day -> not met; an unfounded one would not matter
    a.in_home("H6", "C6", "2024-06-30", worker="W2")
    a.substantiated("R6", "C6", "2024-06-30T10:00")
    a.referral("R6b", "C6", "2024-06-30T11:00", disposition="unfounded")
    # H7: substantiated the day before s, inconclusive inside -> met
    a.in_home("H7", "C7", "2023-03-01")
    a.substantiated("R7", "C7", "2023-06-30T08:00")
    a.referral("R7b", "C7", "2023-08-01T08:00", disposition="inconclusive")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "no_maltreatment_in_home", M) == {
        "H1": (0, 1), "H2": (1, 1), "H4": (0, 1), "H6": (0, 1), "H7": (1, 1)}
    assert cell(snap, "no_maltreatment_in_home", M)["value"] == 40.0


def test_timely_response_immediate(agency, warehouse, tmp_path):
    a = agency
    a.referral("R1", "C1", "2024-06-01T00:00", contact="2024-06-02T00:00")        # exactly 24 hours -> met
    a.referral("R2", "C2", "2024-06-01T00:00", contact="2024-06-02T00:01")        # 24 h 1 min -> not met
    a.referral("R3", "C3", "2024-06-30T23:59")                                     # no contact yet -> not met
    a.referral("R4", "C4", "2024-05-31T23:59", contact="2024-06-01T00:30")        # dated in May -> not a member
    a.referral("R5", "C5", "2024-06-10T10:00", response="five_day")               # not immediate -> not a member
    a.referral("R6", "C6", "2024-06-15T10:00", contact="2024-06-15T10:00:00")     # the same minute -> met
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "timely_response_immediate", M) == {"R1": (1, 1), "R2": (0, 1), "R3": (0, 1), "R6": (1, 1)}


def test_timely_response_5day(agency, warehouse, tmp_path):
    a = agency
    kw = {"response": "five_day"}
    a.referral("R1", "C1", "2024-06-01T23:00", contact="2024-06-06T23:59", **kw)  # date + 5 days -> met
    a.referral("R2", "C2", "2024-06-01T00:00", contact="2024-06-07T00:00", **kw)  # date + 6 days -> not met
    a.referral("R3", "C3", "2024-06-30T12:00", contact="2024-07-03T09:00", **kw)  # contact in the next month counts
    a.referral("R4", "C4", "2024-06-10T12:00", **kw)                               # no contact -> not met
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "timely_response_5day", M) == {"R1": (1, 1), "R2": (0, 1), "R3": (1, 1), "R4": (0, 1)}


def test_timely_contacts_referrals(agency, warehouse, tmp_path):
    a = agency
    # R1: dated before ms, open; its child seen on ms -> member, met
    a.referral("R1", "C1", "2024-05-31T23:00", contact="2024-06-01T10:00")
    a.contact("K1", "C1", "2024-06-01")
    # R2: disposed on me -> not open through the month -> not a member
    a.referral("R2", "C2", "2024-05-01T08:00", contact="2024-05-02T08:00", disposition="unfounded",
               disposed="2024-06-30")
    # R3: disposed after me; its child seen on me by another worker -> member, met
    a.referral("R3", "C3", "2024-05-01T08:00", contact="2024-05-02T08:00", disposition="unfounded",
               disposed="2024-07-01")
    a.contact("K3", "C3", "2024-06-30", worker="W2")
    # R4: dated on ms, not before -> not a member; R5: evaluated out -> not a member
    a.referral("R4", "C4", "2024-06-01T08:00")
    a.referral("R5", "C5", "2024-04-01T08:00", response="evaluated_out")
    # R6: open; seen the day before ms and the day after me, and in the month only by phone or not completed
    a.referral("R6", "C6", "2024-05-15T08:00")
    a.contact("K6a", "C6", "2024-05-31")
    a.contact("K6b", "C6", "2024-07-01")
    a.contact("K6c", "C6", "2024-06-10", in_person=False)
    a.contact("K6d", "C6", "2024-06-11", completed=False)
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "timely_contacts_referrals", M) == {"R1": (1, 1), "R3": (1, 1), "R6": (0, 1)}


def test_timely_contacts_cases(agency, warehouse, tmp_path):
    a = agency
    a.episode("E1", "C1", "2024-06-01")                    # removed on ms: in care all month -> member
    a.contact("K1", "C1", "2024-06-30")                    # seen on me -> met
    a.episode("E2", "C2", "2024-06-02")                    # removed after ms -> not a member
    a.contact("K2", "C2", "2024-06-03")
    a.episode("E3", "C3", "2024-01-01", "2024-06-30")      # discharged on me -> not a member
    a.episode("E4", "C4", "2024-01-01", "2024-07-01")      # in care all month -> member
    a.contact("K4", "C4", "2024-06-01", completed=False)   # not completed -> not met
    a.child("C5", born="2006-06-01")                       # 18 on ms -> not a member
    a.episode("E5", "C5", "2024-01-01")
    a.child("C6", born="2006-06-02")                       # 18 the day after ms -> member
    a.episode("E6", "C6", "2024-01-01")
    a.contact("K6", "C6", "2024-06-15")                    # -> met
    a.episode("E7", "C7", "2023-01-01")                    # never seen -> member, not met
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "timely_contacts_cases", M) == {"E1": (1, 1), "E4": (0, 1), "E6": (1, 1), "E7": (0, 1)}


def test_referrals_over_30_days(agency, warehouse, tmp_path):
    a = agency
    a.referral("R1", "C1", "2024-05-31T09:00", contact="2024-05-31T10:00")          # 30 days on me -> not met
    a.referral("R2", "C2", "2024-05-30T09:00", contact="2024-05-30T10:00")          # 31 days -> met (bad)
    a.referral("R3", "C3", "2024-05-01T09:00", contact="2024-05-01T10:00",          # disposed on me -> not open
               disposition="unfounded", disposed="2024-06-30")
    a.referral("R4", "C4", "2024-05-01T09:00", contact="2024-05-01T10:00",          # disposed after me -> met
               disposition="substantiated", disposed="2024-07-01")
    a.referral("R5", "C5", "2024-06-30T20:00", contact="2024-07-01T09:00")          # first contact after me
    a.referral("R6", "C6", "2024-06-01T09:00")                                       # no contact -> not a member
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "referrals_over_30_days", M) == {"R1": (0, 1), "R2": (1, 1), "R4": (1, 1)}
    # 2 of 3 over 30 days; lower is better, 10 / 20 -> but 3 members is insufficient
    assert cell(snap, "referrals_over_30_days", M)["status"] == "insufficient"


def test_entry_timely_tdm(agency, warehouse, tmp_path):
    a = agency
    a.episode("E1", "C1", "2024-06-10", tdm="2024-05-11")   # removal - 30 days -> met
    a.episode("E2", "C2", "2024-06-10", tdm="2024-05-10")   # removal - 31 days -> not met
    a.episode("E3", "C3", "2024-06-10", tdm="2024-06-13")   # removal + 3 days -> met
    a.episode("E4", "C4", "2024-06-10", tdm="2024-06-14")   # removal + 4 days -> not met
    a.episode("E5", "C5", "2024-06-30")                      # no TDM -> not met
    a.episode("E6", "C6", "2024-07-01", tdm="2024-07-01")   # removed in July -> not a member of June
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "entry_timely_tdm", M) == {
        "E1": (1, 1), "E2": (0, 1), "E3": (1, 1), "E4": (0, 1), "E5": (0, 1)}
    # 2 of 5 = 40% against 50 / 40 -> yellow, exactly on the yellow standard
    assert cell(snap, "entry_timely_tdm", M) == {"numerator": 2, "denominator": 5, "value": 40.0, "status": "yellow"}


def test_median_days_in_care(agency, warehouse, tmp_path):
    a = agency
    a.episode("E1", "C1", "2024-01-01", "2024-01-09")                 # 8 days (W1)
    a.episode("E2", "C2", "2024-01-01", "2024-01-11")                 # 10 days (W1)
    a.episode("E3", "C3", "2024-01-01", "2024-04-10")                 # 31 + 29 + 31 + 9 = 100 days (W1)
    a.episode("E4", "C4", "2023-01-01", "2024-02-05", worker="W2")    # 365 + 35 = 400 days (W2)
    a.episode("E5", "C5", days_before("2024-06-30", 1000), "2024-06-30", worker="W2")  # 1000 days (W2)
    a.episode("E6", "C6", "2024-03-01", "2024-03-08")                 # 7 days: short -> not a member
    a.episode("E7", "C7", "2023-01-01", "2023-06-30")                 # left before the window
    a.episode("E8", "C8", "2023-01-01")                               # still in care
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "median_days_in_care", M) == {
        "E1": (8, 1), "E2": (10, 1), "E3": (100, 1), "E4": (400, 1), "E5": (1000, 1)}
    # The department's median is of its 5 members: 100 (green: lower is better, 365 / 540). It is not
    # the mean of its workers' medians (10 and 700). The export's numerator is the sum of days.
    assert cell(snap, "median_days_in_care", M) == {"numerator": 1518, "denominator": 5, "value": 100.0,
                                                    "status": "green"}
    assert cell(snap, "median_days_in_care", M, "worker", "W1")["value"] == 10.0
    # an even count: the mean of the middle two, (400 + 1000) / 2
    assert cell(snap, "median_days_in_care", M, "unit", "U2") == {"numerator": 1400, "denominator": 2,
                                                                  "value": 700.0, "status": "insufficient"}


def test_exit_to_permanency(agency, warehouse, tmp_path):
    a = agency
    a.episode("E1", "C1", "2023-01-01", "2024-01-01", "reunification")   # met
    a.child("C2", born="2006-03-01")
    a.episode("E2", "C2", "2023-01-01", "2024-03-01", "adoption")         # adopted on the 18th birthday -> not met
    a.episode("E3", "C3", "2023-01-01", "2024-01-01", "transfer")         # not a member
    a.episode("E4", "C4", "2023-01-01", "2024-01-01", "death")            # not a member
    a.episode("E5", "C5", "2023-01-01", "2024-01-01", "runaway")          # not met
    a.episode("E6", "C6", "2023-01-01", "2024-01-01", "emancipation")     # not met
    a.episode("E7", "C7", "2023-01-01", "2024-01-01", "other")            # not met
    a.episode("E8", "C8", "2024-01-01", "2024-01-05", "reunification")   # short -> not a member
    a.episode("E9", "C9", "2023-01-01", "2024-01-01", "relative")         # met
    a.episode("E10", "C10", "2023-01-01", "2024-01-01", "guardianship")   # met
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "exit_to_permanency", M) == {
        "E1": (1, 1), "E2": (0, 1), "E5": (0, 1), "E6": (0, 1), "E7": (0, 1), "E9": (1, 1), "E10": (1, 1)}


def test_reunify_12m_exit(agency, warehouse, tmp_path):
    a = agency
    a.episode("E1", "C1", "2023-06-30", "2024-06-29", "reunification")   # before add_months(removal, 12) -> met
    a.episode("E2", "C2", "2023-06-30", "2024-06-30", "reunification")   # exactly 12 months -> not met
    a.episode("E3", "C3", "2023-02-28", "2024-02-28", "reunification")   # add_months(2023-02-28, 12) = 2024-02-28
    a.episode("E4", "C4", "2023-06-30", "2024-01-01", "guardianship")    # not a reunification -> not a member
    a.episode("E5", "C5", "2024-06-01", "2024-06-05", "reunification")   # short -> not a member
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "reunify_12m_exit", M) == {"E1": (1, 1), "E2": (0, 1), "E3": (0, 1)}


def test_guardianship_24m_exit(agency, warehouse, tmp_path):
    a = agency
    a.episode("E1", "C1", "2022-06-30", "2024-06-29", "guardianship")    # before add_months(removal, 24) -> met
    a.episode("E2", "C2", "2022-06-30", "2024-06-30", "guardianship")    # exactly 24 months -> not met
    a.episode("E3", "C3", "2022-06-30", "2024-01-01", "reunification")   # not a guardianship -> not a member
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "guardianship_24m_exit", M) == {"E1": (1, 1), "E2": (0, 1)}


def test_placement_stability(agency, warehouse, tmp_path):
    a = agency
    # p0 = 2023-07-01, p1 = 2024-06-30; an episode in care after p1 has end = p1 + 1 day = 2024-07-01.
    # E1 (0-12): two homes, the same home twice, a trial home visit and a runaway placement -> 2 homes, met
    a.episode("E1", "C1", "2024-01-01")
    a.placement("P1a", "E1", "H1", "2024-01-01", "2024-02-01")
    a.placement("P1b", "E1", "H2", "2024-02-01", "2024-03-01")
    a.placement("P1c", "E1", "H3", "2024-03-01", "2024-04-01", "trial_home_visit")
    a.placement("P1d", "E1", "H4", "2024-04-01", "2024-04-10", "runaway")
    a.placement("P1e", "E1", "H1", "2024-04-10")
    # E2 (0-12): three homes -> not met
    a.episode("E2", "C2", "2024-02-01")
    a.placement("P2a", "E2", "H1", "2024-02-01", "2024-03-01")
    a.placement("P2b", "E2", "H2", "2024-03-01", "2024-04-01", "relative")
    a.placement("P2c", "E2", "H3", "2024-04-01")
    # E3 (0-12): an 8-day stay with no placement recorded -> 0 homes, met; E4: 7 days -> in no band
    a.episode("E3", "C3", "2024-03-01", "2024-03-09")
    a.episode("E4", "C4", "2024-03-01", "2024-03-08")
    # E5 (0-12): end = 2024-07-01 = add_months(removal, 12); a third home starting on `end` is not counted -> met
    a.episode("E5", "C5", "2023-07-01")
    a.placement("P5a", "E5", "H1", "2023-07-01", "2024-01-01")
    a.placement("P5b", "E5", "H2", "2024-01-01", "2024-07-01")
    a.placement("P5c", "E5", "H3", "2024-07-01")
    # E6 (12-24): end = 2024-07-01 > add_months(2023-06-30, 12); a third home from 2024-06-30 -> not met
    a.episode("E6", "C6", "2023-06-30")
    a.placement("P6a", "E6", "H1", "2023-06-30", "2023-12-01")
    a.placement("P6b", "E6", "H2", "2023-12-01", "2024-06-30")
    a.placement("P6c", "E6", "H3", "2024-06-30")
    # E7 (24+): end > add_months(2022-06-30, 24); relative, trial home visit, back to the same relative -> met
    a.episode("E7", "C7", "2022-06-30")
    a.placement("P7a", "E7", "H1", "2022-06-30", "2023-01-01", "relative")
    a.placement("P7b", "E7", "H9", "2023-01-01", "2023-02-01", "trial_home_visit")
    a.placement("P7c", "E7", "H1", "2023-02-01", None, "relative")
    # E8 (12-24): end = add_months(2022-07-01, 24) exactly; two homes -> met
    a.episode("E8", "C8", "2022-07-01")
    a.placement("P8a", "E8", "H1", "2022-07-01", "2023-07-01")
    a.placement("P8b", "E8", "H2", "2023-07-01")
    # E9: discharged on p0 -> in no band
    a.episode("E9", "C9", "2023-01-01", "2023-07-01")
    # E10 (12-24): discharged in the window exactly 24 months after removal (end = discharge) -> met
    a.episode("E10", "C10", "2022-01-01", "2024-01-01")
    a.placement("P10", "E10", "H1", "2022-01-01", "2024-01-01")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "placement_stability_0_12", M) == {"E1": (1, 1), "E2": (0, 1), "E3": (1, 1), "E5": (1, 1)}
    assert members(snap, "placement_stability_12_24", M) == {"E6": (0, 1), "E8": (1, 1), "E10": (1, 1)}
    assert members(snap, "placement_stability_24_plus", M) == {"E7": (1, 1)}


def test_timely_medical_exam(agency, warehouse, tmp_path):
    a = agency
    # add_months(me, -12) = 2023-06-30
    a.episode("E1", "C1", "2024-05-31")                       # removal + 30 days = me -> member
    a.exam("X1", "C1", "medical", "2024-05-01")               # removal - 30 days -> met
    a.episode("E2", "C2", "2024-06-01")                       # removal + 30 days after me -> not a member
    a.episode("E3", "C3", "2020-01-01")
    a.exam("X3", "C3", "medical", "2023-06-30")               # add_months(me, -12) -> met
    a.episode("E4", "C4", "2020-01-01")
    a.exam("X4a", "C4", "medical", "2023-06-29")              # a day too early -> not met
    a.exam("X4b", "C4", "dental", "2024-01-01")               # not medical
    a.episode("E5", "C5", "2024-05-01")
    a.exam("X5", "C5", "medical", "2024-03-31")               # removal - 31 days -> not met
    a.episode("E6", "C6", "2024-01-01")
    a.exam("X6", "C6", "medical", "2024-07-01")               # after me -> not met
    a.child("C7", born="2006-06-30")                          # 18 on me -> not a member
    a.episode("E7", "C7", "2024-01-01")
    # In February 2024, me = 2024-02-29 and add_months(me, -12) = 2023-02-28
    a.episode("E8", "C8", "2020-01-01", "2024-03-15")
    a.exam("X8", "C8", "medical", "2023-02-28")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "timely_medical_exam", M) == {
        "E1": (1, 1), "E3": (1, 1), "E4": (0, 1), "E5": (0, 1), "E6": (0, 1)}
    assert members(snap, "timely_medical_exam", "2024-02")["E8"] == (1, 1)
    assert members(snap, "timely_medical_exam", "2024-01")["E8"] == (1, 1)


def test_timely_dental_exam(agency, warehouse, tmp_path):
    a = agency
    a.child("D1", born="2023-06-30")                          # one year old on me -> member
    a.episode("E1", "D1", "2024-01-01")
    a.exam("X1", "D1", "dental", "2024-02-01")                # -> met
    a.child("D2", born="2023-07-01")                          # not yet one on me -> not a member
    a.episode("E2", "D2", "2024-01-01")
    a.episode("E3", "D3", "2020-01-01")
    a.exam("X3", "D3", "dental", "2024-01-01")                # -> met
    a.episode("E4", "D4", "2020-01-01")
    a.exam("X4", "D4", "medical", "2024-01-01")               # medical only -> not met
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "timely_dental_exam", M) == {"E1": (1, 1), "E3": (1, 1), "E4": (0, 1)}


def test_sibling_placement(agency, warehouse, tmp_path):
    a = agency

    def in_care(child, group, home, born="2015-01-01", setting="foster_family", end=None):
        a.child(child, born=born, siblings=group)
        a.episode(f"E{child}", child, "2024-01-01")
        if home:
            a.placement(f"P{child}", f"E{child}", home, "2024-01-01", end, setting)

    # S1: three siblings, one in another home -> all three members, none met
    in_care("C1", "S1", "H1")
    in_care("C2", "S1", "H1")
    in_care("C3", "S1", "H2")
    # S2: two siblings together -> both met; a third left care before me and does not count
    in_care("C4", "S2", "H5")
    in_care("C5", "S2", "H5")
    a.child("C6", siblings="S2")
    a.episode("EC6", "C6", "2024-01-01", "2024-06-30")
    a.placement("PC6", "EC6", "H6", "2024-01-01", "2024-06-30")
    # S3: the sibling's placement ended on me, so it has no placement on me -> neither is met
    in_care("C7", "S3", "H7")
    in_care("C8", "S3", "H7", end="2024-06-30")
    # S4: the only sibling in care -> not a member (its brother C10 is not in care)
    in_care("C9", "S4", "H9")
    a.child("C10", siblings="S4")
    # S5: an adult sibling (any age) in the same home -> the minor is a member, met; the adult is not a member
    in_care("C11", "S5", "H11", born="2005-01-01")
    in_care("C12", "S5", "H11")
    # S6: one sibling on a trial home visit elsewhere -> apart, neither met
    in_care("C13", "S6", "H13")
    in_care("C14", "S6", "H14", setting="trial_home_visit")
    # no sibling group -> not a member
    in_care("C15", None, "H15")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "sibling_placement", M) == {
        "EC1": (0, 1), "EC2": (0, 1), "EC3": (0, 1), "EC4": (1, 1), "EC5": (1, 1), "EC7": (0, 1), "EC8": (0, 1),
        "EC12": (1, 1), "EC13": (0, 1), "EC14": (0, 1)}
    assert cell(snap, "sibling_placement", M) == {"numerator": 3, "denominator": 10, "value": 30.0, "status": "red"}


def test_mh_screening_detained(agency, warehouse, tmp_path):
    a = agency
    a.episode("E1", "C1", "2024-05-01")
    a.exam("X1", "C1", "mental_health_screening", "2024-05-31")   # removal + 30 days -> met
    a.episode("E2", "C2", "2024-05-31")
    a.exam("X2", "C2", "mental_health_screening", "2024-07-01")   # removal + 31 days -> not met
    a.episode("E3", "C3", "2024-05-31")
    a.exam("X3", "C3", "mental_health_screening", "2024-06-30")   # removal + 30 days -> met
    a.episode("E4", "C4", "2024-05-15")
    a.exam("X4", "C4", "mental_health_screening", "2024-05-14")   # before removal -> not met
    a.episode("E5", "C5", "2024-06-01")                           # removed in M, not M-1 -> not a member
    a.episode("E6", "C6", "2024-05-20")
    a.exam("X6", "C6", "medical", "2024-05-21")                   # not a screening -> not met
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "mh_screening_detained", M) == {
        "E1": (1, 1), "E2": (0, 1), "E3": (1, 1), "E4": (0, 1), "E6": (0, 1)}


def test_mh_screening_in_home(agency, warehouse, tmp_path):
    a = agency
    a.in_home("H1", "C1", "2024-05-01")
    a.exam("X1", "C1", "mental_health_screening", "2024-05-31")   # opened + 30 days -> met
    a.in_home("H2", "C2", "2024-05-10", worker="W2")
    a.exam("X2", "C2", "mental_health_screening", "2024-06-10")   # opened + 31 days -> not met
    a.in_home("H3", "C3", "2024-04-30")                           # opened before M-1 -> not a member
    a.in_home("H4", "C4", "2024-05-31", "2024-06-02")
    a.exam("X4", "C4", "mental_health_screening", "2024-06-30")   # after the case closed, within 30 days -> met
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "mh_screening_in_home", M) == {"H1": (1, 1), "H2": (0, 1), "H4": (1, 1)}
    assert members(snap, "mh_screening_in_home", M, "office:O2") == {"H2": (0, 1)}


def test_mh_screening_open_cases(agency, warehouse, tmp_path):
    a = agency
    a.episode("E1", "C1", "2024-05-31")                            # removal + 30 = me -> member
    a.exam("X1", "C1", "mental_health_screening", "2024-05-31")    # on the removal day -> met
    a.episode("E2", "C2", "2024-06-01")                            # too recent -> not a member
    a.episode("E3", "C3", "2023-01-01")
    a.exam("X3", "C3", "mental_health_screening", "2022-12-31")    # before the episode -> not met
    a.episode("E4", "C4", "2023-01-01", "2024-06-30")              # not in care on me -> not a member
    a.in_home("H1", "C5", "2024-05-31")
    a.exam("X5", "C5", "mental_health_screening", "2024-06-30")    # on me -> met
    a.in_home("H2", "C6", "2024-01-01", "2024-06-30")              # closed on me -> not a member
    a.in_home("H3", "C7", "2024-01-01", "2024-07-01")              # open on me, never screened -> not met
    a.child("C8", born="2000-01-01")                                # an adult in care: no age rule -> member
    a.episode("E10", "C8", "2023-01-01")
    a.exam("X8", "C8", "mental_health_screening", "2023-02-01")
    snap = load(a, warehouse, tmp_path)
    assert members(snap, "mh_screening_open_cases", M) == {
        "E1": (1, 1), "E3": (0, 1), "H1": (1, 1), "H3": (0, 1), "E10": (1, 1)}
