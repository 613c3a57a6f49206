"""WARC archives in (issue 5, wiretrace.ingest.warc): every record counted, damage located."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.helpers import news_html, write_warc
from tests.ingest.helpers import relations
from wiretrace import Config, run
from wiretrace.config import RunSettings, StorySettings
from wiretrace.ingest import read_inputs
from wiretrace.records import Article, Skipped


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_responses_become_articles_and_other_records_are_counted(tmp_path, name):
    uri = "https://dailycourier.example/news/solar-farm"
    path = write_warc(
        tmp_path / name,
        [
            ("warcinfo", None),
            ("request", uri),
            ("response", uri, "200 OK", "text/html; charset=utf-8", news_html()),
            ("response", "https://x.example/missing", "404 Not Found", "text/html", b"<html/>"),
            ("response", "https://x.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n"),
            ("response", "https://x.example/moved", "301 Moved Permanently", "text/html", b""),
            ("revisit", uri),
        ],
    )
    records = list(read_inputs([path]))
    assert len(records) == 7
    (article,) = [r for r in records if isinstance(r, Article)]
    assert article.id == uri and article.fetched and article.published.startswith("2024-05-14")
    reasons = sorted(r.reason for r in records if isinstance(r, Skipped))
    assert reasons == sorted(
        [
            "WARC warcinfo record (not a response)",
            "WARC request record (not a response)",
            "HTTP status 404 (not 200)",
            "not HTML (image/png)",
            "HTTP status 301 (not 200)",
            "WARC revisit record (not a response)",
        ]
    )


def test_damaged_warc_is_reported_from_where_it_breaks(tmp_path):
    uri = "https://dailycourier.example/news/solar-farm"
    good = write_warc(
        tmp_path / "good.warc.gz", [("response", uri, "200 OK", "text/html", news_html())] * 2
    )
    data = good.read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(data + b"garbage that is not a WARC record" * 10)
    records = list(read_inputs([damaged]))
    assert sum(isinstance(r, Article) for r in records) == 2
    assert isinstance(records[-1], Skipped) and "damaged WARC" in records[-1].reason
    result = run([damaged], Config(run=RunSettings(workers=1), story=StorySettings(enabled=False)))
    acc = result.accounting
    assert acc.records == acc.processed + len(acc.skipped)
    assert any("duplicate id" in s.reason for s in acc.skipped)  # the same URI twice


def _three_pages(path: Path) -> bytes:
    pages = [
        ("response", f"https://x.example/{i}", "200 OK", "text/html", news_html(title=f"Page {i}"))
        for i in range(3)
    ]
    return write_warc(path, pages).read_bytes()


def _outcomes(path: Path) -> list[str]:
    return [r.reason if isinstance(r, Skipped) else r.id for r in read_inputs([path])]


@pytest.mark.parametrize("change", [-100, +3000])
def test_a_wrong_content_length_skips_its_record_and_the_next_are_read(tmp_path, change):
    """Too short (the next record would start inside its page) or too long (it swallows
    the start of the next): the record is skipped, and reading goes on from the next."""
    path = tmp_path / "crawl.warc"
    data = _three_pages(path)
    at = data.index(b"Content-Length: ") + len(b"Content-Length: ")
    end = data.index(b"\r\n", at)
    path.write_bytes(data[:at] + str(int(data[at:end]) + change).encode() + data[end:])
    damage = (
        "length mismatch (its Content-Length does not end where the record does)"
        if change < 0
        else "its Content-Length runs into the next record (swallowed it)"
    )
    assert _outcomes(path) == [
        f"damaged WARC record: {damage}",
        "https://x.example/1",
        "https://x.example/2",
    ]


def test_a_cut_warc_gz_is_noted_where_it_was_cut(tmp_path):
    data = _three_pages(tmp_path / "whole.warc.gz")
    member = data.rindex(b"\x1f\x8b\x08")  # the last record's gzip member
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: (member + len(data)) // 2])  # inside the last page
    assert _outcomes(cut)[:2] == ["https://x.example/0", "https://x.example/1"]
    (last,) = _outcomes(cut)[2:]
    assert last.startswith("damaged WARC record: cut short (")
    cut.write_bytes(data[: member + 10])  # inside the last record's gzip header
    assert _outcomes(cut)[2:] == [
        "damaged WARC, unreadable from here on: the 10 bytes after the last whole record "
        "are not a record (a cut archive?)"
    ]


def test_a_warc_of_the_seed_pages_gives_the_same_result_again(seed_pages, text_result, tmp_path):
    _, pages = seed_pages
    warc = write_warc(
        tmp_path / "seeds.warc.gz",
        [
            ("response", f"https://pages.example/{stem}", "200 OK", "text/html", body)
            for stem, body in pages.items()
        ],
    )
    result = run([warc], Config(run=RunSettings(workers=1)))
    strip = {f"https://pages.example/{stem}": stem for stem in pages}
    got = {(strip[r.a], strip[r.b], r.relation, len(r.evidence)) for r in result.relations}
    assert got == relations(text_result)
    assert [[strip[m] for m in f.members] for f in result.families] == [
        f.members for f in text_result.families
    ]
    with gzip.open(warc) as fh:  # a real gzipped WARC
        assert fh.read(8) == b"WARC/1.0"
