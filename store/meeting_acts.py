"""What a person does to a Stat meeting that needs more than one table: each deed one function, which the meeting
page's forms and the command line both call, so that the rules live here once.

- `flag_cell` and `accept_suggestion` put a cell of the meeting's own data version on the agenda (a suggestion
  only while it is still offered);
- `agree_action` agrees an action meant to move a cell of that version (once per submit token), and
  `edit_action` corrects one, checking its cell the same way;
- `close` freezes the numbers the meeting showed and closes it;
- `move_to_newest` re-checks the agenda against the newest data version and moves the meeting to it.

The one-table deeds (reordering, notes, practice and kudos, updating an action, the summary, the follow-up's edit)
are store/meetings.py's functions, called as they are; sending the follow-up is web/mail.py's `send_and_record`.
Every function checks the reader's scope and role (store/meetings.py) before it writes, and raises `MeetingError`
or `OutsideScope` saying what to do.
"""
from __future__ import annotations

from access.roles import Reader
from access.scope import EntityRef
from queries.scorecard import indicator_catalogue
from queries.warehouse import Snapshot, Warehouse
from store import meetings
from store.meeting_numbers import check_cell, freeze, numbers_for, prepare_move, suggestions
from store.meetings import Action, AgendaItem, Meeting, MeetingError


def pinned_snapshot(warehouse: Warehouse, meeting: Meeting) -> Snapshot:
    """The data version the meeting is pinned to, or why it cannot be used."""
    snapshot = warehouse.snapshot_of(meeting.version_id)
    if snapshot is None:
        raise MeetingError(f"data version {meeting.version_id} is gone: move the meeting to the newest data first")
    return snapshot


def flag_cell(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, indicator_id: str, entity: EntityRef,
              source: str = "flagged", reason: str = "") -> tuple[AgendaItem, str]:
    """Put the cell (`indicator_id` for `entity`, in the meeting's data version, inside its entity) on the agenda;
    the item and the indicator's name."""
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    snapshot = pinned_snapshot(warehouse, meeting)
    name = check_cell(snapshot, meeting, indicator_id, entity)
    item = meetings.add_item(engine, reader, meeting.id, "indicator", indicator_id=indicator_id, entity=entity,
                             entity_name=name, source=source, reason=reason)
    names = indicator_catalogue(snapshot).set_index("indicator_id").name
    return item, names.get(indicator_id, indicator_id)


def accept_suggestion(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, source: str, indicator_id: str,
                      entity: EntityRef) -> tuple[AgendaItem, str]:
    """Put a suggested cell on the agenda, with the suggestion's reason, if it is still one the meeting suggests
    (it is not on the agenda already, and the data says so)."""
    if source not in meetings.SOURCES or source == "flagged":
        raise MeetingError("that suggestion is not one this meeting offers: reload the page")
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    pinned_snapshot(warehouse, meeting)  # refuses a meeting whose version is gone, with what to do
    items = meetings.agenda(engine, reader, meeting.id)
    carried, _new = meetings.meeting_actions(engine, reader, meeting)
    numbers = numbers_for(warehouse, meeting, items, None).numbers
    offered = {(s.kind, s.indicator_id, s.entity): s
               for s in suggestions(numbers, items, carried, meeting.held_on)} if numbers else {}
    chosen = offered.get((source, indicator_id, entity))
    if chosen is None:
        raise MeetingError("that suggestion is no longer offered (it is on the agenda already, or the data moved): "
                           "reload the page")
    return flag_cell(warehouse, engine, reader, meeting.id, indicator_id, entity, source, chosen.reason)


def agree_action(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, what: str, owner: str, due,
                 indicator_id: str, entity: EntityRef, token: str | None = None) -> tuple[Action, bool]:
    """Agree an action at an open meeting, meant to move a cell of its data version inside its entity; with the
    submit's `token`, once however often it is sent. The action, and whether this call agreed it."""
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    name = check_cell(pinned_snapshot(warehouse, meeting), meeting, indicator_id, entity)
    return meetings.add_action_once(engine, reader, meeting.id, what, owner, due, indicator_id, entity, name, token)


def edit_action(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, action_id: int, what: str, owner: str,
                due, indicator_id: str, entity: EntityRef) -> Action:
    """Correct an action of an open meeting; the cell it is meant to move checked as when it was agreed."""
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    name = check_cell(pinned_snapshot(warehouse, meeting), meeting, indicator_id, entity)
    found = next((a for a in meetings.meeting_actions(engine, reader, meeting)[1] if a.id == meetings._id(action_id)),
                 None)
    if found is None:
        raise MeetingError(f"meeting {meeting.id} agreed no action {str(action_id)[:40]}: reload the page")
    return meetings.edit_action(engine, reader, found.id, what, owner, due, indicator_id, entity, name)


def close(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, via: str) -> Meeting:
    """Close the meeting (the chair's), keeping the numbers it showed as its record."""
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    meetings.check_chair(reader, "closing a meeting")
    numbers = numbers_for(warehouse, meeting, meetings.agenda(engine, reader, meeting.id), None).numbers
    if numbers is None:
        raise MeetingError(f"data version {meeting.version_id} is gone, so the numbers cannot be kept: move the "
                           "meeting to the newest data first")
    return meetings.close_meeting(engine, reader, meeting.id, freeze(numbers), via=via)


def move_to_newest(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, via: str) -> Meeting:
    """Move an open meeting to the newest data version, once its entity and every agenda item are found there."""
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    current = warehouse.snapshot()
    if current is None or current.version.version_id <= meeting.version_id:
        raise MeetingError("there is no newer data to move to")
    name, ids = prepare_move(current, reader.data_scope(), meeting, meetings.agenda(engine, reader, meeting.id))
    return meetings.move_to_version(engine, reader, meeting.id, current.version.version_id, current.version.as_of,
                                    via=via, entity_name=name, entity_ids=ids)
