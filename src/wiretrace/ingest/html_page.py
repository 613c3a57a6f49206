"""HTML pages to articles: the main text and metadata, by trafilatura.

trafilatura (the main-text extractor that measured best on our pages, see
``wiretrace bench html``) finds the article body and reads the metadata a
news page carries: title, author, publication date, site name and canonical
URL. It leaves some chrome inside the body (a "Read more" line, a photo
credit); the cleaning stage takes those out as it does for text inputs.

Paragraphs come out one per line; they are separated by a blank line here,
since cleaning joins single line breaks (hard wraps) inside a paragraph.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

from wiretrace.ingest.decode import looks_binary
from wiretrace.records import Article, Skipped

#: Pages larger than this are not parsed (a crawl accident, not an article).
MAX_PAGE_BYTES = 20 * 1024 * 1024
_DATE_PARAMS = {"extensive_search": True, "original_date": True,
                "outputformat": "%Y-%m-%dT%H:%M:%S"}


class HtmlUnavailable(ImportError):
    """trafilatura is not installed."""


def _extract(data: bytes | str, url: str | None):
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - a dependency
        raise HtmlUnavailable("HTML input needs trafilatura: pip install trafilatura") from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lxml's FutureWarnings from inside trafilatura
        return trafilatura.bare_extraction(
            data, url=url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params=_DATE_PARAMS,
        )


def article_from_html(
    data: bytes | str,
    article_id: str,
    origin: str,
    url: str | None = None,
    fetched: str | None = None,
    fields: dict | None = None,
) -> Article | Skipped:
    """The article in one HTML page, or why there is none.

    ``fields`` (from a JSONL record) override what the page says (title, url, source,
    published, author).
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if not raw.strip():
        return Skipped(origin, "empty HTML page", article_id)
    if len(raw) > MAX_PAGE_BYTES:
        return Skipped(origin, f"HTML page of {len(raw)} bytes is over {MAX_PAGE_BYTES}",
                       article_id)
    if looks_binary(raw):
        return Skipped(origin, "binary content (NUL or control bytes), not HTML", article_id)
    try:
        doc = _extract(raw, url)
    except HtmlUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken page must not stop the run
        return Skipped(origin, f"malformed HTML: {type(exc).__name__}: {exc}", article_id)
    if doc is None or not (doc.text or "").strip():
        return Skipped(origin, "no main text found in the HTML page", article_id)
    given = fields or {}
    text = "\n\n".join(line for line in doc.text.split("\n") if line.strip())
    return Article(
        id=article_id,
        text=text,
        title=given.get("title") or doc.title or "",
        url=given.get("url") or doc.url or url,
        source=given.get("source") or doc.sitename or doc.hostname,
        published=given.get("published") or doc.date,
        author=given.get("author") or doc.author,
        fetched=fetched,
        origin=origin,
    )


def read_html_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    """One ``.html``/``.htm`` file: one article, its id the file name without extension."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PAGE_BYTES + 1)
    except OSError as exc:
        yield Skipped(str(path), f"cannot read file: {exc.strerror or exc}", path.stem)
        return
    yield article_from_html(data, path.stem, str(path))
