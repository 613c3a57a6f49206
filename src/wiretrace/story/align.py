"""Aligning two articles passage by passage by meaning, in order.

A rewrite (a paraphrase, a spun copy, a machine translation round trip)
keeps the source's passages and their order while changing nearly every
word. Given a matrix ``M`` of paragraph similarities, the alignment is the
monotone matching that maximises ``sum(M[i, j] - floor)`` over its pairs
(Needleman-Wunsch with free gaps): paragraphs may be dropped or inserted on
either side, never reordered, and a pair below ``floor`` is never matched.

Absolute similarity alone does not tell a translated paragraph (low lexical
overlap, so a modest mean similarity) from two paragraphs on the same topic.
What does is *distinctness*: a paragraph and its rewrite are each other's
clear best match. :func:`distinct` keeps only such cells.
"""

from __future__ import annotations

import numpy as np


def distinct(similarity: np.ndarray, margin: float) -> np.ndarray:
    """``similarity`` with 0 wherever a cell does not beat every other cell of its row and
    of its column by ``margin`` (a 1-row or 1-column matrix is returned as it is)."""
    n, m = similarity.shape
    if n < 2 or m < 2:
        return similarity
    rows = np.sort(similarity, axis=1)
    cols = np.sort(similarity, axis=0)
    # The best *other* cell: the runner-up for the maximum, the maximum for the rest.
    row_rival = np.where(similarity >= rows[:, -1:], rows[:, -2:-1], rows[:, -1:])
    col_rival = np.where(similarity >= cols[-1:, :], cols[-2:-1, :], cols[-1:, :])
    return np.where(similarity - np.maximum(row_rival, col_rival) >= margin, similarity, 0.0)


def best_matches(similarity: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """Pairs (i, j) that are each other's best match (the highest cell of row i is in column
    j, and that of column j in row i) with at least ``floor``, in the order of i.

    Not an alignment: no order is imposed and nothing is concluded from them. They are what
    two reports of the same events have most in common, shown as a same-story pair's
    evidence so that a person can judge the pair."""
    if not similarity.size:
        return []
    best_j = similarity.argmax(axis=1)
    best_i = similarity.argmax(axis=0)
    return [
        (i, int(j)) for i, j in enumerate(best_j) if best_i[j] == i and similarity[i, j] >= floor
    ]


def monotone_alignment(similarity: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """Pairs (i, j), increasing in both, maximising the summed similarity above ``floor``."""
    n, m = similarity.shape
    cells = np.argwhere(similarity > floor)
    if len(cells) <= min(n, m):  # sparse (as after :func:`distinct`): chain the few cells
        return _best_chain(cells, similarity[cells[:, 0], cells[:, 1]] - floor)
    return _dense_alignment(similarity, floor)


def _dense_alignment(similarity: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """The dynamic programme over the whole matrix (O(n m) in Python)."""
    n, m = similarity.shape
    gain = similarity - floor
    score = np.zeros((n + 1, m + 1))
    move = np.zeros((n + 1, m + 1), dtype=np.int8)  # 0 skip a, 1 skip b, 2 match
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best, how = score[i - 1, j], 0
            if score[i, j - 1] > best:
                best, how = score[i, j - 1], 1
            if gain[i - 1, j - 1] > 0 and score[i - 1, j - 1] + gain[i - 1, j - 1] > best:
                best, how = score[i - 1, j - 1] + gain[i - 1, j - 1], 2
            score[i, j], move[i, j] = best, how
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        how = int(move[i, j])
        if how == 2:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == 0:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _best_chain(cells: np.ndarray, gain: np.ndarray) -> list[tuple[int, int]]:
    """The heaviest chain of cells increasing in both coordinates (O(k^2), k small)."""
    k = len(cells)
    if k == 0:
        return []
    order = np.lexsort((cells[:, 1], cells[:, 0]))
    cells, gain = cells[order], gain[order]
    best = gain.astype(float).copy()
    back = np.full(k, -1)
    for t in range(k):
        for u in range(t):
            before = cells[u, 0] < cells[t, 0] and cells[u, 1] < cells[t, 1]
            if before and best[u] + gain[t] > best[t]:
                best[t], back[t] = best[u] + gain[t], u
    t = int(np.argmax(best))
    chain = []
    while t >= 0:
        chain.append((int(cells[t, 0]), int(cells[t, 1])))
        t = int(back[t])
    return chain[::-1]
