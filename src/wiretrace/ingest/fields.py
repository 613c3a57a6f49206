"""Turning one structured record (a JSON object or a CSV row) into an Article.

JSONL and CSV inputs share their columns: ``id``, ``text`` (or ``html``: a whole
page, whose main text is extracted), and optional ``title``, ``url``,
``source``, ``published``, ``author``. The same checks apply to both. A record
with a title may have no ``text`` (a headline feed): it becomes a short record.
``published`` (or ``date``) may be in any form :mod:`wiretrace.ingest.dates` reads,
a string or a number; it is written as ISO 8601, and one that cannot be read is noted.

Tables (Parquet, read by the default engine and by Spark) have the same columns; their
rows go through :func:`row_fields` first, so both engines read a table alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from wiretrace.ingest.dates import date_article
from wiretrace.records import Article, Skipped

OPTIONAL_FIELDS = ("title", "url", "source", "published", "author")
#: Common alternative column names, mapped to ours.
ALIASES = {"date": "published", "body": "text", "content": "text", "headline": "title"}


#: The columns a table row is read from (the others are passed over unread).
COLUMNS = ("id", "text", "html", *OPTIONAL_FIELDS, *ALIASES)


def row_fields(row: Mapping[str, object]) -> dict[str, object]:
    """A table row's values as JSONL gives them: a date or timestamp column as ISO 8601
    (a timestamp without a zone stays without one; :mod:`wiretrace.ingest.dates` reads
    it as given)."""
    return {
        name: value.isoformat() if isinstance(value, date | datetime) else value
        for name, value in row.items()
    }


def article_from_fields(record: object, origin: str) -> Article | Skipped:
    if not isinstance(record, dict):
        return Skipped(origin, f"record is a {type(record).__name__}, not an object")
    data = dict(record)
    for alias, name in ALIASES.items():
        if name not in data and alias in data:
            data[name] = data[alias]
    raw_id = data.get("id")
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        return Skipped(origin, "missing 'id'")
    if not isinstance(raw_id, str | int):
        return Skipped(origin, f"'id' is a {type(raw_id).__name__}, not a string")
    article_id = str(raw_id).strip()
    text = data.get("text")
    values = {}
    for name in OPTIONAL_FIELDS:
        value = data.get(name)
        values[name] = None if value in (None, "") else str(value)
    if text is None and isinstance(data.get("html"), str):
        from wiretrace.ingest.html_page import article_from_html

        # The page's reader dates the article: the record's date, else the page's.
        return article_from_html(data["html"], article_id, origin, url=values["url"], fields=values)
    titled = bool(values["title"] and values["title"].strip())
    if text is None and titled:
        # A headline-feed or RSS item: a title and no body. The run keeps it as a short
        # record (see wiretrace.clean.article.too_short_reason); without a title, skipped.
        text = ""
    if not isinstance(text, str):
        reason = "missing 'text'" if text is None else f"'text' is a {type(text).__name__}"
        return Skipped(origin, reason, article_id)
    if "\x00" in text:
        return Skipped(origin, "binary content (NUL characters) in 'text'", article_id)
    if not text.strip() and not titled:
        return Skipped(origin, "empty 'text'", article_id)
    article = Article(
        id=article_id,
        text=text,
        title=values["title"] or "",
        url=values["url"],
        source=values["source"],
        author=values["author"],
        origin=origin,
    )
    return date_article(article, data.get("published"))
