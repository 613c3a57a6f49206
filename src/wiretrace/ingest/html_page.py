"""HTML pages to articles: the main text and metadata, by resiliparse.

resiliparse's main-content extraction keeps what trafilatura keeps, and lets
through as much chrome once the cleaning stage has run, several times faster
(``wiretrace bench html``, 500 AllSides texts in realistic page chrome: after
cleaning, recall 0.9820 / precision 0.9898 for resiliparse and 0.9820 / 0.9899
for trafilatura; with metadata, 810 vs 140 pages/s on one core; text alone,
5,276 vs 248).

The metadata news pages carry is read from the page head: title
(``og:title``, else the first ``<h1>``, else ``<title>``), author, publication
date, site name and canonical URL, from schema.org JSON-LD (``NewsArticle``)
first, then Open Graph / ``article:`` and common ``<meta>`` names, then
``<time datetime>``; of the dates, the first that reads as one (a page may carry an empty or
placeholder ``date`` meta beside a good JSON-LD date), read by :mod:`wiretrace.ingest.dates`
like every other input's. The chrome the extractor leaves ("Leave a comment", a
byline line) is taken out by the cleaning stage as for text inputs.

A page over :data:`MAX_PAGE_BYTES`, or nested deeper than
:data:`~wiretrace.ingest.html_depth.MAX_HTML_DEPTH` levels (the extraction's cost grows with
the depth of every element: see :mod:`wiretrace.ingest.html_depth`), is not parsed.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from wiretrace.ingest.dates import date_article, is_date
from wiretrace.ingest.decode import decode_utf8, looks_binary
from wiretrace.ingest.html_depth import MAX_HTML_DEPTH, nesting_depth
from wiretrace.records import Article, Skipped

#: Pages larger than this are not parsed (a crawl accident, not an article).
MAX_PAGE_BYTES = 20 * 1024 * 1024

_DATE_NAMES = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_AUTHOR_NAMES = ("author", "article:author", "dc.creator", "parsely-author", "byl")
_SITE_NAMES = ("og:site_name", "application-name")


class HtmlUnavailable(ImportError):
    """resiliparse is not installed."""


def _parse(raw: bytes) -> tuple[object, str | None]:
    """The parsed page, and the note on its decoding. A page in UTF-8 is decoded by the one
    rule of :mod:`wiretrace.ingest.decode` (resiliparse would drop its bad bytes unsaid);
    one in another encoding by resiliparse, in the encoding it detects."""
    try:
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
        from resiliparse.parse.html import HTMLTree
    except ImportError as exc:  # pragma: no cover - a dependency
        raise HtmlUnavailable("HTML input needs resiliparse: pip install resiliparse") from exc
    # None only without WHATWG remapping (on by default), which falls back to UTF-8 itself.
    encoding = detect_encoding(raw) or "utf-8"
    if codecs.lookup(encoding).name == "utf-8":
        text, note = decode_utf8(raw)
    else:
        text, note = bytes_to_str(raw, encoding), None
    return HTMLTree.parse(text), note


def _main_text(tree) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(tree, main_content=True) or ""


def _meta(tree) -> dict[str, str]:
    """Lower-cased meta name/property -> content (the first of each)."""
    found: dict[str, str] = {}
    for m in tree.document.query_selector_all("meta"):
        key = (m.getattr("property") or m.getattr("name") or m.getattr("itemprop") or "").lower()
        value = (m.getattr("content") or "").strip()
        if key and value and key not in found:
            found[key] = value
    return found


def _json_ld(tree) -> dict:
    """The first schema.org article object in the page's JSON-LD, if any."""
    for script in tree.document.query_selector_all('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith("Article") for k in kinds):
                return item
    return {}


def _name(value) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def page_metadata(tree, url: str | None = None) -> dict[str, str | None]:
    """title, author, published, source (site name), url (canonical, unless that is on
    another outlet's host than the given ``url``) and canonical (then, that other address)."""
    meta, ld = _meta(tree), _json_ld(tree)
    canonical = tree.document.query_selector('link[rel="canonical"]')
    declared = (canonical.getattr("href") if canonical else None) or meta.get("og:url")
    page_url = declared or url
    # A page found at one outlet whose canonical address is another outlet's is a reprint:
    # it keeps its own address, and the canonical one credits its source (provenance).
    elsewhere = declared if declared and url and _host(declared) != _host(url) else None
    if elsewhere:
        page_url = url
    h1 = tree.document.query_selector("h1")
    title = (
        _name(ld.get("headline"))
        or meta.get("og:title")
        or meta.get("twitter:title")
        or (h1.text.strip() if h1 and h1.text.strip() else None)
        or (tree.title or "").strip()
    )
    time_tag = tree.document.query_selector("time[datetime]")
    dates = [
        _name(ld.get("datePublished")),
        *(meta[k] for k in _DATE_NAMES if k in meta),
        time_tag.getattr("datetime") if time_tag else None,
    ]
    dates = [d for d in dates if d]
    published = next((d for d in dates if is_date(d)), dates[0] if dates else None)
    author = _name(ld.get("author")) or next((meta[k] for k in _AUTHOR_NAMES if k in meta), None)
    site = (
        _name(ld.get("publisher"))
        or next((meta[k] for k in _SITE_NAMES if k in meta), None)
        or (urlsplit(page_url).hostname if page_url else None)
    )
    return {
        "title": title or None,
        "author": author,
        "published": published,
        "source": site,
        "url": page_url,
        "canonical": elsewhere,
    }


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


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
    published, author). The date is read as every input's is (:func:`date_article`): the
    given one, else the page's, else one in the URL path.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if not raw.strip():
        return Skipped(origin, "empty HTML page", article_id)
    if len(raw) > MAX_PAGE_BYTES:
        return Skipped(
            origin, f"HTML page of {len(raw)} bytes is over {MAX_PAGE_BYTES}", article_id
        )
    if looks_binary(raw):
        return Skipped(origin, "binary content (NUL or control bytes), not HTML", article_id)
    if nesting_depth(raw) > MAX_HTML_DEPTH:
        return Skipped(
            origin,
            f"HTML nested over {MAX_HTML_DEPTH} levels deep (browsers build no deeper)",
            article_id,
        )
    try:
        tree, note = _parse(raw)
        body = _main_text(tree)
        if not body.strip():
            return Skipped(origin, "no main text found in the HTML page", article_id)
        found = page_metadata(tree, url)
    except HtmlUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken page must not stop the run
        return Skipped(origin, f"malformed HTML: {type(exc).__name__}: {exc}", article_id)
    given = {k: v for k, v in (fields or {}).items() if v}
    found.update(given)
    text = "\n\n".join(line.strip() for line in body.split("\n") if line.strip())
    article = Article(
        id=article_id,
        text=text,
        title=found["title"] or "",
        url=found["url"],
        source=found["source"],
        author=found["author"],
        fetched=fetched,
        origin=origin,
        notes=[note] if note else [],
        canonical=found.get("canonical"),
    )
    return date_article(article, found["published"])


def read_html_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    """One ``.html``/``.htm`` file: one article, its id the file name without extension."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PAGE_BYTES + 1)
    except OSError as exc:
        yield Skipped(str(path), f"cannot read file: {exc.strerror or exc}", path.stem)
        return
    yield article_from_html(data, path.stem, str(path))
