"""JSON Lines articles (``.jsonl``, ``.jsonl.gz``, ``.ndjson``, standard input), one object
per line.

Lines are read through :func:`~wiretrace.ingest.streams.bounded_lines`: a line over
:data:`MAX_LINE_BYTES` is skipped without ever being held whole, and the lines after it are
read as usual. Each line is decoded by the one rule of :mod:`wiretrace.ingest.decode`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from wiretrace.ingest.decode import NUL_BYTES, decode_utf8
from wiretrace.ingest.fields import article_from_fields
from wiretrace.ingest.streams import LongLine, bounded_lines, read_file
from wiretrace.records import Article, Skipped

#: Lines longer than this are not parsed; shorter ones with long texts are cut to max_chars.
MAX_LINE_BYTES = 64 * 1024 * 1024
#: The name records read from standard input carry in their origin (``<stdin>:LINE``).
STDIN_NAME = "<stdin>"


def read_jsonl_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    return read_file(path, read_jsonl_stream)


def read_jsonl_stream(stream: BinaryIO, name: str) -> Iterator[Article | Skipped]:
    """The records of a buffered byte stream of JSON lines, named ``name:LINE``."""
    line_no = 0
    try:
        for line_no, line in enumerate(  # noqa: B007 - used after the loop
            bounded_lines(stream, MAX_LINE_BYTES), start=1
        ):
            origin = f"{name}:{line_no}"
            if isinstance(line, LongLine):
                yield Skipped(origin, f"line of {line.size} bytes is over {MAX_LINE_BYTES}")
            elif line.strip():
                yield record_from_line(line, origin)
    # a damaged gzip stream (or one over the ratio cap) raises one of these
    except (OSError, EOFError, zlib.error) as exc:
        yield Skipped(f"{name}:{line_no + 1}", f"unreadable from here on: {exc}")


def record_from_line(line: bytes, origin: str) -> Article | Skipped:
    """One JSON line's record."""
    if b"\x00" in line:
        return Skipped(origin, NUL_BYTES)
    note = None
    try:
        line.decode("utf-8")
        source: bytes | str = line
    except UnicodeDecodeError:
        source, note = decode_utf8(line)
    try:
        record = orjson.loads(source)
    except orjson.JSONDecodeError as exc:
        return Skipped(origin, f"malformed JSON: {exc}")
    got = article_from_fields(record, origin)
    if note and isinstance(got, Article):
        got.notes.append(note)
    return got
