"""What a request may carry, checked before any page, callback or download reads it.

- The body: at most `MAX_BODY` bytes (a callback or a sign-in is a few kilobytes). A bigger one is
  answered `413` with a sentence saying so, and is never read.
- A callback (`POST /_dash-update-component`): a JSON object naming one of this app's server callbacks,
  with its outputs, inputs and states as the callback declares them, and each value of the JSON type its
  property holds (`VALUE_TYPES`: text for a dropdown's value or a URL's search, an object for a store's
  data ...). Anything else is answered `400` with what was wrong, before Dash reads it.

What a value says (a month, an entity, a trend's span) is for the page's parsers (access/params.py,
components/links.py), which answer with a message on the page.
"""
from __future__ import annotations

import json

from dash import Dash
from flask import Response, request

from access.params import shown

LIST_TYPES = {"review-themes"}  # the pattern-matched checklists: their value is a list of texts
LIST_IDS = {"pick-also"}        # the multi-choice dropdowns: the same
MAX_MATCHED = 200  # components one pattern-matching input may match (a review form's items), or a list's texts
MAX_BODY = 256 * 1024  # the largest callback the pages send, a 300-row heat map's click with its keys, is ~15 KB
CALLBACK_ENDPOINT = "/_dash-update-component"
# What each property this app's callbacks take as an input or a state holds: its JSON type, in words, and
# whether it may be null. A location's path is never null and starts with / (a browser's always does, and
# Dash's page router reads it unchecked).
VALUE_TYPES = {"value": (str, "text or null"), "search": (str, "text or null"), "href": (str, "text or null"),
               "data": (dict, "an object or null"), "clickData": (dict, "an object or null"),
               "n_intervals": (int, "a whole number or null"), "pathname": (str, "a path starting with /")}


def _refuse(message: str, status: int) -> Response:
    return Response(f"Refused: {message}.\n", status=status, mimetype="text/plain")


def too_large(_error=None) -> Response:
    """413: the body is bigger than any request Statboard takes."""
    return _refuse(f"this request's body is larger than Statboard takes ({MAX_BODY // 1024} KB; a page's "
                   "request or a sign-in is a few kilobytes). Reload the page and try again", 413)


def _declared_outputs(output: str) -> list[tuple[str, str]]:
    """(id, property) of each output named by a callback's output key ("..a.b...c.d.." or "a.b@hash")."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(part.split("@")[0].rsplit(".", 1)) for part in parts]


def _named(item) -> tuple | None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("property"),
                                                                                         str):
        return None
    return item["id"], item["property"].split("@")[0]


def _pattern(declared_id: str) -> dict | None:
    """A pattern-matching id (`{"type": "review-rating", "item": ["ALL"]}`) as declared, else None."""
    if not declared_id.startswith("{"):
        return None
    try:
        pattern = json.loads(declared_id)
    except ValueError:
        return None
    return pattern if isinstance(pattern, dict) else None


def _matched(items, wanted: dict) -> tuple | None:
    """(id, property) as declared when `items` are what an ALL pattern matched: a list of components whose
    ids have the pattern's fixed keys and values; None otherwise."""
    pattern = _pattern(wanted["id"])
    fixed = {k: v for k, v in pattern.items() if not isinstance(v, list)}  # ["ALL"] is a wildcard
    if not isinstance(items, list) or len(items) > MAX_MATCHED:
        return None
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), dict) or item.get("property") != wanted[
                "property"] or set(item["id"]) != set(pattern) or any(item["id"][k] != v for k, v in fixed.items()):
            return None
        if not all(isinstance(v, str) and len(v) <= 200 for v in item["id"].values()):
            return None
    return wanted["id"], wanted["property"]


def _value_problem(name: str, value, lists: bool = False) -> str | None:
    """What is wrong with the value an input or state holds, in words; None when it is of its kind (`lists`:
    a checklist's, whose value is a list of texts)."""
    prop = name.rsplit(".", 1)[1]
    if prop not in VALUE_TYPES or (value is None and prop != "pathname"):
        return None
    kind, words = VALUE_TYPES[prop]
    if lists and isinstance(value, list):
        return None if len(value) <= MAX_MATCHED and all(isinstance(v, str) for v in value) else (
            f"{name} must be text, a list of texts, or null, not {shown(value)}")
    if not isinstance(value, kind) or isinstance(value, bool) or (prop == "pathname" and not value.startswith("/")):
        return f"{name} must be {words}, not {shown(value)}"
    if prop == "pathname" and any(ord(c) < 32 or ord(c) == 127 for c in value):
        # A browser sends a path's control characters percent-encoded; Dash's page router fails on raw ones.
        return f"{name} must not hold a control character, as {shown(value)} does"
    return None


def callback_problem(app: Dash, body) -> str | None:
    """What is wrong with a callback request's body, in words; None when Dash may run it."""
    if not isinstance(body, dict):
        return "a callback is a JSON object with output, outputs, inputs, state and changedPropIds"
    output = body.get("output")
    declared = app.callback_map.get(output) if isinstance(output, str) else None
    if declared is None or "callback" not in declared:
        return f"output {shown(output)} is not one of this app's server callbacks"
    outputs = _declared_outputs(output)
    given = body.get("outputs")
    given = given if output.startswith("..") else [given]
    if not isinstance(given, list) or [_named(o) for o in given] != outputs:
        return f"outputs must be {', '.join(f'{i}.{p}' for i, p in outputs)}, as the callback declares"
    for part in ("inputs", "state"):
        items, wanted = body.get(part, []), declared[part]
        names = [f"{w['id']}.{w['property']}" for w in wanted]
        if not isinstance(items, list) or [_named(i) if _pattern(w["id"]) is None else _matched(i, w)
                                           for i, w in zip(items, wanted)] != [
                (w["id"], w["property"]) for w in wanted] or len(items) != len(wanted):
            return f"{part} must be {', '.join(names) or 'empty'}, in that order, as the callback declares"
        for item, name, w in zip(items, names, wanted):
            lists = w["id"] in LIST_IDS or (_pattern(w["id"]) or {}).get("type") in LIST_TYPES
            for one in (item if isinstance(item, list) else [item]):
                problem = _value_problem(name, one.get("value"), lists)
                if problem:
                    return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of id.property names"
    return None


def install(app: Dash) -> None:
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    server.register_error_handler(413, too_large)

    @server.before_request
    def check_request():
        """Runs after the sign-in guard: a body too large is refused unread; a callback must be well formed."""
        if request.content_length is not None and request.content_length > MAX_BODY:
            return too_large()
        if request.endpoint == CALLBACK_ENDPOINT and request.method == "POST":
            try:
                problem = callback_problem(app, request.get_json(silent=True))
            except RecursionError:  # JSON nested thousands deep: no callback takes that
                problem = "the request's JSON is nested deeper than any callback's"
            if problem:
                return _refuse(problem, 400)
        return None
