"""Stories: average-link clustering of same-story similarity, window by window in time.

Average link joins two groups when their articles are, on average, at least
``story_min_match`` alike: unlike single link it does not chain two
events of one kind (two earthquakes) through one article that mentions both.

A story is a window in time, not forever: articles are ordered by
publication time (undated ones after, in input order) and clustered in
windows of at most ``story_window`` articles that overlap by half; a story
found in two windows is joined by the articles it shares there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.cluster import AgglomerativeClustering


def average_link(similarity: np.ndarray, min_similarity: float) -> np.ndarray:
    """Cluster labels from a dense similarity matrix."""
    n = similarity.shape[0]
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=1.0 - min_similarity)
    return model.fit_predict(np.clip(distance, 0.0, 1.0))


def time_order(published: Sequence[str | None]) -> list[int]:
    """Indices in publication order; undated articles keep input order, after dated ones."""
    def key(i: int) -> tuple:
        return (published[i] is None, published[i] or "", i)

    return sorted(range(len(published)), key=key)


def cluster_stories(
    published: Sequence[str | None],
    similarity_of: Callable[[np.ndarray], np.ndarray],
    min_similarity: float,
    window: int,
) -> np.ndarray:
    """Story label of each article; ``similarity_of(indices)`` gives their dense matrix."""
    n = len(published)
    order = np.array(time_order(published), dtype=np.int64)
    parent = np.arange(n)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    step = max(window // 2, 1)
    starts = range(0, max(n - window, 0) + 1, step) if n > window else [0]
    for start in starts:
        members = order[start : start + window]
        labels = average_link(similarity_of(members), min_similarity)
        for label in np.unique(labels):
            group = members[labels == label]
            root = find(int(group[0]))
            for other in group[1:]:
                parent[find(int(other))] = root
        if start + window >= n:
            break
    roots = np.array([find(i) for i in range(n)])
    _, labels = np.unique(roots, return_inverse=True)
    return labels
