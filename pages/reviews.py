"""The review queue: the reviews of cases the reader's scope holds, soonest due first, and their findings;
filtered by indicator, place, report month and practice theme, the filters kept in the address."""
import datetime as dt
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components.common import message
from display.format import place_text
from display.mask import mask_id
from store import case_reviews, db
from web.runtime import current_reader, refused, services
from components.links import FindingsView, ViewError
from queries.performance import entity_names, indicator_names
from access.params import ParamError, param_text
from access.scope import ScorecardQueryError
from reviews.instrument import InstrumentError, load_instrument

dash.register_page(__name__, path="/reviews", name="Reviews", title="Reviews · Statboard", nav=False)

REVIEWS_QUERY = "reviews-query"
REVIEWS_URL = "reviews-url"
REVIEWS_MESSAGE = "reviews-message"
REVIEWS_TABLE = "reviews-table"
REVIEWS_FINDINGS = "reviews-findings"
REVIEWS_INDICATOR = "reviews-indicator"
REVIEWS_ENTITY = "reviews-entity"
REVIEWS_MONTH = "reviews-month"
REVIEWS_THEME = "reviews-theme"
FINDINGS_DAYS = 365  # the findings' period: the last year of completed reviews
FILTERS = ((REVIEWS_INDICATOR, "indicator", "Indicator", "Every indicator"),
           (REVIEWS_ENTITY, "entity", "Where", "All of your part"),
           (REVIEWS_MONTH, "month", "Report month", "Every month"),
           (REVIEWS_THEME, "theme", "Practice theme", "Any theme"))


def layout(**query):
    """The frame and the filters, set from the address; `show_queue` fills them, `filter_reviews` writes a
    change of filter back into the address."""
    given = query if isinstance(query, dict) else {}
    return html.Div([
        dcc.Location(id=REVIEWS_URL, refresh=False),
        dcc.Store(id=REVIEWS_QUERY, data=query),
        html.H1("Case reviews", className="h3"),
        html.P("The reviews of cases picked in your part of the organisation, the soonest due first. A selection's "
               "page assigns them.", className="text-muted"),
        dbc.Row([dbc.Col([dbc.Label(label, html_for=ident),
                          dcc.Dropdown(id=ident, placeholder=everything, options=_given_option(name, given.get(name)),
                                       value=given.get(name) if isinstance(given.get(name), str) else None)],
                         md=3) for ident, name, label, everything in FILTERS],
                className="g-3 mb-3 present-hide reviews-filters"),
        html.Div(id=REVIEWS_MESSAGE),
        html.Div(id=REVIEWS_TABLE),
        html.H2("Findings", className="h4 mt-4"),
        html.P("Of the reviews completed in your part of the organisation: for each item, how many rated it a "
               "Strength among those where it applied; and the practice themes named most often.",
               className="text-muted"),
        html.Div(id=REVIEWS_FINDINGS),
    ])


def _given_option(name: str, value) -> list[dict]:
    """The one choice a filter the address set starts with (a dropdown drops a value its options lack), in
    words as far as the address can say them; `show_queue` brings the names."""
    if not isinstance(value, str) or not value:
        return []
    label = value.replace("_", " ").capitalize()
    if name == "month":
        try:
            label = f"{dt.date.fromisoformat(value + '-01'):%B %Y}"
        except ValueError:
            pass
    return [{"label": label, "value": value}]


def _clean(value) -> bool:
    """A filter's value worth putting in the address: one line of text (a crafted value is dropped, not echoed:
    the page then says nothing matches an unknown choice only for values that are text)."""
    try:
        return param_text("a filter", value) is not None
    except ParamError:
        return False


@callback(Output(REVIEWS_URL, "search"), Output(REVIEWS_QUERY, "data"),
          [Input(ident, "value") for ident, *_ in FILTERS], State(REVIEWS_QUERY, "data"),
          prevent_initial_call=True)
def filter_reviews(indicator, entity, month, theme, query):
    """A filter changed: the address and the reviews shown follow it (the period stays as the address gave it)."""
    kept = {k: v for k, v in (query if isinstance(query, dict) else {}).items() if k in ("since", "until")}
    chosen = {name: value for name, value in zip(("indicator", "entity", "month", "theme"),
                                                 (indicator, entity, month, theme)) if _clean(value)}
    given = {**kept, **chosen}
    if given == (query if isinstance(query, dict) else {}):
        return no_update, no_update
    return ("?" + urlencode(given, safe=":")) if given else "", given


@callback(Output(REVIEWS_MESSAGE, "children"), Output(REVIEWS_TABLE, "children"),
          Output(REVIEWS_FINDINGS, "children"), Output(REVIEWS_INDICATOR, "options"),
          Output(REVIEWS_ENTITY, "options"), Output(REVIEWS_MONTH, "options"), Output(REVIEWS_THEME, "options"),
          Input(REVIEWS_QUERY, "data"))
def show_queue(query):
    """The queue and the findings (of `entity`, from `since` to `until`: default the reader's own part and the
    last 12 months; only one indicator's, month's or theme's when chosen) for a reader with case-level access
    inside their scope, or why not."""
    nothing = [], [], [], []
    try:
        reader = current_reader()
        view, entity, since, until = _findings_view(query, reader.data_scope().root)
        instrument = load_instrument(services().settings.instrument_path)
        every = case_reviews.list_queue(services().store, reader)
        found = case_reviews.findings(services().store, reader, instrument, entity, since, until,
                                      view.indicator_id, view.month, view.theme)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/reviews")
        return (message(f"{exc}.", heading="No reviews to show"), None, None, *nothing)
    except InstrumentError as exc:
        return (message(exc.summary, heading="The review instrument cannot be read"), None, None, *nothing)
    root = reader.data_scope().root
    indicators, places = _names([r.entity for r in every] + [entity, root])
    options = _filter_options(every, root, entity, indicators, places, instrument)
    chosen = " ".join(filter(None, [indicators.get(view.indicator_id, view.indicator_id) if view.indicator_id
                                    else None, f"{view.month:%B %Y}" if view.month else None,
                                    f"naming {instrument_theme(instrument, view.theme)}" if view.theme else None]))
    findings = findings_table(found, place_text(entity, places) + (f", {chosen}" if chosen else ""), since, until)
    queue = [r for r in every if case_reviews.matches(r, view.entity, view.indicator_id, view.month, view.theme)]
    if not every:
        return (message("No reviews yet: pick cases from a members list, then assign them on the selection's page.",
                        colour="info"), None, findings, *options)
    if not queue:
        return (message(f"None of the {case_reviews_counted(len(every))} in your part matches these filters: "
                        "clear one to see more.", colour="info"), None, findings, *options)
    head = ["Due", "Status", "Reviewer", "Indicator", "Month", "Where", "Case", ""]
    rows = [html.Tr([html.Td(f"{r.due:%-d %b %Y}"), html.Td(r.status), html.Td(r.assignee),
                     html.Td(indicators.get(r.indicator_id, r.indicator_id)), html.Td(f"{r.month:%b %Y}"),
                     html.Td(place_text(r.entity, places)), html.Td(mask_id(r.member_id)),
                     html.Td(dcc.Link("Open", href=f"/review?id={r.id}"))])
            for r in queue]
    shown = html.P(f"{case_reviews_counted(len(queue))} of {len(every):,}." if len(queue) < len(every) else
                   f"{case_reviews_counted(len(queue))}.", className="small text-muted mb-1")
    return None, html.Div([shown, dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                                            hover=True, responsive=True, class_name="reviews-queue")]), \
        findings, *options


def case_reviews_counted(n: int) -> str:
    return f"{n:,} review{'' if n == 1 else 's'}"


def instrument_theme(instrument, theme_id: str) -> str:
    """A theme by its name ('Engagement'); by its id when the instrument no longer has it."""
    return next((t.name for t in instrument.themes if t.id == theme_id), theme_id)


def _filter_options(every, root, entity, indicators: dict, places: dict, instrument) -> tuple[list, list, list, list]:
    """Each filter's choices, from the reviews the reader may see (and the instrument's themes), in words;
    `entity`, the place chosen, is offered even when no review names it."""
    indicator_options = sorted(({"label": indicators.get(i, i), "value": i} for i in {r.indicator_id for r in every}),
                               key=lambda o: o["label"])
    where = sorted({r.entity for r in every} | {entity} - {root}, key=lambda e: place_text(e, places))
    entity_options = [{"label": place_text(e, places), "value": "department" if e.level == "department" else str(e)}
                      for e in [root, *where]]
    months = sorted({r.month for r in every}, reverse=True)
    month_options = [{"label": f"{m:%B %Y}", "value": f"{m:%Y-%m}"} for m in months]
    theme_options = [{"label": t.name, "value": t.id} for t in instrument.themes]
    return indicator_options, entity_options, month_options, theme_options


def _names(refs: list) -> tuple[dict, dict]:
    """Indicator names by id and entity names by ref, as the latest data gives them (empty without data)."""
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        return {}, {}
    return indicator_names(snapshot), entity_names(snapshot, refs)


def _findings_view(query, root):
    """The view, and the findings' entity and period: the URL's, or the reader's own part and the last year."""
    view = FindingsView.from_query(query if isinstance(query, dict) else {})
    until = view.until or db.utcnow().date()
    return view, view.entity or root, view.since or until - dt.timedelta(days=FINDINGS_DAYS), until


def findings_table(found, place: str, since, until) -> html.Div:
    """Per item: Strengths of the reviews where it applied; then the themes most often named."""
    period = html.P(f"{place}, completed from {since:%-d %B %Y} to {until:%-d %B %Y}.", className="small text-muted")
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
