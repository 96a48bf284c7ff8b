"""The data book (databook/): a bureau meeting of the `small` demo agency with indicator, practice, kudos and
case-review items and actions carried over from the bureau's previous meeting, built as PPTX and PDF and read
back (python-pptx, pypdf); and the trend's action marks (components/charts.py).

The charts are drawn by Kaleido in Debian's Chromium: without it these tests skip, except in CI, where they fail.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import replace

import pytest
from plotly import graph_objects as go

from components.charts import trend_figure
from components.figure_text import literal
from store import meeting_numbers
from store import db, meetings
from access.roles import reader_for
from store.case_reviews import complete_review, open_reviews
from store.meeting_book import assemble
from store.reviews import Cell, Criteria, pick, save_selection
from access.scope import EntityRef
from store.users import add_user
from queries.warehouse import Warehouse
from reviews.instrument import load_instrument

CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
B01, O001, O002 = EntityRef("bureau", "B01"), EntityRef("office", "O001"), EntityRef("office", "O002")
OCTOBER, SEPTEMBER = dt.date(2026, 10, 1), dt.date(2026, 9, 1)
HELD, BEFORE = dt.date(2026, 11, 30), dt.date(2026, 10, 5)
EXECUTIVE = reader_for("eve", "executive", None)
TITLE = "North <b>Stat</b> & friends"  # markup in a title prints as written
NOTES = "Screening fell when two in-home workers left in September.\nThe new worker starts in December."
PRACTICE = "Alder Office books the screening at the first home visit <i>and</i> & calls the family."
KUDOS = "Thanks to the night duty team for every immediate response in October."


def chromium_or_skip():
    if not os.path.exists(CHROMIUM):
        text = f"{CHROMIUM} not found: the data book's charts need Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"the data book tests need Chromium in CI: {text}")
        pytest.skip(text)


def complete_answers(instrument) -> dict:
    """A completed review: every item a strength where it may be (else its first rating, explained)."""
    items = {}
    for item in instrument.items:
        rating = "strength" if "strength" in item.ratings else item.ratings[0]
        items[item.id] = {"rating": rating, "rationale": "as the file showed"}
    return {"items": items, "themes": [instrument.themes[0].id],
            "questions": {q.id: "the family was heard" for q in instrument.questions}}


@pytest.fixture(scope="module")
def meeting_store(demo_instance, tmp_path_factory):
    """The app store with the bureau's two meetings; the warehouse; the selection's full ids."""
    root = tmp_path_factory.mktemp("databook")
    engine = db.store_engine(f"sqlite:///{root / 'app.sqlite'}")
    db.upgrade(engine)
    add_user(engine, "eve", "executive", None, "a-long-password-1", "test")
    warehouse = Warehouse(f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    snapshot = warehouse.snapshot()
    scope = EXECUTIVE.data_scope()
    version = snapshot.version

    def meeting(month, held_on, title=None, attendees=""):
        name, ids, month = meeting_numbers.prepare(snapshot, scope, B01, month)
        return meetings.create_meeting(engine, EXECUTIVE, B01, name, ids, month, version.version_id, version.as_of,
                                       held_on, title, attendees)

    earlier = meeting(SEPTEMBER, BEFORE)
    add = dict(engine=engine, reader=EXECUTIVE)
    late = meetings.add_action(**add, meeting_id=earlier.id, what="Audit every late in-home screening",
                               owner="Dana Overdue", due="2026-10-20", indicator_id="mh_screening_in_home",
                               entity=B01, entity_name="North Bureau")
    meetings.add_action(**add, meeting_id=earlier.id, what="Train the new in-home workers on screening",
                        owner="Finn Future", due="2027-01-31", indicator_id="mh_screening_in_home", entity=B01,
                        entity_name="North Bureau")
    finished = meetings.add_action(**add, meeting_id=earlier.id, what="Set up a night duty rota",
                                   owner="Gus Done", due="2026-11-15", indicator_id="timely_response_immediate",
                                   entity=O002, entity_name="Bayview Office")
    meetings.update_action(engine, EXECUTIVE, finished.id, "done", "rota running since November")

    now = meeting(OCTOBER, HELD, TITLE, "Ann Lee <ann@agency.gov>; Bob Ray")
    screening = meetings.add_item(**add, meeting_id=now.id, kind="indicator", indicator_id="mh_screening_in_home",
                                  entity=B01, entity_name="North Bureau", source="red", reason="turned red",
                                  notes=NOTES)
    meetings.add_item(**add, meeting_id=now.id, kind="indicator", indicator_id="timely_response_immediate",
                      entity=O002, entity_name="Bayview Office", source="spread")
    meetings.add_item(**add, meeting_id=now.id, kind="practice", notes=PRACTICE)
    meetings.add_item(**add, meeting_id=now.id, kind="kudos", notes=KUDOS)
    drawn = pick(snapshot, scope, engine, [Cell("placement_with_relatives", OCTOBER, O001)], "book", Criteria(n=3))
    selection = save_selection(engine, drawn, "eve")
    instrument = load_instrument()
    review = open_reviews(engine, EXECUTIVE, selection.id, "eve", HELD + dt.timedelta(days=10))[0]
    complete_review(engine, EXECUTIVE, review.id, complete_answers(instrument), instrument)
    meetings.add_item(**add, meeting_id=now.id, kind="reviews", selection_id=selection.id)
    meetings.add_action(**add, meeting_id=now.id, what="Book every screening at the first home visit",
                        owner="Cara Diaz", due="2027-01-15", indicator_id="mh_screening_in_home", entity=B01,
                        entity_name="North Bureau")
    ids = {v for case in (*selection.picks, *selection.replacements) for v in (case.child_id, case.member_id) if v}
    yield {"engine": engine, "warehouse": warehouse, "meeting": now, "screening": screening, "ids": ids,
           "late": late, "instrument": instrument}
    warehouse.dispose()
    engine.dispose()


@pytest.fixture(scope="module")
def book(meeting_store):
    return assemble(meeting_store["warehouse"], meeting_store["engine"], EXECUTIVE, meeting_store["meeting"].id,
                    meeting_store["instrument"])


@pytest.fixture(scope="module")
def built(book):
    import databook
    chromium_or_skip()
    return {fmt: databook.build(book, fmt) for fmt in ("pptx", "pdf")}


def slides_of(data: bytes):
    from pptx import Presentation
    return list(Presentation(io.BytesIO(data)).slides)


def texts(slide) -> list[str]:
    found = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            found.append(shape.text_frame.text)
        if getattr(shape, "has_table", False) and shape.has_table:
            found += [cell.text for row in shape.table.rows for cell in row.cells]
    return found


def title_of(slide) -> str:
    """The slide's title: its title placeholder's text, as PowerPoint's outline and a screen reader read it."""
    return slide.shapes.title.text_frame.text


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_slides_follow_the_book_in_order(built, book):
    slides = slides_of(built["pptx"])
    titles = [title_of(s) for s in slides]
    assert titles[0] == TITLE
    card = [n for n, t in enumerate(titles) if t.startswith("Scorecard, October 2026: ")]
    assert card == list(range(1, 1 + len(card))) and len(card) >= 3
    after = titles[1 + len(card):]
    assert after[0] == "1. Mental health screening – newly opened non-detained: North Bureau"
    if after[1] == after[0] + " (continued)":  # beside its three actions' key, the story may follow
        after = after[1:]
    assert after[1] == "2. Timely response (immediate): Bayview Office"
    assert after[2:4] == ["3. Best practice", "4. Kudos"]
    assert re.fullmatch(r"5\. Selection \d+: Placement with relatives, October 2026, Alder Office", after[4])
    assert after[5:] == ["Actions carried over", "Actions agreed at this meeting"]


def test_the_title_slide_says_what_data_the_meeting_reads(built):
    text = "\n".join(texts(slides_of(built["pptx"])[0]))
    for expected in ("North Bureau", "Data month: October 2026", "Data version 1, as of 10 November 2026",
                     "Meeting: 30 November 2026", "Ann Lee; Bob Ray"):
        assert expected in text
    assert "Newer data exists" not in text


def test_the_scorecard_shows_every_indicator_for_the_bureau_and_its_offices_with_symbols(built, book):
    slides = [s for s in slides_of(built["pptx"]) if title_of(s).startswith("Scorecard")]
    cells = [t for s in slides for t in texts(s)]
    for name in book.numbers.scorecard.indicators.name:
        assert name in cells
    for office in ("North Bureau", "Alder Office", "Bayview Office", "Cedar Office"):
        assert office in cells
    bureau = book.numbers.scorecard.cells.set_index(["level", "entity_id", "indicator_id"])
    red = bureau.loc[("bureau", "B01", "mh_screening_in_home")]
    assert red.status == "red" and f"✕ {red.value:.1f}%" in cells  # the status has its symbol, not colour alone
    assert any(c.startswith("✓ ") for c in cells) and "≥ 90% green · ≥ 80% yellow" in cells


def test_an_indicator_item_has_its_charts_numbers_story_and_questions(built, book):
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    slides = slides_of(built["pptx"])
    first = next(s for s in slides if title_of(s).startswith("1. "))
    pictures = [s for s in first.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 2  # the trend, and the variation among the offices
    text = "\n".join(texts(first))
    cell = book.numbers.items[book.items[0].id].cell
    assert f"October 2026: {cell['value']:.1f}% ({cell['numerator']:.0f} of {cell['denominator']:.0f})" in text
    assert "✕ below the standard" in text and "Since last month: −" in text and "Since a year ago: " in text
    everything = "\n".join(t for s in slides for t in texts(s))
    assert NOTES.split("\n")[0] in everything and NOTES.split("\n")[1] in everything
    for question in book.numbers.items[book.items[0].id].indicator.questions:
        assert question in everything
    second = next(s for s in slides if title_of(s).startswith("2. "))
    assert len([s for s in second.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]) == 2
    assert "No notes written yet." in "\n".join(texts(second))


def test_practice_kudos_and_reviews_items_are_text_with_masked_cases(built, book, meeting_store):
    slides = slides_of(built["pptx"])
    by_title = {title_of(s): "\n".join(texts(s)) for s in slides}
    assert PRACTICE in by_title["3. Best practice"] and "Best practice and kudos" in by_title["3. Best practice"]
    assert KUDOS in by_title["4. Kudos"]
    reviews = next(text for title, text in by_title.items() if title.startswith("5. "))
    section = next(iter(book.reviews.values()))
    assert len(section.cases) == 3
    for masked, status in section.cases:
        assert masked in reviews and masked.startswith("••••")
    assert "completed" in reviews and "Findings of 1 completed review" in reviews
    assert f"{meeting_store['instrument'].themes[0].name}: 1 review" in reviews


def test_actions_carried_over_are_marked_overdue_and_new_ones_listed(built):
    slides = slides_of(built["pptx"])
    carried = "\n".join(t for s in slides if title_of(s).startswith("Actions carried over") for t in texts(s))
    rows = carried.split("\n")
    assert "Dana Overdue" in carried and "20 Oct 2026" in carried and "✕ overdue (open)" in carried
    assert "Finn Future" in carried and "31 Jan 2027" in carried
    assert "Gus Done" in carried and "✓ done" in carried and "Bayview Office" in carried
    assert rows.count("✕ overdue (open)") == 1  # only the one past its due date on the meeting's day
    assert "overdue as of 30 November 2026: 1" in carried
    new = "\n".join(t for s in slides if title_of(s).startswith("Actions agreed") for t in texts(s))
    assert "Cara Diaz" in new and "15 Jan 2027" in new and "Book every screening at the first home visit" in new
    assert "Dana Overdue" not in new


def test_the_pdf_has_the_same_pages_and_words(built):
    pages = pdf_pages(built["pdf"])
    slides = slides_of(built["pptx"])
    assert len(pages) == len(slides)
    assert TITLE in pages[0] and "Data version 1, as of 10 November 2026" in pages[0]
    assert "Scorecard, October 2026" in pages[1]
    joined = "\n".join(pages)
    for expected in ("Mental health screening", NOTES.split("\n")[0], PRACTICE, KUDOS, "Dana Overdue",
                     "overdue (open)", "Cara Diaz", "15 Jan 2027", "below the standard"):
        assert expected in re.sub(r"\s+", " ", joined), expected
    from pypdf import PdfReader
    page = PdfReader(io.BytesIO(built["pdf"])).pages[0]
    assert float(page.mediabox.width) / float(page.mediabox.height) == pytest.approx(16 / 9, rel=0.01)


def test_no_full_case_id_leaves_in_either_file(built, meeting_store):
    ids = meeting_store["ids"]
    assert ids
    with zipfile.ZipFile(io.BytesIO(built["pptx"])) as deck:
        xml = "\n".join(deck.read(n).decode("utf-8", "replace") for n in deck.namelist() if n.endswith(".xml"))
    pdf = "\n".join(pdf_pages(built["pdf"]))
    assert "••••" in xml and "••••" in pdf  # the cases are there, masked
    assert not [i for i in ids if i in xml or i in pdf]


def test_a_book_whose_data_version_is_gone_keeps_title_agenda_and_actions(book):
    import databook
    gone = replace(book, numbers=None, source="gone", newer=(2, dt.date(2026, 12, 10)))
    slides = slides_of(databook.build(gone, "pptx"))
    titles = [title_of(s) for s in slides]
    assert titles[:2] == [TITLE, "The data version is gone"]
    assert not [t for t in titles if t.startswith("Scorecard")]
    text = "\n".join(t for s in slides for t in texts(s))
    assert "Newer data exists: version 2, as of 10 December 2026" in text
    assert NOTES.split("\n")[0] in text and PRACTICE in text and "Dana Overdue" in text and "Cara Diaz" in text
    assert "Actions carried over" in titles and "Actions agreed at this meeting" in titles
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    assert not [s for slide in slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_the_format_is_pptx_or_pdf(book):
    import databook
    with pytest.raises(databook.DataBookError, match="pptx or pdf"):
        databook.build(book, "docx")


def test_a_missing_browser_is_said_with_what_to_install(book, monkeypatch):
    import databook
    monkeypatch.setenv("BROWSER_PATH", "/nowhere/chromium")
    with pytest.raises(databook.DataBookError, match="install Debian's chromium"):
        databook.build(book, "pdf")


# -- the trend's action marks -------------------------------------------------------------------------------

def test_the_trend_marks_each_action_on_its_cell_where_it_was_agreed(book, meeting_store):
    numbers = book.numbers.items[meeting_store["screening"].id]
    late = meeting_store["late"]
    other = replace(late, id=999, entity=EntityRef("office", "O003"), what="Another office's action")
    marked = replace(late, id=998, what="<a href='x'>Visit</a> & check")
    figure = go.Figure(trend_figure(numbers.trend, [late, other, marked]))  # plotly validates the dict
    lines = [s for s in figure.layout.shapes if s.type == "line" and s.xref == "x"]
    assert [s.x0 for s in lines] == ["2026-10-05", "2026-10-05"]
    notes = [a for a in figure.layout.annotations if a.text.startswith("▼ action")]
    assert notes[0].text == "▼ action 05 Oct 2026: Audit every late in-home sc…"  # short: the hover has it all
    assert notes[1].text == "▼ action 05 Oct 2026: " + literal("<a href='x'>Visit</a> & che…")
    assert "<a" not in notes[1].text and notes[1].yshift > notes[0].yshift  # the same day: stacked
    assert "Another office" not in str(figure.to_dict())
    plain = go.Figure(trend_figure(numbers.trend))
    assert not [a for a in plain.layout.annotations if a.text.startswith("▼")]
    assert figure.layout.margin.t > plain.layout.margin.t


def test_the_indicator_pages_trend_shows_the_actions_to_those_who_read_meetings(demo_instance, tmp_path):
    from tests.web import as_user, engine_of, make_app
    app = make_app(demo_instance, tmp_path / "statboard.db")
    from pages.indicator import show_indicator  # Dash registers the pages once an app exists
    engine = engine_of(app)
    snapshot = app.server.extensions["statboard"].warehouse.snapshot()
    name, ids, month = meeting_numbers.prepare(snapshot, EXECUTIVE.data_scope(), B01, SEPTEMBER)
    made = meetings.create_meeting(engine, EXECUTIVE, B01, name, ids, month, snapshot.version.version_id,
                                   snapshot.version.as_of, BEFORE)
    meetings.add_action(engine, EXECUTIVE, made.id, "Visit every family within five days", "Ann Lee", "2026-12-01",
                        "timely_contacts_cases", B01, name)
    query = {"indicator_id": "timely_contacts_cases", "parent": "bureau:B01"}

    def marks(role):
        with as_user(app, role, role):
            trend = go.Figure(show_indicator(query)[11])
        return [a.text for a in trend.layout.annotations if a.text.startswith("▼")]

    assert marks("executive") == ["▼ action 05 Oct 2026: Visit every family within f…"]
    assert marks("viewer") == []  # a viewer reads no meetings


def test_a_long_text_continues_on_more_slides_and_loses_nothing(book):
    from databook.slides import deck
    words = " ".join(f"word{n}" for n in range(900))  # 5,000-odd characters in one paragraph
    practice = next(i for i in book.items if i.kind == "practice")
    longer = replace(book, items=tuple(replace(i, notes=words) if i is practice else i for i in book.items))
    slides = [s for s in deck(longer).slides if s.title.startswith("3. Best practice")]
    assert [s.title for s in slides] == ["3. Best practice"] + ["3. Best practice (continued)"] * (len(slides) - 1)
    assert len(slides) >= 3 and all(sum(len(line.text) for line in s.lines) <= 17 * 95 for s in slides)
    assert " ".join(line.text for s in slides for line in s.lines) == words


def test_a_closed_meetings_book_is_drawn_from_its_record(meeting_store):
    import databook
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    chromium_or_skip()
    engine, warehouse = meeting_store["engine"], meeting_store["warehouse"]
    snapshot = warehouse.snapshot()
    name, ids, month = meeting_numbers.prepare(snapshot, EXECUTIVE.data_scope(), O002, OCTOBER)
    made = meetings.create_meeting(engine, EXECUTIVE, O002, name, ids, month, snapshot.version.version_id,
                                   snapshot.version.as_of, HELD)
    meetings.add_item(engine, EXECUTIVE, made.id, "indicator", indicator_id="timely_response_immediate",
                      entity=O002, entity_name=name, notes="Nights were short-staffed.")
    items = meetings.agenda(engine, EXECUTIVE, made.id)
    meetings.close_meeting(engine, EXECUTIVE, made.id,
                           meeting_numbers.freeze(meeting_numbers.compute(snapshot, made, items)))
    closed = assemble(warehouse, engine, EXECUTIVE, made.id, meeting_store["instrument"])
    assert closed.source == "record"
    slides = slides_of(databook.build(closed, "pptx"))
    assert "The numbers are those the meeting showed when it was closed." in "\n".join(texts(slides[0]))
    item = next(s for s in slides if title_of(s) == "1. Timely response (immediate): Bayview Office")
    assert len([s for s in item.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]) == 2
    assert "Nights were short-staffed." in "\n".join(texts(item))
    assert any(t.startswith("✕ ") or t.startswith("✓ ") for s in slides for t in texts(s))


# -- many actions on one item; titles; masked ids, whatever the book holds ------------------------------------

def with_actions(book, meeting_store, count: int):
    """`book` with `count` actions on the screening item (it has three): more agreed at the meeting."""
    cara = book.new[0]
    more = tuple(replace(cara, id=900 + n, what=f"Extra step {n}: call every family whose screening is late "
                                              f"and book it within the week")
                 for n in range(count - 3))
    return replace(book, new=(*book.new, *more))


@pytest.fixture(scope="module")
def crowded(book, meeting_store):
    import databook
    chromium_or_skip()
    crowded = with_actions(book, meeting_store, 6)
    return crowded, databook.build(crowded, "pptx")


def test_every_shape_lies_inside_its_slide_with_six_actions_on_one_item(crowded):
    from pptx import Presentation
    deck = Presentation(io.BytesIO(crowded[1]))
    outside = [(n, shape.name, round((shape.top + shape.height) / 914400, 2))
               for n, slide in enumerate(deck.slides, start=1) for shape in slide.shapes
               if shape.left < 0 or shape.top < 0 or shape.left + shape.width > deck.slide_width
               or shape.top + shape.height > deck.slide_height]
    assert not outside, f"shapes off their slide (slide, shape, bottom in inches): {outside}"


def test_six_actions_are_numbered_on_the_trend_with_a_key_beside_it(crowded):
    from databook.slides import TREND_PX, deck
    book, data = crowded
    plan = deck(book)
    trend = plan.figures[f"trend-{book.items[0].id}"]
    assert trend.height == TREND_PX  # as tall as with no action
    marks = [a["text"] for a in trend.figure["layout"]["annotations"] if a.get("xref") == "x"]
    assert marks == ["1–2", "3–6"]  # two from the earlier meeting, four agreed at this one
    item = next(s for s in slides_of(data) if title_of(s).startswith("1. "))
    text = "\n".join(texts(item))
    assert "6 actions on this cell, numbered on the trend where agreed:" in text
    assert "1. Audit every late in-home screening (Dana Overdue, due 20 Oct 2026)" in text
    assert "3. Book every screening at the first home visit (Cara Diaz, due 15 Jan 2027)" in text
    assert "6. Extra step 2: call every family whose scree… (Cara Diaz, due 15 Jan 2027)" in text


def test_the_key_beside_a_trend_says_how_many_it_leaves_out_when_full(book, meeting_store):
    from databook.slides import SIDE_CHARS, SIDE_LINES, _lines_needed, deck
    many = with_actions(book, meeting_store, 20)
    item = deck(many).slides[next(n for n, s in enumerate(deck(many).slides) if s.title.startswith("1. "))]
    assert _lines_needed(list(item.lines), SIDE_CHARS) <= SIDE_LINES
    assert re.search(r"… and \d+ more, in the actions at the end of the book", item.lines[-1].text)


def test_every_slide_has_a_title_placeholder_with_its_title(built, book, crowded):
    from pptx.enum.shapes import PP_PLACEHOLDER
    from databook.slides import deck
    for made, data in ((book, built["pptx"]), (crowded[0], crowded[1])):
        slides = slides_of(data)
        planned = [s.title for s in deck(made).slides]
        assert len(slides) == len(planned)
        for slide, title in zip(slides, planned):
            placeholder = slide.shapes.title
            assert placeholder is not None and placeholder.placeholder_format.type == PP_PLACEHOLDER.TITLE
            assert placeholder.text_frame.text == title


def test_figures_are_fitted_inside_the_slide_however_tall(book):
    from databook.slides import BODY_TOP_IN, FIGURE_WIDTH_IN, HEIGHT_IN, figure_boxes
    boxes = figure_boxes([(720, 470), (720, 300)])  # 8.3 in tall at full width
    assert boxes[-1][1] + boxes[-1][3] <= HEIGHT_IN - 0.25 and boxes[0][1] == BODY_TOP_IN
    assert all(w / h == pytest.approx(720 / px) for (_, _, w, h), px in zip(boxes, (470, 300)))
    assert figure_boxes([(720, 330)])[0][2] == FIGURE_WIDTH_IN  # one that fits keeps its width


def test_a_case_id_is_masked_in_the_book_even_when_the_book_holds_it_whole(book, meeting_store):
    from display.mask import mask_id
    from databook.slides import deck
    ids = sorted(meeting_store["ids"])
    item = next(i for i in book.items if i.kind == "reviews")
    section = book.reviews[item.id]
    whole = replace(section, cases=tuple((case_id, "completed") for case_id in ids))
    plan = deck(replace(book, reviews={**book.reviews, item.id: whole}))
    text = "\n".join([s.title for s in plan.slides] + [line.text for s in plan.slides for line in s.lines]
                     + [c.text for s in plan.slides if s.table for row in s.table.rows for c in row])
    assert not [i for i in ids if i in text]
    assert all(mask_id(i) in text for i in ids)


def test_many_actions_are_numbered_on_a_trend_that_keeps_its_height(book, meeting_store):
    from components.charts import action_key, presented
    numbers = book.numbers.items[meeting_store["screening"].id]
    two, six, twelve = (with_actions(book, meeting_store, n) for n in (3, 6, 12))
    two = replace(book, new=())  # the two carried over
    figures = {n: go.Figure(trend_figure(numbers.trend, [*b.carried, *b.new]))
               for n, b in ((2, two), (6, six), (12, twelve))}
    assert [a.text for a in figures[2].layout.annotations if a.text.startswith("▼ action")]  # two: labelled
    assert figures[6].layout.height == figures[12].layout.height == figures[2].layout.height
    assert figures[6].layout.margin.t == figures[12].layout.margin.t
    marks = [a for a in figures[12].layout.annotations if a.xref == "x"]
    assert [a.text for a in marks] == ["1–2", "3–12"] and not [a for a in marks if "▼" in a.text]
    assert "Extra step 8: call every family" in marks[1].hovertext  # the whole text, in the hover
    presented_six = presented(trend_figure(numbers.trend, [*six.carried, *six.new]))["layout"]
    presented_twelve = presented(trend_figure(numbers.trend, [*twelve.carried, *twelve.new]))["layout"]
    assert presented_six["margin"]["t"] == presented_twelve["margin"]["t"] <= 110  # the plot is not squashed
    key = action_key(numbers.trend, [*twelve.carried, *twelve.new])
    assert [n for n, _ in key] == list(range(1, 13)) and key[0][1].what == "Audit every late in-home screening"


def test_the_meeting_page_lists_the_numbered_actions_beside_its_trend(book, meeting_store):
    from components.meeting import item_card
    six = with_actions(book, meeting_store, 6)
    item = next(i for i in six.items if i.id == meeting_store["screening"].id)

    def found(node, class_name):
        if class_name in (getattr(node, "className", None) or "").split():
            return node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            hit = found(child, class_name) if child is not None and not isinstance(child, str) else None
            if hit is not None:
                return hit
        return None

    def lines(key):
        return [li.children for li in key.children[1].children]

    presented = item_card(six, item, 1, False, present=True)
    side = found(presented, "present-item-side")
    key = found(side, "meeting-trend-key")
    assert key is not None and key.children[0].children == "Actions numbered on the trend"
    assert lines(key)[0] == "1. Audit every late in-home screening"
    assert lines(key)[5] == "6. Extra step 2: call every family w…" and len(lines(key)) == 6
    desk = found(item_card(six, item, 1, True), "meeting-trend-key")
    assert lines(desk)[0] == "1. 05 Oct 2026: Audit every late in-home screening (Dana Overdue, due 20 Oct 2026, open)"
    assert found(item_card(replace(book, new=()), item, 1, True), "meeting-trend-key") is None  # two: labelled
