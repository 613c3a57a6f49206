"""``--engine spark`` in local mode gives the default engine's relations and families (issue 5)."""

from __future__ import annotations

import io
import shutil

import orjson
import pytest

from tests.helpers import DEMO, synthetic_corpus
from wiretrace import Config, run
from wiretrace_bench.pages import page_from_text

if shutil.which("java") is None:
    pytest.fail("Spark needs Java (17) on the PATH", pytrace=False)

from wiretrace.config import RunSettings, StorySettings
from wiretrace.spark.engine import run_spark, spark_session  # noqa: E402

CONFIG = Config(story=StorySettings(enabled=False), run=RunSettings(workers=1))


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark")
    path = synthetic_corpus(root / "jsonl", 150, 3)
    # a duplicate id, a malformed line, an article too short, a headline kept as a short
    # record and a line in Latin-1: accounted for, and noted, by both engines
    with open(path, "ab") as fh:
        fh.write(orjson.dumps({"id": "s3-000", "text": "Another text under a taken id."}) + b"\n")
        fh.write(b'{"id": "broken", "text": \n')
        fh.write(orjson.dumps({"id": "tiny", "text": "Too short."}) + b"\n")
        fh.write(orjson.dumps({"id": "headline", "title": "Ferry service halted by storm"}) + b"\n")
        fh.write(
            '{"id": "latin", "text": "Caf\u00e9 owners in the old town said the new rules on '
            'terraces would cost them half of their summer trade this year."}\n'.encode("latin-1")
        )
    return root, path


def _read(out):
    relations = {
        (r["a"], r["b"]): (r["relation"], r["coverage_a"], r["coverage_b"], len(r["evidence"]))
        for r in map(orjson.loads, (out / "relations.jsonl").read_bytes().splitlines())
    }
    families = [
        f["members"] for f in map(orjson.loads, (out / "families.jsonl").read_bytes().splitlines())
    ]
    report = orjson.loads((out / "report.json").read_bytes())
    return relations, families, report["accounting"], report["counts"]["steps"]


def _default(inputs):
    result = run(inputs, CONFIG)
    relations = {
        (r.a, r.b): (r.relation, r.coverage_a, r.coverage_b, len(r.evidence))
        for r in result.relations
    }
    return relations, [f.members for f in result.families], result.accounting, result.stats


def test_spark_gives_the_default_engines_relations_and_families(spark, corpus):
    root, path = corpus
    out = root / "out_jsonl"
    run_spark([path], CONFIG, out, spark=spark)
    relations, families, accounting, steps = _read(out)
    want_relations, want_families, want_acc, want_stats = _default([path])
    assert len(want_families) >= 5 and len(want_relations) >= 20  # a corpus with copies
    assert relations == want_relations
    assert families == want_families
    assert (accounting["records"], accounting["processed"], accounting["skipped"]) == (
        want_acc.records,
        want_acc.processed,
        len(want_acc.skipped),
    )
    # the same records skipped, for the same reasons (listed in another order: Spark finds
    # the duplicate ids after reading every record)
    assert sorted(accounting["skipped_records"], key=str) == sorted(
        want_acc.to_dict()["skipped_records"], key=str
    )
    # one logic: the same steps counted the same things, and left the same notes
    assert steps == want_stats["steps"] and steps["admit"]["short"] == 1
    assert accounting["short"] == want_acc.short == 1
    assert accounting["notes"] == want_acc.to_dict()["notes"]
    assert any(n["id"] == "latin" for n in accounting["notes"])
    rows = [orjson.loads(line) for line in (out / "articles.jsonl").read_bytes().splitlines()]
    assert [(r["id"], r.get("short", False)) for r in rows] == [
        (a.id, a.short) for a in run([path], CONFIG).articles
    ]


def test_spark_reads_parquet(spark, corpus):
    root, path = corpus
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines()[:150]]
    folder = root / "parquet"
    spark.createDataFrame(rows).coalesce(1).write.parquet(str(folder))
    out = root / "out_parquet"
    run_spark([folder], CONFIG, out, spark=spark)
    relations, families, _, _ = _read(out)
    jsonl = root / "first150.jsonl"
    jsonl.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    want_relations, want_families, _, _ = _default([jsonl])
    assert relations == want_relations and families == want_families


def test_spark_reads_warc(spark, tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / "demo.warc.gz"
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for k, page in enumerate(sorted(DEMO.glob("*.txt"))):
            body = page_from_text(page.read_text(encoding="utf-8"), site=k).encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    f"https://demo.example/{page.stem}",
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                )
            )
    run_spark([warc], CONFIG, tmp_path / "out", spark=spark)
    relations, families, _, _ = _read(tmp_path / "out")
    want_relations, want_families, _, _ = _default([warc])
    assert (
        families
        == want_families
        == [["https://demo.example/wire_original", "https://demo.example/reprint_with_chrome"]]
    )
    assert relations == want_relations
