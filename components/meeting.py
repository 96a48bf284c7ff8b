"""The meeting page's pieces: an agenda item's card, the actions' table, the suggestions' list.

Pure: a `store.meeting_book.Book` (and its parts) in, Dash components out. Buttons inside repeated parts
carry pattern-matching ids (`{"type": ..., "item": "<id>"}`), so one callback serves them all.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.charts import action_key, action_key_text, presented, trend_figure, variation_figure
from components.common import GRAPH_CONFIG
from display.format import STATUS_STYLE, change_text, format_value, status_text
from components.links import IndicatorView, MembersView

from components.published_charts import published_trend_figure
from store.meeting_book import Book
from store.meetings import Action, AgendaItem
from store.published_items import counts_text, standard_words, status_words, value_text

ITEM_UP, ITEM_DOWN, ITEM_REMOVE = "meeting-item-up", "meeting-item-down", "meeting-item-remove"
ITEM_NOTES, ITEM_SAVE = "meeting-item-notes", "meeting-item-save"
ACCEPT = "meeting-accept"
ACTION_EDIT, ACTION_REMOVE = "meeting-action-edit", "meeting-action-remove"
# Why a suggested item is on the agenda, when its reason (store/meeting_numbers.py, which says it in full) is
# missing; with a reason, the card says "Suggested: <reason>", the reason alone, once.
SOURCE_WORDS = {"flagged": "flagged", "red": "turned red", "worse-month": "worse since last month",
                "worse-year": "worse than a year ago", "spread": "its children far apart",
                "due": "an action is due"}
KIND_WORDS = {"practice": "Best practice", "kudos": "Kudos", "reviews": "Case reviews for discussion"}


def status_chip(status: str | None, text: str | None = None) -> html.Span:
    style = STATUS_STYLE.get(status or "none", STATUS_STYLE["none"])
    return html.Span(text or status_text(status or "none"), className="status-chip",
                     style={"backgroundColor": style["colour"]})


def _item_buttons(item: AgendaItem, editable: bool) -> html.Div | None:
    if not editable:
        return None
    key = str(item.id)
    return html.Div([
        dbc.Button("↑", id={"type": ITEM_UP, "item": key}, size="sm", color="secondary", outline=True,
                   title="Move up", class_name="me-1", n_clicks=0),
        dbc.Button("↓", id={"type": ITEM_DOWN, "item": key}, size="sm", color="secondary", outline=True,
                   title="Move down", class_name="me-1", n_clicks=0),
        dbc.Button("Remove", id={"type": ITEM_REMOVE, "item": key}, size="sm", color="danger", outline=True,
                   n_clicks=0),
    ], className="ms-auto")


def _notes(item: AgendaItem, editable: bool, label: str) -> html.Div:
    if not editable:
        return html.Div([html.H3(label, className="h6"), html.P(item.notes or "none written",
                                                                   className="meeting-notes")])
    return html.Div([
        dbc.Label(label, html_for=f"notes-{item.id}"),
        dbc.Textarea(id={"type": ITEM_NOTES, "item": str(item.id)}, value=item.notes, rows=3,
                     maxLength=5000, class_name="mb-1"),
        dbc.Button("Save the notes", id={"type": ITEM_SAVE, "item": str(item.id)}, size="sm", color="primary",
                   outline=True, n_clicks=0),
    ])


def _graph(figure: dict, ident: str, present: bool) -> dcc.Graph:
    if not present:
        return dcc.Graph(figure=figure, config=GRAPH_CONFIG, id=ident)
    return dcc.Graph(figure=presented(figure), config={**GRAPH_CONFIG, "displayModeBar": False, "responsive": True},
                     id=ident, className="present-chart")


def source_line(item: AgendaItem) -> str:
    """Why the item is on the agenda, said once: 'Suggested: turned red: yellow (84.0%) last month, …'."""
    said = item.reason or SOURCE_WORDS.get(item.source, item.source)
    return f"Suggested: {said}" if item.source != "flagged" else f"Flagged: {said}"


def item_card(book: Book, item: AgendaItem, number: int, editable: bool, case_level: bool = False,
              present: bool = False) -> dbc.Card:
    """One agenda item: a cell with its numbers, trend, variation, notes and questions; or a practice, kudos or
    case-review section. `case_level`: the reader may open the members behind the cell. `present`: for a
    projector (larger charts, no links away)."""
    if item.kind == "published":
        return _published_card(book, item, number, editable, present)
    if item.kind in ("practice", "kudos"):
        return dbc.Card(dbc.CardBody([
            html.Div([html.H2(f"{number}. {KIND_WORDS[item.kind]}", className="h5 mb-0"),
                      _item_buttons(item, editable)], className="d-flex align-items-center mb-2"),
            _notes(item, editable, "What to share"),
        ]), class_name="mb-3 meeting-item", id=f"item-{item.id}")
    if item.kind == "reviews":
        section = book.reviews.get(item.id)
        body = [html.P("Not shown: case reviews need case-level access.")] if section is None else [
            html.P(section.title),
            html.P(f"{len(section.cases)} cases: " + ", ".join(f"{masked} ({status})" for masked, status in
                                                                section.cases)),
            findings_list(section.findings),
        ]
        return dbc.Card(dbc.CardBody([
            html.Div([html.H2(f"{number}. {KIND_WORDS['reviews']}", className="h5 mb-0"),
                      _item_buttons(item, editable)], className="d-flex align-items-center mb-2"),
            *body,
        ]), class_name="mb-3 meeting-item", id=f"item-{item.id}")
    numbers = book.numbers.items.get(item.id) if book.numbers is not None else None
    month = book.meeting.month
    head = [html.H2(f"{number}. {numbers.indicator['name'] if numbers is not None else item.indicator_id} — "
                    f"{item.entity_name}", className="h5 mb-0"), _item_buttons(item, editable)]
    parts = [html.Div(head, className="d-flex align-items-center mb-2")]
    if item.source != "flagged" or item.reason:
        parts.append(html.P(source_line(item), className="text-muted"))
    if numbers is None:
        parts.append(html.P("Its numbers are not available: see the message at the top of the page."))
        parts.append(_notes(item, editable, "The story behind the data"))
        return dbc.Card(dbc.CardBody(parts), class_name="mb-3 meeting-item", id=f"item-{item.id}")
    indicator, cell = numbers.indicator, numbers.cell
    said = html.P([
        status_chip(cell["status"], f"{STATUS_STYLE.get(cell['status'], STATUS_STYLE['none'])['symbol']} "
                                    f"{format_value(indicator['kind'], cell['value'], True)}".strip()),
        html.Span(f"  {month:%B %Y}. Since last month: "
                  f"{change_text(indicator, cell['value'], cell['last_month'], cell['last_month_status'])}. "
                  f"Since a year ago: "
                  f"{change_text(indicator, cell['value'], cell['last_year'], cell['last_year_status'])}."),
    ])
    actions = [a for a in (*book.carried, *book.new)
               if a.indicator_id == item.indicator_id and a.entity == item.entity]
    trend = _graph(trend_figure(numbers.trend, actions), f"meeting-trend-{item.id}", present)
    key = trend_key(action_key(numbers.trend, actions), present)
    variation = None if numbers.variation is None else \
        _graph(variation_figure(numbers.variation), f"meeting-variation-{item.id}", present)
    questions = list(indicator["questions"])
    asked = html.Div([html.H3("Questions for the meeting", className="h6"),
                      html.Ul([html.Li(q) for q in questions])]) if questions else None
    notes = _notes(item, editable, "The story behind the data")
    if present:
        # One screen, no scrolling, at 1280×720 as at 1920×1080: the numbers and the trend on the left, the
        # variation, the questions and any notes on the right; the charts take what the text leaves
        # (assets/present.css), so the text keeps its size. Notes not written are not shown to the room.
        # The key to the trend's numbered actions goes beside it: under it, it would take the trend's height.
        side = [variation, key, asked, notes if item.notes else None]
        parts.append(html.Div([html.Div([said, trend], className="present-item-main"),
                               html.Div([p for p in side if p is not None], className="present-item-side")],
                              className="present-item-body"))
        return dbc.Card(dbc.CardBody(parts), class_name="mb-3 meeting-item", id=f"item-{item.id}")
    graphs = [dbc.Col([trend, key] if key is not None else trend, lg=7)] + \
        ([dbc.Col(variation, lg=5)] if variation is not None else [])
    parts += [said, dbc.Row(graphs)] + ([asked] if asked is not None else [])
    parent = None if item.entity.level == "department" else item.entity
    members = [" · ", dcc.Link("Members", href=MembersView(item.indicator_id, month, parent).href())] \
        if case_level else []
    parts.append(html.P(className="present-hide", children=[
        dcc.Link("Trend", href=IndicatorView(item.indicator_id, month, entity=item.entity).href()), " · ",
        dcc.Link("Variation", href=IndicatorView(item.indicator_id, month, parent).href()), *members,
        html.Span(" (today's data)", className="text-muted"),
    ]))
    parts.append(notes)
    return dbc.Card(dbc.CardBody(parts), class_name="mb-3 meeting-item", id=f"item-{item.id}")


def _published_card(book: Book, item: AgendaItem, number: int, editable: bool, present: bool) -> dbc.Card:
    """A published figure: its value and status in the period it shows, who published it, its trend beside the
    nation's, and the story; laid out as a cell's item is, presented too."""
    series = book.published.get(item.id)
    title = f"{number}. {series.indicator.name if series is not None else item.indicator_id} — {item.entity_name}"
    parts = [html.Div([html.H2([title, html.Span(" as published", className="text-muted fw-normal")],
                               className="h5 mb-0"), _item_buttons(item, editable)],
                      className="d-flex align-items-center mb-2")]
    notes = _notes(item, editable, "The story behind the data")
    if series is None or series.shown is None:
        parts += [html.P("Its published figures cannot be read: the source's version is not in the store."), notes]
        return dbc.Card(dbc.CardBody(parts), class_name="mb-3 meeting-item", id=f"item-{item.id}")
    indicator, point = series.indicator, series.shown
    style = STATUS_STYLE.get(point.status, STATUS_STYLE["none"])
    counts = counts_text(indicator, point)
    beside = [f"({counts})" if counts else "", f"as published by {series.publisher}, {point.label}."]
    if point.comparison is not None:
        beside.append(f"{series.comparison_name}: {value_text(indicator, point.comparison)}.")
    beside.append(f"Standard: {standard_words(indicator)}.")
    said = html.P([status_chip(point.status, f"{style['symbol']} {value_text(indicator, point.value)}".strip()),
                   html.Span(f"  {status_words(point.status).capitalize()} " + " ".join(b for b in beside if b))])
    trend = _graph(published_trend_figure(series), f"meeting-published-{item.id}", present)
    about = html.P(indicator.definition + (f" {indicator.compare_note}" if indicator.compare_note else ""),
                   className="small text-muted")
    newer = None if series.newer is None else html.P(
        f"{series.source} has newer figures (imported {series.newer[1]:%d %B %Y}): this item keeps those it was "
        f"added from, as of {series.as_of:%d %B %Y}.", className="small text-muted present-hide")
    if present:
        side = [about, notes if item.notes else None]
        parts.append(html.Div([html.Div([said, trend], className="present-item-main"),
                               html.Div([p for p in side if p is not None], className="present-item-side")],
                              className="present-item-body"))
    else:
        parts += [said, trend, about] + ([newer] if newer is not None else []) + [notes]
    return dbc.Card(dbc.CardBody(parts), class_name="mb-3 meeting-item", id=f"item-{item.id}")


KEY_WHAT_CHARS = 34  # of an action's text in the key beside a presented trend: one line a room reads


def trend_key(numbered: list, present: bool = False) -> html.Div | None:
    """The key to a trend's numbered action marks (components.charts.action_key); None when the trend labels its
    actions itself. Presented, each action is its number and its text, cut to a line (the actions' table has the
    rest)."""
    if not numbered:
        return None
    if present:
        lines = [f"{n}. {_cut(action.what, KEY_WHAT_CHARS)}" for n, action in numbered]
    else:
        lines = [action_key_text(n, action) for n, action in numbered]
    return html.Div([html.H3("Actions numbered on the trend", className="h6 mb-1"),
                     html.Ul([html.Li(line) for line in lines], className="list-unstyled small mb-1")],
                    className="meeting-trend-key")


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars - 1].rstrip() + "…"


def findings_list(findings) -> html.Div:
    if findings is None or not findings.reviews:
        return html.P("No review of these cases is completed yet.", className="text-muted")
    rows = [html.Li(f"{f.item.number}. {f.item.name}: a strength in {f.strengths} of {f.applicable}") for f in findings.items
            if f.applicable]
    themes = ", ".join(f"{t.theme.name} ({t.reviews})" for t in findings.themes) or "none named"
    return html.Div([html.P(f"Findings of {findings.reviews} completed reviews:"), html.Ul(rows),
                     html.P(f"Themes: {themes}")])


def _action_buttons(action: Action) -> html.Td:
    key = str(action.id)
    return html.Td(html.Div([
        dbc.Button("Correct", id={"type": ACTION_EDIT, "action": key}, size="sm", color="secondary", outline=True,
                   class_name="me-1", n_clicks=0, title=f"Correct action {key} in the form below"),
        dbc.Button("Remove", id={"type": ACTION_REMOVE, "action": key}, size="sm", color="danger", outline=True,
                   n_clicks=0, title=f"Remove action {key} (a duplicate, a mistake)"),
    ], className="d-flex"), className="present-hide")


def actions_table(actions: list[Action], on, empty: str, names: dict[str, str] | None = None,
                  editable: bool = False) -> html.Div:
    """Actions with what, owner, due (overdue marked as of `on`), the cell it is meant to move (the indicator's
    name from `names`), status and log; `editable`: each with its Correct and Remove buttons."""
    if not actions:
        return html.P(empty, className="text-muted")
    names = names or {}
    head = ["#", "What", "Owner", "Due", "To move", "Status", "Updates"] + (["Change"] if editable else [])
    rows = []
    for a in actions:
        overdue = a.overdue(on)
        log = "; ".join(f"{u.at:%d %b %Y} {u.status}" + (f": {u.note}" if u.note and u.note != "agreed" else "")
                        for u in a.updates)
        rows.append(html.Tr([
            html.Td(a.id), html.Td(a.what), html.Td(a.owner),
            html.Td([f"{a.due:%d %b %Y}", html.Span(" overdue", className="fw-bold text-danger") if overdue else ""]),
            html.Td(f"{names.get(a.indicator_id, a.indicator_id)}, {a.entity_name}"), html.Td(a.status),
            html.Td(log, className="small"), *([_action_buttons(a)] if editable else []),
        ], className="table-warning" if overdue else None))
    return dbc.Table([html.Thead(html.Tr([html.Th(h, className="present-hide" if h == "Change" else None)
                                          for h in head])), html.Tbody(rows)], bordered=False,
                     hover=True, responsive=True, class_name="meeting-actions")


def suggestions_list(suggestions, editable: bool) -> html.Div:
    if not suggestions:
        return html.P("Nothing to suggest: every cell that turned red, moved most or varies most is on the agenda.",
                      className="text-muted")
    rows = []
    for s in suggestions:
        key = f"{s.kind}|{s.indicator_id}|{s.entity.level}|{s.entity.entity_id}"
        rows.append(html.Li([
            dbc.Button("Add", id={"type": ACCEPT, "cell": key[:200]}, size="sm", color="primary", outline=True,
                       class_name="me-2", n_clicks=0) if editable else None,
            html.Span(f"{s.indicator_name} — {s.entity_name}: ", className="fw-bold"),
            html.Span(s.reason),
        ], className="mb-1"))
    return html.Ul(rows, className="list-unstyled meeting-suggestions")
