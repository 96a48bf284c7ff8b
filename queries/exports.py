"""CSV exports in the format of the catalogue's "Exports" section (the interface other tools rely on).

UTF-8 without a byte-order mark, RFC 4180 quoting and line ends, a header row;
numbers unrounded, as the shortest decimal that reads back exactly (no
exponent), integers without ``.0``; NULL as an empty field; months as ``YYYY-MM``. Text that a
spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) starts with a single quote ``'`` instead, the OWASP rule for CSV injection; numbers are never
changed (a negative number is a number, not a formula).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Text from the data as a spreadsheet will show it, never run it: `'` before a formula's first character.

    Names and ids come from the agency's extract and audit entries from whoever signed in; an office
    named `=HYPERLINK(...)` must not become a live formula in the Excel of whoever opens the download.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def format_value(value) -> str:
    """One CSV field: '' for NULL, YYYY-MM for a month, shortest exact decimal for a number, and text
    neutralised (see `neutralise_formula`)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return f"{value:%Y-%m}"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if float(value).is_integer():
            return str(int(value))
        return np.format_float_positional(float(value), unique=True, trim="-")
    if isinstance(value, str):
        return neutralise_formula(value)
    return str(value)


def to_csv(frame: pd.DataFrame) -> str:
    """The frame as export CSV text."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([format_value(v) for v in row])
    return buffer.getvalue()


AUDIT_COLUMNS = ["at", "actor", "action", "detail", "remote_addr"]


def audit_csv(entries: list[dict]) -> str:
    """Audit entries as CSV: `at` in UTC as YYYY-MM-DDTHH:MM:SSZ, `detail` as JSON."""
    frame = pd.DataFrame([{"at": f"{e['at']:%Y-%m-%dT%H:%M:%SZ}", "actor": e["actor"], "action": e["action"],
                           "detail": json.dumps(e["detail"], sort_keys=True), "remote_addr": e["remote_addr"]}
                          for e in entries], columns=AUDIT_COLUMNS)
    return to_csv(frame)


def write_export(text: str, out: Path) -> None:
    """Write `text` to `out` whole or not at all (a temporary file renamed into place)."""
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent if str(out.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
