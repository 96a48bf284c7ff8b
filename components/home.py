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


def organisation_table(frame: pd.DataFrame) -> dbc.Table:
    """One row per bureau, with a total row when there is more than one."""
    body = frame[list(ORGANISATION_COLUMNS)]
    rows = [html.Tr([html.Td(f"{v:,}" if pd.api.types.is_integer(v) else v) for v in r])
            for r in body.itertuples(index=False, name=None)]
    if len(body) > 1:
        totals = ["All bureaus"] + [f"{int(body[c].sum()):,}" for c in list(ORGANISATION_COLUMNS)[1:]]
        rows.append(html.Tr([html.Th(v) for v in totals], className="table-group-divider"))
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ORGANISATION_COLUMNS.values()])),
                      html.Tbody(rows)], bordered=False, hover=True, responsive=True)


def no_data(command: str = "statboard load DIR") -> dbc.Alert:
    """What to do before the first load."""
    return dbc.Alert([
        html.H4("No data loaded yet", className="alert-heading"),
        html.P(["Load an extract to see the organisation and its scorecard: run ", html.Code(command),
                " with the folder holding the extract's CSV or Parquet files (format: "
                "data-contract.md). For demo data: ",
                html.Code("statboard demo-data demo-extract && statboard load demo-extract"), "."]),
    ], color="info")
