"""Reviews of picked cases in the app store (SQLite and PostgreSQL): assignment, the queue by role and scope,
drafts and completion checked against the instrument, the findings they roll up to, the audit log, and
`statboard reviews assign|queue`; on selections drawn from the `small` demo agency."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

from store import db
from access.roles import reader_for
from store.case_reviews import (AnswersRefused, complete_review, findings, list_queue, load_review, open_reviews,
                                  save_answers)
from store.reviews import (Cell, Criteria, ReviewError, draw_cases, eliminate, load_elimination_reasons,
                             save_selection)
from access.scope import DEPARTMENT, EntityRef, OutsideScope, Scope
from store.users import add_user, set_disabled
from reviews.instrument import load_instrument
from tests.web import hashed_once, new_store

OCTOBER = dt.date(2026, 10, 1)
O001, O002 = EntityRef("office", "O001"), EntityRef("office", "O002")
PASSWORD = "a-long-password-1"
USERS = [("eve", "executive", None), ("mo1", "manager", "office:O001"), ("mo2", "manager", "office:O002"),
         ("bb1", "manager", "bureau:B01"), ("ana", "analyst", None), ("vic", "viewer", None), ("adm", "admin", None)]
READERS = {name: reader_for(name, role, scope) for name, role, scope in USERS}
DUE = db.utcnow().date() + dt.timedelta(days=30)

INSTRUMENT = '''version = 1
name = "A small review"

[[rating]]
id = "strength"
name = "Strength"
rationale = "optional"

[[rating]]
id = "ani"
name = "Area Needing Improvement"
rationale = "required"

[[rating]]
id = "na"
name = "Not Applicable"
rationale = "optional"

[[outcome]]
id = "safety_1"
domain = "Safety"
name = "Children are protected."

[[outcome.item]]
id = "timely_response"
number = 1
name = "Timely response"
question = "Was the referral answered in time?"
guidance = "The first contact."
ratings = ["strength", "ani"]

[[outcome.item]]
id = "relative_placement"
number = 2
name = "Relative placement"
question = "Was the child placed with relatives?"
guidance = "Not applicable when the child stayed home."
ratings = ["strength", "ani", "na"]

[[theme]]
id = "engagement"
name = "Engagement"
description = "Working with the family."

[[theme]]
id = "teaming"
name = "Teaming"
description = "Working with partners."

[[question]]
id = "went_well"
name = "What went well"
prompt = "What went well?"
required = true
'''


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, new_store_engine):
    engine = new_store_engine(request.param)
    with hashed_once(PASSWORD):
        for name, role, scope in USERS:
            add_user(engine, name, role, scope, PASSWORD, "test")
    return engine


@pytest.fixture
def instrument(tmp_path):
    path = tmp_path / "instrument.toml"
    path.write_text(INSTRUMENT, encoding="utf-8")
    return load_instrument(path)


def selection(engine, snapshot, entity, n=2, seed="cr"):
    drawn = draw_cases(snapshot, Scope.everything(), [Cell("placement_with_relatives", OCTOBER, entity)], seed,
                       Criteria(n=n))
    return save_selection(engine, drawn, "eve")


def answers(timely=None, relative=None, themes=(), went_well=None, rationale=None) -> dict:
    items = {}
    for item_id, rating in (("timely_response", timely), ("relative_placement", relative)):
        if rating is not None:
            items[item_id] = {"rating": rating, **({"rationale": rationale} if rationale else {})}
    return {"items": items, "themes": list(themes), "questions": {} if went_well is None else {"went_well": went_well}}


def done(timely, relative, themes=()) -> dict:
    return answers(timely, relative, themes, "the family was heard", rationale="what the file showed")


# -- assignment ----------------------------------------------------------------------------------------

def test_each_picked_case_not_eliminated_becomes_an_assigned_review(engine, demo_snapshot):
    saved = selection(engine, demo_snapshot, O001, n=3)
    gone, replacement = eliminate(engine, Scope.everything(), saved.id, saved.picks[1].member_id,
                                  "sibling_in_sample", "her brother is draw 1", "eve", load_elimination_reasons())
    opened = open_reviews(engine, READERS["eve"], saved.id, "MO1", DUE)
    assert [(r.draw, r.member_id) for r in opened] == [(1, saved.picks[0].member_id), (3, saved.picks[2].member_id),
                                                      (4, replacement.member_id)]
    assert {(r.status, r.assignee, r.due, r.assigned_by, r.selection_id) for r in opened} == {
        ("assigned", "mo1", DUE, "eve", saved.id)}
    assert all(r.answers is None and r.instrument_digest is None and r.completed_at is None for r in opened)
    with pytest.raises(ReviewError, match=f"every case picked in selection {saved.id} already has a review"):
        open_reviews(engine, READERS["eve"], saved.id, "mo1", DUE)
    # a replacement picked after the reviews were opened gets its own; the eliminated case's leaves the queue
    eliminate(engine, Scope.everything(), saved.id, replacement.member_id, "sibling_in_sample", "a sister too",
              "eve", load_elimination_reasons())
    later = open_reviews(engine, READERS["eve"], saved.id, "bb1", DUE)
    assert [(r.draw, r.assignee) for r in later] == [(5, "bb1")]
    assert [r.draw for r in list_queue(engine, READERS["eve"])] == [1, 3, 5]


def test_a_review_goes_to_someone_who_may_read_the_case_by_a_day_not_past(engine, demo_snapshot):
    saved = selection(engine, demo_snapshot, O001)
    set_disabled(engine, "mo2", True, "test")
    add_user(engine, "mo3", "manager", "office:O003", PASSWORD, "test")
    for reviewer, due, says in [
        ("mo3", DUE, "mo3 manages office:O003, which does not cover office:O001: choose a manager of office:O001"),
        ("mo2", DUE, "mo2 is disabled"),
        ("ana", DUE, "ana's role, analyst, does not read case records: a review is assigned to a manager"),
        ("vic", DUE, "vic's role, viewer, does not read case records"),
        ("nobody", DUE, "there is no user 'nobody'"),
        ("mo1", db.utcnow().date() - dt.timedelta(days=1), "has passed: give today"),
        ("mo1", "2030-01-01", "the due date must be a day"),
    ]:
        with pytest.raises(ReviewError, match=says):
            open_reviews(engine, READERS["eve"], saved.id, reviewer, due)
    assert list_queue(engine, READERS["eve"]) == []
    today = db.utcnow().date()
    assert [r.assignee for r in open_reviews(engine, READERS["bb1"], saved.id, "bb1", today)] == ["bb1"] * 2


# -- the queue, by role and scope ------------------------------------------------------------------------

@pytest.fixture
def two_offices(engine, demo_snapshot):
    """Selection of O001 (reviews assigned to mo1) and of O002 (to mo2), two picks each."""
    first, second = selection(engine, demo_snapshot, O001), selection(engine, demo_snapshot, O002)
    return (open_reviews(engine, READERS["eve"], first.id, "mo1", DUE),
            open_reviews(engine, READERS["eve"], second.id, "mo2", DUE + dt.timedelta(days=1)))


def test_the_queue_holds_only_the_readers_subtree(engine, two_offices):
    own, other = two_offices
    ids = lambda found: [r.id for r in found]  # noqa: E731
    assert ids(list_queue(engine, READERS["eve"])) == ids(own) + ids(other)  # the soonest due first
    assert ids(list_queue(engine, READERS["mo1"])) == ids(own)
    assert ids(list_queue(engine, READERS["mo2"])) == ids(other)
    bureau_b01 = [r for r in own + other if r.entity_ids["bureau_id"] == "B01"]
    assert ids(list_queue(engine, READERS["bb1"])) == ids(bureau_b01) and bureau_b01
    assert ids(list_queue(engine, READERS["eve"], assignee="MO2")) == ids(other)
    assert ids(list_queue(engine, READERS["eve"], status="completed")) == []
    assert ids(list_queue(engine, READERS["eve"], status="assigned")) == ids(own) + ids(other)
    with pytest.raises(ReviewError, match="status 'done'. write one of assigned, in progress, completed"):
        list_queue(engine, READERS["eve"], status="done")
    for name, says in (("ana", "case-level records"), ("vic", "case-level records"), ("adm", "reads no data")):
        with pytest.raises(OutsideScope, match=says):
            list_queue(engine, READERS[name])


def test_a_manager_can_neither_see_nor_fill_in_another_offices_reviews(engine, two_offices, instrument):
    _, other = two_offices
    review = other[0]
    no_review = f"there is no review {review.id} that you may see \\(office O001 and everything in it\\)"
    for attempt, says in [
        (lambda: load_review(engine, READERS["mo1"], review.id), no_review),
        (lambda: save_answers(engine, READERS["mo1"], review.id, answers("strength"), instrument), no_review),
        (lambda: complete_review(engine, READERS["mo1"], review.id, done("strength", "na"), instrument), no_review),
        (lambda: open_reviews(engine, READERS["mo1"], review.selection_id, "mo1", DUE),
         f"there is no selection {review.selection_id} that you may see")]:
        with pytest.raises(OutsideScope, match=says):
            attempt()
    with pytest.raises(OutsideScope, match="there is no review 999 that you may see"):
        load_review(engine, READERS["mo1"], 999)
    assert load_review(engine, READERS["mo2"], review.id).status == "assigned"


def test_only_the_assignee_or_an_executive_fills_in_a_review(engine, two_offices, instrument):
    own, _ = two_offices
    with pytest.raises(OutsideScope, match=f"review {own[0].id} is assigned to mo1: only they, or an executive"):
        save_answers(engine, READERS["bb1"], own[0].id, answers("strength"), instrument)  # bb1 may read it
    with pytest.raises(OutsideScope, match="assigned to mo1"):
        complete_review(engine, READERS["bb1"], own[0].id, done("strength", "na"), instrument)
    assert load_review(engine, READERS["bb1"], own[0].id).status == "assigned"
    assert save_answers(engine, READERS["mo1"], own[0].id, answers("strength"), instrument).saved_by == "mo1"
    assert complete_review(engine, READERS["eve"], own[1].id, done("ani", "na"), instrument).completed_by == "eve"


# -- drafts and completion -------------------------------------------------------------------------------

def test_a_draft_is_checked_as_a_draft_and_keeps_the_instruments_digest(engine, two_offices, instrument):
    review = two_offices[0][0]
    draft = answers(timely="ani", themes=["engagement"])  # no rationale yet, nothing else rated
    saved = save_answers(engine, READERS["mo1"], review.id, draft, instrument)
    assert (saved.status, saved.answers, saved.instrument_digest) == ("in progress", draft, instrument.digest)
    assert saved.completed_at is None and saved.saved_by == "mo1"
    with engine.connect() as conn:
        row = conn.execute(sa.select(db.case_reviews).where(db.case_reviews.c.id == review.id)).one()
    assert json.loads(row.answers) == draft and row.instrument_digest == instrument.digest
    with pytest.raises(AnswersRefused) as caught:
        save_answers(engine, READERS["mo1"], review.id, {"items": {"timely": {"rating": "good"}}, "themes": ["x"]},
                     instrument)
    assert caught.value.problems == [
        "unknown item 'timely'; the instrument has no such item",
        "unknown theme 'x'; the themes are: engagement, teaming"]
    assert str(caught.value).startswith(f"review {review.id} not saved: 2 problem(s): unknown item 'timely'")
    assert load_review(engine, READERS["mo1"], review.id).answers == draft  # the draft before is kept


def test_completion_needs_every_item_rated_and_every_ani_explained_all_said_at_once(engine, two_offices,
                                                                                   instrument):
    review = two_offices[0][0]
    with pytest.raises(AnswersRefused) as caught:
        complete_review(engine, READERS["mo1"], review.id, answers(timely="ani", themes=["teaming"]), instrument)
    assert caught.value.problems == [
        "item 1 (Timely response): rated Area Needing Improvement, which needs a rationale: write what the case "
        "showed",
        "item 2 (Relative placement): not rated; rate it Strength, Area Needing Improvement or Not Applicable",
        "'What went well' is not answered; a completed review answers it"]
    assert str(caught.value).startswith(f"review {review.id} not completed: 3 problem(s): item 1 (Timely "
                                        "response): rated Area Needing Improvement, which needs a rationale")
    assert load_review(engine, READERS["mo1"], review.id).status == "assigned"
    finished = complete_review(engine, READERS["mo1"], review.id, done("ani", "na", ["teaming"]), instrument)
    assert (finished.status, finished.completed_by, finished.instrument_digest) == ("completed", "mo1",
                                                                                   instrument.digest)
    assert finished.completed_at is not None and finished.answers == done("ani", "na", ["teaming"])
    for change in (save_answers, complete_review):
        with pytest.raises(ReviewError, match=f"review {review.id} was completed by mo1 on .*; a completed review "
                                              "is not changed"):
            change(engine, READERS["eve"], review.id, done("strength", "na"), instrument)


@pytest.mark.parametrize("bad, found", [
    ("a\x1bb", "a control character (U+001B) at character 2"),
    ("\ud800", "a broken character (U+D800) at character 1"),
    ("Seen by \u202edays 3\u202c in time", "a right-to-left override (U+202E) at character 9"),
    ("in\u200b time", "a zero-width space (U+200B) at character 3")])
def test_a_rationale_or_an_answer_that_shows_other_than_written_is_refused_with_nothing_written(
        engine, two_offices, instrument, bad, found):
    review = two_offices[0][0]
    before = db.audit_entries(engine, None)
    named = [f"item 1 (Timely response): the rationale holds {found}",
             f"item 2 (Relative placement): the rationale holds {found}", f"'What went well' holds {found}"]
    for fill in (save_answers, complete_review):
        with pytest.raises(AnswersRefused) as caught:
            fill(engine, READERS["mo1"], review.id, answers(timely="strength", relative="na", rationale=bad,
                                                            went_well=bad), instrument)
        assert [p[:len(n)] for p, n in zip(caught.value.problems, named)] == named
        assert len(caught.value.problems) == 3 and all(bad not in p for p in caught.value.problems)
    kept = load_review(engine, READERS["mo1"], review.id)
    assert (kept.status, kept.answers, kept.saved_at) == ("assigned", None, None)
    assert db.audit_entries(engine, None) == before


def test_a_review_of_an_eliminated_case_is_closed(engine, two_offices, instrument):
    review = two_offices[0][0]
    eliminate(engine, Scope.everything(), review.selection_id, review.member_id, "sibling_in_sample", "a brother",
              "eve", load_elimination_reasons())
    with pytest.raises(ReviewError, match=f"the case of review {review.id} was eliminated"):
        save_answers(engine, READERS["mo1"], review.id, answers("strength"), instrument)
    assert review.id not in [r.id for r in list_queue(engine, READERS["mo1"])]


def test_a_case_whose_review_has_begun_is_not_eliminated(engine, two_offices, instrument):
    begun, waiting = two_offices[0][0], two_offices[0][1]
    save_answers(engine, READERS["mo1"], begun.id, answers("strength"), instrument)
    with pytest.raises(ReviewError, match="has a review in progress: a case whose review has begun is not eliminated"):
        eliminate(engine, Scope.everything(), begun.selection_id, begun.member_id, "sibling_in_sample", "a brother",
                  "eve", load_elimination_reasons())
    eliminate(engine, Scope.everything(), waiting.selection_id, waiting.member_id, "sibling_in_sample",
              "a brother", "eve", load_elimination_reasons())  # assigned, not begun: it may still go


# -- findings --------------------------------------------------------------------------------------------

def test_findings_roll_up_the_completed_reviews_of_an_entity_and_a_period(engine, demo_snapshot, instrument):
    first = open_reviews(engine, READERS["eve"], selection(engine, demo_snapshot, O001, n=4).id, "mo1", DUE)
    other = open_reviews(engine, READERS["eve"], selection(engine, demo_snapshot, O002, n=1).id, "mo2", DUE)
    for review, filled in zip(first, [done("strength", "na", ["engagement"]),
                                      done("ani", "strength", ["teaming", "engagement"]),
                                      done("strength", "ani", ["teaming"])]):
        complete_review(engine, READERS["mo1"], review.id, filled, instrument)
    save_answers(engine, READERS["mo1"], first[3].id, answers("ani"), instrument)  # a draft: not counted
    complete_review(engine, READERS["mo2"], other[0].id, done("ani", "ani", ["teaming"]), instrument)
    last_year = dt.datetime(2025, 6, 15, 12)
    with engine.begin() as conn:  # the first review was completed a year before the others
        conn.execute(db.case_reviews.update().where(db.case_reviews.c.id == first[0].id)
                     .values(completed_at=last_year))
    today = db.utcnow().date()

    def figures(reader, entity, since, until):
        found = findings(engine, READERS[reader], instrument, entity, since, until)
        return (found.reviews, [(i.item.id, i.strengths, i.applicable, i.not_applicable) for i in found.items],
                [(t.theme.id, t.reviews) for t in found.themes])

    assert figures("mo1", O001, dt.date(2025, 1, 1), today) == (  # themes named as often: the form's order
        3, [("timely_response", 2, 3, 0), ("relative_placement", 1, 2, 1)], [("engagement", 2), ("teaming", 2)])
    assert figures("mo1", O001, today, today) == (
        2, [("timely_response", 1, 2, 0), ("relative_placement", 1, 2, 0)], [("teaming", 2), ("engagement", 1)])
    assert figures("mo1", O001, dt.date(2025, 6, 15), dt.date(2025, 6, 15))[0] == 1  # both days included
    assert figures("eve", DEPARTMENT, dt.date(2025, 1, 1), today)[0] == 4
    assert figures("eve", O002, dt.date(2025, 1, 1), today) == (
        1, [("timely_response", 0, 1, 0), ("relative_placement", 0, 1, 0)], [("teaming", 1)])
    bureau = EntityRef("bureau", first[0].entity_ids["bureau_id"])
    assert figures("eve", bureau, dt.date(2025, 1, 1), today)[0] == 3 + (other[0].entity_ids["bureau_id"] ==
                                                                         bureau.entity_id)
    unit = EntityRef("unit", "U9999")  # no selection names it: nothing to find
    assert figures("mo1", unit, dt.date(2025, 1, 1), today)[0] == 0
    for reader, entity in (("mo1", O002), ("mo1", DEPARTMENT), ("mo2", O001), ("mo1", bureau)):
        with pytest.raises(OutsideScope, match=f"{entity.words} is outside what you may see"):
            findings(engine, READERS[reader], instrument, entity, dt.date(2025, 1, 1), today)
    for reader in ("ana", "vic"):
        with pytest.raises(OutsideScope, match="case-level records"):
            findings(engine, READERS[reader], instrument, O001, dt.date(2025, 1, 1), today)
    with pytest.raises(ReviewError, match="the period ends .* before it starts"):
        findings(engine, READERS["eve"], instrument, O001, today, dt.date(2025, 1, 1))


def test_findings_of_a_unit_are_refused_to_another_offices_manager(engine, demo_snapshot, instrument):
    unit_id = selection(engine, demo_snapshot, O001).picks[0].unit_id
    unit = EntityRef("unit", unit_id)
    save_selection(engine, draw_cases(demo_snapshot, Scope.everything(),
                                      [Cell("placement_with_relatives", OCTOBER, unit)], "u", Criteria(n=1)), "eve")
    today = db.utcnow().date()
    assert findings(engine, READERS["mo1"], instrument, unit, today, today).reviews == 0
    with pytest.raises(OutsideScope, match=f"unit {unit_id} is outside what you may see"):
        findings(engine, READERS["mo2"], instrument, unit, today, today)


# -- the audit log ---------------------------------------------------------------------------------------

def test_every_change_is_audited_and_no_entry_names_a_case_or_child(engine, two_offices, instrument):
    own, _ = two_offices
    save_answers(engine, READERS["mo1"], own[0].id, answers("strength"), instrument, via="web")
    complete_review(engine, READERS["mo1"], own[0].id, done("strength", "na"), instrument)
    entries = db.audit_entries(engine, None)
    mine = [(e["actor"], e["action"], e["detail"]) for e in reversed(entries) if e["action"].startswith("case-review")]
    assert [(actor, action) for actor, action, _ in mine] == [
        ("eve", "case-reviews-opened"), ("eve", "case-reviews-opened"), ("mo1", "case-review-saved"),
        ("mo1", "case-review-completed")]
    assert mine[0][2] == {"selection": own[0].selection_id, "entity": "office:O001", "reviewer": "mo1",
                          "due": f"{DUE:%Y-%m-%d}", "draws": [1, 2], "via": None}
    assert mine[2][2] == {"review": own[0].id, "selection": own[0].selection_id, "draw": 1, "status": "in progress",
                          "instrument": instrument.digest, "items_rated": 1, "via": "web"}
    assert (mine[3][2]["status"], mine[3][2]["items_rated"]) == ("completed", 2)
    with engine.connect() as conn:
        ids = {v for row in conn.execute(sa.select(db.review_cases.c.member_id, db.review_cases.c.child_id))
               for v in row if v}
    text = json.dumps([e["detail"] for e in entries])
    assert ids and not [i for i in ids if i in text]


# -- the command line ------------------------------------------------------------------------------------

@pytest.fixture
def cli(run, demo_instance, tmp_path, monkeypatch):
    """`statboard` on the demo warehouse, with an app store of its own holding the test users."""
    monkeypatch.setenv("STATBOARD_WAREHOUSE_URL", f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    monkeypatch.setenv("STATBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'store' / 'statboard.db'}")
    engine = db.store_engine(f"sqlite:///{new_store(tmp_path / 'store' / 'statboard.db')}")
    with hashed_once(PASSWORD):
        for name, role, scope in USERS[:3]:
            add_user(engine, name, role, scope, PASSWORD, "test")
    run.engine = engine
    yield run
    engine.dispose()


def pick(cli, office: str) -> None:
    result = cli("reviews", "pick", "--indicator", "placement_with_relatives", "--month", "2026-10", "--entity",
                 f"office:{office}", "--n", 2, "--seed", "q")
    assert result.exit_code == 0, result.stderr


def test_assign_opens_the_reviews_and_queue_lists_them_by_scope(cli):
    pick(cli, "O001")
    pick(cli, "O002")
    result = cli("reviews", "assign", 1, "--reviewer", "mo1", "--due", f"{DUE}", "--by", "mo1")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["review"], r["draw"], r["assignee"], r["due"], r["status"]) for r in rows] == [
        ("1", "1", "mo1", f"{DUE}", "assigned"), ("2", "2", "mo1", f"{DUE}", "assigned")]
    assert result.stderr == f"opened 2 review(s) of selection 1 for mo1, due {DUE}\n"
    assert cli("reviews", "assign", 2, "--reviewer", "mo2", "--due", f"{DUE}").exit_code == 0  # the department
    everything = list(csv.DictReader(io.StringIO(cli("reviews", "queue").stdout)))
    assert [(r["review"], r["entity"]) for r in everything] == [
        ("1", "office:O001"), ("2", "office:O001"), ("3", "office:O002"), ("4", "office:O002")]
    own = cli("reviews", "queue", "--by", "mo1")
    assert [r["review"] for r in csv.DictReader(io.StringIO(own.stdout))] == ["1", "2"]
    assert own.stderr == "2 review(s)\n"
    assert cli("reviews", "queue", "--status", "completed").stdout.strip() == ",".join(
        ["review", "selection", "draw", "indicator_id", "month", "entity", "member_type", "member_id", "child_id",
         "worker_id", "unit_id", "assignee", "due", "status", "completed_at", "completed_by"])
    shown = db.audit_entries(cli.engine, 1, action="case-review-queue-shown")[0]
    assert shown["detail"]["reviews"] == 0


def test_a_manager_cannot_assign_another_offices_cases_and_the_refusal_is_audited(cli):
    pick(cli, "O002")
    result = cli("reviews", "assign", 1, "--reviewer", "mo1", "--due", f"{DUE}", "--by", "mo1")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "statboard: there is no selection 1 that you may see (office O001 and everything in it)\n"
    refusal = db.audit_entries(cli.engine, 1, action="access-refused")[0]
    assert (refusal["actor"], refusal["detail"]["where"]) == ("mo1", "statboard reviews assign")
    wrong = cli("reviews", "assign", 1, "--reviewer", "mo1", "--due", f"{DUE}")
    assert wrong.exit_code == 1 and "mo1 manages office:O001, which does not cover office:O002" in wrong.stderr


@pytest.mark.parametrize("args,reason", [
    (("assign", 1, "--due", "2030-01-01"), "statboard: give --reviewer USERNAME and --due YYYY-MM-DD"),
    (("assign", "one", "--reviewer", "eve", "--due", "2030-01-01"), "statboard: SELECTION_ID 'one' is not a whole"),
    (("assign", 1, "--reviewer", "eve", "--due", "31/12/2030"), "statboard: --due '31/12/2030' is not a day"),
    (("assign", 1, "--reviewer", "eve", "--due", "2030-02-30"), "statboard: --due '2030-02-30' is not a day"),
    (("queue", "--status", "done"), "statboard: status 'done'? write one of"),
    (("queue", "--by", "nobody"), "statboard: --by nobody: there is no such user"),
])
def test_bad_arguments_get_a_one_line_reason(cli, args, reason):
    result = cli("reviews", *args)
    assert result.exit_code == 1 and result.stderr.startswith(reason) and result.stderr.count("\n") == 1


def test_the_migrations_make_the_case_reviews_table_as_declared(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
        assert "case_reviews" in sa.inspect(conn).get_table_names()
