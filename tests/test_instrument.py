"""The review instrument: the default file is the CFSR-shaped form; every mistake in a copy is named with file
and line, all at once; a filled review is checked against it; completed reviews' findings roll up."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reviews.instrument import DEFAULT_PATH, InstrumentError, check_answers, load_instrument, main, rollup
from settings import Settings

ROOT = Path(__file__).resolve().parents[1]

SMALL = '''version = 1
name = "Small review"

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
name = "Children are safe."

[[outcome.item]]
id = "timely"
number = 1
name = "Timely response"
question = "Seen in time?"
guidance = "NA without a report."
ratings = ["strength", "ani", "na"]

[[outcome.item]]
id = "risk"
number = 2
name = "Risk assessed"
question = "Assessed well?"
guidance = "Every case."
ratings = ["strength", "ani"]

[[theme]]
id = "engagement"
name = "Engagement"
description = "Working with the family."

[[theme]]
id = "teaming"
name = "Teaming"
description = "Planning together."

[[question]]
id = "went_well"
name = "What went well"
prompt = "What went well?"
required = true

[[question]]
id = "notes"
name = "Anything else"
prompt = "Anything else?"
required = false
'''


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "agency-instrument.toml"
    path.write_text(text)
    return path


def problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        load_instrument(write(tmp_path, text))
    return caught.value.problems


# -- the default instrument --------------------------------------------------------------------------

def test_the_default_instrument_has_the_cfsr_18_items_under_its_7_outcomes():
    instrument = load_instrument()
    assert instrument.path == DEFAULT_PATH
    assert [(o.id, o.domain, [i.number for i in o.items]) for o in instrument.outcomes] == [
        ("safety_1", "Safety", [1]), ("safety_2", "Safety", [2, 3]),
        ("permanency_1", "Permanency", [4, 5, 6]), ("permanency_2", "Permanency", [7, 8, 9, 10, 11]),
        ("well_being_1", "Well-Being", [12, 13, 14, 15]), ("well_being_2", "Well-Being", [16]),
        ("well_being_3", "Well-Being", [17, 18])]
    assert [r.id for r in instrument.ratings] == ["strength", "ani", "na"]
    assert [r.name for r in instrument.ratings] == ["Strength", "Area Needing Improvement", "Not Applicable"]
    assert [r.rationale_required for r in instrument.ratings] == [False, True, False]
    # every item can be a Strength or an ANI; those that apply to every case cannot be Not Applicable
    assert {i.number for i in instrument.items if "na" not in i.ratings} == {3, 12, 14}
    assert all(i.ratings[:2] == ("strength", "ani") and i.name and i.question and i.guidance
               for i in instrument.items)
    assert {"engagement", "assessment", "teaming", "timeliness"} <= {t.id for t in instrument.themes}
    assert [(q.id, q.required) for q in instrument.questions] == [
        ("went_well", True), ("barriers", True), ("notes", False)]
    assert len(instrument.digest) == 64


def test_an_agency_points_at_its_own_copy_and_the_package_ships_the_default(tmp_path, capsys):
    settings = Settings.from_env(environ={"STATBOARD_INSTRUMENT": str(tmp_path / "mine.toml")})
    assert settings.instrument_path == tmp_path / "mine.toml"
    assert Settings.from_env(environ={}).instrument_path is None
    with pytest.raises(InstrumentError, match="no such file .STATBOARD_INSTRUMENT names the review instrument"):
        load_instrument(settings.instrument_path)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "reviews*" in project["packages"]["find"]["include"]
    # Every default file of the package ships with it (the instrument, the elimination reasons).
    assert set(project["package-data"]["reviews"]) == {p.name for p in (ROOT / "reviews").glob("*.toml")}
    assert main([str(DEFAULT_PATH)]) == 0
    assert capsys.readouterr().out.endswith("18 items under 7 outcomes, 12 themes, 3 questions, no problems\n")


# -- a broken copy -----------------------------------------------------------------------------------

def test_a_small_instrument_is_valid(tmp_path):
    instrument = load_instrument(write(tmp_path, SMALL))
    assert [i.id for i in instrument.items] == ["timely", "risk"]
    assert instrument.item("risk").ratings == ("strength", "ani") and instrument.item("risk").outcome == "safety_1"


def test_every_fault_of_a_copy_is_reported_at_once_with_file_and_line_in_the_file_s_order(tmp_path):
    themes_first = SMALL.index("[[theme]]")
    text = ("colour = \"blue\"\n" + SMALL[:SMALL.index("[[outcome]]")]
            + SMALL[themes_first:SMALL.index("[[question]]")]          # the themes moved before the outcomes
            + SMALL[SMALL.index("[[outcome]]"):themes_first]
            + SMALL[SMALL.index("[[question]]"):])
    text = (text.replace('version = 1', 'version = 2')
                .replace('rationale = "required"', 'rationale = "optional"')                  # ani, line 10
                .replace('description = "Planning together."', 'description = ""')           # theme 2, line 25
                .replace('domain = "Safety"', 'domain = "Wellbeing"')                         # outcome, line 30
                .replace('guidance = "NA without a report."', 'weight = 2')                   # item 1, line 35
                .replace('ratings = ["strength", "ani", "na"]', 'ratings = ["strength", "maybe"]')
                .replace('id = "risk"\nnumber = 2', 'id = "timely"\nnumber = 1')            # item 2, line 43
                .replace('required = false', 'required = "no"'))                              # question 2, line 57
    path = write(tmp_path, text)
    lines = text.splitlines()
    assert [lines[n - 1] for n in (10, 25, 30, 35, 43, 57)] == [
        "[[rating]]", "[[theme]]", "[[outcome]]", "[[outcome.item]]", "[[outcome.item]]", "[[question]]"]
    found = problems(tmp_path, text)
    assert found == [
        f"{path}: unknown top-level key 'colour'; allowed: version, name, rating, outcome, theme, question",
        f"{path}: version 2 is not supported; this Statboard reads version 1",
        f"{path}, line 10, rating 'ani': every Area Needing Improvement is explained; write rationale = \"required\"",
        f"{path}, line 25, theme 'teaming': description must be non-empty text, not ''",
        f"{path}, line 30, outcome 'safety_1': domain 'Wellbeing' is not one of Safety, Permanency, Well-Being",
        f"{path}, line 35, item 'timely': unknown field 'weight'; allowed: id, number, name, question, guidance, "
        "ratings",
        f"{path}, line 35, item 'timely': missing field 'guidance' (what to look at, and when the item does not "
        "apply)",
        f"{path}, line 35, item 'timely': ratings 'maybe' is not one of strength, ani, na",
        f"{path}, line 35, item 'timely': ratings must include \"strength\" and \"ani\" (an item that applies is "
        "one or the other)",
        f"{path}, line 43, item 'timely': the id 'timely' is already used by item 1; ids must be unique",
        f"{path}, line 43, item 'timely': number 1 is already used by item 'timely'; numbers must be unique",
        f"{path}, line 57, question 'notes': required must be true or false, not 'no'",
    ]
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    assert str(caught.value).endswith(f"the review instrument {path} has 12 problem(s); nothing was loaded. "
                                      "Fix it (`python -m reviews.instrument FILE` checks a copy) and try again.")


def test_the_readme_s_example_is_what_the_default_file_says_when_broken(tmp_path):
    text = DEFAULT_PATH.read_text()
    start = text.index('id = "placement_stability"')
    end = text.index("ratings = ", start)
    text = text[:end] + 'ratings = ["strength", "ani", "maybe"]' + text[text.index("\n", end):]
    path = write(tmp_path, text)
    example = (ROOT / "README.md").read_text().split("my-instrument.toml, ", 1)[1].split("\n", 1)[0]
    assert problems(tmp_path, text) == [f"{path}, {example}"]


def test_ratings_are_exactly_strength_ani_and_na(tmp_path):
    text = SMALL.replace('id = "na"', 'id = "partial"').replace('rationale = "required"', 'rationale = "always"')
    path = write(tmp_path, text)
    assert problems(tmp_path, text) == [
        f"{path}: no [[rating]] with id 'na'; the instrument declares exactly the ratings strength, ani, na",
        f"{path}, line 9, rating 'ani': rationale 'always' is not one of required, optional",
        f"{path}, line 14, rating 'partial': rating id 'partial' is not one of strength, ani, na (the ids are "
        "fixed; the names are yours)",
    ]


def test_missing_fields_empty_outcomes_and_bad_toml(tmp_path):
    text = SMALL.replace('number = 2\n', '').replace('version = 1\nname = "Small review"\n', '')
    path = write(tmp_path, text)
    assert problems(tmp_path, text) == [
        f"{path}: missing top-level key 'version' (write version = 1)",
        f"{path}: missing top-level key 'name' (the instrument's title on the form)",
        f"{path}, line 30, item 'risk': missing field 'number' (the item's number on the form, e.g. 4)",
    ]
    no_items = SMALL[:SMALL.index("[[outcome.item]]")] + SMALL[SMALL.index("[[theme]]"):]
    assert problems(tmp_path, no_items) == [
        f"{path}, line 19, outcome 'safety_1': no items; give it one or more [[outcome.item]] entries after it"]
    assert problems(tmp_path, SMALL.replace('id = "risk"', 'id = "Risk Item"'))[0].endswith(
        "id must be lower-case letters, digits and _, starting with a letter, at most 40 characters, not 'Risk Item'")
    assert "not valid TOML" in problems(tmp_path, SMALL + "number = \n")[0]
    assert problems(tmp_path, "version = 1\nname = \"x\"\n") == [
        f"{path}: no [[rating]] entries", f"{path}: no [[outcome]] entries"]


def test_an_entry_written_inline_is_named_by_its_place_when_its_line_cannot_be_told(tmp_path):
    inline_outcome = ('[[outcome]]\nid = "safety_0"\ndomain = "Safety"\nname = "Inline."\nitem = [\n'
                      '  {id = "first", number = 0, name = "F", question = "Q?", guidance = "G", '
                      'ratings = ["strength", "ani"]},\n]\n\n')
    text = SMALL.replace("[[outcome]]", inline_outcome + "[[outcome]]", 1)  # two headed items follow it
    path = write(tmp_path, text)
    assert problems(tmp_path, text) == [f"{path}, outcome 1, item 1, item 'first': number must be a whole number, "
                                        "1 or more, not 0"]

# -- a filled review ---------------------------------------------------------------------------------

def good_review(instrument) -> dict:
    items = {}
    for item in instrument.items:
        if item.number % 3 == 0:
            items[item.id] = {"rating": "ani", "rationale": "Visits lapsed for two months after a change of worker."}
        elif "na" in item.ratings and item.number % 3 == 1:
            items[item.id] = {"rating": "na"}
        else:
            items[item.id] = {"rating": "strength", "rationale": ""}
    return {"items": items, "themes": ["engagement", "workload"],
            "questions": {"went_well": "The family team meeting.", "barriers": "No Spanish-speaking therapist."}}


def test_a_good_review_is_accepted():
    instrument = load_instrument()
    assert check_answers(instrument, good_review(instrument)) == []


def test_every_fault_of_a_filled_review_is_named_at_once_in_the_form_s_order():
    instrument = load_instrument()
    review = good_review(instrument)
    items = review["items"]
    items["risk_and_safety"] = {"rating": "na"}                              # item 3 cannot be Not Applicable
    items["placement_stability"] = {"rating": "ani", "rationale": "  "}      # item 4: ANI without a rationale
    del items["permanency_goal"]                                             # item 5: not rated
    items["achieving_permanency"] = {"rating": "good", "rationale": "x"}     # item 6: no such rating
    items["siblings_together"] = {"rating": "strength", "rationale": 7, "score": 1}   # item 7
    items["family_visits"] = {"rating": "ani", "rationale": "a\x00b"}        # item 8
    items["preserving_connections"] = "strength"                             # item 9: not an object
    items["school"] = {"rating": "strength"}                                 # no such item
    review["themes"] = ["engagement", "luck", "engagement"]
    review["questions"] = {"went_well": "", "barriers": "x" * 10_001, "mood": "fine"}
    review["score"] = 3
    assert check_answers(instrument, review) == [
        "unknown part 'score'; a review has: items, themes, questions",
        "item 3 (Assessing and managing risk and safety): Not Applicable is not a rating of this item; "
        "rate it Strength or Area Needing Improvement",
        "item 4 (A stable placement): rated Area Needing Improvement, which needs a rationale: "
        "write what the case showed",
        "item 5 (The right permanency goal, set in time): not rated; rate it Strength, Area Needing Improvement "
        "or Not Applicable",
        "item 6 (Progress toward reunification, guardianship or adoption): rating 'good' is not one of "
        "strength, ani, na",
        "item 7 (Placed with brothers and sisters): unknown field 'score'; an answer has: rating, rationale",
        "item 7 (Placed with brothers and sisters): the rationale must be text, not int",
        "item 8 (Visits with parents and siblings): the rationale holds a control character (U+0000) at character 2: "
        "write it without it",
        "item 8 (Visits with parents and siblings): rated Area Needing Improvement, which needs a rationale: "
        "write what the case showed",
        "item 9 (Keeping connections): the answer must be an object of rating, rationale",
        "unknown item 'school'; the instrument has no such item",
        "unknown theme 'luck'; the themes are: engagement, assessment, teaming, planning, timeliness, services, "
        "safety_planning, family_connections, cultural_responsiveness, partners, workload, documentation",
        "theme 'engagement' is named more than once",
        "'What went well' is not answered; a completed review answers it",
        "'Barriers met' is 10,001 characters long; at most 10,000",
        "unknown question 'mood'; the instrument has no such question",
    ]


def test_a_draft_may_leave_items_rationales_and_questions_for_later_but_nothing_wrong():
    instrument = load_instrument()
    draft = {"items": {"risk_and_safety": {"rating": "ani"}, "placement_stability": {"rating": None}},
             "questions": {"went_well": ""}}
    assert check_answers(instrument, draft, complete=False) == []
    assert len(check_answers(instrument, draft)) == 17 + 1 + 2  # 17 items unrated, item 3's rationale, 2 questions
    draft["items"]["visits_with_child"] = {"rating": "na"}
    assert check_answers(instrument, draft, complete=False) == [
        "item 14 (Caseworker visits with the child): Not Applicable is not a rating of this item; "
        "rate it Strength or Area Needing Improvement"]
    assert check_answers(instrument, ["strength"]) == [
        "a review's answers must be an object of items, themes, questions, not list"]
    assert check_answers(instrument, {"items": [], "themes": "engagement", "questions": None}, complete=False) == [
        "items must be an object of item id to rating, not list",
        "themes must be a list of theme ids, not str",
        "questions must be an object of question id to text, not NoneType"]


# -- findings ----------------------------------------------------------------------------------------

def test_rollup_counts_strengths_among_the_reviews_where_an_item_applied(tmp_path):
    instrument = load_instrument(write(tmp_path, SMALL))
    reviews = [
        {"items": {"timely": {"rating": "strength"}, "risk": {"rating": "ani", "rationale": "r"}},
         "themes": ["teaming"]},
        {"items": {"timely": {"rating": "na"}, "risk": {"rating": "strength"}},
         "themes": ["engagement", "teaming"]},
        {"items": {"timely": {"rating": "ani", "rationale": "r"}, "risk": {"rating": "strength"},
                   "dropped_item": {"rating": "strength"}},
         "themes": ["engagement", "teaming", "dropped_theme"]},
        {"items": {"timely": {"rating": "strength"}, "risk": {"rating": "strength"}}, "themes": []},
    ]
    findings = rollup(instrument, reviews)
    assert findings.reviews == 4
    assert [(f.item.id, f.strengths, f.applicable, f.not_applicable, f.areas_needing_improvement)
            for f in findings.items] == [("timely", 2, 3, 1, 1), ("risk", 3, 4, 0, 1)]
    assert [(t.theme.id, t.reviews) for t in findings.themes] == [("teaming", 3), ("engagement", 2)]
    tie = rollup(instrument, [{"items": {}, "themes": ["teaming", "engagement", "teaming"]}])
    assert [(t.theme.id, t.reviews) for t in tie.themes] == [("engagement", 1), ("teaming", 1)]
    assert rollup(instrument, []).items[0].applicable == 0 and rollup(instrument, []).themes == ()
    odd = rollup(instrument, [{"items": ["timely"], "themes": "teaming"}, {"items": {"timely": "strength"}}])
    assert odd.reviews == 2 and odd.items[0].applicable == 0 and odd.themes == ()  # counted, nothing made up
