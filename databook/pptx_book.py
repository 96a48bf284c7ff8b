"""The data book as a PowerPoint deck (16:9), placed from the plan in databook/slides.py.

Tables are PowerPoint's own (native text, coloured cells), not pictures, so they stay sharp on any projector and
can be edited before the meeting; charts are the PNGs databook/figures.py drew.
"""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from display.format import TEXT_COLOUR
from databook.slides import (BODY_TOP_IN, HEIGHT_IN, MARGIN_IN, SIDE_LEFT_IN, SIDE_SMALLER, SIZES,
                             BESIDE_TABLE_IN, COVER_LARGER, COVER_LINES_LARGER,
                             TITLE_HEIGHT_IN, TITLE_TOP_IN, WIDTH_IN, Deck, Line, Slide, Table, figure_boxes)

NAVY = RGBColor(0x0B, 0x3C, 0x8C)
GREY = RGBColor(0x55, 0x55, 0x55)


def write(plan: Deck, images: dict[str, bytes]) -> bytes:
    deck = Presentation()
    _widen(deck)
    deck.core_properties.title = plan.title[:255]
    # Every slide's title is its layout's title placeholder, so PowerPoint's outline, its navigation and screen
    # readers name each slide; the writer places it as the plan says.
    titled = next(layout for layout in deck.slide_layouts if layout.name == "Title Only")
    for plan_slide in plan.slides:
        slide = deck.slides.add_slide(titled)
        _place(slide, plan_slide, images, plan.figures)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _place(slide, plan: Slide, images: dict[str, bytes], sizes: dict) -> None:
    if plan.kind == "title":
        _text(slide, [Line(plan.section, "small")], MARGIN_IN, 1.2, WIDTH_IN - 2 * MARGIN_IN, 0.5)
        _title(slide, plan.title, MARGIN_IN, 1.7, WIDTH_IN - 2 * MARGIN_IN, 1.4, smaller=-COVER_LARGER)
        _text(slide, list(plan.lines), MARGIN_IN, 3.3, WIDTH_IN - 2 * MARGIN_IN, 3.9, smaller=-COVER_LINES_LARGER)
        return
    if plan.section:
        _text(slide, [Line(plan.section, "small")], MARGIN_IN, 0.1, WIDTH_IN - 2 * MARGIN_IN, 0.35)
    _title(slide, plan.title, MARGIN_IN, TITLE_TOP_IN, WIDTH_IN - 2 * MARGIN_IN, TITLE_HEIGHT_IN)
    top = BODY_TOP_IN
    if plan.kind == "item":
        drawn = [key for key in plan.figures if key in images]
        for key, (left, y, width, height) in zip(drawn, figure_boxes([(sizes[k].width, sizes[k].height)
                                                                       for k in drawn])):
            slide.shapes.add_picture(io.BytesIO(images[key]), Inches(left), Inches(y), Inches(width), Inches(height))
        _text(slide, list(plan.lines), SIDE_LEFT_IN, top, WIDTH_IN - SIDE_LEFT_IN - MARGIN_IN, HEIGHT_IN - top - 0.3,
              smaller=SIDE_SMALLER)
        return
    if plan.table is not None:
        intro = 0.0
        if plan.lines and plan.kind != "beside":
            _text(slide, list(plan.lines), MARGIN_IN, top - 0.1, WIDTH_IN - 2 * MARGIN_IN, 0.45)
            intro = 0.45
        width = WIDTH_IN - 2 * MARGIN_IN
        if plan.kind == "beside":
            width = BESIDE_TABLE_IN
            _text(slide, list(plan.lines), MARGIN_IN + width + 0.4, top, WIDTH_IN - width - 2 * MARGIN_IN - 0.4,
                  HEIGHT_IN - top - 0.6)
        _table(slide, plan.table, MARGIN_IN, top + intro, width)
    else:
        _text(slide, list(plan.lines), MARGIN_IN, top, WIDTH_IN - 2 * MARGIN_IN, HEIGHT_IN - top - 0.5)
    if plan.footer:
        _text(slide, [Line(plan.footer, "small")], MARGIN_IN, HEIGHT_IN - 0.5, WIDTH_IN - 2 * MARGIN_IN, 0.4)


def _widen(deck) -> None:
    """The deck 16:9, and the template's master and layouts with it: their placeholders (the titles' boxes) drawn
    for 4:3 would otherwise stand in the left three quarters of a slide reset to its layout."""
    old_width = deck.slide_width
    deck.slide_width, deck.slide_height = Inches(WIDTH_IN), Inches(HEIGHT_IN)
    for holder in (deck.slide_master, *deck.slide_layouts):
        for shape in holder.placeholders:
            if shape.left is not None and shape.width is not None:
                shape.left = int(shape.left * deck.slide_width / old_width)
                shape.width = int(shape.width * deck.slide_width / old_width)


def _title(slide, text: str, left, top, width, height, smaller: int = 0):
    """The slide's title placeholder, placed and filled as the slides' titles are."""
    box = slide.shapes.title
    box.left, box.top, box.width, box.height = Inches(left), Inches(top), Inches(width), Inches(height)
    _fill(box, [Line(text, "title")], title=True, smaller=smaller)
    for paragraph in box.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
    return box


def _text(slide, lines: list[Line], left, top, width, height, smaller: int = 0):
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    return _fill(box, lines, smaller=smaller)


def _fill(box, lines: list[Line], title: bool = False, smaller: int = 0):
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for n, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        text = f"•  {line.text}" if line.style == "bullet" else line.text
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt((SIZES["title"] if title else SIZES.get(line.style, 16)) - smaller)
        run.font.bold = title or line.style in ("heading", "strong")
        run.font.color.rgb = NAVY if title or line.style == "heading" else (
            GREY if line.style == "small" else RGBColor.from_string(TEXT_COLOUR.lstrip("#")))
        if line.style == "heading" and n:
            paragraph.space_before = Pt(10)
        paragraph.space_after = Pt(4)
    return box


def _table(slide, table: Table, left, top, width):
    rows, columns = len(table.rows) + 1, len(table.columns)
    row_in = 0.32
    shape = slide.shapes.add_table(rows, columns, Inches(left), Inches(top), Inches(width), Inches(row_in * rows))
    grid = shape.table
    total = sum(table.widths)
    for n, share in enumerate(table.widths):
        grid.columns[n].width = Inches(width * share / total)
    for n, heading in enumerate(table.columns):
        _cell(grid.cell(0, n), heading, None, True, table.font, header=True)
    for r, row in enumerate(table.rows, start=1):
        grid.rows[r].height = Inches(row_in)
        for n, cell in enumerate(row):
            _cell(grid.cell(r, n), cell.text, cell.fill, cell.bold, table.font)


def _cell(cell, text: str, fill: str | None, bold: bool, size: int, header: bool = False):
    cell.margin_left = cell.margin_right = Inches(0.06)
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = True
    frame.text = text  # a line break in the text starts a paragraph
    cell.fill.solid()
    cell.fill.fore_color.rgb = NAVY if header else RGBColor.from_string((fill or "#FFFFFF").lstrip("#").upper())
    for paragraph in frame.paragraphs:
        if fill is not None:
            paragraph.alignment = PP_ALIGN.CENTER
        for run in paragraph.runs:
            run.font.size = Pt(size - 1 if header else size)
            run.font.bold = bold
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF) if header else \
                RGBColor.from_string(TEXT_COLOUR.lstrip("#"))
