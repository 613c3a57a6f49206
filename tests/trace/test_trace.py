"""The trace stage (wiretrace.trace.trace): derivations, stitched text, lost in cleaning."""

import pytest

from tests.trace.helpers import SOURCE, TIED, make_article, make_relation
from wiretrace import Config
from wiretrace.config import StorySettings
from wiretrace.records import AlignedPassage, CopyFamily, Story
from wiretrace.trace import trace
from wiretrace.trace.lineage import lost_in_cleaning


def test_derivations_follow_time_and_flag_what_time_contradicts():
    a = make_article("a", ["p0", "p1", "p2"], published="2024-01-01T08:00:00")
    b = make_article("b", ["p0", "p1"], published="2024-01-01T09:00:00")
    c = make_article("c", ["p0", "p1"])
    rels = [
        make_relation("a", "b", [(0, 0), (1, 1)], 0.66, 1.0),
        make_relation("b", "c", [(0, 0), (1, 1)], 1, 1),
    ]
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
    source = make_article("source", story, published="2024-01-01T08:00:00")
    source.removed, source.removed_reasons = [link, promo], ["link line", "newsletter prompt"]
    reprint = make_article("reprint", story, published="2024-01-02T08:00:00")
    reprint.removed, reprint.removed_reasons = [link], ["link line"]
    # A reflowed copy: the link line joined to the paragraph after it (and removed as a link
    # line), the promotion split, its first half kept as a paragraph.
    reflowed = make_article(
        "reflowed", [*story, "If you enjoyed this article, we have a proposition"], "2024-01-02"
    )
    reflowed.removed = [f"{link} The council voted on Monday to close the old bridge."]
    reflowed.removed_reasons = ["link line"]
    # Another article sharing one paragraph: the rest is its own story, not stitched into it.
    other = make_article(
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
        make_relation("source", "reprint", same, 1.0, 1.0, "duplicate"),
        make_relation("source", "reflowed", same, 1.0, 0.9),
        make_relation("source", "other", [(1, 0)], 0.3, 0.3, "partial"),
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
    source = make_article("source", story, published=TIED)
    source.removed, source.removed_reasons = [poll], ["learned boilerplate"]
    copy = make_article("copy", [*story, poll.replace("soon", "quickly")], published=TIED)
    rel = make_relation("source", "copy", [(0, 0), (1, 1), (2, 2)], 1.0, 0.0)
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
