"""The review queue: the reviews of cases the reader's scope holds, soonest due first."""
import datetime as dt

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from components.common import message
from display.format import place_text
from display.mask import mask_id
from store import case_reviews, db
from web.runtime import current_reader, refused, services
from components.links import FindingsView, ViewError
from queries.performance import entity_names, indicator_names
from access.scope import ScorecardQueryError
from reviews.instrument import InstrumentError, load_instrument

dash.register_page(__name__, path="/reviews", name="Reviews", title="Reviews · Statboard", nav=False)

REVIEWS_QUERY = "reviews-query"
REVIEWS_MESSAGE = "reviews-message"
REVIEWS_TABLE = "reviews-table"
REVIEWS_FINDINGS = "reviews-findings"
FINDINGS_DAYS = 365  # the findings' period: the last year of completed reviews


def layout(**query):
    """The frame; `show_queue` fills it."""
    return html.Div([
        dcc.Store(id=REVIEWS_QUERY, data=query),
        html.H1("Case reviews", className="h3"),
        html.P("The reviews of cases picked in your part of the organisation, the soonest due first. A selection's "
               "page assigns them.", className="text-muted"),
        html.Div(id=REVIEWS_MESSAGE),
        html.Div(id=REVIEWS_TABLE),
        html.H2("Findings", className="h4 mt-4"),
        html.P("Of the reviews completed in your part of the organisation: for each item, how many rated it a "
               "Strength among those where it applied; and the practice themes named most often.",
               className="text-muted"),
        html.Div(id=REVIEWS_FINDINGS),
    ])


@callback(Output(REVIEWS_MESSAGE, "children"), Output(REVIEWS_TABLE, "children"),
          Output(REVIEWS_FINDINGS, "children"), Input(REVIEWS_QUERY, "data"))
def show_queue(query):
    """The queue and the findings (of `entity`, from `since` to `until`: default the reader's own part and the
    last 12 months) for a reader with case-level access inside their scope, or why not."""
    try:
        reader = current_reader()
        entity, since, until = _findings_view(query, reader.data_scope().root)
        queue = case_reviews.list_queue(services().store, reader)
        found = case_reviews.findings(services().store, reader, load_instrument(services().settings.instrument_path),
                                      entity, since, until)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/reviews")
        return message(f"{exc}.", heading="No reviews to show"), None, None
    except InstrumentError as exc:
        return message(exc.summary, heading="The review instrument cannot be read"), None, None
    indicators, places = _names([r.entity for r in queue] + [entity])
    findings = findings_table(found, place_text(entity, places), since, until)
    if not queue:
        return message("No reviews yet: pick cases from a members list, then assign them on the selection's page.",
                       colour="info"), None, findings
    head = ["Due", "Status", "Reviewer", "Indicator", "Month", "Where", "Case", ""]
    rows = [html.Tr([html.Td(f"{r.due:%Y-%m-%d}"), html.Td(r.status), html.Td(r.assignee),
                     html.Td(indicators.get(r.indicator_id, r.indicator_id)), html.Td(f"{r.month:%b %Y}"),
                     html.Td(place_text(r.entity, places)), html.Td(mask_id(r.member_id)),
                     html.Td(dcc.Link("Open", href=f"/review?id={r.id}"))])
            for r in queue]
    return None, dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)], hover=True,
                           responsive=True, class_name="reviews-queue"), findings


def _names(refs: list) -> tuple[dict, dict]:
    """Indicator names by id and entity names by ref, as the latest data gives them (empty without data)."""
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return {}, {}
    return indicator_names(snapshot), entity_names(snapshot, refs)


def _findings_view(query, root):
    """The findings' entity and period: the URL's, or the reader's own part and the last year."""
    view = FindingsView.from_query(query if isinstance(query, dict) else {})
    until = view.until or db.utcnow().date()
    return view.entity or root, view.since or until - dt.timedelta(days=FINDINGS_DAYS), until


def findings_table(found, place: str, since, until) -> html.Div:
    """Per item: Strengths of the reviews where it applied; then the themes most often named."""
    period = html.P(f"{place}, completed from {since:%Y-%m-%d} to {until:%Y-%m-%d} (change with ?entity=LEVEL:ID"
                    "&since=YYYY-MM-DD&until=YYYY-MM-DD).", className="small text-muted")
    if not found.reviews:
        return html.Div([period, html.P("No review completed in this period yet.", className="text-muted")])
    rows = [html.Tr([html.Td(f"{f.item.number}. {f.item.name}"),
                     html.Td(f"{f.strengths} of {f.applicable}" if f.applicable else "not applicable",
                             className="text-end font-monospace")]) for f in found.items]
    themes = [html.Li(f"{t.theme.name}: {t.reviews} review{'' if t.reviews == 1 else 's'}") for t in found.themes]
    return html.Div([
        period, html.P(f"{found.reviews} review{'' if found.reviews == 1 else 's'} completed."),
        dbc.Table([html.Thead(html.Tr([html.Th("Item"), html.Th("Strength", className="text-end")])),
                   html.Tbody(rows)], hover=True, responsive=True, class_name="reviews-findings"),
        html.H3("Themes most often named", className="h6"), html.Ul(themes) if themes else html.P("None named.")])
