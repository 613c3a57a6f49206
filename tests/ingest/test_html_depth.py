"""The nesting depth of a page, counted on its raw bytes before it is parsed."""

from __future__ import annotations

import time

from wiretrace.ingest.html_depth import MAX_HTML_DEPTH, nesting_depth
from wiretrace_bench.pages import news_page


def test_depth_counts_elements_that_nest():
    assert nesting_depth(b"<html><body><div><section><p>x</p></section></div></body></html>") == 2
    assert nesting_depth(b"<div>" * 40 + b"</div>" * 40) == 40
    assert nesting_depth(b"<DIV><Span>x</SPAN></div><div></div>") == 2


def test_what_a_parser_does_not_nest_adds_no_depth():
    """Void elements, elements whose end tag may be left out, ``a``: 600 of each unclosed,
    on a page any browser builds flat."""
    sloppy = b"<div>" + b"<p>para<br><img src=x><li>item<td>cell<a href=/>link" * 600 + b"</div>"
    assert nesting_depth(sloppy) == 1


def test_comments_and_scripts_are_passed_over():
    page = (
        b"<div><!-- <div><div><div> -->"
        b"<script>var s = '<div><div><div>';</script>"
        b"<style>div::before { content: '<div>' }</style><span>x</span></div>"
    )
    assert nesting_depth(page) == 2
    assert nesting_depth(b"<div><script>" + b"<div>" * 1000) == 1  # never closed: the rest


def test_a_deep_page_stops_the_count_at_the_cap():
    deep = b"<html><body>" + b"<div>" * 100_000 + b"</div>" * 100_000
    start = time.process_time()
    assert nesting_depth(deep) == MAX_HTML_DEPTH + 1
    assert time.process_time() - start < 0.5


def test_hostile_openers_keep_the_count_linear():
    """Unclosed comments and scripts, one after another: each searched for once."""
    for filler in (b"<!--", b"<script>", b"<script></script>", b"<" * 3):
        page = filler * 300_000
        start = time.process_time()
        nesting_depth(page)
        assert time.process_time() - start < 2, filler


def test_news_pages_are_far_under_the_cap():
    page = news_page("Title", ["A paragraph of the story."] * 20, author="A. Writer").encode()
    assert 2 <= nesting_depth(page) < 30
