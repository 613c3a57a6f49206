"""Blocking proposes the pairs that share what an event is made of, and only those."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from wiretrace import Config
from wiretrace.records import CleanArticle
from wiretrace.story.blocking import blocked_match_matrix, candidate_pairs, needs_vectors
from wiretrace.story.similarity import StorySpace

CONFIG = Config(encoder="none", story_block_neighbours=0)


def _article(i: int, text: str) -> CleanArticle:
    return CleanArticle(id=f"a{i}", title="", paragraphs=[text], removed=[], removed_reasons=[])


def _space(texts: list[str]) -> StorySpace:
    return StorySpace.build([_article(i, t) for i, t in enumerate(texts)], CONFIG)


# Articles sharing only the words every article holds, each otherwise on its own subject.
FILLER = [
    f"The council said on the day that the plan would go ahead, "
    f"{' '.join(f'subject{k}word{w}' for w in range(12))}."
    for k in range(30)
]


def test_pairs_sharing_rare_names_are_candidates_and_common_words_are_not():
    texts = [
        *FILLER,
        "Mayor Edvin Sallow opened the Lindholm floating solar farm on Tuesday.",
        "In Lindholm, Sallow switched on 14,000 panels on the old reservoir.",
    ]
    space = _space(texts)
    i, j = candidate_pairs(space, np.arange(len(texts)), CONFIG)
    pairs = set(zip(i.tolist(), j.tolist(), strict=True))
    assert (30, 31) in pairs
    # The filler articles share only words every article holds ("council", "plan" ...),
    # which IDF weighs at next to nothing: no pair among them is proposed, and none of them
    # needs a vector.
    assert not {p for p in pairs if p[1] < 30}
    assert all(a < b for a, b in pairs)
    needed = needs_vectors(space, [None] * len(texts), CONFIG, [])
    assert needed.tolist() == [False] * 30 + [True, True]


def test_a_blocked_matrix_scores_candidates_as_exhaustive_scoring_does():
    texts = [
        *FILLER[:10],
        "Mayor Edvin Sallow opened the Lindholm floating solar farm on Tuesday.",
        "In Lindholm, Sallow switched on 14,000 panels on the old reservoir.",
    ]
    space = _space(texts)
    rows = np.arange(len(texts))
    blocked = blocked_match_matrix(space, rows, CONFIG)
    full = space.match_matrix(rows)
    assert blocked[10, 11] == blocked[11, 10] == np.float64(full[10, 11])
    i, j = candidate_pairs(space, rows, CONFIG)
    unscored = np.ones_like(blocked, dtype=bool)
    unscored[i, j] = unscored[j, i] = False
    np.fill_diagonal(unscored, False)
    assert (blocked[unscored] == 0).all() and (np.diag(blocked) == 1).all()


def test_vector_neighbours_add_pairs_that_share_no_key():
    texts = ["alpha beta gamma delta", "epsilon zeta eta theta", "iota kappa lambda mu"]
    space = _space(texts)
    # Vectors that make 0 and 2 nearest, though the texts share no word at all.
    space.embeddings = [(0.0, np.array([[1.0, 0.0], [0.0, 1.0], [0.99, 0.14]], dtype=np.float32))]
    space.embedded = np.ones(3, dtype=bool)
    i, j = candidate_pairs(space, np.arange(3), replace(CONFIG, story_block_neighbours=1))
    assert (0, 2) in set(zip(i.tolist(), j.tolist(), strict=True))
    none, _ = candidate_pairs(space, np.arange(3), CONFIG)
    assert len(none) == 0
    # An article without a vector (not in a lexical pair) is nobody's neighbour.
    space.embedded = np.array([True, True, False])
    i, j = candidate_pairs(space, np.arange(3), replace(CONFIG, story_block_neighbours=1))
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == {(0, 1)}


# A report, a retelling, an unrelated story sharing one name, and a translation.
SOLAR = [
    "Mayor Edvin Sallow opened the Lindholm floating solar farm on Tuesday, the largest in "
    "the region.",
    "In Lindholm, Sallow switched on 14,000 panels on the old reservoir, the region's largest "
    "solar farm.",
    "Edvin Sallow's brother Karl won the national chess championship in Bergen after a tense "
    "final round.",
    "Les autorités de Lindholm ont inauguré mardi une ferme solaire flottante de 14 000 "
    "panneaux, la plus grande de la région, a annoncé le maire Edvin Sallow.",
]


def test_the_match_bound_is_never_below_the_match_its_vectors_give(counting_use):
    counting, _ = counting_use
    articles = [_article(i, t) for i, t in enumerate(SOLAR)]
    space = StorySpace.build(articles, Config(), [counting])
    i, j = np.triu_indices(len(articles), 1)
    _, match = space.pair_scores(i, j)
    bound = space.match_bound(i, j, ["use"])
    assert (bound >= match - 1e-9).all()
    # The translation (0, 3) is one story by its vectors; the chess story (2) cannot be,
    # whatever vectors it had.
    pairs = dict(zip(zip(i.tolist(), j.tolist(), strict=True), bound.tolist(), strict=True))
    assert match[list(zip(i, j, strict=True)).index((0, 3))] >= Config().story_min_match
    assert max(pairs[0, 2], pairs[1, 2], pairs[2, 3]) < Config().story_min_match


def test_only_articles_that_could_join_a_story_are_embedded(counting_use):
    counting, seen = counting_use
    articles = [_article(i, t) for i, t in enumerate(SOLAR)]
    space = StorySpace.build(
        articles,
        Config(),
        [counting],
        embed_only=lambda s: needs_vectors(s, [None] * len(SOLAR), Config(), ["use"]),
    )
    # The chess story shares "Edvin Sallow" with the others (a lexical candidate), but no
    # vector could lift its match to a story's: it is not embedded, and reads zero vectors.
    assert space.embedded.tolist() == [True, True, False, True]
    assert not any("chess" in text for text in seen)
    assert not space.embeddings[0][1][2].any()
