"""The story stage (wiretrace.story.stage): families kept whole, translations as rewrites."""

import numpy as np

from tests.helpers import FIXTURES
from wiretrace.config import Config, RunSettings
from wiretrace.records import CleanArticle, CopyFamily
from wiretrace.story.stage import find_stories


def test_copy_family_members_share_a_story():
    ferry = ["The ferry company cut winter crossings to two a day."]
    library = ["The library will open until ten on weekdays."]
    arts = [CleanArticle("a", "Ferry", ferry, [], []), CleanArticle("b", "Books", library, [], [])]
    family = CopyFamily("family:a", ["a", "b"])  # forced: families always sit inside one story
    _, stories = find_stories(arts, [], [family], Config())
    assert [sorted(s.members) for s in stories] == [["a", "b"]]
    assert stories[0].families == ["family:a"]


def test_a_family_moves_its_members_instead_of_merging_their_stories():
    from wiretrace.story.stage import keep_families_together

    # Stories X = {a, b} (2021) and Y = {c, d} (2023); b and c are one reused text.
    labels = np.array([0, 0, 1, 1])
    index = {"a": 0, "b": 1, "c": 2, "d": 3}
    published = ["2021-01-01", "2021-01-02", "2023-01-01", "2023-01-02"]
    family = CopyFamily("family:b", ["c", "b"])
    moved = keep_families_together(labels, [family], index, published)
    assert moved.tolist() == [0, 0, 0, 1]  # c joins b's (earlier) story; d stays in 2023
    family3 = CopyFamily("family:c", ["b", "c", "d"])  # most of the family is in Y
    assert keep_families_together(labels, [family3], index, published).tolist() == [0, 1, 1, 1]


def test_translation_is_a_rewrite_across_languages(demo_dir):

    from wiretrace import run

    fixture = FIXTURES / "solar_farm_fr.txt"
    result = run(
        [demo_dir / "wire_original.txt", demo_dir / "unrelated_story.txt", fixture],
        Config(run=RunSettings(workers=1)),
    )
    rel = {frozenset((r.a, r.b)): r for r in result.relations}
    pair = rel[frozenset(("wire_original", "solar_farm_fr"))]
    assert pair.relation == "rewrite"
    assert len(pair.evidence) >= 4
    assert frozenset(("unrelated_story", "solar_farm_fr")) not in rel
    story = result.story_of()
    assert story["wire_original"] == story["solar_farm_fr"] != story["unrelated_story"]


def test_same_story_pairs_carry_their_best_matching_paragraphs_and_views(demo_dir):
    from wiretrace import run

    result = run([demo_dir], Config(run=RunSettings(workers=1)))
    by_pair = {frozenset((r.a, r.b)): r for r in result.relations}
    articles = {a.id: a for a in result.articles}
    pair = by_pair[frozenset(("independent_report", "wire_original"))]
    assert pair.relation == "same_story"
    a, b = articles[pair.a], articles[pair.b]
    shown = [(a.paragraphs[e.a_paragraph], b.paragraphs[e.b_paragraph]) for e in pair.evidence]
    # the operator's next project, told in other words in the two reports
    assert any("Nordvik Energi" in x and "Nordvik Energi" in y for x, y in shown)
    for e in pair.evidence:  # whole paragraphs, each used once, as similar as the floor
        assert a.text[e.a_start : e.a_end] == a.paragraphs[e.a_paragraph]
        assert b.text[e.b_start : e.b_end] == b.paragraphs[e.b_paragraph]
        assert e.similarity >= Config().story.rewrite_min_passage_similarity
    assert len({e.a_paragraph for e in pair.evidence}) == len(pair.evidence)
    assert len({e.b_paragraph for e in pair.evidence}) == len(pair.evidence)
    assert pair.coverage_a == pair.coverage_b == 0.0  # pairs shown, not text derived
    assert {"word", "names", "text"} <= set(pair.views)
    assert all(0.0 <= pair.views[v] <= 1.0 for v in ("word", "names", "text"))
    copy = by_pair[frozenset(("reprint_with_chrome", "wire_original"))]
    assert copy.relation == "copy" and copy.views is None
