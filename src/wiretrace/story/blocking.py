"""Blocking: the pairs of a window worth scoring for a story, and the articles worth embedding.

Scoring every pair of a window of n articles costs n(n-1)/2 fused scores, and
almost all of them are plainly unrelated; embedding every article's lead costs
more than the rest of the run. Two reports of one event share what the event is
made of: its names, places and figures, and its rarer words. So a pair is a
candidate only when

* its names-and-numbers cosine (TF-IDF of the capitalised names and figures of
  the leads) is at least ``min_names``, or its lead word cosine at least
  ``min_word``. Both are one sparse product over the window: an inverted index
  of the terms, each weighed by its rarity (IDF), so that a name every article
  holds ("Trump" in US politics) adds next to nothing; or
* it is among each other's ``neighbours`` nearest leads by the first encoder's
  cosine (exact: one matrix product over the window's vectors, milliseconds for
  1,000 leads, so no approximate vector index is needed at this size), for
  what shares meaning and few words.

An article in no lexical candidate pair whose match could reach the threshold,
whatever its vectors, cannot join a story through a scored pair, so it is not
embedded at all (:func:`needs_vectors`): its story is its own. The
event match leans on the names (:mod:`wiretrace.story.fusion`), which is why the
thresholds lose almost nothing. ``wiretrace bench blocking`` measures it: the share of
the pairs that exhaustive scoring accepts (match at least ``story_min_match``) that
blocking proposes, and the shares of pairs scored and of articles embedded.

Pairs that are not candidates count as 0 in the window's match matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
from scipy import sparse

from wiretrace.config import Config
from wiretrace.story.clustering import time_order, windows
from wiretrace.story.lexical import LexicalSpace
from wiretrace.story.similarity import StorySpace, pieces_read


def lexical_pairs(
    lexical: LexicalSpace, rows: np.ndarray, min_word: float, min_names: float
) -> np.ndarray:
    """Codes ``i * n + j`` (i < j, positions in ``rows``) of the pairs whose lead word cosine
    reaches ``min_word`` or whose names-and-numbers cosine reaches ``min_names``."""
    n = len(rows)
    found = []
    for x, least in zip(lexical.views, (min_word, min_names), strict=True):
        part = x[rows]
        cosine = sparse.triu(part @ part.T, k=1).tocoo()
        keep = cosine.data >= least
        found.append(cosine.row[keep].astype(np.int64) * n + cosine.col[keep])
    return np.unique(np.concatenate(found))


def candidate_pairs(
    space: StorySpace, rows: np.ndarray, config: Config
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i < j, positions in ``rows``) among the articles ``rows``."""
    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    if n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    found = [
        lexical_pairs(
            space.lexical, rows, config.story_block_min_word, config.story_block_min_names
        )
    ]
    k = config.story_block_neighbours
    if space.embeddings and k > 0:
        present = np.flatnonzero(space.embedded[rows])
        if len(present) > 1:
            vectors = space.embeddings[0][1][rows[present]]
            cosine = vectors @ vectors.T
            np.fill_diagonal(cosine, -np.inf)
            k = min(k, len(present) - 1)
            near = np.argpartition(-cosine, k - 1, axis=1)[:, :k]
            i = np.repeat(present, k)
            j = present[near.ravel()]
            found.append(np.minimum(i, j) * n + np.maximum(i, j))
    codes = np.unique(np.concatenate(found))
    return codes // n, codes % n


def needs_vectors(
    space: StorySpace,
    published: Sequence[str | None],
    config: Config,
    encoder_names: Sequence[str],
) -> np.ndarray:
    """Which articles are worth embedding: those in a lexical candidate pair, in one of the
    story stage's windows, whose event match could reach ``story_min_match`` whatever
    their vectors (:meth:`StorySpace.match_bound`). Any other article ends in a story of
    its own with or without vectors, so embedding it would change nothing."""
    n = len(published)
    needed = np.zeros(n, dtype=bool)
    order = np.array(time_order(published), dtype=np.int64)
    pieces = pieces_read(config)
    for rows in windows(order, config.story_window) if n else []:
        codes = lexical_pairs(
            space.lexical, rows, config.story_block_min_word, config.story_block_min_names
        )
        i, j = rows[codes // len(rows)], rows[codes % len(rows)]
        unseen = ~(needed[i] & needed[j])  # a pair whose both ends are needed already is not
        i, j = i[unseen], j[unseen]
        if len(i):
            could = space.match_bound(i, j, encoder_names, pieces) >= config.story_min_match
            needed[i[could]] = needed[j[could]] = True
    return needed


def blocked_match_matrix(space: StorySpace, rows: np.ndarray, config: Config) -> np.ndarray:
    """Dense event matches among ``rows``: the candidate pairs scored, the others 0."""
    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    matrix = np.zeros((n, n), dtype=np.float64)
    i, j = candidate_pairs(space, rows, config)
    if len(i):
        _, match = space.pair_scores(rows[i], rows[j])
        matrix[i, j] = matrix[j, i] = match
    np.fill_diagonal(matrix, 1.0)
    return matrix


def window_matches(space: StorySpace, config: Config) -> Callable[[np.ndarray], np.ndarray]:
    """What the story stage clusters a window on: the blocked match matrix, or every pair
    scored when ``story_blocking`` is off."""
    if not config.story_blocking:
        return space.match_matrix
    return partial(blocked_match_matrix, space, config=config)
