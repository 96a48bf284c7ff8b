"""The entity page's table: every indicator for one entity, its status, value, standard and last months,
so that the entity's whole performance story reads in one screen."""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from components.common import sparkline
from display.format import (STATUS_STYLE, amount_text, change_text, format_value, standard_text,
                               status_class)
from components.links import IndicatorView
from queries.performance import Story, add_months


def story_rows(data: Story) -> list[dict]:
    """One record per indicator (case-flow order) with what the table shows; tested on its own."""
    months = pd.date_range(pd.Timestamp(add_months(data.month, 1 - data.months)), pd.Timestamp(data.month),
                           freq="MS")
    # One wide frame per column (months down, indicators across), read once: per-indicator frames cost
    # most of the page's time.
    wide = {column: (data.cells.pivot(index="month", columns="indicator_id", values=column).reindex(months)
                     if not data.cells.empty else pd.DataFrame(index=months))
            for column in ("value", "status", "numerator", "denominator")}

    def column(name, ident):
        frame = wide[name]
        return frame[ident] if ident in frame.columns else pd.Series([None] * len(months), index=months,
                                                                    dtype=object if name == "status" else float)
    records = []
    for indicator in data.indicators.itertuples(index=False):
        ident = indicator.indicator_id
        values, statuses = column("value", ident), column("status", ident)
        status = statuses.iloc[-1] if isinstance(statuses.iloc[-1], str) else "no data"
        before = len(months) > 1
        records.append({
            "indicator": indicator, "status": status,
            "value": format_value(indicator.kind, values.iloc[-1], with_unit=True),
            "amount": "" if indicator.kind == "count" else amount_text(
                indicator, column("numerator", ident).iloc[-1], column("denominator", ident).iloc[-1]),
            "standard": standard_text(indicator),
            "change": change_text(indicator, values.iloc[-1], values.iloc[-2] if before else None,
                                  statuses.iloc[-2] if before else None),
            "values": values, "statuses": statuses,
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
