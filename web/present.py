"""Presentation mode: `present=1` on any page's URL shows it for a projector (assets/present.css and
assets/present.js draw it: chrome hidden, large type, keyboard paging, Esc leaves).

Pages parse their own parameters strictly, so `present` is taken off the query before a page's `layout` sees
it (`install` wraps every registered page's layout once), and a page asks `presenting()` while it draws.

Identifiers stay masked in presentation whatever the reader's role. A page that can reveal them keeps the mode
in a store and its callback asks `presenting(flag)`: the flag the page was drawn with, or a callback sent from a
page whose address has `present=1` (the browser's Referer; same-origin policy, web/headers.py), is enough to
refuse. Either alone is enough, so a crafted callback that leaves one out is still answered masked.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import dash
from flask import g, has_request_context, request

PARAM = "present"
ON = "1"


def _on(value) -> bool:
    if isinstance(value, list):  # ?present=1&present=1
        return ON in value
    return value == ON


def _from_referrer() -> bool:
    if not has_request_context() or not request.referrer:
        return False
    return _on(parse_qs(urlsplit(request.referrer).query).get(PARAM))


def store_data() -> dict:
    """What a page keeps in its presentation store (a store's data is an object: web/limits.py)."""
    return {PARAM: presenting()}


def presenting(flag=None) -> bool:
    """Whether this request draws or answers a page in presentation: the page's own store (`store_data`, when
    given), the query the page was drawn from, or the address the callback came from."""
    if isinstance(flag, dict) and flag.get(PARAM) is True:
        return True
    if has_request_context() and g.get("statboard_presenting"):
        return True
    return _from_referrer()


def _wrapped(layout):
    def layout_without_present(**query):
        on = _on(query.pop(PARAM, None))
        if has_request_context():
            g.statboard_presenting = on
        return layout(**query)
    layout_without_present.statboard_present = True
    layout_without_present.__doc__ = layout.__doc__
    return layout_without_present


def install() -> None:
    """Take `present` off every page's query before its layout parses it (each page once, however many apps)."""
    for page in dash.page_registry.values():
        layout = page.get("layout")
        if callable(layout) and not getattr(layout, "statboard_present", False):
            page["layout"] = _wrapped(layout)
