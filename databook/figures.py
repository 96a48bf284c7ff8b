"""The data book's figures as PNG, drawn on the server by Plotly's Kaleido in the system's Chromium.

The figures are the pages' own (components/charts.py); only their size and type are set for print here
(`for_print`), so a slide shows what the screen showed, at a size a room reads from its back row. Every
figure of a book is drawn in one batch: starting Chromium costs a few seconds, drawing a figure a fraction of
one.

Kaleido finds the browser through choreographer, which reads BROWSER_PATH. Nothing is downloaded here: when
BROWSER_PATH is unset it is set to /usr/bin/chromium, Debian's package (which `make browser` installs).
MathJax is off: it would be fetched from a CDN, and the figures hold no formulas.
"""
from __future__ import annotations

import asyncio
import copy
import os
import shutil
import threading

DEFAULT_CHROMIUM = "/usr/bin/chromium"
PRINT_FONT = 19        # px at the figure's own size: about 14 pt on a 7.6-inch-wide picture 720 px wide
SCALE = 2.5            # device pixels per CSS pixel: sharp on a projector and in print
RENDER_TABS = 2        # figures drawn side by side (this is a small machine: two cores)
TIMEOUT_S = 60         # for one figure


class FigureError(RuntimeError):
    """The figures could not be drawn; the message says what to install or set."""


def browser_path() -> str:
    """The Chromium Kaleido is to use, set in BROWSER_PATH for choreographer when it is not set already."""
    path = os.environ.get("BROWSER_PATH") or DEFAULT_CHROMIUM
    found = path if os.path.exists(path) else shutil.which(path)
    if not found:
        raise FigureError(f"the data book's charts are drawn in Chromium, and there is none at {path}: install "
                          "Debian's chromium (`make browser`, or apt-get install chromium), or set BROWSER_PATH "
                          "to a Chromium or Chrome")
    os.environ.setdefault("BROWSER_PATH", found)
    return found


def for_print(figure: dict, width: int, height: int, overrides: dict | None = None) -> dict:
    """A copy of `figure` at `width` x `height` with fonts a room can read: the base font at PRINT_FONT and every
    font the builder sized itself scaled up as much; `overrides` set more (margins for the larger labels), merged
    one level deep. Nothing else of the builder's figure changes."""
    printed = copy.deepcopy(figure)
    layout = printed.setdefault("layout", {})
    base = layout.get("font", {}).get("size", 12)
    factor = PRINT_FONT / base

    def scale(font_holder):
        font = font_holder.get("font")
        if isinstance(font, dict) and isinstance(font.get("size"), (int, float)):
            font["size"] = round(font["size"] * factor, 1)

    for note in layout.get("annotations", []):
        scale(note)
        if isinstance(note.get("yshift"), (int, float)):  # labels stacked by the builder stay apart
            note["yshift"] = round(note["yshift"] * factor, 1)
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            if isinstance(axis.get("tickfont"), dict) and "size" in axis["tickfont"]:
                axis["tickfont"]["size"] = round(axis["tickfont"]["size"] * factor, 1)
    for trace in printed.get("data", []):
        if isinstance(trace.get("textfont"), dict) and "size" in trace["textfont"]:
            trace["textfont"]["size"] = round(trace["textfont"]["size"] * factor, 1)
    layout["font"] = {**layout.get("font", {}), "size": PRINT_FONT}
    layout["width"], layout["height"] = width, height
    for name, value in (overrides or {}).items():
        layout[name] = {**layout.get(name, {}), **value} if isinstance(value, dict) else value
    return printed


def render(figures: dict[str, tuple]) -> dict[str, bytes]:
    """PNG bytes of each (figure, width, height[, layout overrides]), by key, all drawn by one Chromium."""
    if not figures:
        return {}
    browser_path()
    keys = list(figures)
    specs = [for_print(*figures[k]) for k in keys]
    result: dict = {}

    def run():
        try:
            result["images"] = asyncio.run(_draw(specs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            result["error"] = exc

    # Kaleido is asynchronous; a thread of its own gives it an event loop whatever the caller runs in
    # (a Dash callback, a gunicorn thread, the command line).
    worker = threading.Thread(target=run, name="databook-figures")
    worker.start()
    worker.join()
    if "error" in result:
        exc = result["error"]
        raise FigureError(f"the data book's charts could not be drawn: {type(exc).__name__}: {exc}") from exc
    return dict(zip(keys, result["images"]))


async def _draw(specs: list[dict]) -> list[bytes]:
    import kaleido
    async with kaleido.Kaleido(n=min(RENDER_TABS, len(specs)), timeout=TIMEOUT_S, mathjax=False) as k:
        return list(await asyncio.gather(*(k.calc_fig(spec, opts={"format": "png", "scale": SCALE})
                                           for spec in specs)))
