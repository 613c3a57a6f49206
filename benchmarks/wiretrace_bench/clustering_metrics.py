"""Clustering scores against gold clusters: ARI, B-cubed F1 and pairwise F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score

#: One cluster label per item, in the same order for the gold and the predicted.
Labels = Sequence | np.ndarray


def b_cubed_f1(gold: Labels, predicted: Labels) -> float:
    """B-cubed F1 (Bagga & Baldwin 1998): per-item precision and recall of its cluster."""
    pairs = Counter(zip(gold, predicted, strict=True))
    gold_size, pred_size = Counter(gold), Counter(predicted)
    n = len(gold)
    precision = sum(c * c / pred_size[p] for (g, p), c in pairs.items()) / n
    recall = sum(c * c / gold_size[g] for (g, p), c in pairs.items()) / n
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def pairwise_f1(gold: Labels, predicted: Labels) -> float:
    """F1 over item pairs placed in one cluster."""

    def together(counts: Counter) -> int:
        return sum(c * (c - 1) // 2 for c in counts.values())

    both = together(Counter(zip(gold, predicted, strict=True)))
    pred, true = together(Counter(predicted)), together(Counter(gold))
    precision = both / pred if pred else 0.0
    recall = both / true if true else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def scores(gold: Labels, predicted: Labels) -> dict[str, float]:
    return {
        "ari": adjusted_rand_score(gold, predicted),
        "b3_f1": b_cubed_f1(gold, predicted),
        "pairwise_f1": pairwise_f1(gold, predicted),
    }
