"""HTML pages and WARC archives in (issue 5): main text, metadata, and every record counted."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import orjson
import pytest
from tests.conftest import SEEDS, need
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wiretrace import Config, run
from wiretrace.config import RunSettings, StorySettings
from wiretrace.ingest import read_inputs
from wiretrace.records import Article, Skipped
from wiretrace_bench.pages import news_page, page_from_text

STORY = [
    "The harbour authority opened a floating solar farm on the old reservoir on Tuesday, "
    "the first of its kind in the region, after two years of building work.",
    "The farm's 12,000 panels will supply about a fifth of the port's electricity, the "
    "authority said, and cut its emissions by 4,000 tonnes a year.",
    "Critics said the money would have been better spent insulating council housing.",
]


def _write_warc(path: Path, records: list[tuple]) -> Path:
    """records: ("response", uri, status, content_type, body) | ("request", uri) |
    ("revisit", uri)."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for rec in records:
            kind, uri = rec[0], rec[1]
            if kind == "response":
                _, _, status, ctype, body = rec
                http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(body), http_headers=http
                )
            elif kind == "request":
                http = StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "x.example")], is_http_request=True
                )
                record = writer.create_warc_record(
                    uri, "request", payload=io.BytesIO(b""), http_headers=http
                )
            else:
                record = writer.create_warc_record(uri, kind, payload=io.BytesIO(b""))
            writer.write_record(record)
    return path


def _page(title="Harbour city opens floating solar farm", **kw) -> bytes:
    return news_page(
        title, STORY, author="Maria Lind", published="2024-05-14T09:30:00", slug="solar-farm", **kw
    ).encode()


# -- HTML pages ---------------------------------------------------------------------------
def test_html_page_gives_main_text_and_metadata(tmp_path):
    (tmp_path / "solar.html").write_bytes(_page())
    (article,) = list(read_inputs([tmp_path]))
    assert isinstance(article, Article) and article.id == "solar"
    assert article.title == "Harbour city opens floating solar farm"
    assert article.author == "Maria Lind"
    assert article.source == "Daily Courier"
    assert article.url == "https://dailycourier.example/news/solar-farm"
    assert article.published.startswith("2024-05-14")
    for line in STORY:
        assert line in article.text
    for chrome in ("Accept all", "Share on Facebook", "Privacy policy", "Five things to do"):
        assert chrome not in article.text


def test_bad_html_is_skipped_with_a_reason(tmp_path):
    (tmp_path / "empty.html").write_bytes(b"   ")
    (tmp_path / "binary.htm").write_bytes(b"\x00\x01\x02<html>" * 50)
    (tmp_path / "nothing.html").write_bytes(
        b"<html><head><title>x</title></head><body><nav><a href=/>Home</a></nav></body></html>"
    )
    (tmp_path / "broken.html").write_bytes(b"<html><body><p>" + STORY[0].encode() + b"<p><div")
    (tmp_path / "blank.html").write_bytes(b"<html><body><script>var x;</script></body></html>")
    reasons = {
        r.id: r.reason if isinstance(r, Skipped) else "article" for r in read_inputs([tmp_path])
    }
    assert reasons["empty"] == "empty HTML page"
    assert reasons["binary"].startswith("binary content")
    assert reasons["blank"] == "no main text found in the HTML page"
    assert reasons["broken"] == "article"  # unclosed tags: the text is still there
    assert reasons["nothing"] == "no main text found in the HTML page"  # navigation only
    result = run([tmp_path], Config(run=RunSettings(workers=1), story=StorySettings(enabled=False)))
    assert result.accounting.records == 5 and result.accounting.processed == 1


def test_jsonl_record_may_carry_html(tmp_path):
    rows = [
        {"id": "p1", "html": _page().decode(), "source": "Given Source"},
        {"id": "p2", "html": "<html></html>"},
    ]
    path = tmp_path / "pages.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    got = {r.id: r for r in read_inputs([path])}
    assert isinstance(got["p1"], Article) and got["p1"].source == "Given Source"
    assert got["p1"].title == "Harbour city opens floating solar farm"
    assert isinstance(got["p2"], Skipped)


# -- WARC ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_responses_become_articles_and_other_records_are_counted(tmp_path, name):
    uri = "https://dailycourier.example/news/solar-farm"
    path = _write_warc(
        tmp_path / name,
        [
            ("warcinfo", None),
            ("request", uri),
            ("response", uri, "200 OK", "text/html; charset=utf-8", _page()),
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
    good = _write_warc(
        tmp_path / "good.warc.gz", [("response", uri, "200 OK", "text/html", _page())] * 2
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
        ("response", f"https://x.example/{i}", "200 OK", "text/html", _page(title=f"Page {i}"))
        for i in range(3)
    ]
    return _write_warc(path, pages).read_bytes()


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


# -- the seeds as web pages ------------------------------------------------------------------
def _relations(result):
    return {(r.a, r.b, r.relation, len(r.evidence)) for r in result.relations}


@pytest.fixture(scope="module")
def seed_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed_pages")
    pages = {}
    for k, path in enumerate(sorted(need(SEEDS).glob("*.txt"))):
        pages[path.stem] = page_from_text(
            path.read_text(encoding="utf-8"), site=k, slug=path.stem
        ).encode()
        (folder / f"{path.stem}.html").write_bytes(pages[path.stem])
    return folder, pages


@pytest.fixture(scope="module")
def text_result():
    return run([need(SEEDS)], Config(run=RunSettings(workers=1)))


def test_seed_pages_give_the_same_relations_as_the_text_seeds(seed_pages, text_result):
    folder, _ = seed_pages
    html_result = run([folder], Config(run=RunSettings(workers=1)))
    assert _relations(html_result) == _relations(text_result)
    assert [f.members for f in html_result.families] == [f.members for f in text_result.families]
    assert [sorted(s.members) for s in html_result.stories] == [
        sorted(s.members) for s in text_result.stories
    ]
    assert {a.id: a.source for a in html_result.articles}["002_005f1038b4d1bee6"] == "Metro Wire"


def test_a_warc_of_the_seed_pages_gives_the_same_result_again(seed_pages, text_result, tmp_path):
    _, pages = seed_pages
    warc = _write_warc(
        tmp_path / "seeds.warc.gz",
        [
            ("response", f"https://pages.example/{stem}", "200 OK", "text/html", body)
            for stem, body in pages.items()
        ],
    )
    result = run([warc], Config(run=RunSettings(workers=1)))
    strip = {f"https://pages.example/{stem}": stem for stem in pages}
    got = {(strip[r.a], strip[r.b], r.relation, len(r.evidence)) for r in result.relations}
    assert got == _relations(text_result)
    assert [[strip[m] for m in f.members] for f in result.families] == [
        f.members for f in text_result.families
    ]
    with gzip.open(warc) as fh:  # a real gzipped WARC
        assert fh.read(8) == b"WARC/1.0"


def test_metadata_from_json_ld_comes_first(tmp_path):
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "ignored"},
            {
                "@type": "NewsArticle",
                "headline": "Ferry service resumes after storm",
                "datePublished": "2024-06-02T07:15:00+02:00",
                "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"name": "Tom Berg"}],
                "publisher": {"@type": "Organization", "name": "Harbour Times"},
            },
        ],
    }
    page = (
        _page()
        .decode()
        .replace(
            "</head>",
            f'<script type="application/ld+json">{orjson.dumps(ld).decode()}</script></head>',
        )
    )
    (tmp_path / "ld.html").write_text(page, encoding="utf-8")
    (article,) = list(read_inputs([tmp_path]))
    assert article.title == "Ferry service resumes after storm"
    assert article.published == "2024-06-02T07:15:00+02:00"
    assert article.author == "Ana Ruiz, Tom Berg"
    assert article.source == "Harbour Times"
    assert article.url == "https://dailycourier.example/news/solar-farm"  # canonical link
