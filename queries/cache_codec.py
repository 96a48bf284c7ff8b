"""What the shared cache keeps, as bytes that nothing has to unpickle: tagged JSON, with tables as Arrow IPC.

The cache is shared (a Redis several servers use, or files in the instance), so whatever reads it must not run
what it reads: a pickle can. An answer is written as JSON, its dates, decimals, tuples and non-text keys tagged,
its pandas frames as Arrow IPC streams (exact dtypes, dates and decimals kept), its series value by value, and
its dataclasses by name, rebuilt only when the name is one of `dataclasses_kept()` (the answers' own types). What
cannot be written so is not cached (`Uncacheable`): the question is computed each time, never answered wrongly.
"""
from __future__ import annotations

import base64
import dataclasses
import functools
import datetime as dt
import json
import zlib
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa

from access.scope import EntityRef

LEVEL = 1  # zlib: answers are repetitive JSON; level 1 keeps most of the saving for little time


class Uncacheable(TypeError):
    """A value the codec cannot write faithfully; it is then computed each time instead of cached."""


@functools.cache
def dataclasses_kept() -> dict:
    """The dataclasses an answer may hold, by the name written for them: nothing else is ever built from the
    cache. (Read when first needed: queries.performance, whose answers they are, imports the cache.)"""
    from queries import performance
    return {cls.__name__: cls for cls in (performance.Entity, performance.Heatmap, performance.IndicatorAcross,
                                          performance.Trend, performance.Story, EntityRef)}


def encode(value) -> bytes:
    return zlib.compress(json.dumps(_plain(value), separators=(",", ":"), allow_nan=True).encode(), LEVEL)


def decode(data: bytes):
    """The value `encode` wrote; ValueError for bytes it did not write (they are then treated as not cached)."""
    try:
        return _value(json.loads(zlib.decompress(data)))
    except (zlib.error, json.JSONDecodeError, KeyError, TypeError, pa.ArrowException) as exc:
        raise ValueError(f"not a cached answer: {exc}") from None


def _plain(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, np.generic):
        return _plain(value.item())
    if value is pd.NaT:
        return {"t": "nat"}
    if isinstance(value, pd.Timestamp):
        return {"t": "ts", "v": value.isoformat()}
    if isinstance(value, dt.datetime):
        return {"t": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"t": "date", "v": value.isoformat()}
    if isinstance(value, Decimal):
        return {"t": "dec", "v": str(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return {"t": "tuple", "v": [_plain(v) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, pd.DataFrame):  # the dtypes too: Arrow reads text back as str, not object
        return {"t": "frame", "v": _arrow(value), "dtypes": [str(d) for d in value.dtypes]}
    if isinstance(value, pd.Series):
        return {"t": "series", "name": _plain(value.name), "dtype": str(value.dtype),
                "index": [_plain(i) for i in value.index], "v": [_plain(v) for v in value.tolist()]}
    if dataclasses.is_dataclass(value) and dataclasses_kept().get(type(value).__name__) is type(value):
        return {"t": "dc", "cls": type(value).__name__,
                "v": {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    raise Uncacheable(f"the cache does not keep a {type(value).__name__}")


def _arrow(frame: pd.DataFrame) -> str:
    try:
        table = pa.Table.from_pandas(frame, preserve_index=True)
    except (pa.ArrowException, TypeError, ValueError) as exc:  # e.g. a column of mixed kinds
        raise Uncacheable(f"a table the cache cannot keep: {exc}") from None
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return base64.b64encode(sink.getvalue().to_pybytes()).decode("ascii")


def _frame(text: str) -> pd.DataFrame:
    with pa.ipc.open_stream(base64.b64decode(text)) as reader:
        table = reader.read_all()
    frame = table.to_pandas()
    for field in table.schema:  # Arrow hands lists back as arrays: as lists, as they were
        if pa.types.is_list(field.type) and field.name in frame.columns:
            frame[field.name] = [None if v is None else list(v) for v in frame[field.name]]
    return frame


def _value(plain):
    if isinstance(plain, list):
        return [_value(v) for v in plain]
    if not isinstance(plain, dict):
        return plain
    kind, v = plain["t"], plain.get("v")
    if kind == "nat":
        return pd.NaT
    if kind == "ts":
        return pd.Timestamp(v)
    if kind == "datetime":
        return dt.datetime.fromisoformat(v)
    if kind == "date":
        return dt.date.fromisoformat(v)
    if kind == "dec":
        return Decimal(v)
    if kind == "tuple":
        return tuple(_value(x) for x in v)
    if kind == "dict":
        return {_value(k): _value(x) for k, x in v}
    if kind == "frame":
        frame = _frame(v)
        for column, dtype in zip(list(frame.columns), plain["dtypes"]):
            if str(frame[column].dtype) != dtype:
                frame[column] = frame[column].astype(dtype)
        return frame
    if kind == "series":
        values = [_value(x) for x in v]
        dtype = None if plain["dtype"] == "object" else plain["dtype"]
        return pd.Series(values, index=[_value(i) for i in plain["index"]], name=_value(plain["name"]),
                         dtype=dtype)
    if kind == "dc":
        cls = dataclasses_kept()[plain["cls"]]  # a KeyError for any other name: not one of ours
        return cls(**{name: _value(x) for name, x in v.items()})
    raise KeyError(kind)
