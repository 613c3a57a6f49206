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
    needed = needs_vectors(space.lexical, [None] * len(texts), CONFIG)
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
