"""The review instrument: an agency-editable TOML file, read strictly, and what a filled review is checked against.

Every problem in the file is reported at once, in the file's order, each naming
the file, the line of its entry and the entry, e.g.

    my-instrument.toml, line 109, item 'placement_stability': ratings 'maybe' is not one of strength, ani, na

`check_answers` checks a filled review against the instrument (every problem
at once, in words a reviewer can act on), and `rollup` counts completed
reviews' findings; both are pure, so the web form and the app store share them.
"""
from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from display.typed_text import text_problem
from editable import toml_file

DEFAULT_PATH = Path(__file__).with_name("instrument.toml")
STRENGTH, ANI, NA = RATING_IDS = ("strength", "ani", "na")
RATIONALE = ("required", "optional")
DOMAINS = ("Safety", "Permanency", "Well-Being")
TOP_LEVEL = ("version", "name", "rating", "outcome", "theme", "question")
RATING_FIELDS = ("id", "name", "rationale")
OUTCOME_FIELDS = ("id", "domain", "name", "item")
ITEM_FIELDS = ("id", "number", "name", "question", "guidance", "ratings")
THEME_FIELDS = ("id", "name", "description")
QUESTION_FIELDS = ("id", "name", "prompt", "required")
IDENT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SECTIONS = {"rating": "rating", "outcome": "outcome", "item": "outcome.item", "theme": "theme",
            "question": "question"}  # each entry's kind, and the [[header]] it is written under
ANSWER_KEYS = ("items", "themes", "questions")
ITEM_ANSWER_KEYS = ("rating", "rationale")
# A review's text is kept in the app store and shown to others: bounded, and as display/typed_text.py allows
# (no NUL, which PostgreSQL's text refuses, nor anything that shows other than it is).
MAX_ANSWER_CHARS = 10_000


@dataclass(frozen=True)
class Rating:
    id: str
    name: str
    rationale_required: bool


@dataclass(frozen=True)
class Item:
    """One rated item of the form: its number and words, and the ratings a reviewer may give it."""
    id: str
    number: int
    name: str
    question: str
    guidance: str
    ratings: tuple[str, ...]
    outcome: str

    @property
    def label(self) -> str:
        return f"item {self.number} ({self.name})"


@dataclass(frozen=True)
class Outcome:
    id: str
    domain: str
    name: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Question:
    """An open question answered in words: what went well, the barriers met, anything else."""
    id: str
    name: str
    prompt: str
    required: bool


@dataclass(frozen=True)
class Instrument:
    path: Path
    version: int
    name: str
    digest: str  # SHA-256 of the file: a stored review can say which instrument it was filled against
    ratings: tuple[Rating, ...]
    outcomes: tuple[Outcome, ...]
    themes: tuple[Theme, ...]
    questions: tuple[Question, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for outcome in self.outcomes for item in outcome.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def rating(self, rating_id: str) -> Rating:
        for rating in self.ratings:
            if rating.id == rating_id:
                return rating
        raise KeyError(rating_id)


class InstrumentError(toml_file.FileProblems):
    """The instrument file cannot be used; `problems` lists every reason, each naming file and entry."""
    what = "the review instrument"
    check = "nothing was loaded. Fix it (`python -m reviews.instrument FILE` checks a copy) and try again."


def load_instrument(path: Path | str | None = None) -> Instrument:
    """Read and validate an instrument file (the default one when `path` is None)."""
    path = Path(path) if path is not None else DEFAULT_PATH
    data, text, document = toml_file.read(path, DEFAULT_PATH, "STATBOARD_INSTRUMENT", InstrumentError)
    return _Reader(path, text, hashlib.sha256(data).hexdigest()).read(document)


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Reader:
    """Collects every problem with the line it belongs to, so that they come out in the file's order."""

    def __init__(self, path: Path, text: str, digest: str):
        self.path, self.digest = path, digest
        self.lines = {section: toml_file.entry_lines(text, written) for section, written in SECTIONS.items()}
        self.problems: list[tuple[int, str]] = []

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append((line or 0, message))

    def where(self, section: str, position: int, count: int, entry, fallback: str | None = None
              ) -> tuple[int | None, str]:
        """The line of an entry and the words naming it; without countable [[headers]] (an entry written
        inline), its place instead: `fallback`, or its number among its section's entries."""
        lines = self.lines[section]
        line = lines[position] if len(lines) == count else None
        place = f"{self.path}, line {line}" if line else f"{self.path}, {fallback or f'{section} {position + 1}'}"
        ident = entry.get("id") if isinstance(entry, dict) else None
        return line, f"{place}, {section} {ident!r}" if isinstance(ident, str) else place

    def fields(self, entry: dict, allowed: tuple[str, ...], line, label: str) -> None:
        for key in entry:
            if key not in allowed:
                self.problem(line, f"{label}: unknown field {key!r}; allowed: {', '.join(allowed)}")

    def words(self, entry: dict, field: str, what: str, line, label: str) -> None:
        if field not in entry:
            self.problem(line, f"{label}: missing field {field!r} ({what})")
        elif not _text(entry[field]):
            self.problem(line, f"{label}: {field} must be non-empty text, not {entry[field]!r}")

    def ident(self, entry: dict, seen: dict[str, str], line, label: str, what: str) -> str | None:
        ident = entry.get("id")
        if ident is None:
            self.problem(line, f"{label}: missing field 'id' ({what})")
        elif not isinstance(ident, str) or not IDENT.match(ident):
            self.problem(line, f"{label}: id must be lower-case letters, digits and _, starting with a letter, "
                               f"at most 40 characters, not {ident!r}")
        elif ident in seen:
            self.problem(line, f"{label}: the id {ident!r} is already used by {seen[ident]}; ids must be unique")
        else:
            return ident
        return None

    def entries(self, document: dict, section: str, required: bool) -> list:
        entries = document.get(section, [])
        if not isinstance(entries, list):
            self.problem(None, f"{self.path}: {section} must be written as [[{section}]] entries")
            return []
        if required and not entries:
            self.problem(None, f"{self.path}: no [[{section}]] entries")
        return entries

    def read(self, document: dict) -> Instrument:
        path = self.path
        for problem in toml_file.unknown_keys(path, document, TOP_LEVEL):
            self.problem(None, problem)
        if "version" not in document:
            self.problem(None, f"{path}: missing top-level key 'version' (write version = 1)")
        elif document["version"] != 1 or not _is_int(document["version"]):
            self.problem(None, f"{path}: version {document['version']!r} is not supported; "
                               "this Statboard reads version 1")
        if "name" not in document:
            self.problem(None, f"{path}: missing top-level key 'name' (the instrument's title on the form)")
        elif not _text(document["name"]):
            self.problem(None, f"{path}: name must be non-empty text, not {document['name']!r}")
        ratings = self.ratings(self.entries(document, "rating", required=True))
        outcomes = self.outcomes(self.entries(document, "outcome", required=True), ratings)
        themes = self.themes(self.entries(document, "theme", required=False))
        questions = self.questions(self.entries(document, "question", required=False))
        if self.problems:
            raise InstrumentError(path, [message for _, message in sorted(self.problems, key=lambda p: p[0])])
        return Instrument(path=path, version=1, name=document["name"].strip(), digest=self.digest,
                          ratings=tuple(ratings[r] for r in RATING_IDS), outcomes=tuple(outcomes),
                          themes=tuple(themes), questions=tuple(questions))

    def ratings(self, entries: list) -> dict[str, Rating]:
        seen: dict[str, str] = {}
        ratings: dict[str, Rating] = {}
        for position, entry in enumerate(entries):
            line, label = self.where("rating", position, len(entries), entry)
            if not isinstance(entry, dict):
                self.problem(line, f"{label}: an entry must be a table of fields")
                continue
            before = len(self.problems)
            self.fields(entry, RATING_FIELDS, line, label)
            ident = self.ident(entry, seen, line, label, ", ".join(RATING_IDS))
            if ident is not None and ident not in RATING_IDS:
                self.problem(line, f"{label}: rating id {ident!r} is not one of {', '.join(RATING_IDS)} "
                                   "(the ids are fixed; the names are yours)")
                ident = None
            self.words(entry, "name", "the rating's label on the form", line, label)
            rationale = entry.get("rationale")
            if rationale is None:
                self.problem(line, f"{label}: missing field 'rationale' ({' or '.join(RATIONALE)})")
            elif rationale not in RATIONALE:
                self.problem(line, f"{label}: rationale {rationale!r} is not one of {', '.join(RATIONALE)}")
            elif ident == ANI and rationale != "required":
                self.problem(line, f"{label}: every Area Needing Improvement is explained; "
                                   "write rationale = \"required\"")
            if ident is not None:
                seen[ident] = f"rating {position + 1}"
                if len(self.problems) == before:
                    ratings[ident] = Rating(ident, entry["name"].strip(), rationale == "required")
        missing = [r for r in RATING_IDS if r not in seen]
        if entries and missing:
            self.problem(None, f"{self.path}: no [[rating]] with id {', '.join(map(repr, missing))}; "
                               f"the instrument declares exactly the ratings {', '.join(RATING_IDS)}")
        return ratings

    def outcomes(self, entries: list, ratings: dict[str, Rating]) -> list[Outcome]:
        item_count = sum(len(e["item"]) for e in entries if isinstance(e, dict) and isinstance(e.get("item"), list))
        seen: dict[str, str] = {}
        item_ids: dict[str, str] = {}
        numbers: dict[int, str] = {}
        outcomes, item_position = [], 0
        for position, entry in enumerate(entries):
            line, label = self.where("outcome", position, len(entries), entry)
            if not isinstance(entry, dict):
                self.problem(line, f"{label}: an entry must be a table of fields")
                continue
            before = len(self.problems)
            self.fields(entry, OUTCOME_FIELDS, line, label)
            ident = self.ident(entry, seen, line, label, "e.g. safety_1")
            if ident is not None:
                seen[ident] = f"outcome {position + 1}"
            if "domain" not in entry:
                self.problem(line, f"{label}: missing field 'domain' ({', '.join(DOMAINS)})")
            elif entry["domain"] not in DOMAINS:
                self.problem(line, f"{label}: domain {entry['domain']!r} is not one of {', '.join(DOMAINS)}")
            self.words(entry, "name", "the outcome's statement", line, label)
            raw_items = entry.get("item")
            if raw_items is None or raw_items == []:
                self.problem(line, f"{label}: no items; give it one or more [[outcome.item]] entries after it")
                raw_items = []
            elif not isinstance(raw_items, list):
                self.problem(line, f"{label}: item must be written as [[outcome.item]] entries")
                raw_items = []
            items = []
            for number, raw in enumerate(raw_items, start=1):
                place = f"outcome {position + 1}, item {number}"
                item = self.item(raw, item_position, item_count, place, ident, item_ids, numbers, ratings)
                item_position += 1
                if item is not None:
                    items.append(item)
            if len(self.problems) == before:
                outcomes.append(Outcome(ident, entry["domain"], entry["name"].strip(), tuple(items)))
        return outcomes

    def item(self, entry, position: int, count: int, place: str, outcome: str | None, seen: dict[str, str],
             numbers: dict[int, str], ratings: dict[str, Rating]) -> Item | None:
        line, label = self.where("item", position, count, entry, fallback=place)
        if not isinstance(entry, dict):
            self.problem(line, f"{label}: an entry must be a table of fields")
            return None
        before = len(self.problems)
        self.fields(entry, ITEM_FIELDS, line, label)
        ident = self.ident(entry, seen, line, label, "e.g. placement_stability")
        if ident is not None:
            seen[ident] = f"item {position + 1}"
        number = entry.get("number")
        if number is None:
            self.problem(line, f"{label}: missing field 'number' (the item's number on the form, e.g. 4)")
        elif not _is_int(number) or number < 1:
            self.problem(line, f"{label}: number must be a whole number, 1 or more, not {number!r}")
        elif number in numbers:
            self.problem(line, f"{label}: number {number} is already used by {numbers[number]}; numbers must be unique")
        else:
            numbers[number] = f"item {ident!r}" if ident else f"item {position + 1}"
        self.words(entry, "name", "the item's label", line, label)
        self.words(entry, "question", "what the reviewer decides", line, label)
        self.words(entry, "guidance", "what to look at, and when the item does not apply", line, label)
        allowed = entry.get("ratings")
        if allowed is None:
            self.problem(line, f"{label}: missing field 'ratings' (which apply: [\"strength\", \"ani\"], "
                               "with \"na\" where the item may not apply)")
        elif not isinstance(allowed, list):
            self.problem(line, f"{label}: ratings must be a list of rating ids, not {allowed!r}")
        else:
            for rating in allowed:
                if rating not in RATING_IDS:
                    self.problem(line, f"{label}: ratings {rating!r} is not one of {', '.join(RATING_IDS)}")
            repeated = sorted({r for r in allowed if isinstance(r, str) and allowed.count(r) > 1})
            if repeated:
                self.problem(line, f"{label}: ratings names {', '.join(map(repr, repeated))} more than once")
            if STRENGTH not in allowed or ANI not in allowed:
                self.problem(line, f"{label}: ratings must include \"strength\" and \"ani\" "
                                   "(an item that applies is one or the other)")
        if len(self.problems) > before or outcome is None:
            return None
        return Item(ident, number, entry["name"].strip(), entry["question"].strip(), entry["guidance"].strip(),
                    tuple(r for r in RATING_IDS if r in allowed), outcome)

    def themes(self, entries: list) -> list[Theme]:
        seen: dict[str, str] = {}
        themes = []
        for position, entry in enumerate(entries):
            line, label = self.where("theme", position, len(entries), entry)
            if not isinstance(entry, dict):
                self.problem(line, f"{label}: an entry must be a table of fields")
                continue
            before = len(self.problems)
            self.fields(entry, THEME_FIELDS, line, label)
            ident = self.ident(entry, seen, line, label, "e.g. engagement")
            if ident is not None:
                seen[ident] = f"theme {position + 1}"
            self.words(entry, "name", "the theme's label", line, label)
            self.words(entry, "description", "what a reviewer names it for", line, label)
            if len(self.problems) == before:
                themes.append(Theme(ident, entry["name"].strip(), entry["description"].strip()))
        return themes

    def questions(self, entries: list) -> list[Question]:
        seen: dict[str, str] = {}
        questions = []
        for position, entry in enumerate(entries):
            line, label = self.where("question", position, len(entries), entry)
            if not isinstance(entry, dict):
                self.problem(line, f"{label}: an entry must be a table of fields")
                continue
            before = len(self.problems)
            self.fields(entry, QUESTION_FIELDS, line, label)
            ident = self.ident(entry, seen, line, label, "e.g. went_well")
            if ident is not None:
                seen[ident] = f"question {position + 1}"
            self.words(entry, "name", "the question's label", line, label)
            self.words(entry, "prompt", "what the reviewer is asked", line, label)
            if "required" not in entry:
                self.problem(line, f"{label}: missing field 'required' (true or false: must a completed "
                                   "review answer it?)")
            elif not isinstance(entry["required"], bool):
                self.problem(line, f"{label}: required must be true or false, not {entry['required']!r}")
            if len(self.problems) == before:
                questions.append(Question(ident, entry["name"].strip(), entry["prompt"].strip(), entry["required"]))
        return questions


# -- a filled review ---------------------------------------------------------------------------------

def check_answers(instrument: Instrument, answers, complete: bool = True) -> list[str]:
    """Every problem of a filled review, in the form's order; [] when it is good.

    `answers` is what the form sends and the store keeps:
    ``{"items": {item_id: {"rating": "ani", "rationale": "..."}}, "themes": [theme_id, ...],
    "questions": {question_id: "..."}}``. With ``complete=False`` (a draft being saved), items not yet
    rated, missing rationales and unanswered required questions are not problems; everything else is.
    """
    return [text for _field, text in answer_problems(instrument, answers, complete)]


def answer_problems(instrument: Instrument, answers, complete: bool = True) -> list[tuple[str, str]]:
    """`check_answers`' problems, each with the part of the form it is about, so a form can show it there:
    ``item:ID``, ``themes``, ``question:ID``, or ``""`` for the answers as a whole."""
    if not isinstance(answers, Mapping):
        return [("", f"a review's answers must be an object of {', '.join(ANSWER_KEYS)}, "
                     f"not {type(answers).__name__}")]
    problems = [("", f"unknown part {key!r}; a review has: {', '.join(ANSWER_KEYS)}")
                for key in answers if key not in ANSWER_KEYS]
    problems += _check_items(instrument, answers.get("items", {}), complete)
    problems += [("themes", text) for text in _check_themes(instrument, answers.get("themes", []))]
    problems += _check_questions(instrument, answers.get("questions", {}), complete)
    return problems


def _text_problem(label: str, value) -> str | None:
    if not isinstance(value, str):
        return f"{label} must be text, not {type(value).__name__}"
    if len(value) > MAX_ANSWER_CHARS:
        return f"{label} is {len(value):,} characters long; at most {MAX_ANSWER_CHARS:,}"
    return text_problem(label, value, one_line=False)


def _choices(instrument: Instrument, rating_ids) -> str:
    names = [instrument.rating(r).name for r in rating_ids]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _check_items(instrument: Instrument, given, complete: bool) -> list[tuple[str, str]]:
    if not isinstance(given, Mapping):
        return [("", f"items must be an object of item id to rating, not {type(given).__name__}")]
    problems = []
    for item in instrument.items:
        here = f"item:{item.id}"
        answer = given.get(item.id)
        if answer is None or (isinstance(answer, Mapping) and answer.get("rating") is None):
            if complete:
                problems.append((here, f"{item.label}: not rated; rate it {_choices(instrument, item.ratings)}"))
            if answer is None:
                continue
        if not isinstance(answer, Mapping):
            problems.append((here, f"{item.label}: the answer must be an object of {', '.join(ITEM_ANSWER_KEYS)}"))
            continue
        problems += [(here, f"{item.label}: unknown field {key!r}; an answer has: {', '.join(ITEM_ANSWER_KEYS)}")
                     for key in answer if key not in ITEM_ANSWER_KEYS]
        rating = answer.get("rating")
        rationale = answer.get("rationale")
        if rationale is not None:
            wrong = _text_problem(f"{item.label}: the rationale", rationale)
            if wrong:
                problems.append((here, wrong))
                rationale = None
        if rating is None:
            continue
        if rating not in RATING_IDS:
            problems.append((here, f"{item.label}: rating {rating!r} is not one of {', '.join(RATING_IDS)}"))
        elif rating not in item.ratings:
            problems.append((here, f"{item.label}: {instrument.rating(rating).name} is not a rating of this item; "
                                   f"rate it {_choices(instrument, item.ratings)}"))
        elif complete and instrument.rating(rating).rationale_required and not _text(rationale):
            problems.append((here, f"{item.label}: rated {instrument.rating(rating).name}, which needs a "
                                   "rationale: write what the case showed"))
    known = {item.id for item in instrument.items}
    problems += [("", f"unknown item {key!r}; the instrument has no such item") for key in given if key not in known]
    return problems


def _check_themes(instrument: Instrument, given) -> list[str]:
    if not isinstance(given, list):
        return [f"themes must be a list of theme ids, not {type(given).__name__}"]
    known = {theme.id for theme in instrument.themes}
    problems, seen = [], set()
    for theme in given:
        if not isinstance(theme, str) or theme not in known:
            problems.append(f"unknown theme {theme!r}; the themes are: {', '.join(t.id for t in instrument.themes)}")
        elif theme in seen:
            problems.append(f"theme {theme!r} is named more than once")
        else:
            seen.add(theme)
    return problems


def _check_questions(instrument: Instrument, given, complete: bool) -> list[tuple[str, str]]:
    if not isinstance(given, Mapping):
        return [("", f"questions must be an object of question id to text, not {type(given).__name__}")]
    problems = []
    for question in instrument.questions:
        here = f"question:{question.id}"
        answer = given.get(question.id)
        wrong = None if answer is None else _text_problem(f"{question.name!r}", answer)
        if wrong:
            problems.append((here, wrong))
        elif complete and question.required and not _text(answer):
            problems.append((here, f"{question.name!r} is not answered; a completed review answers it"))
    known = {question.id for question in instrument.questions}
    problems += [("", f"unknown question {key!r}; the instrument has no such question")
                 for key in given if key not in known]
    return problems


# -- findings ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemFindings:
    """Of the reviews where an item applied (rated Strength or ANI), how many rated it a Strength."""
    item: Item
    strengths: int
    applicable: int
    not_applicable: int

    @property
    def areas_needing_improvement(self) -> int:
        return self.applicable - self.strengths


@dataclass(frozen=True)
class ThemeCount:
    theme: Theme
    reviews: int  # how many reviews named it


@dataclass(frozen=True)
class Findings:
    reviews: int
    items: tuple[ItemFindings, ...]  # in the instrument's order
    themes: tuple[ThemeCount, ...]   # named at least once, most often first (ties in the instrument's order)


def rollup(instrument: Instrument, reviews: Iterable[Mapping]) -> Findings:
    """The findings of completed reviews' answers (as `check_answers` accepts them with complete=True).

    Items and themes that the instrument no longer declares (it was edited after a review was
    completed) are left out: the figures are always about the instrument shown beside them.
    """
    ratings = {item.id: Counter() for item in instrument.items}
    themes: Counter = Counter()
    count = 0
    for answers in reviews:
        count += 1
        given = answers.get("items")
        for item_id, answer in (given.items() if isinstance(given, Mapping) else ()):
            if item_id in ratings and isinstance(answer, Mapping):
                ratings[item_id][answer.get("rating")] += 1
        named = answers.get("themes")
        themes.update({t for t in named if isinstance(t, str)} if isinstance(named, list) else ())
    order = {theme.id: position for position, theme in enumerate(instrument.themes)}
    named = sorted((t for t in instrument.themes if themes[t.id]), key=lambda t: (-themes[t.id], order[t.id]))
    return Findings(
        reviews=count,
        items=tuple(ItemFindings(item, ratings[item.id][STRENGTH], ratings[item.id][STRENGTH] + ratings[item.id][ANI],
                                 ratings[item.id][NA]) for item in instrument.items),
        themes=tuple(ThemeCount(theme, themes[theme.id]) for theme in named))


def main(argv: list[str] | None = None) -> int:
    """`python -m reviews.instrument [FILE]`: check an instrument file (the default one without FILE)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        instrument = load_instrument(args[0] if args else None)
    except InstrumentError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"statboard: {exc.summary}", file=sys.stderr)
        return 1
    print(f"{instrument.path}: {len(instrument.items)} items under {len(instrument.outcomes)} outcomes, "
          f"{len(instrument.themes)} themes, {len(instrument.questions)} questions, no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
