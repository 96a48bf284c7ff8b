"""Drawing cases for review: the SHA-256 order, strata and filters, exclusions, eliminations, the store
(SQLite and PostgreSQL) and `statboard reviews pick|eliminate|reasons`, on the `small` demo agency."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import replace
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from store import db
from display.mask import mask_id
from store.reviews import (Cell, Criteria, ReasonsError, ReviewError, counted, draw_cases, drawn_text, eliminate,
                             describe_selection, list_selections, load_elimination_reasons, load_selection, months_before,
                             pick,
                             save_selection, shortfall_text)
from access.scope import DEPARTMENT, EntityRef, OutsideScope, Scope
from queries.scorecard import members_behind_cell

OCTOBER = dt.date(2026, 10, 1)
EVERYTHING = Scope.everything()
O001 = EntityRef("office", "O001")
# placement_with_relatives, office O001, October 2026: 114 members (42 met) under 4 units and 29 workers
RELATIVES = Cell("placement_with_relatives", OCTOBER, O001)
# entry_timely_tdm, unit U0019, October 2026: 4 members, 2 met
SMALL = Cell("entry_timely_tdm", OCTOBER, EntityRef("unit", "U0019"))


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, new_store_engine):
    return new_store_engine(request.param)


@pytest.fixture
def sqlite_store(new_store_engine):
    return new_store_engine("sqlite")


def sha(seed, member_type, member_id) -> str:
    return hashlib.sha256(f"{seed}:{member_type}:{member_id}".encode("utf-8")).hexdigest()


def keys(cases) -> list[tuple[str, str]]:
    return [(c.member_type, c.member_id) for c in cases]


# -- the draw ------------------------------------------------------------------------------------------

def test_the_draw_follows_the_sha256_order_computed_by_hand(demo_snapshot):
    members = members_behind_cell(demo_snapshot, EVERYTHING, SMALL.indicator_id, OCTOBER, SMALL.entity)
    assert len(members) == 4
    by_hand = sorted(zip(members.member_type, members.member_id), key=lambda m: sha("review-7", *m))
    drawn = draw_cases(demo_snapshot, EVERYTHING, [SMALL], "review-7", Criteria(n=2))
    assert keys(drawn.picks) == by_hand[:2]
    assert [c.draw for c in drawn.picks] == [1, 2]
    assert keys(drawn.replacements) == by_hand[2:]
    assert [c.rank for c in drawn.replacements] == [3, 4]
    assert by_hand != sorted(by_hand)  # the digests' order, not the members' own


def test_the_text_hashed_is_seed_type_id_with_colons():
    from store.reviews import order_key
    # sha256sum of the bytes `42:episode:E1`, as any tool computes it
    assert order_key("42", "episode", "E1") == "0c57435349e70c7a56d889102f97c20d4af6bb20123e8bd3eb98baa872381500"


def test_the_same_seed_draws_the_same_picks_and_replacements(demo_snapshot):
    first = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "20261130", Criteria(n=5, stratify="unit"))
    again = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "20261130", Criteria(n=5, stratify="unit"))
    other = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "20261131", Criteria(n=5, stratify="unit"))
    assert keys(first.picks) == keys(again.picks) and keys(first.replacements) == keys(again.replacements)
    assert keys(first.picks) != keys(other.picks)
    assert len(first.picks) + len(first.replacements) == 114


@pytest.mark.parametrize("stratify,column", [("unit", "unit_id"), ("worker", "worker_id"), ("met", "met")])
def test_each_stratum_gives_its_first_n_in_sha256_order(demo_snapshot, stratify, column):
    n = 3
    drawn = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "s", Criteria(n=n, stratify=stratify))
    members = members_behind_cell(demo_snapshot, EVERYTHING, RELATIVES.indicator_id, OCTOBER, O001)
    units = dict(demo_snapshot.read("select entity_id, unit_id from entities where level = 'worker'")
                 .itertuples(index=False, name=None))
    strata: dict[str, list] = {}
    for row in members.itertuples():
        value = {"unit_id": units[row.worker_id], "worker_id": row.worker_id,
                 "met": "met" if row.numerator == 1 else "not-met"}[column]
        strata.setdefault(value, []).append((row.member_type, row.member_id))
    expected = []
    for value in sorted(strata):  # strata in id order
        expected += [(value, m) for m in sorted(strata[value], key=lambda m: sha("s", *m))[:n]]
    assert [(c.stratum, (c.member_type, c.member_id)) for c in drawn.picks] == expected
    assert len(strata) > 1 and any(len(v) < n for v in strata.values()) == (stratify == "worker")
    assert all(getattr(c, column) == (c.stratum if column != "met" else c.stratum == "met") for c in drawn.cases)


@pytest.mark.parametrize("only,met", [("met", True), ("not-met", False)])
def test_only_met_or_not_met(demo_snapshot, only, met):
    drawn = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "s", Criteria(n=10, only=only))
    assert len(drawn.picks) == 10
    assert {c.met for c in drawn.cases} == {met}
    assert len(drawn.cases) == (42 if met else 72)


def test_met_is_refused_for_a_median_and_empty_in_its_picks(demo_snapshot):
    median = Cell("median_days_in_care", OCTOBER, O001)
    for criteria in (Criteria(n=2, stratify="met"), Criteria(n=2, only="not-met")):
        with pytest.raises(ReviewError, match="Median days in care is a median"):
            draw_cases(demo_snapshot, EVERYTHING, [median], "s", criteria)
    drawn = draw_cases(demo_snapshot, EVERYTHING, [median], "s", Criteria(n=2))
    assert [c.met for c in drawn.picks] == [None, None]


def test_a_cell_with_nothing_eligible_is_refused_not_saved_empty(demo_snapshot):
    with pytest.raises(ReviewError, match=r"nothing to draw: Exit to permanency \(24\+ months in care\), October 2026, Alder Office has no"):
        draw_cases(demo_snapshot, EVERYTHING, [Cell("permanency_24m_plus", OCTOBER, O001)], "s", Criteria(n=1))
    children = set(members_behind_cell(demo_snapshot, EVERYTHING, SMALL.indicator_id, OCTOBER, SMALL.entity)
                   .child_id)
    with pytest.raises(ReviewError, match="none of the 4 members is left"):
        draw_cases(demo_snapshot, EVERYTHING, [SMALL], "s", Criteria(n=1), reviewed_children=children)
    with pytest.raises(ReviewError, match="Foster care entry \\(removal\\) is a count, whose members are neither met nor not met; draw from "
                                          "every member instead"):
        draw_cases(demo_snapshot, EVERYTHING, [Cell("entries", OCTOBER, O001)], "s", Criteria(n=1, only="met"))


def test_hand_picked_cases_are_the_picks_in_the_order_given(demo_snapshot):
    members = members_behind_cell(demo_snapshot, EVERYTHING, RELATIVES.indicator_id, OCTOBER, O001)
    # the later of two members in the seed's order first: the order given is kept
    late, early = sorted(members.member_id.iloc[[2, 7]], key=lambda i: sha("s", "episode", i), reverse=True)
    drawn = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "s", Criteria(hand_picked=(late, f"episode:{early}")))
    assert [c.member_id for c in drawn.picks] == [late, early]
    assert len(drawn.replacements) == 112
    with pytest.raises(ReviewError, match="is not a member of the cell"):
        draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "s", Criteria(hand_picked=("E99999999",)))


@pytest.mark.parametrize("criteria,seed,message", [
    (Criteria(n=0), "s", "the number of cases to pick .* must be a whole number from 1 to 1,000"),
    (Criteria(n=2, stratify="office"), "s", "stratify by 'office'"),
    (Criteria(n=2, only="yes"), "s", "only 'yes'"),
    (Criteria(n=2), "two words", "the seed must be"),
    (Criteria(n=2, hand_picked=("E1",)), "s", "give no n"),
])
def test_criteria_that_cannot_be_drawn_say_why(demo_snapshot, criteria, seed, message):
    with pytest.raises(ReviewError, match=message):
        draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], seed, criteria)


def test_a_manager_draws_only_inside_their_office_and_an_analyst_not_at_all(demo_snapshot):
    manager = Scope("office", "O001")
    assert draw_cases(demo_snapshot, manager, [RELATIVES], "s", Criteria(n=1)).picks
    with pytest.raises(OutsideScope):
        draw_cases(demo_snapshot, manager, [Cell(RELATIVES.indicator_id, OCTOBER, EntityRef("office", "O002"))],
                   "s", Criteria(n=1))
    with pytest.raises(OutsideScope):
        draw_cases(demo_snapshot, Scope(case_level=False), [RELATIVES], "s", Criteria(n=1))


def test_several_cells_of_one_entity_draw_each_member_once(demo_snapshot):
    stability = Cell("placement_stability_0_12", OCTOBER, O001)
    both = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES, stability], "c", Criteria(n=4))
    relatives = members_behind_cell(demo_snapshot, EVERYTHING, RELATIVES.indicator_id, OCTOBER, O001)
    examined = members_behind_cell(demo_snapshot, EVERYTHING, stability.indicator_id, OCTOBER, O001)
    first, second = set(relatives.member_id), set(examined.member_id)
    assert first & second and second - first  # the cells share members, and the second has its own
    assert len(both.cases) == len(first | second)
    assert {c.member_id for c in both.cases if c.indicator_id == RELATIVES.indicator_id} == first
    assert keys(both.cases[:4]) == sorted(keys(both.cases), key=lambda m: sha("c", *m))[:4]
    with pytest.raises(ReviewError, match="same entity"):
        draw_cases(demo_snapshot, EVERYTHING, [RELATIVES, Cell("timely_medical_exam", OCTOBER, DEPARTMENT)],
                   "c", Criteria(n=1))


# -- saved selections ------------------------------------------------------------------------------------

def test_a_selection_round_trips_through_the_store(demo_snapshot, any_store):
    drawn = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "rt", Criteria(n=2, stratify="met"))
    saved = save_selection(any_store, drawn, "ana", via="test")
    loaded = load_selection(any_store, EVERYTHING, saved.id)
    assert (loaded.cells, loaded.criteria, loaded.seed, loaded.version_id, loaded.created_by) == (
        (RELATIVES,), Criteria(n=2, stratify="met"), "rt", demo_snapshot.version.version_id, "ana")
    assert [replace(c, id=None) for c in loaded.picks] == list(drawn.picks)
    assert keys(loaded.replacements) == keys(drawn.replacements)
    assert loaded.entity_ids == {"bureau_id": "B01", "office_id": "O001", "unit_id": None}
    entry = db.audit_entries(any_store, 1)[0]
    assert (entry["actor"], entry["action"], entry["detail"]["selection"], entry["detail"]["picked"]) == (
        "ana", "review-cases-drawn", saved.id, 4)
    assert not any(c.child_id in str(entry["detail"]) for c in drawn.cases if c.child_id)


def test_a_selection_is_read_back_only_inside_its_scope(demo_snapshot, sqlite_store):
    saved = save_selection(sqlite_store, draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "s", Criteria(n=1)),
                           "ana")
    assert load_selection(sqlite_store, Scope("office", "O001"), saved.id).id == saved.id
    assert [s["id"] for s in list_selections(sqlite_store, Scope("office", "O001"))] == [saved.id]
    assert list_selections(sqlite_store, Scope("office", "O002")) == []
    assert [s["id"] for s in list_selections(sqlite_store, Scope("bureau", "B01"))] == [saved.id]
    assert list_selections(sqlite_store, Scope("unit", "U0001")) == []  # a unit does not own its office
    with pytest.raises(OutsideScope):
        list_selections(sqlite_store, Scope(case_level=False))
    for scope in (Scope("office", "O002"), Scope(case_level=False)):
        with pytest.raises(OutsideScope):
            load_selection(sqlite_store, scope, saved.id)


def test_the_migrations_make_the_tables_queries_store_declares(any_store):
    with any_store.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []


def test_an_elimination_brings_in_the_next_replacement_of_its_stratum_and_is_kept(demo_snapshot, any_store):
    reasons = load_elimination_reasons()
    saved = save_selection(any_store, draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "el",
                                                 Criteria(n=2, stratify="met")), "ana")
    second = saved.picks[3]  # the second pick of the second stratum, 'not-met'
    gone, replacement = eliminate(any_store, EVERYTHING, saved.id, second.member_id, "sibling_in_sample",
                                  "her brother is draw 3", "ben", reasons)
    next_met = [c for c in saved.replacements if c.stratum == second.stratum][0]
    assert keys([replacement]) == keys([next_met]) and replacement.stratum == "not-met"
    assert (replacement.draw, replacement.replaces) == (5, second.id)
    kept = load_selection(any_store, EVERYTHING, saved.id)
    [gone_again] = [c for c in kept.cases if c.id == second.id]
    assert (gone_again.eliminated_by, gone_again.elimination_reason, gone_again.elimination_note,
            gone_again.elimination_label, gone_again.draw) == (
        "ben", "sibling_in_sample", "her brother is draw 3", reasons.label("sibling_in_sample"), 4)
    assert keys(kept.picks) == keys(saved.picks) + keys([next_met])
    assert keys(kept.replacements) == [k for k in keys(saved.replacements) if k != keys([next_met])[0]]
    entry = db.audit_entries(any_store, 1)[0]
    assert (entry["actor"], entry["action"], entry["detail"]["draw"], entry["detail"]["replacement_draw"]) == (
        "ben", "review-case-eliminated", 4, 5)
    with pytest.raises(ReviewError, match="already eliminated") as refused:
        eliminate(any_store, EVERYTHING, saved.id, f"{second.member_type}:{second.member_id}", "sibling_in_sample",
                  "again", "ben", reasons)
    # A refusal names the case by its kind and masked id, never whole.
    assert second.member_id not in str(refused.value)
    assert str(refused.value).startswith(f"{second.member_type.replace('_', ' ')} {mask_id(second.member_id)} was")


def test_an_elimination_needs_a_listed_reason_a_note_and_a_stratum_can_run_out(demo_snapshot, sqlite_store):
    reasons = load_elimination_reasons()
    saved = save_selection(sqlite_store, draw_cases(demo_snapshot, EVERYTHING, [SMALL], "x", Criteria(n=4)), "ana")
    first = saved.picks[0].member_id
    with pytest.raises(ReviewError, match="is not an elimination reason"):
        eliminate(sqlite_store, EVERYTHING, saved.id, first, "bored", "note", "ben", reasons)
    with pytest.raises(ReviewError, match="needs a note"):
        eliminate(sqlite_store, EVERYTHING, saved.id, first, "sibling_in_sample", " ", "ben", reasons)
    with pytest.raises(OutsideScope):
        eliminate(sqlite_store, Scope("office", "O001"), saved.id, first, "sibling_in_sample", "n", "ben", reasons)
    gone, replacement = eliminate(sqlite_store, EVERYTHING, saved.id, first, "sibling_in_sample", "n", "ben",
                                  reasons)
    assert gone.eliminated and replacement is None  # all 4 were picked: none left to replace it


@pytest.mark.parametrize("note, found", [
    ("a\x1bb", "a control character (U+001B) at character 2"),
    ("\ud800", "a broken character (U+D800) at character 1"),
    ("her brother is draw \u202e3", "a right-to-left override (U+202E) at character 21"),
    ("\u200dsibling", "a zero-width joiner (U+200D) at character 1")])
def test_an_elimination_note_that_shows_other_than_written_is_refused_with_nothing_written(
        demo_snapshot, sqlite_store, note, found):
    saved = save_selection(sqlite_store, draw_cases(demo_snapshot, EVERYTHING, [SMALL], "x", Criteria(n=2)), "ana")
    before = db.audit_entries(sqlite_store, None)
    with pytest.raises(ReviewError) as caught:
        eliminate(sqlite_store, EVERYTHING, saved.id, saved.picks[0].member_id, "sibling_in_sample", note, "ben",
                  load_elimination_reasons())
    assert str(caught.value).startswith(f"the note holds {found}") and note not in str(caught.value)
    kept = load_selection(sqlite_store, EVERYTHING, saved.id)
    assert keys(kept.picks) == keys(saved.picks) and not [c for c in kept.cases if c.eliminated]
    assert db.audit_entries(sqlite_store, None) == before


def test_children_reviewed_recently_are_left_out_unless_eliminated_or_long_ago(demo_snapshot, any_store):
    reasons = load_elimination_reasons()
    criteria = Criteria(n=5, stratify="unit", exclude_reviewed_within=6)
    earlier = save_selection(any_store, draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "a", Criteria(n=3)),
                             "ana")
    picked = {c.child_id for c in earlier.picks}
    again = pick(demo_snapshot, EVERYTHING, any_store, [RELATIVES], "a", criteria)
    assert not picked & {c.child_id for c in again.cases}
    assert len(again.cases) == 114 - 3
    # the draw itself is not changed for everyone else: only the reviewed children drop out of the order
    plain = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "a", Criteria(n=5, stratify="unit"))
    assert [k for k in keys(plain.cases) if k not in keys(earlier.picks)] == keys(again.cases)
    eliminate(any_store, EVERYTHING, earlier.id, earlier.picks[0].member_id, "not_a_member", "data error",
              "ben", reasons)
    back = pick(demo_snapshot, EVERYTHING, any_store, [RELATIVES], "a", criteria)
    assert earlier.picks[0].child_id in {c.child_id for c in back.cases}
    # a replacement pulled in by the elimination is now reviewed, and left out
    assert len(back.cases) == 114 - 3
    with any_store.begin() as conn:
        conn.execute(db.review_selections.update().values(
            created_at=months_before(db.utcnow(), 6) - timedelta(minutes=1)))
    assert len(pick(demo_snapshot, EVERYTHING, any_store, [RELATIVES], "a", criteria).cases) == 114


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(dt.datetime(2026, 11, 30, 9), 6) == dt.datetime(2026, 5, 30, 9)
    assert months_before(dt.datetime(2026, 3, 31), 1) == dt.datetime(2026, 2, 28)
    assert months_before(dt.datetime(2026, 1, 15), 13) == dt.datetime(2024, 12, 15)


# -- elimination reasons ---------------------------------------------------------------------------------

def test_the_default_reasons_are_cfsr_like():
    reasons = load_elimination_reasons()
    ids = [i for i, _ in reasons.reasons]
    assert {"open_less_than_period", "in_care_under_24_hours", "transferred_jurisdiction", "sibling_in_sample",
            "different_stratum"} <= set(ids)


def test_a_reasons_file_lists_every_problem_with_its_line(tmp_path):
    path = tmp_path / "reasons.toml"
    path.write_text('version = 1\nextra = 2\n\n[[reason]]\nid = "ok"\nlabel = "Fine"\n\n'
                    '[[reason]]\nid = "Bad Id"\nlabel = "x"\ncolour = "red"\n\n'
                    '[[reason]]\nid = "ok"\n', encoding="utf-8")
    with pytest.raises(ReasonsError) as caught:
        load_elimination_reasons(path)
    assert caught.value.problems == [
        f"{path}: unknown top-level key 'extra'; allowed: version, reason",
        f"{path}, line 8: unknown field 'colour'; allowed: id, label",
        f"{path}, line 8: id 'Bad Id' must be lower-case letters, digits and underscores, starting with a "
        "letter, e.g. sibling_in_sample",
        f"{path}, line 13: the id 'ok' is already used on line 4; ids must be unique",
        f"{path}, line 13: missing field 'label' (the reason in words)",
    ]


# -- the command line ------------------------------------------------------------------------------------

@pytest.fixture
def cli(run, demo_instance, tmp_path, monkeypatch):
    """`statboard` on the demo warehouse, with an app store of its own."""
    monkeypatch.setenv("STATBOARD_WAREHOUSE_URL", f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    monkeypatch.setenv("STATBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'store' / 'statboard.db'}")
    return run


def cli_store(tmp_path):
    return db.store_engine(f"sqlite:///{tmp_path / 'store' / 'statboard.db'}")


def pick_args(indicator="placement_with_relatives", month="2026-10", entity="office:O001") -> tuple:
    return ("reviews", "pick", "--indicator", indicator, "--month", month, "--entity", entity)


PICK = pick_args()


def test_pick_prints_the_picks_as_csv_in_draw_order_and_saves_them(cli, demo_snapshot, tmp_path):
    result = cli(*PICK, "--n", 2, "--seed", "20261130", "--stratify", "met")
    assert result.exit_code == 0, result.stderr
    drawn = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "20261130", Criteria(n=2, stratify="met"))
    lines = result.stdout_bytes.decode("utf-8").split("\r\n")
    assert lines[0] == "draw,member_type,member_id,child_id,worker_id,unit_id,met,stratum"
    assert lines[1:] == [f"{c.draw},{c.member_type},{c.member_id},{c.child_id},{c.worker_id},{c.unit_id},"
                         f"{'true' if c.met else 'false'},{c.stratum}" for c in drawn.picks] + [""]
    assert [line.split(",")[6:] for line in lines[1:5]] == [["true", "met"]] * 2 + [["false", "not-met"]] * 2
    assert result.stderr == "saved selection 1: 4 picked, 110 in the replacement lists\n"
    saved = load_selection(cli_store(tmp_path), EVERYTHING, 1)
    assert keys(saved.picks) == keys(drawn.picks) and saved.created_by.startswith("cli:")


def test_pick_of_a_median_leaves_met_and_stratum_empty_and_a_dry_run_saves_nothing(cli, tmp_path):
    result = cli(*pick_args("median_days_in_care"), "--n", 3, "--seed", "7", "--dry-run")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"] and all(r[6:] == ["", ""] for r in rows[1:])
    assert result.stderr.startswith("dry run, not saved: 3 picked")
    assert list_selections(cli_store(tmp_path), EVERYTHING) == []
    entry = db.audit_entries(cli_store(tmp_path), 1)[0]
    assert (entry["action"], entry["detail"]["saved"]) == ("review-cases-drawn", False)


def test_exclude_reviewed_within_on_the_command_line(cli):
    first = list(csv.DictReader(io.StringIO(cli(*PICK, "--n", 5, "--seed", "a").stdout)))
    second = list(csv.DictReader(io.StringIO(
        cli(*PICK, "--n", 5, "--seed", "a", "--exclude-reviewed-within", 6).stdout)))
    assert len(second) == 5 and not {r["child_id"] for r in first} & {r["child_id"] for r in second}


def test_eliminate_prints_the_replacement(cli):
    picks = list(csv.DictReader(io.StringIO(cli(*PICK, "--n", 1, "--seed", "e", "--stratify", "met").stdout)))
    result = cli("reviews", "eliminate", 1, picks[0]["member_id"], "--reason", "different_stratum",
                 "--note", "moved to in-home services")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1 and rows[0]["draw"] == "3" and rows[0]["stratum"] == "met"
    assert result.stderr.startswith("eliminated draw 1 of selection 1 (The case belongs to a different stratum")


def test_a_manager_cannot_pick_another_offices_cases(cli, tmp_path):
    engine = cli_store(tmp_path)
    db.upgrade(engine)
    from store.users import add_user
    add_user(engine, "mgr", "manager", "office:O001", "a-long-password-1", "test")
    add_user(engine, "ana", "analyst", None, "a-long-password-1", "test")
    own = cli(*PICK, "--n", 1, "--seed", "m", "--by", "mgr")
    assert own.exit_code == 0, own.stderr
    other = cli(*pick_args(entity="office:O002"), "--n", 1, "--seed", "m", "--by", "mgr")
    assert other.exit_code == 1 and other.stdout == ""
    assert other.stderr == ("statboard: office O002 is outside what you may see (office O001 and everything in "
                            "it); start from office O001\n")
    analyst = cli(*PICK, "--n", 1, "--seed", "m", "--by", "ana")
    assert analyst.exit_code == 1 and "case-level records" in analyst.stderr and analyst.stdout == ""
    refusals = db.audit_entries(engine, 10, action="access-refused")
    assert [(e["actor"], e["detail"]["where"]) for e in refusals] == [("ana", "statboard reviews pick"),
                                                                      ("mgr", "statboard reviews pick")]
    assert [s["created_by"] for s in list_selections(engine, EVERYTHING)] == ["mgr"]
    # nor eliminate from a selection outside their office
    cli(*pick_args(entity="office:O002"), "--n", 1, "--seed", "m")
    result = cli("reviews", "eliminate", 2, "E1", "--reason", "not_a_member", "--note", "n", "--by", "mgr")
    assert result.exit_code == 1 and "no selection 2 that you may see" in result.stderr


@pytest.mark.parametrize("args,reason", [
    (("--n", 2), "statboard: give --seed S"),
    (("--n", "two", "--seed", "s"), "statboard: --n 'two' is not a whole number"),
    (("--seed", "s"), "statboard: give either --n N"),
    (("--n", 2, "--seed", "s", "--stratify", "office"), "statboard: stratify by 'office'?"),
    (("--n", 2, "--seed", "s", "--only", "yes"), "statboard: only 'yes'?"),
    (("--n", 2, "--seed", "s", "--exclude-reviewed-within", "-1"), "statboard: --exclude-reviewed-within '-1'"),
    (("--n", 2, "--seed", "s", "--by", "nobody"), "statboard: --by nobody: there is no such user"),
])
def test_bad_arguments_get_a_one_line_reason(cli, args, reason):
    result = cli(*PICK, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(reason) and len(result.stderr.strip().splitlines()) == 1


def test_a_month_without_data_and_a_median_stratified_by_met_say_so(cli):
    result = cli(*pick_args(month="1999-01"), "--n", 1, "--seed", "s")
    assert result.exit_code == 1 and result.stderr.startswith("statboard: no indicators for 1999-01")
    result = cli(*pick_args("median_days_in_care"), "--n", 1, "--seed", "s", "--stratify", "met")
    assert result.exit_code == 1 and "is a median" in result.stderr


def test_reasons_lists_the_reasons_and_checks_a_file(cli, tmp_path):
    listed = cli("reviews", "reasons")
    assert listed.exit_code == 0 and "sibling_in_sample" in listed.stdout
    bad = tmp_path / "r.toml"
    bad.write_text('[[reason]]\nid = "x"\n', encoding="utf-8")
    result = cli("reviews", "reasons", bad)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{bad}, line 1: missing field 'label' (the reason in words)",
                                          f"statboard: the elimination reasons file {bad} has 1 problem(s); nothing was loaded. "
                                          "Fix it (`statboard reviews reasons`) and try again."]


def test_an_agency_names_its_own_reasons_file(cli, tmp_path, monkeypatch):
    mine = tmp_path / "our-reasons.toml"
    mine.write_text('version = 1\n\n[[reason]]\nid = "duplicate_case"\nlabel = "The same case twice"\n',
                    encoding="utf-8")
    monkeypatch.setenv("STATBOARD_ELIMINATION_REASONS", str(mine))
    picks = list(csv.DictReader(io.StringIO(cli(*PICK, "--n", 1, "--seed", "r").stdout)))
    refused = cli("reviews", "eliminate", 1, picks[0]["member_id"], "--reason", "sibling_in_sample", "--note", "n")
    assert refused.exit_code == 1 and "the reasons are: duplicate_case" in refused.stderr
    done = cli("reviews", "eliminate", 1, picks[0]["member_id"], "--reason", "duplicate_case", "--note", "n")
    assert done.exit_code == 0 and "(The same case twice)" in done.stderr
    monkeypatch.setenv("STATBOARD_ELIMINATION_REASONS", str(tmp_path / "missing.toml"))
    assert cli("reviews", "reasons").stderr.startswith(f"{tmp_path / 'missing.toml'}: no such file")


def test_hand_picked_on_the_command_line(cli, demo_snapshot):
    members = members_behind_cell(demo_snapshot, EVERYTHING, RELATIVES.indicator_id, OCTOBER, O001)
    chosen = [members.member_id.iloc[5], members.member_id.iloc[1]]
    result = cli(*PICK, "--seed", "h", "--member", chosen[0], "--member", chosen[1])
    assert result.exit_code == 0, result.stderr
    assert [r["member_id"] for r in csv.DictReader(io.StringIO(result.stdout))] == chosen
    wrong = cli(*PICK, "--seed", "h", "--member", "E99999999")
    # The id is masked even where the person typed it: a case id is never printed whole.
    assert wrong.exit_code == 1 and wrong.stderr == ("statboard: case ••••9999 is not a member of the cell: pick "
                                                     "from its members list\n")


def test_show_lists_the_picks_with_their_eliminations_then_the_replacements(cli, tmp_path):
    picks = list(csv.DictReader(io.StringIO(cli(*PICK, "--n", 2, "--seed", "w", "--stratify", "met").stdout)))
    cli("reviews", "eliminate", 1, picks[1]["member_id"], "--reason", "sibling_in_sample", "--note", "=1+1")
    result = cli("reviews", "show", 1)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["draw", "member_type", "member_id", "child_id", "worker_id", "unit_id", "met",
                             "stratum", "rank", "replaces_draw", "eliminated_at", "eliminated_by", "reason", "note"]
    assert [r["member_id"] for r in rows[:4]] == [p["member_id"] for p in picks]
    assert (rows[1]["eliminated_by"].startswith("cli:"), rows[1]["reason"], rows[1]["note"]) == (
        True, "sibling_in_sample", "'=1+1")  # a note is text, never a spreadsheet formula
    assert (rows[4]["draw"], rows[4]["stratum"], rows[4]["rank"], rows[4]["replaces_draw"]) == ("5", "met", "3", "2")
    assert [r["draw"] for r in rows[5:]] == [""] * 109
    assert [(r["stratum"], r["rank"]) for r in rows[5:]] == sorted(
        ((r["stratum"], r["rank"]) for r in rows[5:]), key=lambda k: (k[0], int(k[1])))
    assert db.audit_entries(cli_store(tmp_path), 1)[0]["action"] == "review-selection-shown"
    from store.users import add_user
    add_user(cli_store(tmp_path), "mgr2", "manager", "office:O002", "a-long-password-1", "test")
    refused = cli("reviews", "show", 1, "--by", "mgr2")
    assert refused.exit_code == 1 and refused.stdout == "" and "no selection 1 that you may see" in refused.stderr


def test_asked_for_more_than_a_cell_holds_says_so_and_counts_in_words(demo_snapshot):
    held = len(members_behind_cell(demo_snapshot, EVERYTHING, SMALL.indicator_id, OCTOBER, SMALL.entity))
    drawn = draw_cases(demo_snapshot, EVERYTHING, [SMALL], "s", Criteria(n=500))
    assert len(drawn.picks) == held == 4
    assert shortfall_text(drawn) == "asked for 500; the cell holds 4 cases that could be picked: all 4 picked"
    assert shortfall_text(draw_cases(demo_snapshot, EVERYTHING, [SMALL], "s", Criteria(n=4))) is None
    assert shortfall_text(draw_cases(demo_snapshot, EVERYTHING, [SMALL], "s", Criteria(hand_picked=(
        drawn.picks[0].member_id,)))) is None
    grouped = draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "s", Criteria(n=500, stratify="met"))
    said = shortfall_text(grouped)
    assert said.startswith("asked for 500 from each group; 2 of the 2 groups held fewer, and all of theirs are "
                           "picked: met (") and "not met (" in said
    assert counted(1, "case") == "1 case" and counted(21, "case") == "21 cases" and counted(1000, "case") == "1,000 cases"
    assert drawn_text(Criteria(n=1)) == "1 case at random"
    assert drawn_text(Criteria(n=5, stratify="unit", only="not-met", exclude_reviewed_within=1)) == (
        "5 cases at random from each unit, only not met ones, leaving out children picked in the last 1 month")


def test_pick_on_the_command_line_says_when_the_cell_held_fewer_than_asked(cli):
    result = cli(*pick_args("entry_timely_tdm", entity="unit:U0019"), "--n", 500, "--seed", "s")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("asked for 500; the cell holds 4 cases that could be picked: all 4 picked\n"
                             "saved selection 1: 4 picked, 0 in the replacement lists\n")


def test_a_selection_is_named_by_its_indicator_month_and_place(demo_snapshot, sqlite_store):
    saved = save_selection(sqlite_store, draw_cases(demo_snapshot, EVERYTHING, [RELATIVES], "n", Criteria(n=1)), "a")
    [listed] = list_selections(sqlite_store, EVERYTHING, snapshot=demo_snapshot)
    assert listed["label"] == (f"Selection {saved.id}: Placement with relatives, October 2026, Alder Office, "
                               f"saved {saved.created_at:%-d %B %Y}")
    assert "label" not in list_selections(sqlite_store, EVERYTHING)[0]
    assert describe_selection(demo_snapshot, saved) == (f"Selection {saved.id}: Placement with relatives, "
                                                        "October 2026, Alder Office")
