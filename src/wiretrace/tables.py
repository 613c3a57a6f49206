"""Tables of rows (plain dicts) as files: JSON Lines, Parquet or CSV.

One module writes and reads every table wiretrace gives out (the output folder of a
run, the corpus and drop list of ``dedup``), so the three formats follow one set of
rules (docs/outputs.md, "Formats"):

* **JSONL** (``.jsonl``, ``.jsonl.gz``) is the reference: one JSON object per line,
  written as the rows come (a large table is never held whole).
* **Parquet** (pyarrow): a column is written in Arrow's own types (lists, structs,
  numbers, booleans) when those give its values back unchanged; a column they cannot
  (values of different types, objects whose keys differ from row to row, such as a
  relation's ``views``) is written as JSON text and named in the file's metadata
  (``wiretrace.json_columns``), so reading it back gives the same values. A data team's
  tools see ``evidence`` as a list of structs, not as text to parse.
* **CSV**: one column per field (every field any row has, in order of first
  appearance); text as it is, null as an empty cell, and every other value (numbers,
  booleans, lists, objects) as its JSON. CSV cannot say which cells are JSON: the reader
  is told (``json_columns``); a text cell left empty reads back as null.

Parquet and CSV hold the table in memory while writing it (a column's type is known only
once all of it is seen); JSONL does not.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import orjson

#: The formats of ``wiretrace run --format``, with their file suffix.
FORMATS = {"jsonl": ".jsonl", "parquet": ".parquet", "csv": ".csv"}
#: Parquet metadata key naming the columns written as JSON text.
JSON_COLUMNS_KEY = b"wiretrace.json_columns"


class TableFormatError(ValueError):
    """A file name whose format wiretrace does not write or read."""


def table_format(path: str | Path) -> str:
    """``jsonl`` (for ``.jsonl`` and ``.jsonl.gz``), ``parquet`` or ``csv``, by the name."""
    name = str(path).lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".csv"):
        return "csv"
    raise TableFormatError(f"{path}: not .jsonl, .jsonl.gz, .parquet or .csv")


def write_table(path: str | Path, rows: Iterable[dict]) -> Path:
    """Write ``rows`` to ``path`` in the format its name says; return the path."""
    path = Path(path)
    fmt = table_format(path)
    if fmt == "jsonl":
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "wb") as fh:
            for row in rows:
                fh.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
    elif fmt == "parquet":
        _write_parquet(path, list(rows))
    else:
        _write_csv(path, list(rows))
    return path


def read_table(path: str | Path, json_columns: Collection[str] = ()) -> list[dict]:
    """The rows of a table written by :func:`write_table` (``json_columns``: for CSV, the
    columns whose cells hold JSON)."""
    path = Path(path)
    fmt = table_format(path)
    if fmt == "jsonl":
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as fh:
            return [orjson.loads(line) for line in fh if line.strip()]
    if fmt == "parquet":
        return _read_parquet(path)
    return _read_csv(path, json_columns)


def _columns(rows: list[dict]) -> list[str]:
    """Every field of ``rows``, in order of first appearance."""
    return list(dict.fromkeys(k for row in rows for k in row))


def _json_text(value) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _write_parquet(path: Path, rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays, as_json = {}, []
    for name in _columns(rows):
        values = [row.get(name) for row in rows]
        if all(v is None for v in values):
            arrays[name] = pa.nulls(len(values), pa.string())
            continue
        try:
            native = pa.array(values)
            # A struct takes every key any row has: a row lacking one would read back with
            # it null, so such a column is not given back unchanged.
            same = native.to_pylist() == values
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            native, same = None, False
        if same:
            arrays[name] = native
        else:
            arrays[name] = pa.array([_json_text(v) for v in values], pa.string())
            as_json.append(name)
    table = pa.table(arrays)
    table = table.replace_schema_metadata({JSON_COLUMNS_KEY: orjson.dumps(as_json)})
    pq.write_table(table, path)


def _read_parquet(path: Path) -> list[dict]:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = table.schema.metadata or {}
    as_json = set(orjson.loads(meta.get(JSON_COLUMNS_KEY, b"[]")))
    rows = table.to_pylist()
    for row in rows:
        for name in as_json:
            if row.get(name) is not None:
                row[name] = orjson.loads(row[name])
    return rows


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def _write_csv(path: Path, rows: list[dict]) -> None:
    columns = _columns(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(columns)
        for row in rows:
            out.writerow([_csv_cell(row.get(name)) for name in columns])


def _read_csv(path: Path, json_columns: Collection[str]) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    rows = []
    for cells in reader:
        row: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            if cell == "":
                row[name] = None
            elif name in json_columns:
                row[name] = orjson.loads(cell)
            else:
                row[name] = cell
        rows.append(row)
    return rows
