"""CSV articles, with a header row naming the same columns as JSONL.

Read as a stream, a row at a time: a file's size does not matter, only a row's. A row (its
physical lines together, for a quoted field spanning several) over
:data:`~wiretrace.ingest.jsonl.MAX_LINE_BYTES` is skipped without being held whole, as a
JSONL line is; the CSV parser then goes on from the next line (inside a long quoted field it
may take some lines to find its feet again, each one accounted for). Each line is decoded
by the one rule of :mod:`wiretrace.ingest.decode`, and a row's notes are those of its lines.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from wiretrace.ingest.decode import NUL_BYTES, decode_utf8
from wiretrace.ingest.fields import article_from_fields
from wiretrace.ingest.jsonl import MAX_LINE_BYTES
from wiretrace.ingest.streams import LongLine, bounded_lines, read_file
from wiretrace.records import Article, Skipped

# Characters, which are at least as many as the bytes they came from: a row's byte cap
# (below) is what binds; this only stops the parser holding one field past it.
csv.field_size_limit(MAX_LINE_BYTES)


class _RowTooLong(Exception):
    def __init__(self, size: int):
        self.size = size


class _NulBytes(Exception):
    pass


class _Unreadable(Exception):
    """The stream itself failed (a damaged gzip, or one over the ratio cap)."""


class _Lines:
    """The decoded lines the CSV parser reads. A class, not a generator: it raises (a row
    over the cap, NUL bytes) and is read on from the next line, which a generator cannot."""

    def __init__(self, lines: Iterator[bytes | LongLine]):
        self._lines = lines
        self.line_no = 0
        self.row_bytes = 0
        self.notes: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.line_no += 1
        size = line.size if isinstance(line, LongLine) else len(line)
        self.row_bytes += size
        if self.row_bytes > MAX_LINE_BYTES or isinstance(line, LongLine):  # a LongLine is over it
            raise _RowTooLong(self.row_bytes)
        if b"\x00" in line:
            raise _NulBytes
        text, note = decode_utf8(line)
        if note:
            self.notes.append(note)
        return text

    def row_done(self) -> list[str]:
        """The notes of the row just read (or given up on); the next row starts afresh."""
        notes, self.notes, self.row_bytes = self.notes, [], 0
        return notes


def read_csv_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    return read_file(path, read_csv_stream)


def read_csv_stream(stream: BinaryIO, name: str) -> Iterator[Article | Skipped]:
    """The rows of a buffered byte stream of CSV (a header first), named ``name:LINE``."""
    lines = _Lines(bounded_lines(stream, MAX_LINE_BYTES))
    reader = csv.reader(lines)
    try:
        header = [h.strip().lower() for h in _row(reader)]
    except StopIteration:
        yield Skipped(name, "empty file")
        return
    except _Unreadable as exc:
        yield Skipped(name, f"unreadable: {exc}")
        return
    except (csv.Error, _RowTooLong, _NulBytes) as exc:
        yield Skipped(name, f"malformed CSV header: {_why(exc)}")
        return
    while True:
        origin = f"{name}:{lines.line_no + 1}"
        try:
            row = _row(reader)
        except StopIteration:
            return
        except _Unreadable as exc:
            yield Skipped(origin, f"unreadable from here on: {exc}")
            return
        except (csv.Error, _RowTooLong, _NulBytes) as exc:
            lines.row_done()
            yield Skipped(origin, _why(exc))
            continue
        notes = lines.row_done()
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Skipped(origin, f"row has {len(row)} fields, header has {len(header)}")
            continue
        record = article_from_fields(dict(zip(header, row, strict=True)), origin)
        if isinstance(record, Article):
            record.notes.extend(notes)
        yield record


def _row(reader) -> list[str]:
    try:
        return next(reader)
    except (OSError, EOFError, zlib.error) as exc:
        raise _Unreadable(str(exc)) from exc


def _why(exc: Exception) -> str:
    if isinstance(exc, _RowTooLong):
        return f"row of over {MAX_LINE_BYTES} bytes (at least {exc.size})"
    if isinstance(exc, _NulBytes):
        return NUL_BYTES
    return f"malformed CSV row: {exc}"
