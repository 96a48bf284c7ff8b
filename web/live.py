"""Live pages: the scorecard and the home page notice a new data version and redraw, without a reload.

A live page holds `parts(prefix)`: a `dcc.Interval` ticking every `live_seconds` (settings; a minute by
default) and two stores, the version the page shows (`<prefix>-live-shown`, written by the page's own
callback with `shown(snapshot)`) and the newer version the check saw (`<prefix>-live-newer`, an input of that
callback). `watch(prefix)` registers the check between them: it reads the current version's number and load
time (a file's name, or one row of PostgreSQL; nothing of the data) and answers only when they differ from what
the page shows. The page's callback then redraws from the same address, so the reader keeps their place (parent,
level, month, tier, sort; the scorecard keeps its scroll), and the "data as of" stamp changes with the numbers.

A Stat meeting is pinned to its version and is never redrawn this way: it says that newer data exists.
"""
from __future__ import annotations

from dash import Input, Output, State, callback, dcc, no_update
from flask import has_app_context

from web.runtime import services

DEFAULT_SECONDS = 60  # outside a request (Dash checking a layout): the settings' default


def ids(prefix: str) -> tuple[str, str, str]:
    """The ids of a live page's interval, shown-version store and newer-version store."""
    return f"{prefix}-live-tick", f"{prefix}-live-shown", f"{prefix}-live-newer"


def parts(prefix: str, shown_now: dict | None = None) -> list:
    """The interval and the two stores a live page's layout holds (read inside a request: the settings say how
    often to check); `shown_now`, what the page shows when its layout already knows (else its callback writes
    it)."""
    tick, shown_id, newer = ids(prefix)
    seconds = services().settings.live_seconds if has_app_context() else DEFAULT_SECONDS
    return [dcc.Interval(id=tick, interval=int(seconds * 1000)),
            dcc.Store(id=shown_id, data=shown_now), dcc.Store(id=newer)]


def version_key(version) -> str:
    """A data version as the check compares it: its number and when it was loaded (a warehouse rebuilt from
    nothing starts again at version 1)."""
    return f"{version.version_id}@{version.loaded_at.isoformat()}"


def shown(snapshot) -> dict | None:
    """What a page writes to its shown-version store when it draws from `snapshot`."""
    return None if snapshot is None else {"version": version_key(snapshot.version)}


def current() -> str | None:
    """The current data version's key; None before the first load."""
    snapshot = services().warehouse.snapshot()
    return None if snapshot is None else version_key(snapshot.version)


def watch(prefix: str) -> None:
    """Register the check of a live page: every tick, compare the current version with the one shown."""
    tick, shown_id, newer = ids(prefix)

    @callback(Output(newer, "data"), Input(tick, "n_intervals"), State(shown_id, "data"), prevent_initial_call=True)
    def check(_n_intervals, shown_now):
        key = current()
        if key is None or (isinstance(shown_now, dict) and shown_now.get("version") == key):
            return no_update
        return {"version": key}

    check.__name__ = check.__qualname__ = f"check_{prefix.replace('-', '_')}_live"
