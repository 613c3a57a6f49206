"""Blocking: the pairs of a window worth scoring for a story, and the articles worth embedding.

Embedding every article's lead costs more than the rest of the story stage, and
almost every pair of a window is plainly unrelated. Stories accept a pair when
its event match reaches ``story.min_match``; so, before any vector exists,
every pair of each window the stage clusters gets the highest match that *any*
vectors could give it (:meth:`StorySpace.match_bound`, from the views that
read no vector: word, names, numbers). Only a pair whose bound reaches the
threshold, and whose articles are within ``story.horizon_days`` of each other,
can ever be accepted: those are the candidates, and their articles the only
ones embedded (:attr:`Candidates.articles`). Once the vectors are there, the
candidates are scored in full, once; every other pair of a window counts 0 in
its match matrix, as exhaustive scoring would count a pair beyond the horizon.

So blocking loses no pair that exhaustive scoring accepts: its recall is 1 by
construction, not by a tuned threshold. It saves the vectors of the articles
in no candidate pair (half of them, or more, on AllSides) and the fused scores
of the rest of the pairs (more than 99% of a window's pairs); the word views of
a window cost one sparse product each, as exhaustive scoring pays.
``wiretrace bench blocking`` measures it against exhaustive scoring.

Without a fitted fusion, or with an encoder reading several pieces of the lead,
no useful bound exists (:meth:`StorySpace.match_bound`), nor without an encoder
any vector to save: every pair is then scored, as with ``story.blocking`` off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from wiretrace.config import Config
from wiretrace.story.clustering import beyond_horizon, publication_days
from wiretrace.story.similarity import StorySpace, pieces_read


@dataclass
class Candidates:
    """The pairs (rows ``i < j`` of a story space) whose event match could reach
    ``story.min_match``, with the views of theirs that read no vector."""

    n: int
    i: np.ndarray
    j: np.ndarray
    #: Which pairs could reach ``story.min_match`` (the others only weigh in averages).
    could: np.ndarray
    words: dict[str, np.ndarray]
    #: No bound holds (see the module doc): every pair is a candidate, scored when asked.
    every_pair: bool = False
    #: The candidates' (similarity, event match), once their vectors exist (:meth:`scores`).
    _scores: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    #: ``i * n + j`` of each candidate, in order: where :meth:`scores` looks a few pairs up.
    _keys: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def find(
        cls,
        space: StorySpace,
        spans: Sequence[np.ndarray],
        published: Sequence[str | None],
        config: Config,
        encoder_names: Sequence[str],
    ) -> Candidates:
        """The candidates among the pairs of each window in ``spans`` (rows of ``space``,
        which holds no vectors yet), for the encoders ``encoder_names`` to embed."""
        n = len(published)
        empty = np.empty(0, dtype=np.int64)
        pieces = pieces_read(config)
        if not encoder_names or not space.bounds_match(encoder_names, pieces):
            return cls(n, empty, empty, np.empty(0, dtype=bool), {}, every_pair=True)
        days = publication_days(published)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]] = []
        before = np.empty(0, dtype=np.int64)
        for rows in spans:
            rows = np.asarray(rows, dtype=np.int64)
            # The pairs among the articles the window before held too were bounded there:
            # only the newcomers' pairs are (windows overlap by half).
            new = rows[~np.isin(rows, before)]
            before = rows
            if not len(new):
                continue
            views = space.word_view_matrices(new, rows)
            bound = space.match_bound(views, new[:, None], rows[None, :], encoder_names, pieces)
            near = ~beyond_horizon(days[new], config.story.horizon_days, days[rows])
            near &= new[:, None] != rows[None, :]
            a, b = np.nonzero(near & (bound >= config.story.block_min_match))
            first, second = np.minimum(new[a], rows[b]), np.maximum(new[a], rows[b])
            found.append(
                (
                    first,
                    second,
                    bound[a, b] >= config.story.min_match,
                    {k: v[a, b] for k, v in views.items()},
                )
            )
        if not found:
            return cls(n, empty, empty, np.empty(0, dtype=bool), {})
        # Overlapping windows propose a pair once each: keep one of each (in the order of
        # i * n + j, which :meth:`scores` looks pairs up by).
        i = np.concatenate([f[0] for f in found])
        j = np.concatenate([f[1] for f in found])
        _, first = np.unique(i * n + j, return_index=True)
        could = np.concatenate([f[2] for f in found])[first]
        words = {k: np.concatenate([f[3][k] for f in found])[first] for k in found[0][3]}
        return cls(n, i[first], j[first], could, words)

    @property
    def articles(self) -> np.ndarray:
        """Which articles are in a candidate pair: the only ones whose vectors may change a
        story (any other ends in a story of its own, with or without vectors)."""
        needed = np.full(self.n, self.every_pair, dtype=bool)
        needed[self.i[self.could]] = needed[self.j[self.could]] = True
        return needed

    def match_matrix(self, space: StorySpace, rows: np.ndarray) -> np.ndarray:
        """Dense event matches among ``rows``: the candidates' (scored the first time one is
        asked for, with the space's vectors), the other pairs 0."""
        if self.every_pair:
            return space.match_matrix(rows)
        matrix = self.scores(space, rows)[1]
        np.fill_diagonal(matrix, 1.0)
        return matrix

    def scores(self, space: StorySpace, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dense (similarity, event match) among ``rows``: the candidates' scores, 0 for
        every other pair and on the diagonal (those of a story's members: each pair that
        could be related is a candidate, and the others are not compared)."""
        if self.every_pair:
            return space.scores(rows)
        rows = np.asarray(rows, dtype=np.int64)
        m = len(rows)
        if not len(self.i):
            return np.zeros((m, m)), np.zeros((m, m))
        if self._scores is None:
            self._scores = space.pair_scores(self.i, self.j, self.words)
            self._keys = self.i * self.n + self.j  # sorted (see find)
        assert self._keys is not None
        if m * m < len(self.i):
            # A few rows (a story's members): look their pairs up among the candidates.
            a, b = np.triu_indices(m, 1)
            wanted = np.minimum(rows[a], rows[b]) * self.n + np.maximum(rows[a], rows[b])
            at = np.minimum(np.searchsorted(self._keys, wanted), len(self._keys) - 1)
            found = self._keys[at] == wanted
            a, b, at = a[found], b[found], at[found]
        else:
            # Many rows (a window): place each candidate inside them.
            position = np.full(self.n, -1, dtype=np.int64)
            position[rows] = np.arange(m)
            a, b = position[self.i], position[self.j]
            inside = (a >= 0) & (b >= 0)
            a, b, at = a[inside], b[inside], np.flatnonzero(inside)
        out = []
        for values in self._scores:
            matrix = np.zeros((m, m), dtype=np.float64)
            matrix[a, b] = matrix[b, a] = values[at]
            out.append(matrix)
        return out[0], out[1]


def story_scores(
    space: StorySpace, candidates: Candidates | None
) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Dense (similarity, event match) among a story's members: the candidates' scores, or
    every pair scored (no ``candidates``: ``story.blocking`` off)."""
    if candidates is None:
        return space.scores
    return lambda rows: candidates.scores(space, rows)


def window_matches(
    space: StorySpace, candidates: Candidates | None
) -> Callable[[np.ndarray], np.ndarray]:
    """What the story stage clusters a window on: the candidates' match matrix, or every
    pair scored (no ``candidates``: ``story.blocking`` off)."""
    if candidates is None:
        return space.match_matrix
    return lambda rows: candidates.match_matrix(space, rows)
