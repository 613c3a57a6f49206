"""Dates in every form the inputs give them, written as ISO 8601 (wiretrace.ingest.dates),
through every reader and a whole run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from tests.helpers import DEMO
from wiretrace.accounting import Accounting
from wiretrace.cli import main as cli
from wiretrace.ingest import read_inputs
from wiretrace.ingest.dates import DATE_NOTES, date_in_url, date_line, read_date
from wiretrace.records import Article, Skipped, timestamp
from wiretrace.trace.original import time_span

#: The run's clock in these tests (the future-date rule is relative to it).
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _utc(*when: int) -> float:
    """Epoch seconds of a UTC time: the expected value, computed without the module."""
    return datetime(*when, tzinfo=UTC).timestamp()


# given, written, the time wiretrace.records.timestamp reads back from what is written
FORMS = [
    # RFC 2822 (RSS pubDate, HTTP headers)
    ("Mon, 27 Dec 2021 10:00:00 GMT", "2021-12-27T10:00:00+00:00", _utc(2021, 12, 27, 10)),
    ("Mon, 27 Dec 2021 10:00:00 +0100", "2021-12-27T10:00:00+01:00", _utc(2021, 12, 27, 9)),
    ("27 Dec 2021 10:00 EST", "2021-12-27T10:00-05:00", _utc(2021, 12, 27, 15)),
    ("Mon, 27 Dec 2021 10:00:00 -0000", "2021-12-27T10:00:00", _utc(2021, 12, 27, 10)),
    ("Mon, 27 Dec 2021 10:00:00 CET", "2021-12-27T10:00:00+01:00", _utc(2021, 12, 27, 9)),
    # written forms
    ("December 27, 2021", "2021-12-27", _utc(2021, 12, 27)),
    ("27 December 2021", "2021-12-27", _utc(2021, 12, 27)),
    ("27th December 2021", "2021-12-27", _utc(2021, 12, 27)),
    ("Monday, December 27, 2021", "2021-12-27", _utc(2021, 12, 27)),
    ("Dec. 27, 2021 10:00 AM EST", "2021-12-27T10:00-05:00", _utc(2021, 12, 27, 15)),
    ("Sept. 5, 2021 4:30 p.m.", "2021-09-05T16:30", _utc(2021, 9, 5, 16, 30)),
    ("Dec. 27, 2021 10:00 a.m. ET", "2021-12-27T10:00-05:00", _utc(2021, 12, 27, 15)),
    ("June 27, 2021 10:00 AM ET", "2021-06-27T10:00-04:00", _utc(2021, 6, 27, 14)),
    ("2021-12-27 10:00 GMT+3", "2021-12-27T10:00+03:00", _utc(2021, 12, 27, 7)),
    ("Published: December 27, 2021", "2021-12-27", _utc(2021, 12, 27)),
    ("Dec 27, 2021 10:00:30 AM", "2021-12-27T10:00:30", _utc(2021, 12, 27, 10, 0, 30)),
    ("2021/12/27", "2021-12-27", _utc(2021, 12, 27)),
    ("12/27/2021", "2021-12-27", _utc(2021, 12, 27)),
    # day and month: month first unless the first number cannot be a month; dots day first
    ("03/04/2021", "2021-03-04", _utc(2021, 3, 4)),
    ("13/04/2021", "2021-04-13", _utc(2021, 4, 13)),
    ("03.04.2021", "2021-04-03", _utc(2021, 4, 3)),
    # a two-digit year in an all-numeric date (AllSides' "7/11/16"): POSIX %y
    ("7/11/16", "2016-07-11", _utc(2016, 7, 11)),
    ("12/27/95 10:00 AM EST", "1995-12-27T10:00-05:00", _utc(1995, 12, 27, 15)),
    # epoch seconds and milliseconds, numbers or numeric strings
    (1640599200, "2021-12-27T10:00:00+00:00", _utc(2021, 12, 27, 10)),
    ("1640599200", "2021-12-27T10:00:00+00:00", _utc(2021, 12, 27, 10)),
    (1640599200123, "2021-12-27T10:00:00.123000+00:00", _utc(2021, 12, 27, 10) + 0.123),
    ("1640599200000", "2021-12-27T10:00:00+00:00", _utc(2021, 12, 27, 10)),
    (1640599200.5, "2021-12-27T10:00:00.500000+00:00", _utc(2021, 12, 27, 10) + 0.5),
    # ISO 8601, with and without an offset; the basic form
    ("2021-12-27T10:00:00Z", "2021-12-27T10:00:00+00:00", _utc(2021, 12, 27, 10)),
    ("2021-12-27T10:00:00-05:00", "2021-12-27T10:00:00-05:00", _utc(2021, 12, 27, 15)),
    ("2021-12-27T10:00:00+0530", "2021-12-27T10:00:00+05:30", _utc(2021, 12, 27, 4, 30)),
    ("2021-12-27T10:00:00", "2021-12-27T10:00:00", _utc(2021, 12, 27, 10)),
    ("2021-12-27T10:00Z", "2021-12-27T10:00+00:00", _utc(2021, 12, 27, 10)),
    ("2021-12-27", "2021-12-27", _utc(2021, 12, 27)),
    ("20211227", "2021-12-27", _utc(2021, 12, 27)),
    (20211227, "2021-12-27", _utc(2021, 12, 27)),
    ("  2021-12-27T10:00:00GMT ", "2021-12-27T10:00:00+00:00", _utc(2021, 12, 27, 10)),
]


@pytest.mark.parametrize(("given", "written", "seconds"), FORMS)
def test_each_form_is_written_as_iso_that_timestamp_reads(given, written, seconds):
    reading = read_date(given, NOW)
    assert reading.published == written
    assert reading.note is None
    assert timestamp(reading.published) == pytest.approx(seconds, abs=1e-6)


NOT_DATES = [
    ("May", "no four-digit year"),  # dateutil alone would make it 1 May of this year
    ("2021", "a number, not a date"),
    ("12/27", "no four-digit year"),
    ("Dec 27, 21", "no four-digit year"),  # 21 may be the day: a two-digit year only in numbers
    ("1 2 3", "no four-digit year"),  # dateutil alone reads 2003-01-02
    ("May 2021", "not a whole date"),
    ("Russia says talks will begin on January 9, 2022", "not a date"),  # a headline
    ("Updated Dec 27, 2021", "not a date"),
    ("December 32, 2021", "not a date"),
    ("Dec 27 2021 10:00 IST", "time zone 'IST' is not one wiretrace knows"),
    ("Dec 27 2021 10:00 EST+2", "time zone 'EST' with an offset"),
    (True, "a bool, not a date"),
    (["2021-12-27"], "a list, not a date"),
    (float("nan"), "not a finite number"),
    (1e20, "out of the range of epoch times"),
    # before 1990: epoch 0 and other defaults, or a date in the story
    (0, "a number, not a date: as epoch time it is 1970-01-01"),
    ("1970-01-01T00:00:00Z", "before 1990"),
    ("June 5, 1985", "before 1990"),
    ("12/27/85", "before 1990"),
]


@pytest.mark.parametrize(("given", "why"), NOT_DATES)
def test_what_does_not_read_is_undated_with_a_note_keeping_it(given, why):
    reading = read_date(given, NOW)
    assert reading.published is None
    assert reading.note.startswith(f"unreadable date: {given!r} (")
    assert why in reading.note


@pytest.mark.parametrize(
    ("given", "seconds"),
    [
        ("December 27, 2021", 86400.0),
        ("Dec. 27, 2021 10:00 AM EST", 60.0),
        ("27 Dec 2021 10:00 EST", 60.0),
        ("2021-12-27T10:00Z", 60.0),
        ("Mon, 27 Dec 2021 10:00:00 GMT", 1.0),
        ("Dec 27, 2021 10:00:30 AM", 1.0),
        (1640599200, 1.0),
    ],
)
def test_what_is_written_is_as_precise_as_what_was_given(given, seconds):
    """Provenance reads the precision of ``published`` (a date alone spans its day): the
    reader must not write seconds, or a midnight, the source never gave."""
    start, end = time_span(read_date(given, NOW).published)
    assert end - start == seconds


def test_no_date_is_neither_a_date_nor_a_note():
    for given in (None, "", "   "):
        assert read_date(given, NOW).published is None and read_date(given, NOW).note is None


def test_a_date_in_the_future_is_kept_with_a_note():
    in_two_days = (NOW + timedelta(days=2)).strftime("%B %d, %Y")
    reading = read_date(in_two_days, NOW)
    assert reading.published == (NOW + timedelta(days=2)).date().isoformat()
    assert reading.note.startswith("date in the future: ")
    tomorrow = read_date((NOW + timedelta(hours=20)).isoformat(), NOW)
    assert tomorrow.published and tomorrow.note is None  # within a day: clocks differ


def test_dates_in_url_paths():
    assert date_in_url("https://x.example/world/2021/12/27/russia-talks", NOW) == "2021-12-27"
    assert date_in_url("https://x.example/2021-12-27-russia-talks.html", NOW) == "2021-12-27"
    assert date_in_url("https://x.example/news/2021/2/3/talks", NOW) == "2021-02-03"
    assert date_in_url("https://x.example/books/1984/01/02/review", NOW) is None
    assert date_in_url("https://x.example/2021/13/27/x", NOW) is None
    assert date_in_url("https://x.example/a?from=/2021/12/27/", NOW) is None
    assert date_in_url("https://x.example/news/russia-talks", NOW) is None
    assert date_in_url(None, NOW) is None


def test_date_lines_of_plain_text():
    assert date_line("Title\n\nDecember 27, 2021\n\nBody text.", NOW) == "December 27, 2021"
    assert date_line("Title\nPublished: Mon, 27 Dec 2021 10:00 GMT\nBody.", NOW)
    assert date_line("Title\n\n1000000000\n\nBody text.", NOW) is None  # a figure
    assert date_line("Russia and US to talk in January 2022\n\nBody.", NOW) is None
    late = "\n".join(["Title", "a", "b", "c", "d", "December 27, 2021"])
    assert date_line(late, NOW) is None  # a date deep in the text is the story's


# -- every reader -------------------------------------------------------------------------
def _by_id(records) -> dict[str, Article]:
    records = list(records)
    assert not [r for r in records if isinstance(r, Skipped)]
    return {r.id: r for r in records}


def test_jsonl_and_csv_fields_are_read_and_noted(tmp_path):
    rows = [
        {"id": "rfc", "text": "Text one.", "published": "Mon, 27 Dec 2021 10:00:00 GMT"},
        {"id": "epoch", "text": "Text two.", "date": 1640599200},
        {"id": "bad", "text": "Text three.", "published": "last Tuesday"},
        {"id": "url", "text": "Text four.", "url": "https://x.example/2021/12/28/talks"},
        {"id": "bad-url", "text": "Text.", "published": "soon", "url": "https://x/2021/12/28/"},
    ]
    (tmp_path / "in.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    got = _by_id(read_inputs([tmp_path / "in.jsonl"]))
    assert got["rfc"].published == "2021-12-27T10:00:00+00:00" and got["rfc"].notes == []
    assert got["epoch"].published == "2021-12-27T10:00:00+00:00"
    assert got["bad"].published is None
    assert got["bad"].notes == [
        "unreadable date: 'last Tuesday' (no four-digit year); the article is undated"
    ]
    assert got["url"].published == "2021-12-28"
    assert got["url"].notes == ["date from the URL: https://x.example/2021/12/28/talks"]
    # A date given and unreadable is what the record says: no guess from the URL.
    assert got["bad-url"].published is None and got["bad-url"].notes[0].startswith("unreadable")

    (tmp_path / "in.csv").write_text(
        'id,text,published\nw,"Text.","Dec. 27, 2021 10:00 AM EST"\nn,"Text.",Tuesday\n',
        encoding="utf-8",
    )
    got = _by_id(read_inputs([tmp_path / "in.csv"]))
    assert got["w"].published == "2021-12-27T10:00-05:00"
    assert got["n"].published is None and "'Tuesday'" in got["n"].notes[0]


_STORY = "".join(
    f"<p>Paragraph {k} of the story says the harbour authority opened a floating solar farm "
    f"on the old reservoir after two years of work, and critics were not pleased.</p>"
    for k in range(4)
)


def _page(head: str, byline: str = "") -> str:
    return (
        f"<html><head><title>Solar farm opens</title>{head}</head><body><article>"
        f"<h1>Solar farm opens</h1>{byline}{_STORY}</article></body></html>"
    )


def test_html_metadata_first_readable_date_is_used(tmp_path):
    pages = {
        "rfc": _page(
            '<meta property="article:published_time" content="Mon, 27 Dec 2021 10:00:00 GMT">'
        ),
        # a placeholder meta, then a good <time datetime>: the one that reads wins
        "later": _page(
            '<meta name="date" content="TBD">',
            '<p>By Staff, <time datetime="2021-12-27T10:00:00-05:00">Dec 27</time></p>',
        ),
        "none-readable": _page('<meta name="date" content="Tuesday">'),
        "in-url": _page('<link rel="canonical" href="https://x.example/2021/12/27/solar">'),
    }
    for name, page in pages.items():
        (tmp_path / f"{name}.html").write_text(page, encoding="utf-8")
    got = _by_id(read_inputs([tmp_path]))
    assert got["rfc"].published == "2021-12-27T10:00:00+00:00"
    assert got["later"].published == "2021-12-27T10:00:00-05:00" and got["later"].notes == []
    assert got["none-readable"].published is None
    assert got["none-readable"].notes[0].startswith("unreadable date: 'Tuesday'")
    assert got["in-url"].published == "2021-12-27"


def test_warc_page_without_a_date_takes_the_one_in_its_uri(tmp_path):
    from tests.helpers import write_warc

    uri = "https://x.example/world/2021/12/27/solar-farm"
    path = write_warc(
        tmp_path / "crawl.warc", [("response", uri, "200 OK", "text/html", _page("").encode())]
    )
    (article,) = list(read_inputs([path]))
    assert article.published == "2021-12-27" and article.notes == [f"date from the URL: {uri}"]


def test_plain_text_date_line(tmp_path):
    (tmp_path / "dated.txt").write_text(
        "Solar farm opens\n\nPublished: Mon, 27 Dec 2021 10:00:00 GMT\n\nThe harbour authority "
        "opened a floating solar farm on the old reservoir on Tuesday.",
        encoding="utf-8",
    )
    (tmp_path / "undated.txt").write_text("Solar farm opens\n\nThe authority opened it.")
    got = _by_id(read_inputs([tmp_path]))
    assert got["dated"].published == "2021-12-27T10:00:00+00:00"
    assert got["undated"].published is None and got["undated"].notes == []


# -- a whole run --------------------------------------------------------------------------
def _demo_record(name: str, **fields) -> dict:
    title, _, body = (DEMO / f"{name}.txt").read_text(encoding="utf-8").partition("\n")
    return {"id": name, "title": title.strip(), "text": body.strip(), **fields}


def test_a_run_over_mixed_forms_writes_iso_and_counts_the_unreadable_one(tmp_path):
    rows = [
        # The reprint is dated first, in RSS form; the wire text later, in a written form:
        # read as they are, "published first" picks the reprint over the wire credit.
        _demo_record("wire_original", published="December 27, 2021 3:00 PM EST"),
        _demo_record("reprint_with_chrome", published="Mon, 27 Dec 2021 10:00:00 GMT"),
        _demo_record("independent_report", published=1640606400000),
        _demo_record("ferry_story", url="https://news.example/2021/12/28/ferry-crossings"),
        _demo_record("unrelated_story", published="the day before yesterday"),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    out = tmp_path / "out"
    assert cli(["run", str(path), "--out", str(out), "--quiet", "--no-html"]) == 0

    articles = {
        a["id"]: a for a in map(orjson.loads, (out / "articles.jsonl").read_bytes().splitlines())
    }
    assert {i: a["published"] for i, a in articles.items()} == {
        "wire_original": "2021-12-27T15:00-05:00",
        "reprint_with_chrome": "2021-12-27T10:00:00+00:00",
        "independent_report": "2021-12-27T12:00:00+00:00",
        "ferry_story": "2021-12-28",
        "unrelated_story": None,
    }
    assert articles["unrelated_story"]["notes"] == [
        "unreadable date: 'the day before yesterday' (no four-digit year); the article is undated"
    ]
    assert articles["ferry_story"]["notes"] == [
        "date from the URL: https://news.example/2021/12/28/ferry-crossings"
    ]
    report = orjson.loads((out / "report.json").read_bytes())["accounting"]
    assert report["processed"] == 5 and report["skipped"] == 0
    assert report["dates"] == {"unreadable": 1, "in_the_future": 0, "from_url": 1}
    assert {"id": "unrelated_story", "note": articles["unrelated_story"]["notes"][0]} in report[
        "notes"
    ]
    (family,) = map(orjson.loads, (out / "families.jsonl").read_bytes().splitlines())
    assert family["original"] == "reprint_with_chrome"
    assert family["original_reason"] == "published first (2021-12-27T10:00:00+00:00)"


# -- dates in the wild (wiretrace bench dates) --------------------------------------------


def test_accounting_counts_date_notes_by_kind():
    acc = Accounting(
        notes=[
            ("a", read_date("Tuesday", NOW).note),
            ("b", read_date("2999-01-01", NOW).note),
            ("c", "text of 500000 chars cut to 400000"),
        ]
    )
    assert acc.to_dict()["dates"] == {"unreadable": 1, "in_the_future": 1, "from_url": 0}
    assert set(acc.to_dict()["dates"]) == set(DATE_NOTES)
