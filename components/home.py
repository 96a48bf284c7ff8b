"""Builders for the home page: the summary (red, worse, actions due), the data-version stamp, the organisation
table, the no-data notice."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.links import IndicatorView

from components.links import scorecard_href
from access.scope import EntityRef, Scope
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


def data_month_as_of(month, version: DataVersion) -> html.Div:
    """What the page reports, said first: the data month and the date the data runs to ("October 2026 data, as of
    10 November 2026"), then the load it came from. `month`: the latest month reported (None before the first
    complete month)."""
    said = f"{month:%B %Y} data, as of {version.as_of:%-d %B %Y}" if month is not None else \
        f"No complete month yet: data as of {version.as_of:%-d %B %Y}"
    return html.Div([
        html.Strong(said),
        html.Span(f" · version {version.version_id}, loaded {version.loaded_at:%Y-%m-%d %H:%M} UTC",
                  className="text-muted"),
    ], className="data-as-of fs-5")


def _count(value) -> str:
    # A count hidden from the reader (a small number) reads as such, never as zero.
    return "hidden" if pd.isna(value) else f"{int(value):,}"


def organisation_table(frame: pd.DataFrame, scope: Scope | None = None, own_name: str | None = None) -> dbc.Table:
    """One row per bureau, with a total row when there is more than one.

    A name links to its scorecard only where the reader may open it (`scope`; none without one). A reader
    whose part is an office or a unit sees their own part's counts, so the row is named by it (`own_name`)
    and opens their scorecard, rather than naming a bureau whose scorecard would refuse them.
    A column with a hidden count has no total either: the total would give the hidden count away.
    """
    body = frame[list(ORGANISATION_COLUMNS)]
    own = scope is not None and scope.level in ("office", "unit") and own_name is not None
    numbers = "text-end font-monospace"  # right-aligned, so magnitudes compare down a column

    def name_cell(bureau_id, name):
        if own:
            return html.Td(html.A(own_name, href=scorecard_href(scope.root, None)))
        if scope is not None and (scope.level == "department" or scope.root == EntityRef("bureau", bureau_id)):
            return html.Td(html.A(name, href=scorecard_href(EntityRef("bureau", bureau_id), None)))
        return html.Td(name)

    rows = [html.Tr([name_cell(bureau_id, name)] + [html.Td(_count(v), className=numbers) for v in counts])
            for bureau_id, (name, *counts) in zip(frame.bureau_id, body.itertuples(index=False, name=None))]
    if len(body) > 1:
        rows.append(html.Tr([html.Th("All bureaus")] +
                            [html.Th(_count(body[c].sum(skipna=False)), className=numbers)
                             for c in list(ORGANISATION_COLUMNS)[1:]], className="table-group-divider"))
    titles = {**ORGANISATION_COLUMNS, "bureau_name": scope.level.capitalize() if own else "Bureau"}
    header = [html.Th(h, className=None if i == 0 else "text-end") for i, h in enumerate(titles.values())]
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


SHOWN = 6  # items a summary card lists before "and N more"


def summary(card, suggested: list, due: list, today) -> dbc.Row:
    """What an executive wants first: what is red, what got worse, which actions are due. `card` is the reader's
    own scorecard (queries.performance.Heatmap), `suggested` what the meeting suggestions would raise from it
    (store.meeting_numbers.suggestions), `due` the open actions due (store.meetings.actions_due)."""
    names = dict(zip(card.indicators.indicator_id, card.indicators.name))
    own = card.cells[(card.cells.level == card.parent.level) & (card.cells.entity_id == card.parent.entity_id)]
    reds = card.cells[card.cells.status == "red"]
    order = {ident: n for n, ident in enumerate(card.indicators.indicator_id)}  # the scorecard's column order
    own_red = sorted((r for r in own.itertuples(index=False) if r.status == "red"),
                     key=lambda r: order.get(r.indicator_id, len(order)))
    red_items = [html.Li(dcc.Link(names.get(r.indicator_id, r.indicator_id),
                                  href=IndicatorView(r.indicator_id, card.month, _parent_of(card)).href()))
                 for r in own_red[:SHOWN]]
    card_href = scorecard_href(card.parent.ref, card.month)
    if len(own_red) > SHOWN:
        red_items.append(html.Li(dcc.Link(f"and {len(own_red) - SHOWN} more: the scorecard", href=card_href)))
    red_body = [html.P(f"{len(reds):,} red cells in {card.parent.name} and its {card.level}s; "
                       f"{len(own_red)} of its own indicators:", className="mb-1"),
                html.Ul(red_items) if red_items else html.P("none of its own.", className="text-muted")]
    worse = [s for s in suggested if s.kind in ("red", "worse-month", "worse-year")]
    worse_items = [html.Li([dcc.Link(f"{s.indicator_name} — {s.entity_name}",
                                     href=IndicatorView(s.indicator_id, card.month, entity=s.entity).href()),
                            html.Span(f": {s.reason}", className="text-muted")]) for s in worse[:SHOWN]]
    if len(worse) > SHOWN:
        worse_items.append(html.Li(dcc.Link(f"and {len(worse) - SHOWN} more: the scorecard", href=card_href)))
    worse_body = html.Ul(worse_items) if worse else html.P("Nothing turned red or moved much the wrong way.",
                                                           className="text-muted")
    due_body = html.Ul([html.Li([html.Span(f"{a.what[:80]} ({a.owner}, due {a.due:%d %b %Y})"),
                                 html.Span(" overdue", className="fw-bold text-danger") if a.due < today else "",
                                 " · ", dcc.Link("meeting", href=f"/meeting?id={a.meeting_id}")])
                        for a in due[:8]]) if due else html.P("No open action is due.", className="text-muted")
    cards = [("Red this month", red_body), ("Got worse", worse_body), ("Actions due", due_body)]
    return dbc.Row([dbc.Col(dbc.Card(dbc.CardBody([html.H2(title, className="h5"), *([body] if not isinstance(
        body, list) else body)]), class_name="h-100 home-summary"), lg=4, class_name="mb-3")
        for title, body in cards], class_name="mb-2", id="home-summary-cards")


def _parent_of(card):
    return None if card.parent.level == "department" else card.parent.ref
