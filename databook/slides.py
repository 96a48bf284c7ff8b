"""What a data book says, slide by slide, before it is either a PPTX or a PDF: one plan, two renderings, so the
slides and the pages cannot disagree.

The plan is plain data (titles, paragraphs, tables with coloured cells, the figures each slide shows); the two
writers (databook/pptx_book.py, databook/pdf_book.py) only place it. Everything is read from a
`store.meeting_book.Book`, the object the meeting page draws from too; the figures come from the page's own
builders (components/charts.py), and statuses are written with the pages' symbols (display/format.py), never
by colour alone, since a projector washes colours out and a printed copy may be grey.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from components.charts import action_key, ranking_figure, trend_figure, variation_figure
from components.published_charts import published_trend_figure
from display.format import (STATUS_STYLE, amount_text, change_text, format_value, standard_text, status_of,
                               status_text, unit_of)
from components.heatmap import legend_items, unique_labels
from components.provider_review import review_trend_figure
from components.provider_scorecard import CONTRACT_STATUS
from display.mask import MASK, mask_id
from store.meeting_book import Book, ReviewSection
from store.meetings import Action, AgendaItem
from store.published_items import counts_text, standard_words, status_words, value_text

DOMAINS = ("Safety", "Permanency", "Well-Being", "Self-Sufficiency")
SCORECARD_CHILDREN = 6       # entity columns beside the meeting's own entity on one slide
ACTION_LINES = 15            # wrapped lines of actions a slide holds
ACTION_WHAT_CHARS = 48       # characters of "what" on one line of its column
SIDE_LINES = 23              # wrapped lines the text column beside an item's figures holds
SIDE_CHARS = 46
SIDE_SMALLER = 2             # points less than elsewhere beside the figures: 14 pt body text
REVIEW_ITEMS = 10            # instrument items listed by name on a case-review slide
RANKED_MAX = 10              # up to this many children are ranked by name; more are shown as a spread
MONTHS_SHOWN = "%B %Y"
# Where things go on a 16:9 slide (inches; the PDF's pages are the same size), shared by both writers.
WIDTH_IN, HEIGHT_IN = 13.333, 7.5
MARGIN_IN = 0.45
TITLE_TOP_IN, TITLE_HEIGHT_IN = 0.35, 0.9
BODY_TOP_IN = 1.35
FIGURE_WIDTH_IN = 7.6
FIGURE_GAP_IN = 0.1          # between an item's figures, one above the other
BOTTOM_IN = 0.3              # left clear under an item's figures and text
FIGURE_PX = 720              # the width figures are drawn at (CSS pixels; Kaleido draws them SCALE times larger)
TREND_PX = 330               # the trend's height above a variation chart; alone, TREND_ALONE_PX
TREND_ALONE_PX = 430
KEY_WHAT_CHARS = 44          # of an action's text in the key beside a trend whose actions are numbered
SIDE_LEFT_IN = MARGIN_IN + FIGURE_WIDTH_IN + 0.25
BESIDE_TABLE_IN = 4.6
COVER_LARGER = 10            # points more than a slide's title for the meeting's title on the first slide
COVER_LINES_LARGER = 4       # ... and than body text for what the first slide says under it
SIZES = {"heading": 18, "body": 16, "bullet": 16, "strong": 20, "small": 14, "title": 24}   # points, by Line style
DAY = "%d %B %Y"


@dataclass(frozen=True)
class Line:
    """A paragraph: `style` is heading, body, bullet, strong or small."""
    text: str
    style: str = "body"


@dataclass(frozen=True)
class Cell:
    text: str
    fill: str | None = None   # a status colour; the text carries the status's symbol too
    bold: bool = False


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative widths
    rows: tuple[tuple[Cell, ...], ...]
    font: int = 14             # points


@dataclass(frozen=True)
class Slide:
    """One slide (one PDF page). `kind`: title, table (across the slide, `lines` an introduction above it),
    beside (a narrow table on the left, `lines` on the right), item (figures on the left, text on the right) or
    text."""
    kind: str
    title: str
    section: str = ""
    lines: tuple[Line, ...] = ()
    table: Table | None = None
    figures: tuple[str, ...] = ()     # keys of `Deck.figures`, top to bottom
    footer: str = ""


@dataclass(frozen=True)
class Figure:
    """A figure dict from the page's builders and the size (in CSS pixels at print scale) it is drawn at."""
    figure: dict
    width: int
    height: int
    layout: dict = field(default_factory=dict)   # print-only layout settings (room for larger labels)


@dataclass
class Deck:
    title: str
    slides: list[Slide] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)


def plain(text) -> str:
    """Text from the data or the meeting as a slide may hold it: without the characters an XML document cannot
    carry (control characters, lone surrogates, U+FFFE and U+FFFF), line breaks kept."""
    return "".join(c for c in str(text) if (c in "\n\t" or ord(c) >= 32) and not 0xD800 <= ord(c) <= 0xDFFF
                   and c not in "\ufffe\uffff").replace("\t", " ")


def deck(book: Book) -> Deck:
    """The data book of `book`: title, scorecard, one slide per agenda item in agenda order, the actions."""
    meeting = book.meeting
    plan = Deck(plain(meeting.title))
    plan.slides.append(_title_slide(book))
    numbers = book.numbers
    if numbers is None:
        plan.slides.append(_gone_slide(book))
    elif numbers.review is not None:  # a provider's performance review: its contract, against its own targets
        plan.slides.extend(_contract_slides(book))
    else:
        plan.slides.extend(_scorecard_slides(book))
    names = _indicator_names(book)
    for n, item in enumerate(book.items, start=1):
        if item.kind == "indicator":
            plan.slides.extend(_indicator_slides(plan, book, item, n, names))
        elif item.kind == "published":
            plan.slides.extend(_published_slides(plan, book, item, n))
        elif item.kind in ("practice", "kudos"):
            plan.slides.extend(_text_slides(
                "Best practice" if item.kind == "practice" else "Kudos", "Best practice and kudos", n,
                [Line(p) for p in plain(item.notes).split("\n") if p.strip()]))
        elif item.kind == "reviews":
            plan.slides.extend(_review_slides(book.reviews.get(item.id), item, n))
    plan.slides.extend(_action_slides(book, names))
    return plan


# -- title ------------------------------------------------------------------------------------------------

def _title_slide(book: Book) -> Slide:
    meeting = book.meeting
    version, as_of = _version(book)
    lines = [Line(plain(meeting.entity_name), "strong"),
             Line(f"Data month: {meeting.month:{MONTHS_SHOWN}}"),
             Line(f"Data version {version}, as of {as_of:{DAY}}"),
             Line(f"Meeting: {meeting.held_on:{DAY}}" + ("" if meeting.is_open else " (closed)"))]
    if book.source == "record":
        lines.append(Line("The numbers are those the meeting showed when it was closed.", "small"))
    if book.newer is not None:
        newer_id, newer_as_of = book.newer
        lines.append(Line(f"Newer data exists: version {newer_id}, as of {newer_as_of:{DAY}}. This book shows "
                          f"version {version}, the one the meeting is pinned to.", "strong"))
    if meeting.attendees:
        lines.append(Line("Attendees: " + "; ".join(plain(a.name) for a in meeting.attendees)))
    if meeting.is_review and book.numbers is not None and book.numbers.review is not None \
            and book.numbers.review.contract_id:
        review = book.numbers.review
        lines.insert(1, Line(f"Contract {plain(review.contract_id)}: {plain(review.program)}, "
                             f"{review.start:{DAY}} to {review.end:{DAY}}, reviewed {review.cadence}"))
    return Slide("title", plain(meeting.title), "Provider performance review" if meeting.is_review else "Stat meeting",
                 tuple(lines))


def _version(book: Book) -> tuple[int, dt.date]:
    if book.numbers is not None:
        return book.numbers.version_id, book.numbers.as_of
    return book.meeting.version_id, book.meeting.as_of


def _gone_slide(book: Book) -> Slide:
    meeting = book.meeting
    lines = [Line(f"This meeting is pinned to data version {meeting.version_id} (as of {meeting.as_of:{DAY}}), "
                  "which is no longer in the warehouse, so its numbers cannot be shown: no scorecard, trends or "
                  "variation in this book.")]
    if book.newer is not None:
        lines.append(Line(f"Move the meeting to the current data (version {book.newer[0]}, as of "
                          f"{book.newer[1]:{DAY}}) on its page, then make the data book again."))
    lines.append(Line("The agenda and the actions follow."))
    return Slide("text", "The data version is gone", "Scorecard", tuple(lines))


# -- scorecard --------------------------------------------------------------------------------------------

def _scorecard_slides(book: Book) -> list[Slide]:
    card = book.numbers.scorecard
    rows = list(card.rows.itertuples(index=False))
    labels = unique_labels([r.entity_name for r in rows], [r.entity_id for r in rows])
    cells = {(c.level, c.entity_id, c.indicator_id): c for c in card.cells.itertuples(index=False)}
    indicators = list(card.indicators.itertuples(index=False))
    parent, children = (rows[0], labels[0]), list(zip(rows[1:], labels[1:]))
    chunks = [children[i:i + SCORECARD_CHILDREN] for i in range(0, len(children), SCORECARD_CHILDREN)] or [[]]
    legend = "  ·  ".join(f"{symbol} {label}".strip() for symbol, label, _ in legend_items()
                          if label != STATUS_STYLE["suppressed"]["label"])
    footer = legend
    if card.total_rows > len(rows) - 1:
        footer = f"The first {len(rows) - 1} of {card.total_rows} {card.level}s. " + legend
    slides = []
    for part, chunk in enumerate(chunks, start=1):
        shown = [parent, *chunk]
        header = ("Indicator", "Standard", *(plain(label) for _, label in shown))
        widths = (3.4, 2.5, *([1.15] * len(shown)))
        font = 12 if len(shown) > 5 else 14
        for page in _domain_pages(indicators, widths, font):
            table_rows = []
            for domain, members in page:
                if len(page) > 1:  # the title names a slide's only domain
                    table_rows.append((Cell(domain.upper(), bold=True), Cell(""), *(Cell("") for _ in shown)))
                for indicator in members:
                    table_rows.append((Cell(plain(indicator.name)), Cell(_standard(indicator)), *(
                        _score_cell(indicator, cells.get((row.level, row.entity_id, indicator.indicator_id)),
                                    bold=n == 0) for n, (row, _) in enumerate(shown))))
            names = " and ".join(domain + (" (continued)" if continued else "") for domain, _members, continued
                                 in ((d, m, m[0] is not _first(indicators, d)) for d, m in page))
            of = f" ({part} of {len(chunks)})" if len(chunks) > 1 else ""
            slides.append(Slide(
                "table", f"Scorecard, {book.numbers.month:{MONTHS_SHOWN}}: {names}{of}",
                f"Scorecard · {plain(card.parent.name)} and its {card.level}s", (),
                Table(header, widths, tuple(table_rows), font=font), footer=footer))
    return slides


def _contract_slides(book: Book) -> list[Slide]:
    """A provider review's contract: each metric's value against the contract's target and floor, its status in
    the provider scorecard's words and symbols (never by colour alone), and the period it is of."""
    review = book.numbers.review
    title = f"The contract, {book.numbers.month:{MONTHS_SHOWN}}"
    if not review.contract_id:
        return _text_slides(title, "Contract", None, [Line(f"{plain(review.provider_name)} has no contract in force "
                                                           f"in {book.meeting.month:{MONTHS_SHOWN}}.")])
    rows = []
    for line in review.lines:
        style = CONTRACT_STATUS.get(line.status, CONTRACT_STATUS["not reported"])
        fill = style["colour"] if line.rated else None
        value = plain(line.value_text) + (f"\n({line.counts})" if line.counts else "")
        rows.append((Cell(plain(line.name)),
                     Cell(plain(line.target_text)), Cell(plain(line.floor_text or "none")), Cell(value, fill, True),
                     Cell(f"{style['symbol']} {line.words}".strip(), fill), Cell(plain(line.period))))
    legend = "  ·  ".join(f"{CONTRACT_STATUS[k]['symbol']} {CONTRACT_STATUS[k]['label']}" for k in ("green", "yellow",
                                                                                                   "red"))
    return [Slide("table", title, f"Contract {plain(review.contract_id)} · {plain(review.program)}",
                  (Line(f"{plain(review.provider_name)} against its own contract's targets; below the floor the "
                        "contract's remedy starts.", "small"),),
                  Table(("Contract metric", "Target", "Floor", "Value", "Status", "Period"),
                        (3.6, 1.2, 1.2, 1.9, 2.2, 1.6), tuple(rows), font=16), footer=legend)]


def _standard(indicator) -> str:
    standard = standard_text(indicator)
    if indicator.kind == "rate" and "per " not in indicator.name:
        standard += f"\n({unit_of(indicator)})"
    return standard


def _first(indicators, domain: str):
    return next(i for i in indicators if i.domain == domain)


def _row_in(texts_and_widths, font: int) -> float:
    """A table row's height on the slide, in inches: as many lines as its longest wrapped cell needs.

    A renderer grows a row to fit its text whatever height the file gives it, so a slide is planned with the
    rows' real heights, or a long domain's last rows run off the bottom (LibreOffice showed it)."""
    char_in = 0.0076 * font  # an average character's width in DejaVu Sans
    lines = 1
    for text, width_in in texts_and_widths:
        for paragraph in str(text).split("\n"):
            lines = max(lines, -(-len(paragraph) * char_in // max(width_in - 0.15, 0.3)) if paragraph else 1)
    return 0.1 + lines * font / 72 * 1.2


def _domain_pages(indicators, widths, font: int) -> list[list[tuple[str, list]]]:
    """The domains in case-flow order, packed onto slides whose rows, at their wrapped heights, fit between the
    title and the legend: [(domain, its indicators on that slide)] per slide. A domain taller than a slide goes on
    over the next ones (its title says "continued"); shorter ones share a slide where they fit whole."""
    order = [d for d in DOMAINS if any(i.domain == d for i in indicators)]
    order += sorted({i.domain for i in indicators} - set(order))
    total = sum(widths)
    inches = [(WIDTH_IN - 2 * MARGIN_IN) * w / total for w in widths]
    room = HEIGHT_IN - BODY_TOP_IN - 0.75 - _row_in([("Indicator", inches[0])], font) * 2  # the legend; the header
    heights = {i.indicator_id: _row_in([(i.name, inches[0]), (_standard(i), inches[1])], font) for i in indicators}
    label = _row_in([("DOMAIN", inches[0])], font)
    pages, used = [], room + 1
    for domain in order:
        members = [i for i in indicators if i.domain == domain]
        whole = label + sum(heights[i.indicator_id] for i in members)
        if pages and used + whole <= room:
            pages[-1].append((domain, members))
            used += whole
            continue
        part, used = [], 0.0
        for indicator in members:
            if part and used + heights[indicator.indicator_id] > room:
                pages.append([(domain, part)])
                part, used = [], 0.0
            part.append(indicator)
            used += heights[indicator.indicator_id]
        pages.append([(domain, part)])
        used += label
    return pages


def _score_cell(indicator, cell, bold: bool) -> Cell:
    status = status_of(cell)
    style = STATUS_STYLE[status]
    if status in ("no data", "suppressed"):
        return Cell(style["symbol"], style["colour"], bold)
    value = format_value(indicator.kind, cell.value, with_unit=True)
    return Cell(f"{style['symbol']} {value}".strip(), style["colour"], bold)


# -- agenda items ---------------------------------------------------------------------------------------

def _indicator_names(book: Book) -> dict[str, str]:
    if book.numbers is None:
        return {}
    names = dict(zip(book.numbers.scorecard.indicators.indicator_id, book.numbers.scorecard.indicators.name))
    if book.numbers.review is not None:  # its reported metrics are no cells of the warehouse
        names.update({line.indicator_id: line.name for line in book.numbers.review.lines})
    return names


def _item_title(n: int | None, text: str) -> str:
    return f"{n}. {text}" if n is not None else text


def _indicator_slides(plan: Deck, book: Book, item: AgendaItem, n: int, names: dict) -> list[Slide]:
    where = plain(item.entity_name or item.entity)
    numbers = book.numbers.items.get(item.id) if book.numbers is not None else None
    name = plain(names.get(item.indicator_id, item.indicator_id))
    if numbers is None:
        lines = [Line(f"{where}, {item.indicator_id}", "strong")]
        if book.numbers is not None:
            lines.append(Line(f"Data version {book.numbers.version_id} has no numbers for this item."))
        lines += _reason_and_notes(item)
        return _text_slides(f"{name}: {where}", "Agenda", n, lines)
    indicator = numbers.indicator
    cell = numbers.cell
    actions = [a for a in (*book.carried, *book.new)
               if a.indicator_id == item.indicator_id and a.entity == item.entity]
    # The standard's label sits right of the plot: at print size it needs more room than on screen.
    # A tick every six months: at print size every third month's would turn sideways and be cut off. The
    # trend's height does not grow with its actions: more than a few are numbered, and the key is beside it.
    review = book.numbers.review
    line = review.line(item.indicator_id) if review is not None else None
    if review is not None and line is not None:
        return _review_item_slides(plan, book, item, n, numbers, line, actions)
    plan.figures[f"trend-{item.id}"] = Figure(
        trend_figure(numbers.trend, actions), FIGURE_PX, TREND_PX if numbers.variation is not None else TREND_ALONE_PX,
        {"margin": {"r": 190, "l": 80}, "xaxis": {"dtick": "M6"}})
    figures = [f"trend-{item.id}"]
    if numbers.variation is not None:
        across = numbers.variation
        if len(across.ranked) <= RANKED_MAX:
            figure = ranking_figure(across)
            # A bar per print-size label: Plotly drops the labels it cannot fit.
            height = 110 + 40 * max(len(across.ranked), 1)
        else:
            figure, height = variation_figure(across), 220
        plan.figures[f"variation-{item.id}"] = Figure(figure, FIGURE_PX, min(max(height, 190), 340),
                                                      {"margin": {"l": 200, "r": 110}})
        figures.append(f"variation-{item.id}")
    status = cell.get("status") or "none"
    value = format_value(indicator.kind, cell.get("value"), with_unit=True)
    amount = amount_text(indicator, cell.get("numerator"), cell.get("denominator"))
    side = [Line(f"{book.numbers.month:{MONTHS_SHOWN}}: {value}" + (f" ({amount})" if amount else ""), "strong"),
            Line(status_text(status if status in STATUS_STYLE else "none"), "strong"),
            Line(f"Standard: {standard_text(indicator)}", "small"),
            Line("Since last month: " + change_text(indicator, cell.get("value"), cell.get("last_month"),
                                                    cell.get("last_month_status"))),
            Line("Since a year ago: " + change_text(indicator, cell.get("value"), cell.get("last_year"),
                                                    cell.get("last_year_status")))]
    key = action_key(numbers.trend, actions)
    if key:
        side += _key_lines(key, SIDE_LINES - _lines_needed(side, SIDE_CHARS))
    elif actions:
        side.append(Line(f"{len(actions)} action{'s' if len(actions) != 1 else ''} on this cell: marked on the "
                         "trend where agreed", "small"))
    story = _reason_and_notes(item)
    questions = [Line(plain(q), "bullet") for q in _questions(indicator)]
    if questions:
        story += [Line("Questions to ask", "heading"), *questions]
    title = _item_title(n, f"{name}: {where}")
    if _lines_needed(side + story, SIDE_CHARS) <= SIDE_LINES:
        return [Slide("item", title, "Agenda", tuple(side + story), figures=tuple(figures))]
    # Too much to read beside the figures: the story and the questions follow on a slide of their own.
    return [Slide("item", title, "Agenda", tuple(side), figures=tuple(figures)),
            *_text_slides(f"{name}: {where} (continued)", "Agenda", n, story)]


def _review_item_slides(plan: Deck, book: Book, item: AgendaItem, n: int, numbers, line, actions) -> list[Slide]:
    """A contract metric of a provider review: its trend on the contract's target and floor beside the program's
    aggregate on the left; its value against the contract and the story on the right."""
    review = book.numbers.review
    plan.figures[f"trend-{item.id}"] = Figure(
        review_trend_figure(numbers.trend, line, review.program, actions), FIGURE_PX, TREND_ALONE_PX,
        {"margin": {"r": 190, "l": 80}, "xaxis": {"dtick": "M6"}})
    style = CONTRACT_STATUS.get(line.status, CONTRACT_STATUS["not reported"])
    side = [Line(f"{plain(line.period)}: {plain(line.value_text)}" + (f" ({line.counts})" if line.counts else ""),
                 "strong"),
            Line(f"{style['symbol']} {line.words}".strip(), "strong"),
            Line(f"Contract target: {plain(line.target_text)}" + (f"; floor (remedy beyond it): "
                                                                   f"{plain(line.floor_text)}" if line.floor_text
                                                                   else ""), "small"),
            Line(f"Dashed: the {plain(review.program)} program as a whole, where it gives no other provider away.",
                 "small")]
    key = action_key(numbers.trend, actions)
    if key:
        side += _key_lines(key, SIDE_LINES - _lines_needed(side, SIDE_CHARS))
    story = _reason_and_notes(item)
    title = _item_title(n, f"{plain(line.name)}: {plain(item.entity_name or item.entity)}")
    if _lines_needed(side + story, SIDE_CHARS) <= SIDE_LINES:
        return [Slide("item", title, "Agenda", tuple(side + story), figures=(f"trend-{item.id}",))]
    return [Slide("item", title, "Agenda", tuple(side), figures=(f"trend-{item.id}",)),
            *_text_slides(f"{plain(line.name)} (continued)", "Agenda", n, story)]


def _published_slides(plan: Deck, book: Book, item: AgendaItem, n: int) -> list[Slide]:
    """A published figure: its trend beside the nation's on the left; its value, status, the standard, who
    published it and the story on the right."""
    series = book.published.get(item.id)
    where = plain(item.entity_name or item.entity)
    if series is None or series.shown is None:
        return _text_slides(f"{plain(item.indicator_id)}: {where} (as published)", "Agenda", n,
                            [Line("Its published figures cannot be read: the source's version is not in the store.")]
                            + _reason_and_notes(item))
    indicator, point = series.indicator, series.shown
    plan.figures[f"published-{item.id}"] = Figure(published_trend_figure(series), FIGURE_PX, TREND_ALONE_PX,
                                                  {"margin": {"r": 190, "l": 80}})
    symbol = STATUS_STYLE.get(point.status, STATUS_STYLE["none"])["symbol"]
    counts = counts_text(indicator, point)
    side = [Line(f"{plain(point.label)}: {value_text(indicator, point.value, True)}"
                 + (f" ({counts})" if counts else ""), "strong"),
            Line(f"{symbol} {status_words(point.status)}".strip(), "strong"),
            Line(f"Standard: {standard_words(indicator)}", "small")]
    if point.comparison is not None:
        side.append(Line(f"{plain(series.comparison_name)}: {value_text(indicator, point.comparison, True)}"))
    side.append(Line(f"As published by {plain(series.publisher)} (as of {series.as_of:{DAY}}).", "small"))
    story = _reason_and_notes(item)
    title = _item_title(n, f"{plain(indicator.name)}: {where} (as published)")
    if _lines_needed(side + story, SIDE_CHARS) <= SIDE_LINES:
        return [Slide("item", title, "Agenda", tuple(side + story), figures=(f"published-{item.id}",))]
    return [Slide("item", title, "Agenda", tuple(side), figures=(f"published-{item.id}",)),
            *_text_slides(f"{plain(indicator.name)}: {where} (continued)", "Agenda", n, story)]


def _key_lines(key: list, room: int) -> list[Line]:
    """The key to a trend's numbered actions, in at most `room` wrapped lines beside the figures: those that do
    not fit are counted, and are in the actions' slides at the end."""
    lines = [Line(f"{len(key)} actions on this cell, numbered on the trend where agreed:", "small")]
    for k, (number, action) in enumerate(key):
        what = action.what if len(action.what) <= KEY_WHAT_CHARS else action.what[:KEY_WHAT_CHARS - 1].rstrip() + "…"
        line = Line(plain(f"{number}. {what} ({action.owner}, due {action.due:%d %b %Y})"), "small")
        rest = len(key) - k - 1
        more = [Line(f"… and {rest} more, in the actions at the end of the book", "small")] if rest else []
        if _lines_needed(lines + [line] + more, SIDE_CHARS) > room:
            return lines + [Line(f"… and {len(key) - k} more, in the actions at the end of the book", "small")]
        lines.append(line)
    return lines


def figure_boxes(sizes: list[tuple[int, int]]) -> list[tuple[float, float, float, float]]:
    """Where an item slide's figures go, top to bottom, from their drawn sizes (pixels): (left, top, width,
    height) in inches, as wide as `FIGURE_WIDTH_IN`, or narrower where that would be taller than the slide
    holds under its title: every figure lies inside the slide (a picture off its bottom is cut off in the room
    and pushes the PDF's page out of shape)."""
    room = HEIGHT_IN - BODY_TOP_IN - BOTTOM_IN - FIGURE_GAP_IN * max(len(sizes) - 1, 0)
    tall = sum(FIGURE_WIDTH_IN * h / w for w, h in sizes)
    scale = min(1.0, room / tall) if tall else 1.0
    boxes, top = [], BODY_TOP_IN
    for w, h in sizes:
        width = FIGURE_WIDTH_IN * scale
        height = width * h / w
        boxes.append((MARGIN_IN, top, width, height))
        top += height + FIGURE_GAP_IN
    return boxes


def _questions(indicator) -> list[str]:
    questions = indicator.get("questions") if hasattr(indicator, "get") else None
    if questions is None or (isinstance(questions, float) and math.isnan(questions)):
        return []
    return [str(q) for q in questions]


def _reason_and_notes(item: AgendaItem) -> list[Line]:
    lines = []
    if item.reason:
        lines.append(Line(f"On the agenda: {plain(item.reason)}", "small"))
    lines.append(Line("The story behind the data", "heading"))
    notes = [Line(p) for p in plain(item.notes).split("\n") if p.strip()]
    return lines + (notes or [Line("No notes written yet.", "small")])


def _lines_needed(lines, chars: int) -> int:
    total = 0
    for line in lines:
        width = chars - (3 if line.style == "bullet" else 0)
        total += max(1, math.ceil(len(line.text) / width)) + (1 if line.style == "heading" else 0)
    return total


def _text_slides(title: str, section: str, n: int | None, lines: list[Line], per_slide: int = 17,
                 chars: int = 95) -> list[Slide]:
    """Text across the whole slide, continued on more slides when it is longer than one holds."""
    pages, current = [], []
    for line in (piece for whole in lines for piece in _pieces(whole, chars * (per_slide - 2))):
        if current and _lines_needed(current + [line], chars) > per_slide:
            pages.append(current)
            current = []
        current.append(line)
    pages.append(current)
    return [Slide("text", _item_title(n, title + (" (continued)" if k and "(continued)" not in title else "")),
                  section, tuple(page)) for k, page in enumerate(pages)]


def _pieces(line: Line, limit: int) -> list[Line]:
    """A paragraph longer than a slide holds, cut between words into pieces that each fit on one."""
    if len(line.text) <= limit:
        return [line]
    pieces, rest = [], line.text
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(Line(rest[:cut].rstrip(), line.style))
        rest = rest[cut:].lstrip()
    return pieces + ([Line(rest, line.style)] if rest else [])


def _review_slides(section: ReviewSection | None, item: AgendaItem, n: int) -> list[Slide]:
    if section is None:
        return _text_slides(f"Case reviews: selection {item.selection_id}", "Case reviews", n,
                            [Line("This selection cannot be shown to you.")])
    cases = Table(("Case", "Review"), (1.2, 1.6), tuple(
        (Cell(_masked(case_id)), Cell(plain(status))) for case_id, status in section.cases), font=14)
    findings = section.findings
    lines = [Line(f"Findings of {findings.reviews} completed review{'s' if findings.reviews != 1 else ''}",
                  "heading")]
    # The items most often an area needing improvement first; a room reads ten, the rest are summed up.
    rated = sorted((f for f in findings.items if f.applicable), key=lambda f: -f.areas_needing_improvement)
    for found in rated[:REVIEW_ITEMS]:
        lines.append(Line(f"{plain(found.item.label)}: {found.strengths} of {found.applicable} a strength, "
                          f"{found.areas_needing_improvement} an area needing improvement", "bullet"))
    if len(rated) > REVIEW_ITEMS:
        rest = rated[REVIEW_ITEMS:]
        lines.append(Line(f"The other {len(rest)} items: {sum(f.strengths for f in rest)} of "
                          f"{sum(f.applicable for f in rest)} ratings a strength", "bullet"))
    if not rated:
        lines.append(Line("No completed review yet." if not findings.reviews else "No item applied.", "small"))
    if findings.themes:
        lines.append(Line("Themes named", "heading"))
        lines += [Line(f"{plain(t.theme.name)}: {t.reviews} review{'s' if t.reviews != 1 else ''}", "bullet")
                  for t in findings.themes]
    slides = []
    per = 12
    chunks = [section.cases[i:i + per] for i in range(0, len(section.cases), per)] or [()]
    for k, chunk in enumerate(chunks):
        table = Table(cases.columns, cases.widths, tuple((Cell(_masked(c)), Cell(plain(s))) for c, s in chunk))
        slides.append(Slide("beside", _item_title(n, plain(section.title) + (" (continued)" if k else "")),
                            "Case reviews", tuple(lines) if k == 0 else (), table,
                            footer="Case ids are masked: a data book is handed round."))
    return slides


def _masked(case_id) -> str:
    """A case's id as a data book prints it: masked, always. The book's sections hold masked ids already
    (store.meeting_book); an id that does not come masked is masked here, so no path into the book prints one
    whole."""
    text = plain(case_id)
    return text if text.startswith(MASK) and len(text) <= len(mask_id("x" * 99)) else mask_id(text)


# -- actions ------------------------------------------------------------------------------------------------

def _action_slides(book: Book, names: dict) -> list[Slide]:
    overdue = {a.id for a in book.overdue()}
    slides = []
    carried_note = (f"Open actions of earlier meetings of {plain(book.meeting.entity_name)}, and those done or "
                    f"dropped since the last one; overdue as of {book.as_on:{DAY}}: {len(overdue)}")
    for title, found, note in (("Actions carried over", book.carried, carried_note),
                               ("Actions agreed at this meeting", book.new, None)):
        if not found:
            slides.append(Slide("text", title, "Actions", (Line("None.", "strong"),)))
            continue
        pages, current, used = [], [], 0
        for action in found:
            height = max(1, math.ceil(len(action.what) / ACTION_WHAT_CHARS)) + 1
            if current and used + height > ACTION_LINES:
                pages.append(current)
                current, used = [], 0
            current.append(action)
            used += height
        pages.append(current)
        for k, page in enumerate(pages):
            of = f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""
            slides.append(Slide("table", title + of, "Actions", (Line(note, "small"),) if note and k == 0 else (),
                                Table(("What", "Owner", "Due", "Indicator and entity", "Status"),
                                      (4.2, 1.6, 1.3, 2.8, 1.7),
                                      tuple(_action_row(a, a.id in overdue, names) for a in page))))
    return slides


def _action_row(action: Action, overdue: bool, names: dict) -> tuple[Cell, ...]:
    if overdue:
        status = Cell(f"{STATUS_STYLE['red']['symbol']} overdue (open)", STATUS_STYLE["red"]["colour"], True)
    elif action.status == "done":
        status = Cell(f"{STATUS_STYLE['green']['symbol']} done", STATUS_STYLE["green"]["colour"])
    else:
        status = Cell(action.status)
    return (Cell(plain(action.what)), Cell(plain(action.owner)), Cell(f"{action.due:%d %b %Y}"),
            Cell(f"{plain(names.get(action.indicator_id, action.indicator_id))}\n{plain(action.entity_name)}"),
            status)
