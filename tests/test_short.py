"""Short records: a headline alone, or a headline and a short summary, is kept, marked
short, accounted for, left out of copy detection, and joins the story of the full
articles about the same event; a record with neither title nor text is still skipped."""

import json

import orjson
import pytest

from wiretrace import Config, run, write_outputs
from wiretrace.clean.article import as_short_record, clean_article, too_short_reason
from wiretrace.config import FingerprintSettings, RunSettings, StorySettings
from wiretrace.records import Article
from wiretrace.store import Store

#: The shipped scoring (the packaged encoder): the demo's independent report shares too few
#: words with the wire story for the lexical event match alone.
CONFIG = Config(run=RunSettings(workers=1))

SOLAR_TITLE = "Harbour city opens floating solar farm on old reservoir"


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


def test_short_rule():
    headline = clean_article(Article(id="a", title=SOLAR_TITLE, text=SOLAR_TITLE))
    assert headline.paragraphs == [] and headline.removed_reasons == ["title repeated"]
    assert too_short_reason(headline, 0) is None  # kept, as a short record
    as_short_record(headline)  # its text is its title: the repeat goes back
    assert headline.short and headline.paragraphs == [SOLAR_TITLE] and headline.removed == []
    untitled = clean_article(Article(id="b", text="Read more."))
    assert too_short_reason(untitled, 2).startswith("too short after cleaning (2 words")


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


def test_bench_headlines_scores():
    from wiretrace_bench.headlines import co_membership, first_sentence

    gold, pred = ["a", "a", "b", "b"], ["x", "x", "x", "y"]
    assert co_membership(gold, pred)[:2] == (1 / 3, 1 / 2)
    # pairs holding item 2 only: gold has (2, 3), the prediction (0, 2) and (1, 2)
    assert co_membership(gold, pred, among=[False, False, True, False]) == (0.0, 0.0, 0.0)
    assert first_sentence("\nThe vote passed 52-48. Senators left.\n\nMore.") == (
        "The vote passed 52-48."
    )
