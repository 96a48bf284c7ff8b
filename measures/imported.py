"""Imported indicators: figures a publisher or a delegate agency reports (numerator and denominator per entity and
period), declared in the catalogue file as `[[imported]]` entries beside the computed `[[indicator]]` ones.

    [[imported]]
    id = "cfsr_reentry"
    name = "Re-entry to foster care within 12 months"
    source = "Children's Bureau, CFSR Round 4 national profile"
    domain = "Permanency"
    kind = "proportion"            # or "rate", with scale = events per `scale` units
    direction = "lower"            # higher or lower is better; leave out (with the standard) to never colour it
    green = 5.6                    # the standard: at or better than this is green ...
    yellow = 5.6                   # ... at or better than this yellow, else red (equal to green: no yellow)
    units = "% of children"
    decimals = 1                   # the precision shown
    definition = "..."
    compare_to = "reentry"         # optional: the computed indicator whose trend may show this one beside it
    compare_note = "..."           # optional: how the two definitions differ

A value is always recomputed as numerator / denominator × scale (100 for a proportion: a percent).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from measures.definitions import RULES

KINDS = ("proportion", "rate")
DIRECTIONS = ("higher", "lower")
FIELDS = ("id", "name", "source", "domain", "kind", "scale", "direction", "green", "yellow", "units", "decimals",
          "definition", "compare_to", "compare_note")
DOMAINS = ("Safety", "Permanency", "Well-Being", "Self-Sufficiency")


@dataclass(frozen=True)
class ImportedIndicator:
    position: int
    id: str
    name: str
    source: str
    domain: str
    kind: str
    scale: int                 # 100 for a proportion (shown as a percent)
    direction: str | None      # None: never coloured
    green: Decimal | None
    yellow: Decimal | None
    units: str
    decimals: int
    definition: str
    compare_to: str | None
    compare_note: str

    @property
    def coloured(self) -> bool:
        return self.direction is not None and self.green is not None

    def status(self, value) -> str:
        """green, yellow or red against the standard; none when not coloured or the value is missing."""
        if value is None or not self.coloured:
            return "none"
        value = Decimal(str(value))
        better = (lambda a, b: a >= b) if self.direction == "higher" else (lambda a, b: a <= b)
        if better(value, self.green):
            return "green"
        if better(value, self.yellow):
            return "yellow"
        return "red"


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _number(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, Decimal)
                                                                        and value.is_finite())


def check_imported(entry: dict, label: str, computed_ids) -> list[str]:
    """Every problem of one `[[imported]]` entry, each naming it."""
    problems = [f"{label}: unknown field {key!r}; allowed: {', '.join(FIELDS)}" for key in entry if key not in FIELDS]
    for field, what in (("id", "a short id of letters, digits and _"), ("name", "the scorecard's label"),
                        ("source", "who publishes or reports it"), ("definition", "the definition in words"),
                        ("units", "what a value counts, e.g. '% of children'")):
        if field not in entry:
            problems.append(f"{label}: missing field {field!r} ({what})")
        elif not _text(entry[field]):
            problems.append(f"{label}: {field} must be non-empty text")
    ident = entry.get("id")
    if isinstance(ident, str) and (not ident.replace("_", "").isalnum() or not ident.isascii() or len(ident) > 60):
        problems.append(f"{label}: id {ident!r} must be letters, digits and _ (at most 60)")
    if isinstance(ident, str) and ident in computed_ids:
        problems.append(f"{label}: id {ident!r} is a computed indicator's; give the imported one its own id")
    if entry.get("domain") not in DOMAINS:
        problems.append(f"{label}: domain {entry.get('domain')!r} is not one of {', '.join(DOMAINS)}")
    kind = entry.get("kind")
    if kind not in KINDS:
        problems.append(f"{label}: kind {kind!r} is not one of {', '.join(KINDS)} (an imported figure is a "
                        "numerator over a denominator)")
    scale = entry.get("scale")
    if kind == "rate" and not (isinstance(scale, int) and not isinstance(scale, bool) and scale > 0):
        problems.append(f"{label}: a rate needs scale, the events counted per `scale` units (e.g. 1000)")
    if kind == "proportion" and scale not in (None, 100):
        problems.append(f"{label}: a proportion is shown as a percent: leave scale out (or write 100)")
    direction, green, yellow = entry.get("direction"), entry.get("green"), entry.get("yellow")
    if direction is not None and direction not in DIRECTIONS:
        problems.append(f"{label}: direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    for field, value in (("green", green), ("yellow", yellow)):
        if value is not None and not _number(value):
            problems.append(f"{label}: {field} must be a number, not {value!r}")
    if (direction is None) != (green is None):
        problems.append(f"{label}: give direction and green together (the standard and which side of it is "
                        "better), or neither (never coloured)")
    if yellow is not None and green is None:
        problems.append(f"{label}: yellow without green: give the standard (green) first")
    if direction in DIRECTIONS and _number(green) and _number(yellow):
        worse = Decimal(yellow) > Decimal(green) if direction == "higher" else Decimal(yellow) < Decimal(green)
        if worse:
            problems.append(f"{label}: yellow {yellow} is better than green {green}, but {direction} is better")
    decimals = entry.get("decimals", 1)
    if not (isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= 6):
        problems.append(f"{label}: decimals must be a whole number from 0 to 6")
    compare_to = entry.get("compare_to")
    if compare_to is not None and compare_to not in RULES:
        problems.append(f"{label}: compare_to {compare_to!r} is not a computed indicator")
    if "compare_note" in entry and not _text(entry["compare_note"]):
        problems.append(f"{label}: compare_note must be non-empty text")
    return problems


def imported_indicator(position: int, entry: dict) -> ImportedIndicator:
    """The entry (already checked) as an `ImportedIndicator`."""
    green = entry.get("green")
    yellow = entry.get("yellow", green)
    return ImportedIndicator(
        position, entry["id"], entry["name"].strip(), entry["source"].strip(), entry["domain"], entry["kind"],
        entry.get("scale") or 100, entry.get("direction"), None if green is None else Decimal(green),
        None if yellow is None else Decimal(yellow), entry["units"].strip(), entry.get("decimals", 1),
        entry["definition"].strip(), entry.get("compare_to"), (entry.get("compare_note") or "").strip())
