"""JSON Lines articles (wiretrace.ingest.jsonl), plain and gzipped."""

import gzip

import orjson

from tests.ingest.helpers import read_articles


def test_jsonl_fields_and_bad_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [
        orjson.dumps(
            {
                "id": "x1",
                "text": "Some text here.",
                "title": "T",
                "url": "http://a/1",
                "source": "A",
                "published": "2021-12-27",
            }
        ),
        b"{not json",
        orjson.dumps(["a list"]),
        orjson.dumps({"text": "no id"}),
        orjson.dumps({"id": "x2"}),
        orjson.dumps({"id": "x3", "text": "   "}),
        orjson.dumps({"id": 7, "text": "numeric id is fine"}),
        b"",
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    articles, skipped = read_articles(path)
    assert [(a.id, a.title, a.url, a.source, a.published) for a in articles] == [
        ("x1", "T", "http://a/1", "A", "2021-12-27"),
        ("7", "", None, None, None),
    ]
    reasons = [s.reason for s in skipped]
    assert reasons[0].startswith("malformed JSON")
    assert skipped[0].origin.endswith("in.jsonl:2")
    assert reasons[1:] == [
        "record is a list, not an object",
        "missing 'id'",
        "missing 'text'",
        "empty 'text'",
    ]


def test_jsonl_gz_and_truncated_gzip(tmp_path):
    good = tmp_path / "good.jsonl.gz"
    with gzip.open(good, "wb") as fh:
        for i in range(3):
            fh.write(orjson.dumps({"id": f"g{i}", "text": f"text {i}"}) + b"\n")
    data = good.read_bytes()
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(data[: len(data) // 2])
    articles, skipped = read_articles(good)
    assert [a.id for a in articles] == ["g0", "g1", "g2"]
    _, skipped = read_articles(bad)
    assert len(skipped) == 1 and "unreadable from here on" in skipped[0].reason
