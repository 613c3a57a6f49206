"""The dates benchmark (wiretrace_bench.dates) on AllSides' raw dates, in ../shared/data."""

from __future__ import annotations

from tests.helpers import DATA
from wiretrace_bench.datasets import allsides_articles
from wiretrace_bench.dates import compare


def test_allsides_raw_dates_read_as_their_curators_read_them():
    """AllSides' original date strings (ISO, ``M/D/YY``, bogus ``0001-11-30``) against the
    curated ISO dates: no date read disagrees, the ``M/D/YY`` ones ISO alone missed are read,
    and no URL-path date disagrees either. Fails (never skips) without ../shared."""
    assert DATA.exists(), f"{DATA} is missing: this test needs ../shared/data"
    counts = compare(list(allsides_articles(DATA)))
    assert not [key for key in counts if key[-1] == "another day"]
    assert counts[("date_raw", "not read", "read", "same day")] > 0  # M/D/YY
    assert counts[("date_raw", "ISO, read", "unreadable (noted)", "curated: none")] > 0  # year 1
    assert counts[("URL path", "not read", "URL date", "same day")] > 0
