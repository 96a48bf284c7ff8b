"""How values, standards, statuses and changes read on screen: one place, so every page says them alike."""
from __future__ import annotations

import math
from decimal import Decimal

# Okabe-Ito colours, told apart with every common colour-vision deficiency, and a symbol on every
# rated cell so that status never rests on colour alone (projectors wash colours out, too). The three
# unrated kinds of cell differ in lightness (white, light, mid grey), in mark ('~', a bare number, '–') and,
# where CSS draws them (assets/pages.css: `status-<name>`), in fill: too few is hatched, no members dotted.
STATUS_STYLE = {
    "green": {"label": "meets the standard", "symbol": "✓", "colour": "#009E73"},
    "yellow": {"label": "near the standard", "symbol": "!", "colour": "#F0E442"},
    "red": {"label": "below the standard", "symbol": "✕", "colour": "#D55E00"},
    "insufficient": {"label": "too few to rate", "symbol": "~", "colour": "#B8B8B8"},
    "none": {"label": "a count: not rated", "symbol": "", "colour": "#FFFFFF", "sample": "123"},
    "suppressed": {"label": "hidden: small numbers", "symbol": "∗", "colour": "#D4D4D4"},
    "no data": {"label": "no members this month", "symbol": "–", "colour": "#D9DCE0"},
}
TEXT_COLOUR = "#111111"  # black reads on every status colour above, hatching included (contrast 5:1 or more)


def status_class(status: str) -> str:
    """The CSS class that draws a status's fill beyond its colour (hatching, dots): `status-no-data`."""
    return f"status-{status.replace(' ', '-')}"


def _number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def format_value(kind: str, value, with_unit: bool = False) -> str:
    """A cell's value as a meeting reads it: 92.1%, 9.07, 312 days, 1,234; an em dash when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    value = float(value)
    if kind == "proportion":
        return f"{_number(value, 1)}%"
    if kind == "rate":
        return _number(value, 2)
    if kind == "median":
        text = _number(value, 0 if value == int(value) else 1)
        return f"{text} days" if with_unit else text
    return _number(value, 0)


def unit_of(indicator, short: bool = False) -> str:
    """What the value is measured in, for axis titles and hover text; `short`: the scorecard column's unit
    line (%, per 100,000 days, days, count)."""
    if indicator.kind == "proportion":
        return "%" if short else "percent"
    if indicator.kind == "rate":
        return f"per {int(indicator.scale):,} days" + ("" if short else " in care")
    if indicator.kind == "median":
        return "days" if short else "days (median)"
    return "count"


def threshold(value) -> Decimal | None:
    """A threshold as stored (text, to keep it exact) -> Decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return Decimal(str(value))


def standard_text(indicator) -> str:
    """The standard in words: '≥ 90.3% green · ≥ 85% yellow'."""
    if indicator.kind == "count":
        return "not rated (a count)"
    op = "≥" if indicator.direction == "higher" else "≤"
    suffix = "%" if indicator.kind == "proportion" else (" days" if indicator.kind == "median" else "")
    return (f"{op} {threshold(indicator.green)}{suffix} green · {op} {threshold(indicator.yellow)}{suffix} yellow")


def standard_short(indicator) -> str:
    """The standard as its column shows it, under the name where a room can read it: the green threshold with its
    direction ('≥ 90.3%', '≤ 9.07', '≤ 365': the unit line above says days); a count has none. A thin space after
    the sign, narrow and unbreaking, so that 28 columns still fit 1920 px with sign and number together."""
    if indicator.kind == "count" or threshold(indicator.green) is None:
        return "not rated"
    op = "≥" if indicator.direction == "higher" else "≤"
    value = format_value(indicator.kind, float(threshold(indicator.green)))
    return f"{op}\u202f{value.replace('.0%', '%')}"


def standard_words(indicator) -> str:
    """The standard and its direction in words, for the standard's title: 'higher is better; ≥ 90.3% green ·
    ≥ 85% yellow'."""
    if indicator.kind == "count" or threshold(indicator.green) is None:
        return "a count: not rated against a standard"
    return f"{'higher' if indicator.direction == 'higher' else 'lower'} is better; {standard_text(indicator)}"


def amount_text(indicator, numerator, denominator) -> str:
    """What the value is made of: '104 of 113', '2 events in 22,051 days in care', 'median of 37'."""
    if numerator is None or denominator is None or _missing(numerator):
        return ""
    numerator, denominator = int(numerator), int(denominator)
    if indicator.kind == "proportion":
        return f"{numerator:,} of {denominator:,}"
    if indicator.kind == "rate":
        return f"{numerator:,} events in {denominator:,} days in care"
    if indicator.kind == "median":
        return f"median of {denominator:,}"
    return f"{numerator:,}"


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def change_text(indicator, now, then, then_status=None) -> str:
    """A change in the value, with whether it is better or worse for the indicator's direction."""
    if then_status == "suppressed":
        return "hidden then (small numbers)"
    if _missing(now) or _missing(then):
        return "no value to compare"
    delta = float(now) - float(then)
    unit = {"proportion": " pts", "median": " days"}.get(indicator.kind, "")
    decimals = {"proportion": 1, "rate": 2, "median": 1}.get(indicator.kind, 0)
    text = f"{delta:+,.{decimals}f}{unit}".replace("-", "−")
    if round(delta, decimals) == 0:
        text = f"no change ({format_value(indicator.kind, then)} then)"
    elif indicator.kind != "count":
        better = (delta > 0) == (indicator.direction == "higher")
        text += f" ({'better' if better else 'worse'}; {format_value(indicator.kind, then)} then)"
    else:
        text += f" ({format_value(indicator.kind, then)} then)"
    if then_status == "insufficient":
        text += ", too few then to rate"
    return text


def status_of(cell) -> str:
    """A cell's status for display: its status, or 'no data' when the entity had no members."""
    if cell is None:
        return "no data"
    status = getattr(cell, "status", None)
    return "no data" if status is None or (isinstance(status, float) and math.isnan(status)) else status


def entity_label(name: str, level: str) -> str:
    """An entity's name as a title reads it: 'Alder Office', 'Sam Okafor · worker'. The level is added in words
    only where the name does not already say it (never for the department)."""
    if level == "department" or level.lower() in str(name).lower().split():
        return str(name)
    return f"{name} · {level}"


def place_text(ref, names: dict) -> str:
    """`ref` (an EntityRef) by the name `names` gives it ('Alder Office'), else in words ('office O001')."""
    name = names.get(ref)
    return entity_label(name, ref.level) if name else f"{ref.level} {ref.entity_id}"


def status_text(status: str) -> str:
    style = STATUS_STYLE[status]
    return f"{style['symbol']} {style['label']}".strip()


def published_value(indicator, value, with_unit: bool = False) -> str:
    """A published (imported) figure to its indicator's precision: '6.0%', '4.88'; with its unit, '4.88 moves per
    1,000 days in care'; 'not published' when there is none."""
    if _missing(value):
        return "not published"
    text = _number(float(value), indicator.decimals)
    if indicator.kind == "proportion":
        return f"{text}%"
    return f"{text} {indicator.units}" if with_unit else text


def published_unit(indicator, short: bool = False) -> str:
    """A published indicator's unit: '%' or 'per 1,000 days' under a column (`short`), else as the catalogue
    words it ('% of children', 'moves per 1,000 days in care')."""
    if not short:
        return indicator.units
    if indicator.kind == "proportion":
        return "%"
    unit = indicator.units
    per = unit.find("per ")
    return (unit[per:] if per >= 0 else unit).removesuffix(" in care")


def published_amount(indicator, numerator, denominator) -> str:
    """What a published figure is made of: '127 of 2,262', '4,390 in 72,934'; '' without its counts."""
    if _missing(numerator) or _missing(denominator):
        return ""
    numerator, denominator = float(numerator), float(denominator)
    def count(x):
        return f"{x:,.0f}" if x == int(x) else f"{x:,}"
    return f"{count(numerator)} {'of' if indicator.kind == 'proportion' else 'in'} {count(denominator)}"
