"""``wiretrace bench dates``: publication dates as found in the wild, read by
:mod:`wiretrace.ingest.dates`, against what the data set's curators made of them.

AllSides (Baly et al. 2020) keeps each article's original date string (``date_raw``: mostly
``YYYY-MM-DD``, some ``M/D/YY``, a few bogus values) beside a curated ISO ``date``. Each raw
date is read as a run reads a record's ``published`` and compared with the curated one; the
table also shows what :func:`wiretrace.records.timestamp` alone (ISO only, as wiretrace read
dates before) made of it. The URL paths are the second check: where an article has both a
curated date and a date in its URL path, the two should be the same day. Then the reading
time per date, on the raw values and on written, RFC 2822 and epoch forms.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from wiretrace.ingest.dates import date_in_url, given, read_date
from wiretrace.records import timestamp
from wiretrace_bench.datasets import MissingData, allsides_articles

#: Forms a feed or a scraper gives that are not ISO, for the reading time.
WRITTEN = (
    "Dec. 27, 2021 10:00 AM EST",
    "Mon, 27 Dec 2021 10:00:00 GMT",
    "27 December 2021",
    "1640599200",
)


def compare(rows: list[dict]) -> Counter:
    """Counts of (what ``timestamp`` alone made of ``date_raw``, what :func:`read_date`
    makes of it, how that compares with the curated ``date``), and of the URL-path dates
    against the curated ones."""
    counts: Counter = Counter()
    for r in rows:
        raw, curated = r.get("date_raw"), r.get("date")  # raw: a string or null
        reading = read_date(raw)
        before = "ISO, read" if timestamp(raw) is not None else "not read"
        if reading.published is None:
            now = "unreadable (noted)" if reading.note else "no date"
        else:
            now = "read, in the future (noted)" if reading.note else "read"
        if reading.published is None or curated is None:
            verdict = "curated: none" if curated is None else "curated: dated"
        else:
            verdict = "same day" if reading.published[:10] == curated else "another day"
        counts[("date_raw", before, now, verdict)] += 1
        in_url = date_in_url(r.get("url"))
        if in_url:
            now = "URL date" if given(raw) else "URL date, dates the record (noted)"
            if curated is None:
                verdict = "curated: none"
            else:
                verdict = "same day" if in_url == curated else "another day"
            counts[("URL path", "not read", now, verdict)] += 1
    return counts


def seconds_per_date(values: list) -> float:
    t = time.perf_counter()
    for v in values:
        read_date(v)
    return (time.perf_counter() - t) / max(len(values), 1)


def main(data_dir: Path, console: Console, n_articles: int | None = None) -> int:
    """The table and the reading times for the first ``n_articles`` (None: all)."""
    try:
        rows = list(allsides_articles(data_dir, n_articles))
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    counts = compare(rows)
    table = Table(title=f"dates of {len(rows):,} AllSides articles", header_style="bold")
    for col in ("date", "before (ISO only)", "now", "against the curated date", "articles"):
        table.add_column(col, justify="right" if col == "articles" else "left")
    for key, n in sorted(counts.items()):
        table.add_row(*key, f"{n:,}")
    console.print(table)
    raw = [r.get("date_raw") for r in rows]
    written = list(WRITTEN) * 2500
    console.print(
        f"reading time: {seconds_per_date(raw) * 1e6:.1f} µs a date over the raw values, "
        f"{seconds_per_date(written) * 1e6:.1f} µs over {len(written):,} written, RFC 2822 "
        "and epoch forms"
    )
    return 0
