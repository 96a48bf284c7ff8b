"""The page for an address no page has (Dash's hook: a module named not_found_404): a sentence and the way back."""
import dash

from components.common import refusal

dash.register_page(__name__, path="/404", name="Page not found", title="Page not found · Statboard", nav=False)

NOT_FOUND = "not-found"


def layout(**_query):
    """No page has this address: say so, and link home and to the reader's scorecard."""
    page = refusal("There is no page at this address. The link may be mistyped, or the page may have moved.",
                   heading="Page not found")
    page.id = NOT_FOUND
    return page
