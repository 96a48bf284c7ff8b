"""What a viewer can work out from what they are sent: nothing hidden, and no more digits than shown.

The attacker here is stronger than any real one: they know the exact numerator and denominator of every
cell a viewer sees (as if rounding hid nothing), and they solve every sum the organisation makes -- a
parent is the sum of its children -- over and over, and take the shared denominator of indicators that
count the same members. Complementary suppression (queries/disclosure.py) must leave them nothing.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from fractions import Fraction

import pandas as pd
import pytest

from measures.definitions import DENOMINATOR_FAMILIES
from queries.disclosure import PRECISION, complementary, rounded
from queries.performance import heatmap, indicator_across, story, trend
from access.scope import LEVELS, EntityRef, Scope
from queries.scorecard import indicator_catalogue, report_months, scorecard

VIEWER = Scope(case_level=False, small_cell_min=11)
PARENT = {"bureau": "department", "office": "bureau", "unit": "office", "worker": "unit"}


def nodes(rows, extreme=()):
    """`complementary`'s input from (level, id, parent level, parent id, small, size) tuples; `extreme`:
    the ids of the cells at 0% or 100%."""
    frame = pd.DataFrame(rows, columns=["level", "entity_id", "parent_level", "parent_id", "small", "size"])
    return frame.assign(extreme=frame.entity_id.isin(extreme))


# -- the rule on hand-made organisations -------------------------------------------------------------

def test_a_lone_small_cell_takes_the_smallest_visible_sibling_with_it():
    tree = nodes([("department", "all", None, None, False, 100), ("bureau", "B1", "department", "all", True, 4),
                  ("bureau", "B2", "department", "all", False, 30), ("bureau", "B3", "department", "all", False, 66)])
    assert complementary(tree) == {("bureau", "B1"), ("bureau", "B2")}


def test_two_small_siblings_need_no_more_and_nothing_small_hides_nothing():
    tree = nodes([("department", "all", None, None, False, 100), ("bureau", "B1", "department", "all", True, 4),
                  ("bureau", "B2", "department", "all", True, 5), ("bureau", "B3", "department", "all", False, 91)])
    assert complementary(tree) == {("bureau", "B1"), ("bureau", "B2")}
    assert complementary(tree.assign(small=False)) == set()


def test_a_cell_hidden_to_cover_another_is_covered_in_turn():
    # U1 is small: U2, its smallest sibling, is hidden with it. U2's workers are all large, so their sum
    # would give U2 back: its smallest worker goes too. In B2, small O2 takes O4 along, and O4's smallest
    # unit follows for the same reason. Nothing else moves.
    tree = nodes([("department", "all", None, None, False, 200),
                  ("bureau", "B1", "department", "all", False, 100), ("bureau", "B2", "department", "all", False, 100),
                  ("office", "O1", "bureau", "B1", False, 60), ("office", "O3", "bureau", "B1", False, 40),
                  ("unit", "U1", "office", "O1", True, 6), ("unit", "U2", "office", "O1", False, 20),
                  ("unit", "U3", "office", "O1", False, 34),
                  ("worker", "W1", "unit", "U2", False, 12), ("worker", "W2", "unit", "U2", False, 8),
                  ("worker", "W3", "unit", "U3", False, 34),
                  ("office", "O2", "bureau", "B2", True, 7), ("unit", "U4", "office", "O2", True, 7),
                  ("office", "O4", "bureau", "B2", False, 93), ("unit", "U5", "office", "O4", False, 50),
                  ("unit", "U6", "office", "O4", False, 43)])
    assert complementary(tree) == {("unit", "U1"), ("unit", "U2"), ("worker", "W2"), ("office", "O2"),
                                   ("unit", "U4"), ("office", "O4"), ("unit", "U6")}


def test_a_cell_at_0_or_100_percent_with_a_hidden_cell_below_is_hidden_too():
    # O1 is 100%: so is every unit below it, the hidden U1 included. O1 goes, and O3, the smallest office,
    # with it (O1 would be the bureau less the others); O2, at 100% with nothing hidden below, stays.
    tree = nodes([("bureau", "B1", "department", "all", False, 100),
                  ("office", "O1", "bureau", "B1", False, 30), ("office", "O2", "bureau", "B1", False, 50),
                  ("office", "O3", "bureau", "B1", False, 20),
                  ("unit", "U1", "office", "O1", True, 6), ("unit", "U2", "office", "O1", False, 24),
                  ("unit", "U3", "office", "O2", False, 50)], extreme={"O1", "U1", "U2", "O2", "U3"})
    assert complementary(tree) == {("unit", "U1"), ("unit", "U2"), ("office", "O1"), ("office", "O3")}
    assert complementary(tree.assign(extreme=False)) == {("unit", "U1"), ("unit", "U2")}


def test_values_are_rounded_as_the_page_shows_them():
    assert rounded(pd.Series([78.125, 84.21052631578948, float("nan")]), "proportion").tolist()[:2] == [78.1, 84.2]
    assert rounded(pd.Series([9.0712]), "rate").tolist() == [9.07]
    assert rounded(pd.Series([37.5, 12.0]), "median").tolist() == [37.5, 12.0]
    assert set(PRECISION) == {"proportion", "rate", "median", "count"}


# -- the demo agency, as a viewer receives it ------------------------------------------------------

@pytest.fixture(scope="module")
def received(demo_snapshot):
    """The last 12 months of every level's scorecard download, as a viewer and as an executive gets it."""
    months = report_months(demo_snapshot)[-12:]
    def every(scope):
        return pd.concat([scorecard(demo_snapshot, scope, m, level) for m in months for level in LEVELS],
                         ignore_index=True)
    viewer, truth = every(VIEWER), every(Scope())
    key = ["indicator_id", "month", "level", "entity_id"]
    return truth.merge(viewer[key + ["value", "status"]], on=key, suffixes=("", "_viewer"))


def _parents(demo_snapshot):
    entities = demo_snapshot.read("select level, entity_id, bureau_id, office_id, unit_id from entities")
    column = {"bureau": None, "office": "bureau_id", "unit": "office_id", "worker": "unit_id"}
    return {(r.level, r.entity_id): (PARENT[r.level], "all" if r.level == "bureau" else getattr(r, column[r.level]))
            for r in entities.itertuples() if r.level != "department"}


def shared_denominators(cells: pd.DataFrame) -> dict[str, tuple]:
    """Each indicator with the others whose denominators equal its own in every cell both have: what an
    attacker who knows the definitions (or compares enough visible cells) takes as one number."""
    dens = cells.pivot_table(index=["month", "level", "entity_id"], columns="indicator_id", values="denominator")
    groups = {i: {i} for i in dens.columns}
    for a, b in itertools.combinations(dens.columns, 2):
        both = dens[a].notna() & dens[b].notna()
        if both.sum() >= 50 and (dens[a][both] == dens[b][both]).all():
            groups[a] |= groups[b]
            for i in groups[a]:
                groups[i] = groups[a]
    return {i: tuple(sorted(g)) for i, g in groups.items()}


def attack(cells: pd.DataFrame, hidden: pd.Series, parents: dict) -> set:
    """The hidden cells whose numerator or denominator the strong attacker works out: (indicator, month, level,
    id, 'numerator' or 'denominator')."""
    families = shared_denominators(cells)
    known, unknown = {}, set()
    for row, is_hidden in zip(cells.itertuples(), hidden):
        family = families[row.indicator_id]
        for part, name in (("numerator", row.indicator_id), ("denominator", family)):
            variable = (name, row.month, row.level, row.entity_id)
            if is_hidden:
                unknown.add((variable, part))
            else:
                known[(variable, part)] = getattr(row, part)
    # A denominator seen in any indicator of its family is known in all of them (`entries` counts what
    # entry_timely_tdm divides by).
    unknown = {u for u in unknown if u not in known}
    sums = defaultdict(list)
    for (name, month, level, entity), part in known.keys() | unknown:
        if level != "department":
            sums[(name, month, part, parents[(level, entity)])].append((name, month, level, entity))
    solved = set()
    # A visible proportion at 0% or 100% (a rate of 0) gives its value to every cell below it.
    below = defaultdict(list)
    for (name, month, level, entity), part in unknown:
        parent = parents.get((level, entity))
        while parent is not None:
            below[(name, month, *parent)].append(((name, month, level, entity), part))
            parent = parents.get(parent)
    for row, is_hidden in zip(cells.itertuples(), hidden):
        if not is_hidden and row.kind in ("proportion", "rate") and row.numerator in (0, row.denominator):
            solved.update(u for u in below.get((row.indicator_id, row.month, row.level, row.entity_id), ())
                          if u[1] == "numerator")
    changed = True
    while changed:
        changed = False
        for (name, month, part, parent), children in sums.items():
            terms = [((name, month, *parent), part)] + [(c, part) for c in children]
            missing = [t for t in terms if t in unknown and t not in solved]
            if len(missing) == 1:
                solved.add(missing[0])
                changed = True
    return solved


def test_the_strong_attacker_works_out_no_hidden_cell(demo_snapshot, received):
    kinds = dict(zip(indicator_catalogue(demo_snapshot).indicator_id, indicator_catalogue(demo_snapshot).kind))
    received = received.assign(kind=received.indicator_id.map(kinds))
    hidden = received.status_viewer == "suppressed"
    assert hidden.sum() > 1000 and (~hidden).sum() > 1000
    parents = _parents(demo_snapshot)
    assert attack(received, hidden, parents) == set()
    # The same attacker against small-cell suppression alone works out hundreds of hidden cells: the test
    # would see a rule that stopped at the small cells.
    primary = received.numerator.between(1, 10) | received.denominator.between(1, 10)
    assert len(attack(received, primary, parents)) > 100


def test_the_fraction_attack_on_what_a_viewer_receives_finds_no_small_number(demo_snapshot, received):
    # The review's attack: Fraction(value / 100).limit_denominator() on the download. On exact values it
    # gave back the numerator and denominator of about half the visible cells; on values rounded as shown,
    # almost none. A sharper attacker (the simplest fraction within the rounding) still guesses some of
    # the larger cells -- which is why complementary suppression assumes every visible count is known --
    # but no cell they can guess holds a small number.
    kinds = dict(zip(indicator_catalogue(demo_snapshot).indicator_id, indicator_catalogue(demo_snapshot).kind))
    shown = received[(received.status_viewer != "suppressed") & received.value_viewer.notna()
                     & (received.indicator_id.map(kinds) == "proportion") & (received.denominator > 0)]
    def recovered(values):
        guesses = [Fraction(v / 100).limit_denominator() for v in values]
        return pd.Series([(g.numerator, g.denominator) == (n, d)
                          for g, n, d in zip(guesses, shown.numerator, shown.denominator)], index=shown.index)
    assert len(shown) > 1000
    assert recovered(shown.value).mean() > 0.3  # the attack works on exact values ...
    assert recovered(shown.value_viewer).mean() < 0.05  # ... and hardly at all on what is sent
    assert not (shown.numerator.between(1, 10) | shown.denominator.between(1, 10)).any()


def test_hidden_cells_are_the_small_ones_and_few_more(received):
    hidden = received.status_viewer == "suppressed"
    small = received.numerator.between(1, 10) | received.denominator.between(1, 10)
    assert (hidden | ~small).all()  # every small cell is hidden
    assert received[hidden].value_viewer.isna().all()
    assert (hidden & ~small).sum() < 0.05 * hidden.sum()  # complementary cells: a few per cent of the hidden


def test_indicators_that_share_their_denominators_are_one_family(received):
    dens = received.pivot_table(index=["month", "level", "entity_id"], columns="indicator_id", values="denominator")
    families = {i: f for f in DENOMINATOR_FAMILIES for i in f}
    for a, b in itertools.combinations(dens.columns, 2):
        both = dens[a].notna() & dens[b].notna()
        if both.sum() < 50:
            continue
        same = (dens[a][both] == dens[b][both]).mean()
        if families.get(a) is not None and families.get(a) == families.get(b):
            assert same == 1, (a, b)
        else:
            assert same < 0.99, f"{a} and {b} share their denominators: make them a family"


def test_every_value_a_viewer_receives_has_the_digits_shown_and_no_more(demo_snapshot, received):
    kinds = dict(zip(indicator_catalogue(demo_snapshot).indicator_id, indicator_catalogue(demo_snapshot).kind))
    def assert_rounded(values, kind):
        values = pd.Series(values, dtype="float64").dropna()
        assert (values == rounded(values, kind)).all(), values[values != rounded(values, kind)].head()
    for indicator, rows in received.groupby("indicator_id"):
        assert_rounded(rows.value_viewer, kinds[indicator])
    month = report_months(demo_snapshot)[-1]
    data = heatmap(demo_snapshot, VIEWER, month, EntityRef("bureau", "B01"), "unit")
    for column in ("value", "last_month", "last_year"):
        for indicator, rows in data.cells.groupby("indicator_id"):
            assert_rounded(rows[column], kinds[indicator])
    for indicator in ("reentry", "maltreatment_in_care", "median_days_in_care", "entries"):
        across = indicator_across(demo_snapshot, VIEWER, indicator, month)
        assert_rounded(pd.concat([across.ranked.value, across.offices.value]), kinds[indicator])
        line = trend(demo_snapshot, VIEWER, indicator, EntityRef("office", "O003"), month, None)
        # (The peers' line is the median of values the viewer is shown: it gives away nothing more.)
        assert_rounded(line.series[line.series.line != "peers"].value, kinds[indicator])
    cells = story(demo_snapshot, VIEWER, EntityRef("office", "O003"), month).cells
    for indicator, rows in cells.groupby("indicator_id"):
        assert_rounded(rows.value, kinds[indicator])
    # ... and an executive still gets the exact values.
    exact = scorecard(demo_snapshot, Scope(), month, "unit")
    assert (exact.value != rounded(exact.value, "proportion")).any()


def test_the_pattern_is_kept_per_version_and_minimum(demo_snapshot):
    month = report_months(demo_snapshot)[-1]
    scorecard(demo_snapshot, Scope(case_level=False, small_cell_min=5), month, "unit")
    five = demo_snapshot.memo("disclosure:5:reentry", dict)[month]
    eleven = scorecard(demo_snapshot, VIEWER, month, "unit")
    assert five != demo_snapshot.memo("disclosure:11:reentry", dict)[month]
    assert len(five) < len(demo_snapshot.memo("disclosure:11:reentry", dict)[month])
    assert not eleven.empty


def test_the_home_page_caseloads_follow_the_same_rule(demo_snapshot):
    from components.home import organisation_table
    from queries.org import organisation_summary
    everything = organisation_summary(demo_snapshot, Scope())
    assert len(everything) == 2 and (everything.children_in_care > 10).all()
    # Counts of 11 or more are shown to viewers, on the home page and on the scorecard alike.
    assert organisation_summary(demo_snapshot, VIEWER).equals(everything)
    month = report_months(demo_snapshot)[-1]
    entries = scorecard(demo_snapshot, VIEWER, month, "department", indicator_ids=["entries"])
    assert entries.value.iloc[0] == scorecard(demo_snapshot, Scope(), month, "department", indicator_ids=["entries"]
                                              ).value.iloc[0] > 10
    in_unit = int(organisation_summary(demo_snapshot, Scope("unit", "U0001")).children_in_care.iloc[0])
    for minimum, hidden in ((in_unit, False), (in_unit + 1, True)):  # from 1 to the minimum less one: hidden
        seen = organisation_summary(demo_snapshot, Scope("unit", "U0001", case_level=False, small_cell_min=minimum))
        assert seen.children_in_care.isna().all() == hidden
    # One bureau's count hidden: the total would give it back, so it is hidden too.
    one_hidden = everything.assign(children_in_care=everything.children_in_care.mask([True, False]))
    total = organisation_table(one_hidden).children[1].children[-1]
    cells = [str(getattr(cell, "children", "")) for cell in total.children]
    assert cells[0] == "All bureaus" and cells[4] == "hidden" and cells[5] != "hidden"
