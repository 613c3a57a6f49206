"""The whole run on the demo corpus and on inputs full of bad records."""

import json
import re
import subprocess
import sys

import orjson
import pytest

from tests.helpers import SOLAR_TITLE
from wiretrace import Config, run, write_outputs
from wiretrace.codec import row
from wiretrace.config import FingerprintSettings, RunSettings, StorySettings
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


# -- short records ------------------------------------------------------------------------------
# A headline alone, or a headline and a short summary, is kept, marked short, accounted for, left
# out of copy detection, and joins the story of the full articles about the same event; a record
# with neither title nor text is still skipped.

#: The shipped scoring (the packaged encoder): the demo's independent report shares too few
#: words with the wire story for the lexical event match alone.
CONFIG = Config(run=RunSettings(workers=1))


@pytest.fixture
def feed(demo_dir, tmp_path):
    """The demo's full articles, and headline records about the solar farm (its story) and
    about nothing else in the corpus, in one JSONL file."""
    rows = [
        {"id": p.stem, "text": p.read_text(), "published": "2024-05-14"}
        for p in sorted(demo_dir.glob("*.txt"))
    ]
    rows += [
        # text is only the title (cleaning removes it as "title repeated")
        {"id": "head-only", "title": SOLAR_TITLE, "text": SOLAR_TITLE, "published": "2024-05-14"},
        # the same headline from another feed: the two are close enough to be aligned
        {"id": "head-again", "title": SOLAR_TITLE, "published": "2024-05-14"},
        # a headline feed without a body at all
        {
            "id": "no-body",
            "title": "Lindholm switches on floating solar farm at reservoir",
            "published": "2024-05-15",
        },
        # a title and a one-line summary
        {
            "id": "summary",
            "title": "Floating solar farm opens in Lindholm",
            "text": "Reservoir panels power 3,200 homes.",
            "published": "2024-05-14",
        },
        # about none of the demo's events
        {
            "id": "elsewhere",
            "title": "Chess club wins regional junior trophy",
            "published": "2024-05-14",
        },
        # neither title nor text; and a few untitled words: skipped, with their reasons
        {"id": "empty", "title": "", "text": ""},
        {"id": "untitled", "text": "Storm damage in the north."},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def test_headline_records_are_kept_marked_and_join_the_story(feed, tmp_path):
    result = run([feed], CONFIG)
    by_id = {a.id: a for a in result.articles}
    short = {"head-only", "head-again", "no-body", "summary", "elsewhere"}
    assert short <= set(by_id)
    assert {i for i, a in by_id.items() if a.short} == short
    assert by_id["summary"].paragraphs == ["Reservoir panels power 3,200 homes."]
    assert by_id["head-only"].paragraphs == [SOLAR_TITLE]  # its text is its title
    assert by_id["head-only"].removed == []
    assert by_id["no-body"].paragraphs == [by_id["no-body"].title]

    acc = result.accounting
    assert acc.short == 5
    assert acc.processed == 5 + 5 and acc.records == 5 + 7
    assert sorted((s.id, s.reason) for s in acc.skipped) == [
        ("empty", "empty 'text'"),
        ("untitled", "too short after cleaning (5 words of story text, no title)"),
    ]

    # No copy detection for them: no copy relation, no family.
    copy_engine = [r for r in result.relations if r.relation in ("duplicate", "copy", "partial")]
    assert not any(short & {r.a, r.b} for r in copy_engine)
    assert not any(short & set(f.members) for f in result.families)

    story_of = result.story_of()
    solar = story_of["wire_original"]
    assert story_of["independent_report"] == solar
    for headline in ("head-only", "head-again", "no-body", "summary"):
        assert story_of[headline] == solar, headline
    assert story_of["elsewhere"] not in (solar, story_of["ferry_story"])

    out = write_outputs(result, tmp_path / "out", CONFIG)
    rows = {r["id"]: r for r in map(orjson.loads, out["articles"].read_bytes().splitlines())}
    assert {i for i, r in rows.items() if r["short"]} == short
    assert rows["wire_original"]["short"] is False
    report = json.loads(out["report"].read_text())
    assert report["accounting"]["short"] == 5


def test_short_records_stay_out_of_copy_detection_in_the_store(feed, tmp_path):
    db = tmp_path / "index.db"
    first = run([feed], CONFIG, db=db)
    with Store(db) as store:
        stored = {a.id: a for a in store.articles()}
        keys = {i: len(fp.doc_keys) + len(fp.passage_keys) for i, _, fp in store.fingerprints()}
    assert stored["no-body"].short and not stored["wire_original"].short
    assert keys["no-body"] == 0 and keys["wire_original"] > 0
    # A second run rebuilds fingerprints under other copy settings: short ones stay keyless,
    # and the stored headlines are still in their story.
    again = run(
        [feed],
        Config(
            run=RunSettings(workers=1),
            story=StorySettings(encoder="none"),
            fingerprint=FingerprintSettings(shingle_size=4),
        ),
        db=db,
    )
    with Store(db) as store:
        keys = {i: len(fp.doc_keys) + len(fp.passage_keys) for i, _, fp in store.fingerprints()}
    assert keys["no-body"] == 0
    assert again.accounting.short == 0  # all already stored
    assert {s.reason for s in again.accounting.skipped if s.id in keys} == {
        "already in the store (same text)"
    }
    assert first.story_of()["no-body"] == first.story_of()["wire_original"]
    with Store(db) as store:  # the rerun added nothing and touched no story
        stories = store.story_of(["no-body", "wire_original"])
    assert again.stories == [] and stories["no-body"] == stories["wire_original"]
