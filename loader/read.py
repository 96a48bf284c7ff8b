"""Read an extract directory into text-only Arrow tables, each row tagged with its source line.

Every value is kept as written (ids keep their leading zeros); typing happens
in the validator, so that a bad value is reported rather than guessed at.
"""
from __future__ import annotations

import csv
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from loader.contract import BOOL, DATE, DATETIME, TABLES, Table
from loader.problems import Problem, Report

LINE = "_line"


@dataclass
class RawTable:
    table: Table
    file: str  # the file name as reported, e.g. "episodes.csv"
    data: pa.Table  # the contract's columns as strings, plus LINE


@dataclass
class Manifest:
    as_of: str | None = None
    agency: str | None = None


NUL_RULE = "holds a NUL character (byte 0), which no text field may: remove it from the extract"


def read_manifest(directory: Path, report: Report) -> Manifest:
    path = directory / "manifest.json"
    if not path.exists():
        return Manifest()
    if not _regular(path, "manifest", report):
        return Manifest()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.add("manifest", [Problem("manifest.json", None, None, None,
                                        f"is not valid UTF-8 JSON ({exc})")])
        return Manifest()
    if not isinstance(raw, dict):
        report.add("manifest", [Problem("manifest.json", None, None, None,
                                        'must be a JSON object like {"as_of": "YYYY-MM-DD", "agency": "..."}')])
        return Manifest()
    found = []
    as_of, agency = raw.get("as_of"), raw.get("agency")
    if as_of is not None and not (isinstance(as_of, str) and _is_date(as_of)):
        found.append(Problem("manifest.json", None, "as_of", str(as_of), "must be a date YYYY-MM-DD"))
        as_of = None
    if agency is not None and not isinstance(agency, str):
        found.append(Problem("manifest.json", None, "agency", str(agency), "must be a string"))
        agency = None
    if agency is not None and "\x00" in agency:
        found.append(Problem("manifest.json", None, "agency", agency, NUL_RULE))
        agency = None
    report.add("manifest", found)
    return Manifest(as_of=as_of, agency=agency)


def _is_date(text: str) -> bool:
    import datetime as dt
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_extract(directory: Path, report: Report) -> dict[str, RawTable]:
    """Read every contract table found in `directory`; structural problems go to `report`."""
    tables: dict[str, RawTable] = {}
    for table in TABLES:
        csv_path, parquet_path = directory / f"{table.name}.csv", directory / f"{table.name}.parquet"
        if csv_path.exists() and parquet_path.exists():
            report.add(table.name, [Problem(f"{table.name}.csv", None, None, None,
                                            f"both {table.name}.csv and {table.name}.parquet are present; "
                                            "keep exactly one")])
            continue
        if csv_path.exists():
            raw = _read_csv(csv_path, table, report) if _regular(csv_path, table.name, report) else None
        elif parquet_path.exists():
            raw = _read_parquet(parquet_path, table, report) if _regular(parquet_path, table.name, report) else None
        elif table.optional:
            continue  # loaded with no rows (loader.validate.build_tables)
        else:
            report.add(table.name, [Problem(f"{table.name}.csv", None, None, None,
                                            f"file is missing: the extract needs {table.name}.csv "
                                            f"or {table.name}.parquet")])
            continue
        if raw is not None:
            tables[table.name] = raw
    return tables


def _regular(path: Path, table: str, report: Report) -> bool:
    """Whether `path` is a regular file (or a link to one); if not, the problem goes to `report`.

    Checked before the file is opened: opening a named pipe blocks until something writes to it, which
    would hang the load for ever, and a device can be endless.
    """
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return True
    kind = ("a directory" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a special file")
    report.add(table, [Problem(path.name, None, None, None,
                               f"is {kind}, not a regular file: an extract is a folder of plain files; "
                               "copy the data into a file and load again")])
    return False


def _missing_columns(table: Table, file: str, present: list[str], report: Report) -> bool:
    missing = [c.name for c in table.columns if c.name not in present and not c.optional]
    if missing:
        report.add(table.name, [Problem(file, 1 if file.endswith(".csv") else None, name, None,
                                        "required column is missing from the header")
                                for name in missing])
    return bool(missing)


def _read_csv(path: Path, table: Table, report: Report) -> RawTable | None:
    file = path.name
    with path.open("rb") as fh:
        head = fh.readline()
    if not head.strip():
        report.add(table.name, [Problem(file, None, None, None,
                                        "file is empty: it needs a header row naming its columns")])
        return None
    try:
        header = next(csv.reader([head.decode("utf-8-sig").rstrip("\r\n")]))
    except UnicodeDecodeError:
        report.add(table.name, [Problem(file, 1, None, None, "header is not valid UTF-8")])
        return None
    if _missing_columns(table, file, header, report):
        return None
    names = [c.name for c in table.columns if c.name in header]
    try:
        data = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                include_columns=names,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        report.add(table.name, [Problem(file, None, None, None,
                                        f"cannot be read as UTF-8 CSV with a header row: {_arrow_reason(exc)}")])
        return None
    lines = _record_lines(path, data)
    data = _with_every_column(data, table)
    return RawTable(table, file, data.append_column(LINE, pa.array(lines, pa.int64())))


def _with_every_column(data: pa.Table, table: Table) -> pa.Table:
    """`data` with the contract's columns in order, an optional column the file leaves out as all NULL."""
    return pa.Table.from_arrays(
        [data.column(c.name) if c.name in data.column_names else pa.nulls(data.num_rows, pa.string())
         for c in table.columns],
        names=[c.name for c in table.columns])


def _arrow_reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0]
    return text.removeprefix("CSV parse error: ")


def _record_lines(path: Path, data: pa.Table) -> list[int] | pa.Array:
    """The physical line on which each record starts (the header is line 1)."""
    multiline = any(
        pc.any(pc.match_substring_regex(col, r"[\r\n]")).as_py()
        for col in data.columns
    )
    if not multiline:
        return pa.array(range(2, data.num_rows + 2), pa.int64())
    # Rare: a quoted value spans lines, so count them exactly.
    starts, line = [], 1
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        next(reader)
        line = reader.line_num + 1
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    return starts


def _read_parquet(path: Path, table: Table, report: Report) -> RawTable | None:
    file = path.name
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as exc:
        report.add(table.name, [Problem(file, None, None, None, f"cannot be read as Parquet: {exc}")])
        return None
    if _missing_columns(table, file, schema.names, report):
        return None
    data = pq.read_table(path, columns=[c.name for c in table.columns if c.name in schema.names])
    columns, found = [], []
    for column in table.columns:
        if column.name not in data.column_names:  # an optional column left out: every value NULL
            columns.append(pa.chunked_array([pa.nulls(data.num_rows, pa.string())]))
            continue
        converted = _parquet_as_text(data.column(column.name), column.type)
        if isinstance(converted, str):
            found.append(Problem(file, None, column.name, None, converted))
        else:
            columns.append(converted)
    if found:
        report.add(table.name, found)
        return None
    names = [c.name for c in table.columns] + [LINE]
    columns.append(pa.array(range(1, data.num_rows + 1), pa.int64()))
    return RawTable(table, file, pa.Table.from_arrays(columns, names=names))


def _parquet_as_text(values: pa.ChunkedArray, kind: str) -> pa.ChunkedArray | str:
    """The column as contract text, or the reason its Parquet type cannot hold the column."""
    typ = values.type
    if pa.types.is_dictionary(typ):
        values = values.cast(typ.value_type)
        typ = values.type
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        # As in CSV, an empty value is NULL.
        text = values.cast(pa.string())
        return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    if kind == DATE and pa.types.is_date(typ):
        return pc.strftime(values, format="%Y-%m-%d")
    if kind == DATETIME and pa.types.is_timestamp(typ):
        if typ.tz is not None:
            return (f"is a time-zoned timestamp ({typ.tz}); datetimes must be naive local "
                    "clock time, stored as written")
        # Arrow writes a millisecond or finer timestamp's %S with its fraction ("00.000000"), which the
        # contract's datetime does not have: whole seconds are written as such, and a real fraction of a
        # second is kept, for the datetime rule to refuse on its row.
        whole = values.cast(pa.timestamp("s"), safe=False)
        exact = pc.equal(whole.cast(typ), values)
        return pc.if_else(exact, pc.strftime(whole, format="%Y-%m-%dT%H:%M:%S"),
                          pc.strftime(values, format="%Y-%m-%dT%H:%M:%S"))
    if kind == BOOL and pa.types.is_boolean(typ):
        return pc.if_else(values, "true", "false")
    return (f"has Parquet type {typ}; it must be a string column"
            + (" or a date" if kind == DATE else "")
            + (" or a timestamp without time zone" if kind == DATETIME else "")
            + (" or a boolean" if kind == BOOL else "")
            + " (ids are strings, so that leading zeros survive)")
