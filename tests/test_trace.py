"""The trace stage: originals, derivations and per-version diffs (issue 4)."""

import pytest
from tests.conftest import DEMO, SEEDS, need

from wiretrace import Config, run
from wiretrace.clean.article import drop_paragraphs
from wiretrace.config import RunSettings, StorySettings
from wiretrace.records import AlignedPassage, CleanArticle, CopyFamily, Relation, Story
from wiretrace.trace import choose_original, trace, wire_credit
from wiretrace.trace.lineage import lost_in_cleaning
from wiretrace.trace.original import (
    credited_outlets,
    cut_sentences,
    joined_paragraphs,
    time_span,
)

A000, A001, A002 = "000_893a4a60c7c50d30", "001_4c9c80885384a75a", "002_005f1038b4d1bee6"
A003, A004 = "003_9733e8d9997f7d75", "004_8e093685829c3042"


def _article(id_, paragraphs, published=None, byline=None):
    return CleanArticle(
        id=id_,
        title=id_,
        paragraphs=paragraphs,
        removed=[],
        removed_reasons=[],
        published=published,
        byline=byline,
    )


def _copy(a, b, pairs, cov_a, cov_b, kind="copy"):
    evidence = [AlignedPassage(i, 0, 1, j, 0, 1, 1.0, 10) for i, j in pairs]
    return Relation(a, b, kind, cov_a, cov_b, 0.5, cov_a, cov_b, evidence)


# -- choosing the original ------------------------------------------------------------
def test_wire_credit_from_byline_and_dateline():
    assert (
        wire_credit(_article("x", ["Text."], byline="By Jo Doe, Associated Press"))
        == "Associated Press"
    )
    assert wire_credit(_article("x", ["MOSCOW (Reuters) - Russia said on Monday."])) == "Reuters"
    assert wire_credit(_article("x", ["(Moscow) Russia's foreign minister said."])) == "(Moscow)"
    assert wire_credit(_article("x", ["Russia said on Monday that talks would start."])) is None


def test_earliest_publication_wins_and_is_certain_only_when_all_are_dated():
    a = _article("a", ["x"], published="2021-12-27T10:00:00+00:00")
    b = _article("b", ["x"], published="2021-12-27T12:00:00+02:00")  # 10:00 UTC: a tie
    c = _article("c", ["x"], published="2021-12-26")
    choice = choose_original([a, b, c], {})
    assert (choice.original, choice.certain) == ("c", True)
    assert "published first (2021-12-26)" in choice.reason
    choice = choose_original([a, c, _article("d", ["x"])], {})
    assert (choice.original, choice.certain) == ("c", False)


def test_only_the_earliest_compete_at_the_precision_given():
    # A date alone spans its day: it ties with a time that day, never beats it; later
    # versions never compete, however complete.
    source = _article("source", ["x"], published="2021-12-27T19:18:00+00:00")
    dated_only = _article("dated_only", ["x"], published="2021-12-27")
    later = _article("later", ["x"], published="2021-12-28T08:00:00+00:00")
    contained = {("later", "source"): 1.0, ("source", "later"): 0.5, ("later", "dated_only"): 1.0}
    choice = choose_original([dated_only, source, later], contained)
    assert choice.original in ("source", "dated_only") and not choice.certain
    assert "2 published first, tied" in choice.reason
    # timezone-aware: 01:00 at UTC+2 is 23:00 UTC the day before
    east = _article("east", ["x"], published="2021-12-28T01:00+02:00")
    west = _article("west", ["x"], published="2021-12-27T23:30:00+00:00")
    assert choose_original([west, east], {}).original == "east"
    assert time_span("2021-12-27") == (1640563200.0, 1640649600.0)
    assert time_span("2021-12-27T10:00") == (1640599200.0, 1640599260.0)
    assert time_span("not a date") is None


def test_a_credit_to_an_outlet_among_the_versions_names_the_original():
    ledger = _article("ledger", ["Text of the story."], published="2021-12-27T10:00:00+00:00")
    ledger.source, ledger.url = "The Daily Ledger", "https://www.dailyledger.example/a/1"
    reprint = _article("reprint", ["Text of the story."], published="2021-12-27T09:00:00+00:00")
    reprint.source = "Harbor Times"
    reprint.removed, reprint.removed_reasons = (
        ["This article originally appeared on The Daily Ledger."],
        ["credit line"],
    )
    choice = choose_original([reprint, ledger], {})  # the reprint's timestamp is earlier
    assert (choice.original, choice.certain) == ("ledger", True)
    assert "credited as the source by reprint" in choice.reason
    # an agency's dateline kept by a reprint credits the agency's own version
    ap = _article("ap", ["Text."], published="2021-12-27T10:00:00+00:00")
    ap.source = "Associated Press"
    site = _article("site", ["MOSCOW (AP) — Text."], published="2021-12-27T09:00:00+00:00")
    assert credited_outlets(site) == {"associatedpress"}
    assert choose_original([site, ap], {}).original == "ap"
    assert credited_outlets(ap) == set()  # its own outlet is no credit


def test_text_of_other_stories_counts_against_a_version_never_as_completeness():
    t = "2021-12-27T10:00:00+00:00"
    source, stitched = (
        _article("source", ["a"], published=t),
        _article("stitched", ["a"], published=t),
    )
    # the stitched copy holds all of the source; the source holds 80% of the copy: the rest
    # is a paragraph of another story
    contained = {("stitched", "source"): 1.0, ("source", "stitched"): 0.8}
    choice = choose_original([stitched, source], contained, derived={"stitched": 0.2})
    assert (choice.original, choice.certain) == ("source", True)
    assert "holds text of other stories" in choice.reason


def test_an_undated_version_is_the_original_when_the_dated_pick_is_cut_from_it():
    full = _article("full", ["x"])
    cut = _article("cut", ["x"], published="2021-12-27T10:00:00+00:00")
    choice = choose_original([cut, full], {("full", "cut"): 1.0, ("cut", "full"): 0.6})
    assert (choice.original, choice.certain) == ("full", False)
    choice = choose_original([cut, full], {("full", "cut"): 0.9, ("cut", "full"): 0.9})
    assert (choice.original, choice.certain) == ("cut", False)  # could be older: not certain


def test_wire_credit_beats_completeness_and_a_tie_is_marked_uncertain():
    wire = _article("wire", ["x"], byline="By Jo Doe, AP")
    site = _article("site", ["x"])
    choice = choose_original([site, wire], {("site", "wire"): 0.9, ("wire", "site"): 0.7})
    assert choice.original == "wire" and choice.certain and "AP" in choice.reason
    other = _article("other", ["x"])
    choice = choose_original([site, other], {("site", "other"): 0.8, ("other", "site"): 0.78})
    assert not choice.certain and "cannot tell" in choice.reason
    choice = choose_original([site, other], {("site", "other"): 0.9, ("other", "site"): 0.6})
    assert (choice.original, choice.certain) == ("site", True)


TIED = "2021-12-27T10:00:00+00:00"
SOURCE = [
    "The council voted on Monday to close the old harbour bridge to traffic.",
    "Engineers found cracks in two of its piers during a routine inspection in May.",
    "The mayor said a ferry would run every twenty minutes until a new bridge opens.",
]


def test_a_version_cutting_sentences_another_holds_whole_is_the_copy():
    # A reflowed copy: the source's first two paragraphs joined, the third split
    # mid-sentence ("would run | every twenty minutes"). Both hold all of each other.
    source = _article("source", SOURCE, published=TIED)
    reflowed = _article(
        "reflowed",
        [
            SOURCE[0] + " " + SOURCE[1],
            "The mayor said a ferry would run",
            "every twenty minutes until a new bridge opens.",
        ],
        published=TIED,
    )
    assert cut_sentences(reflowed, source) == 1 and cut_sentences(source, reflowed) == 0
    full = {("source", "reflowed"): 1.0, ("reflowed", "source"): 1.0}
    choice = choose_original([reflowed, source], full)
    assert (choice.original, choice.certain) == ("source", False)
    assert "reflowed cuts 1 sentence across paragraphs that source holds whole" in choice.reason
    # an undated source is the original when the dated pick cuts its sentences
    undated = _article("source", SOURCE)
    choice = choose_original([reflowed, undated], full)
    assert (choice.original, choice.certain) == ("source", False)
    assert "cuts across paragraphs sentences it holds whole" in choice.reason


def test_a_version_joining_paragraphs_another_keeps_apart_is_the_copy():
    source = _article("source", SOURCE, published=TIED)
    joined = _article("joined", [SOURCE[0] + " " + SOURCE[1], SOURCE[2]], published=TIED)
    assert joined_paragraphs(joined, source) == 1 and joined_paragraphs(source, joined) == 0
    full = {("source", "joined"): 1.0, ("joined", "source"): 1.0}
    choice = choose_original([joined, source], full)
    assert (choice.original, choice.certain) == ("source", False)
    assert "joined joins 1 paragraph break of source" in choice.reason
    # a break the source itself makes mid-sentence, which its copy keeps, counts for neither
    broken = [*SOURCE[:2], "The mayor said a ferry would run", "every twenty minutes."]
    a, b = _article("a", broken, published=TIED), _article("b", broken, published=TIED)
    assert cut_sentences(a, b) == cut_sentences(b, a) == 0
    choice = choose_original([a, b], {("a", "b"): 1.0, ("b", "a"): 1.0})
    assert not choice.certain and "cannot tell" in choice.reason


def test_an_undated_version_adding_a_quote_is_not_the_source_of_the_dated_one():
    # The undated version holds all of the dated one and a quote of another story: the dated
    # one is not cut from it (the quote is no part of a source), so the dated one stays.
    dated = _article("dated", SOURCE, published=TIED)
    quoting = _article("quoting", [*SOURCE, "As the Ledger reported: “Other words.”"])
    contained = {("quoting", "dated"): 1.0, ("dated", "quoting"): 0.75}
    choice = choose_original([dated, quoting], contained, off_story={"quoting": True})
    assert choice.original == "dated" and not choice.certain
    choice = choose_original([dated, quoting], contained, derived={"quoting": 0.25})
    assert choice.original == "dated"
    # without the quote, 25% of it missing from the dated one is a cut: the undated is whole
    assert choose_original([dated, quoting], contained).original == "quoting"


def test_derivations_follow_time_and_flag_what_time_contradicts():
    a = _article("a", ["p0", "p1", "p2"], published="2024-01-01T08:00:00")
    b = _article("b", ["p0", "p1"], published="2024-01-01T09:00:00")
    c = _article("c", ["p0", "p1"])
    rels = [_copy("a", "b", [(0, 0), (1, 1)], 0.66, 1.0), _copy("b", "c", [(0, 0), (1, 1)], 1, 1)]
    fam = CopyFamily("family:a", ["a", "b", "c"])
    story = Story("story:a", ["a", "b", "c"], ["family:a"])
    (lineage,), diffs = trace(
        [a, b, c], rels, [fam], [story], Config(story=StorySettings(encoder="none"))
    )
    assert lineage.original == "a" and not lineage.original_certain  # c is undated
    edges = {(d.source, d.derived): d for d in lineage.derivations}
    assert edges[("a", "b")].basis == "published earlier" and edges[("a", "b")].certain
    assert ("b", "c") in edges and not edges[("b", "c")].certain  # copies of each other, no time
    c_diff = next(d for d in diffs if d.id == "c")
    assert c_diff.against == "b"  # no relation to the original: compared with its source


def test_text_a_version_got_from_its_source_is_not_stitched_in():
    story = [
        "The council voted on Monday to close the old harbour bridge to all traffic.",
        "Engineers found cracks in two of its piers during a routine inspection in May.",
        "The mayor said a ferry would run every twenty minutes until a new bridge opens.",
    ]
    link = "RELATED: A soldier's song moves a nation of listeners"
    promo = "If you enjoyed this article, we have a proposition for you: join our club today"
    source = _article("source", story, published="2024-01-01T08:00:00")
    source.removed, source.removed_reasons = [link, promo], ["link line", "newsletter prompt"]
    reprint = _article("reprint", story, published="2024-01-02T08:00:00")
    reprint.removed, reprint.removed_reasons = [link], ["link line"]
    # A reflowed copy: the link line joined to the paragraph after it (and removed as a link
    # line), the promotion split, its first half kept as a paragraph.
    reflowed = _article(
        "reflowed", [*story, "If you enjoyed this article, we have a proposition"], "2024-01-02"
    )
    reflowed.removed = [f"{link} The council voted on Monday to close the old bridge."]
    reflowed.removed_reasons = ["link line"]
    # Another article sharing one paragraph: the rest is its own story, not stitched into it.
    other = _article(
        "other",
        [
            story[1],
            "Volume on the exchanges was seven billion shares, above the monthly average.",
            "Advancing issues outnumbered declining ones on the exchange by two to one.",
        ],
        "2024-01-03",
    )
    same = [(0, 0), (1, 1), (2, 2)]
    rels = [
        _copy("source", "reprint", same, 1.0, 1.0, "duplicate"),
        _copy("source", "reflowed", same, 1.0, 0.9),
        _copy("source", "other", [(1, 0)], 0.3, 0.3, "partial"),
    ]
    members = ["source", "reprint", "reflowed", "other"]
    fam = CopyFamily("family:source", members)
    (lineage,), diffs = trace(
        [source, reprint, reflowed, other],
        rels,
        [fam],
        [Story("story:source", members, ["family:source"])],
        Config(story=StorySettings(encoder="none")),
    )
    assert lineage.original == "source"
    by_id = {d.id: d for d in diffs}
    # nothing is stitched in anywhere: the link line the original gave its reprint, the
    # link line a reflow joined to a paragraph, the piece of a removed promotion, the other
    # article's own paragraphs
    assert not [(d.id, p.text) for d in diffs for p in d.passages if p.kind == "stitched_in"]
    piece = next(p for p in by_id["reflowed"].passages if p.paragraph == 3)
    assert piece.kind == "boilerplate" and piece.reason == (
        "removed from source as newsletter prompt (a piece of it)"
    )
    own = [p.kind for p in by_id["other"].passages if p.side == "version" and p.paragraph]
    assert own == ["added", "added"]


def test_a_paragraph_the_source_lost_in_cleaning_does_not_make_it_look_cut():
    # The source's poll paragraph recurs in other stories and was learned as boilerplate; a
    # copy published at the same time, which edited it, kept it. Completeness alone would
    # call the source cut from the copy, and certainly.
    story = SOURCE
    poll = "According to a poll taken in December, most voters want the bridge rebuilt soon."
    source = _article("source", story, published=TIED)
    source.removed, source.removed_reasons = [poll], ["learned boilerplate"]
    copy = _article("copy", [*story, poll.replace("soon", "quickly")], published=TIED)
    rel = _copy("source", "copy", [(0, 0), (1, 1), (2, 2)], 1.0, 0.0)
    starts = copy.paragraph_starts()
    rel.evidence = [
        AlignedPassage(i, starts[i], starts[i] + len(p), i, starts[i], starts[i] + len(p), 1.0, 9)
        for i, p in enumerate(story)
    ]
    rel.coverage_a, rel.coverage_b = 1.0, starts[3] / len(copy.text)
    assert lost_in_cleaning(source, copy, rel) == pytest.approx(
        len(copy.paragraphs[3]) / len(copy.text)
    )
    assert lost_in_cleaning(copy, source, rel) == 0.0
    fam = CopyFamily("family:source", ["source", "copy"])
    (lineage,), _ = trace(
        [copy, source],
        [rel],
        [fam],
        [Story("story:source", ["source", "copy"], [fam.family])],
        Config(story=StorySettings(encoder="none")),
    )
    assert not (lineage.original == "copy" and lineage.original_certain)


def test_removed_line_positions_survive_dropping_learned_boilerplate():
    article = CleanArticle(
        "x", "t", ["p0", "p1", "p2", "p3"], ["Advertisement"], ["advertisement"], removed_at=[3]
    )
    drop_paragraphs(article, {1}, lambda i: "learned boilerplate")
    assert article.paragraphs == ["p0", "p2", "p3"]
    assert article.removed_at == [2, 1]  # the ad still sits before p3; p1 sat before p2
    assert article.text[article.removed_offset(0) :].startswith("p3")
    assert article.text[article.removed_offset(1) :].startswith("p2")


# -- the demo corpus (ships with the package) ----------------------------------------
@pytest.fixture(scope="module")
def demo(request):
    from tests.conftest import DEMO

    return run([DEMO], Config(run=RunSettings(workers=1)))


def _diff(result, article_id):
    return next(d for d in result.diffs if d.id == article_id)


def _passage_text(result, diff, passage):
    if passage.text is not None:
        return passage.text
    owner = diff.id if passage.side == "version" else diff.against
    text = next(a for a in result.articles if a.id == owner).text
    return text[passage.start : passage.end]


def test_demo_reprint_has_stitched_paragraphs_named_with_their_source(demo):
    (lineage,) = demo.lineages
    assert lineage.original == "wire_original" and lineage.original_certain
    diff = _diff(demo, "reprint_with_chrome")
    stitched = [p for p in diff.passages if p.kind == "stitched_in" and p.paragraph is not None]
    assert [p.from_article for p in stitched] == ["ferry_story", "ferry_story"]
    assert all("ferry" in _passage_text(demo, diff, p).lower() for p in stitched)
    assert all(p.story_similarity < Config().trace.stitched_max_story_similarity for p in stitched)
    dropped = [p for p in diff.passages if p.kind == "dropped"]
    assert [p.paragraph for p in dropped] == [4, 5] and all(p.side == "against" for p in dropped)
    original = _diff(demo, "wire_original")
    assert [p.kind for p in original.passages if p.paragraph in (4, 5)] == ["added", "added"]


def test_every_offset_points_at_its_text(demo):
    for diff in demo.diffs:
        for p in diff.passages:
            text = _passage_text(demo, diff, p)
            if p.paragraph is not None:
                owner = diff.id if p.side == "version" else diff.against
                article = next(a for a in demo.articles if a.id == owner)
                assert text == article.paragraphs[p.paragraph]
            else:
                assert p.start == p.end and p.kind in ("boilerplate", "stitched_in")


# -- the seeds ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds():
    return run([need(SEEDS)], Config(run=RunSettings(workers=1)))


def test_seed_001_is_the_original_for_its_wire_byline(seeds):
    lineage = next(g for g in seeds.lineages if A001 in g.members)
    assert lineage.original == A001 and lineage.original_certain
    assert "Associated Press" in lineage.original_reason
    assert set(lineage.members) == {A000, A001, A002}
    edges = {(d.source, d.derived): d.relation for d in lineage.derivations}
    assert edges == {(A001, A002): "copy", (A001, A000): "rewrite"}
    assert A003 not in lineage.members and A004 not in lineage.members


def test_seed_002_has_iran_paragraphs_and_read_more_stitched_in(seeds):
    diff = _diff(seeds, A002)
    assert (diff.against, diff.relation) == (A001, "copy")
    stitched = [_passage_text(seeds, diff, p) for p in diff.passages if p.kind == "stitched_in"]
    assert len(stitched) == 3
    assert sum("Iran" in t or "Marchal" in t for t in stitched) == 2
    assert any(t.startswith("Read more:") for t in stitched)
    dropped = [_passage_text(seeds, diff, p) for p in diff.passages if p.kind == "dropped"]
    assert len(dropped) == 2 and "Fomin" in dropped[0]


def test_seed_001_fomin_paragraphs_are_only_in_001_and_not_stitched(seeds):
    diff = _diff(seeds, A001)
    only_here = [p for p in diff.passages if p.paragraph is not None and not p.found_in]
    assert [p.kind for p in only_here] == ["added", "added"]
    assert "Fomin" in _passage_text(seeds, diff, only_here[0])


def test_seed_000_is_a_rewrite_with_see_also_stitched_in(seeds):
    diff = _diff(seeds, A000)
    assert (diff.against, diff.relation) == (A001, "rewrite")
    assert sum(p.kind == "reworded" for p in diff.passages) >= 6
    see_also = [p for p in diff.passages if p.text and p.text.startswith("See also")]
    assert [p.kind for p in see_also] == ["stitched_in"]
    assert not [p for p in diff.passages if p.kind == "stitched_in" and p.paragraph is not None]


def test_a_canonical_address_on_the_sources_outlet_credits_it(tmp_path):
    # The same story as two pages: the source's, and a reprint found on another outlet
    # whose canonical link points at the source's page. The reprint's timestamp is earlier.
    import orjson

    body = "".join(
        f"<p>{p}</p>" for p in (DEMO / "wire_original.txt").read_text().split("\n\n")[1:]
    )

    def page(canonical: str) -> str:
        return (
            f'<html><head><link rel="canonical" href="{canonical}"></head>'
            f"<body><article><h1>Solar farm</h1>{body}</article></body></html>"
        )

    source_url = "https://www.dailyledger.example/news/solar-farm"
    records = [
        {
            "id": "ledger",
            "html": page(source_url),
            "url": source_url,
            "source": "The Daily Ledger",
            "published": "2021-12-27T10:00:00+00:00",
        },
        {
            "id": "reprint",
            "html": page(source_url),
            "url": "https://www.harbortimes.example/a/123",
            "source": "Harbor Times",
            "published": "2021-12-27T09:00:00+00:00",
        },
    ]
    path = tmp_path / "pages.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    result = run([path])
    reprint = next(a for a in result.articles if a.id == "reprint")
    assert reprint.url == "https://www.harbortimes.example/a/123"  # its own address kept
    assert reprint.canonical == source_url
    (lineage,) = result.lineages
    assert (lineage.original, lineage.original_certain) == ("ledger", True)
    assert "credited as the source by reprint" in lineage.original_reason


def test_an_added_paragraphs_context_is_embedded_until_one_passage_rescues_it(counting_use):
    """The context of a paragraph the word views leave undecided is embedded in rounds,
    closest first: one shown on the story by its closest passage costs that round only; one
    unlike everything is compared with its whole context before it is called stitched in."""
    from wiretrace.records import DiffPassage
    from wiretrace.trace.diff import _ParagraphScorer, _rescue_by_meaning

    counting, seen = counting_use
    ferry = "The ferry operator cancelled every crossing after the storm damaged the pier."
    reworded = "Every crossing was called off by the ferry company once the gale wrecked its pier."
    unrelated = [
        f"Paragraph {k} of the council minutes lists item {k} on the library's opening hours."
        for k in range(40)
    ]
    articles = {
        "v": CleanArticle("v", "", [ferry, "Brazil won the final on penalties."], [], []),
        "m": CleanArticle("m", "", [reworded, *unrelated], [], []),
    }
    context = [("m", j) for j in range(41)]  # closest first: the reworded ferry leads
    queries = [
        (DiffPassage("added", "version", 0, 1, paragraph=0), ("v", 0), context),
        (DiffPassage("added", "version", 0, 1, paragraph=1), ("v", 1), context[1:]),
    ]
    scorer = _ParagraphScorer(articles, {("v", 0), ("v", 1), *context}, 1)
    undecided = list(queries)
    _rescue_by_meaning(undecided, scorer, 0.15, articles, [counting], None, None)
    assert [q[1] for q in undecided] == [("v", 1)]  # the football paragraph: stitched in
    assert (queries[0][0].story_similarity or 0) >= 0.15
    # The first round: both queries and 4 passages of each context (5 in all); the rest
    # of the unrelated ones only for the paragraph never rescued. Each embedded once.
    first_round = {ferry, "Brazil won the final on penalties.", reworded, *unrelated[:4]}
    assert set(seen[:7]) == first_round
    assert len(seen) == len(set(seen)) == 2 + 41
