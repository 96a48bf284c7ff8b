"""What a scorecard's cell and row say and where they lead, shared by the scorecard's table
(components/scorecard_table.py, on /scorecard and a meeting's page), the charts and the data book: unique row
labels, a cell's hover lines (the name, value, numerator and denominator, the standard, and the changes since
last month and 12 months ago), the links of rows and cells, and the legend's statuses.

(The scorecard was once a Plotly heat map drawn here; the HTML table replaced it everywhere.)
"""
from __future__ import annotations

import pandas as pd

from components.figure_text import literal
from display.format import (STATUS_STYLE, amount_text, change_text, format_value, standard_text, status_of,
                            status_text)
from components.links import EntityView, IndicatorView, ScorecardView, scorecard_href
from queries.performance import Heatmap
from access.scope import EntityRef

# The statuses in the legend's order.
ORDER = ["green", "yellow", "red", "insufficient", "none", "suppressed", "no data"]


def unique_labels(names: list[str], ids: list[str]) -> list[str]:
    """Row labels: the names, with the id added where a name repeats (two workers may share a name).

    Plain text: `figure_labels` is what a figure carries.
    """
    seen = pd.Series(names).duplicated(keep=False).tolist()
    return [f"{n} ({i})" if dup else n for n, i, dup in zip(names, ids, seen)]


def figure_labels(names: list[str], ids: list[str]) -> list[str]:
    """`unique_labels` escaped for a figure (its category values, and so what a click reports)."""
    return [literal(label) for label in unique_labels(names, ids)]


def hover_lines(indicator, row_label: str, cell) -> list[str]:
    """What a cell's hover says, as plain lines: the row, the indicator, the value with its unit and what it is
    made of, the standard, the status and the changes since last month and 12 months ago.

    The first two lines are names from the data; the rest is the builders' own text.
    """
    status = status_of(cell)
    lines = [row_label, indicator.name]
    if status == "no data":
        return lines + ["No members this month: nothing to measure"]
    if status == "suppressed":
        return lines + ["Hidden: its numbers are small enough to identify children, which your access does not show"]
    value = format_value(indicator.kind, cell.value, with_unit=True)
    amount = amount_text(indicator, cell.numerator, cell.denominator)
    lines.append(f"Value: {value}" + (f" ({amount})" if amount and indicator.kind != "count" else ""))
    lines.append(f"Standard: {standard_text(indicator)}")
    if status == "insufficient":
        lines.append(f"Status: {status_text(status)}: fewer than {int(indicator.min_n):,} "
                     f"{'days in care' if indicator.kind == 'rate' else 'members'}")
    else:
        lines.append(f"Status: {status_text(status)}")
    lines.append(f"Since last month: {change_text(indicator, cell.value, cell.last_month, cell.last_month_status)}")
    lines.append(f"Since 12 months ago: {change_text(indicator, cell.value, cell.last_year, cell.last_year_status)}")
    return lines


def row_href(data: Heatmap, view: ScorecardView, n: int, row) -> str:
    """Where row `n`'s name leads: one level down, or its own page (the parent's row, a worker, or an
    entity whose children the reader may not open)."""
    if n == 0 or row.level == "worker" or not row.drillable:
        return EntityView(data.parent.ref if n == 0 else _ref(row), view.month).href()
    return scorecard_href(_ref(row), view.month, view.tier)


def cell_href(view: ScorecardView, indicator_id: str, row) -> str:
    """Where a cell leads: its indicator across the same entities, with the row's trend."""
    return IndicatorView(indicator_id, view.month, view.parent, view.level, _ref(row)).href()


def _ref(row) -> EntityRef:
    return EntityRef(row.level, row.entity_id)


def legend_items() -> list[tuple[str, str, str]]:
    """(symbol, label, colour) for the legend beside the heat map."""
    return [(STATUS_STYLE[s]["symbol"] or " ", STATUS_STYLE[s]["label"], STATUS_STYLE[s]["colour"]) for s in ORDER]
