"""Plain-text articles: one ``.txt`` file per article.

The id is the file name without its extension; the title is the first line of
the text that is not site chrome (found by the cleaning stage). A text has no date
field, but a saved page often keeps its date on a line of its own near the top
("December 27, 2021", "Published: Mon, 27 Dec 2021 10:00 GMT"): that line is read
as the date (:func:`wiretrace.ingest.dates.date_line`) and stays in the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from wiretrace.ingest.dates import date_article, date_line
from wiretrace.ingest.decode import DecodeError, decode_text
from wiretrace.records import Article, Skipped


def read_text_file(path: Path, max_chars: int) -> Iterator[Article | Skipped]:
    origin = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_chars * 4 + 4)
            truncated_bytes = bool(fh.read(1))
    except OSError as exc:
        yield Skipped(origin, f"cannot read file: {exc.strerror or exc}", path.stem)
        return
    if not data.strip():
        yield Skipped(origin, "empty file", path.stem)
        return
    try:
        text, note = decode_text(data)
    except DecodeError as exc:
        yield Skipped(origin, str(exc), path.stem)
        return
    article = Article(id=path.stem, text=text, origin=origin, title_in_text=True)
    if note:
        article.notes.append(note)
    if truncated_bytes:
        article.notes.append(f"file larger than {max_chars * 4} bytes; read only its start")
    yield date_article(article, date_line(text))
