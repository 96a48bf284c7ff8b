"""Stat meetings in the app store: the meeting, its agenda, the actions agreed at it, and what carries over.

A meeting belongs to an entity (the department, a bureau, an office, or a provider: a delegate agency's performance
review, store/review_numbers.py) and a data month, and is pinned to
the data version it was prepared on (`version_id`): its numbers (store/meeting_numbers.py) are read from
that version until someone moves it to newer data (`move_to_version`), and the loader keeps the versions
open meetings are pinned to (`pinned_versions`). Closing a meeting freezes the numbers it showed in
`record`, so a closed meeting reads the same after its version is gone.

The agenda is a list of items in the order chosen: cells (an indicator for the meeting's entity or one
under it) flagged or accepted from the suggestions, published figures (an indicator for an entity of a published
source, such as the state's CFSR figures, pinned to the version of the source it was added from:
store/published_items.py), best practice, kudos, and case-review selections chosen for discussion. Actions
are agreed at a meeting, each meant to move one indicator for one entity; an open action carries over to
every later meeting of the same entity until it is done or dropped, and each change of status is logged with
its date.

Who may: executives, every meeting; managers, the meetings of their own subtree; analysts (the planning
group) every meeting, without case-level content (the case-review selections), to prepare them: kudos, closing,
sending the follow-up and settling an action someone else agreed are the chair's (`CHAIR_ROLES`). A provider's
performance review is prepared by an executive or an analyst and chaired by an executive: a manager's scope is a
part of the organisation, which holds no provider, so managers neither see nor chair one. A provider's own staff
(the `provider` role) read their provider's reviews, and only those: they change nothing of a review but log a note
on an action their provider owns (`provider_owns`: its owner is the provider, as the form offers it); settling it is
the chair's, as for anyone who did not agree it. Viewers and admins read no meetings. A meeting that does not exist and one outside the reader's scope are refused alike
(`OutsideScope`). Creating, closing, moving and exporting a meeting are written to the audit log; every change
to a meeting is written to its own log (`meeting_log`: who, when, what), which the meeting page shows.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store import db
from access.roles import Reader
from access.scope import PROVIDER, EntityRef, OutsideScope, Scope, ScorecardQueryError
from store.db import (action_updates, actions, aggregate_versions, meeting_items, meeting_log, meetings,
                      review_selections, utcnow)
from display.typed_text import EMAIL, PERSON, text_problem

OPEN, CLOSED = "open", "closed"
ACTION_STATUSES = ("open", "done", "dropped")
MEETING_LEVELS = ("department", "bureau", "office", PROVIDER)
ITEM_KINDS = ("indicator", "practice", "kudos", "reviews", "published")
MEETING_ROLES = ("executive", "manager", "analyst", "provider")  # a provider's staff: their own reviews, to read
# Who chairs a meeting: an executive, or a manager whose scope holds its entity (a bureau's manager chairs its
# offices' meetings too). Analysts prepare meetings (the agenda, suggestions, notes, the follow-up's draft); what
# speaks for the chair or commits the meeting is the chair's: kudos, closing, sending the follow-up, and settling
# (done or dropped) an action someone else agreed.
CHAIR_ROLES = ("executive", "manager")
SOURCES = ("flagged", "red", "worse-month", "worse-year", "spread", "due",
           "floor", "target", "unreported")  # the last three: a provider review's (store/review_numbers.py)

TITLE_MAX = 300
TEXT_MAX = 5_000        # notes, a practice, highlights, lessons, next steps
FOLLOWUP_MAX = 50_000
WHAT_MAX = 1_000
OWNER_MAX = 200
ATTENDEES_MAX = 60
ITEMS_MAX = 60          # agenda items of one meeting: more than any meeting can discuss
OPEN_PER_ENTITY = 12    # open meetings of one entity at once (each keeps its data version from removal)
ACTIONS_MAX = 200       # actions agreed at one meeting
ACTION_UPDATES_MAX = 100  # updates logged on one action: a monthly note for eight years; bounds what one can write

CREATED, CLOSED_ACTION, MOVED, EXPORTED, FOLLOWUP_SENT, REOPENED, ACTION_REMOVED = (
    "meeting-created", "meeting-closed", "meeting-moved-to-newer-data", "meeting-exported", "meeting-followup-sent",
    "meeting-reopened", "meeting-action-removed")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")  # the page's submit token: a uuid4's hex, or the like
REASON_MAX = 500


class MeetingError(ScorecardQueryError):
    """A meeting, agenda item or action that cannot be made or changed as asked; the message says what to do."""


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str | None = None

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(frozen=True)
class Meeting:
    id: int
    entity: EntityRef
    entity_name: str
    entity_ids: dict            # bureau_id, office_id, unit_id (its own id among them)
    month: dt.date
    held_on: dt.date
    title: str
    attendees: tuple[Attendee, ...]
    version_id: int
    as_of: dt.date
    status: str
    highlights: str
    lessons: str
    next_steps: str
    followup: str | None
    followup_sent_at: dt.datetime | None
    has_record: bool
    created_at: dt.datetime
    created_by: str
    closed_at: dt.datetime | None
    closed_by: str | None

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def is_review(self) -> bool:
        """A provider's performance review (its entity a provider), not a meeting of the organisation."""
        return self.entity.level == PROVIDER


@dataclass(frozen=True)
class AgendaItem:
    id: int
    meeting_id: int
    position: int
    kind: str
    indicator_id: str | None
    entity: EntityRef | None
    entity_name: str | None
    selection_id: int | None
    source: str
    reason: str
    notes: str
    published_source: str | None = None  # published items: the source, the version of it, the period shown
    source_version: int | None = None
    period: str | None = None

    @property
    def cell(self) -> tuple[str, EntityRef] | None:
        return (self.indicator_id, self.entity) if self.kind == "indicator" else None


@dataclass(frozen=True)
class ActionUpdate:
    at: dt.datetime
    by: str
    status: str
    note: str


@dataclass(frozen=True)
class Action:
    id: int
    meeting_id: int
    meeting_entity: EntityRef
    what: str
    owner: str
    due: dt.date
    indicator_id: str
    entity: EntityRef
    entity_name: str
    status: str
    agreed_on: dt.date
    created_by: str
    updates: tuple[ActionUpdate, ...] = field(default=())

    def overdue(self, on: dt.date) -> bool:
        """Still open after its due date, as of `on`."""
        return self.status == OPEN and self.due < on


# -- who may ----------------------------------------------------------------------------------------------

def meeting_scope(reader: Reader) -> Scope:
    """The scope a reader reads meetings with; refuses the roles that read none."""
    scope = reader.data_scope()
    if reader.role not in MEETING_ROLES:
        raise OutsideScope(f"Stat meetings are for executives, managers and analysts (and a provider's staff, its "
                           f"own reviews); your role is {reader.role}")
    return scope


PROVIDER_READS = ("a provider's staff read their performance reviews and log notes on the actions their provider "
                  "owns; preparing and changing a review is the department's: ask your contract manager")


def may_change(reader: Reader) -> bool:
    """Whether the reader may change meetings they can see (the page offers its forms): all but a provider's staff."""
    return reader.role in MEETING_ROLES and reader.role != "provider"


def change_scope(reader: Reader) -> Scope:
    """The scope a reader changes meetings with: `meeting_scope`, and refused to a provider's staff, before any
    meeting is looked up (so the refusal says nothing of which meetings there are)."""
    scope = meeting_scope(reader)
    if not may_change(reader):
        raise OutsideScope(PROVIDER_READS)
    return scope


def provider_owns(owner: str, provider_name: str) -> bool:
    """An action's owner is the provider itself, as the action form offers it (its name; case and spacing aside)."""
    def norm(text: str) -> str:
        return " ".join(str(text or "").split()).casefold()
    return bool(norm(owner)) and norm(owner) == norm(provider_name)


def _meetings_in(query, scope: Scope):
    """`query` (over `meetings`) kept to the meetings of the reader's own part: a provider scope its provider's
    reviews; an organisation scope below the department its subtree's meetings (whose ancestry holds its id: a
    provider review has none, so it is never one of them)."""
    if scope.is_provider:
        return query.where(meetings.c.entity_level == PROVIDER, meetings.c.entity_id == scope.entity_id)
    if scope.level != "department":
        return query.where(meetings.c[f"{scope.level}_id"] == scope.entity_id)
    return query


def _owns(scope: Scope, row) -> bool:
    return scope.owns(EntityRef(row.entity_level, row.entity_id),
                      {"bureau_id": row.bureau_id, "office_id": row.office_id, "unit_id": row.unit_id})


ID_MAX = 2**31 - 1  # the store's Integer ids (PostgreSQL's integer)


def _id(value) -> int:
    """A row id as given (a whole number or its digits); 0, which names no row, for anything else, so an id that
    cannot exist is refused like one that does not."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ID_MAX:
        return value
    return 0


def check_chair(reader: Reader, what: str) -> None:
    """Refuse what only the meeting's chair (or an executive) may do to a reader who prepares meetings."""
    if not may_change(reader):
        raise OutsideScope(PROVIDER_READS)
    if not may_chair(reader):
        raise OutsideScope(f"{what} is for the meeting's chair (the manager whose office or bureau it is) or an "
                           f"executive; as an {reader.role} you prepare the meeting: ask the chair to do it")


def may_chair(reader: Reader) -> bool:
    """Whether the page offers the chair's buttons (the functions below check it again)."""
    return reader.role in CHAIR_ROLES


def may_reopen(reader: Reader, meeting: Meeting) -> bool:
    """An executive, or the manager who owns the meeting (opened it, or chaired and closed it), may reopen it."""
    return reader.role == "executive" or (
        may_chair(reader) and reader.username in (meeting.created_by, meeting.closed_by))


def _may_change_action(reader: Reader, row, what: str) -> None:
    """Correcting or removing an action is for whoever agreed it, or the chair."""
    if row.created_by != reader.username:
        check_chair(reader, f"{what} an action someone else agreed")


def log_change(conn, meeting_id: int, actor: str, change: str, case_level: bool = False) -> None:
    """One line of a meeting's log, in the caller's transaction (it stands or falls with the change); a line
    about a case-review item is shown only to readers with case-level access."""
    conn.execute(meeting_log.insert().values(meeting_id=meeting_id, at=utcnow(), actor=actor[:200],
                                             change=change[:300], case_level=case_level))


@dataclass(frozen=True)
class LogEntry:
    at: dt.datetime
    actor: str
    change: str


def change_log(engine: Engine, reader: Reader, meeting_id: int) -> list[LogEntry]:
    """Every change to a meeting the reader may see, oldest first."""
    scope = meeting_scope(reader)
    meeting = load_meeting(engine, reader, meeting_id)
    query = sa.select(meeting_log).where(meeting_log.c.meeting_id == meeting.id).order_by(meeting_log.c.id)
    if not scope.case_level:
        query = query.where(meeting_log.c.case_level.is_(False))
    with engine.connect() as conn:
        return [LogEntry(r.at, r.actor, r.change) for r in conn.execute(query)]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _refused(meeting_id, scope: Scope) -> OutsideScope:
    return OutsideScope(f"there is no meeting {str(meeting_id)[:40]} that you may see ({scope.describe()})")


# -- checking what is typed -------------------------------------------------------------------------------

def _text(name: str, value, limit: int, required: bool = False, one_line: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise MeetingError(f"{name} must be text")
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        raise MeetingError(f"{name} is empty: write it")
    if len(value) > limit:
        raise MeetingError(f"{name} is {len(value):,} characters long: at most {limit:,}")
    problem = text_problem(name, value, one_line=one_line)
    if problem:
        raise MeetingError(problem)
    return value


def parse_attendees(text: str) -> tuple[Attendee, ...]:
    """Attendees, one per line (or separated by `;`): `Name`, `Name <email>` or `email`."""
    text = _text("the attendees", text, ATTENDEES_MAX * 300)
    found = []
    for n, part in enumerate(p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        m = PERSON.fullmatch(part)
        name, email = (m.group(1).strip(), m.group(2).strip()) if m else \
            ((part, part) if "@" in part else (part, None))
        if email is not None and any(c in name for c in "<>@") and name != email:
            raise MeetingError(f"attendee {n + 1} ({part[:80]!r}) holds more than one address: write one attendee "
                               "per line, or separate them with ;")
        if email is not None and not EMAIL.match(email):
            raise MeetingError(f"attendee {n + 1}'s e-mail address {email[:80]!r} is not an address: "
                               "write Name <name@agency.gov>, or the name alone")
        if len(name) > 200:
            raise MeetingError(f"attendee {n + 1}'s name is longer than 200 characters")
        found.append(Attendee(name or email, email))
    if len(found) > ATTENDEES_MAX:
        raise MeetingError(f"{len(found)} attendees: at most {ATTENDEES_MAX}")
    return tuple(found)


def _day(name: str, value) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or day.year < 2000 or day.year > 2200:
        raise MeetingError(f"{name} {str(value)[:40]!r} is not a day: write YYYY-MM-DD")
    return day


def month_end(month: dt.date) -> dt.date:
    """The last day of `month` (any day of it)."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _check_held_on(held_on: dt.date, month: dt.date) -> None:
    """A meeting discusses a month that has ended: it is held on or after the month's last day."""
    if held_on < month_end(month):
        raise MeetingError(f"a meeting on {month:%B %Y}'s data is held once the month has ended: give "
                           f"{month_end(month):%d %B %Y} or later, not {held_on:%d %B %Y}")


def _twin(conn, entity_level: str, entity_id: str, month: dt.date, held_on: dt.date, other_than: int | None = None):
    """The meeting (open or closed) of the same entity, data month and day, if there is one."""
    query = sa.select(meetings.c.id, meetings.c.title, meetings.c.status).where(
        meetings.c.entity_level == entity_level, meetings.c.entity_id == entity_id, meetings.c.month == month,
        meetings.c.held_on == held_on)
    if other_than is not None:
        query = query.where(meetings.c.id != other_than)
    return conn.execute(query.order_by(meetings.c.id).limit(1)).first()


def _twin_refusal(twin, entity_name: str, month: dt.date, held_on: dt.date) -> MeetingError:
    return MeetingError(f"{entity_name} already has a meeting on {month:%B %Y}'s data on {held_on:%d %B %Y}: "
                        f"meeting {twin.id}, \"{_short(twin.title, 80)}\" ({twin.status}); open that one, or give "
                        "another day")


# -- meetings -------------------------------------------------------------------------------------------

def _meeting(row) -> Meeting:
    people = tuple(Attendee(a["name"], a.get("email")) for a in json.loads(row.attendees))
    return Meeting(row.id, EntityRef(row.entity_level, row.entity_id), row.entity_name,
                   {"bureau_id": row.bureau_id, "office_id": row.office_id, "unit_id": row.unit_id},
                   row.month, row.held_on, row.title, people, row.version_id, row.as_of, row.status,
                   row.highlights or "", row.lessons or "", row.next_steps or "", row.followup,
                   row.followup_sent_at, row.record is not None, row.created_at, row.created_by, row.closed_at,
                   row.closed_by)


def create_meeting(engine: Engine, reader: Reader, entity: EntityRef, entity_name: str, entity_ids: dict,
                   month: dt.date, version_id: int, as_of: dt.date, held_on: dt.date | str | None = None,
                   title: str | None = None, attendees: str | tuple = "", via: str | None = None,
                   today: dt.date | None = None) -> Meeting:
    """A new open meeting of `entity` on `month`, pinned to data version `version_id`.

    The caller has checked `entity` and `month` against that version (store.meeting_numbers.prepare does);
    here the reader's scope must own the entity. `held_on` defaults to `today`, the agency's day (Settings.today:
    the page and the command line pass it; UTC's without it); `title` to "<entity> Stat".
    """
    scope = change_scope(reader)
    if entity.level not in MEETING_LEVELS:
        raise MeetingError(f"a Stat meeting is held by the department, a bureau or an office (or about a provider), "
                           f"not a {entity.level}: hold it for the office the unit is in")
    if not scope.owns(entity, entity_ids):
        raise OutsideScope(f"{entity.words} is outside what you may see ({scope.describe()}); hold meetings for "
                           f"{scope.root.words} or a part of it")
    held_on = _day("the meeting's date", held_on) if held_on else (today or utcnow().date())
    _check_held_on(held_on, month)
    title = _text("the title", title, TITLE_MAX, one_line=True) or (
        f"{entity_name[:TITLE_MAX - 50]} performance review, {month:%B %Y}" if entity.level == PROVIDER
        else f"{entity_name[:TITLE_MAX - 30]} Stat, {month:%B %Y}")
    people = parse_attendees(attendees) if isinstance(attendees, str) else tuple(attendees)
    now = utcnow()
    with engine.begin() as conn:
        twin = _twin(conn, entity.level, entity.entity_id, month, held_on)
        if twin is not None:
            raise _twin_refusal(twin, entity_name, month, held_on)
        same = conn.execute(sa.select(meetings.c.id).where(
            meetings.c.entity_level == entity.level, meetings.c.entity_id == entity.entity_id,
            meetings.c.status == OPEN)).all()
        if len(same) >= OPEN_PER_ENTITY:
            raise MeetingError(f"{entity_name} already has {len(same)} open meetings: close the ones that were held "
                               "first (each keeps its data version in the warehouse)")
        meeting_id = conn.execute(meetings.insert().values(
            entity_level=entity.level, entity_id=entity.entity_id, entity_name=entity_name[:300],
            bureau_id=entity_ids.get("bureau_id"), office_id=entity_ids.get("office_id"),
            unit_id=entity_ids.get("unit_id"), month=month, held_on=held_on, title=title,
            attendees=json.dumps([{"name": a.name, "email": a.email} for a in people]), version_id=version_id,
            as_of=as_of, status=OPEN, highlights="", lessons="", next_steps="", created_at=now,
            created_by=reader.username, updated_at=now)).inserted_primary_key[0]
        db.record_in(conn, reader.username, CREATED, {
            "meeting": meeting_id, "entity": str(entity), "month": f"{month:%Y-%m}", "held_on": str(held_on),
            "version_id": version_id, "via": via})
        log_change(conn, meeting_id, reader.username, f"opened it on data version {version_id}"
                   + (f" with {len(people)} attendee{'' if len(people) == 1 else 's'}" if people else ""))
    return load_meeting(engine, reader, meeting_id)


def load_meeting(engine: Engine, reader: Reader, meeting_id: int) -> Meeting:
    scope = meeting_scope(reader)
    with engine.connect() as conn:
        row = conn.execute(sa.select(meetings).where(meetings.c.id == _id(meeting_id))).first()
    if row is None or not _owns(scope, row):
        raise _refused(meeting_id, scope)
    return _meeting(row)


def list_meetings(engine: Engine, reader: Reader, entity: EntityRef | None = None, limit: int = 200) -> list[Meeting]:
    """The meetings the reader may see (of `entity` only, when given), newest first."""
    scope = meeting_scope(reader)
    query = _meetings_in(sa.select(meetings).order_by(meetings.c.held_on.desc(), meetings.c.id.desc()).limit(limit),
                         scope)
    if entity is not None:
        query = query.where(meetings.c.entity_level == entity.level, meetings.c.entity_id == entity.entity_id)
    with engine.connect() as conn:
        return [_meeting(r) for r in conn.execute(query).all() if _owns(scope, r)]


def previous_meeting(engine: Engine, meeting: Meeting) -> Meeting | None:
    """The meeting of the same entity held before this one (by date, then by id)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(meetings).where(
            meetings.c.entity_level == meeting.entity.level, meetings.c.entity_id == meeting.entity.entity_id,
            sa.or_(meetings.c.held_on < meeting.held_on,
                   sa.and_(meetings.c.held_on == meeting.held_on, meetings.c.id < meeting.id)))
            .order_by(meetings.c.held_on.desc(), meetings.c.id.desc()).limit(1)).first()
    return _meeting(row) if row is not None else None


def _open_meeting(conn, scope: Scope, meeting_id: int, what: str):
    row = conn.execute(sa.select(meetings).where(meetings.c.id == _id(meeting_id))).first()
    if row is None or not _owns(scope, row):
        raise _refused(meeting_id, scope)
    if row.status != OPEN:
        raise MeetingError(f"meeting {meeting_id} is closed: {what} only while it is open")
    return row


FIELD_WORDS = {"title": "the title", "held_on": "the date", "attendees": "the attendees", "highlights": "the highlights",
               "lessons": "the lessons", "next_steps": "the next steps", "followup": "the follow-up"}


def update_meeting(engine: Engine, reader: Reader, meeting_id: int, **changes) -> Meeting:
    """Change an open meeting's title, held_on, attendees (text), highlights, lessons or next_steps.
    The follow-up (`followup`) may be edited after the meeting is closed too."""
    scope = change_scope(reader)
    values = {}
    for name, value in changes.items():
        if name == "title":
            values[name] = _text("the title", value, TITLE_MAX, required=True, one_line=True)
        elif name == "held_on":
            values[name] = _day("the meeting's date", value)
        elif name == "attendees":
            people = parse_attendees(value) if isinstance(value, str) else tuple(value)
            values[name] = json.dumps([{"name": a.name, "email": a.email} for a in people])
        elif name in ("highlights", "lessons", "next_steps"):
            values[name] = _text(name.replace("_", " "), value, TEXT_MAX)
        elif name == "followup":
            values[name] = _text("the follow-up", value, FOLLOWUP_MAX)
        else:
            raise MeetingError(f"a meeting has no field {name!r}")
    with engine.begin() as conn:
        if set(values) - {"followup"}:
            meeting_id = _open_meeting(conn, scope, meeting_id, "its details are changed").id
        else:
            meeting_id = load_meeting(engine, reader, meeting_id).id
        if "held_on" in values:
            before = conn.execute(sa.select(meetings).where(meetings.c.id == meeting_id)).first()
            _check_held_on(values["held_on"], before.month)
            twin = _twin(conn, before.entity_level, before.entity_id, before.month, values["held_on"], meeting_id)
            if twin is not None:
                raise _twin_refusal(twin, before.entity_name, before.month, values["held_on"])
            # its actions are agreed on its day, and none may fall due before it
            early = conn.execute(sa.select(sa.func.min(actions.c.due))
                                 .where(actions.c.meeting_id == meeting_id)).scalar()
            if early is not None and early < values["held_on"]:
                raise MeetingError(f"an action agreed at this meeting is due on {early}, before {values['held_on']}: "
                                   "keep the meeting's date on or before it")
            conn.execute(actions.update().where(actions.c.meeting_id == meeting_id)
                         .values(agreed_on=values["held_on"]))
        current = conn.execute(sa.select(meetings).where(meetings.c.id == meeting_id)).first()
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        conn.execute(meetings.update().where(meetings.c.id == meeting_id).values(updated_at=utcnow(), **values))
        if changed:
            log_change(conn, meeting_id, reader.username,
                       "changed " + ", ".join(FIELD_WORDS.get(name, name) for name in changed))
    return load_meeting(engine, reader, meeting_id)


def close_meeting(engine: Engine, reader: Reader, meeting_id: int, record: str, via: str | None = None) -> Meeting:
    """Close an open meeting, keeping `record` (the frozen numbers it showed, store.meeting_numbers.freeze):
    its agenda is then fixed, its pinned version no longer kept for it, and its actions carry over."""
    scope = change_scope(reader)
    load_meeting(engine, reader, meeting_id)  # one outside the reader's scope is refused as one that is not there
    check_chair(reader, "closing a meeting")
    now = utcnow()
    with engine.begin() as conn:
        row = _open_meeting(conn, scope, meeting_id, "it is closed")
        done = conn.execute(meetings.update().where(meetings.c.id == row.id, meetings.c.status == OPEN).values(
            status=CLOSED, record=record, closed_at=now, closed_by=reader.username, updated_at=now))
        if done.rowcount != 1:
            raise MeetingError(f"meeting {meeting_id} was closed meanwhile")
        opened = conn.execute(sa.select(sa.func.count()).select_from(actions).where(
            actions.c.meeting_id == row.id)).scalar()
        db.record_in(conn, reader.username, CLOSED_ACTION, {
            "meeting": row.id, "entity": f"{row.entity_level}:{row.entity_id}", "version_id": row.version_id,
            "actions_agreed": opened, "via": via})
        log_change(conn, row.id, reader.username, "closed it, keeping the numbers it showed")
    return load_meeting(engine, reader, meeting_id)


def reopen_meeting(engine: Engine, reader: Reader, meeting_id: int, via: str | None = None) -> Meeting:
    """Reopen a closed meeting (an executive's, or its owner's: `may_reopen`), to correct its agenda or actions.
    It is pinned again to its data version; if that version is gone, the page says so and offers to move it to
    the newest. Closing it again keeps the numbers anew."""
    scope = change_scope(reader)
    meeting = load_meeting(engine, reader, meeting_id)
    if not may_reopen(reader, meeting):
        raise OutsideScope(f"reopening a meeting is for an executive or its owner ({meeting.created_by}, who opened "
                           f"it{'' if meeting.closed_by in (None, meeting.created_by) else f', or {meeting.closed_by}, who closed it'}): "
                           "ask one of them")
    if meeting.is_open:
        raise MeetingError(f"meeting {meeting.id} is open already")
    now = utcnow()
    with engine.begin() as conn:
        open_now = conn.execute(sa.select(sa.func.count()).select_from(meetings).where(
            meetings.c.entity_level == meeting.entity.level, meetings.c.entity_id == meeting.entity.entity_id,
            meetings.c.status == OPEN)).scalar()
        if open_now >= OPEN_PER_ENTITY:
            raise MeetingError(f"{meeting.entity_name} already has {open_now} open meetings: close one first")
        done = conn.execute(meetings.update().where(meetings.c.id == meeting.id, meetings.c.status == CLOSED)
                            .values(status=OPEN, closed_at=None, closed_by=None, updated_at=now))
        if done.rowcount != 1:
            raise MeetingError(f"meeting {meeting.id} was reopened meanwhile")
        db.record_in(conn, reader.username, REOPENED, {"meeting": meeting.id, "version_id": meeting.version_id,
                                                          "closed_by": meeting.closed_by, "via": via})
        log_change(conn, meeting.id, reader.username, f"reopened it (closed by {meeting.closed_by} on "
                                                      f"{meeting.closed_at:%d %b %Y})")
    return load_meeting(engine, reader, meeting_id)


def move_to_version(engine: Engine, reader: Reader, meeting_id: int, version_id: int, as_of: dt.date,
                    via: str | None = None, entity_name: str | None = None, entity_ids: dict | None = None) -> Meeting:
    """Pin an open meeting to a newer data version (someone chose to). The caller has checked the meeting's
    month and agenda against that version (store.meeting_numbers.prepare_move), and gives the entity's name and
    ancestry there: an office may have moved to another bureau, and the meeting's scope moves with it (the reader
    must own the entity in the new version too)."""
    scope = change_scope(reader)
    with engine.begin() as conn:
        row = _open_meeting(conn, scope, meeting_id, "it moves to newer data")
        if version_id <= row.version_id:
            raise MeetingError(f"meeting {meeting_id} is already on data version {row.version_id}")
        moved = {}
        if entity_ids is not None:
            if not scope.owns(EntityRef(row.entity_level, row.entity_id), entity_ids):
                raise OutsideScope(f"in data version {version_id}, {row.entity_name} is outside what you may see "
                                   f"({scope.describe()}): the meeting stays on version {row.version_id}")
            moved = {f"{level}_id": entity_ids.get(f"{level}_id") for level in ("bureau", "office", "unit")}
        if entity_name:
            moved["entity_name"] = entity_name[:300]
        conn.execute(meetings.update().where(meetings.c.id == row.id).values(
            version_id=version_id, as_of=as_of, updated_at=utcnow(), **moved))
        db.record_in(conn, reader.username, MOVED, {"meeting": row.id, "from_version": row.version_id,
                                                       "to_version": version_id, "via": via})
        log_change(conn, row.id, reader.username, f"moved it from data version {row.version_id} to {version_id}")
    return load_meeting(engine, reader, meeting_id)


def record_export(engine: Engine, reader: Reader, meeting: Meeting, fmt: str, via: str | None = None) -> None:
    """Write a data book's export to the audit log (before it is handed over)."""
    db.record(engine, reader.username, EXPORTED, {"meeting": meeting.id, "format": fmt,
                                                      "version_id": meeting.version_id, "via": via})


FOLLOWUP_SENDS_MAX = 5  # sends of one meeting's follow-up: a correction or two, never a mailing list


def take_followup_send(engine: Engine, reader: Reader, meeting_id: int) -> Meeting:
    """Take one of the meeting's `FOLLOWUP_SENDS_MAX` sends before mailing, in one conditional update (so ten
    clicks at once take at most the sends left), or refuse: the chair's, and not past the limit. The meeting
    as it is now (attendees added since the page was drawn get it too). `give_back_followup_send` when the mail
    did not go."""
    meeting = load_meeting(engine, reader, meeting_id)
    check_chair(reader, "sending the follow-up")
    with engine.begin() as conn:
        taken = conn.execute(meetings.update().where(meetings.c.id == meeting.id,
                                                     meetings.c.followup_sends < FOLLOWUP_SENDS_MAX)
                             .values(followup_sends=meetings.c.followup_sends + 1))
    if taken.rowcount != 1:
        raise MeetingError(f"this follow-up was sent {FOLLOWUP_SENDS_MAX} times already, the most it may be: copy or "
                           "download it to pass it on")
    return meeting


def give_back_followup_send(engine: Engine, meeting: Meeting) -> None:
    with engine.begin() as conn:
        conn.execute(meetings.update().where(meetings.c.id == meeting.id, meetings.c.followup_sends > 0)
                     .values(followup_sends=meetings.c.followup_sends - 1))


def record_followup_sent(engine: Engine, reader: Reader, meeting: Meeting, recipients: int,
                         text: str | None = None, via: str | None = None) -> None:
    """Record a send: the time on the meeting, and an audit entry with how many got it and the SHA-256 of what
    they got (the text may be edited afterwards)."""
    detail = {"meeting": meeting.id, "recipients": recipients}
    if text is not None:
        detail["sha256"] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if via is not None:
        detail["via"] = via
    with engine.begin() as conn:
        conn.execute(meetings.update().where(meetings.c.id == meeting.id).values(followup_sent_at=utcnow()))
        db.record_in(conn, reader.username, FOLLOWUP_SENT, detail)
        log_change(conn, meeting.id, reader.username,
                   f"sent the follow-up to {recipients} attendee{'' if recipients == 1 else 's'}")


def pinned_versions(engine: Engine) -> set[int]:
    """The data versions open meetings are pinned to: the loader keeps them."""
    with engine.connect() as conn:
        return {int(v) for v in conn.execute(sa.select(meetings.c.version_id).where(meetings.c.status == OPEN)
                                             .distinct()).scalars()}


def record_of(engine: Engine, reader: Reader, meeting_id: int) -> str | None:
    """A closed meeting's frozen numbers (JSON), None while it is open."""
    meeting = load_meeting(engine, reader, meeting_id)
    with engine.connect() as conn:
        return conn.execute(sa.select(meetings.c.record).where(meetings.c.id == meeting.id)).scalar()


# -- the agenda -----------------------------------------------------------------------------------------

def _item(row) -> AgendaItem:
    entity = EntityRef(row.entity_level, row.entity_id) if row.entity_level else None
    return AgendaItem(row.id, row.meeting_id, row.position, row.kind, row.indicator_id, entity, row.entity_name,
                      row.selection_id, row.source, row.reason or "", row.notes or "", row.published_source,
                      row.source_version, row.period)


def agenda(engine: Engine, reader: Reader, meeting_id: int) -> list[AgendaItem]:
    """The meeting's agenda in its order. Case-review items only for readers with case-level access."""
    scope = meeting_scope(reader)
    meeting = load_meeting(engine, reader, meeting_id)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(meeting_items).where(meeting_items.c.meeting_id == meeting.id)
                            .order_by(meeting_items.c.position, meeting_items.c.id)).all()
    return [_item(r) for r in rows if r.kind != "reviews" or scope.case_level]


def add_item(engine: Engine, reader: Reader, meeting_id: int, kind: str, *, indicator_id: str | None = None,
             entity: EntityRef | None = None, entity_name: str | None = None, selection_id: int | None = None,
             source: str = "flagged", reason: str = "", notes: str = "", published: tuple | None = None,
             indicator_name: str | None = None) -> AgendaItem:
    """Add an item at the end of an open meeting's agenda.

    An indicator item's cell has been checked by the caller against the meeting's data version (inside the
    meeting's entity: store.meeting_numbers.check_cell); the same cell is not added twice. A published item's
    figure (`published`: the source, the version of it and the period shown) has been checked by the caller
    against that version (store.meeting_acts.flag_published, which names the indicator: `indicator_name`); the
    same figure of the same source is not added twice. A reviews item names a saved selection the reader may
    see, of the meeting's entity or under it.
    """
    scope = change_scope(reader)
    if kind not in ITEM_KINDS:
        raise MeetingError(f"an agenda item is one of {', '.join(ITEM_KINDS)}, not {str(kind)[:40]!r}")
    if source not in SOURCES:
        raise MeetingError(f"an item's source is one of {', '.join(SOURCES)}")
    if kind == "kudos":
        load_meeting(engine, reader, meeting_id)  # outside the scope is refused as not there, before this
        check_chair(reader, "giving kudos")
    notes = _text("the notes" if kind == "indicator" else f"the {kind}", notes, TEXT_MAX,
                  required=kind in ("practice", "kudos"))
    reason = _text("the reason", reason, 500)
    with engine.begin() as conn:
        row = _open_meeting(conn, scope, meeting_id, "its agenda changes")
        existing = conn.execute(sa.select(meeting_items).where(meeting_items.c.meeting_id == row.id)).all()
        if len(existing) >= ITEMS_MAX:
            raise MeetingError(f"the agenda already has {ITEMS_MAX} items: remove one first")
        values = {}
        if kind == "indicator":
            if not indicator_id or entity is None:
                raise MeetingError("an indicator item needs the indicator and the entity (a cell of the scorecard)")
            if any(e.kind == "indicator" and e.indicator_id == indicator_id and e.entity_level == entity.level
                   and e.entity_id == entity.entity_id for e in existing):
                raise MeetingError(f"{entity_name or entity}'s {indicator_id} is already on the agenda")
            values = {"indicator_id": indicator_id, "entity_level": entity.level, "entity_id": entity.entity_id,
                      "entity_name": (entity_name or entity.entity_id)[:300]}
        elif kind == "published":
            if not indicator_id or entity is None or published is None:
                raise MeetingError("a published item needs the source, the indicator and the entity")
            published_source, source_version, period = published
            if any(e.kind == "published" and e.published_source == published_source
                   and e.indicator_id == indicator_id and e.entity_level == entity.level
                   and e.entity_id == entity.entity_id for e in existing):
                raise MeetingError(f"{entity_name or entity.words}'s {indicator_name or indicator_id} as published "
                                   "is already on the agenda")
            values = {"indicator_id": indicator_id, "entity_level": entity.level, "entity_id": entity.entity_id,
                      "entity_name": (entity_name or entity.entity_id)[:300], "published_source": published_source,
                      "source_version": source_version, "period": period}
        elif kind == "reviews":
            if row.entity_level == PROVIDER:
                raise MeetingError("a provider's performance review discusses its contract's metrics: case-review "
                                   "selections are the organisation's offices' (the provider's page lists its members)")
            if not scope.case_level:
                raise OutsideScope("case reviews are case-level records, which your access does not include")
            sel = conn.execute(sa.select(review_selections).where(
                review_selections.c.id == _id(selection_id))).first()
            if sel is None or not _owns(scope, sel) or not _under_meeting(row, sel):
                raise MeetingError(f"there is no selection {str(selection_id)[:40]} of {row.entity_name} or under "
                                   "it that you may see: pick one from the list")
            if any(e.kind == "reviews" and e.selection_id == sel.id for e in existing):
                raise MeetingError(f"selection {sel.id} is already on the agenda")
            values = {"selection_id": sel.id}
        position = max([e.position for e in existing], default=0) + 1
        item_id = conn.execute(meeting_items.insert().values(
            meeting_id=row.id, position=position, kind=kind, source=source, reason=reason, notes=notes,
            created_at=utcnow(), created_by=reader.username, **values)).inserted_primary_key[0]
        conn.execute(meetings.update().where(meetings.c.id == row.id).values(updated_at=utcnow()))
        item = conn.execute(sa.select(meeting_items).where(meeting_items.c.id == item_id)).first()
        log_change(conn, row.id, reader.username, f"added {_item_words(item, conn)} to the agenda",
                   case_level=kind == "reviews")
    return _item(item)


def _item_words(item, conn=None) -> str:
    """An agenda item in a few words, for the meeting's log (a published item by its indicator's name, read from
    the source's version with `conn`)."""
    if item.kind == "indicator":
        return f"{item.indicator_id} for {item.entity_name or item.entity_id}"
    if item.kind == "published":
        name = _published_name(conn, item) if conn is not None else None
        return f"{name or item.indicator_id} for {item.entity_name or item.entity_id}, as published"
    if item.kind == "reviews":
        return f"the case reviews of selection {item.selection_id}"
    return f"{'kudos' if item.kind == 'kudos' else 'a best practice'} ('{_short(item.notes, 40)}')"


def _published_name(conn, item) -> str | None:
    """A published item's indicator's name, as its source's version declared it."""
    declared = conn.execute(sa.select(aggregate_versions.c.indicators)
                            .where(aggregate_versions.c.id == item.source_version)).scalar()
    try:
        return json.loads(declared)[item.indicator_id]["name"] if declared else None
    except (ValueError, KeyError, TypeError):
        return None


def _under_meeting(meeting_row, row) -> bool:
    """`row` (with entity_level, entity_id and ancestry) is the meeting's entity or under it."""
    level, entity_id = meeting_row.entity_level, meeting_row.entity_id
    if level == "department":
        return True
    return getattr(row, f"{level}_id") == entity_id


def _item_row(conn, scope: Scope, meeting_id: int, item_id: int):
    row = _open_meeting(conn, scope, meeting_id, "its agenda changes")
    item = conn.execute(sa.select(meeting_items).where(meeting_items.c.id == _id(item_id),
                                                       meeting_items.c.meeting_id == row.id)).first()
    if item is None or (item.kind == "reviews" and not scope.case_level):
        raise MeetingError(f"meeting {meeting_id} has no agenda item {str(item_id)[:40]}")
    return row, item


def set_notes(engine: Engine, reader: Reader, meeting_id: int, item_id: int, notes: str) -> None:
    """The story behind the data of an item (or a practice's, a kudos' text)."""
    scope = change_scope(reader)
    with engine.begin() as conn:
        _, item = _item_row(conn, scope, meeting_id, item_id)
        if item.kind == "kudos":
            check_chair(reader, "changing kudos")
        notes = _text("the notes", notes, TEXT_MAX, required=item.kind in ("practice", "kudos"))
        conn.execute(meeting_items.update().where(meeting_items.c.id == item.id).values(notes=notes))
        log_change(conn, item.meeting_id, reader.username, f"wrote the notes of {_item_words(item, conn)}",
                   case_level=item.kind == "reviews")


def move_item(engine: Engine, reader: Reader, meeting_id: int, item_id: int, step: int) -> None:
    """Move an item up (`step` -1) or down (+1) the agenda."""
    scope = change_scope(reader)
    if step not in (-1, 1):
        raise MeetingError("an item moves one place up (-1) or down (+1)")
    with engine.begin() as conn:
        row, item = _item_row(conn, scope, meeting_id, item_id)
        rows = conn.execute(sa.select(meeting_items.c.id, meeting_items.c.kind)
                            .where(meeting_items.c.meeting_id == row.id)
                            .order_by(meeting_items.c.position, meeting_items.c.id)).all()
        ordered = [r.id for r in rows]
        # past the next item the reader sees: one they may not see (a case-review item) is not a place
        seen = [r.id for r in rows if r.kind != "reviews" or scope.case_level]
        k = seen.index(item.id) + step
        if 0 <= k < len(seen):
            i, j = ordered.index(item.id), ordered.index(seen[k])
            ordered[i], ordered[j] = ordered[j], ordered[i]
            for position, each in enumerate(ordered, start=1):
                conn.execute(meeting_items.update().where(meeting_items.c.id == each).values(position=position))
            log_change(conn, row.id, reader.username, f"moved {_item_words(item, conn)} {'up' if step < 0 else 'down'}",
                       case_level=item.kind == "reviews")


def remove_item(engine: Engine, reader: Reader, meeting_id: int, item_id: int) -> None:
    scope = change_scope(reader)
    with engine.begin() as conn:
        _, item = _item_row(conn, scope, meeting_id, item_id)
        if item.kind == "kudos":
            check_chair(reader, "removing kudos")
        conn.execute(meeting_items.delete().where(meeting_items.c.id == item.id))
        log_change(conn, item.meeting_id, reader.username, f"removed {_item_words(item, conn)} from the agenda",
                   case_level=item.kind == "reviews")


# -- actions --------------------------------------------------------------------------------------------

def _actions(conn, query) -> list[Action]:
    rows = conn.execute(query.order_by(actions.c.due, actions.c.id)).all()
    updates: dict[int, list[ActionUpdate]] = {}
    if rows:
        for u in conn.execute(sa.select(action_updates).where(action_updates.c.action_id.in_([r.id for r in rows]))
                              .order_by(action_updates.c.at, action_updates.c.id)).all():
            updates.setdefault(u.action_id, []).append(ActionUpdate(u.at, u.by, u.status, u.note or ""))
    return [Action(r.id, r.meeting_id, EntityRef(r.meeting_level, r.meeting_entity_id), r.what, r.owner, r.due,
                   r.indicator_id, EntityRef(r.entity_level, r.entity_id), r.entity_name, r.status, r.agreed_on,
                   r.created_by, tuple(updates.get(r.id, ()))) for r in rows]


def _action_fields(what, owner, due) -> tuple[str, str, dt.date]:
    return (_text("what is to be done", what, WHAT_MAX, required=True),
            _text("the owner", owner, OWNER_MAX, required=True, one_line=True), _day("the due date", due))


def _by_token(conn, meeting_id: int, token: str | None) -> Action | None:
    if token is None:
        return None
    found = _actions(conn, sa.select(actions).where(actions.c.meeting_id == meeting_id,
                                                    actions.c.request_token == token))
    return found[0] if found else None


def add_action(engine: Engine, reader: Reader, meeting_id: int, what: str, owner: str, due, indicator_id: str,
               entity: EntityRef, entity_name: str) -> Action:
    """Agree an action at an open meeting (`add_action_once` without a submit token)."""
    return add_action_once(engine, reader, meeting_id, what, owner, due, indicator_id, entity, entity_name)[0]


def add_action_once(engine: Engine, reader: Reader, meeting_id: int, what: str, owner: str, due, indicator_id: str,
                    entity: EntityRef, entity_name: str, token: str | None = None) -> tuple[Action, bool]:
    """Agree an action at an open meeting: what, who owns it, by when, and the indicator and entity (checked by
    the caller against the meeting's data version: store.meeting_numbers.check_cell) it is meant to move.

    `token` is the submit's (the page's form sends one per action it agrees): a second submit with the same token
    (a double click, a retried request, both at once) agrees nothing new. The action, and whether it is new."""
    scope = change_scope(reader)
    what, owner, due = _action_fields(what, owner, due)
    if token is not None and not (isinstance(token, str) and TOKEN.match(token)):
        raise MeetingError("the form was not drawn by this page: reload the page and agree the action again")
    now = utcnow()
    try:
        with engine.begin() as conn:
            row = _open_meeting(conn, scope, meeting_id, "actions are agreed")
            earlier = _by_token(conn, row.id, token)
            if earlier is not None:
                return earlier, False
            if due < row.held_on:
                raise MeetingError(f"the due date {due:%d %B %Y} is before the meeting ({row.held_on:%d %B %Y}): "
                                   "give a later day")
            agreed = conn.execute(sa.select(sa.func.count()).select_from(actions)
                                  .where(actions.c.meeting_id == row.id)).scalar()
            if agreed >= ACTIONS_MAX:
                raise MeetingError(f"{ACTIONS_MAX} actions are already agreed at this meeting")
            action_id = conn.execute(actions.insert().values(
                meeting_id=row.id, meeting_level=row.entity_level, meeting_entity_id=row.entity_id, what=what,
                owner=owner, due=due, indicator_id=indicator_id, entity_level=entity.level,
                entity_id=entity.entity_id, entity_name=entity_name[:300], status=OPEN, agreed_on=row.held_on,
                created_at=now, created_by=reader.username, updated_at=now, request_token=token))\
                .inserted_primary_key[0]
            conn.execute(action_updates.insert().values(action_id=action_id, at=now, by=reader.username,
                                                        status=OPEN, note="agreed"))
            log_change(conn, row.id, reader.username, f"agreed action {action_id} ('{_short(what, 40)}', {owner})")
            return _actions(conn, sa.select(actions).where(actions.c.id == action_id))[0], True
    except sa.exc.IntegrityError:
        # the same token's other submit committed first, between our look and our insert: that one stands
        with engine.connect() as conn:
            earlier = _by_token(conn, _id(meeting_id), token)
        if earlier is None:
            raise
        return earlier, False


def _action_row(conn, scope: Scope, action_id: int, what: str):
    """An action of an open meeting the reader may see, with its meeting's row."""
    row = conn.execute(sa.select(actions).where(actions.c.id == _id(action_id))).first()
    meeting = conn.execute(sa.select(meetings).where(meetings.c.id == row.meeting_id)).first() if row else None
    if row is None or not _owns(scope, meeting):
        raise OutsideScope(f"there is no action {str(action_id)[:40]} that you may see ({scope.describe()})")
    if meeting.status != OPEN:
        raise MeetingError(f"action {row.id} was agreed at a meeting that is closed: {what} only while it is open "
                           "(its owner or an executive may reopen it); log an update instead")
    return row, meeting


def edit_action(engine: Engine, reader: Reader, action_id: int, what: str, owner: str, due, indicator_id: str,
                entity: EntityRef, entity_name: str) -> Action:
    """Correct an action agreed at a meeting that is still open (whoever agreed it, or the chair); the cell has
    been checked by the caller against the meeting's data version. The change is logged."""
    scope = change_scope(reader)
    what, owner, due = _action_fields(what, owner, due)
    with engine.begin() as conn:
        row, meeting = _action_row(conn, scope, action_id, "it is corrected")
        _may_change_action(reader, row, "correcting")
        if due < meeting.held_on:
            raise MeetingError(f"the due date {due:%d %B %Y} is before the meeting ({meeting.held_on:%d %B %Y}): "
                               "give a later day")
        values = {"what": what, "owner": owner, "due": due, "indicator_id": indicator_id,
                  "entity_level": entity.level, "entity_id": entity.entity_id, "entity_name": entity_name[:300]}
        words = {"what": "what is to be done", "owner": "the owner", "due": "the due date",
                 "indicator_id": "the indicator", "entity_id": "the place"}
        changed = [words[k] for k in words if getattr(row, k) != values[k]]
        if not changed:
            raise MeetingError(f"action {row.id} already reads so: change something first")
        conn.execute(actions.update().where(actions.c.id == row.id).values(updated_at=utcnow(), **values))
        log_change(conn, meeting.id, reader.username, f"corrected action {row.id}: " + ", ".join(changed))
        return _actions(conn, sa.select(actions).where(actions.c.id == row.id))[0]


def remove_action(engine: Engine, reader: Reader, action_id: int, reason: str) -> None:
    """Remove an action agreed at a meeting that is still open (a duplicate, a mistake): whoever agreed it, or the
    chair, with a reason. It is gone from the meeting, the follow-up, the data book and the trends; what it said
    and why it went are kept in the meeting's log and the audit log."""
    scope = change_scope(reader)
    reason = _text("the reason", reason, REASON_MAX, required=True, one_line=True)
    with engine.begin() as conn:
        row, meeting = _action_row(conn, scope, action_id, "it is removed")
        _may_change_action(reader, row, "removing")
        conn.execute(action_updates.delete().where(action_updates.c.action_id == row.id))
        conn.execute(actions.delete().where(actions.c.id == row.id))
        db.record_in(conn, reader.username, ACTION_REMOVED, {
            "meeting": meeting.id, "action": row.id, "what": _short(row.what, 200), "owner": row.owner,
            "agreed_by": row.created_by, "reason": reason})
        log_change(conn, meeting.id, reader.username,
                   f"removed action {row.id} ('{_short(row.what, 40)}', {_short(row.owner, 30)}): {_short(reason, 150)}")


def update_action(engine: Engine, reader: Reader, action_id: int, status: str | None, note: str = "") -> Action:
    """Log an update of an action: its status after it (open, done, dropped; None: as it is) and a note. Any reader
    who may see the meeting it was agreed at may update it, whether or not that meeting is closed (actions outlive
    it); a provider's staff only note on an action their provider owns (`provider_owns`)."""
    scope = meeting_scope(reader)
    if status is not None and status not in ACTION_STATUSES:
        raise MeetingError(f"an action's status is one of {', '.join(ACTION_STATUSES)}")
    note = _text("the note", note, TEXT_MAX)
    with engine.begin() as conn:
        row = conn.execute(sa.select(actions, meetings.c.bureau_id, meetings.c.office_id, meetings.c.unit_id,
                                     meetings.c.entity_name.label("meeting_entity_name"))
                           .join(meetings, meetings.c.id == actions.c.meeting_id)
                           .where(actions.c.id == _id(action_id))).first()
        if row is None or not scope.owns(EntityRef(row.meeting_level, row.meeting_entity_id),
                                         {"bureau_id": row.bureau_id, "office_id": row.office_id,
                                          "unit_id": row.unit_id}):
            raise OutsideScope(f"there is no action {str(action_id)[:40]} that you may see ({scope.describe()})")
        status = row.status if status is None else status
        if not may_change(reader):
            if not provider_owns(row.owner, row.meeting_entity_name):
                raise OutsideScope(f"action {row.id} is owned by {_short(row.owner, 60)}, not by "
                                   f"{_short(row.meeting_entity_name, 60)}: a provider's staff log notes on the "
                                   "actions their provider owns")
            if status != row.status:
                raise OutsideScope(f"marking action {row.id} {status} is for the review's chair: log a note on "
                                   "what was done, and the chair settles it")
        if status != row.status and row.created_by != reader.username:
            check_chair(reader, f"marking an action someone else agreed {status}")
        if status == row.status and not note:
            raise MeetingError(f"action {action_id} is already {status}: write a note to log an update")
        logged = conn.execute(sa.select(sa.func.count()).select_from(action_updates)
                              .where(action_updates.c.action_id == row.id)).scalar()
        if logged >= ACTION_UPDATES_MAX:
            raise MeetingError(f"action {action_id} already has {ACTION_UPDATES_MAX} updates logged: mark it done or "
                               "dropped and agree a new action to go on")
        now = utcnow()
        conn.execute(actions.update().where(actions.c.id == row.id).values(status=status, updated_at=now))
        conn.execute(action_updates.insert().values(action_id=row.id, at=now, by=reader.username, status=status,
                                                    note=note))
        log_change(conn, row.meeting_id, reader.username,
                   f"marked action {row.id} {status}" if status != row.status else f"noted on action {row.id}")
        return _actions(conn, sa.select(actions).where(actions.c.id == row.id))[0]


def meeting_actions(engine: Engine, reader: Reader, meeting: Meeting) -> tuple[list[Action], list[Action]]:
    """The actions a meeting shows: those carried over, and those agreed at it.

    Carried over: every action agreed at an earlier meeting of the same entity that is still open, and those
    done or dropped since the previous meeting of that entity (so the room hears they were): since it was
    closed, or since its day began while it is open. Never another entity's: a bureau's actions do not carry
    into its offices' meetings, nor theirs into the bureau's.
    """
    meeting_scope(reader)
    before = previous_meeting(engine, meeting)
    # The previous meeting's close, not its day: an action done on that day, before or at it, was heard there
    # and is not news at the next one.
    since = (before.closed_at or dt.datetime.combine(before.held_on, dt.time())) if before is not None else None
    earlier = sa.select(meetings.c.id).where(
        meetings.c.entity_level == meeting.entity.level, meetings.c.entity_id == meeting.entity.entity_id,
        sa.or_(meetings.c.held_on < meeting.held_on,
               sa.and_(meetings.c.held_on == meeting.held_on, meetings.c.id < meeting.id)))
    with engine.connect() as conn:
        new = _actions(conn, sa.select(actions).where(actions.c.meeting_id == meeting.id))
        carried = _actions(conn, sa.select(actions).where(actions.c.meeting_id.in_(earlier)))
    carried = [a for a in carried if a.status == OPEN
               or (since is not None and _settled_at(a) is not None and _settled_at(a) >= since)]
    return carried, new


def _settled_at(action: Action) -> dt.datetime | None:
    """When a done or dropped action took that status: a note logged later does not make it news again."""
    at = None
    for update in reversed(action.updates):
        if update.status != action.status:
            break
        at = update.at
    return at


def actions_due(engine: Engine, reader: Reader, by: dt.date, limit: int = 50) -> list[Action]:
    """The open actions of the meetings the reader may see that are due by `by` (overdue ones included), soonest
    first: the home page's "actions due". Empty for a reader who reads no meetings."""
    try:
        scope = meeting_scope(reader)
    except OutsideScope:
        return []
    query = (sa.select(actions).join(meetings, meetings.c.id == actions.c.meeting_id)
             .where(actions.c.status == OPEN, actions.c.due <= by))
    with engine.connect() as conn:
        return _actions(conn, _meetings_in(query, scope).limit(limit))


def actions_for_cell(engine: Engine, reader: Reader, indicator_id: str, entity: EntityRef) -> list[Action]:
    """The actions meant to move `indicator_id` for `entity` that the reader may see: the trend's annotations.
    Empty for a reader who reads no meetings."""
    try:
        scope = meeting_scope(reader)
    except OutsideScope:
        return []
    query = (sa.select(actions).join(meetings, meetings.c.id == actions.c.meeting_id)
             .where(actions.c.indicator_id == indicator_id, actions.c.entity_level == entity.level,
                    actions.c.entity_id == entity.entity_id))
    with engine.connect() as conn:
        return _actions(conn, _meetings_in(query, scope))

