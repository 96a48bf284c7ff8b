"""The data book as a PDF: one 16:9 landscape page per slide, the same plan (databook/slides.py) and the same
pictures as the PowerPoint deck.

Text goes through reportlab's paragraphs, which read a little markup: every text is escaped first, so a name
such as `<b>` prints as written. The font is DejaVu Sans, which has the status symbols (✓ ✕ ∗ –) that the PDF
standard fonts lack; text a frame cannot hold is shrunk to fit rather than dropped.
"""
from __future__ import annotations

import io
import os
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph
from reportlab.platypus import Table as PdfTable
from reportlab.platypus import TableStyle

from display.format import TEXT_COLOUR
from databook.slides import (BODY_TOP_IN, HEIGHT_IN, MARGIN_IN, SIDE_LEFT_IN, SIDE_SMALLER, SIZES,
                             BESIDE_TABLE_IN, COVER_LARGER, COVER_LINES_LARGER,
                             TITLE_HEIGHT_IN, TITLE_TOP_IN, WIDTH_IN, Deck, Line, Slide, Table, figure_boxes)

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
NAVY = colors.HexColor("#0B3C8C")
GREY = colors.HexColor("#555555")
INK = colors.HexColor(TEXT_COLOUR)


class FontMissing(RuntimeError):
    """DejaVu Sans is not installed; the message says how to install it."""


def _fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for folder in FONT_DIRS:
        if os.path.exists(os.path.join(folder, "DejaVuSans.ttf")):
            pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont(BOLD, os.path.join(folder, "DejaVuSans-Bold.ttf")))
            return
    raise FontMissing("the PDF data book needs the DejaVu Sans font (it has the status symbols), which is in "
                      f"none of {', '.join(FONT_DIRS)}: install it (apt-get install fonts-dejavu-core)")


def _style(style: str, title: bool = False, smaller: int = 0) -> ParagraphStyle:
    size = (SIZES["title"] if title else SIZES.get(style, 16)) - smaller
    return ParagraphStyle(
        style, fontName=BOLD if title or style in ("heading", "strong") else FONT, fontSize=size,
        leading=size * 1.22, textColor=NAVY if title or style == "heading" else GREY if style == "small" else INK,
        spaceBefore=10 if style == "heading" else 0, spaceAfter=4,
        leftIndent=18 if style == "bullet" else 0, bulletIndent=4 if style == "bullet" else 0)


def _paragraph(line: Line, title: bool = False, smaller: int = 0) -> Paragraph:
    text = escape(line.text).replace("\n", "<br/>")
    return Paragraph(text, _style(line.style, title, smaller), bulletText="•" if line.style == "bullet" else None)


def write(plan: Deck, images: dict[str, bytes]) -> bytes:
    _fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(WIDTH_IN * inch, HEIGHT_IN * inch))
    canvas.setTitle(plan.title)
    for slide in plan.slides:
        _page(canvas, slide, images, plan.figures)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _frame(canvas, flowables, left, top, width, height) -> None:
    """Flowables in a box given from the page's top-left (as the slides are), shrunk to fit if need be."""
    frame = Frame(left * inch, (HEIGHT_IN - top - height) * inch, width * inch, height * inch,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
    frame.addFromList([KeepInFrame(width * inch, height * inch, flowables, mode="shrink")], canvas)


def _page(canvas, slide: Slide, images: dict[str, bytes], sizes: dict) -> None:
    full = WIDTH_IN - 2 * MARGIN_IN
    if slide.kind == "title":
        _frame(canvas, [_paragraph(Line(slide.section, "small"))], MARGIN_IN, 1.2, full, 0.5)
        big = _style("strong", True, smaller=-COVER_LARGER)
        _frame(canvas, [Paragraph(escape(slide.title), big)], MARGIN_IN, 1.7, full, 1.4)
        _frame(canvas, [_paragraph(line, smaller=-COVER_LINES_LARGER) for line in slide.lines], MARGIN_IN, 3.3,
               full, 3.9)
        return
    if slide.section:
        _frame(canvas, [_paragraph(Line(slide.section, "small"))], MARGIN_IN, 0.1, full, 0.35)
    _frame(canvas, [_paragraph(Line(slide.title), title=True)], MARGIN_IN, TITLE_TOP_IN, full, TITLE_HEIGHT_IN)
    top = BODY_TOP_IN
    if slide.kind == "item":
        drawn = [key for key in slide.figures if key in images]
        for key, (left, y, width, height) in zip(drawn, figure_boxes([(sizes[k].width, sizes[k].height)
                                                                       for k in drawn])):
            canvas.drawImage(ImageReader(io.BytesIO(images[key])), left * inch, (HEIGHT_IN - y - height) * inch,
                             width * inch, height * inch)
        _frame(canvas, [_paragraph(line, smaller=SIDE_SMALLER) for line in slide.lines], SIDE_LEFT_IN, top,
               WIDTH_IN - SIDE_LEFT_IN - MARGIN_IN, HEIGHT_IN - top - 0.3)
        return
    if slide.table is not None:
        width, intro = full, 0.0
        if slide.kind == "beside":
            width = BESIDE_TABLE_IN
            _frame(canvas, [_paragraph(line) for line in slide.lines], MARGIN_IN + width + 0.4, top,
                   full - width - 0.4, HEIGHT_IN - top - 0.6)
        elif slide.lines:
            _frame(canvas, [_paragraph(line) for line in slide.lines], MARGIN_IN, top - 0.1, full, 0.45)
            intro = 0.45
        _frame(canvas, [_table(slide.table, width)], MARGIN_IN, top + intro, width, HEIGHT_IN - top - intro - 0.6)
    else:
        _frame(canvas, [_paragraph(line) for line in slide.lines], MARGIN_IN, top, full, HEIGHT_IN - top - 0.5)
    if slide.footer:
        _frame(canvas, [_paragraph(Line(slide.footer, "small"))], MARGIN_IN, HEIGHT_IN - 0.5, full, 0.4)


def _table(table: Table, width: float) -> PdfTable:
    size = table.font
    body = ParagraphStyle("cell", fontName=FONT, fontSize=size, leading=size * 1.2, textColor=INK)
    bold = ParagraphStyle("cell-bold", parent=body, fontName=BOLD)
    centred = ParagraphStyle("cell-centred", parent=body, alignment=1)
    centred_bold = ParagraphStyle("cell-centred-bold", parent=bold, alignment=1)
    header = ParagraphStyle("head", parent=bold, fontSize=size - 1, textColor=colors.white)
    rows = [[Paragraph(escape(c).replace("\n", "<br/>"), header) for c in table.columns]]
    commands = [("BACKGROUND", (0, 0), (-1, 0), NAVY), ("GRID", (0, 0), (-1, -1), 0.75, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    for r, row in enumerate(table.rows, start=1):
        cells = []
        for n, cell in enumerate(row):
            style = (centred_bold if cell.bold else centred) if cell.fill else (bold if cell.bold else body)
            cells.append(Paragraph(escape(cell.text).replace("\n", "<br/>"), style))
            if cell.fill:
                commands.append(("BACKGROUND", (n, r), (n, r), colors.HexColor(cell.fill)))
        rows.append(cells)
    total = sum(table.widths)
    grid = PdfTable(rows, colWidths=[width * inch * w / total for w in table.widths], repeatRows=1)
    grid.setStyle(TableStyle(commands + [("LINEBELOW", (0, 1), (-1, -1), 0.5, colors.HexColor("#CCCCCC"))]))
    return grid
