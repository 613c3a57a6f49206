"""Blocking: the pairs of a window worth scoring for a story.

Scoring every pair of a window of n articles costs n(n-1)/2 fused scores, and
almost all of them are plainly unrelated. Two reports of one event share what
the event is made of, so a pair is a candidate only when it shares some of it:

* a *blocking key*: a names-and-numbers term of the leads (who, where, how
  many) or a word of the leads, either held by at most ``max_df`` of the
  window's articles (a key every other article holds, "Trump" in US politics,
  tells nothing; it would only bring back the full n^2);
* or nearness of the lead vectors: each article's ``neighbours`` nearest
  leads by the first encoder's cosine, for what shares meaning but no words
  (a translation keeps its names but not always their spelling).

Pairs that are not candidates count as 0 in the window's match matrix. What
this loses is measured, not assumed: ``wiretrace bench blocking`` reports the
share of the pairs that exhaustive scoring accepts (match at least
``story_min_match``) that blocking proposes, and the share of pairs it saves.

The vector neighbours are exact (one matrix product over the window's leads:
for a window of 1,000 articles a (1000 x 512) product, a few milliseconds), so
no approximate vector index is needed at this size.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from scipy import sparse

from wiretrace.config import Config
from wiretrace.story.similarity import StorySpace


def candidate_pairs(space: StorySpace, rows: np.ndarray, max_df: float,
                    neighbours: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i < j, positions in ``rows``) among the articles ``rows``."""
    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    if n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    keys = sparse.hstack([x[rows] for x in space.lexical.views]).tocsc()
    keys.data[:] = 1.0
    df = np.diff(keys.indptr)
    keep = np.flatnonzero((df >= 2) & (df <= max(2.0, max_df * n)))
    held = keys[:, keep].tocsr()
    shared = sparse.triu(held @ held.T, k=1).tocoo()
    found = [shared.row.astype(np.int64) * n + shared.col]
    if space.embeddings and neighbours > 0:
        vectors = space.embeddings[0][1][rows]
        cosine = vectors @ vectors.T
        np.fill_diagonal(cosine, -np.inf)
        k = min(neighbours, n - 1)
        near = np.argpartition(-cosine, k - 1, axis=1)[:, :k]
        i = np.repeat(np.arange(n), k)
        j = near.ravel()
        found.append(np.minimum(i, j) * n + np.maximum(i, j))
    codes = np.unique(np.concatenate(found))
    return codes // n, codes % n


def blocked_match_matrix(space: StorySpace, rows: np.ndarray, max_df: float,
                         neighbours: int) -> np.ndarray:
    """Dense event matches among ``rows``: the candidate pairs scored, the others 0."""
    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    matrix = np.zeros((n, n), dtype=np.float64)
    i, j = candidate_pairs(space, rows, max_df, neighbours)
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
    return partial(blocked_match_matrix, space, max_df=config.story_block_max_df,
                   neighbours=config.story_block_neighbours)
