"""The indicator catalogue: an agency-editable TOML file, read strictly.

Every problem in the file is reported at once, each naming the file, the line
of its ``[[indicator]]`` entry and the indicator, e.g.

    my-indicators.toml, line 41, indicator 'reentry': green 9 is above yellow 8.3, but lower is better ...

Numbers are read as exact decimals (``90.3`` is 903/10, not a binary float),
so a standard is compared exactly as it is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from editable import toml_file
from measures.definitions import RULES
from measures.imported import ImportedIndicator, check_imported, imported_indicator

DEFAULT_PATH = Path(__file__).with_name("indicators.toml")
DOMAINS = ("Safety", "Permanency", "Well-Being", "Self-Sufficiency")
KINDS = ("proportion", "rate", "median", "count")
DIRECTIONS = ("higher", "lower")
FIELDS = ("id", "name", "tier", "domain", "kind", "direction", "green", "yellow", "min_n", "scale",
          "definition", "why", "questions")
TOP_LEVEL = ("version", "indicator", "imported")


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry: what the scorecard shows and the standard it is held to."""
    position: int
    id: str
    name: str
    tier: int
    domain: str
    kind: str
    direction: str | None
    green: Decimal | None
    yellow: Decimal | None
    min_n: int | None
    scale: int | None
    definition: str
    why: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    path: Path
    indicators: tuple[Indicator, ...]
    imported: tuple[ImportedIndicator, ...] = ()  # `[[imported]]`: figures a source reports (measures/imported.py)

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self):
        return len(self.indicators)

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]

    def get(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def imported_indicator(self, indicator_id: str) -> ImportedIndicator | None:
        return next((i for i in self.imported if i.id == indicator_id), None)


class CatalogueError(toml_file.FileProblems):
    """The catalogue file cannot be used; `problems` lists every reason, each naming file and entry."""
    what = "the indicator catalogue"
    check = "nothing was loaded. Fix it (`statboard indicators check FILE`) and try again."


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and validate a catalogue file (the default one when `path` is None)."""
    path = Path(path) if path is not None else DEFAULT_PATH
    _data, text, document = toml_file.read(path, DEFAULT_PATH, "STATBOARD_CATALOGUE", CatalogueError,
                                           parse_float=Decimal)
    return _validate(path, text, document)


def _validate(path: Path, text: str, document: dict) -> Catalogue:
    problems = toml_file.top_level_problems(path, document, TOP_LEVEL)
    entries = document.get("indicator")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{path}: no [[indicator]] entries")
        raise CatalogueError(path, problems)
    lines = toml_file.entry_lines(text, "indicator")
    seen: dict[str, int] = {}
    indicators = []
    for position, entry in enumerate(entries):
        line = toml_file.entry_line(lines, entries, position)
        where = f"{path}, line {line}" if line else f"{path}, entry {position + 1}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: an entry must be a table of fields")
            continue
        ident = entry.get("id")
        label = f"{where}, indicator {ident!r}" if isinstance(ident, str) else where
        found = _check_entry(entry, label)
        if isinstance(ident, str) and ident in seen:
            found.append(f"{label}: the id {ident!r} is already used by entry {seen[ident] + 1}; ids must be unique")
        elif isinstance(ident, str):
            seen[ident] = position
        problems.extend(found)
        if not found:
            indicators.append(Indicator(
                position=len(indicators), id=ident, name=entry["name"].strip(), tier=entry["tier"],
                domain=entry["domain"], kind=entry["kind"], direction=entry.get("direction"),
                green=_decimal(entry.get("green")), yellow=_decimal(entry.get("yellow")),
                min_n=entry.get("min_n"), scale=entry.get("scale"), definition=entry["definition"].strip(),
                why=entry["why"].strip(), questions=tuple(q.strip() for q in entry["questions"])))
    imported = _imported(path, text, document, problems)
    if problems:
        raise CatalogueError(path, problems)
    return Catalogue(path, tuple(indicators), imported)


def _imported(path: Path, text: str, document: dict, problems: list[str]) -> tuple[ImportedIndicator, ...]:
    """The `[[imported]]` entries (none is fine), their problems added to `problems`."""
    entries = document.get("imported", [])
    if not isinstance(entries, list):
        problems.append(f"{path}: imported must be [[imported]] entries")
        return ()
    lines = toml_file.entry_lines(text, "imported")
    seen, found = set(), []
    for position, entry in enumerate(entries):
        line = toml_file.entry_line(lines, entries, position)
        where = f"{path}, line {line}" if line else f"{path}, imported entry {position + 1}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: an entry must be a table of fields")
            continue
        ident = entry.get("id")
        label = f"{where}, imported indicator {ident!r}" if isinstance(ident, str) else where
        these = check_imported(entry, label, RULES)
        if isinstance(ident, str) and ident in seen:
            these.append(f"{label}: the id {ident!r} is already used; ids must be unique")
        seen.add(ident)
        problems.extend(these)
        if not these:
            found.append(imported_indicator(len(found), entry))
    return tuple(found)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return _is_int(value) or (isinstance(value, Decimal) and value.is_finite())


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check_entry(entry: dict, label: str) -> list[str]:
    problems = [f"{label}: unknown field {key!r}; allowed: {', '.join(FIELDS)}" for key in entry if key not in FIELDS]

    def missing(field: str, what: str):
        problems.append(f"{label}: missing field {field!r} ({what})")

    ident = entry.get("id")
    rule = None
    if ident is None:
        missing("id", "one of the indicators Statboard computes")
    elif not isinstance(ident, str) or ident not in RULES:
        problems.append(f"{label}: unknown indicator id {ident!r}; Statboard computes: {', '.join(RULES)}")
    else:
        rule = RULES[ident]
    for field, what in (("name", "the scorecard's label"), ("definition", "the definition in words"),
                        ("why", "why it matters")):
        if field not in entry:
            missing(field, what)
        elif not _text(entry[field]):
            problems.append(f"{label}: {field} must be non-empty text")
    if "tier" not in entry:
        missing("tier", "1 or 2")
    elif entry["tier"] not in (1, 2) or not _is_int(entry["tier"]):
        problems.append(f"{label}: tier must be 1 or 2, not {entry['tier']!r}")
    if "domain" not in entry:
        missing("domain", ", ".join(DOMAINS))
    elif entry["domain"] not in DOMAINS:
        problems.append(f"{label}: domain {entry['domain']!r} is not one of {', '.join(DOMAINS)}")
    questions = entry.get("questions")
    if questions is None:
        missing("questions", "two or three questions for a Stat meeting")
    elif not isinstance(questions, list) or not 2 <= len(questions) <= 3 or not all(map(_text, questions)):
        problems.append(f"{label}: questions must be a list of two or three non-empty questions")

    kind = entry.get("kind")
    if kind is None:
        missing("kind", ", ".join(KINDS))
    elif kind not in KINDS:
        problems.append(f"{label}: kind {kind!r} is not one of {', '.join(KINDS)}")
    elif rule is not None and kind != rule.kind:
        problems.append(f"{label}: kind is {kind!r}, but {ident} is computed as a {rule.kind}; "
                        f"write kind = \"{rule.kind}\"")
        kind = None
    if kind == "count":
        for field in ("direction", "green", "yellow", "min_n", "scale"):
            if field in entry:
                problems.append(f"{label}: a count is never coloured; remove {field!r}")
        return problems
    if kind is None or kind not in KINDS:
        return problems

    direction = entry.get("direction")
    if direction is None:
        missing("direction", "higher or lower: which is better")
    elif direction not in DIRECTIONS:
        problems.append(f"{label}: direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
        direction = None
    elif rule is not None and direction != rule.direction:
        problems.append(f"{label}: direction is {direction!r}, but for {ident} {rule.direction} is better "
                        "(its members' numerator counts " +
                        ("the good outcome" if rule.direction == "higher" else "the bad outcome") + ")")
        direction = None
    thresholds = {}
    for field in ("green", "yellow"):
        value = entry.get(field)
        if value is None:
            missing(field, "the standard, a number")
        elif not _is_number(value) or value < 0:
            problems.append(f"{label}: {field} must be a number, 0 or more, not {value!r}")
        elif kind == "proportion" and value > 100:
            problems.append(f"{label}: {field} {value} is a percent above 100")
        else:
            thresholds[field] = Decimal(value)
    if direction and len(thresholds) == 2:
        green, yellow = thresholds["green"], thresholds["yellow"]
        if direction == "higher" and green < yellow:
            problems.append(f"{label}: green {green} is below yellow {yellow}, but higher is better: "
                            "green must be at or above yellow")
        if direction == "lower" and green > yellow:
            problems.append(f"{label}: green {green} is above yellow {yellow}, but lower is better: "
                            "green must be at or below yellow")
    min_n = entry.get("min_n")
    if min_n is None:
        missing("min_n", "the smallest denominator that is coloured: 5 members, or 1000 days for a rate")
    elif not _is_int(min_n) or min_n < 1:
        problems.append(f"{label}: min_n must be a whole number, 1 or more, not {min_n!r}")
    scale = entry.get("scale")
    if kind == "rate":
        if scale is None:
            missing("scale", "a rate is events per `scale` days, e.g. 100000")
        elif not _is_int(scale) or scale < 1:
            problems.append(f"{label}: scale must be a whole number, 1 or more, not {scale!r}")
    elif scale is not None:
        problems.append(f"{label}: scale applies to rates only; remove it from this {kind}")
    return problems
