"""A run over a store reads and rewrites only what its new articles touch."""

from __future__ import annotations

import sqlite3

import orjson

from wiretrace import Config, run
from wiretrace.config import RunSettings
from wiretrace.store import SCHEMA_VERSION, Store

# Lexical scoring keeps these tests quick; what is tested is which articles are compared.
LEXICAL = {"story": {"encoder": "none", "min_match": 0.4}, "run": {"workers": 1}}
DEMO_NAMES = [
    "wire_original",
    "reprint_with_chrome",
    "independent_report",
    "ferry_story",
    "unrelated_story",
]


def _corpus(demo_dir, folder, names, day: int):
    folder.mkdir(parents=True)
    rows = [
        {
            "id": n,
            "title": "",
            "text": (demo_dir / f"{n}.txt").read_text(),
            "published": f"2024-05-{day:02d}T09:00:00+00:00",
        }
        for n in names
    ]
    path = folder / "articles.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def _stories(db) -> set[frozenset[str]]:
    with Store(db) as store:
        return {frozenset(s["members"]) for s in store.derived("stories")}


def test_successive_runs_give_the_stories_of_one_batch_run(demo_dir, tmp_path):
    config = Config(
        run=RunSettings(workers=1)
    )  # the shipped scoring: the demo's story needs the encoder
    first = _corpus(demo_dir, tmp_path / "a", DEMO_NAMES[:2] + DEMO_NAMES[3:4], day=1)
    second = _corpus(demo_dir, tmp_path / "b", DEMO_NAMES[2:3] + DEMO_NAMES[4:], day=2)
    run([first], config, db=tmp_path / "successive.db")
    run([second], config, db=tmp_path / "successive.db")
    run([first, second], config, db=tmp_path / "batch.db")
    assert _stories(tmp_path / "successive.db") == _stories(tmp_path / "batch.db")
    assert frozenset(("wire_original", "reprint_with_chrome", "independent_report")) in _stories(
        tmp_path / "batch.db"
    )


def test_a_run_reads_only_the_stored_articles_within_the_horizon(demo_dir, tmp_path):
    db = tmp_path / "index.db"
    config = Config.from_dict(LEXICAL)
    run([_corpus(demo_dir, tmp_path / "may", DEMO_NAMES[:1], day=1)], config, db=db)
    run([_corpus(demo_dir, tmp_path / "later", DEMO_NAMES[3:4], day=20)], config, db=db)
    with Store(db) as store:
        near = store.stories_near([19863.375], 7.0, undated=0)  # 2024-05-20
        assert set(near) == {"ferry_story"}
        assert store.stories_near([], 7.0, undated=10) == {}  # nothing stored undated
    # The same story, 20 days later: beyond the horizon it is neither read nor joined.
    late = _corpus(demo_dir, tmp_path / "late", DEMO_NAMES[2:3], day=25)
    result = run([late], config, db=db)
    assert {a.id for a in result.articles} == {"independent_report"}
    assert result.story_of()["independent_report"] == "story:independent_report"


def test_output_holds_the_touched_story_whole_and_the_store_keeps_the_rest(demo_dir, tmp_path):
    db = tmp_path / "index.db"
    config = Config.from_dict(LEXICAL)
    run([_corpus(demo_dir, tmp_path / "a", ["wire_original", "ferry_story"], day=1)], config, db=db)
    before = _stories(db)
    result = run([_corpus(demo_dir, tmp_path / "b", ["independent_report"], day=2)], config, db=db)
    story = result.story_of()["independent_report"]
    assert story == "story:wire_original"
    assert {a.id for a in result.articles} == {"wire_original", "independent_report"}
    after = _stories(db)
    assert frozenset(("ferry_story",)) in before and frozenset(("ferry_story",)) in after
    assert frozenset(("wire_original", "independent_report")) in after
    with Store(db) as store:
        assert store.story_of(["independent_report", "ferry_story"]) == {
            "independent_report": story,
            "ferry_story": "story:ferry_story",
        }


def test_a_schema_2_store_is_upgraded_in_place(demo_dir, tmp_path):
    db = tmp_path / "index.db"
    config = Config.from_dict(LEXICAL)
    run([_corpus(demo_dir, tmp_path / "a", DEMO_NAMES[:3], day=1)], config, db=db)
    with Store(db) as store:
        expected = store.story_of(DEMO_NAMES[:3])
    con = sqlite3.connect(db)  # what a store written before schema 3 lacks
    with con:
        con.execute("DROP TABLE story_of")
        con.execute("DROP TABLE family_of")
        con.execute("ALTER TABLE lineages DROP COLUMN story")
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    with Store(db) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert store.story_of(DEMO_NAMES[:3]) == expected
        assert store.families_of(["reprint_with_chrome"])
        stories = [g["story"] for g in store.lineages_of_stories(set(expected.values()))]
        assert stories and set(stories) <= set(expected.values())
