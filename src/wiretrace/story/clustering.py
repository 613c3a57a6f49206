"""Stories: average-link clustering of the event match, window by window in time.

Average link joins two groups when their articles are, on average, at least
``story.min_match`` alike: unlike single link it does not chain two
events of one kind (two earthquakes) through one article that mentions both.

A story is a sliding window in time, not forever:

* articles are ordered by publication time (undated ones after, in input
  order) and clustered in windows of at most ``story.window`` articles that
  overlap by half;
* two dated articles published more than ``story.horizon_days`` apart are
  not compared (their match counts as 0), so a group spanning more than the
  horizon needs most of its pairs to be close in time;
* the stream only moves forward: an article keeps the story it got in the
  first window that held it (or, in a run over a store, the story it was
  stored with). In the next window its group may bring in new articles,
  which join its story when they match that story's members in the window
  on average (the average-link rule, between the newcomers and the story's
  members within the horizon). Two stories already formed are never merged,
  so a run of overlapping windows cannot chain a topic (months of one
  election) into one story through articles that each match only their
  neighbours in time.

The matrix of a window is dense, but only the pairs that blocking proposes
(:mod:`wiretrace.story.blocking`) are scored; the others count as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from wiretrace.records import timestamp

_DAY = 86400.0


def average_link(similarity: np.ndarray, min_similarity: float) -> np.ndarray:
    """Cluster labels from a dense similarity matrix."""
    n = similarity.shape[0]
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - min_similarity,
    )
    return model.fit_predict(np.clip(distance, 0.0, 1.0))


def time_order(published: Sequence[str | None]) -> list[int]:
    """Indices in publication order; undated (or unreadable) articles keep input order,
    after dated ones."""
    times = [timestamp(p) for p in published]

    def key(i: int) -> tuple:
        return (times[i] is None, times[i] or 0.0, i)

    return sorted(range(len(published)), key=key)


def beyond_horizon(
    days: np.ndarray, horizon_days: float | None, other: np.ndarray | None = None
) -> np.ndarray:
    """Pairs of dated articles (``days`` with ``other``, ``days`` again by default:
    publication times in days, NaN when undated) further apart than the horizon; undated
    articles are near everything."""
    other = days if other is None else other
    if horizon_days is None:
        return np.zeros((len(days), len(other)), dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.abs(days[:, None] - other[None, :]) > horizon_days


def windows(order: np.ndarray, window: int) -> list[np.ndarray]:
    """The windows of ``window`` articles over ``order`` (publication order), overlapping by
    half; the last one ends with the last article."""
    n = len(order)
    step = max(window // 2, 1)
    starts = list(range(0, max(n - window, 0) + 1, step))
    if starts[-1] + window < n:
        starts.append(n - window)
    return [order[start : start + window] for start in starts]


def publication_days(published: Sequence[str | None]) -> np.ndarray:
    """Publication times in days (NaN: undated or unreadable)."""
    return np.array([np.nan if (t := timestamp(p)) is None else t / _DAY for p in published])


def windows_to_cluster(
    published: Sequence[str | None], window: int, known: np.ndarray | None = None
) -> list[np.ndarray]:
    """The windows :func:`cluster_stories` clusters: those of the publication order holding
    an article without a story (``known`` < 0, or all when ``known`` is None)."""
    if not len(published):
        return []
    spans = windows(np.array(time_order(published), dtype=np.int64), window)
    return spans if known is None else [s for s in spans if (known[s] < 0).any()]


def cluster_stories(
    published: Sequence[str | None],
    similarity_of: Callable[[np.ndarray], np.ndarray],
    min_similarity: float,
    window: int,
    horizon_days: float | None = None,
    known: np.ndarray | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> np.ndarray:
    """Story label of each article; ``similarity_of(indices)`` gives their dense matrix.
    ``progress`` is told after each window.

    ``known`` holds the labels of articles already in a story (-1 for the others): a run
    over a store passes the stored articles near its new ones with their stories, and the
    stream goes on from there. Only windows holding an article without a story are
    clustered; known labels never change, and new stories are numbered after them.
    """
    n = len(published)
    days = publication_days(published)
    story = np.full(n, -1, dtype=np.int64) if known is None else known.astype(np.int64).copy()
    stories = int(story.max()) + 1 if n else 0
    spans = windows_to_cluster(published, window, story)
    for k, members in enumerate(spans, start=1):
        if progress:
            progress("story windows", k - 1, len(spans))
        matrix = np.array(similarity_of(members), dtype=np.float64)
        far = beyond_horizon(days[members], horizon_days)
        matrix[far] = 0.0
        for group in _groups(average_link(matrix, min_similarity)):
            known_here = story[members[group]]
            new = group[known_here < 0]
            if not len(new):
                continue
            joined = _story_to_join(
                matrix,
                far,
                new,
                story[members],
                set(known_here[known_here >= 0].tolist()),
                min_similarity,
            )
            if joined is None:
                joined, stories = stories, stories + 1
            story[members[new]] = joined
    if progress:
        progress("story windows", len(spans), len(spans))
    return story


def _groups(labels: np.ndarray) -> list[np.ndarray]:
    return [np.flatnonzero(labels == label) for label in np.unique(labels)]


def _story_to_join(
    matrix: np.ndarray,
    far: np.ndarray,
    new: np.ndarray,
    known: np.ndarray,
    candidates: set[int],
    min_similarity: float,
) -> int | None:
    """The known story (label in ``known``, per window position) the ``new`` positions
    match best on average, if that average reaches ``min_similarity``. The average is over
    the pairs within the horizon: an old story takes a late article through its late
    members, and its members beyond the horizon (which a run over a store does not even
    read) neither help nor hinder."""
    best, best_mean = None, min_similarity
    for label in sorted(candidates):
        block = np.ix_(new, np.flatnonzero(known == label))
        near = ~far[block]
        if not near.any():
            continue
        mean = float(matrix[block][near].mean())
        if mean >= best_mean:
            best, best_mean = label, mean
    return best
