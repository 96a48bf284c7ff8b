"""What a person does to a Stat meeting that needs more than one table: each deed one function, which the meeting
page's forms and the command line both call, so that the rules live here once.

- `flag_cell` and `accept_suggestion` put a cell of the meeting's own data version on the agenda (a suggestion
  only while it is still offered);
- `flag_published` puts a figure of a published source on the agenda (the state's CFSR figures beside the
  county's own), pinned to the source's newest version;
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
from store.aggregates import AggregateError, load_source, source_name
from store.meeting_numbers import check_cell, check_review_cell, freeze, numbers_for, prepare_move, suggestions
from store.meetings import Action, AgendaItem, Meeting, MeetingError
from store.published_items import figure_of, published_for, with_published
from store.review_numbers import review_terms


def pinned_snapshot(warehouse: Warehouse, meeting: Meeting) -> Snapshot:
    """The data version the meeting is pinned to, or why it cannot be used."""
    snapshot = warehouse.snapshot_of(meeting.version_id)
    if snapshot is None:
        raise MeetingError(f"data version {meeting.version_id} is gone: move the meeting to the newest data first")
    return snapshot


def _terms(engine, meeting: Meeting):
    """A provider review's contract and reported figures (store/review_numbers.py); None for another meeting."""
    return review_terms(engine, meeting) if meeting.is_review else None


def flag_cell(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, indicator_id: str, entity: EntityRef,
              source: str = "flagged", reason: str = "") -> tuple[AgendaItem, str]:
    """Put the cell (`indicator_id` for `entity`, in the meeting's data version, inside its entity) on the agenda;
    the item and the indicator's name. In a provider review, a metric of its contract for the provider: a figure
    the provider reports goes on as its published figure (`flag_published`)."""
    meetings.change_scope(reader)
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    snapshot = pinned_snapshot(warehouse, meeting)
    if meeting.is_review:
        name, line = check_review_cell(snapshot, meeting, _terms(engine, meeting), indicator_id, entity)
        if line is not None:
            return flag_published(engine, reader, meeting.id, line.source, indicator_id, entity.level,
                                  entity.entity_id, suggested=source, reason=reason)
    else:
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
    meetings.change_scope(reader)
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    pinned_snapshot(warehouse, meeting)  # refuses a meeting whose version is gone, with what to do
    items = meetings.agenda(engine, reader, meeting.id)
    carried, _new = meetings.meeting_actions(engine, reader, meeting)
    numbers = numbers_for(warehouse, meeting, items, None, _terms(engine, meeting)).numbers
    offered = {(s.kind, s.indicator_id, s.entity): s
               for s in suggestions(numbers, items, carried, meeting.held_on)} if numbers else {}
    chosen = offered.get((source, indicator_id, entity))
    if chosen is None:
        raise MeetingError("that suggestion is no longer offered (it is on the agenda already, or the data moved): "
                           "reload the page")
    return flag_cell(warehouse, engine, reader, meeting.id, indicator_id, entity, source, chosen.reason)


def flag_published(engine, reader: Reader, meeting_id: int, source: str, indicator_id: str, entity_type: str,
                   entity_id: str, suggested: str = "flagged", reason: str = "") -> tuple[AgendaItem, str]:
    """Put a published figure (`indicator_id` for `entity_type:entity_id` in `source`) on the agenda of an open
    meeting, pinned to the source's newest version: the item and the indicator's name. Anyone who may change the
    meeting may; the source, the indicator and the entity must be in that version (`MeetingError` says what it
    has instead). A provider's review shows no other provider's figure."""
    meetings.change_scope(reader)
    meeting = meetings.load_meeting(engine, reader, meeting_id)  # outside the scope is refused as not there
    if not meeting.is_open:
        raise MeetingError(f"meeting {meeting.id} is closed: its agenda changes only while it is open")
    texts = [t if isinstance(t, str) else "" for t in (source, indicator_id, entity_type, entity_id)]
    if not all(t.strip() for t in texts):
        raise MeetingError("a published figure needs its source, indicator and entity: choose each")
    source, indicator_id, entity_type, entity_id = (t.strip() for t in texts)
    if meeting.is_review and entity_type == meeting.entity.level and entity_id != meeting.entity.entity_id:
        raise MeetingError(f"a performance review shows its own provider's figures, {meeting.entity_name}'s, and no "
                           "other provider's (the program's aggregate is beside each of its trends)")
    try:
        found = load_source(engine, reader, source_name(source))
        indicator, name, period = figure_of(found, indicator_id, EntityRef(entity_type, entity_id))
    except AggregateError as exc:
        raise MeetingError(str(exc)) from None
    item = meetings.add_item(engine, reader, meeting.id, "published", indicator_id=indicator.id,
                             entity=EntityRef(entity_type, entity_id), entity_name=name, indicator_name=indicator.name,
                             published=(found.name, found.version.id, period), source=suggested, reason=reason)
    return item, indicator.name


def agree_action(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, what: str, owner: str, due,
                 indicator_id: str, entity: EntityRef, token: str | None = None) -> tuple[Action, bool]:
    """Agree an action at an open meeting, meant to move a cell of its data version inside its entity; with the
    submit's `token`, once however often it is sent. The action, and whether this call agreed it."""
    meetings.change_scope(reader)
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    name = check_cell(pinned_snapshot(warehouse, meeting), meeting, indicator_id, entity, _terms(engine, meeting))
    return meetings.add_action_once(engine, reader, meeting.id, what, owner, due, indicator_id, entity, name, token)


def edit_action(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, action_id: int, what: str, owner: str,
                due, indicator_id: str, entity: EntityRef) -> Action:
    """Correct an action of an open meeting; the cell it is meant to move checked as when it was agreed."""
    meetings.change_scope(reader)
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    name = check_cell(pinned_snapshot(warehouse, meeting), meeting, indicator_id, entity, _terms(engine, meeting))
    found = next((a for a in meetings.meeting_actions(engine, reader, meeting)[1] if a.id == meetings._id(action_id)),
                 None)
    if found is None:
        raise MeetingError(f"meeting {meeting.id} agreed no action {str(action_id)[:40]}: reload the page")
    return meetings.edit_action(engine, reader, found.id, what, owner, due, indicator_id, entity, name)


def close(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, via: str) -> Meeting:
    """Close the meeting (the chair's), keeping the numbers it showed, its published figures' too, as its record."""
    meetings.change_scope(reader)
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    meetings.check_chair(reader, "closing a meeting")
    items = meetings.agenda(engine, reader, meeting.id)
    numbers = numbers_for(warehouse, meeting, items, None, _terms(engine, meeting)).numbers
    if numbers is None:
        raise MeetingError(f"data version {meeting.version_id} is gone, so the numbers cannot be kept: move the "
                           "meeting to the newest data first")
    record = with_published(freeze(numbers), published_for(engine, reader, items))
    return meetings.close_meeting(engine, reader, meeting.id, record, via=via)


def move_to_newest(warehouse: Warehouse, engine, reader: Reader, meeting_id: int, via: str) -> Meeting:
    """Move an open meeting to the newest data version, once its entity and every agenda item are found there."""
    meetings.change_scope(reader)
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    current = warehouse.snapshot()
    if current is None or current.version.version_id <= meeting.version_id:
        raise MeetingError("there is no newer data to move to")
    name, ids = prepare_move(current, reader.data_scope(), meeting, meetings.agenda(engine, reader, meeting.id),
                             _terms(engine, meeting))
    return meetings.move_to_version(engine, reader, meeting.id, current.version.version_id, current.version.as_of,
                                    via=via, entity_name=name, entity_ids=ids)
