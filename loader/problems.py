"""What a refused load reports: every problem, with file, line, column, value and rule."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

DEFAULT_CAP_PER_TABLE = 50


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None  # 1-based line of a CSV file (the header is line 1), row of a Parquet file
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", {'row' if self.file.endswith('.parquet') else 'line'} {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
        if self.value is not None:
            where += f", value {self.value!r}"
        return f"{where}: {self.rule}"


@dataclass
class Report:
    """Problems found in one extract, capped per table; `totals` counts them all."""
    cap_per_table: int = DEFAULT_CAP_PER_TABLE
    problems: list[Problem] = field(default_factory=list)
    totals: Counter = field(default_factory=Counter)

    def add(self, table: str, found: list[Problem], total: int | None = None) -> None:
        self.totals[table] += len(found) if total is None else total
        self.problems.extend(found)

    def shown(self) -> list[Problem]:
        """The problems to show: per table the first `cap_per_table` by line."""
        by_table: dict[str, list[Problem]] = {}
        for p in self.problems:
            by_table.setdefault(p.file.rsplit(".", 1)[0], []).append(p)
        shown = []
        for table in by_table:
            shown.extend(sorted(by_table[table], key=_order)[: self.cap_per_table])
        return shown

    @property
    def count(self) -> int:
        return sum(self.totals.values())

    def __bool__(self) -> bool:
        return self.count > 0

    def render(self) -> str:
        lines = [str(p) for p in self.shown()]
        for table, total in sorted(self.totals.items()):
            listed = sum(1 for p in self.shown() if p.file.rsplit(".", 1)[0] == table)
            if total > listed:
                lines.append(f"{table}: {total - listed} more problem(s) not listed")
        return "\n".join(lines)

    def summary(self) -> str:
        files = len([t for t, n in self.totals.items() if n])
        return (f"load refused: {self.count} problem(s) in {files} file(s); "
                "the warehouse was not changed. Fix the extract and load it again.")


def _order(p: Problem):
    return (p.line if p.line is not None else -1, p.column or "", p.rule)


class LoadRefused(Exception):
    """The extract breaks the contract; nothing was written."""

    def __init__(self, report: Report):
        super().__init__(report.summary())
        self.report = report
