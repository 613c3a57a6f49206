"""CSV articles, with a header row naming the same columns as JSONL."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from wiretrace.ingest.decode import DecodeError, decode_text
from wiretrace.ingest.fields import article_from_fields
from wiretrace.ingest.jsonl import open_maybe_gzip
from wiretrace.records import Article, Skipped

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    try:
        with open_maybe_gzip(path) as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:
        yield Skipped(str(path), f"cannot read file: {exc}")
        return
    try:
        text, _note = decode_text(data)
    except DecodeError as exc:
        yield Skipped(str(path), str(exc))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        yield Skipped(str(path), "empty file")
        return
    except csv.Error as exc:
        yield Skipped(str(path), f"malformed CSV header: {exc}")
        return
    while True:
        origin = f"{path}:{reader.line_num + 1}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Skipped(origin, f"malformed CSV row: {exc}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Skipped(origin, f"row has {len(row)} fields, header has {len(header)}")
            continue
        yield article_from_fields(dict(zip(header, row, strict=True)), origin)
