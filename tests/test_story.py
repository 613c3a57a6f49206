"""Meaning-level matching: lexical views, ordered alignment, stories."""

import numpy as np
import pytest

from wiretrace.config import Config, RunSettings
from wiretrace.records import CleanArticle, CopyFamily
from wiretrace.story.align import monotone_alignment
from wiretrace.story.clustering import cluster_stories, time_order
from wiretrace.story.lexical import LexicalSpace, names_and_numbers
from wiretrace.story.stage import find_stories
from wiretrace_bench.clustering_metrics import b_cubed_f1, pairwise_f1


def test_names_and_numbers_skip_sentence_starts_and_caseless_scripts():
    text = "The minister met Anna Berg in Oslo. Talks resume on 12 May. They agreed."
    assert names_and_numbers(text) == "anna berg oslo 12 may"
    assert names_and_numbers("قال الوزير إن المحادثات ستستأنف") == ""
    assert names_and_numbers("") == names_and_numbers("  ") == ""


def test_lexical_similarity_prefers_the_same_event():
    texts = [
        "Actress Tara Reid checked into Promises rehab center in Malibu, her publicist said.",
        "Tara Reid has entered Promises, a rehab facility in Malibu, a spokesman confirmed.",
        "Actress Lindsay Lohan checked into the Betty Ford rehab center in California.",
    ]
    space = LexicalSpace(texts)
    sims = space.matrix(np.arange(3))
    assert sims[0, 1] > sims[0, 2]
    assert np.allclose(sims, sims.T) and np.allclose(np.diag(sims), 1.0)


def test_monotone_alignment_keeps_order_and_skips_weak_pairs():
    m = np.array(
        [
            [0.9, 0.1, 0.1],
            [0.1, 0.2, 0.8],
            [0.1, 0.7, 0.1],  # would need to go backwards after (1, 2)
        ]
    )
    assert monotone_alignment(m, 0.3) in ([(0, 0), (1, 2)], [(0, 0), (2, 1)])
    pairs = monotone_alignment(m, 0.3)
    assert all(a1 < a2 and b1 < b2 for (a1, b1), (a2, b2) in zip(pairs, pairs[1:], strict=False))
    assert monotone_alignment(np.full((2, 2), 0.1), 0.3) == []


def test_time_order_puts_undated_last():
    assert time_order(["2021-12-28", None, "2021-12-20", None]) == [2, 0, 1, 3]


def test_windows_join_a_story_across_their_overlap():
    # Six articles in time order; 0-2 one story, 3-5 another. Windows of 4 overlap by 2.
    story = np.array([0, 0, 0, 1, 1, 1])

    def similarity_of(rows):
        return (story[rows][:, None] == story[rows][None, :]).astype(float)

    labels = cluster_stories([f"2021-01-0{i}" for i in range(1, 7)], similarity_of, 0.5, 4)
    assert len(set(labels[:3])) == 1 and len(set(labels[3:])) == 1 and labels[0] != labels[3]


def test_the_last_window_reaches_the_last_article():
    # Seven articles, windows of 4 every 2: the windows at 0 and 2 stop short of article 6.
    story = np.array([0, 0, 0, 1, 1, 1, 1])
    labels = cluster_stories(
        [f"2021-01-0{i}" for i in range(1, 8)],
        lambda rows: (story[rows][:, None] == story[rows]).astype(float),
        0.5,
        4,
    )
    assert labels.min() >= 0 and len(set(labels[3:])) == 1 and labels[0] != labels[3]


def test_windows_never_merge_stories_already_formed():
    # Window [0..3] keeps 2 and 3 apart (0.2); window [2..5] would put them together
    # through 4 and 5, which match both. The newcomers join one of the two stories.
    m = np.zeros((6, 6))
    m[0, 1] = 0.9
    m[2, 3] = 0.2
    for i, j in [(2, 4), (2, 5), (3, 4), (3, 5), (4, 5)]:
        m[i, j] = 0.9
    m = np.maximum(m, m.T)
    labels = cluster_stories(
        [f"2021-01-0{i}" for i in range(1, 7)], lambda rows: m[np.ix_(rows, rows)], 0.5, 4
    )
    assert labels[0] == labels[1] and labels[2] != labels[3]
    assert labels[4] == labels[5] and labels[4] in (labels[2], labels[3])


def test_articles_beyond_the_horizon_are_not_one_story():
    def alike(rows):
        return np.ones((len(rows), len(rows)))

    published = ["2021-01-01", "2021-01-05T10:00:00Z", "2021-03-01", None]
    far = cluster_stories(published, alike, 0.5, 10, horizon_days=7)
    assert far[0] == far[1] != far[2]  # four days apart: one story; two months: another
    assert far[3] in (far[0], far[2])  # undated: near everything
    assert len(set(cluster_stories(published, alike, 0.5, 10, horizon_days=None))) == 1


def test_copy_family_members_share_a_story():
    ferry = ["The ferry company cut winter crossings to two a day."]
    library = ["The library will open until ten on weekdays."]
    arts = [CleanArticle("a", "Ferry", ferry, [], []), CleanArticle("b", "Books", library, [], [])]
    family = CopyFamily("family:a", ["a", "b"])  # forced: families always sit inside one story
    _, stories = find_stories(arts, [], [family], Config())
    assert [sorted(s.members) for s in stories] == [["a", "b"]]
    assert stories[0].families == ["family:a"]


def test_a_family_moves_its_members_instead_of_merging_their_stories():
    from wiretrace.story.stage import _keep_families_together

    # Stories X = {a, b} (2021) and Y = {c, d} (2023); b and c are one reused text.
    labels = np.array([0, 0, 1, 1])
    index = {"a": 0, "b": 1, "c": 2, "d": 3}
    published = ["2021-01-01", "2021-01-02", "2023-01-01", "2023-01-02"]
    family = CopyFamily("family:b", ["c", "b"])
    moved = _keep_families_together(labels, [family], index, published)
    assert moved.tolist() == [0, 0, 0, 1]  # c joins b's (earlier) story; d stays in 2023
    family3 = CopyFamily("family:c", ["b", "c", "d"])  # most of the family is in Y
    assert _keep_families_together(labels, [family3], index, published).tolist() == [0, 1, 1, 1]


def test_clustering_metrics():
    gold = ["x", "x", "y", "y"]
    assert b_cubed_f1(gold, [1, 1, 2, 2]) == 1.0
    assert pairwise_f1(gold, [1, 1, 2, 2]) == 1.0
    assert 0 < b_cubed_f1(gold, [1, 1, 1, 1]) < 1.0
    assert pairwise_f1(gold, [1, 2, 3, 4]) == 0.0


def test_copies_share_their_anchor_vector_instead_of_being_embedded(counting_use):
    from wiretrace.story.similarity import StorySpace

    counting, seen = counting_use
    text = ["The ferry company cut its winter timetable to two crossings a day from December."]
    arts = [CleanArticle(i, "Ferry cuts", text, [], []) for i in ("a", "b", "c")]
    space = StorySpace.build(arts, Config(), [counting], same_text_as={"b": "a"})
    assert len(seen) == 2  # a and c embedded; b shares a's vector
    vectors = space.embeddings[0][1]
    assert np.array_equal(vectors[0], vectors[1])


def test_translation_is_a_rewrite_across_languages(demo_dir):
    from pathlib import Path

    from wiretrace import run

    fixture = Path(__file__).parent / "fixtures" / "solar_farm_fr.txt"
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


def test_distinct_keeps_only_clear_mutual_best_matches():
    from wiretrace.story.align import distinct

    m = np.array(
        [
            [0.30, 0.05, 0.04],  # clear best in its row and column: kept, though modest
            [0.10, 0.42, 0.40],  # 0.42 beats 0.40 in its row by too little: both dropped
            [0.02, 0.06, 0.50],
        ]
    )
    kept = distinct(m, 0.05)
    assert kept[0, 0] == 0.30 and kept[2, 2] == 0.50
    assert kept[1, 1] == 0.0 and kept[1, 2] == 0.0


def test_best_matches_are_mutual_bests_at_the_floor_or_above_in_order_of_a():
    from wiretrace.story.align import best_matches

    m = np.array(
        [
            [0.10, 0.60, 0.05],  # row 0's best is column 1, whose best is row 0: kept
            [0.05, 0.70, 0.20],  # column 1 is row 1's best too, but prefers row 1 (0.70)
            [0.40, 0.10, 0.30],  # column 0: its best; 0.40 at the floor: kept
            [0.00, 0.00, 0.24],  # column 2's best is row 2 (0.30 > 0.24): not mutual
        ]
    )
    assert best_matches(m, 0.40) == [(1, 1), (2, 0)]
    assert best_matches(m, 0.41) == [(1, 1)]
    assert best_matches(np.zeros((0, 3)), 0.0) == []


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


def test_sparse_chain_matches_the_full_dynamic_programme():
    from wiretrace.story.align import _best_chain, _dense_alignment

    rng = np.random.default_rng(3)
    for _ in range(100):
        n, m = (int(x) for x in rng.integers(1, 8, size=2))
        matrix = np.zeros((n, m))
        k = min(n, m)
        matrix[rng.permutation(n)[:k], rng.permutation(m)[:k]] = rng.random(k)
        cells = np.argwhere(matrix > 0.2)
        chain = _best_chain(cells, matrix[cells[:, 0], cells[:, 1]] - 0.2)
        full = _dense_alignment(matrix, 0.2)

        def total(pairs, matrix=matrix):
            return sum(matrix[i, j] - 0.2 for i, j in pairs)

        assert abs(total(chain) - total(full)) < 1e-9
        assert all(a < c and b < d for (a, b), (c, d) in zip(chain, chain[1:], strict=False))


def test_event_views_plain_words_and_numbers_as_written():
    from wiretrace.story.lexical import numbers_rows, plain_rows

    numbers = numbers_rows(
        [
            "Fined $1,200 on 3 May 2019, 9/11 anniversary.",
            "The 1,200 dollar fine of 3 May 2019.",
            "No figures in this one.",
        ]
    )
    dots = (numbers @ numbers.T).toarray()
    assert dots[0, 1] > 0.5  # "1,200", "3" and "2019" shared, each as written
    assert dots[0, 2] == dots[1, 2] == 0.0  # no numbers: no agreement, not a match
    # Digits in a name are no figure: two reports sharing only "COVID-19" or "G20" share no
    # number, while a score or a season written with a hyphen keeps its figures.
    numbers = numbers_rows(["COVID-19 cases at the G20", "New COVID-19 rules for G20 F-35s", "3-2"])
    dots = (numbers @ numbers.T).toarray()
    assert dots[0, 1] == 0.0 and numbers[0].nnz == 0 and numbers[2].nnz == 2
    plain = plain_rows(["The visit of the minister", "A minister and the visit", "of the and"])
    dots = (plain @ plain.T).toarray()
    assert dots[0, 1] == pytest.approx(1.0, abs=1e-5)  # stop words do not count
    assert plain[2].nnz == 0


def test_best_piece_matches_of_pairs_agree_with_the_matrix():
    from wiretrace.story.similarity import LeadPieces, _best_match_matrix, _best_matches

    rng = np.random.default_rng(0)
    lengths = np.array([1, 3, 2, 3, 1])
    pieces = rng.normal(size=(int(lengths.sum()), 8)).astype(np.float32)
    pieces /= np.linalg.norm(pieces, axis=1, keepdims=True)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    p = LeadPieces("use", pieces, starts, starts + lengths, pieces[starts])
    rows = np.arange(5)
    matrix = _best_match_matrix(p, rows)
    i, j = np.triu_indices(5, 1)
    assert np.allclose(_best_matches(p, i, j), matrix[i, j], atol=1e-6)
