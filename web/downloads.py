"""CSV downloads for signed-in users, with the CLI exports' parameters and columns.

- `GET /export/scorecard.csv?month=YYYY-MM&level=LEVEL[&parent=LEVEL:ID][&indicator=ID ...]`
- `GET /export/members.csv?indicator=ID&month=YYYY-MM[&entity=LEVEL:ID]` (case-level: audited); the entity may
  be a provider (`provider:ID`: the members attributed to it)
- `GET /export/scorecard.csv?...&level=provider`: the providers' cells (a provider's staff: their own only)
- `GET /export/audit.csv[?since=YYYY-MM-DD][&until=YYYY-MM-DD][&actor=NAME][&action=ACTION]` (admins)
- `GET /export/meeting/<id>/databook.pptx`, `.../databook.pdf`: a Stat meeting's data book (audited)
- `GET /export/meeting/<id>/followup.txt`: its follow-up, as edited (or as generated until it is)

A bad parameter answers 400 with what to write; a request outside the reader's scope 403, written to
the audit log; no data loaded yet 503. Each answer is plain text a person can read.
"""
from __future__ import annotations

import datetime as dt

from flask import Flask, Response, request

from store import db
from queries.exports import audit_csv, to_csv
from access.params import param_text, shown
from web.runtime import current_reader, refused, services
from access.scope import LEVELS, OutsideScope, ScorecardQueryError
from reviews.instrument import InstrumentError
from measures.build import PROVIDER
from queries.scorecard import members_behind_cell, parse_entity, parse_month, scorecard

MAX_REPEATS = 100  # values of a repeated parameter (the catalogue has 28 indicators)


class BadRequest(ValueError):
    pass


def _text(message: str, status: int) -> Response:
    return Response(message.rstrip(".") + ".\n", status=status, mimetype="text/plain")


def _params(allowed: tuple[str, ...], required: tuple[str, ...], example: str = "",
            repeated: tuple[str, ...] = ()) -> dict:
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        raise BadRequest(f"this download does not take {', '.join(map(shown, unknown[:5]))}"
                         f"{' ...' if len(unknown) > 5 else ''}: it takes {', '.join(allowed)}")
    missing = [name for name in required if not request.args.get(name)]
    if missing:
        raise BadRequest(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required, "
                         f"e.g. {example}")
    for name in set(request.args) - set(repeated):
        if len(request.args.getlist(name)) > 1:
            raise BadRequest(f"{name} is given more than once: give it once")
    for name in request.args:
        values = request.args.getlist(name)
        if len(values) > MAX_REPEATS:
            raise BadRequest(f"{name} is given {len(values):,} times: give it at most {MAX_REPEATS} times")
        for value in values:
            param_text(name, value, BadRequest)
    return {name: (request.args.getlist(name) if name in repeated else request.args.get(name)) for name in allowed}


def _csv(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _answer(where: str, make):
    """Run `make()`; turn the errors a reader can cause into a 4xx with the reason."""
    try:
        return make()
    except OutsideScope as exc:
        refused(exc, where)
        return _text(f"Refused: {exc}", 403)
    except (BadRequest, ScorecardQueryError, db.AuditQueryError) as exc:
        return _text(f"{exc}", 400)
    except _NoData:
        return _text("No data loaded yet: an admin loads an extract with `statboard load DIR`", 503)
    except InstrumentError as exc:
        return _text(f"The review instrument cannot be read: {exc.summary}", 503)


class _NoData(Exception):
    pass


def _snapshot():
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        raise _NoData()
    return snapshot


def scorecard_csv():
    def make():
        p = _params(("month", "level", "parent", "indicator"), ("month", "level"), "?month=2026-10&level=office",
                    repeated=("indicator",))
        if p["level"] not in LEVELS + (PROVIDER,):  # providers: read with the department's scope (queries)
            raise BadRequest(f"level {shown(p['level'])} is not one of {', '.join(LEVELS + (PROVIDER,))}")
        scope = current_reader().data_scope()
        month = parse_month(p["month"])
        parent = parse_entity(p["parent"]) if p["parent"] else None
        frame = scorecard(_snapshot(), scope, month, p["level"], parent, p["indicator"] or None)
        where = f"-{parent.level}-{parent.entity_id}" if parent else ""
        return _csv(to_csv(frame), f"scorecard-{month:%Y-%m}-{p['level']}{where}.csv")
    return _answer("/export/scorecard.csv", make)


def members_csv():
    def make():
        p = _params(("indicator", "month", "entity"), ("indicator", "month"), "?indicator=reentry&month=2026-10")
        reader = current_reader()
        month = parse_month(p["month"])
        entity = parse_entity(p["entity"], providers=True) if p["entity"] else None  # or a provider's cell
        frame = members_behind_cell(_snapshot(), reader.data_scope(), p["indicator"], month, entity)
        # Written before the rows leave: if the audit log cannot be written, nothing is sent.
        db.record(services().store, reader.username, "members-listed",
                     {"indicator": p["indicator"], "month": f"{month:%Y-%m}",
                      "entity": str(entity) if entity else "department", "rows": len(frame), "via": "download"},
                     request.remote_addr)
        where = f"-{entity.level}-{entity.entity_id}" if entity else ""
        return _csv(to_csv(frame), f"members-{p['indicator']}-{month:%Y-%m}{where}.csv")
    return _answer("/export/members.csv", make)


def audit_download():
    def make():
        p = _params(("since", "until", "actor", "action"), ())
        reader = current_reader()
        reader.require_admin("the audit log")
        entries = db.audit_entries(services().store, None, **db.audit_filter(**p))
        db.record(services().store, reader.username, "audit-exported",
                     {k: v for k, v in p.items() if v} | {"rows": len(entries)}, request.remote_addr)
        return _csv(audit_csv(entries), f"audit-{services().settings.today():%Y-%m-%d}.csv")
    return _answer("/export/audit.csv", make)


DATABOOK_TYPES = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                  "pdf": "application/pdf"}


def _meeting_book(meeting_id: int):
    from store.meeting_book import assemble
    from reviews.instrument import load_instrument
    reader = current_reader()
    return reader, assemble(services().warehouse, services().store, reader, meeting_id,
                            load_instrument(services().settings.instrument_path))


def databook_file(meeting_id: int, fmt: str) -> tuple[bytes, str]:
    """Meeting `meeting_id`'s data book for the signed-in reader, and its file name; the hand-over is audited
    before the book is made. For the download below and the meeting page's buttons (pages/meeting.py), which
    show that it is being made. Raises `OutsideScope` (the meeting is not the reader's), `BadRequest` (the
    format), `databook.DataBookError` (it cannot be drawn here) or `InstrumentError`."""
    import databook
    from store.meetings import record_export
    if fmt not in DATABOOK_TYPES:
        raise BadRequest(f"a data book is a .pptx or a .pdf, not .{shown(fmt)}")
    reader, book = _meeting_book(meeting_id)
    record_export(services().store, reader, book.meeting, fmt, via="download")
    content = databook.build(book, fmt)
    return content, f"databook-meeting-{book.meeting.id}-{book.meeting.month:%Y-%m}.{fmt}"


def meeting_databook(meeting_id: int, fmt: str):
    def make():
        import databook
        _params((), ())
        try:
            content, filename = databook_file(meeting_id, fmt)
        except databook.DataBookError as exc:
            return _text(f"The data book cannot be made here: {exc}", 503)
        return Response(content, mimetype=DATABOOK_TYPES[fmt], headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})
    return _answer(f"/export/meeting/{meeting_id}/databook.{fmt}", make)


def meeting_followup(meeting_id: int):
    def make():
        from store.followup import followup_for
        _params((), ())
        _reader, book = _meeting_book(meeting_id)
        return Response(followup_for(book), mimetype="text/plain", headers={
            "Content-Disposition": f'attachment; filename="followup-meeting-{book.meeting.id}.txt"'})
    return _answer(f"/export/meeting/{meeting_id}/followup.txt", make)


def install(server: Flask) -> None:
    server.add_url_rule("/export/scorecard.csv", "export_scorecard", scorecard_csv)
    server.add_url_rule("/export/members.csv", "export_members", members_csv)
    server.add_url_rule("/export/audit.csv", "export_audit", audit_download)
    server.add_url_rule("/export/meeting/<int:meeting_id>/databook.<fmt>", "export_databook", meeting_databook)
    server.add_url_rule("/export/meeting/<int:meeting_id>/followup.txt", "export_followup", meeting_followup)
