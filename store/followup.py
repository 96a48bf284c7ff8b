"""The follow-up of a Stat meeting: what was learned and who committed to what by when, as plain text.

Plain text, not HTML, because it is pasted into mail clients, tickets and minutes as often as it is mailed
(web/mail.py), and every one of them reads plain text alike. It is drawn from the meeting's `Book`, so it says
what the meeting page and the data book say. People edit it before it goes out (the page saves the edit in
`Meeting.followup`); `followup_for` is the text to send or download: the edit when there is one.

It goes to every attendee, whatever their access (an analyst among them, who reads no case-level records), so it
holds aggregates only: the case reviews discussed are left out altogether, not even counted.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from display.format import STATUS_STYLE, format_value
from store.meeting_book import Book
from store.meetings import OPEN, Action, AgendaItem
from store.published_items import headline

NONE_RECORDED = "none recorded"
RULE = "-"
SOURCE_SAID = {"record": "the numbers it closed with", "gone": "a data version no longer kept"}


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _heading(title: str) -> list[str]:
    return ["", title, RULE * len(title)]


def _written(text: str) -> list[str]:
    """Text someone wrote (highlights, lessons, next steps) as they wrote it, or that none was."""
    text = (text or "").strip()
    return text.splitlines() if text else [NONE_RECORDED]


def indicator_names(book: Book) -> dict[str, str]:
    if book.numbers is None:  # an open meeting whose data version is gone: its ids are all there is
        return {}
    names = dict(zip(book.numbers.scorecard.indicators.indicator_id, book.numbers.scorecard.indicators.name))
    names.update({n.indicator["indicator_id"]: n.indicator["name"] for n in book.numbers.items.values()})
    if book.numbers.review is not None:  # a provider review's reported metrics are no cells of the warehouse
        names.update({line.indicator_id: line.name for line in book.numbers.review.lines})
    return names


def contract_line_text(line) -> str:
    """One metric of a provider review's contract, as the follow-up and the terminal say it."""
    floor = f", floor {line.floor_text}" if line.floor_text else ""
    counts = f" ({line.counts})" if line.counts else ""
    said = f"{line.value_text}{counts}, {line.period} — {line.words}" if line.rated else \
        f"{line.words} for {line.period}" if line.status == "not reported" else f"{line.words}, {line.period}"
    return f"{line.name}: {said} (target {line.target_text}{floor})"


def _contract(book: Book) -> list[str]:
    review = book.numbers.review if book.numbers is not None else None
    if review is None:
        return []
    if not review.contract_id:
        return _heading("The contract") + [f"No contract of {review.provider_name} is in force in "
                                           f"{book.meeting.month:%B %Y}."]
    title = f"Contract {review.contract_id} ({review.program}, {review.cadence} reviews)"
    return _heading(title) + [f"- {contract_line_text(line)}" for line in review.lines]


def _action(n: int, action: Action, names: dict[str, str], on: dt.date, carried: bool) -> list[str]:
    state = ""
    if action.overdue(on):
        state = f" — OVERDUE (still open on {_day(on)})"
    elif action.status != OPEN:
        state = f" — {action.status}"
    what = action.what.splitlines() or [""]
    lines = [f"{n}. {what[0]}"] + [f"   {line}" for line in what[1:]]
    lines.append(f"   Owner: {action.owner} · due {_day(action.due)}{state}")
    lines.append(f"   For: {names.get(action.indicator_id, action.indicator_id)}, {action.entity_name}"
                 + (f" · agreed on {_day(action.agreed_on)}" if carried else ""))
    return lines


def _commitments(book: Book, names: dict[str, str]) -> list[str]:
    still_open = [a for a in book.carried if a.status == OPEN]
    closed = [a for a in book.carried if a.status != OPEN]
    lines, n = [], 0
    lines.append("Agreed at this meeting:" if book.new else f"Agreed at this meeting: {NONE_RECORDED}")
    for action in book.new:
        n += 1
        lines += _action(n, action, names, book.as_on, carried=False)
    if still_open:
        overdue = sum(1 for a in still_open if a.overdue(book.as_on))
        lines.append(f"Still open from earlier meetings ({len(still_open)}"
                     + (f", {overdue} overdue" if overdue else "") + "):")
        for action in still_open:
            n += 1
            lines += _action(n, action, names, book.as_on, carried=True)
    else:
        lines.append("Still open from earlier meetings: none")
    if closed:  # the room heard these were finished; the follow-up says so once, then they stop carrying over
        lines.append("Done or dropped since the last meeting:")
        lines += [f"- {a.what.splitlines()[0]} ({a.owner}): {a.status}" for a in closed]
    return lines


def _item(item: AgendaItem, book: Book, names: dict[str, str]) -> str:
    if item.kind == "indicator":
        line = f"{names.get(item.indicator_id, item.indicator_id)} — {item.entity_name or item.entity}"
        numbers = book.numbers.items.get(item.id) if book.numbers is not None else None
        review = book.numbers.review.line(item.indicator_id) if book.numbers is not None and \
            book.numbers.review is not None else None
        if review is not None:
            return line + f": {review.value_text} ({review.words}; target {review.target_text})"
        if numbers is not None:
            status = numbers.cell.get("status") or "none"
            label = STATUS_STYLE.get(status, {}).get("label", status)
            value = format_value(numbers.indicator["kind"], numbers.cell.get("value"), with_unit=True)
            line += f": {value} ({status}, {label})" if status in ("green", "yellow", "red") else f": {value} ({label})"
        return line
    if item.kind == "published":
        series = book.published.get(item.id)
        return headline(series) if series is not None else \
            f"{item.indicator_id} — {item.entity_name or item.entity} (as published)"
    if item.kind in ("practice", "kudos"):
        what = "Best practice" if item.kind == "practice" else "Kudos"
        text = " ".join(item.notes.split())
        return f"{what}: {text}" if text else what
    section = book.reviews.get(item.id)
    if section is None:
        return f"Case reviews: selection {item.selection_id}"
    counts = Counter(status for _, status in section.cases)
    said = ", ".join(f"{k} {s}" for s, k in sorted(counts.items(), key=lambda c: (-c[1], c[0])))
    return (f"Case reviews: selection {section.selection_id}, {len(section.cases)} case"
            f"{'' if len(section.cases) == 1 else 's'}" + (f" ({said})" if said else ""))


def followup_text(book: Book) -> str:
    """The follow-up drawn from the meeting as it stands: the header, highlights, lessons, commitments (new ones,
    then those still open from earlier, overdue as of the meeting's date), next steps and what was discussed.
    An empty section says so, so a reader knows nothing was recorded rather than that something was lost."""
    meeting = book.meeting
    names = indicator_names(book)
    version, as_of = ((book.numbers.version_id, book.numbers.as_of) if book.numbers is not None
                      else (meeting.version_id, meeting.as_of))
    data = f"Data: version {version}, as of {_day(as_of)}"
    if book.source in SOURCE_SAID:
        data += f" ({SOURCE_SAID[book.source]})"
    lines = [f"Follow-up: {meeting.title}",
             f"{meeting.entity_name} ({'provider performance review' if meeting.is_review else meeting.entity.level})"
             f" · data month {meeting.month:%B %Y}",
             f"Meeting held on {_day(meeting.held_on)}",
             data,
             "Attendees: " + ("; ".join(str(a) for a in meeting.attendees) or NONE_RECORDED)]
    lines += _contract(book)
    lines += _heading("Highlights") + _written(meeting.highlights)
    lines += _heading("Lessons learned") + _written(meeting.lessons)
    lines += _heading("Commitments") + _commitments(book, names)
    lines += _heading("Next steps") + _written(meeting.next_steps)
    lines += _heading("Discussed")
    lines += [f"- {_item(item, book, names)}" for item in book.items if item.kind != "reviews"] or [NONE_RECORDED]
    return "\n".join(lines) + "\n"


def followup_for(book: Book) -> str:
    """The follow-up to send or download: the one people edited and saved, else the one drawn from the meeting."""
    return book.meeting.followup if book.meeting.followup else followup_text(book)
