"""The trace stage's originals (issue 4, wiretrace.trace.original): dates, credits, cuts."""

from tests.helpers import DEMO
from tests.trace.helpers import A000, A001, A002, SOURCE, TIED, make_article
from wiretrace import run
from wiretrace.trace import choose_original, wire_credit
from wiretrace.trace.original import (
    credited_outlets,
    cut_sentences,
    joined_paragraphs,
    time_span,
)

A003, A004 = "003_9733e8d9997f7d75", "004_8e093685829c3042"


# -- choosing the original ------------------------------------------------------------
def test_wire_credit_from_byline_and_dateline():
    assert (
        wire_credit(make_article("x", ["Text."], byline="By Jo Doe, Associated Press"))
        == "Associated Press"
    )
    assert (
        wire_credit(make_article("x", ["MOSCOW (Reuters) - Russia said on Monday."])) == "Reuters"
    )
    assert (
        wire_credit(make_article("x", ["(Moscow) Russia's foreign minister said."])) == "(Moscow)"
    )
    assert wire_credit(make_article("x", ["Russia said on Monday that talks would start."])) is None


def test_earliest_publication_wins_and_is_certain_only_when_all_are_dated():
    a = make_article("a", ["x"], published="2021-12-27T10:00:00+00:00")
    b = make_article("b", ["x"], published="2021-12-27T12:00:00+02:00")  # 10:00 UTC: a tie
    c = make_article("c", ["x"], published="2021-12-26")
    choice = choose_original([a, b, c], {})
    assert (choice.original, choice.certain) == ("c", True)
    assert "published first (2021-12-26)" in choice.reason
    choice = choose_original([a, c, make_article("d", ["x"])], {})
    assert (choice.original, choice.certain) == ("c", False)


def test_only_the_earliest_compete_at_the_precision_given():
    # A date alone spans its day: it ties with a time that day, never beats it; later
    # versions never compete, however complete.
    source = make_article("source", ["x"], published="2021-12-27T19:18:00+00:00")
    dated_only = make_article("dated_only", ["x"], published="2021-12-27")
    later = make_article("later", ["x"], published="2021-12-28T08:00:00+00:00")
    contained = {("later", "source"): 1.0, ("source", "later"): 0.5, ("later", "dated_only"): 1.0}
    choice = choose_original([dated_only, source, later], contained)
    assert choice.original in ("source", "dated_only") and not choice.certain
    assert "2 published first, tied" in choice.reason
    # timezone-aware: 01:00 at UTC+2 is 23:00 UTC the day before
    east = make_article("east", ["x"], published="2021-12-28T01:00+02:00")
    west = make_article("west", ["x"], published="2021-12-27T23:30:00+00:00")
    assert choose_original([west, east], {}).original == "east"
    assert time_span("2021-12-27") == (1640563200.0, 1640649600.0)
    assert time_span("2021-12-27T10:00") == (1640599200.0, 1640599260.0)
    assert time_span("not a date") is None


def test_a_credit_to_an_outlet_among_the_versions_names_the_original():
    ledger = make_article("ledger", ["Text of the story."], published="2021-12-27T10:00:00+00:00")
    ledger.source, ledger.url = "The Daily Ledger", "https://www.dailyledger.example/a/1"
    reprint = make_article("reprint", ["Text of the story."], published="2021-12-27T09:00:00+00:00")
    reprint.source = "Harbor Times"
    reprint.removed, reprint.removed_reasons = (
        ["This article originally appeared on The Daily Ledger."],
        ["credit line"],
    )
    choice = choose_original([reprint, ledger], {})  # the reprint's timestamp is earlier
    assert (choice.original, choice.certain) == ("ledger", True)
    assert "credited as the source by reprint" in choice.reason
    # an agency's dateline kept by a reprint credits the agency's own version
    ap = make_article("ap", ["Text."], published="2021-12-27T10:00:00+00:00")
    ap.source = "Associated Press"
    site = make_article("site", ["MOSCOW (AP) — Text."], published="2021-12-27T09:00:00+00:00")
    assert credited_outlets(site) == {"associatedpress"}
    assert choose_original([site, ap], {}).original == "ap"
    assert credited_outlets(ap) == set()  # its own outlet is no credit


def test_text_of_other_stories_counts_against_a_version_never_as_completeness():
    t = "2021-12-27T10:00:00+00:00"
    source, stitched = (
        make_article("source", ["a"], published=t),
        make_article("stitched", ["a"], published=t),
    )
    # the stitched copy holds all of the source; the source holds 80% of the copy: the rest
    # is a paragraph of another story
    contained = {("stitched", "source"): 1.0, ("source", "stitched"): 0.8}
    choice = choose_original([stitched, source], contained, derived={"stitched": 0.2})
    assert (choice.original, choice.certain) == ("source", True)
    assert "holds text of other stories" in choice.reason


def test_an_undated_version_is_the_original_when_the_dated_pick_is_cut_from_it():
    full = make_article("full", ["x"])
    cut = make_article("cut", ["x"], published="2021-12-27T10:00:00+00:00")
    choice = choose_original([cut, full], {("full", "cut"): 1.0, ("cut", "full"): 0.6})
    assert (choice.original, choice.certain) == ("full", False)
    choice = choose_original([cut, full], {("full", "cut"): 0.9, ("cut", "full"): 0.9})
    assert (choice.original, choice.certain) == ("cut", False)  # could be older: not certain


def test_wire_credit_beats_completeness_and_a_tie_is_marked_uncertain():
    wire = make_article("wire", ["x"], byline="By Jo Doe, AP")
    site = make_article("site", ["x"])
    choice = choose_original([site, wire], {("site", "wire"): 0.9, ("wire", "site"): 0.7})
    assert choice.original == "wire" and choice.certain and "AP" in choice.reason
    other = make_article("other", ["x"])
    choice = choose_original([site, other], {("site", "other"): 0.8, ("other", "site"): 0.78})
    assert not choice.certain and "cannot tell" in choice.reason
    choice = choose_original([site, other], {("site", "other"): 0.9, ("other", "site"): 0.6})
    assert (choice.original, choice.certain) == ("site", True)


def test_a_version_cutting_sentences_another_holds_whole_is_the_copy():
    # A reflowed copy: the source's first two paragraphs joined, the third split
    # mid-sentence ("would run | every twenty minutes"). Both hold all of each other.
    source = make_article("source", SOURCE, published=TIED)
    reflowed = make_article(
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
    undated = make_article("source", SOURCE)
    choice = choose_original([reflowed, undated], full)
    assert (choice.original, choice.certain) == ("source", False)
    assert "cuts across paragraphs sentences it holds whole" in choice.reason


def test_a_version_joining_paragraphs_another_keeps_apart_is_the_copy():
    source = make_article("source", SOURCE, published=TIED)
    joined = make_article("joined", [SOURCE[0] + " " + SOURCE[1], SOURCE[2]], published=TIED)
    assert joined_paragraphs(joined, source) == 1 and joined_paragraphs(source, joined) == 0
    full = {("source", "joined"): 1.0, ("joined", "source"): 1.0}
    choice = choose_original([joined, source], full)
    assert (choice.original, choice.certain) == ("source", False)
    assert "joined joins 1 paragraph break of source" in choice.reason
    # a break the source itself makes mid-sentence, which its copy keeps, counts for neither
    broken = [*SOURCE[:2], "The mayor said a ferry would run", "every twenty minutes."]
    a, b = make_article("a", broken, published=TIED), make_article("b", broken, published=TIED)
    assert cut_sentences(a, b) == cut_sentences(b, a) == 0
    choice = choose_original([a, b], {("a", "b"): 1.0, ("b", "a"): 1.0})
    assert not choice.certain and "cannot tell" in choice.reason


def test_an_undated_version_adding_a_quote_is_not_the_source_of_the_dated_one():
    # The undated version holds all of the dated one and a quote of another story: the dated
    # one is not cut from it (the quote is no part of a source), so the dated one stays.
    dated = make_article("dated", SOURCE, published=TIED)
    quoting = make_article("quoting", [*SOURCE, "As the Ledger reported: “Other words.”"])
    contained = {("quoting", "dated"): 1.0, ("dated", "quoting"): 0.75}
    choice = choose_original([dated, quoting], contained, off_story={"quoting": True})
    assert choice.original == "dated" and not choice.certain
    choice = choose_original([dated, quoting], contained, derived={"quoting": 0.25})
    assert choice.original == "dated"
    # without the quote, 25% of it missing from the dated one is a cut: the undated is whole
    assert choose_original([dated, quoting], contained).original == "quoting"


# -- the demo corpus (ships with the package) ----------------------------------------


# -- the seeds ---------------------------------------------------------------------------


def test_seed_001_is_the_original_for_its_wire_byline(seeds):
    lineage = next(g for g in seeds.lineages if A001 in g.members)
    assert lineage.original == A001 and lineage.original_certain
    assert "Associated Press" in lineage.original_reason
    assert set(lineage.members) == {A000, A001, A002}
    edges = {(d.source, d.derived): d.relation for d in lineage.derivations}
    assert edges == {(A001, A002): "copy", (A001, A000): "rewrite"}
    assert A003 not in lineage.members and A004 not in lineage.members


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
