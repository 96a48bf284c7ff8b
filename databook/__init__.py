"""The data book of a Stat meeting: its title, scorecard, agenda items with their charts, and actions, as a
PowerPoint deck or a PDF to hand round (issue 14).

    databook.build(book, "pptx") -> bytes

`book` is a `store.meeting_book.Book`, the object the meeting page draws from: the book shows what the page
shows. The plan of the slides is made once (databook/slides.py), its charts drawn in one batch
(databook/figures.py), and the plan laid out by either writer.

Below web (whose downloads hand it out) and above components (whose charts it draws) and the app store.
"""
from __future__ import annotations

from store.meeting_book import Book

FORMATS = ("pptx", "pdf")
MEDIA_TYPES = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
               "pdf": "application/pdf"}


class DataBookError(ValueError):
    """A data book that cannot be made as asked; the message says what to do."""


def build(book: Book, fmt: str) -> bytes:
    """The data book of `book` as PPTX or PDF bytes."""
    from databook import figures, slides
    if fmt not in FORMATS:
        raise DataBookError(f"a data book is made as {' or '.join(FORMATS)}, not {str(fmt)[:20]!r}")
    plan = slides.deck(book)
    try:
        images = figures.render({key: (f.figure, f.width, f.height, f.layout) for key, f in plan.figures.items()})
    except figures.FigureError as exc:
        raise DataBookError(str(exc)) from exc
    if fmt == "pptx":
        from databook import pptx_book
        return pptx_book.write(plan, images)
    from databook import pdf_book
    try:
        return pdf_book.write(plan, images)
    except pdf_book.FontMissing as exc:
        raise DataBookError(str(exc)) from exc
