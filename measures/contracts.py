"""Outcome contracts with delegate agencies: the file an agency keeps (TOML), read strictly.

    version = 1
    [[contract]]
    id = "C-2025-FFA01"
    provider = "FFA01"                        # a provider_id of the warehouse's providers table
    program = "Foster care"
    start = 2025-07-01                        # TOML dates, no quotes; both days are in the contract
    end = 2026-06-30
    cadence = "quarterly"                     # or "monthly": how often the provider's performance is reviewed
    contacts = ["Ana Ruiz <ana.ruiz@beacon.org>", "qa@beacon.org"]   # optional: the provider's people who get
                                              # the follow-up of its performance reviews
    manager = "Lee Park <lee.park@county.gov>"  # optional: the department's contract manager
    [[contract.metric]]
    indicator = "placement_stability_0_12"    # a computed indicator of the catalogue, or an [[imported]] one
    target = 88.0                             # in the indicator's units (a proportion: a percent)
    floor = 80.0                              # optional: beyond it the contract's remedy starts

Every problem in the file is reported at once, each naming the file, the line of its entry and the contract (and
metric), e.g.

    contracts.toml, line 12, contract 'C-2025-FFA01': end 2025-06-30 is before start 2025-07-01

The catalogue says which indicators a metric may name and which side of a target is better. The providers a
contract may name are the warehouse's; this module does not read the warehouse (it sits below it), so the caller
passes the provider ids in. Keeping a checked file, as a new version, is the app store's (store/contracts.py).
Numbers are exact decimals, as in the catalogue.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from display.typed_text import EMAIL, PERSON, text_problem
from editable import toml_file
from measures.catalogue import Catalogue
from measures.definitions import RULES

TOP_LEVEL = ("version", "contract")
FIELDS = ("id", "provider", "program", "start", "end", "cadence", "contacts", "manager", "metric")
CONTACTS_MAX = 20  # a provider's people who get its reviews' follow-up: its director, QA lead, program leads
METRIC_FIELDS = ("indicator", "target", "floor")
CADENCES = ("monthly", "quarterly")
CONTRACT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
NO_PROVIDERS = "the warehouse holds no providers: load an extract with a providers table first"
# Whose members a provider is responsible for (docs/data-contract.md): an episode's, through its placement, and an
# in-home case's. A referral or a child (counted from its first report) belongs to no provider.
PROVIDER_MEMBERS = ("episode", "in_home_case")
MEMBER_WORDS = {"referral": "referrals", "child": "children from their first report"}
PROVIDERS_NAMED = 12  # an unknown provider's problem names at most this many of the known ones


@dataclass(frozen=True)
class Metric:
    """One outcome a contract holds its provider to: an indicator, the target and, optionally, the floor beyond
    which the contract's remedy starts (on the worse side of the target)."""
    indicator_id: str
    target: Decimal
    floor: Decimal | None


@dataclass(frozen=True)
class Contract:
    id: str
    provider_id: str
    program: str
    start: dt.date
    end: dt.date
    cadence: str
    metrics: tuple[Metric, ...]
    contacts: tuple[str, ...] = ()   # "Name <address>" or an address: who at the provider gets the follow-up
    manager: str | None = None       # the contract manager, "Name <address>" or an address

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class ContractsFile:
    """A checked contracts file: its contracts in the file's order, and the SHA-256 of its bytes."""
    path: Path
    sha256: str
    contracts: tuple[Contract, ...]

    def __len__(self):
        return len(self.contracts)


class ContractsError(toml_file.FileProblems):
    """The contracts file cannot be used; `problems` lists every reason, each naming file, line and contract."""
    what = "the contracts file"
    check = "nothing was loaded. Fix it (`statboard contracts check FILE`) and try again."


def read_contracts(path: Path | str, catalogue: Catalogue, provider_ids: Collection[str]) -> ContractsFile:
    """Read and check a contracts file against `catalogue` and the warehouse's `provider_ids` (none: a problem
    saying so, the rest still checked); `ContractsError` with every problem."""
    path = Path(path)
    data, text, document = toml_file.read(path, None, None, ContractsError, parse_float=Decimal)
    problems = toml_file.top_level_problems(path, document, TOP_LEVEL)
    providers = set(provider_ids)
    if not providers:
        problems.append(f"{path}: {NO_PROVIDERS}")
    entries = document.get("contract")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{path}: no [[contract]] entries" if entries is None or entries == []
                        else f"{path}: contract must be [[contract]] entries")
        raise ContractsError(path, problems)
    lines = toml_file.entry_lines(text, "contract")
    metric_lines = _metric_lines(text, entries)
    contracts, seen, by_terms = [], {}, {}
    for position, entry in enumerate(entries):
        line = toml_file.entry_line(lines, entries, position)
        where = f"{path}, line {line}" if line else f"{path}, contract entry {position + 1}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: an entry must be a table of fields")
            continue
        ident = entry.get("id")
        named = f", contract {ident!r}" if isinstance(ident, str) else ""
        label = where + named
        found = _check_contract(entry, label, providers)
        found += _check_metrics(entry, label, f"{path}, line {{}}{named}", metric_lines.get(position), catalogue)
        if isinstance(ident, str) and ident in seen:
            found.append(f"{label}: the id {ident!r} is already used by the contract at {seen[ident]}; "
                         "ids must be unique")
        elif isinstance(ident, str):
            seen[ident] = _at(line, position)
        found += _overlaps(entry, label, _at(line, position), by_terms)
        problems.extend(found)
        if not found:
            contracts.append(_contract(entry))
    if problems:
        raise ContractsError(path, problems)
    return ContractsFile(path, hashlib.sha256(data).hexdigest(), tuple(contracts))


def _at(line: int | None, position: int) -> str:
    return f"line {line}" if line else f"entry {position + 1}"


def _metric_lines(text: str, entries: list) -> dict[int, list[int]]:
    """The line each contract's `[[contract.metric]]` entries start on, by the contract's position; none when the
    metrics are not all written as headers (TOML puts each header's metric in the contract above it)."""
    counts = [len(e["metric"]) if isinstance(e, dict) and isinstance(e.get("metric"), list) else 0
              for e in entries]
    lines = toml_file.entry_lines(text, "contract.metric")
    if len(lines) != sum(counts):
        return {}
    found, start = {}, 0
    for position, count in enumerate(counts):
        found[position], start = lines[start:start + count], start + count
    return found


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _number(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, Decimal)
                                                                        and value.is_finite())


def _day(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _program_key(program: str) -> str:
    """Programs compare without regard to case and spacing: "Foster care" and "foster  care" are one program."""
    return " ".join(program.split()).casefold()


def _check_contract(entry: dict, label: str, providers: set[str]) -> list[str]:
    problems = [f"{label}: unknown field {key!r}; allowed: {', '.join(FIELDS)}" for key in entry if key not in FIELDS]

    def missing(field: str, what: str):
        problems.append(f"{label}: missing field {field!r} ({what})")

    ident = entry.get("id")
    if ident is None:
        missing("id", "the contract's number, e.g. C-2025-FFA01")
    elif not isinstance(ident, str) or not CONTRACT_ID.match(ident):
        problems.append(f"{label}: id {ident!r} must be letters, digits, '.', '-' and '_' (at most 60), "
                        "starting with a letter or digit")
    provider = entry.get("provider")
    if provider is None:
        missing("provider", "the provider_id of the warehouse's providers table")
    elif not _text(provider):
        problems.append(f"{label}: provider must be a provider_id (text), not {provider!r}")
    elif len(provider) > 200:
        problems.append(f"{label}: provider {provider[:40]!r}… is longer than a provider_id may be (200)")
    elif providers and provider not in providers:
        known = sorted(providers)
        named = ", ".join(known[:PROVIDERS_NAMED]) + (f" (and {len(known) - PROVIDERS_NAMED} more)"
                                                      if len(known) > PROVIDERS_NAMED else "")
        problems.append(f"{label}: unknown provider {provider!r}; the warehouse's providers are {named}")
    program = entry.get("program")
    if program is None:
        missing("program", "what the provider is contracted for, e.g. Foster care")
    elif not _text(program) or len(program) > 300:
        problems.append(f"{label}: program must be non-empty text of at most 300 characters")
    for field in ("start", "end"):
        value = entry.get(field)
        if value is None:
            missing(field, "a day, e.g. 2025-07-01")
        elif not _day(value):
            problems.append(f"{label}: {field} must be a day written as a TOML date without quotes, e.g. "
                            f"{field} = 2025-07-01, not {value!r}")
    start, end = entry.get("start"), entry.get("end")
    if _day(start) and _day(end) and end < start:
        problems.append(f"{label}: end {end} is before start {start}")
    cadence = entry.get("cadence")
    if cadence is None:
        missing("cadence", "monthly or quarterly: how often the provider's performance is reviewed")
    elif cadence not in CADENCES:
        problems.append(f"{label}: cadence {cadence!r} is not one of {', '.join(CADENCES)}")
    return problems + _check_people(entry, label)


def person(text: str) -> tuple[str, str] | None:
    """(name, address) of "Name <address>" or of an address alone (its name the address); None when it is
    neither: an address mail can carry (the rule a meeting's attendees follow), one person, on one line."""
    if not isinstance(text, str) or text_problem("a person", text, one_line=True) or len(text) > 300:
        return None
    text = text.strip()
    found = PERSON.fullmatch(text)
    name, address = (found.group(1).strip(), found.group(2).strip()) if found else (text, text)
    if not EMAIL.match(address) or (name != address and any(c in name for c in "<>@;,")):
        return None
    return name or address, address


def _check_people(entry: dict, label: str) -> list[str]:
    """The optional `contacts` (a list) and `manager`: each "Name <address>" or an address; every one named."""
    problems = []
    how = "write name@provider.org or Name <name@provider.org>"
    contacts = entry.get("contacts")
    if contacts is not None:
        if not isinstance(contacts, list):
            problems.append(f"{label}: contacts must be a list of addresses, e.g. contacts = [\"qa@provider.org\"], "
                            f"not {str(contacts)[:60]!r}")
        else:
            if len(contacts) > CONTACTS_MAX:
                problems.append(f"{label}: {len(contacts)} contacts: at most {CONTACTS_MAX} (the provider's people "
                                "who get its reviews' follow-up)")
            seen = {}
            for n, contact in enumerate(contacts, start=1):
                found = person(contact)
                if found is None:
                    problems.append(f"{label}: contact {n} {str(contact)[:80]!r} is not an e-mail address: {how}")
                elif found[1].lower() in seen:
                    problems.append(f"{label}: contact {n} {found[1]!r} is given twice (first as contact "
                                    f"{seen[found[1].lower()]}): give each person once")
                else:
                    seen[found[1].lower()] = n
    manager = entry.get("manager")
    if manager is not None and person(manager) is None:
        problems.append(f"{label}: manager {str(manager)[:80]!r} is not an e-mail address: write the contract "
                        "manager as name@agency.gov or Name <name@agency.gov>")
    return problems


def _check_metrics(entry: dict, label: str, at_line: str, lines: list[int] | None, catalogue: Catalogue
                   ) -> list[str]:
    """Every problem of a contract's metrics, each named by its own line (`at_line` with it) when it is known, by
    the contract's `label` and its place otherwise."""
    metrics = entry.get("metric")
    if metrics is None or metrics == []:
        return [f"{label}: no [[contract.metric]] entries: a contract holds its provider to at least one outcome"]
    if not isinstance(metrics, list):
        return [f"{label}: metric must be [[contract.metric]] entries"]
    problems, seen = [], {}
    for position, metric in enumerate(metrics):
        head = at_line.format(lines[position]) if lines else label
        ident = metric.get("indicator") if isinstance(metric, dict) else None
        mlabel = f"{head}, metric {ident!r}" if isinstance(ident, str) else f"{head}, metric {position + 1}"
        if not isinstance(metric, dict):
            problems.append(f"{mlabel}: a metric must be a table of fields")
            continue
        problems += _check_metric(metric, mlabel, catalogue)
        if isinstance(ident, str) and ident in seen:
            problems.append(f"{mlabel}: {ident!r} is given twice in this contract (first at {seen[ident]}); "
                            "give each indicator once")
        elif isinstance(ident, str):
            seen[ident] = f"line {lines[position]}" if lines else f"metric {position + 1}"
    return problems


def _standard(catalogue: Catalogue, ident: str):
    """(name, kind, direction) of a computed or imported indicator; None when the catalogue has neither."""
    if ident in catalogue.ids:
        found = catalogue.get(ident)
        return found.name, found.kind, found.direction
    imported = catalogue.imported_indicator(ident)
    return None if imported is None else (imported.name, imported.kind, imported.direction)


def _check_metric(metric: dict, label: str, catalogue: Catalogue) -> list[str]:
    problems = [f"{label}: unknown field {key!r}; allowed: {', '.join(METRIC_FIELDS)}"
                for key in metric if key not in METRIC_FIELDS]
    ident = metric.get("indicator")
    kind = direction = None
    if ident is None:
        problems.append(f"{label}: missing field 'indicator' (an indicator id of the catalogue)")
    elif not isinstance(ident, str) or _standard(catalogue, ident) is None:
        problems.append(f"{label}: unknown indicator {ident!r}; the catalogue computes {', '.join(catalogue.ids)}"
                        + (f" and imports {', '.join(i.id for i in catalogue.imported)}" if catalogue.imported
                           else ""))
    else:
        name, kind, direction = _standard(catalogue, ident)
        members = RULES[ident].member_types if ident in RULES else PROVIDER_MEMBERS
        if kind == "count":
            problems.append(f"{label}: {name} is a count, never coloured: a contract's target needs a proportion, "
                            "rate or median")
            kind = None
        elif direction is None:
            problems.append(f"{label}: {name} is never coloured (the catalogue says neither higher nor lower is "
                            "better): a contract's target needs an indicator with a direction")
        elif not set(members) & set(PROVIDER_MEMBERS):
            counted = " and ".join(MEMBER_WORDS.get(m, m) for m in members)
            problems.append(f"{label}: {name} counts {counted}, which belong to no provider (only children in care, "
                            "by their placement, and in-home cases do): a contract cannot be measured on it")
    values = {}
    for field in ("target", "floor"):
        if field not in metric:
            if field == "target":
                problems.append(f"{label}: missing field 'target' (the contract's goal, in the indicator's units)")
            continue
        value = metric[field]
        if not _number(value) or value < 0:
            problems.append(f"{label}: {field} must be a number, 0 or more, not {value!r}")
        elif len(str(value)) > 40:
            problems.append(f"{label}: {field} {str(value)[:20]}… has more digits than a target needs (40 at most)")
        elif kind == "proportion" and value > 100:
            problems.append(f"{label}: {field} {value} is a percent above 100")
        else:
            values[field] = Decimal(value)
    target, floor = values.get("target"), values.get("floor")
    if target is not None and floor is not None and direction in ("higher", "lower"):
        if direction == "higher" and floor > target:
            problems.append(f"{label}: floor {floor} is above target {target}, but higher is better: the floor, "
                            "where the remedy starts, must be at or below the target")
        if direction == "lower" and floor < target:
            problems.append(f"{label}: floor {floor} is below target {target}, but lower is better: the floor, "
                            "where the remedy starts, must be at or above the target")
    return problems


def _overlaps(entry: dict, label: str, at: str, by_terms: dict) -> list[str]:
    """A problem for each earlier contract of the same provider and program whose days meet this one's; this one
    is remembered for the next."""
    provider, program, start, end = (entry.get(k) for k in ("provider", "program", "start", "end"))
    if not (_text(provider) and _text(program) and _day(start) and _day(end)) or end < start:
        return []
    earlier = by_terms.setdefault((provider, _program_key(program)), [])
    problems = [f"{label}: overlaps the contract {other} at {other_at}, of the same provider {provider!r} and "
                f"program {program.strip()!r}: {start} to {end} meets {other_start} to {other_end}; one provider's "
                "contracts for one program must not overlap: end one before the other starts"
                for other, other_at, other_start, other_end in earlier
                if start <= other_end and other_start <= end]
    ident = entry.get("id")
    earlier.append((repr(ident) if isinstance(ident, str) else "without an id", at, start, end))
    return problems


def _contract(entry: dict) -> Contract:
    """The entry (already checked) as a `Contract`."""
    return Contract(
        entry["id"], entry["provider"], " ".join(entry["program"].split()), entry["start"], entry["end"],
        entry["cadence"], tuple(Metric(m["indicator"], Decimal(m["target"]),
                                       None if m.get("floor") is None else Decimal(m["floor"]))
                                for m in entry["metric"]),
        tuple(c.strip() for c in entry.get("contacts") or ()), (entry.get("manager") or "").strip() or None)


def contract_status(value: float, metric: Metric, direction: str) -> str:
    """A value against its contract: green at or better than the target, red worse than the floor (the contract's
    remedy), yellow between (or worse than the target, without a floor): the one rule of the provider scorecard,
    the provider page and the provider reviews."""
    better = (lambda a, b: a >= b) if direction == "higher" else (lambda a, b: a <= b)
    if better(value, float(metric.target)):
        return "green"
    if metric.floor is not None and not better(value, float(metric.floor)):
        return "red"
    return "yellow"
