"""A structured record's fields (wiretrace.ingest.fields): a JSONL record may carry HTML."""

from __future__ import annotations

import orjson

from tests.helpers import news_html
from wiretrace.ingest import read_inputs
from wiretrace.records import Article, Skipped


def test_jsonl_record_may_carry_html(tmp_path):
    rows = [
        {"id": "p1", "html": news_html().decode(), "source": "Given Source"},
        {"id": "p2", "html": "<html></html>"},
    ]
    path = tmp_path / "pages.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    got = {r.id: r for r in read_inputs([path])}
    assert isinstance(got["p1"], Article) and got["p1"].source == "Given Source"
    assert got["p1"].title == "Harbour city opens floating solar farm"
    assert isinstance(got["p2"], Skipped)
