"""WARC archives (``.warc``, ``.warc.gz``): HTTP 200 HTML responses become articles.

Read with warcio. Every WARC record is accounted for: a successful HTML
response is an article (id = its target URI, ``fetched`` = WARC-Date); every
other record (requests, metadata, warcinfo, redirects and errors, non-HTML
content, revisits) is a skipped record with its reason.

A damaged archive is noted where it is damaged, and its whole records are still read:

- a record whose content is shorter than its Content-Length says (the archive was cut, or
  the length is too large) is **cut short**: skipped, not read as a truncated article;
- a record not followed by the blank lines its Content-Length puts after it has a **length
  mismatch**: skipped (its text ends in the wrong place);
- a record whose content holds the start of another WARC record **swallowed** it (a
  Content-Length too large): skipped.

After a damaged record in an uncompressed archive, reading goes on from the next record
start after it (a swallowed record is read); in a ``.warc.gz`` each record is its own gzip
member, so the next member is read as usual. Bytes after the last record that are not a
record, or a record that cannot be parsed, make the archive **unreadable from there on**.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from wiretrace.ingest.html_page import MAX_PAGE_BYTES, article_from_html
from wiretrace.records import Article, Skipped

_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: The start of a WARC record: what a record's content must not hold.
_RECORD_START = re.compile(rb"\r\n\r\n(WARC/1\.[01]\r\n[A-Za-z-]+: )")
_CHUNK = 2**20


def _iterator(stream: BinaryIO):
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ImportError("WARC input needs warcio: pip install warcio") from exc

    class QuietIterator(ArchiveIterator):
        # warcio writes this to stderr when a record is not followed by its blank lines;
        # the reader accounts for it on the record instead (err_count still counts it).
        INC_RECORD = ""

    return QuietIterator(stream)


def read_warc_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        yield Skipped(str(path), f"cannot read file: {exc.strerror or exc}")
        return
    compressed = path.name.lower().endswith(".gz")
    with fh:
        size = fh.seek(0, 2)
        start: int | None = 0
        n = 0
        while start is not None:
            fh.seek(start)
            start, n = yield from _records(fh, str(path), n, compressed, size)


def _records(fh: BinaryIO, name: str, n: int, compressed: bool, size: int):
    """Yield the records from ``fh``'s position on, numbered after ``n``; return where to
    read on from (the next record start after a damaged record) or None, and the last
    number given."""
    try:
        records = _iterator(fh)
        errors = 0
        for record in records:
            n += 1
            origin = f"{name}#{n}"
            verdict, body = _response(record, origin)
            missing, swallowed = _drain(record, body)
            records.read_to_end()  # reads the blank lines after it: err_count counts a mismatch
            mismatch, errors = records.err_count > errors, records.err_count
            if not (missing or mismatch):
                yield verdict or _page(record, body, origin)
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            yield Skipped(
                origin, f"damaged WARC record: {_damage(record, missing, swallowed)}", uri
            )
            if not compressed:  # its end is in doubt: read on from the next record's start
                return _next_record_start(fh, records.get_record_offset() + 1), n
        end = records.offset
    except ImportError:  # resiliparse missing: not the archive's fault
        raise
    except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on a broken archive
        reason = f"{type(exc).__name__}: {exc}"
        yield Skipped(f"{name}#{n + 1}", f"damaged WARC, unreadable from here on: {reason}")
        return None, n
    if _not_blank(fh, end, size):
        yield Skipped(
            f"{name}#{n + 1}",
            f"damaged WARC, unreadable from here on: the {size - end} bytes after the last "
            "whole record are not a record (a cut archive?)",
        )
    return None, n


def _response(record, origin: str) -> tuple[Skipped | None, bytes | None]:
    """Why ``record`` is not an article (None for an HTML 200 response), and the body read
    (an HTML response's, at most one byte over the page cap)."""
    uri = record.rec_headers.get_header("WARC-Target-URI")
    kind = record.rec_type
    if kind != "response":
        return Skipped(origin, f"WARC {kind} record (not a response)", uri), None
    if record.http_headers is None:
        return Skipped(origin, "WARC response without an HTTP message", uri), None
    status = record.http_headers.get_statuscode()
    if status != "200":
        return Skipped(origin, f"HTTP status {status} (not 200)", uri), None
    ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if ctype not in _HTML_TYPES:
        return Skipped(origin, f"not HTML ({ctype or 'no content type'})", uri), None
    if not uri:
        return Skipped(origin, "WARC response without WARC-Target-URI"), None
    return None, record.content_stream().read(MAX_PAGE_BYTES + 1)


def _page(record, body: bytes | None, origin: str) -> Article | Skipped:
    uri = record.rec_headers.get_header("WARC-Target-URI")
    fetched = record.rec_headers.get_header("WARC-Date")
    return article_from_html(body or b"", uri, origin, url=uri, fetched=fetched)


def _drain(record, body: bytes | None) -> tuple[int, bool]:
    """Read the rest of ``record``, a chunk at a time; return how many of the bytes its
    Content-Length gives were not there, and whether it holds the start of another record."""
    swallowed = bool(body and _RECORD_START.search(body))
    before = body[-64:] if body else b""
    while chunk := record.raw_stream.read(_CHUNK):
        swallowed = swallowed or bool(_RECORD_START.search(before + chunk))
        before = chunk[-64:]
    return getattr(record.raw_stream, "limit", 0), swallowed


def _damage(record, missing: int, swallowed: bool) -> str:
    if swallowed:
        return "its Content-Length runs into the next record (swallowed it)"
    if missing:
        return f"cut short ({record.length - missing} of the {record.length} bytes it gives)"
    return "length mismatch (its Content-Length does not end where the record does)"


def _next_record_start(fh: BinaryIO, offset: int) -> int | None:
    """Where the first record start after ``offset`` is in ``fh`` (None: there is none)."""
    fh.seek(offset)
    before = b""
    while chunk := fh.read(_CHUNK):
        found = _RECORD_START.search(before + chunk)
        if found:
            return fh.tell() - len(chunk) - len(before) + found.start(1)
        before = chunk[-64:]
    return None


def _not_blank(fh: BinaryIO, start: int, size: int) -> bool:
    """Whether ``fh`` holds more than blank bytes from ``start`` to its end."""
    fh.seek(start)
    while start < size and (chunk := fh.read(_CHUNK)):
        if chunk.strip():
            return True
        start += len(chunk)
    return False
