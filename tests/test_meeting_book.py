"""A meeting as one Book: its agenda, numbers, actions and case-review sections, case ids masked."""
from __future__ import annotations

import datetime as dt

import pytest

from display.mask import mask_id
from store import meeting_numbers as N
from store import meetings as M
from access.roles import reader_for
from store.meeting_book import assemble
from store.reviews import Cell, Criteria, draw_cases, save_selection
from access.scope import EntityRef, OutsideScope, Scope
from queries.warehouse import Warehouse
from reviews.instrument import load_instrument

EXEC = reader_for("eve", "executive", None)
B01, O001 = EntityRef("bureau", "B01"), EntityRef("office", "O001")


@pytest.fixture
def engine(tmp_path, new_store_engine):
    return new_store_engine("sqlite", tmp_path / "statboard.db")


@pytest.fixture
def warehouse(demo_instance):
    warehouse = Warehouse(f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    yield warehouse
    warehouse.dispose()


def test_a_book_holds_what_the_meeting_shows_with_case_ids_masked(engine, warehouse):
    snapshot = warehouse.snapshot()
    name, ids, month = N.prepare(snapshot, EXEC.data_scope(), B01, None)
    meeting = M.create_meeting(engine, EXEC, B01, name, ids, month, snapshot.version.version_id,
                               snapshot.version.as_of, held_on="2026-12-01")
    drawn = draw_cases(snapshot, Scope.everything(), [Cell("placement_with_relatives", month, O001)], "book",
                       Criteria(n=3))
    selection = save_selection(engine, drawn, "eve")
    cell = M.add_item(engine, EXEC, meeting.id, "indicator", indicator_id="placement_with_relatives", entity=O001,
                      entity_name="Alder Office")
    reviews = M.add_item(engine, EXEC, meeting.id, "reviews", selection_id=selection.id)
    action = M.add_action(engine, EXEC, meeting.id, "Ask for relatives first", "Ana", "2026-12-31",
                          "placement_with_relatives", O001, "Alder Office")

    book = assemble(warehouse, engine, EXEC, meeting.id, load_instrument())
    assert (book.meeting, book.source, book.newer, book.as_on) == (meeting, "pinned", None, dt.date(2026, 12, 1))
    assert [i.id for i in book.items] == [cell.id, reviews.id]
    assert list(book.numbers.items) == [cell.id]
    assert book.numbers.items[cell.id].cell == N.compute(snapshot, meeting, [cell]).items[cell.id].cell
    assert (book.carried, book.new) == ((), (action,))
    section = book.reviews[reviews.id]
    picked = [c for c in selection.picks if not c.eliminated]
    assert section.selection_id == selection.id
    assert section.cases == tuple((mask_id(c.child_id or c.member_id), "not assigned") for c in picked)
    for case in picked:
        for raw in (case.child_id, case.member_id):
            if raw:
                assert raw not in repr(section) and raw not in section.title

    analyst = reader_for("ana", "analyst", None)
    seen = assemble(warehouse, engine, analyst, meeting.id, load_instrument())
    assert [i.id for i in seen.items] == [cell.id] and seen.reviews == {}
    with pytest.raises(OutsideScope, match=f"there is no meeting {meeting.id} that you may see"):
        assemble(warehouse, engine, reader_for("mb2", "manager", "bureau:B02"), meeting.id, load_instrument())
