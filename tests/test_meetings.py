"""Stat meetings in the app store (SQLite and the real PostgreSQL): who may do what with which meeting, actions
and what carries over, the audit log, and what is refused before anything is written."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from store import meetings as M
from store import db
from access.roles import reader_for
from store.meeting_book import assemble
from access.scope import EntityRef, OutsideScope
from queries.warehouse import Warehouse
from reviews.instrument import load_instrument

MONTH, VERSION, AS_OF = dt.date(2026, 10, 1), 7, dt.date(2026, 11, 10)

# The places meetings are held: their ref, name and ancestry, as store.meeting_numbers.prepare gives them.
PLACES = {
    "department": (EntityRef("department", "all"), "The Department", {"bureau_id": None, "office_id": None,
                                                                      "unit_id": None}),
    "B1": (EntityRef("bureau", "B1"), "North", {"bureau_id": "B1", "office_id": None, "unit_id": None}),
    "O1": (EntityRef("office", "O1"), "Alder", {"bureau_id": "B1", "office_id": "O1", "unit_id": None}),
    "B2": (EntityRef("bureau", "B2"), "South", {"bureau_id": "B2", "office_id": None, "unit_id": None}),
    "O2": (EntityRef("office", "O2"), "Birch", {"bureau_id": "B2", "office_id": "O2", "unit_id": None}),
}
EVERY = set(PLACES)
READERS = {
    "executive": (reader_for("ex", "executive", None), EVERY),
    "analyst": (reader_for("an", "analyst", None), EVERY),
    "manager of B1": (reader_for("mb1", "manager", "bureau:B1"), {"B1", "O1"}),
    "manager of B1 seeing peers": (reader_for("mp1", "manager", "bureau:B1", managers_see_peers=True), {"B1", "O1"}),
    "manager of O1": (reader_for("mo1", "manager", "office:O1"), {"O1"}),
    "manager of B2": (reader_for("mb2", "manager", "bureau:B2"), {"B2", "O2"}),
    "manager of a unit": (reader_for("mu1", "manager", "unit:U1"), set()),
    "viewer": (reader_for("vw", "viewer", None), set()),
    "viewer of B1": (reader_for("vb1", "viewer", "bureau:B1"), set()),
    "admin": (reader_for("ad", "admin", None), set()),
}
EXEC = READERS["executive"][0]
ANALYST = READERS["analyst"][0]
TABLES = (db.meetings, db.meeting_items, db.actions, db.action_updates, db.audit_log, db.meeting_log)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, new_store_engine):
    return new_store_engine(request.param)


class Clock:
    """The store's clock, set by the test: actions' updates are dated by it."""

    def __init__(self):
        self.now = dt.datetime(2026, 9, 1, 9, 0)

    def set(self, text: str):
        self.now = dt.datetime.fromisoformat(text)

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(M, "utcnow", clock)
    return clock


def month_before(held_on) -> dt.date:
    """The data month a meeting held on `held_on` discusses: October's for one in November or later, else the
    month before it (a meeting is held once its month has ended)."""
    try:
        day = dt.date.fromisoformat(held_on) if isinstance(held_on, str) else held_on
    except ValueError:
        day = None
    if not isinstance(day, dt.date) or day >= M.month_end(MONTH):  # a date the test means to be refused
        return MONTH
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def meeting_at(engine, place: str, reader=EXEC, held_on="2026-12-01", **options) -> M.Meeting:
    ref, name, ids = PLACES[place]
    return M.create_meeting(engine, reader, ref, name, ids, month_before(held_on), VERSION, AS_OF, held_on=held_on,
                            **options)


def agree(engine, meeting, what="Call every family within a day", due="2026-12-31", reader=EXEC, place=None,
          indicator_id="timely_response_immediate"):
    ref, name, _ = PLACES[place] if place else (meeting.entity, meeting.entity_name, None)
    return M.add_action(engine, reader, meeting.id, what, "Ana Diaz", due, indicator_id, ref, name)


def counts(engine) -> dict:
    with engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in TABLES}


def shape(message: str) -> str:
    """A refusal's words, without the id it names."""
    return re.sub(r"\d+", "N", message)


# -- who may ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", READERS)
def test_who_may_create_a_meeting_of_which_entity(engine, who):
    reader, may = READERS[who]
    for place in PLACES:
        before = counts(engine)
        if place in may:
            meeting = meeting_at(engine, place, reader)
            assert (meeting.entity, meeting.created_by, meeting.status) == (PLACES[place][0], reader.username, "open")
        else:
            with pytest.raises(OutsideScope):
                meeting_at(engine, place, reader)
            assert counts(engine) == before


def test_meetings_are_held_by_the_department_a_bureau_or_an_office(engine):
    before = counts(engine)
    with pytest.raises(M.MeetingError, match="not a unit: hold it for the office"):
        M.create_meeting(engine, EXEC, EntityRef("unit", "U1"), "Alder 1",
                         {"bureau_id": "B1", "office_id": "O1", "unit_id": "U1"}, MONTH, VERSION, AS_OF)
    assert counts(engine) == before


@pytest.mark.parametrize("who", READERS)
def test_who_may_see_list_and_change_which_meeting(engine, who, clock):
    reader, may = READERS[who]
    held = {place: meeting_at(engine, place) for place in PLACES}
    action_of = {place: agree(engine, m) for place, m in held.items()}
    missing = max(m.id for m in held.values()) + 1000
    if reader.role in M.MEETING_ROLES:
        assert {m.id for m in M.list_meetings(engine, reader)} == {held[p].id for p in may}
        with pytest.raises(OutsideScope) as nowhere:
            M.load_meeting(engine, reader, missing)
    else:
        with pytest.raises(OutsideScope, match=f"your role is {reader.role}|reads no data"):
            M.list_meetings(engine, reader)
    assert M.actions_for_cell(engine, reader, "timely_response_immediate", PLACES["B1"][0]) == \
        ([action_of["B1"]] if "B1" in may else [])
    for place, meeting in held.items():
        before = counts(engine)
        if place in may:
            assert M.load_meeting(engine, reader, meeting.id) == meeting
            assert M.list_meetings(engine, reader, PLACES[place][0]) == [meeting]
            assert M.update_meeting(engine, reader, meeting.id, title="Renamed").title == "Renamed"
            mine = agree(engine, meeting, reader=reader)
            if reader.role not in M.CHAIR_ROLES:  # an analyst prepares; the chair's acts are refused, unwritten
                before_chair = counts(engine)
                for chairs in (lambda: M.add_item(engine, reader, meeting.id, "kudos", notes="Well done"),
                               lambda: M.update_action(engine, reader, action_of[place].id, "dropped", "no"),
                               lambda: M.close_meeting(engine, reader, meeting.id, "{}")):
                    with pytest.raises(OutsideScope, match="is for the meeting's chair .* or an executive"):
                        chairs()
                assert counts(engine) == before_chair
                assert M.update_action(engine, reader, mine.id, "done", "own action").status == "done"
                assert M.update_action(engine, reader, action_of[place].id, "open", "a note").status == "open"
                reader = EXEC
            M.add_item(engine, reader, meeting.id, "kudos", notes="Alder answered every call in time")
            assert M.update_action(engine, reader, action_of[place].id, "done", "called").status == "done"
            M.close_meeting(engine, reader, meeting.id, "{}")
            M.update_meeting(engine, reader, meeting.id, followup="Thanks all")
            continue
        attempts = [lambda: M.load_meeting(engine, reader, meeting.id),
                    lambda: M.update_meeting(engine, reader, meeting.id, title="Renamed"),
                    lambda: M.update_meeting(engine, reader, meeting.id, followup="Thanks all"),
                    lambda: M.add_item(engine, reader, meeting.id, "kudos", notes="Well done"),
                    lambda: M.agenda(engine, reader, meeting.id),
                    lambda: agree(engine, meeting, reader=reader),
                    lambda: M.update_action(engine, reader, action_of[place].id, "done", "called"),
                    lambda: M.move_to_version(engine, reader, meeting.id, VERSION + 1, AS_OF),
                    lambda: M.close_meeting(engine, reader, meeting.id, "{}"),
                    lambda: M.record_of(engine, reader, meeting.id)]
        for attempt in attempts:
            with pytest.raises(OutsideScope) as refused:
                attempt()
            if reader.role in M.MEETING_ROLES and "action" not in str(refused.value):
                # a meeting outside the reader's scope is refused exactly as one that does not exist
                assert shape(str(refused.value)) == shape(str(nowhere.value))
        assert counts(engine) == before
        assert M.load_meeting(engine, EXEC, meeting.id) == meeting


def test_an_action_outside_scope_is_refused_like_one_that_does_not_exist(engine):
    action = agree(engine, meeting_at(engine, "B2"))
    reader = READERS["manager of B1"][0]
    with pytest.raises(OutsideScope) as outside:
        M.update_action(engine, reader, action.id, "done")
    with pytest.raises(OutsideScope) as missing:
        M.update_action(engine, reader, action.id + 1000, "done")
    assert shape(str(outside.value)) == shape(str(missing.value))


def _selection(engine, place: str) -> int:
    ref, _, ids = PLACES[place]
    with engine.begin() as conn:
        return conn.execute(db.review_selections.insert().values(
            created_at=dt.datetime(2026, 11, 20), created_by="ex", version_id=VERSION, entity_level=ref.level,
            entity_id=ref.entity_id, seed="s", criteria="{}", **ids)).inserted_primary_key[0]


def test_analysts_never_see_case_review_items(engine, tmp_path):
    meeting = meeting_at(engine, "B1")
    kudos = M.add_item(engine, EXEC, meeting.id, "kudos", notes="Alder answered every call in time")
    reviews = M.add_item(engine, EXEC, meeting.id, "reviews", selection_id=_selection(engine, "O1"))
    assert [i.id for i in M.agenda(engine, EXEC, meeting.id)] == [kudos.id, reviews.id]
    assert [i.id for i in M.agenda(engine, ANALYST, meeting.id)] == [kudos.id]
    before = counts(engine)
    with pytest.raises(OutsideScope, match="case-level"):
        M.add_item(engine, ANALYST, meeting.id, "reviews", selection_id=_selection(engine, "B1"))
    after = counts(engine)
    for attempt in (lambda: M.set_notes(engine, ANALYST, meeting.id, reviews.id, "seen"),
                    lambda: M.move_item(engine, ANALYST, meeting.id, reviews.id, -1),
                    lambda: M.remove_item(engine, ANALYST, meeting.id, reviews.id)):
        with pytest.raises(M.MeetingError) as refused:
            attempt()
        # as if there were no such item
        assert str(refused.value) == f"meeting {meeting.id} has no agenda item {reviews.id}"
    assert counts(engine) == after and after["meetings"] == before["meetings"]
    empty = Warehouse(f"duckdb:///{tmp_path / 'empty' / 'warehouse.duckdb'}")
    book = assemble(empty, engine, ANALYST, meeting.id, load_instrument())
    assert [i.id for i in book.items] == [kudos.id] and book.reviews == {}
    empty.dispose()


def test_a_selection_from_outside_the_meeting_is_refused(engine):
    meeting = meeting_at(engine, "O1")
    before = counts(engine)
    for other in ("B1", "O2", "B2"):
        selection = _selection(engine, other)
        with pytest.raises(M.MeetingError, match=f"no selection {selection} of Alder or under it"):
            M.add_item(engine, EXEC, meeting.id, "reviews", selection_id=selection)
    assert counts(engine)["meeting_items"] == before["meeting_items"]


def test_check_cell_refuses_entities_outside_the_meetings_entity(engine, demo_snapshot):
    from store.meeting_numbers import check_cell, prepare
    office = EntityRef("office", "O001")
    name, ids, month = prepare(demo_snapshot, EXEC.data_scope(), office, None)
    meeting = M.create_meeting(engine, EXEC, office, name, ids, month, demo_snapshot.version.version_id,
                               demo_snapshot.version.as_of)
    assert check_cell(demo_snapshot, meeting, "timely_response_immediate", office) == name
    assert check_cell(demo_snapshot, meeting, "timely_response_immediate", EntityRef("unit", "U0001"))
    for outside in (EntityRef("office", "O002"), EntityRef("bureau", "B01"), EntityRef("department", "all"),
                    EntityRef("unit", "U0005"), EntityRef("unit", "U9999")):
        with pytest.raises(M.MeetingError, match="is not part of Alder Office"):
            check_cell(demo_snapshot, meeting, "timely_response_immediate", outside)
    with pytest.raises(Exception, match="no_such_indicator"):
        check_cell(demo_snapshot, meeting, "no_such_indicator", office)


# -- actions and what carries over --------------------------------------------------------------------------

def test_actions_carry_over_to_the_next_meeting_of_the_same_entity_only(engine, clock):
    first = {place: meeting_at(engine, place, held_on="2026-09-01") for place in ("B1", "O1", "B2")}
    agreed = {place: agree(engine, m, what=f"{place}'s action") for place, m in first.items()}
    later = {place: meeting_at(engine, place, held_on="2026-10-01") for place in ("department", "B1", "O1", "B2",
                                                                                   "O2")}
    for place, meeting in later.items():
        carried, new = M.meeting_actions(engine, EXEC, meeting)
        assert new == []
        assert carried == ([agreed[place]] if place in agreed else []), place
    # an agency that numbers its bureaus and its offices alike: bureau 1's actions are not office 1's
    bureau = M.create_meeting(engine, EXEC, EntityRef("bureau", "1"), "Bureau 1", {"bureau_id": "1"},
                              month_before("2026-09-01"), VERSION, AS_OF, held_on="2026-09-01")
    office = M.create_meeting(engine, EXEC, EntityRef("office", "1"), "Office 1",
                              {"bureau_id": "1", "office_id": "1"}, month_before("2026-09-02"), VERSION, AS_OF,
                              held_on="2026-09-02")
    agree(engine, bureau, what="the bureau's")
    agree(engine, office, what="the office's")
    for first_one in (bureau, office):
        next_one = M.create_meeting(engine, EXEC, first_one.entity, first_one.entity_name, first_one.entity_ids,
                                    month_before("2026-10-01"), VERSION, AS_OF, held_on="2026-10-01")
        carried, _ = M.meeting_actions(engine, EXEC, next_one)
        assert [a.what for a in carried] == [f"the {first_one.entity.level}'s"]
    # and not backwards: the first meetings carry nothing
    for meeting in first.values():
        carried, new = M.meeting_actions(engine, EXEC, meeting)
        assert carried == [] and len(new) == 1


def test_done_and_dropped_actions_are_shown_once_then_gone(engine, clock):
    clock.set("2026-09-01T10:00")
    september = meeting_at(engine, "B1", held_on="2026-09-01")
    stays_open = agree(engine, september, what="open", due="2026-09-20")
    done = agree(engine, september, what="done before October", due="2026-12-20")
    dropped = agree(engine, september, what="dropped on October's day", due="2026-12-20")
    late = agree(engine, september, what="done after October", due="2026-12-20")
    clock.set("2026-09-15T12:00")
    M.update_action(engine, EXEC, done.id, "done", "all called")
    october = meeting_at(engine, "B1", held_on="2026-10-01")
    clock.set("2026-10-01T08:00")  # the morning of the October meeting, before it
    M.update_action(engine, EXEC, dropped.id, "dropped", "superseded")

    carried, _ = M.meeting_actions(engine, EXEC, october)
    assert {a.what: a.status for a in carried} == {"open": "open", "done before October": "done",
                                                   "dropped on October's day": "dropped",
                                                   "done after October": "open"}
    clock.set("2026-10-01T16:00")
    M.close_meeting(engine, EXEC, october.id, "{}")
    clock.set("2026-10-20T09:00")
    M.update_action(engine, EXEC, late.id, "done")
    clock.set("2026-10-25T09:00")
    M.update_action(engine, EXEC, done.id, "done", "a note after the fact does not make it news")

    november = meeting_at(engine, "B1", held_on="2026-11-01")
    carried, _ = M.meeting_actions(engine, EXEC, november)
    assert {a.what: a.status for a in carried} == {"open": "open", "done after October": "done"}
    december = meeting_at(engine, "B1", held_on="2026-12-01")
    carried, _ = M.meeting_actions(engine, EXEC, december)
    assert [a.what for a in carried] == ["open"]


def test_overdue_is_judged_on_the_meetings_date(engine, clock, tmp_path):
    september = meeting_at(engine, "O1", held_on="2026-09-01")
    early = agree(engine, september, what="due before October", due="2026-09-30")
    on_the_day = agree(engine, september, what="due on October's day", due="2026-10-01")
    agree(engine, september, what="due later", due="2026-10-02")
    done = agree(engine, september, what="done, though due early", due="2026-09-02")
    M.update_action(engine, EXEC, done.id, "done")
    october = meeting_at(engine, "O1", held_on="2026-10-01")
    november = meeting_at(engine, "O1", held_on="2026-11-01")
    empty = Warehouse(f"duckdb:///{tmp_path / 'empty' / 'warehouse.duckdb'}")
    try:
        book = assemble(empty, engine, EXEC, october.id, load_instrument())
        assert book.as_on == dt.date(2026, 10, 1)
        assert [a.id for a in book.overdue()] == [early.id]
        assert on_the_day.id not in [a.id for a in book.overdue()]
        book = assemble(empty, engine, EXEC, november.id, load_instrument())
        assert sorted(a.what for a in book.overdue()) == ["due before October", "due later", "due on October's day"]
    finally:
        empty.dispose()


def test_action_updates_are_logged_with_their_dates(engine, clock):
    clock.set("2026-09-01T10:00")
    meeting = meeting_at(engine, "B1", held_on="2026-09-01")
    action = agree(engine, meeting)
    assert [(u.at, u.by, u.status, u.note) for u in action.updates] == [
        (dt.datetime(2026, 9, 1, 10), "ex", "open", "agreed")]
    assert action.agreed_on == dt.date(2026, 9, 1) and action.meeting_entity == PLACES["B1"][0]
    clock.set("2026-09-10T11:30")
    M.update_action(engine, READERS["manager of O1"][0] if False else EXEC, action.id, "open", "half called")
    manager = READERS["manager of B1"][0]
    clock.set("2026-09-20T15:00")
    M.close_meeting(engine, EXEC, meeting.id, "{}")  # actions outlive the meeting they were agreed at
    updated = M.update_action(engine, manager, action.id, "done", "all called")
    assert [(u.at, u.by, u.status, u.note) for u in updated.updates] == [
        (dt.datetime(2026, 9, 1, 10), "ex", "open", "agreed"),
        (dt.datetime(2026, 9, 10, 11, 30), "ex", "open", "half called"),
        (dt.datetime(2026, 9, 20, 15), "mb1", "done", "all called")]
    before = counts(engine)
    with pytest.raises(M.MeetingError, match="already done: write a note"):
        M.update_action(engine, EXEC, action.id, "done")
    with pytest.raises(M.MeetingError, match="status is one of open, done, dropped"):
        M.update_action(engine, EXEC, action.id, "finished", "x")
    assert counts(engine) == before
    assert M.actions_for_cell(engine, EXEC, "timely_response_immediate", PLACES["B1"][0])[0].updates == \
        updated.updates


# -- the audit log ----------------------------------------------------------------------------------------

def test_create_close_move_and_export_are_audited_without_child_ids(engine):
    meeting = meeting_at(engine, "O1", via="web")
    M.add_item(engine, EXEC, meeting.id, "reviews", selection_id=_selection(engine, "O1"))
    M.move_to_version(engine, EXEC, meeting.id, VERSION + 2, dt.date(2026, 11, 20), via="web")
    M.record_export(engine, EXEC, M.load_meeting(engine, EXEC, meeting.id), "xlsx", via="web")
    M.close_meeting(engine, EXEC, meeting.id, json.dumps({"child_id": "000123"}), via="web")
    entries = [e for e in db.audit_entries(engine) if e["action"].startswith("meeting-")]
    assert [(e["action"], e["actor"]) for e in reversed(entries)] == [
        (M.CREATED, "ex"), (M.MOVED, "ex"), (M.EXPORTED, "ex"), (M.CLOSED_ACTION, "ex")]
    created, moved, exported, closed = reversed(entries)
    assert created["detail"] == {"meeting": meeting.id, "entity": "office:O1", "month": "2026-10",
                                 "held_on": "2026-12-01", "version_id": VERSION, "via": "web"}
    assert moved["detail"] == {"meeting": meeting.id, "from_version": VERSION, "to_version": VERSION + 2,
                               "via": "web"}
    assert exported["detail"] == {"meeting": meeting.id, "format": "xlsx", "version_id": VERSION + 2,
                                  "via": "web"}
    assert closed["detail"] == {"meeting": meeting.id, "entity": "office:O1", "version_id": VERSION + 2,
                                "actions_agreed": 0, "via": "web"}
    for entry in entries:
        text = json.dumps(entry["detail"])
        assert "child" not in text and "member" not in text and "000123" not in text


def test_a_refused_change_is_not_audited(engine):
    meeting = meeting_at(engine, "O1")
    M.close_meeting(engine, EXEC, meeting.id, "{}")
    before = counts(engine)
    with pytest.raises(M.MeetingError, match="is closed"):
        M.close_meeting(engine, EXEC, meeting.id, "{}")
    with pytest.raises(M.MeetingError, match="is closed"):
        M.move_to_version(engine, EXEC, meeting.id, VERSION + 1, AS_OF)
    with pytest.raises(M.MeetingError, match="is closed"):
        M.add_item(engine, EXEC, meeting.id, "kudos", notes="late")
    with pytest.raises(M.MeetingError, match="is closed"):
        agree(engine, meeting)
    with pytest.raises(M.MeetingError, match="is closed"):
        M.update_meeting(engine, EXEC, meeting.id, title="Renamed")
    assert counts(engine) == before


# -- what is typed ------------------------------------------------------------------------------------------

BAD_MEETINGS = [
    ({"title": "x" * 301}, "the title is 301 characters long: at most 300"),
    ({"title": "Line\nbreak"}, "the title holds a line break (U+000A) at character 5: write it on one line"),
    ({"title": "Bell\x07"}, "the title holds a control character"),
    ({"title": "Delete\x7f"}, "the title holds a control character"),
    ({"title": "Next\x85line"}, "the title holds a control character"),
    ({"title": "Escape \x9b31m"}, "the title holds a control character"),
    ({"title": "Broken \ud800"}, "the title holds a broken character (U+D800) at character 8"),
    ({"title": "Budget \u202e6202"}, "the title holds a right-to-left override (U+202E) at character 8, which "
     "changes the order text is shown in: write it without it"),
    ({"title": "Zero\u200bwidth"}, "the title holds a zero-width space (U+200B) at character 5"),
    ({"title": "Two\u2028lines"}, "the title holds a line separator (U+2028) at character 4"),
    ({"held_on": "2026-02-30"}, "the meeting's date '2026-02-30' is not a day: write YYYY-MM-DD"),
    ({"held_on": "01/12/2026"}, "is not a day: write YYYY-MM-DD"),
    ({"held_on": "1999-12-31"}, "is not a day"),
    ({"held_on": 20261201}, "is not a day"),
    ({"attendees": "Ann <ann@agency>"}, "attendee 1's e-mail address 'ann@agency' is not an address"),
    ({"attendees": "Ann <ann@agency.gov>; Bob <bob at agency.gov>"}, "attendee 2's e-mail address"),
    ({"attendees": "Ann <>"}, "attendee 1's e-mail address '' is not an address"),
    ({"attendees": "Ann <ann@agency..gov>"}, "attendee 1's e-mail address 'ann@agency..gov' is not an address"),
    ({"attendees": "Ann <ann@-agency.gov>"}, "attendee 1's e-mail address"),
    ({"attendees": "Ann <ann..lee@agency.gov>"}, "attendee 1's e-mail address"),
    ({"attendees": "Ann <.ann@agency.gov>"}, "attendee 1's e-mail address"),
    ({"attendees": "Ann <ann@agency.gov.>"}, "attendee 1's e-mail address"),
    ({"attendees": "ann@@agency.gov"}, "attendee 1's e-mail address"),
    ({"attendees": "Ann <ann@agency.gov"}, "attendee 1's e-mail address"),
    ({"attendees": "Ann <ann@agency.gov>, Bob <bob@agency.gov>"}, "attendee 1 ('Ann <ann@agency.gov>, Bob "
     "<bob@agency.gov>') holds more than one address: write one attendee per line, or separate them with ;"),
    ({"attendees": "Ann\x00"}, "the attendees holds a control character"),
    ({"attendees": "Ann Lee <ann@agency.gov>\nBob \u202eeeL"}, "the attendees holds a right-to-left override (U+202E)"),
    ({"attendees": "Ann\u200d Lee"}, "the attendees holds a zero-width joiner (U+200D) at character 4"),
    ({"attendees": "x" * 201}, "attendee 1's name is longer than 200 characters"),
    ({"attendees": "\n".join(f"P{n}" for n in range(61))}, "61 attendees: at most 60"),
]


@pytest.mark.parametrize("given, message", BAD_MEETINGS)
def test_a_bad_meeting_is_refused_with_nothing_written(engine, given, message):
    before = counts(engine)
    with pytest.raises(M.MeetingError, match=re.escape(message)):
        meeting_at(engine, "B1", **{"held_on": "2026-12-01", **given})
    assert counts(engine) == before
    meeting = meeting_at(engine, "B1")
    before = counts(engine)
    with pytest.raises(M.MeetingError, match=re.escape(message)):
        M.update_meeting(engine, EXEC, meeting.id, **given)
    assert counts(engine) == before and M.load_meeting(engine, EXEC, meeting.id) == meeting


def test_good_attendees_are_read():
    assert M.parse_attendees("Ann Lee <ann.lee@agency.gov>; bob@agency.gov\n\nCarol") == (
        M.Attendee("Ann Lee", "ann.lee@agency.gov"), M.Attendee("bob@agency.gov", "bob@agency.gov"),
        M.Attendee("Carol"))
    assert M.parse_attendees("Diaz, Ana <o'neil+stat@cfs.county-x.ca.us>") == (
        M.Attendee("Diaz, Ana", "o'neil+stat@cfs.county-x.ca.us"),)


BAD_CHANGES = [
    (lambda e, m: M.update_meeting(e, EXEC, m.id, highlights="x" * 5001), "highlights is 5,001 characters long"),
    (lambda e, m: M.update_meeting(e, EXEC, m.id, lessons="a\x1bb"), "lessons holds a control character"),
    (lambda e, m: M.update_meeting(e, EXEC, m.id, next_steps="a\x9bb"), "next steps holds a control character"),
    (lambda e, m: M.update_meeting(e, EXEC, m.id, highlights="Kudos to \u2067Alder\u2069"),
     "highlights holds a right-to-left isolate (U+2067) at character 10"),
    (lambda e, m: M.update_meeting(e, EXEC, m.id, followup="Done.\n\ufeffNext"),
     "the follow-up holds a byte order mark (U+FEFF) at character 7, which cannot be seen"),
    (lambda e, m: M.update_meeting(e, EXEC, m.id, attendees="Ann\x7f"), "the attendees holds a control character"),
    (lambda e, m: M.update_meeting(e, EXEC, m.id, followup="x" * 50_001), "the follow-up is 50,001 characters"),
    (lambda e, m: M.update_meeting(e, EXEC, m.id, title=""), "the title is empty"),
    (lambda e, m: M.update_meeting(e, EXEC, m.id, status="closed"), "a meeting has no field 'status'"),
    (lambda e, m: M.add_item(e, EXEC, m.id, "gossip", notes="x"), "an agenda item is one of indicator, practice"),
    (lambda e, m: M.add_item(e, EXEC, m.id, "kudos", notes="x", source="hunch"), "an item's source is one of"),
    (lambda e, m: M.add_item(e, EXEC, m.id, "kudos", notes=""), "the kudos is empty"),
    (lambda e, m: M.add_item(e, EXEC, m.id, "practice", notes="x" * 5001), "the practice is 5,001 characters"),
    (lambda e, m: M.add_item(e, EXEC, m.id, "indicator", notes="a\x00"), "the notes holds a control character"),
    (lambda e, m: M.add_item(e, EXEC, m.id, "indicator", notes="up\u200bdate"),
     "the notes holds a zero-width space (U+200B) at character 3"),
    (lambda e, m: M.add_item(e, EXEC, m.id, "kudos", notes="Thanks, Ana\u00ad"),
     "the kudos holds a soft hyphen (U+00AD) at character 12"),
    (lambda e, m: M.add_item(e, EXEC, m.id, "indicator"), "an indicator item needs the indicator and the entity"),
    (lambda e, m: M.add_item(e, EXEC, m.id, "kudos", notes="x", reason="r" * 501), "the reason is 501 characters"),
    (lambda e, m: agree(e, m, what=""), "what is to be done is empty"),
    (lambda e, m: agree(e, m, what="x" * 1001), "what is to be done is 1,001 characters"),
    (lambda e, m: agree(e, m, due="2026-11-30"), "the due date 30 November 2026 is before the meeting (01 December 2026)"),
    (lambda e, m: agree(e, m, due="2026-13-01"), "the due date '2026-13-01' is not a day"),
    (lambda e, m: agree(e, m, due=None), "the due date 'None' is not a day"),
    (lambda e, m: M.add_action(e, EXEC, m.id, "x", "Ana\nDiaz", "2026-12-31", "reentry", m.entity, "x"),
     "the owner holds a line break (U+000A) at character 4: write it on one line"),
    (lambda e, m: M.add_action(e, EXEC, m.id, "x", "Ana \u202eDiaz", "2026-12-31", "reentry", m.entity, "x"),
     "the owner holds a right-to-left override (U+202E) at character 5"),
    (lambda e, m: agree(e, m, what="Call\u2060 every family"), "what is to be done holds a word joiner (U+2060)"),
    (lambda e, m: agree(e, m, what="Call \x1b[8mevery family"), "what is to be done holds a control character"),
    (lambda e, m: M.move_item(e, EXEC, m.id, 1, 2), "an item moves one place up (-1) or down (+1)"),
]


@pytest.mark.parametrize("change, message", BAD_CHANGES)
def test_a_bad_change_is_refused_with_nothing_written(engine, change, message):
    meeting = meeting_at(engine, "B1")
    before = counts(engine)
    with pytest.raises(M.MeetingError, match=re.escape(message)):
        change(engine, meeting)
    assert counts(engine) == before and M.load_meeting(engine, EXEC, meeting.id) == meeting


@pytest.mark.parametrize("note, message", [
    ("called \u202e3 of 5", "the note holds a right-to-left override (U+202E) at character 8"),
    ("called\u200b", "the note holds a zero-width space (U+200B) at character 7"),
    ("a\x1bb", "the note holds a control character (U+001B) at character 2"),
    ("half \ud800", "the note holds a broken character (U+D800) at character 6")])
def test_an_action_update_s_note_is_refused_with_nothing_written(engine, note, message):
    meeting = meeting_at(engine, "B1")
    agree(engine, meeting)
    before, agreed = counts(engine), M.meeting_actions(engine, EXEC, meeting)
    [action] = agreed[1]
    with pytest.raises(M.MeetingError, match=re.escape(message)):
        M.update_action(engine, EXEC, action.id, "done", note)
    assert counts(engine) == before and M.meeting_actions(engine, EXEC, meeting) == agreed


def test_the_agenda_keeps_its_order_and_each_cell_once(engine):
    meeting = meeting_at(engine, "B1")
    ref = PLACES["O1"][0]
    first = M.add_item(engine, EXEC, meeting.id, "indicator", indicator_id="reentry", entity=ref, entity_name="Alder")
    second = M.add_item(engine, EXEC, meeting.id, "practice", notes="Night cover rota")
    third = M.add_item(engine, EXEC, meeting.id, "indicator", indicator_id="reentry", entity=PLACES["B1"][0],
                       entity_name="North")
    with pytest.raises(M.MeetingError, match="Alder's reentry is already on the agenda"):
        M.add_item(engine, EXEC, meeting.id, "indicator", indicator_id="reentry", entity=ref, entity_name="Alder")
    M.move_item(engine, EXEC, meeting.id, third.id, -1)
    M.move_item(engine, EXEC, meeting.id, first.id, -1)  # already first: stays
    assert [i.id for i in M.agenda(engine, EXEC, meeting.id)] == [first.id, third.id, second.id]
    M.remove_item(engine, EXEC, meeting.id, third.id)
    M.set_notes(engine, EXEC, meeting.id, first.id, "Two families came back after the holidays")
    agenda = M.agenda(engine, EXEC, meeting.id)
    assert [(i.id, i.notes) for i in agenda] == [(first.id, "Two families came back after the holidays"),
                                                 (second.id, "Night cover rota")]
    assert agenda[0].cell == ("reentry", ref) and agenda[1].cell is None
    other = meeting_at(engine, "B1", held_on="2026-12-02")
    with pytest.raises(M.MeetingError, match=f"meeting {other.id} has no agenda item {first.id}"):
        M.remove_item(engine, EXEC, other.id, first.id)


@pytest.mark.parametrize("given", [2**31, 2**63, 10**20, -1, 0, "abc", "1; drop table meetings", None, 1.5, True,
                                   "x" * 10_000])
def test_an_id_that_cannot_exist_is_refused_like_a_missing_one(engine, given):
    meeting = meeting_at(engine, "B1")  # id 1: neither 1.5 nor True may name it
    action = agree(engine, meeting)
    M.add_item(engine, EXEC, meeting.id, "kudos", notes="Well done")
    before = counts(engine)
    for attempt in (lambda: M.load_meeting(engine, EXEC, given), lambda: M.agenda(engine, EXEC, given),
                    lambda: M.update_meeting(engine, EXEC, given, title="x"),
                    lambda: M.close_meeting(engine, EXEC, given, "{}")):
        with pytest.raises(OutsideScope, match=r"^there is no meeting .{0,40} that you may see \(the whole"):
            attempt()
    with pytest.raises(OutsideScope, match=r"^there is no action .{0,40} that you may see"):
        M.update_action(engine, EXEC, given, "done")
    with pytest.raises(M.MeetingError, match=rf"^meeting {meeting.id} has no agenda item .{{0,40}}$"):
        M.remove_item(engine, EXEC, meeting.id, given)
    with pytest.raises(M.MeetingError, match=r"^there is no selection .{0,40} of North or under it"):
        M.add_item(engine, EXEC, meeting.id, "reviews", selection_id=given)
    assert counts(engine) == before and M.load_meeting(engine, EXEC, "1") == meeting
    assert action.id == 1


def test_a_new_date_moves_its_actions_agreed_on_and_never_past_their_due_dates(engine):
    meeting = meeting_at(engine, "B1", held_on="2026-12-01")
    action = agree(engine, meeting, due="2026-12-10")
    moved = M.update_meeting(engine, EXEC, meeting.id, held_on="2026-12-08")
    assert moved.held_on == dt.date(2026, 12, 8)
    (updated,) = M.actions_for_cell(engine, EXEC, action.indicator_id, action.entity)
    assert updated.agreed_on == dt.date(2026, 12, 8)  # where the trend marks it
    before = counts(engine)
    with pytest.raises(M.MeetingError, match="an action agreed at this meeting is due on 2026-12-10, before "
                                             "2026-12-11: keep the meeting's date on or before it"):
        M.update_meeting(engine, EXEC, meeting.id, held_on="2026-12-11", title="Not this either")
    assert counts(engine) == before and M.load_meeting(engine, EXEC, meeting.id) == moved


def test_a_long_entity_name_makes_a_title_that_fits(engine):
    ref, _, ids = PLACES["B1"]
    meeting = M.create_meeting(engine, EXEC, ref, "N" * 300, ids, MONTH, VERSION, AS_OF)
    assert len(meeting.title) <= M.TITLE_MAX and meeting.title.endswith(" Stat, October 2026")


def test_an_analyst_moves_an_item_past_the_next_one_they_see(engine):
    meeting = meeting_at(engine, "B1")
    first = M.add_item(engine, EXEC, meeting.id, "kudos", notes="first")
    hidden = M.add_item(engine, EXEC, meeting.id, "reviews", selection_id=_selection(engine, "B1"))
    last = M.add_item(engine, EXEC, meeting.id, "practice", notes="last")
    M.move_item(engine, ANALYST, meeting.id, last.id, -1)
    assert [i.id for i in M.agenda(engine, ANALYST, meeting.id)] == [last.id, first.id]
    assert [i.id for i in M.agenda(engine, EXEC, meeting.id)] == [last.id, hidden.id, first.id]
    M.move_item(engine, ANALYST, meeting.id, last.id, -1)  # already first
    M.move_item(engine, EXEC, meeting.id, hidden.id, -1)
    assert [i.id for i in M.agenda(engine, EXEC, meeting.id)] == [hidden.id, last.id, first.id]


def test_a_closed_meeting_outside_scope_is_refused_as_outside_not_as_closed(engine):
    meeting = meeting_at(engine, "B1")
    M.close_meeting(engine, EXEC, meeting.id, "{}")
    reader = READERS["manager of B2"][0]
    for attempt in (lambda: M.close_meeting(engine, reader, meeting.id, "{}"),
                    lambda: M.add_item(engine, reader, meeting.id, "kudos", notes="x"),
                    lambda: M.update_meeting(engine, reader, meeting.id, title="x")):
        with pytest.raises(OutsideScope, match=f"^there is no meeting {meeting.id} that you may see"):
            attempt()


def test_an_agenda_holds_at_most_its_limit(engine):
    meeting = meeting_at(engine, "B1")
    for n in range(M.ITEMS_MAX):
        M.add_item(engine, EXEC, meeting.id, "kudos", notes=f"thanks {n}")
    before = counts(engine)
    with pytest.raises(M.MeetingError, match=f"the agenda already has {M.ITEMS_MAX} items: remove one first"):
        M.add_item(engine, EXEC, meeting.id, "kudos", notes="one more")
    assert counts(engine) == before
