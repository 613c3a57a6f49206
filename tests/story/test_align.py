"""Ordered alignment of paragraphs (wiretrace.story.align): mutual best matches in order."""

import numpy as np

from wiretrace.story.align import monotone_alignment


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
