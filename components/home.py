"""Builders for the home page: the data-version stamp, the organisation table, the no-data notice."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from queries.warehouse import DataVersion

ORGANISATION_COLUMNS = {
    "bureau_name": "Bureau",
    "offices": "Offices",
    "units": "Units",
    "workers": "Workers",
    "children_in_care": "Children in care",
    "open_in_home_cases": "Open in-home cases",
}


def data_as_of(version: DataVersion) -> html.Div:
    """The "data as of" stamp, with the load it came from."""
    return html.Div([
        html.Span("Data as of ", className="text-muted"),
        html.Strong(f"{version.as_of:%-d %B %Y}"),
        html.Span(f" · version {version.version_id}, loaded {version.loaded_at:%Y-%m-%d %H:%M} UTC",
                  className="text-muted"),
    ], className="data-as-of")


def _count(value) -> str:
    # A count hidden from the reader (a small number) reads as such, never as zero.
    return "hidden" if pd.isna(value) else f"{int(value):,}"


def organisation_table(frame: pd.DataFrame) -> dbc.Table:
    """One row per bureau, with a total row when there is more than one.

    A column with a hidden count has no total either: the total would give the hidden count away.
    """
    body = frame[list(ORGANISATION_COLUMNS)]
    numbers = "text-end font-monospace"  # right-aligned, so magnitudes compare down a column
    rows = [html.Tr([html.Td(name)] + [html.Td(_count(v), className=numbers) for v in counts])
            for name, *counts in body.itertuples(index=False, name=None)]
    if len(body) > 1:
        rows.append(html.Tr([html.Th("All bureaus")] +
                            [html.Th(_count(body[c].sum(skipna=False)), className=numbers)
                             for c in list(ORGANISATION_COLUMNS)[1:]], className="table-group-divider"))
    header = [html.Th(h, className=None if i == 0 else "text-end")
              for i, h in enumerate(ORGANISATION_COLUMNS.values())]
    return dbc.Table([html.Thead(html.Tr(header)), html.Tbody(rows)], bordered=False, hover=True, responsive=True)


def no_data(command: str = "statboard load DIR") -> dbc.Alert:
    """What to do before the first load."""
    return dbc.Alert([
        html.H4("No data loaded yet", className="alert-heading"),
        html.P(["Load an extract to see the organisation and its scorecard: run ", html.Code(command),
                " with the folder holding the extract's CSV or Parquet files (format: "
                "data-contract.md). For demo data: ",
                html.Code("statboard demo-data demo-extract && statboard load demo-extract"), "."]),
    ], color="info")
