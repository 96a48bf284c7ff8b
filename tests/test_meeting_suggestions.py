"""A meeting's suggestions pick the cells they claim to, worked out here again from the scorecard's cells alone."""
from __future__ import annotations

import datetime as dt

import pytest

from store import meeting_numbers as N
from store import meetings as M
from access.roles import reader_for
from access.scope import EntityRef

EXEC = reader_for("ex", "executive", None)
RATED = ("green", "yellow", "red")


@pytest.fixture
def engine(tmp_path, new_store_engine):
    return new_store_engine("sqlite", tmp_path / "statboard.db")


def _status(value):
    return value if isinstance(value, str) else None


def _number(value):
    return None if value is None or value != value else float(value)


class Expected:
    """The suggestions' cells by the module's docstring, from the heat map's cells and the catalogue's thresholds."""

    def __init__(self, numbers: N.MeetingNumbers):
        card = numbers.scorecard
        self.card = card
        self.indicators = {r["indicator_id"]: r for r in card.indicators.to_dict("records")}
        shown = {(r.level, r.entity_id) for r in card.rows.itertuples()}
        self.cells = [c for c in card.cells.to_dict("records")
                      if (c["level"], c["entity_id"]) in shown and c["indicator_id"] in self.indicators]

    def band(self, indicator_id):
        green, yellow = float(self.indicators[indicator_id]["green"]), float(self.indicators[indicator_id]["yellow"])
        return abs(green - yellow) or abs(green) or None

    def turned_red(self):
        return {(c["indicator_id"], c["level"], c["entity_id"]) for c in self.cells
                if _status(c["status"]) == "red" and _status(c["last_month_status"]) in ("green", "yellow")
                and _number(c["last_month"]) is not None}

    def worse(self, column):
        """(score, cell) of every rated cell that got worse since `column`, the indicator's direction respected."""
        found = []
        for c in self.cells:
            direction = self.indicators[c["indicator_id"]]["direction"]
            if _status(c["status"]) not in RATED or _status(c[f"{column}_status"]) not in RATED:
                continue
            if direction not in ("higher", "lower"):
                continue
            change = _number(c["value"]) - _number(c[column])
            worse_by = (-change if direction == "higher" else change) / self.band(c["indicator_id"])
            if worse_by > 0:
                found.append((worse_by, (c["indicator_id"], c["level"], c["entity_id"])))
        return found

    def spread(self):
        by_indicator = {}
        for c in self.cells:
            if c["level"] == self.card.level and _status(c["status"]) in RATED:
                by_indicator.setdefault(c["indicator_id"], []).append(_number(c["value"]))
        parent = self.card.parent
        return [((max(values) - min(values)) / self.band(i), (i, parent.level, parent.entity_id))
                for i, values in by_indicator.items()
                if len(values) >= N.SPREAD_MIN_CHILDREN and max(values) - min(values) >= self.band(i)]


def top(scored, taken, n=5):
    """The `n` best not yet taken, largest first; ties by level, entity, then indicator."""
    ordered = sorted(scored, key=lambda s: (-s[0], s[1][1], s[1][2], s[1][0]))
    picked = [cell for _, cell in ordered if cell not in taken][:n]
    taken.update(picked)
    return picked


def by_kind(suggestions):
    found = {}
    for s in suggestions:
        found.setdefault(s.kind, []).append((s.indicator_id, s.entity.level, s.entity.entity_id))
    return found


def expected_suggestions(numbers, on_agenda=(), due=()):
    want = Expected(numbers)
    taken = set(on_agenda)
    red = want.turned_red() - taken
    taken |= red
    due = [cell for cell in due if cell not in taken]
    taken.update(due)
    return {"red": red, "due": due, "worse-month": top(want.worse("last_month"), taken),
            "worse-year": top(want.worse("last_year"), taken), "spread": top(want.spread(), taken)}


def meeting_of(engine, snapshot, entity: EntityRef, held_on="2026-11-20", month=None):
    name, ids, month = N.prepare(snapshot, EXEC.data_scope(), entity, month)
    return M.create_meeting(engine, EXEC, entity, name, ids, month, snapshot.version.version_id,
                            snapshot.version.as_of, held_on=held_on)


def check(found, want):
    got = by_kind(found)
    assert set(got.get("red", [])) == want["red"]
    for kind in ("due", "worse-month", "worse-year", "spread"):
        assert got.get(kind, []) == want[kind], kind
    assert len(found) == len({(s.indicator_id, s.entity) for s in found})  # each cell once


@pytest.mark.parametrize("entity", [EntityRef("department", "all"), EntityRef("bureau", "B01"),
                                    EntityRef("office", "O002")])
def test_suggestions_pick_the_cells_they_claim(engine, demo_snapshot, entity):
    meeting = meeting_of(engine, demo_snapshot, entity)
    numbers = N.compute(demo_snapshot, meeting, [])
    want = expected_suggestions(numbers)
    assert want["red"] and want["worse-month"] and want["worse-year"]  # something to check
    # the department has two bureaus: too few for a spread
    assert bool(want["spread"]) == (len(numbers.scorecard.rows) - 1 >= N.SPREAD_MIN_CHILDREN)
    found = N.suggestions(numbers, [])
    check(found, want)
    # the red ones: the meeting's own entity first, every one red now and not red last month
    reds = [s for s in found if s.kind == "red"]
    parents = [s.entity == entity for s in reds]
    assert parents == sorted(parents, reverse=True)
    cells = numbers.scorecard.cells.set_index(["indicator_id", "level", "entity_id"])
    for s in reds:
        cell = cells.loc[(s.indicator_id, s.entity.level, s.entity.entity_id)]
        assert cell.status == "red" and _status(cell.last_month_status) in ("green", "yellow")
        assert s.reason.startswith(f"turned red: {cell.last_month_status} (")


def test_the_worse_direction_is_the_indicators(engine, demo_snapshot):
    """A rise is worse for a lower-is-better indicator, a fall for a higher-is-better one."""
    seen = set()
    for entity in (EntityRef("department", "all"), EntityRef("bureau", "B01"), EntityRef("bureau", "B02")):
        meeting = meeting_of(engine, demo_snapshot, entity)
        numbers = N.compute(demo_snapshot, meeting, [])
        cells = numbers.scorecard.cells.set_index(["indicator_id", "level", "entity_id"])
        directions = numbers.scorecard.indicators.set_index("indicator_id").direction
        for s in N.suggestions(numbers, []):
            if s.kind not in ("worse-month", "worse-year"):
                continue
            cell = cells.loc[(s.indicator_id, s.entity.level, s.entity.entity_id)]
            before = cell.last_month if s.kind == "worse-month" else cell.last_year
            direction = directions[s.indicator_id]
            assert (cell.value < before) if direction == "higher" else (cell.value > before)
            seen.add(direction)
    assert seen == {"higher", "lower"}


def test_spread_names_the_worst_child(engine, demo_snapshot):
    meeting = meeting_of(engine, demo_snapshot, EntityRef("bureau", "B01"))
    numbers = N.compute(demo_snapshot, meeting, [])
    card = numbers.scorecard
    names = dict(zip(card.rows.entity_id, card.rows.entity_name))
    directions = card.indicators.set_index("indicator_id").direction
    children = card.cells[(card.cells.level == card.level) & card.cells.status.isin(RATED)]
    checked = set()
    for s in N.suggestions(numbers, []):
        if s.kind != "spread":
            continue
        rated = children[children.indicator_id == s.indicator_id]
        worst = rated.value.min() if directions[s.indicator_id] == "higher" else rated.value.max()
        worst_name = names[rated[rated.value == worst].entity_id.min()]
        assert f"({worst_name} worst)" in s.reason and " best) to " in s.reason
        checked.add(directions[s.indicator_id])
    assert "lower" in checked  # the case where the worst is the highest value


def test_suggestions_leave_out_the_agenda_and_suggest_due_actions(engine, demo_snapshot):
    meeting = meeting_of(engine, demo_snapshot, EntityRef("bureau", "B01"), held_on="2026-11-20")
    numbers = N.compute(demo_snapshot, meeting, [])
    first = expected_suggestions(numbers)
    on_agenda = [sorted(first["red"])[0], first["worse-month"][0], first["worse-year"][0], first["spread"][0]]
    for indicator_id, level, entity_id in on_agenda:
        M.add_item(engine, EXEC, meeting.id, "indicator", indicator_id=indicator_id,
                   entity=EntityRef(level, entity_id), entity_name=entity_id)
    items = M.agenda(engine, EXEC, meeting.id)

    # actions agreed at an earlier meeting of the bureau: one due by this meeting, one later, one done
    earlier = meeting_of(engine, demo_snapshot, EntityRef("bureau", "B01"), held_on="2026-10-20",
                         month=dt.date(2026, 9, 1))
    green = numbers.scorecard.cells[(numbers.scorecard.cells.status == "green")
                                    & (numbers.scorecard.cells.level == "office")]
    cell_due, cell_later, cell_done = (green.iloc[k] for k in range(3))
    cell_red = sorted(first["red"] - {on_agenda[0]})[0]
    agreed = []
    for cell, due in ((cell_due, "2026-11-20"), (cell_later, "2026-11-21"), (cell_done, "2026-11-01")):
        agreed.append(M.add_action(engine, EXEC, earlier.id, "Look into it", "Ana", due, cell.indicator_id,
                                   EntityRef(cell.level, cell.entity_id), cell.entity_id))
    M.update_action(engine, EXEC, agreed[2].id, "done")
    red_indicator, red_level, red_id = cell_red
    M.add_action(engine, EXEC, earlier.id, "Red already", "Ana", "2026-11-01", red_indicator,
                 EntityRef(red_level, red_id), red_id)
    carried, _ = M.meeting_actions(engine, EXEC, meeting)
    assert len(carried) == 4

    found = N.suggestions(numbers, items, carried, meeting.held_on)
    due = [(cell_due.indicator_id, "office", cell_due.entity_id)]
    check(found, expected_suggestions(numbers, on_agenda, due))
    taken = {(i.indicator_id, i.entity.level, i.entity.entity_id) for i in items}
    assert not taken & {(s.indicator_id, s.entity.level, s.entity.entity_id) for s in found}
    (due_one,) = [s for s in found if s.kind == "due"]
    assert due_one.reason.startswith("action due 20 Nov 2026: Look into it")
    # the red cell with an action due is suggested once, as red
    assert [s.kind for s in found if (s.indicator_id, s.entity.entity_id) == (red_indicator, red_id)] == ["red"]


def test_a_suggestion_says_something_a_manager_can_read(engine, demo_snapshot):
    """Values with their units and statuses, the standard, no band arithmetic; nothing that turned from nothing,
    no spread of nothing."""
    for entity in (EntityRef("department", "all"), EntityRef("bureau", "B01"), EntityRef("office", "O002")):
        numbers = N.compute(demo_snapshot, meeting_of(engine, demo_snapshot, entity), [])
        cells = numbers.scorecard.cells.set_index(["indicator_id", "level", "entity_id"])
        for s in N.suggestions(numbers, []):
            assert "band" not in s.reason and "no value" not in s.reason and " 0.0 to 0.0" not in s.reason, s
            if s.kind in ("red", "worse-month", "worse-year", "spread"):
                assert "; the standard is ≥ " in s.reason or "; the standard is ≤ " in s.reason, s.reason
            if s.kind == "red":
                cell = cells.loc[(s.indicator_id, s.entity.level, s.entity.entity_id)]
                assert s.reason.startswith(f"turned red: {cell.last_month_status} (") and "red (" in s.reason


def _card_of(values, last=None, last_status=None):
    """A bureau and its offices on one higher-is-better indicator (green 90, yellow 85): `values` the offices'."""
    import pandas as pd
    from queries.performance import Entity, Heatmap
    indicator = {"indicator_id": "timely", "name": "Timely response", "tier": 1, "domain": "Safety",
                 "kind": "proportion", "direction": "higher", "green": "90", "yellow": "85", "min_n": 5, "scale": None}
    offices = [f"O{n}" for n in range(len(values))]
    rows = pd.DataFrame({"level": ["bureau", *["office"] * len(values)], "entity_id": ["B1", *offices],
                         "entity_name": ["North", *[f"Office {o}" for o in offices]]})

    def status(v):
        return "green" if v >= 90 else "yellow" if v >= 85 else "red"
    cells = pd.DataFrame([{"level": level, "entity_id": e, "indicator_id": "timely", "value": v, "status": status(v),
                           "numerator": v, "denominator": 100, "last_month": last, "last_month_status": last_status,
                           "last_year": None, "last_year_status": None}
                          for level, e, v in [("bureau", "B1", sum(values) / len(values)),
                                              *[("office", o, v) for o, v in zip(offices, values)]]])
    path = [Entity("department", "all", "Dept"), Entity("bureau", "B1", "North")]
    card = Heatmap(dt.date(2026, 10, 1), path[-1], "office", path, rows, pd.DataFrame([indicator]), cells, len(rows))
    return N.MeetingNumbers(1, dt.date(2026, 11, 10), dt.date(2026, 10, 1), card, {})


def test_no_spread_of_nothing_nor_of_too_few():
    kinds = [s.kind for s in N.suggestions(_card_of([70.0, 70.0, 70.0]), [])]
    assert "spread" not in kinds  # spread 0.0 to 0.0
    assert "spread" not in [s.kind for s in N.suggestions(_card_of([95.0, 70.0]), [])]  # two offices
    assert "spread" not in [s.kind for s in N.suggestions(_card_of([95.0, 93.0, 92.0]), [])]  # within a band
    (spread,) = [s for s in N.suggestions(_card_of([95.0, 80.0, 70.0]), []) if s.kind == "spread"]
    assert spread.reason == ("its offices far apart: from 95.0% (Office O0 best) to 70.0% (Office O2 worst); "
                             "the standard is ≥ 90%")


def test_turned_red_only_from_a_value_that_was_not_red():
    assert not [s for s in N.suggestions(_card_of([71.0, 71.0, 71.0]), []) if s.kind == "red"]  # no value before
    assert not [s for s in N.suggestions(_card_of([71.0, 71.0, 71.0], 70.0, "red"), []) if s.kind == "red"]
    assert not [s for s in N.suggestions(_card_of([71.0, 71.0, 71.0], 80.0, "insufficient"), [])
                if s.kind == "red"]
    reds = [s for s in N.suggestions(_card_of([71.0, 71.0, 71.0], 84.0, "yellow"), []) if s.kind == "red"]
    assert reds[0].entity == EntityRef("bureau", "B1")
    assert reds[0].reason == "turned red: yellow (84.0%) last month, red (71.0%) now; the standard is ≥ 90%"
