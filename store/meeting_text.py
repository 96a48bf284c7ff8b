"""A meeting as plain text and as tables, for the command line (`statboard meetings show`): what the meeting page
shows, drawn from the same `Book`, so an analyst preparing the agenda a day ahead reads what the room will see.

Case-review sections are the Book's: ids already masked, and present only for a reader with case-level access.
"""
from __future__ import annotations

import pandas as pd

from display.format import STATUS_STYLE, format_value
from store.followup import contract_line_text, indicator_names
from store.meeting_book import Book
from store.meetings import Action
from store.published_items import headline, value_text

AGENDA_COLUMNS = ["position", "kind", "indicator_id", "indicator", "entity", "entity_name", "value", "status",
                  "source", "reason", "notes", "selection", "published_by", "period"]
ACTION_COLUMNS = ["action", "agreed_at", "carried_over", "what", "owner", "due", "overdue", "indicator_id", "indicator",
                  "entity", "entity_name", "status", "agreed_on", "agreed_by"]
REVIEW_COLUMNS = ["selection", "title", "case", "review_status"]


def _cell(book: Book, item) -> tuple[str, str]:
    numbers = book.numbers.items.get(item.id) if book.numbers is not None else None
    if numbers is None:
        return "", ""
    status = numbers.cell.get("status") or "none"
    return format_value(numbers.indicator["kind"], numbers.cell.get("value"), with_unit=True), status


def meeting_frames(book: Book) -> dict[str, pd.DataFrame]:
    """The agenda, the actions (carried over, then agreed at it) and the case reviews, one table each."""
    names = indicator_names(book)
    agenda = []
    for n, item in enumerate(book.items, start=1):
        value, status = _cell(book, item) if item.kind == "indicator" else ("", "")
        name, published_by, period = names.get(item.indicator_id, item.indicator_id or ""), "", ""
        series = book.published.get(item.id) if item.kind == "published" else None
        if series is not None:
            point = series.shown
            name, published_by = series.indicator.name, f"{series.publisher} ({series.source}, version " \
                                                         f"{series.version_id})"
            if point is not None:
                value, status, period = value_text(series.indicator, point.value, True), point.status, point.label
        agenda.append((n, item.kind, item.indicator_id or "", name, str(item.entity) if item.entity else "",
                       item.entity_name or "", value, status, item.source, item.reason, item.notes,
                       item.selection_id or "", published_by, period))
    acts = [(a.id, a.meeting_id, carried, a.what, a.owner, f"{a.due:%Y-%m-%d}", a.overdue(book.as_on),
             a.indicator_id, names.get(a.indicator_id, a.indicator_id), str(a.entity), a.entity_name, a.status,
             f"{a.agreed_on:%Y-%m-%d}", a.created_by)
            for carried, group in ((True, book.carried), (False, book.new)) for a in group]
    reviews = [(s.selection_id, s.title, case, state) for s in book.reviews.values() for case, state in s.cases]
    return {"agenda": pd.DataFrame(agenda, columns=AGENDA_COLUMNS),
            "actions": pd.DataFrame(acts, columns=ACTION_COLUMNS),
            "reviews": pd.DataFrame(reviews, columns=REVIEW_COLUMNS)}


def _action_line(action: Action, names: dict[str, str], on) -> list[str]:
    late = " — OVERDUE" if action.overdue(on) else ""
    return [f"  {action.id}. {' '.join(action.what.split())}",
            f"     {action.owner}, due {action.due:%d %b %Y}{late} · {action.status} · to move "
            f"{names.get(action.indicator_id, action.indicator_id)}, {action.entity_name}"]


def meeting_text(book: Book) -> str:
    """The meeting to read on a terminal: what, when, on which data, its status; the agenda with each cell's value
    and status; the actions; the case reviews."""
    m, names = book.meeting, indicator_names(book)
    state = "open" if m.is_open else f"closed on {m.closed_at:%d %b %Y} by {m.closed_by}"
    lines = [f"Meeting {m.id}: {m.title} ({state})",
             f"{m.entity_name}, {m.month:%B %Y} data, held on {m.held_on:%A %d %B %Y}; data version {m.version_id}, "
             f"as of {m.as_of:%d %B %Y}",
             "Attendees: " + (", ".join(a.name for a in m.attendees) or "none listed")]
    if book.source == "gone":
        lines.append(f"Its data version {m.version_id} is gone: move it to the newest data to see numbers again.")
    if book.newer is not None:
        lines.append(f"Newer data exists: version {book.newer[0]}, as of {book.newer[1]:%d %B %Y}.")
    review = book.numbers.review if book.numbers is not None else None
    if review is not None:
        lines += ["", f"Contract {review.contract_id} ({review.program}, {review.cadence} reviews)" if
                  review.contract_id else f"No contract of {review.provider_name} in force in {m.month:%B %Y}"]
        lines += [f"  {contract_line_text(line)}" for line in review.lines]
    lines += ["", "Agenda"]
    if not book.items:
        lines.append("  nothing yet")
    for n, item in enumerate(book.items, start=1):
        if item.kind == "indicator":
            value, status = _cell(book, item)
            label = STATUS_STYLE.get(status, {}).get("label", status) if status else ""
            line = review.line(item.indicator_id) if review is not None else None
            if line is not None:
                value, label = line.value_text, f"{line.words}; target {line.target_text}"
            said = f": {value} ({label})" if value else ""
            lines.append(f"  {n}. {names.get(item.indicator_id, item.indicator_id)} — {item.entity_name}{said}")
            if item.reason:
                lines.append(f"     why: {item.reason}")
        elif item.kind == "published":
            series = book.published.get(item.id)
            lines.append(f"  {n}. " + (headline(series) if series is not None else
                                       f"{item.indicator_id} — {item.entity_name}: its published figures cannot "
                                       "be read"))
            if series is not None and series.newer is not None:
                lines.append(f"     {series.source} has a newer version ({series.newer[0]}, as of "
                             f"{series.newer[1]:%d %B %Y}); this item keeps version {series.version_id}")
        elif item.kind == "reviews":
            section = book.reviews.get(item.id)
            lines.append(f"  {n}. Case reviews: {section.title if section else f'selection {item.selection_id}'}")
        else:
            lines.append(f"  {n}. {'Best practice' if item.kind == 'practice' else 'Kudos'}")
        for note in item.notes.splitlines() if item.notes else []:
            lines.append(f"     {note}")
    for title, group in (("Actions carried over", book.carried), ("Actions agreed at this meeting", book.new)):
        lines += ["", title]
        lines += [line for a in group for line in _action_line(a, names, book.as_on)] or ["  none"]
    if book.reviews:
        lines += ["", "Case reviews (ids masked)"]
        for section in book.reviews.values():
            lines.append(f"  {section.title}")
            lines += [f"     {case}: {state}" for case, state in section.cases] or ["     no case picked"]
    return "\n".join(lines) + "\n"
