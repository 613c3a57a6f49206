"""WARC archives (``.warc``, ``.warc.gz``): HTTP 200 HTML responses become articles.

Read with warcio. Every WARC record is accounted for: a successful HTML
response is an article (id = its target URI, ``fetched`` = WARC-Date); every
other record (requests, metadata, warcinfo, redirects and errors, non-HTML
content, revisits) is a skipped record with its reason, and a damaged archive
is reported from the point where it could no longer be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from wiretrace.ingest.html_page import MAX_PAGE_BYTES, article_from_html
from wiretrace.records import Article, Skipped

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ImportError("WARC input needs warcio: pip install warcio") from exc
    n = 0
    try:
        with open(path, "rb") as fh:
            for n, record in enumerate(ArchiveIterator(fh), start=1):  # noqa: B007
                yield _article(record, f"{path}#{n}")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield Skipped(f"{path}#{n + 1}", f"damaged WARC, unreadable from here on: {exc}")


def _article(record, origin: str) -> Article | Skipped:
    uri = record.rec_headers.get_header("WARC-Target-URI")
    kind = record.rec_type
    if kind != "response":
        return Skipped(origin, f"WARC {kind} record (not a response)", uri)
    if record.http_headers is None:
        return Skipped(origin, "WARC response without an HTTP message", uri)
    status = record.http_headers.get_statuscode()
    if status != "200":
        return Skipped(origin, f"HTTP status {status} (not 200)", uri)
    ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if ctype not in _HTML_TYPES:
        return Skipped(origin, f"not HTML ({ctype or 'no content type'})", uri)
    if not uri:
        return Skipped(origin, "WARC response without WARC-Target-URI")
    body = record.content_stream().read(MAX_PAGE_BYTES + 1)
    return article_from_html(
        body, uri, origin, url=uri, fetched=record.rec_headers.get_header("WARC-Date")
    )
