"""Per-version diffs (wiretrace.trace.diff): stitched paragraphs named with their source."""

import pytest

from tests.helpers import DEMO
from tests.trace.helpers import A000, A001, A002
from wiretrace import Config, run
from wiretrace.config import RunSettings
from wiretrace.records import CleanArticle


@pytest.fixture(scope="module")
def demo(request):

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
    scorer = _ParagraphScorer(articles, {("v", 0), ("v", 1), *context}, 1)
    queries = [
        (DiffPassage("added", "version", 0, 1, paragraph=0), ("v", 0), context, scorer),
        (DiffPassage("added", "version", 0, 1, paragraph=1), ("v", 1), context[1:], scorer),
    ]
    undecided = list(queries)
    _rescue_by_meaning(undecided, 0.15, articles, [counting], None, None)
    assert [q[1] for q in undecided] == [("v", 1)]  # the football paragraph: stitched in
    assert (queries[0][0].story_similarity or 0) >= 0.15
    # The first round: both queries and 4 passages of each context (5 in all); the rest
    # of the unrelated ones only for the paragraph never rescued. Each embedded once.
    first_round = {ferry, "Brazil won the final on penalties.", reworded, *unrelated[:4]}
    assert set(seen[:7]) == first_round
    assert len(seen) == len(set(seen)) == 2 + 41
