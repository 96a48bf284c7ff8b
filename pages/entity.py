"""One entity's whole performance story: every indicator with its status, value, standard and last 24 months."""
import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components.common import breadcrumb, legend, message, month_options
from display.format import entity_label
from components.home import data_as_of, no_data
from components.links import EntityView, ScorecardView, ViewError, picked_month, scorecard_href
from components.story import story_table
from queries.performance import child_level, story
from web.runtime import current_scope, latest_month_now, refused, services
from access.scope import ScorecardQueryError
from queries.scorecard import report_months

dash.register_page(__name__, path_template="/entity/<level>/<entity_id>", name="Entity",
                   title="Entity · Statboard", nav=False)

ENTITY_URL = "entity-url"
ENTITY_QUERY = "entity-query"
ENTITY_BREADCRUMB = "entity-breadcrumb"
ENTITY_TITLE = "entity-title"
ENTITY_AS_OF = "entity-as-of"
ENTITY_MONTH = "entity-month"
ENTITY_LINKS = "entity-links"
ENTITY_MESSAGE = "entity-message"
ENTITY_STORY = "entity-story"
ENTITY_LEGEND = "entity-legend"


def layout(level=None, entity_id=None, **query):
    """The frame; `show_entity` fills it."""
    return html.Div([
        dcc.Location(id=ENTITY_URL, refresh="callback-nav"),
        dcc.Store(id=ENTITY_QUERY, data={"level": level, "entity_id": entity_id, **query}),
        html.Div(id=ENTITY_BREADCRUMB),
        html.Div([html.H1(id=ENTITY_TITLE, className="h3 me-auto mb-0"), html.Div(id=ENTITY_AS_OF)],
                 className="d-flex flex-wrap align-items-baseline gap-3 mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label("Month", html_for=ENTITY_MONTH),
                     dcc.Dropdown(id=ENTITY_MONTH, value=query.get("month"), clearable=False)], md=3),
            dbc.Col(html.Div(id=ENTITY_LINKS, className="pt-4"), md=9),
        ], className="g-3 mb-2"),
        html.Div(id=ENTITY_MESSAGE),
        html.Div(legend(), id=ENTITY_LEGEND),
        dcc.Loading(html.Div(id=ENTITY_STORY), delay_show=300),
    ])


@callback(Output(ENTITY_BREADCRUMB, "children"), Output(ENTITY_TITLE, "children"), Output(ENTITY_AS_OF, "children"),
          Output(ENTITY_MONTH, "options"), Output(ENTITY_MONTH, "value"), Output(ENTITY_LINKS, "children"),
          Output(ENTITY_MESSAGE, "children"), Output(ENTITY_STORY, "children"), Output(ENTITY_LEGEND, "children"),
          Input(ENTITY_QUERY, "data"))
def show_entity(query):
    """Read the entity from the URL and draw its story, or say what was wrong with the URL."""
    blank = [None, "Entity", None, [], None, None, None, None, legend()]
    snapshot = services().warehouse.snapshot()
    if snapshot is None:
        blank[6] = no_data()
        return tuple(blank)
    try:
        view = EntityView.from_page(query or {})
        scope = current_scope()
        data = story(snapshot, scope, view.entity, view.month)
    except (ViewError, ScorecardQueryError) as exc:
        refused(exc, "/entity")
        blank[6] = message(f"{exc}.", heading="This page's link cannot be shown")
        return tuple(blank)
    entity = data.entity
    links = []
    if entity.level != "worker" and entity.drillable:
        links.append(dcc.Link(f"Scorecard of its {child_level(entity.level)}s",
                              href=scorecard_href(entity.ref, view.month), className="btn btn-outline-primary me-2"))
    if len(data.path) > 1 and data.path[-2].drillable:
        parent = data.path[-2]
        links.append(dcc.Link(f"Beside the others in {parent.name}",
                              href=ScorecardView(view.month, None if parent.level == "department" else parent.ref
                                                 ).href(), className="btn btn-outline-secondary"))
    title = f"{entity_label(entity.name, entity.level)}: {data.month:%B %Y}"
    return (breadcrumb(data.path, view.month, current_is_link=entity.level != "worker"), title,
            data_as_of(snapshot.version), month_options(report_months(snapshot)), f"{data.month:%Y-%m}", links, None,
            story_table(data, view.month), legend(hidden=bool(scope.small_cell_min)))


@callback(Output(ENTITY_URL, "href"), Input(ENTITY_MONTH, "value"), State(ENTITY_QUERY, "data"),
          prevent_initial_call=True)
def navigate(month, query):
    """A changed month becomes a new URL."""
    try:
        view = EntityView.from_page(query or {})
        changed = EntityView(view.entity, picked_month(month, view.month, latest_month_now()))
    except ViewError:
        return no_update
    return no_update if month is None or changed == view else changed.href()
