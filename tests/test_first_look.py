"""What a reader meets first, and what they meet when a link is wrong (issue 15): each defect seen on screen."""
from __future__ import annotations

import pytest

from components.links import ScorecardView
from queries.performance import heatmap
from queries.scope import EntityRef, Scope
from queries.scorecard import OutsideScope


def test_a_bare_scorecard_is_the_readers_own(demo_snapshot):
    manager = Scope("office", "O001")
    bare = ScorecardView.from_query({})
    with pytest.raises(OutsideScope):
        heatmap(demo_snapshot, manager, bare.month, bare.parent, bare.level)
    mine = bare.for_reader(manager)
    assert mine.parent == EntityRef("office", "O001")
    data = heatmap(demo_snapshot, manager, mine.month, mine.parent, mine.level, mine.tier, mine.sort)
    assert data.parent.name == "Alder Office" and data.level == "unit"
    # An executive's bare scorecard is the department's; a link that names its parent is taken as written.
    assert bare.for_reader(Scope()) == bare
    named = ScorecardView.from_query({"parent": "bureau:B01"})
    assert named.for_reader(manager) == named
    assert ScorecardView.from_query({"level": "bureau"}).for_reader(manager).parent is None
