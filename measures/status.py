"""A cell's status against its standard, decided exactly.

``value >= threshold`` is never decided on a rounded or binary floating-point
value: with ``value = K * num / den`` (K = 100 for a percent, the scale for a
rate) and the threshold written as the fraction ``p / q``, it is
``K * q * num >= p * den`` in integers. A median of whole days is a whole or
half number, so ``median >= p / q`` is ``2 * median * q >= 2 * p``.
`status` is the rule in Python; `status_sql` writes the same rule as SQL for
the warehouse (a test checks that they agree).
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

STATUSES = ("green", "yellow", "red", "insufficient", "none")


def multiplier(kind: str, scale: int | None) -> int:
    """K in value = K * num / den."""
    return {"proportion": 100, "rate": scale or 1, "count": 1}.get(kind, 1)


def status(kind: str, direction: str | None, green: Decimal | None, yellow: Decimal | None,
           min_n: int | None, scale: int | None, numerator: int, denominator: int,
           median: float | None = None) -> str:
    """The status of one cell: green, yellow, red, insufficient, or none (a count, or no members)."""
    if kind == "count" or denominator == 0:
        return "none"
    if denominator < min_n:
        return "insufficient"
    if kind == "median":
        value = Fraction(round(2 * median), 2)
    else:
        value = Fraction(multiplier(kind, scale) * numerator, denominator)

    def meets(threshold) -> bool:
        t = Fraction(threshold)
        return value >= t if direction == "higher" else value <= t

    if meets(green):
        return "green"
    if meets(yellow):
        return "yellow"
    return "red"


def status_sql(d, kind: str, direction: str | None, green, yellow, min_n, scale,
               numerator: str = "numerator", denominator: str = "denominator", median: str = "median") -> str:
    """The same rule as a SQL expression over a cell's numerator, denominator and median."""
    if kind == "count":
        return "'none'"
    op = ">=" if direction == "higher" else "<="

    def meets(threshold) -> str:
        p, q = Fraction(threshold).as_integer_ratio()
        if kind == "median":
            return f"{d.wide_int(f'2 * {median}')} * {q} {op} {2 * p}"
        return f"{d.wide_int(numerator)} * {multiplier(kind, scale) * q} {op} {d.wide_int(denominator)} * {p}"

    return (f"case when {denominator} = 0 then 'none'\n"
            f"         when {denominator} < {int(min_n)} then 'insufficient'\n"
            f"         when {meets(green)} then 'green'\n"
            f"         when {meets(yellow)} then 'yellow'\n"
            f"         else 'red' end")
