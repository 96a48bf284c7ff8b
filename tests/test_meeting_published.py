"""Published figures on a Stat meeting's agenda (store/published_items.py): a county's meeting discusses its own
data and, beside it, the state's CFSR figures as the Children's Bureau published them. An item is pinned to the
version of the source it was added from; the page, the data book, the follow-up and `statboard meetings show` say
it alike; a closed meeting keeps it in its record."""
from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from access.roles import reader_for
from measures.catalogue import load_catalogue
from queries.warehouse import Warehouse
from reviews.instrument import load_instrument
from store import db, meeting_acts, meetings
from store.aggregates import import_aggregates
from store.db import meeting_items, meeting_log
from store.followup import followup_text
from store.meeting_book import assemble
from store.meeting_text import meeting_frames, meeting_text
from store.meetings import MeetingError
from tests.test_meeting_pages import act, new_meeting, post, text_of
from tests.web import engine_of, make_app, signed_in_client

PROFILE = Path(__file__).parent / "data" / "cfsr-national-2025-08.csv"
REENTRY = "Re-entry to foster care within 12 months"
EXECUTIVE = reader_for("eve", "executive", None)


def import_profile(engine, source: str = "cfsr-national", path: Path = PROFILE):
    return import_aggregates(engine, path, "cfsr-profile", load_catalogue(), "test", source)


@pytest.fixture(scope="module")
def app(demo_instance, tmp_path_factory):
    made = make_app(demo_instance, tmp_path_factory.mktemp("published") / "statboard.db")
    import_profile(engine_of(made))
    return made


@pytest.fixture(scope="module")
def clients(app):
    return {"north": signed_in_client(app, "north", "manager", "bureau:B01"),
            "analyst": signed_in_client(app, "analyst", "analyst", None),
            "viewer": signed_in_client(app, "viewer", "viewer", None)}


@pytest.fixture(scope="module")
def warehouse(demo_instance):
    found = Warehouse(f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    yield found
    found.dispose()


DAYS = (dt.date(2026, 10, 1) + dt.timedelta(days=n) for n in itertools.count())


def fresh_meeting(client) -> int:
    """A new meeting of North Bureau on September 2026's data, on a day no other test's meeting has."""
    return new_meeting(client, held_on=f"{next(DAYS):%Y-%m-%d}")


def book_of(app, warehouse, meeting_id: int):
    return assemble(warehouse, engine_of(app), EXECUTIVE, meeting_id, load_instrument())


def said(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.dumps(response.get_json(), ensure_ascii=False)


def add_published(client, meeting_id: int, source="cfsr-national", indicator="cfsr_reentry", entity="state:CA"):
    return act(client, meeting_id, "meeting-published-add.n_clicks", **{
        "meeting-published-add.n_clicks": 1, "meeting-published-source.value": source,
        "meeting-published-indicator.value": indicator, "meeting-published-entity.value": entity})


def page(client, meeting_id: int, present: bool = False) -> str:
    """The meeting page's answer as text, its dashes and quotes as written."""
    response = post(client, "meeting-title", {"meeting-query.data": {"id": str(meeting_id)},
                                              "meeting-changed.data": {"n": 0},
                                              "meeting-present.data": {"present": present}})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_a_published_figure_is_added_from_the_page_and_shown_with_its_value_status_and_trend(app, clients,
                                                                                              warehouse):
    meeting_id = fresh_meeting(clients["north"])
    answer = said(add_published(clients["north"], meeting_id))
    assert f"{REENTRY} for California, as published, added to the agenda." in answer
    [item] = [i for i in meetings.agenda(engine_of(app), EXECUTIVE, meeting_id) if i.kind == "published"]
    assert (item.published_source, item.indicator_id, str(item.entity), item.entity_name, item.period) == (
        "cfsr-national", "cfsr_reentry", "state:CA", "California", "21B22A")  # the newest with a value
    shown = page(clients["north"], meeting_id)
    assert f"1. {REENTRY} — California" in shown and "5.5%" in shown and "(788 of 14,431)" in shown
    assert "as published by Children's Bureau, CFSR Round 4 national profile, Apr '21 – Mar '22" in shown
    assert "United States: 5.6%" in shown and "Standard: ≤ 5.6%" in shown
    trend = next(c for c in json.loads(shown)["response"]["meeting-agenda"]["children"][0]["props"]["children"]
                 ["props"]["children"] if isinstance(c, dict) and c.get("type") == "Graph")["props"]["figure"]
    assert [t["name"] for t in trend["data"]] == ["United States", "California"]
    assert trend["data"][1]["y"] == [pytest.approx(788 / 14431 * 100), None, None]  # two years not published
    assert [a["text"] for a in trend["layout"]["annotations"] if a["text"] == "not published"] == ["not published"] * 2
    # names, not ids, in the meeting's log
    with engine_of(app).connect() as conn:
        logged = conn.execute(sa.select(meeting_log.c.change).where(meeting_log.c.meeting_id == meeting_id)
                              .order_by(meeting_log.c.id)).scalars().all()
    assert logged[-1] == f"added {REENTRY} for California, as published to the agenda"
    # presented, it reads like the other items: its value, who published it, its trend; no form
    presented = page(clients["north"], meeting_id, present=True)
    assert "5.5%" in presented and "present-item-main" in presented and "meeting-item-remove" not in presented
    assert "already on the agenda" in said(add_published(clients["north"], meeting_id))


@pytest.fixture(scope="module")
def refusing(clients) -> int:
    """One meeting for the refusals (a bureau holds at most twelve open meetings)."""
    return fresh_meeting(clients["north"])


@pytest.mark.parametrize("source, indicator, entity, words", [
    ("no-such-source", "cfsr_reentry", "state:CA", "there is no published source 'no-such-source'"),
    ("cfsr-national", "reentry", "state:CA", "the published source 'cfsr-national' has no indicator 'reentry'"),
    ("cfsr-national", "cfsr_reentry", "state:ZZ", "has no figure of Re-entry to foster care within 12 months for "
                                                  "state ZZ"),
    ("cfsr-national", "cfsr_reentry", "county:CA", "for county CA"),
    ("Bad Name!", "cfsr_reentry", "state:CA", "is not one: use lower-case letters"),
    ("cfsr-national", "cfsr_reentry", "CA", "choose the source, the indicator and the state or nation"),
    (None, "cfsr_reentry", "state:CA", "choose the source, the indicator and the state or nation"),
])
def test_an_unknown_source_indicator_or_entity_is_refused_with_what_the_source_has(app, clients, refusing, source,
                                                                                    indicator, entity, words):
    meeting_id = refusing
    answer = said(add_published(clients["north"], meeting_id, source, indicator, entity))
    assert "Nothing was changed" in answer and words in answer and "Traceback" not in answer
    assert meetings.agenda(engine_of(app), EXECUTIVE, meeting_id) == []


def test_who_may_not_change_the_meeting_may_not_add_one(app, clients):
    meeting_id = fresh_meeting(clients["north"])
    south = reader_for("south", "manager", "bureau:B02")
    with pytest.raises(Exception, match="no meeting"):
        meeting_acts.flag_published(engine_of(app), south, meeting_id, "cfsr-national", "cfsr_reentry", "state", "CA")
    assert "Nothing was changed" in said(add_published(clients["viewer"], meeting_id))
    # an analyst prepares meetings: they may
    assert "added to the agenda" in said(add_published(clients["analyst"], meeting_id))


def headline_of(book) -> str:
    return (f"{REENTRY} — California: 5.5% (meets the standard), as published by Children's Bureau, CFSR Round 4 "
            "national profile, Apr '21 – Mar '22")


def test_the_follow_up_and_meetings_show_list_it_with_its_value_and_period(app, clients, warehouse, run,
                                                                             demo_instance, monkeypatch):
    meeting_id = fresh_meeting(clients["north"])
    monkeypatch.setenv("STATBOARD_DATABASE_URL", engine_of(app).url.render_as_string(hide_password=False))
    monkeypatch.setenv("STATBOARD_WAREHOUSE_URL", f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    added = run("meetings", "agenda", "add", meeting_id, "--source", "cfsr-national", "--indicator", "cfsr_reentry",
                "--entity", "state:CA", "--by", "north")
    assert added.exit_code == 0, added.stderr
    assert added.stderr.endswith(f"added {REENTRY} for California, as published, to meeting {meeting_id}'s agenda "
                                 "(item 1)\n")
    book = book_of(app, warehouse, meeting_id)
    assert f"- {headline_of(book)}" in followup_text(book).splitlines()
    shown = run("meetings", "show", meeting_id, "--by", "north")
    assert shown.exit_code == 0, shown.stderr
    assert f"  1. {headline_of(book)}" in shown.stdout.splitlines()
    table = run("meetings", "show", meeting_id, "--format", "csv", "--part", "agenda", "--by", "north")
    assert "published,cfsr_reentry,Re-entry to foster care within 12 months,state:CA,California,5.5%,green" \
        in table.stdout
    frame = meeting_frames(book)["agenda"]
    assert frame.period.tolist() == ["Apr '21 – Mar '22"]
    # the command line's refusals are one line each
    for args, words in ((("--source", "cfsr-national", "--indicator", "cfsr_reentry", "--entity", "state:ZZ"),
                         "has no figure of Re-entry to foster care within 12 months for state ZZ"),
                        (("--source", "nothing-here", "--indicator", "cfsr_reentry", "--entity", "state:CA"),
                         "there is no published source 'nothing-here'"),
                        (("--source", "cfsr-national", "--entity", "state:CA"),
                         "with --source, give --indicator ID (e.g. cfsr_reentry) and --entity TYPE:ID")):
        refused = run("meetings", "agenda", "add", meeting_id, *args, "--by", "north")
        assert refused.exit_code == 1 and words in refused.stderr and refused.stderr.count("\n") == 1, refused.stderr
    # the case-level path is as it was
    cell = run("meetings", "agenda", "add", meeting_id, "--indicator", "reentry", "--entity", "office:O001",
               "--by", "north")
    assert cell.exit_code == 0 and "for Alder Office to meeting" in cell.stderr


def test_the_data_book_has_a_slide_for_it_with_its_title_and_every_shape_inside(app, clients, warehouse):
    from pptx import Presentation
    from pptx.enum.shapes import PP_PLACEHOLDER

    import databook
    from databook.slides import deck
    from tests.test_databook import chromium_or_skip, pdf_pages, slides_of, texts, title_of
    chromium_or_skip()
    meeting_id = fresh_meeting(clients["north"])
    said(add_published(clients["north"], meeting_id))
    book = book_of(app, warehouse, meeting_id)
    planned = [s.title for s in deck(book).slides]
    title = f"1. {REENTRY}: California (as published)"
    assert title in planned
    pptx = databook.build(book, "pptx")
    slides = slides_of(pptx)
    slide = slides[planned.index(title)]
    assert slide.shapes.title.placeholder_format.type == PP_PLACEHOLDER.TITLE and title_of(slide) == title
    text = "\n".join(texts(slide))
    assert "Apr '21 – Mar '22: 5.5% (788 of 14,431)" in text and "✓ meets the standard" in text
    assert "United States: 5.6%" in text and "As published by Children's Bureau" in text
    assert any(shape.shape_type == 13 for shape in slide.shapes)  # its trend, a picture
    made = Presentation(io.BytesIO(pptx))
    outside = [(n, shape.name) for n, s in enumerate(made.slides, start=1) for shape in s.shapes
               if shape.left < 0 or shape.top < 0 or shape.left + shape.width > made.slide_width
               or shape.top + shape.height > made.slide_height]
    assert not outside
    pages = pdf_pages(databook.build(book, "pdf"))
    assert len(pages) == len(planned)
    words = " ".join(pages[planned.index(title)].split())
    assert title in words and "Apr '21 – Mar '22: 5.5% (788 of 14,431)" in words


def test_a_closed_meeting_keeps_the_published_figures_it_showed(app, clients, warehouse):
    engine = engine_of(app)
    meeting_id = fresh_meeting(clients["north"])
    said(add_published(clients["north"], meeting_id))
    meeting_acts.close(warehouse, engine, EXECUTIVE, meeting_id, via="test")
    record = json.loads(meetings.record_of(engine, EXECUTIVE, meeting_id))
    [kept] = record["published"].values()
    assert kept["entity"] == "state:CA" and kept["points"][0]["value"] == pytest.approx(788 / 14431 * 100)
    # Were the store's rows of that version ever changed, the closed meeting would still say what it showed.
    version = kept["version_id"]
    with engine.begin() as conn:
        conn.execute(db.aggregate_rows.update().where(db.aggregate_rows.c.version_id == version,
                                                      db.aggregate_rows.c.entity_id == "CA")
                     .values(numerator="1"))
    try:
        book = book_of(app, warehouse, meeting_id)
        assert f"- {headline_of(book)}" in followup_text(book).splitlines()
        shown = page(clients["north"], meeting_id)
        assert "5.5%" in shown and "Closed" in shown
    finally:
        with engine.begin() as conn:
            conn.execute(db.aggregate_rows.update().where(db.aggregate_rows.c.version_id == version,
                                                          db.aggregate_rows.c.entity_id == "CA",
                                                          db.aggregate_rows.c.indicator_id == "cfsr_reentry",
                                                          db.aggregate_rows.c.period == "21B22A",
                                                          db.aggregate_rows.c.breakdown_dimension == "")
                         .values(numerator="788"))
    answer = said(add_published(clients["north"], meeting_id, entity="nation:US"))
    assert "is closed" in answer, answer


def test_an_item_keeps_the_version_it_was_added_from_when_the_source_is_imported_again(app, clients, warehouse,
                                                                                        tmp_path):
    """Late in the file: from here on, the second import is the source's newest version."""
    engine = engine_of(app)
    meeting_id = fresh_meeting(clients["north"])
    said(add_published(clients["north"], meeting_id))
    [first] = meetings.agenda(engine, EXECUTIVE, meeting_id)
    # the next profile publishes California's re-entry for Apr '22 – Mar '23 too
    lines = PROFILE.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if line.startswith('"California","CA","Permanency","Reentry')
               and ',"22B23A",' in line)
    lines[row] = lines[row].replace("""Mar '23",,,,,40,""", """Mar '23",14000,700,0.05,,40,""")
    newer = tmp_path / "cfsr-national-2025-09.csv"
    newer.write_text("".join(lines), encoding="utf-8")
    second = import_profile(engine, path=newer)
    assert second.id > first.source_version
    book = book_of(app, warehouse, meeting_id)
    series = book.published[first.id]
    assert (series.version_id, series.shown.label, series.shown.value) == (
        first.source_version, "Apr '21 – Mar '22", pytest.approx(788 / 14431 * 100))
    assert series.newer == (second.id, second.as_of)
    shown = page(clients["north"], meeting_id)
    assert "5.5%" in shown and "cfsr-national has newer figures" in shown
    # an item added now is pinned to the new version, and shows its newest period
    other = fresh_meeting(clients["north"])
    said(add_published(clients["north"], other))
    [added] = meetings.agenda(engine, EXECUTIVE, other)
    assert (added.source_version, added.period) == (second.id, "22B23A")
    assert "5.0%" in page(clients["north"], other)


def test_the_form_offers_the_sources_indicators_and_the_nation_first_then_the_states(app, clients, warehouse):
    offered = post(clients["north"], "meeting-published-indicator", {
        "meeting-published-source.value": "cfsr-national", "meeting-published-indicator.value": "cfsr_reentry"})
    indicators, places = (offered.get_json()["response"][k]["options"]
                          for k in ("meeting-published-indicator", "meeting-published-entity"))
    assert {"label": REENTRY, "value": "cfsr_reentry"} in indicators and len(indicators) == 8
    # the profile gives the nation's re-entry only as the total of its age breakdown: it is the nation's figure
    assert places[0] == {"label": "United States", "value": "nation:US"}
    assert {"label": "California", "value": "state:CA"} in places and len(places) == 53
    meeting_id = fresh_meeting(clients["north"])
    assert "for United States, as published, added" in said(add_published(clients["north"], meeting_id,
                                                                           entity="nation:US"))
    [series] = book_of(app, warehouse, meeting_id).published.values()
    assert series.comparison_name is None and series.shown.label == "Apr '23 – Mar '24"  # held to the standard
