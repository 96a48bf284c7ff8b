"""Published or reported figures (aggregates), read and checked: a file of numerators and denominators per entity,
indicator, period and breakdown, in one of two formats.

- `generic`: Statboard's own (docs/data-contract.md, "Aggregate figures"): one row per entity × indicator ×
  period × breakdown with `entity_type, entity_id, entity_name, indicator_id, period_start, period_end,
  period_label, numerator, denominator` and, optionally, `period` (a code), `value`, `breakdown_dimension`,
  `breakdown_value`.
- `cfsr-profile`: the Children's Bureau's CFSR national profile as published (its own header, exactly).

Every problem is named with file, line, column, value and the rule broken (loader/problems.py), all at once; a
file with any problem gives no rows. An empty numerator or denominator is a missing value, never zero. A value
given (`value`, or the profile's `performance`) must equal the one recomputed from numerator and denominator to
the precision it is written with. Reading writes nothing: store/aggregates.py keeps what this returns.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, ROUND_HALF_EVEN
from pathlib import Path

from display.typed_text import text_problem
from loader.problems import LoadRefused, Problem, Report as LoadReport
from measures.catalogue import Catalogue

FORMATS = ("generic", "cfsr-profile")
ENTITY_TYPES = ("nation", "state", "agency", "provider", "program", "department", "bureau", "office", "unit",
                "worker")
GENERIC_REQUIRED = ("entity_type", "entity_id", "entity_name", "indicator_id", "period_start", "period_end",
                    "period_label", "numerator", "denominator")
GENERIC_OPTIONAL = ("period", "value", "breakdown_dimension", "breakdown_value")
CFSR_HEADER = ("state", "state_abb", "category", "indicator", "dimension", "dimension_value", "period",
               "period_meaningful", "denominator", "numerator", "performance", "state_rank", "reporting_states",
               "census_year", "national_standard", "as_of_date", "profile_version", "source", "indicator_sort",
               "indicator_short", "indicator_very_short", "description", "denominator_def", "numerator_def",
               "direction_rule", "direction_desired", "direction_legend", "decimal_precision", "scale", "format",
               "risk_adjustment", "exclusions", "notes")
# The profile's indicators, by the name it publishes them under, and the catalogue's id for each.
CFSR_INDICATORS = {
    "Maltreatment in care (victimizations / 100,000 days in care)": "cfsr_maltreatment_in_care",
    "Maltreatment recurrence within 12 months": "cfsr_recurrence",
    "Permanency in 12 months for children entering care": "cfsr_permanency_entering",
    "Permanency in 12 months for children in care 12-23 months": "cfsr_permanency_12_23",
    "Permanency in 12 months for children in care 24 months or more": "cfsr_permanency_24_plus",
    "Reentry to foster care within 12 months": "cfsr_reentry",
    "Placement stability (moves / 1,000 days in care)": "cfsr_placement_stability",
    "Foster care entry rate (entries / 1,000 children)": "cfsr_entry_rate",
}
MAX_ROWS = 1_000_000


class Report(LoadReport):
    """A file's problems (keyed by the file's stem, as the extract's are by table)."""

    def add(self, table: str, found: list, total: int | None = None) -> None:
        super().add(table.rsplit(".", 1)[0], found, total)

    def summary(self) -> str:
        return (f"import refused: {self.count} problem(s); nothing was imported. Fix the file and import it "
                "again.")
MONTHS = {m: n for n, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                      "Dec"), start=1)}


@dataclass(frozen=True)
class AggregateRow:
    entity_type: str
    entity_id: str
    entity_name: str
    indicator_id: str
    period: str
    period_label: str
    period_start: dt.date
    period_end: dt.date
    breakdown_dimension: str   # "" for the entity's overall figure
    breakdown_value: str
    numerator: Decimal | None  # None: missing (not published), never zero
    denominator: Decimal | None
    withheld: bool = False     # the publisher gave no value (suppressed, not applicable): missing, whatever it counts


@dataclass(frozen=True)
class Aggregates:
    """A checked file: its rows, the catalogue's declarations of the indicators they use, and its as-of day."""
    format: str
    rows: tuple[AggregateRow, ...]
    indicators: dict          # indicator id -> measures.imported.ImportedIndicator
    as_of: dt.date


def recomputed(numerator: Decimal | None, denominator: Decimal | None, scale: int, withheld: bool = False
               ) -> Decimal | None:
    """numerator / denominator × scale, or None when either is missing, the denominator is 0 or the publisher
    withheld the value."""
    if withheld or numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * scale


def _places(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _agrees(given: str, value: Decimal, scale_given: Decimal = Decimal(1)) -> bool:
    """`given` (as written) equals `value` (in the given's units: divided by `scale_given`) to its precision."""
    places = _places(given)
    exact = (value / scale_given).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return exact == Decimal(given).quantize(Decimal(1).scaleb(-places))


def read_aggregates(path: Path, fmt: str, catalogue: Catalogue) -> Aggregates:
    """The checked figures of `path` in `fmt`, or `LoadRefused` with every problem."""
    path = Path(path)
    name = path.name
    if fmt not in FORMATS:
        raise LoadRefused(_single(name, f"--format {fmt!r} is not one of {', '.join(FORMATS)}"))
    if not path.is_file():
        raise LoadRefused(_single(name, f"there is no file {path}: give the path of a CSV file"))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadRefused(_single(name, f"the file is not UTF-8 text (byte {exc.start}): save it as UTF-8 CSV"))
    if "\x00" in text:
        raise LoadRefused(_single(name, "the file holds a NUL character: it is not a CSV text file"))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise LoadRefused(_single(name, "the file is empty: it needs a header and rows"))
    header = tuple(h.strip() for h in rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise LoadRefused(_single(name, f"{len(rows) - 1:,} rows: at most {MAX_ROWS:,} in one file"))
    report = Report()
    if fmt == "cfsr-profile":
        found = _cfsr(name, header, rows[1:], catalogue, report)
    else:
        found = _generic(name, header, rows[1:], catalogue, report)
    if report:
        raise LoadRefused(report)
    return found


def _single(name: str, rule: str) -> Report:
    report = Report()
    report.add(name, [Problem(name, None, None, None, rule)])
    return report


def _header_problem(name: str, header: tuple, fmt: str) -> str:
    if set(CFSR_HEADER) <= set(header) and fmt == "generic":
        return "this is a CFSR national profile, not the generic format: import it with --format cfsr-profile"
    if set(GENERIC_REQUIRED) <= set(header) and fmt == "cfsr-profile":
        return "this is Statboard's generic format, not a CFSR profile: import it with --format generic"
    return ""


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _count(text: str) -> Decimal | None | str:
    """A count as written: None when empty (missing), else a Decimal, or the rule it breaks."""
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return "is not a number"
    if not number.is_finite():
        return "is not a number"
    if number < 0:
        return "is negative: a count is 0 or more"
    return number


def _check_row(name: str, line: int, row: dict, indicator, report_rows: list) -> tuple:
    """Problems common to both formats: the counts and, for a proportion, numerator ≤ denominator."""
    numerator, denominator = _count(row["numerator"]), _count(row["denominator"])
    for column, value in (("numerator", numerator), ("denominator", denominator)):
        if isinstance(value, str):
            report_rows.append(Problem(name, line, column, row[column], f"a {column} {value}"))
    if isinstance(numerator, str) or isinstance(denominator, str):
        return None, None, False
    if indicator is not None and indicator.kind == "proportion" and numerator is not None \
            and denominator is not None and numerator > denominator:
        report_rows.append(Problem(name, line, "numerator", row["numerator"],
                                   f"{indicator.id} is a proportion: its numerator is at most its denominator "
                                   f"({row['denominator']})"))
        return numerator, denominator, False
    return numerator, denominator, True


def _generic(name: str, header: tuple, rows: list, catalogue: Catalogue, report: Report) -> Aggregates:
    missing = [c for c in GENERIC_REQUIRED if c not in header]
    unknown = [c for c in header if c not in GENERIC_REQUIRED + GENERIC_OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        hint = _header_problem(name, header, "generic")
        rule = hint or ("the header is not the generic format's: " +
                        "; ".join(filter(None, [f"missing {', '.join(missing)}" if missing else "",
                                                f"unknown {', '.join(unknown)}" if unknown else "",
                                                "a column given twice" if len(set(header)) != len(header) else ""]))
                        + f" (required: {', '.join(GENERIC_REQUIRED)}; optional: {', '.join(GENERIC_OPTIONAL)})")
        report.add(name, [Problem(name, 1, None, None, rule)])
        return Aggregates("generic", (), {}, dt.date.today())
    problems, found, seen, used, periods = [], [], {}, {}, {}
    for line, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(Problem(name, line, None, None, f"{len(values)} fields, but the header has "
                                                            f"{len(header)}"))
            continue
        row = {h: v.strip() for h, v in zip(header, values)}
        bad = False
        for column in ("entity_type", "entity_id", "entity_name", "indicator_id", "period_label"):
            if not row[column]:
                problems.append(Problem(name, line, column, "", f"{column} is empty"))
                bad = True
            else:
                problem = text_problem(column, row[column], one_line=True)
                if problem:
                    problems.append(Problem(name, line, column, row[column][:80], problem))
                    bad = True
        for column in ("period", "breakdown_dimension", "breakdown_value"):
            problem = text_problem(column, row.get(column, ""), one_line=True)
            if problem:
                problems.append(Problem(name, line, column, row[column][:80], problem))
                bad = True
        if row["entity_type"] and row["entity_type"] not in ENTITY_TYPES:
            problems.append(Problem(name, line, "entity_type", row["entity_type"],
                                    f"entity_type is one of {', '.join(ENTITY_TYPES)}"))
            bad = True
        indicator = catalogue.imported_indicator(row["indicator_id"]) if row["indicator_id"] else None
        if row["indicator_id"] and indicator is None:
            problems.append(Problem(name, line, "indicator_id", row["indicator_id"],
                                    "no [[imported]] indicator of the catalogue has this id: declare it there "
                                    "first (`statboard indicators check`)"))
            bad = True
        start, end = _date(row["period_start"]), _date(row["period_end"])
        for column, day in (("period_start", start), ("period_end", end)):
            if day is None:
                problems.append(Problem(name, line, column, row[column], f"{column} is not a day: write YYYY-MM-DD"))
                bad = True
        if start and end and end < start:
            problems.append(Problem(name, line, "period_end", row["period_end"],
                                    f"the period ends before it starts ({row['period_start']})"))
            bad = True
        if bool(row.get("breakdown_dimension")) != bool(row.get("breakdown_value")):
            problems.append(Problem(name, line, "breakdown_value", row.get("breakdown_value", ""),
                                    "give breakdown_dimension and breakdown_value together, or neither"))
            bad = True
        numerator, denominator, counted = _check_row(name, line, row, indicator, problems)
        bad = bad or not counted
        if bad:
            continue
        if row.get("value"):
            value = recomputed(numerator, denominator, indicator.scale)
            try:
                given_ok = value is not None and _agrees(row["value"], value)
            except InvalidOperation:
                given_ok = False
            if not given_ok:
                said = "cannot be recomputed (a count is missing)" if value is None else f"recomputes to {value:.6g}"
                problems.append(Problem(name, line, "value", row["value"],
                                        f"the value disagrees with numerator / denominator × {indicator.scale}: "
                                        f"{row['numerator']} / {row['denominator']} {said}"))
                continue
        period = row.get("period") or f"{start:%Y-%m-%d}_{end:%Y-%m-%d}"
        # a period's code names one period: the pages head a column with its label and order it by its days
        first = periods.setdefault(period, (start, end, row["period_label"], line))
        if first[:3] != (start, end, row["period_label"]):
            problems.append(Problem(name, line, "period", period,
                                    f"line {first[3]} gives period {period} as {first[0]:%Y-%m-%d} to "
                                    f"{first[1]:%Y-%m-%d}, {first[2]!r}; every row of one period gives the same "
                                    "days and label"))
            continue
        key = (row["entity_type"], row["entity_id"], row["indicator_id"], period, row.get("breakdown_dimension", ""),
               row.get("breakdown_value", ""))
        if key in seen:
            problems.append(Problem(name, line, None, None, f"a second row for {row['entity_type']} {row['entity_id']}, "
                                                            f"{row['indicator_id']}, {row['period_label']}"
                                    + (f", {key[4]} {key[5]}" if key[4] else "") + f" (the first is line {seen[key]})"))
            continue
        seen[key] = line
        used[indicator.id] = indicator
        found.append(AggregateRow(row["entity_type"], row["entity_id"], row["entity_name"], indicator.id, period,
                                  row["period_label"], start, end, key[4], key[5], numerator, denominator))
    report.add(name, problems)
    if not found and not problems:
        report.add(name, [Problem(name, None, None, None, "the file has a header and no rows")])
    as_of = max((r.period_end for r in found), default=dt.date.today())
    return Aggregates("generic", tuple(found), used, as_of)


_SPAN = re.compile(r"^(\w{3}) '(\d{2}) - (\w{3}) '(\d{2})")
_FY = re.compile(r"^FY(\d{2})-(\d{2})$")


def _cfsr_period(code: str, meaningful: str) -> tuple[dt.date, dt.date, str] | None:
    """The profile's period: start, end and its label as published (with an en dash)."""
    span = _SPAN.match(meaningful)
    if span and span.group(1) in MONTHS and span.group(3) in MONTHS:
        start = dt.date(2000 + int(span.group(2)), MONTHS[span.group(1)], 1)
        end_month = dt.date(2000 + int(span.group(4)), MONTHS[span.group(3)], 1)
        end = (end_month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return start, end, meaningful.replace(" - ", " – ")
    fy = _FY.match(meaningful)
    if fy:  # two federal fiscal years: October of the year before the first to September of the second
        return dt.date(2000 + int(fy.group(1)) - 1, 10, 1), dt.date(2000 + int(fy.group(2)), 9, 30), \
            f"FY{fy.group(1)}–{fy.group(2)}"
    return None


def _cfsr(name: str, header: tuple, rows: list, catalogue: Catalogue, report: Report) -> Aggregates:
    if header != CFSR_HEADER:
        hint = _header_problem(name, header, "cfsr-profile")
        missing = [c for c in CFSR_HEADER if c not in header]
        extra = [c for c in header if c not in CFSR_HEADER]
        rule = hint or ("the header is not the CFSR profile's as published: " +
                        "; ".join(filter(None, [f"missing {', '.join(missing)}" if missing else "",
                                                f"unknown {', '.join(extra)}" if extra else "",
                                                "the same columns in another order" if not missing and not extra
                                                else ""])) + ": Statboard reads the August 2025 layout")
        report.add(name, [Problem(name, 1, None, None, rule)])
        return Aggregates("cfsr-profile", (), {}, dt.date.today())
    problems, found, seen, used, as_of = [], [], {}, {}, set()
    for line, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(Problem(name, line, None, None, f"{len(values)} fields, but the header has {len(header)}"))
            continue
        row = {h: v.strip() for h, v in zip(header, values)}
        # what is shown again (names, breakdowns, the period's code and label) follows the rule for typed text
        shown = [(c, text_problem(c, row[c], one_line=True))
                 for c in ("state", "dimension", "dimension_value", "period", "period_meaningful")]
        if any(problem for _, problem in shown) or not row["period"]:
            problems.extend(Problem(name, line, c, row[c][:80], p) for c, p in shown if p)
            if not row["period"]:
                problems.append(Problem(name, line, "period", "", "a row names its period's code, e.g. 23B24A"))
            continue
        indicator_id = CFSR_INDICATORS.get(row["indicator"])
        if indicator_id is None:
            problems.append(Problem(name, line, "indicator", row["indicator"][:80],
                                    f"not one of the profile's indicators ({len(CFSR_INDICATORS)} known)"))
            continue
        indicator = catalogue.imported_indicator(indicator_id)
        if indicator is None:
            problems.append(Problem(name, line, "indicator", row["indicator"][:80],
                                    f"the catalogue declares no [[imported]] indicator {indicator_id!r}: add it "
                                    "(the default catalogue has all eight)"))
            continue
        if row["scale"] != str(indicator.scale):
            problems.append(Problem(name, line, "scale", row["scale"],
                                    f"the catalogue's {indicator_id} is per {indicator.scale}; this row is per "
                                    f"{row['scale']}"))
            continue
        if row["national_standard"] and (indicator.green is None
                                         or Decimal(row["national_standard"]) != indicator.green):
            problems.append(Problem(name, line, "national_standard", row["national_standard"],
                                    f"the catalogue holds {indicator_id} to {indicator.green}: update its green "
                                    "(the national performance) to the profile's"))
            continue
        period = _cfsr_period(row["period"], row["period_meaningful"])
        if period is None:
            problems.append(Problem(name, line, "period_meaningful", row["period_meaningful"],
                                    "a period reads \"Mon 'YY - Mon 'YY\" or \"FYyy-yy\""))
            continue
        if period[1] < period[0]:
            problems.append(Problem(name, line, "period_meaningful", row["period_meaningful"],
                                    "the period ends before it starts"))
            continue
        numerator, denominator, counted = _check_row(name, line, row, indicator, problems)
        if not counted:
            continue
        performance = row["performance"]
        value = recomputed(numerator, denominator, indicator.scale)
        if performance and value is not None:
            # a percent's performance is published as a fraction (0.0478 for 4.78%); a rate's as it is scaled
            unit = Decimal(100) if indicator.kind == "proportion" else Decimal(1)
            try:
                agrees = _agrees(performance, value, unit)
            except InvalidOperation:
                agrees = False
            if not agrees:
                problems.append(Problem(name, line, "performance", performance,
                                        f"the published performance disagrees with numerator / denominator: "
                                        f"{row['numerator']} / {row['denominator']} × {indicator.scale} = "
                                        f"{value:.6g}"))
                continue
        national = row["state"] == "National" and not row["state_abb"]
        entity_type, entity_id = ("nation", "US") if national else ("state", row["state_abb"])
        entity_name = "United States" if national else row["state"]
        if not entity_id:
            problems.append(Problem(name, line, "state_abb", "", "a state's row names its two-letter code"))
            continue
        breakdown = ("", "") if row["dimension"] == "State" else (row["dimension"], row["dimension_value"])
        start, end, label = period
        key = (entity_type, entity_id, indicator_id, row["period"], *breakdown)
        if key in seen:
            problems.append(Problem(name, line, None, None, f"a second row for {entity_name}, {indicator_id}, "
                                                            f"{label}{', ' + ' '.join(breakdown) if breakdown[0] else ''}"
                                                            f" (the first is line {seen[key]})"))
            continue
        seen[key] = line
        used[indicator_id] = indicator
        day = _date(row["as_of_date"])
        if day:
            as_of.add(day)
        # a row published without its performance is not published: its value stays missing, however it counts
        found.append(AggregateRow(entity_type, entity_id, entity_name, indicator_id, row["period"], label, start,
                                  end, *breakdown, numerator, denominator, withheld=not performance))
    report.add(name, problems)
    if not found and not problems:
        report.add(name, [Problem(name, None, None, None, "the file has a header and no rows")])
    if len(as_of) > 1:
        report.add(name, [Problem(name, None, "as_of_date", None, f"{len(as_of)} different as-of days: one profile "
                                                                   "has one")])
    return Aggregates("cfsr-profile", tuple(found), used, max(as_of) if as_of else dt.date.today())
