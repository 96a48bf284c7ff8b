"""A meeting as one object: the record, its agenda, its numbers, its published figures, its actions and its case
reviews. The meeting page and the data book (databook/) are both drawn from a `Book`, so they cannot disagree.

Case-review sections hold only masked ids (`display.mask.mask_id`): a data book is handed round.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from display.mask import mask_id
from store import meetings
from access.roles import Reader
from store.case_reviews import selection_reviews
from store.meeting_numbers import MeetingNumbers, Numbers, numbers_for
from store.review_numbers import review_terms
from store.meetings import Action, AgendaItem, Meeting
from store.published_items import published_for
from store.reviews import describe_selection, load_selection
from queries.warehouse import Warehouse
from reviews.instrument import Findings, Instrument, rollup


@dataclass(frozen=True)
class ReviewSection:
    """A case-review selection chosen for discussion: its cases (ids masked), their reviews and the findings."""
    selection_id: int
    title: str
    cases: tuple[tuple[str, str], ...]  # (masked child or member id, review status or "not assigned")
    findings: Findings                  # of its completed reviews


@dataclass(frozen=True)
class Book:
    meeting: Meeting
    items: tuple[AgendaItem, ...]
    numbers: MeetingNumbers | None      # None: an open meeting whose data version is gone (see `source`)
    source: str                         # pinned, record or gone (store.meeting_numbers.Numbers)
    newer: tuple[int, dt.date] | None   # the current data version, when newer than the meeting's
    carried: tuple[Action, ...]
    new: tuple[Action, ...]
    reviews: dict                       # agenda item id -> ReviewSection
    as_on: dt.date                      # the day overdue is judged on: the meeting's date
    published: dict = field(default_factory=dict)  # agenda item id -> store.published_items.PublishedSeries

    def overdue(self) -> list[Action]:
        return [a for a in self.carried if a.overdue(self.as_on)]


def assemble(warehouse: Warehouse, engine: Engine, reader: Reader, meeting_id: int, instrument: Instrument) -> Book:
    """Everything meeting `meeting_id` shows to `reader` (`OutsideScope` for a meeting they may not see)."""
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    items = meetings.agenda(engine, reader, meeting.id)
    record = meetings.record_of(engine, reader, meeting.id) if not meeting.is_open else None
    terms = review_terms(engine, meeting) if meeting.is_review and record is None else None
    numbers: Numbers = numbers_for(warehouse, meeting, items, record, terms)
    carried, new = meetings.meeting_actions(engine, reader, meeting)
    sections = {}
    names = {} if numbers.numbers is None else dict(zip(numbers.numbers.scorecard.indicators.indicator_id,
                                                       numbers.numbers.scorecard.indicators.name))
    for item in items:
        if item.kind == "reviews":
            sections[item.id] = review_section(engine, reader, item.selection_id, instrument, names,
                                               warehouse.snapshot_of(meeting.version_id) or warehouse.snapshot())
    return Book(meeting, tuple(items), numbers.numbers, numbers.source, numbers.newer, tuple(carried), tuple(new),
                sections, meeting.held_on, published_for(engine, reader, items, record))


def review_section(engine: Engine, reader: Reader, selection_id: int, instrument: Instrument,
                   names: dict | None = None, snapshot=None) -> ReviewSection:
    """A selection's section; `names`: the indicators' names by id, `snapshot`: the data its places are named
    from (the title says names where it has them: `store.reviews.describe_selection`)."""
    names = names or {}
    selection = load_selection(engine, reader.data_scope(), selection_id)
    reviews = {r.case_id: r for r in selection_reviews(engine, reader, selection_id)}
    cases = tuple((mask_id(c.child_id or c.member_id), reviews[c.id].status if c.id in reviews else "not assigned")
                  for c in selection.picks if not c.eliminated)
    cells = ", ".join(f"{names.get(c.indicator_id, c.indicator_id)} {c.month:%b %Y}" for c in selection.cells)
    done = [r.answers for r in reviews.values() if r.status == "completed" and r.answers]
    title = describe_selection(snapshot, selection) if snapshot is not None else \
        f"Selection {selection.id}: {cells} ({selection.entity.words})"
    return ReviewSection(selection.id, title, cases, rollup(instrument, done))
