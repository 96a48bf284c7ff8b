"""The entity page's table: every indicator for one entity, its status, value, standard and last months,
so that the entity's whole performance story reads in one screen."""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from components.common import sparkline
from components.format import (STATUS_STYLE, amount_text, change_text, format_value, standard_text,
                               status_class)
from components.links import IndicatorView
from queries.performance import Story, add_months


def story_rows(data: Story) -> list[dict]:
    """One record per indicator (case-flow order) with what the table shows; tested on its own."""
    months = pd.date_range(pd.Timestamp(add_months(data.month, 1 - data.months)), pd.Timestamp(data.month),
                           freq="MS")
    by_indicator = {i: frame.set_index("month") for i, frame in data.cells.groupby("indicator_id")}
    records = []
    for indicator in data.indicators.itertuples(index=False):
        cells = by_indicator.get(indicator.indicator_id, pd.DataFrame(columns=["value", "status"]))
        cells = cells.reindex(months)
        now = cells.iloc[-1]
        status = now.status if isinstance(now.status, str) else "no data"
        last = cells.iloc[-2] if len(cells) > 1 else None
        records.append({
            "indicator": indicator, "status": status,
            "value": format_value(indicator.kind, now.value, with_unit=True),
            "amount": "" if indicator.kind == "count" else amount_text(indicator, now.get("numerator"),
                                                                       now.get("denominator")),
            "standard": standard_text(indicator),
            "change": change_text(indicator, now.value, None if last is None else last.value,
                                  None if last is None else last.status),
            "values": cells.value, "statuses": cells.status,
        })
    return records


def story_table(data: Story, month_in_links=None) -> html.Table:
    """The table, under domain headers; each indicator's name opens its page with this entity's trend."""
    body = []
    domain = None
    for record in story_rows(data):
        indicator = record["indicator"]
        if indicator.domain != domain:
            domain = indicator.domain
            body.append(html.Tr(html.Th(domain, colSpan=6, className="story-domain")))
        style = STATUS_STYLE[record["status"]]
        # Beside its siblings when the reader may see them; else among its own children.
        beside = len(data.path) > 1 and data.path[-2].drillable
        href = IndicatorView(indicator.indicator_id, month_in_links, entity=data.entity.ref,
                             parent=data.path[-2].ref if beside else (
                                 None if data.entity.level == "department" else data.entity.ref),
                             level=data.entity.level if beside else None).href()
        body.append(html.Tr([
            html.Td(dcc.Link(indicator.name, href=href)),
            html.Td(html.Span(f"{style['symbol']} {style['label']}".strip(),
                              className=f"status-chip {status_class(record['status'])}",
                              style={"backgroundColor": style["colour"]})),
            html.Td([html.Div(record["value"], className="fw-bold"),
                     html.Small(record["amount"], className="text-muted")], className="text-end"),
            html.Td(record["standard"], className="small"),
            html.Td(record["change"], className="small"),
            html.Td(sparkline(record["values"], record["statuses"], indicator)),
        ]))
    head = html.Thead(html.Tr([html.Th("Indicator"), html.Th("Status"), html.Th("Value", className="text-end"),
                               html.Th("Standard"), html.Th("Since last month"), html.Th(f"Last {data.months} months")]))
    return html.Table([head, html.Tbody(body)], className="table table-sm align-middle story-table")
