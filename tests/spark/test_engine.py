"""``--engine spark`` in local mode gives the default engine's relations and families (issue 5),
and its stories, lineages and diffs: on the seeds, and on a synthetic timeline cut into
several slices of publication time."""

from __future__ import annotations

import io
import shutil

import orjson
import pytest

from tests.helpers import DEMO, SEEDS, need, synthetic_corpus
from wiretrace import Config, run
from wiretrace.codec import row
from wiretrace_bench.pages import page_from_text
from wiretrace_bench.timeline import timeline_corpus

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
    return relations, [f.members for f in result.families], result.accounting, result


def test_spark_gives_the_default_engines_relations_and_families(spark, corpus):
    root, path = corpus
    out = root / "out_jsonl"
    run_spark([path], CONFIG, out, spark=spark)
    relations, families, accounting, steps = _read(out)
    want_relations, want_families, want_acc, want_result = _default([path])
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
    assert steps == want_result.stats["steps"] and steps["admit"]["short"] == 1
    assert accounting["short"] == want_acc.short == 1
    assert accounting["notes"] == want_acc.to_dict()["notes"]
    assert any(n["id"] == "latin" for n in accounting["notes"])
    rows = [orjson.loads(line) for line in (out / "articles.jsonl").read_bytes().splitlines()]
    assert [(r["id"], r.get("short", False)) for r in rows] == [
        (a.id, a.short) for a in want_result.articles
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


# -- stories, lineages, diffs ----------------------------------------------------------------
STORIES = Config(run=RunSettings(workers=1))


def _story_tables(out) -> dict[str, list[dict]]:
    return {
        name: [orjson.loads(line) for line in (out / f"{name}.jsonl").read_bytes().splitlines()]
        for name in ("articles", "relations", "families", "stories", "lineages", "diffs")
    }


def _local_tables(inputs) -> dict[str, list[dict]]:
    from wiretrace.codec import article_table_row, derived_rows

    result = run(inputs, STORIES)
    family_of, story_of = result.family_of(), result.story_of()
    return {
        "articles": [article_table_row(a, family_of, story_of) for a in result.articles],
        "relations": [row(r) for r in result.relations],
        **derived_rows(result.families, result.stories, result.lineages, result.diffs),
    }


def _by_pair(relations: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["a"], r["b"]): r for r in relations}


def _without(rows: list[dict], *fields: str) -> list[dict]:
    """Diff rows with the passages' ``fields`` left out."""
    return [
        {**d, "passages": [{k: v for k, v in p.items() if k not in fields} for p in d["passages"]]}
        for d in rows
    ]


@pytest.fixture(scope="module")
def timeline(tmp_path_factory):
    path = tmp_path_factory.mktemp("timeline") / "timeline.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in timeline_corpus()))
    return path, _local_tables([path])


def test_spark_finds_the_local_engines_stories_lineages_and_diffs_on_the_seeds(spark, tmp_path):
    seeds = need(SEEDS)
    counts = run_spark([seeds], STORIES, tmp_path, spark=spark)
    got, want = _story_tables(tmp_path), _local_tables([seeds])
    assert counts["counts"]["story_slices"] == 1 and want["lineages"]
    for name in ("articles", "families", "stories", "lineages", "diffs"):
        assert got[name] == want[name], name
    assert _by_pair(got["relations"]) == _by_pair(want["relations"])


def test_spark_stories_in_one_slice_are_the_local_engines(spark, timeline, tmp_path):
    path, want = timeline
    counts = run_spark([path], STORIES, tmp_path, spark=spark, slice_days=3650)
    got = _story_tables(tmp_path)
    assert counts["counts"]["story_slices"] == 1
    for name in ("articles", "families", "stories", "lineages"):
        assert got[name] == want[name], name
    assert _by_pair(got["relations"]) == _by_pair(want["relations"])
    # Traced story by story in tasks, as the local engine traces them all at once: each
    # story's paragraphs are scored in a space of their own (wiretrace.trace.diff).
    assert got["diffs"] == want["diffs"]


def test_spark_stories_across_slices_are_the_local_engines(spark, timeline, tmp_path):
    path, want = timeline
    counts = run_spark([path], STORIES, tmp_path, spark=spark, slice_days=10)
    got = _story_tables(tmp_path)
    # 2024-03-02 .. 03-28 in slices of 10 days from the epoch: 03-08, 03-18 and 03-28 start
    # slices; three stories straddle a start, a family has a reprint twelve days later (in
    # another slice, beyond the horizon) and one an undated reprint (the last slice's).
    assert counts["counts"]["story_slices"] == 4
    assert len(want["stories"]) == 6 and len(want["lineages"]) >= 6
    assert got["stories"] == want["stories"]
    assert got["families"] == want["families"]
    assert got["lineages"] == want["lineages"]
    assert [(a["id"], a["story"]) for a in got["articles"]] == [
        (a["id"], a["story"]) for a in want["articles"]
    ]
    # Each slice fits its TF-IDF views on its own articles: the same pairs and kinds, with
    # figures a little apart (similarities, views, evidence scores).
    kinds = {pair: r["relation"] for pair, r in _by_pair(got["relations"]).items()}
    assert kinds == {pair: r["relation"] for pair, r in _by_pair(want["relations"]).items()}
    assert _without(got["diffs"], "similarity") == _without(want["diffs"], "similarity")
