"""HTML pages in (issue 5, wiretrace.ingest.html_page): main text and metadata."""

from __future__ import annotations

import orjson

from tests.helpers import STORY, news_html
from tests.ingest.helpers import relations
from wiretrace import Config, run
from wiretrace.config import RunSettings, StorySettings
from wiretrace.ingest import read_inputs
from wiretrace.records import Article, Skipped


# -- HTML pages ---------------------------------------------------------------------------
def test_html_page_gives_main_text_and_metadata(tmp_path):
    (tmp_path / "solar.html").write_bytes(news_html())
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


# -- WARC ---------------------------------------------------------------------------------


# -- the seeds as web pages ------------------------------------------------------------------


def test_seed_pages_give_the_same_relations_as_the_text_seeds(seed_pages, text_result):
    folder, _ = seed_pages
    html_result = run([folder], Config(run=RunSettings(workers=1)))
    assert relations(html_result) == relations(text_result)
    assert [f.members for f in html_result.families] == [f.members for f in text_result.families]
    assert [sorted(s.members) for s in html_result.stories] == [
        sorted(s.members) for s in text_result.stories
    ]
    assert {a.id: a.source for a in html_result.articles}["002_005f1038b4d1bee6"] == "Metro Wire"


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
        news_html()
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
