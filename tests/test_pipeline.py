"""The whole run on the demo corpus and on inputs full of bad records."""

import json
import re
import subprocess
import sys

import orjson

from wiretrace import Config, run, write_outputs
from wiretrace.codec import row
from wiretrace.config import RunSettings, StorySettings
from wiretrace.pipeline import run_records
from wiretrace.records import COPY_RELATIONS, Article
from wiretrace.store import Store


def _read_jsonl(path):
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_demo_corpus_relations_and_families(demo_dir, tmp_path):
    result = run([demo_dir], Config(run=RunSettings(workers=1)))
    kinds = {frozenset((r.a, r.b)): r.relation for r in result.relations}
    copies = {pair for pair, kind in kinds.items() if kind in COPY_RELATIONS}
    assert kinds[frozenset(("reprint_with_chrome", "wire_original"))] in ("copy", "partial")
    assert kinds[frozenset(("independent_report", "wire_original"))] == "same_story"
    assert frozenset(("independent_report", "wire_original")) not in copies
    assert not any("unrelated_story" in pair for pair in kinds)
    assert [sorted(f.members) for f in result.families] == [
        ["reprint_with_chrome", "wire_original"]
    ]
    # README.md of the demo folder is accounted for, not silently dropped.
    assert result.accounting.records == 6
    assert result.accounting.processed == 5
    assert [s.reason for s in result.accounting.skipped] == ["unsupported file type (.md)"]


def test_every_record_accounted_for_with_bad_input(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    good = "The council approved the new budget for schools and roads on Thursday evening. " * 3
    lines = [
        orjson.dumps({"id": "g1", "text": good}),
        orjson.dumps({"id": "g1", "text": "duplicate id with other text " * 3}),
        b'{"id": "broken", "text": ',
        orjson.dumps({"id": "short", "text": "Too short."}),
        orjson.dumps({"id": "chrome", "text": "Advertisement\n\nShare this article\n\nRead More"}),
    ]
    (src / "a.jsonl").write_bytes(b"\n".join(lines))
    (src / "bin.txt").write_bytes(bytes(range(256)) * 4)
    (src / "empty.txt").write_bytes(b"")
    result = run([src], Config(run=RunSettings(workers=1)))
    acc = result.accounting
    assert acc.records == 7
    assert acc.processed + len(acc.skipped) == acc.records
    reasons = sorted(s.reason.split(" (")[0].split(":")[0] for s in acc.skipped)
    assert reasons == [
        "binary content",
        "duplicate id",
        "empty file",
        "malformed JSON",
        "too short after cleaning",
        "too short after cleaning",
    ]
    assert [a.id for a in result.articles] == ["g1"]
    paths = write_outputs(result, tmp_path / "out", Config())
    report = json.loads(paths["report"].read_text())
    assert report["accounting"]["records"] == 7
    assert len(report["accounting"]["skipped_records"]) == 6


def test_parallel_run_gives_same_result_as_serial(demo_dir, tmp_path):
    corpus = tmp_path / "many.jsonl"
    texts = [p.read_text() for p in sorted(demo_dir.glob("*.txt"))]
    with open(corpus, "wb") as fh:
        for i in range(60):
            text = texts[i % len(texts)].replace("Tuesday", f"day {i}")
            fh.write(orjson.dumps({"id": f"d{i}", "text": text, "title": f"t{i}"}) + b"\n")
    serial = run([corpus], Config(run=RunSettings(workers=1)))
    parallel = run([corpus], Config(run=RunSettings(workers=2, chunk_size=10)))
    assert [row(r) for r in serial.relations] == [row(r) for r in parallel.relations]
    assert serial.families == parallel.families


def test_store_compares_new_articles_with_stored_ones(demo_dir, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for name in ("wire_original", "ferry_story", "unrelated_story"):
        (first / f"{name}.txt").write_text((demo_dir / f"{name}.txt").read_text())
    (second / "reprint_with_chrome.txt").write_text(
        (demo_dir / "reprint_with_chrome.txt").read_text()
    )
    db = tmp_path / "index.db"
    r1 = run([first], Config(run=RunSettings(workers=1)), db=db)
    assert [r for r in r1.relations if r.relation in COPY_RELATIONS] == []
    r2 = run([second], Config(run=RunSettings(workers=1)), db=db)
    pairs = {frozenset((r.a, r.b)) for r in r2.relations if r.relation in COPY_RELATIONS}
    assert frozenset(("reprint_with_chrome", "wire_original")) in pairs
    # The output holds the new article, the story and family it touched, whole, and what it
    # is related to (the ferry story its paragraphs were stitched in from), not the
    # unrelated stored article.
    assert {a.id for a in r2.articles} == {"reprint_with_chrome", "wire_original", "ferry_story"}
    with Store(db) as store:
        assert store.article_count() == 4
        copies = [r for r in r2.relations if r.relation in COPY_RELATIONS]
        assert len(list(store.relations())) == len(copies)
        stories = store.derived("stories")
    # Running the same input again changes nothing and says why.
    r3 = run([second], Config(run=RunSettings(workers=1)), db=db)
    assert [s.reason for s in r3.accounting.skipped] == ["already in the store (same text)"]
    assert r3.relations == [] and r3.stories == []
    with Store(db) as store:
        assert store.derived("stories") == stories


def test_cli_run_writes_outputs(demo_dir, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", "run", str(demo_dir), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "copy families" in proc.stderr
    for name in ("articles.jsonl", "relations.jsonl", "families.jsonl", "report.json"):
        assert (out / name).exists()
    articles = _read_jsonl(out / "articles.jsonl")
    assert {a["id"] for a in articles} >= {"wire_original", "reprint_with_chrome"}
    assert all(
        isinstance(a["paragraphs"], list) and isinstance(a["removed"], list) for a in articles
    )


def test_store_caches_embeddings_between_runs(demo_dir, tmp_path, counting_use, monkeypatch):
    import wiretrace.pipeline

    counting, seen = counting_use
    monkeypatch.setattr(wiretrace.pipeline, "load_encoders", lambda *args: [counting])
    db = tmp_path / "index.db"
    run([demo_dir], Config(run=RunSettings(workers=1)), db=db)
    assert seen  # article leads and the paragraphs of pairs worth aligning
    seen.clear()
    again = run(
        [demo_dir], Config(run=RunSettings(workers=1)), db=db
    )  # the same articles: all stored already
    assert seen == []
    assert again.accounting.processed == 0 and again.stories == []


def test_new_article_joins_a_stored_story_under_its_name(demo_dir, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for name in ("wire_original", "unrelated_story"):
        (first / f"{name}.txt").write_text((demo_dir / f"{name}.txt").read_text())
    report = (demo_dir / "independent_report.txt").read_text()
    (second / "independent_report.txt").write_text(report)
    db = tmp_path / "index.db"
    r1 = run([first], Config(run=RunSettings(workers=1)), db=db)
    r2 = run([second], Config(run=RunSettings(workers=1)), db=db)
    name = r1.story_of()["wire_original"]
    assert name == "story:wire_original"
    assert r2.story_of()["independent_report"] == name
    assert "unrelated_story" not in r2.story_of()  # a story the run did not touch
    with Store(db) as store:
        assert store.story_of(["unrelated_story", "independent_report"]) == {
            "unrelated_story": "story:unrelated_story",
            "independent_report": name,
        }


def test_stories_do_not_depend_on_reading_order(demo_dir):
    from wiretrace.pipeline import run_records
    from wiretrace.records import Article

    names = [
        "wire_original",
        "reprint_with_chrome",
        "independent_report",
        "ferry_story",
        "unrelated_story",
    ]
    records = [
        Article(
            id=n, text=(demo_dir / f"{n}.txt").read_text(), published=f"2024-05-0{k + 1}T09:00:00Z"
        )
        for k, n in enumerate(names)
    ]

    def stories(rs):
        return sorted(
            sorted(s.members) for s in run_records(rs, Config(run=RunSettings(workers=1))).stories
        )

    forwards = stories(records)
    assert ["independent_report", "reprint_with_chrome", "wire_original"] in forwards
    assert forwards == stories(records[::-1])


def test_a_run_embeds_each_text_once(demo_dir, counting_use, monkeypatch):
    # Without a store too: the trace stage reads the vectors the story stage made.
    import wiretrace.pipeline

    counting, seen = counting_use
    monkeypatch.setattr(wiretrace.pipeline, "load_encoders", lambda *args: [counting])
    result = run([demo_dir], Config(run=RunSettings(workers=1)))
    assert result.lineages and any(d.passages for d in result.diffs)
    assert seen and len(seen) == len(set(seen))


def test_a_copy_garbled_into_mojibake_is_still_found(demo_dir):
    """A story with curly quotes and apostrophes, and its copy read once through the wrong
    encoding (â€™ for ’, as Windows-1252, its five unused bytes as Latin-1): repaired before
    its shingles are taken, it is the duplicate it is (unrepaired, a partial copy)."""
    story = (demo_dir / "wire_original.txt").read_text(encoding="utf-8")
    story = re.sub(r'"([^"]*)"', "“\\1”", story)
    words = story.split(" ")
    curly = " ".join(w + "’s" if i % 6 == 5 and w.isalpha() else w for i, w in enumerate(words))
    garbled = "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in curly.encode("utf-8")
    )
    rows = [
        Article(id="curly", text=curly, title_in_text=True),
        Article(id="garbled", text=garbled, title_in_text=True),
    ]
    result = run_records(
        rows, Config(run=RunSettings(workers=1), story=StorySettings(enabled=False))
    )
    assert [(r.a, r.b, r.relation) for r in result.relations] == [("curly", "garbled", "duplicate")]
    assert dict(result.accounting.notes)["garbled"].startswith("mojibake repaired by ftfy")


def test_every_stage_with_a_loop_reports_progress_to_the_end(demo_dir):
    told: dict[str, list[tuple[int, int]]] = {}
    run(
        [demo_dir],
        Config(run=RunSettings(workers=1)),
        progress=lambda s, d, t: told.setdefault(s, []).append((d, t)),
    )
    assert set(told) >= {"clean", "fingerprint", "verify", "embed (use)", "stories", "trace"}
    for stage, reports in told.items():
        done, total = reports[-1]
        assert done == total > 0, (stage, reports)
