"""JSON Lines articles (``.jsonl`` or ``.jsonl.gz``), one object per line."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

import orjson

from wiretrace.ingest.fields import article_from_fields
from wiretrace.records import Article, Skipped

#: Lines longer than this are not parsed; shorter ones with long texts are cut to max_chars.
MAX_LINE_BYTES = 64 * 1024 * 1024


def open_maybe_gzip(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def read_jsonl_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    line_no = 0
    try:
        with open_maybe_gzip(path) as fh:
            for line_no, raw in enumerate(fh, start=1):  # noqa: B007 - used after the loop
                origin = f"{path}:{line_no}"
                if not raw.strip():
                    continue
                if len(raw) > MAX_LINE_BYTES:
                    yield Skipped(origin, f"line of {len(raw)} bytes is over {MAX_LINE_BYTES}")
                    continue
                try:
                    record = orjson.loads(raw)
                except orjson.JSONDecodeError as exc:
                    yield Skipped(origin, f"malformed JSON: {exc}")
                    continue
                yield article_from_fields(record, origin)
    except (OSError, EOFError, zlib.error) as exc:
        yield Skipped(f"{path}:{line_no + 1}", f"unreadable from here on: {exc}")
