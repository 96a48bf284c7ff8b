"""What any one parameter of a request may be, checked before it is parsed.

A parameter (a URL's `month`, `parent` or `entity`, a download's `indicator`, an audit filter, a
control's value posted to a callback) is text: one line, at most `MAX_LENGTH` characters. Every
parser (months, entities, page views, downloads, the audit log's filters) starts with `param_text`,
so a number, a list, a line break or a megabyte where a parameter belongs is refused the same way,
with a message saying what to write, before it reaches a query, a message or the audit log.
"""
from __future__ import annotations

import unicodedata

MAX_LENGTH = 200  # as long as the longest scope a user may have (LEVEL:ID, users.scope)


class ParamError(ValueError):
    """A parameter that is not one line of text of at most `MAX_LENGTH` characters."""


def shown(value, limit: int = 40) -> str:
    """`value` as a message quotes it: its repr, cut to `limit` characters (a message never echoes a megabyte)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def param_text(name: str, value, error: type[Exception] = ParamError) -> str | None:
    """`value` when it is one line of text of at most `MAX_LENGTH` characters (None and "" as None);
    otherwise raises `error` saying what `name` must be."""
    if value is None or value == "":
        return None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        raise error(f"{name} is given {len(value)} times: give it once")
    if not isinstance(value, str):
        raise error(f"{name} must be text, not {_kind(value)} ({shown(value)})")
    if len(value) > MAX_LENGTH:
        raise error(f"{name} is {len(value):,} characters long: a parameter is at most {MAX_LENGTH}")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise error(f"{name} {shown(value)} holds a control character (a line break, a tab, a NUL ...) or "
                    "broken text: write it on one line, without them")
    return value
