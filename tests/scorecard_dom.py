"""Reading the scorecard table in a browser, by the attributes assets/scorecard.js draws from what
components/scorecard_table.py builds."""
from __future__ import annotations

# What the table inside `arguments[0]` shows: row names and their `LEVEL:ID`s, column names and indicator ids
# (a column's name from its link's aria-label: the header's own text may carry soft hyphens). Null: no table.
TABLE_JS = """
const box = document.getElementById(arguments[0]);
const table = box && box.querySelector('table');
if (!table) return null;
const rows = Array.from(table.querySelectorAll('tbody th[data-entity]'));
const columns = Array.from(table.querySelectorAll('thead th[data-indicator]'));
return {y: rows.map(th => th.textContent), entities: rows.map(th => th.dataset.entity),
        x: columns.map(th => th.querySelector('a').getAttribute('aria-label')),
        indicators: columns.map(th => th.dataset.indicator)};
"""


def table_ready(graph_id: str, expect_first_y: str | None = None):
    """A wait condition: the table's rows and columns once it has rows (and its first row is `expect_first_y`)."""
    def ready(driver):
        data = driver.execute_script(TABLE_JS, graph_id)
        if not data or not data["y"]:
            return False
        return data if expect_first_y is None or data["y"][0] == expect_first_y else False
    return ready

