"""Blocks of one outlet (newsletter pitches, footers) are learned per outlet and are not copies.

Real runs (:func:`wiretrace.run`, the CLI with ``--db``) over articles written for these
tests: the stories of an invented outlet, the Harbour Gazette, and of two others.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys

import orjson

from wiretrace import Config, run
from wiretrace.clean.article import clean_article
from wiretrace.clean.boilerplate import line_key
from wiretrace.clean.outlet_blocks import Holder, outlet_of, shared_blocks
from wiretrace.config import CleanSettings, RunSettings, StorySettings
from wiretrace.records import COPY_RELATIONS, Article
from wiretrace.store import SCHEMA_VERSION, Store

COPY_ONLY = Config(story=StorySettings(enabled=False), run=RunSettings(workers=1))

PITCH = (
    "Before you go: the Harbour Gazette Morning Brief lands in your inbox at six every "
    "weekday, with the five stories our editors think you should read first, a short note "
    "from the newsroom and the weather for the bay. It is free, it takes three minutes to "
    "read, and you can leave whenever you like. Sign up on our website and tell a friend "
    "who still reads the paper on the ferry."
)
FERRY = [
    "The Bayline ferry company will cut its winter timetable to four crossings a day from "
    "the first of November, its chief executive told councillors on Tuesday.",
    "Marta Lindqvist said fuel costs had risen by a third since the spring and that the two "
    "older vessels in the fleet needed new engines before the summer season.",
    "Commuters on the northern islands, who rely on the early crossing to reach jobs in the "
    "port, said the change would leave them stranded for most of the morning.",
    "The council's transport committee has asked the company to keep the 6.40 departure and "
    "offered to review the subsidy it pays for the island routes in January.",
    "A petition started by the island residents' association had gathered more than 2,300 "
    "signatures by Wednesday evening, its organisers said.",
    "The company said it would publish the final timetable by the middle of October after "
    "talks with the council and the harbour authority.",
]
#: The ferry story as a second desk of the Gazette ran it, lightly edited.
FERRY_EDITED = [
    "The Bayline ferry company is to cut its winter timetable to four crossings a day from "
    "the first of November, its chief executive told councillors on Tuesday.",
    "Marta Lindqvist said fuel costs had risen by a third since spring and that the two "
    "oldest vessels in the fleet needed new engines before the summer season.",
    "Commuters on the northern islands, who depend on the early crossing to reach jobs in "
    "the port, said the change would leave them stranded for most of the morning.",
    FERRY[3],
    "A petition started by the island residents' association had gathered over 2,300 "
    "signatures by Wednesday evening, its organisers said.",
    FERRY[5],
]
#: A later report on the same ferry story, reworded, reusing two background paragraphs.
FERRY_FOLLOW_UP = [
    "Bayline will keep its 6.40 crossing through the winter after all, the ferry company "
    "said on Friday, reversing part of the cut it announced to councillors last week.",
    "Chief executive Marta Lindqvist told the Gazette the early departure would run on "
    "weekdays only, and that the council had agreed to bring forward its review of the "
    "island subsidy from January to December.",
    FERRY[1],
    FERRY[2],
    "The residents' association welcomed the change but said weekend passengers from the "
    "northern islands would still wait until ten for the first Bayline boat in November.",
]
LIBRARY = [
    "The city library on Quay Street reopened on Saturday after an eighteen-month renovation "
    "that added a children's wing, a rooftop reading garden and a small recording studio.",
    "Head librarian Tomasz Okafor said visitor numbers on the first day passed 4,000, twice "
    "the busiest day recorded before the building closed.",
    "The project cost 12.5 million, of which a national heritage fund paid about half; the "
    "rest came from the city budget and a donation from a local shipping family.",
    "Architects kept the original 1911 facade and the cast-iron staircase, which had been "
    "hidden behind plasterboard since a renovation in the 1970s.",
    "Opening hours will be extended to ten in the evening on weekdays from next month, and "
    "the studio can be booked free of charge by anyone with a library card.",
    "Okafor said the library would also lend laptops and mobile hotspots to households "
    "without internet access, starting with 150 devices.",
]
BRIDGE = [
    "Engineers closed the Eastgate swing bridge to lorries on Thursday after an inspection "
    "found corrosion in two of the steel bearings that carry its opening span.",
    "Highways manager Priya Raman said cars and buses could still cross at twenty miles an "
    "hour while a repair was designed, which she expected to take about six weeks.",
    "Hauliers serving the container terminal face a detour of eleven kilometres through "
    "the ring road, adding up to half an hour to each journey at peak times.",
    "The bridge, built in 1962, was last refurbished in 2004; a report to the highways "
    "board in March had already ranked it among the five structures most at risk.",
    "Raman said sensors would be fitted to the bearings so that the span could be watched "
    "around the clock until the repair is finished.",
    "Business groups asked the city to waive parking charges near the terminal while the "
    "detour is in place.",
]
#: A standing note a wire service puts under every story it distributes.
WIRE_NOTE = (
    "This story was distributed by Coastwire, a cooperative of regional newsrooms; member "
    "outlets may republish it in full with credit."
)


def _record(article_id: str, paragraphs: list[str], source: str | None, **fields) -> dict:
    return {
        "id": article_id,
        "title": fields.pop("title", paragraphs[0].split(",")[0]),
        "text": "\n\n".join(paragraphs),
        "source": source,
        "published": "2024-10-08T09:00:00+00:00",
        **fields,
    }


def _write(path, records: list[dict]):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _copies(result) -> dict[frozenset, str]:
    return {
        frozenset((r.a, r.b)): r.relation for r in result.relations if r.relation in COPY_RELATIONS
    }


def _removed(article) -> dict[str, str]:
    return dict(zip(article.removed, article.removed_reasons, strict=True))


def test_pitch_shared_by_two_unrelated_articles_of_one_outlet_is_removed(tmp_path):
    path = _write(
        tmp_path / "in.jsonl",
        [
            _record("gazette-ferry", [*FERRY, PITCH], "Harbour Gazette"),
            _record("gazette-library", [*LIBRARY, PITCH], "Harbour Gazette"),
        ],
    )
    before = run(
        [path],
        Config(
            story=StorySettings(enabled=False),
            run=RunSettings(workers=1),
            clean=CleanSettings(outlet_block_min_words=10_000),
        ),
    )
    assert _copies(before) == {frozenset(("gazette-ferry", "gazette-library")): "partial"}

    result = run([path], COPY_ONLY)
    assert _copies(result) == {}
    for article in result.articles:
        assert PITCH not in article.paragraphs
        assert _removed(article)[PITCH] == (
            "outlet block (in 2 articles of Harbour Gazette that are otherwise unrelated)"
        )


def test_outlet_is_the_url_host_when_the_record_has_no_source(tmp_path):
    path = _write(
        tmp_path / "in.jsonl",
        [
            _record(
                "a", [*FERRY, PITCH], None, url="https://www.harbourgazette.example/ferry-cuts"
            ),
            _record("b", [*BRIDGE, PITCH], None, url="https://harbourgazette.example/bridge"),
        ],
    )
    result = run([path], COPY_ONLY)
    assert _copies(result) == {}
    assert {_removed(a)[PITCH] for a in result.articles} == {
        "outlet block (in 2 articles of harbourgazette.example that are otherwise unrelated)"
    }


def test_outlet_of_reads_source_then_host_and_survives_bad_urls():
    assert outlet_of("  Harbour   GAZETTE ", "https://other.example/x") == "harbour gazette"
    assert outlet_of(None, "https://www.Harbour.example:8080/a") == "harbour.example"
    assert outlet_of("", "http://[not-a-host/") is None  # malformed: no outlet, no crash
    assert outlet_of(None, None) is None


def test_copies_of_one_outlet_stay_copies(tmp_path):
    # Two copies alone, under headlines naming nothing in common: they share most of their
    # text, so nothing is a block.
    exact = _write(
        tmp_path / "exact.jsonl",
        [
            _record("gazette-ferry", [*FERRY, PITCH], "Harbour Gazette"),
            _record("gazette-ferry-again", [*FERRY, PITCH], "Harbour Gazette", title="Winter cuts"),
        ],
    )
    result = run([exact], COPY_ONLY)
    assert _copies(result) == {frozenset(("gazette-ferry", "gazette-ferry-again")): "duplicate"}
    assert all(PITCH in a.paragraphs for a in result.articles)

    # An edited copy: the pitch it shares with the original is not learned from the two...
    db = tmp_path / "index.db"
    edited = _write(
        tmp_path / "edited.jsonl",
        [
            _record("gazette-ferry", [*FERRY, PITCH], "Harbour Gazette"),
            _record("gazette-ferry-edited", [*FERRY_EDITED, PITCH], "Harbour Gazette"),
        ],
    )
    result = run([edited], COPY_ONLY, db=db)
    assert _copies(result) == {frozenset(("gazette-ferry", "gazette-ferry-edited")): "copy"}
    assert all(PITCH in a.paragraphs for a in result.articles)
    # ... but it is once an unrelated Gazette article carries it: two of the three pairs
    # of its holders are otherwise unrelated. Three articles, but over two runs: the
    # corpus-wide rule (three in one run) does not see it; the outlet rule, over the store,
    # does.
    library = _write(
        tmp_path / "library.jsonl",
        [_record("gazette-library", [*LIBRARY, PITCH], "Harbour Gazette")],
    )
    result = run([library], COPY_ONLY, db=db)
    (article,) = result.articles
    assert _removed(article)[PITCH] == (
        "outlet block (in 3 articles of Harbour Gazette that are otherwise unrelated)"
    )
    assert result.relations == []
    with Store(db, read_only=True) as store:
        assert {(r.a, r.b, r.relation) for r in store.relations()} == {
            ("gazette-ferry", "gazette-ferry-edited", "copy")
        }


def test_new_articles_are_judged_beside_a_line_the_store_holds_many_times(tmp_path):
    # Six stored Gazette versions of one story carry the pitch: every pair of them is
    # related, so it is no block among them...
    db = tmp_path / "index.db"
    versions = [FERRY, FERRY_EDITED] * 3
    stored = [
        _record(f"ferry-{n}", [*text, PITCH], "Harbour Gazette") for n, text in enumerate(versions)
    ]
    result = run([_write(tmp_path / "day1.jsonl", stored)], COPY_ONLY, db=db)
    assert all(PITCH in a.paragraphs for a in result.articles)
    # ... but two unrelated stories with it later make it one, judged beside three of them.
    later = [
        _record("library", [*LIBRARY, PITCH], "Harbour Gazette"),
        _record("bridge", [*BRIDGE, PITCH], "Harbour Gazette"),
    ]
    result = run([_write(tmp_path / "day2.jsonl", later)], COPY_ONLY, db=db)
    assert {_removed(a)[PITCH] for a in result.articles} == {
        "outlet block (in 8 articles of Harbour Gazette that are otherwise unrelated)"
    }
    assert result.relations == []


def test_background_reused_by_a_follow_up_of_the_same_story_is_story_text(tmp_path):
    path = _write(
        tmp_path / "in.jsonl",
        [
            _record("gazette-ferry", FERRY, "Harbour Gazette"),
            _record("gazette-ferry-follow-up", FERRY_FOLLOW_UP, "Harbour Gazette"),
        ],
    )
    result = run([path], COPY_ONLY)
    assert _copies(result) == {frozenset(("gazette-ferry", "gazette-ferry-follow-up")): "partial"}
    assert not [r for a in result.articles for r in a.removed_reasons if "outlet block" in r]


def test_the_same_block_in_different_outlets_is_left_to_the_corpus_wide_rule(tmp_path):
    two = _write(
        tmp_path / "two.jsonl",
        [
            _record("gazette-ferry", [*FERRY, PITCH], "Harbour Gazette"),
            _record("courier-library", [*LIBRARY, PITCH], "Quayside Courier"),
        ],
    )
    result = run([two], COPY_ONLY)
    assert all(PITCH in a.paragraphs for a in result.articles)  # not one outlet's block
    assert _copies(result) == {frozenset(("gazette-ferry", "courier-library")): "partial"}

    three = _write(
        tmp_path / "three.jsonl",
        [
            _record("gazette-ferry", [*FERRY, PITCH], "Harbour Gazette"),
            _record("courier-library", [*LIBRARY, PITCH], "Quayside Courier"),
            _record("post-bridge", [*BRIDGE, PITCH], "Eastgate Post"),
        ],
    )
    result = run([three], COPY_ONLY)
    assert _copies(result) == {}
    assert {_removed(a)[PITCH] for a in result.articles} == {
        "learned boilerplate (in 3 articles of different stories)"
    }


def _holder(paragraphs: list[str], title: str = "") -> Holder:
    return Holder.of(clean_article(Article(id="x", title=title, text="\n\n".join(paragraphs))))


def _caseless(paragraphs: list[str]) -> list[str]:
    """The text in lower case without figures: as for a script without letter case, names
    and numbers find nothing in it, and only the shared wording tells a copy."""
    return [re.sub(r"[0-9]", "", p.lower()) for p in paragraphs]


def test_an_edited_copy_without_names_is_told_by_its_wording():
    edited = [0, 1, 2, 4]  # the paragraphs FERRY_EDITED rewords
    pitch = _caseless([PITCH])
    ferry = _holder(_caseless([FERRY[i] for i in edited]) + pitch)
    ferry_edited = _holder(_caseless([FERRY_EDITED[i] for i in edited]) + pitch)
    library = _holder(_caseless(LIBRARY[:4]) + pitch)
    marked = {line_key(pitch[0])}
    assert shared_blocks(ferry, library, marked, Config()) == marked
    assert shared_blocks(ferry, ferry_edited, marked, Config()) == set()


def test_a_block_is_a_run_of_paragraphs_of_at_least_twelve_words():
    sign_off = "Reporting by the Gazette newsroom, edited by the night desk."  # 10 words
    contact = "Tips and corrections: newsdesk@harbourgazette.example or 0100 200 300."  # 8
    ferry, library = _holder([*FERRY, sign_off]), _holder([*LIBRARY, sign_off])
    assert shared_blocks(ferry, library, {line_key(sign_off)}, Config()) == set()
    ferry, library = _holder([*FERRY, sign_off, contact]), _holder([*LIBRARY, sign_off, contact])
    both = {line_key(sign_off), line_key(contact)}
    assert shared_blocks(ferry, library, both, Config()) == both


def _cli_run(inputs, db, out):
    subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", "run", str(inputs), "--db", str(db)]
        + ["--out", str(out), "--no-stories", "--no-html"],
        capture_output=True,
        check=True,
    )
    articles = {
        a["id"]: a for a in map(orjson.loads, (out / "articles.jsonl").read_bytes().splitlines())
    }
    relations = [orjson.loads(r) for r in (out / "relations.jsonl").read_bytes().splitlines()]
    return articles, relations


def test_blocks_are_learned_across_runs_over_a_store(tmp_path):
    db = tmp_path / "index.db"
    day1 = _write(tmp_path / "day1.jsonl", [_record("ferry", [*FERRY, PITCH], "Harbour Gazette")])
    articles, _ = _cli_run(day1, db, tmp_path / "out1")
    assert PITCH in articles["ferry"]["paragraphs"]  # one article: nothing to learn from

    # Day 2: one more Gazette article with the pitch, judged against the stored one.
    day2 = _write(
        tmp_path / "day2.jsonl", [_record("library", [*LIBRARY, PITCH], "Harbour Gazette")]
    )
    articles, relations = _cli_run(day2, db, tmp_path / "out2")
    library = articles["library"]
    assert PITCH not in library["paragraphs"]
    assert dict(zip(library["removed"], library["removed_reasons"], strict=True))[PITCH] == (
        "outlet block (in 2 articles of Harbour Gazette that are otherwise unrelated)"
    )
    assert relations == []
    with Store(db, read_only=True) as store:
        (line,) = [v for v in store.outlet_lines(_all_keys(db)).values() if v.block]
    assert (line.outlet, line.holders, line.articles) == (
        "harbour gazette",
        ["ferry", "library"],
        2,
    )

    # Day 3: copies of both stored stories. The learned block is removed without being
    # judged again, and each copy is found against its stored original. The library article
    # was stored without the pitch, so its copy is a duplicate; the ferry article was stored
    # before the pitch was learned and keeps it (stored articles keep the text they were
    # stored with): the pitch is 72 of its 226 words, so the copy covers 0.69 of it, under
    # copy_min_coverage (0.7): partial.
    day3 = _write(
        tmp_path / "day3.jsonl",
        [
            _record("ferry-edited", [*FERRY_EDITED, PITCH], "Harbour Gazette"),
            _record("library-again", [*LIBRARY, PITCH], "Harbour Gazette"),
        ],
    )
    articles, relations = _cli_run(day3, db, tmp_path / "out3")
    for article_id in ("ferry-edited", "library-again"):
        article = articles[article_id]
        assert dict(zip(article["removed"], article["removed_reasons"], strict=True))[PITCH] == (
            "outlet block (in 4 articles of Harbour Gazette that are otherwise unrelated)"
        )
    assert sorted((r["a"], r["b"], r["relation"]) for r in relations) == [
        ("ferry", "ferry-edited", "partial"),
        ("library", "library-again", "duplicate"),
    ]


def _all_keys(db) -> list[int]:
    con = sqlite3.connect(db)
    try:
        return [k for (k,) in con.execute("SELECT key FROM outlet_lines")]
    finally:
        con.close()


def test_a_line_in_a_stored_article_of_another_outlet_is_not_a_block(tmp_path):
    db = tmp_path / "index.db"
    wire_copy = _write(
        tmp_path / "day1.jsonl",
        [_record("courier-ferry", [*FERRY, WIRE_NOTE], "Quayside Courier")],
    )
    run([wire_copy], COPY_ONLY, db=db)
    # Two unrelated wire stories in the Gazette, both under the wire's note: unrelated
    # articles of one outlet sharing a block, but the Courier carries the note too.
    gazette = _write(
        tmp_path / "day2.jsonl",
        [
            _record("gazette-ferry", [*FERRY, WIRE_NOTE], "Harbour Gazette"),
            _record("gazette-library", [*LIBRARY, WIRE_NOTE], "Harbour Gazette"),
        ],
    )
    result = run([gazette], COPY_ONLY, db=db)
    assert all(WIRE_NOTE in a.paragraphs for a in result.articles)
    assert _copies(result)[frozenset(("courier-ferry", "gazette-ferry"))] == "duplicate"
    with Store(db, read_only=True) as store:
        lines = store.outlet_lines(_all_keys(db))
    assert not [v for v in lines.values() if v.block]
    assert [v.outlet for v in lines.values() if v.articles == 3] == [None]  # the note


def test_a_schema_3_store_indexes_its_lines_when_upgraded(tmp_path):
    db = tmp_path / "index.db"
    day1 = _write(tmp_path / "day1.jsonl", [_record("ferry", [*FERRY, PITCH], "Harbour Gazette")])
    run([day1], COPY_ONLY, db=db)
    con = sqlite3.connect(db)  # what a store written before schema 4 lacks
    with con:
        con.execute("DROP TABLE outlet_lines")
        con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    day2 = _write(
        tmp_path / "day2.jsonl", [_record("library", [*LIBRARY, PITCH], "Harbour Gazette")]
    )
    result = run([day2], COPY_ONLY, db=db)
    (library,) = result.articles
    assert PITCH in library.removed
    with Store(db, read_only=True) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
