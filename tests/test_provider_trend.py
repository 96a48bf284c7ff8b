"""One provider's trend beside its program's aggregate (queries/providers.provider_trend), on the `small` demo: the
program's line is the sum of the program's providers' members, and a provider's own staff or a viewer get it only
where it gives no other provider away."""
from __future__ import annotations

import pandas as pd
import pytest

from access.scope import EntityRef, OutsideScope, Scope, ScorecardQueryError
from queries.providers import provider_trend

FOSTER = [f"FFA{n:02d}" for n in range(1, 13)]
STABILITY = "placement_stability_0_12"


def _cells(snapshot, indicator, providers):
    names = ", ".join(f"'{p}'" for p in providers)  # fixed ids of the demo, not input
    frame = snapshot.read(f"select month, entity_id, numerator, denominator from cells where level = 'provider' "
                          f"and indicator_id = '{indicator}' and entity_id in ({names})")
    frame["month"] = pd.to_datetime(frame.month)
    return frame


def test_the_program_line_is_the_sum_of_its_providers_members_and_the_own_line_is_exact(demo_snapshot):
    found = provider_trend(demo_snapshot, Scope(), STABILITY, "FFA07", None, 12, "Foster care", FOSTER)
    cells = _cells(demo_snapshot, STABILITY, FOSTER)
    sums = cells.groupby("month")[["numerator", "denominator"]].sum()
    program = found.series[found.series.line == "program"].set_index("month")
    assert len(program) == 12 and found.entity.ref == EntityRef("provider", "FFA07")
    assert program.numerator.astype(int).tolist() == sums.numerator.loc[program.index].astype(int).tolist()
    assert program.value.round(9).tolist() == (100 * sums.numerator / sums.denominator).loc[program.index].round(9).tolist()
    own = found.series[found.series.line == "entity"].set_index("month")
    mine = cells[cells.entity_id == "FFA07"].set_index("month")
    assert own.denominator.astype(int).tolist() == mine.denominator.loc[own.index].astype(int).tolist()
    peers = found.series[found.series.line == "peers"]
    assert len(peers) == 12  # the department's reader sees the other providers' median


def test_a_provider_s_staff_get_their_own_counts_and_the_program_without_any_other_provider(demo_snapshot):
    mine = Scope("provider", "FFA07", small_cell_min=11)
    found = provider_trend(demo_snapshot, mine, STABILITY, "FFA07", None, 12, "Foster care", FOSTER)
    lines = set(found.series.line)
    assert lines == {"entity", "program"}  # no peers' median: it is made of other providers' own figures
    own = found.series[found.series.line == "entity"]
    assert own.denominator.notna().all()  # their own children: the counts are theirs
    program = found.series[found.series.line == "program"]
    assert program.value.notna().all() and program.numerator.isna().all() and program.denominator.isna().all()
    assert (program.value.round(1) == program.value).all()  # rounded as a viewer's values
    # With one other provider in the program (FFA01, never a small number), the program less one's own cell
    # is that provider: hidden.
    two = provider_trend(demo_snapshot, mine, STABILITY, "FFA07", None, 12, "Foster care", ["FFA07", "FFA01"])
    alone = two.series[two.series.line == "program"]
    assert alone.value.isna().all() and (alone.status == "suppressed").all()
    assert provider_trend(demo_snapshot, Scope(), STABILITY, "FFA07", None, 12, "Foster care",
                          ["FFA07", "FFA01"]).series.query("line == 'program'").value.notna().all()
    # Others whose members together are a small number: hidden too.
    strict = Scope("provider", "FFA07", small_cell_min=10_000)
    small = provider_trend(demo_snapshot, strict, STABILITY, "FFA07", None, 12, "Foster care", FOSTER)
    assert small.series.query("line == 'program'").value.isna().all()


@pytest.mark.parametrize("scope", [Scope("provider", "FFA08", small_cell_min=11), Scope("office", "O001"),
                                   Scope("office", "O001", case_level=False, small_cell_min=11)])
def test_any_other_reader_of_a_provider_is_refused_before_its_existence_is_told(demo_snapshot, scope):
    for provider in ("FFA07", "NO-SUCH"):
        with pytest.raises(OutsideScope) as refused:
            provider_trend(demo_snapshot, scope, STABILITY, provider)
        assert "has no provider" not in str(refused.value)
    with pytest.raises(ScorecardQueryError, match="has no provider 'NO-SUCH'"):
        provider_trend(demo_snapshot, Scope(), STABILITY, "NO-SUCH")


def test_a_median_has_no_program_line(demo_snapshot):
    found = provider_trend(demo_snapshot, Scope(), "median_days_in_care", "FFA07", None, 6, "Foster care", FOSTER)
    assert "program" not in set(found.series.line)
