"""Same-story similarity of article pairs, in [0, 1] (1 = the same story).

The score is the mean of the views available, each weighted alike: the two
lexical TF-IDF views (words; names and numbers, :mod:`wiretrace.story.lexical`)
and, for each configured encoder, the calibrated cosine of the articles'
embeddings (:mod:`wiretrace.story.encoder`).
Shared copy text (a relation from the copy engine) lifts the score to at
least that relation's coverage: a reprint is the same story by definition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from wiretrace.config import Config
from wiretrace.records import CleanArticle
from wiretrace.story.encoder import Encoder, VectorCache, calibrated, encode_cached
from wiretrace.story.lexical import LexicalSpace, mean_of_views, story_text

#: Texts embedded (and cached) at a time: progress and store writes come per chunk.
_CHUNK = 512


@dataclass
class StorySpace:
    """Everything needed to score same-story similarity between articles of one corpus."""

    ids: list[str]
    lexical: LexicalSpace
    #: (floor, L2-normalised vectors) for each encoder.
    embeddings: list[tuple[float, np.ndarray]]

    @classmethod
    def build(cls, articles: Sequence[CleanArticle], config: Config,
              encoders: Sequence[Encoder] = (),
              same_text_as: dict[str, str] | None = None,
              cache: VectorCache | None = None,
              progress: Callable[[str, int, int], None] | None = None) -> StorySpace:
        """``same_text_as`` maps an article to one whose vector it may share (a copy of it):
        only articles the copy engine has not explained are embedded."""
        texts = [story_text(a.title, a.paragraphs, config.story_lead_words) for a in articles]
        index = {a.id: i for i, a in enumerate(articles)}
        same = same_text_as or {}
        source = np.array([index.get(same.get(a.id, a.id), i) for i, a in enumerate(articles)])
        unique = np.unique(source)
        embeddings = []
        for e in encoders:
            if not texts:
                break
            todo = [texts[i] for i in unique]
            parts = []
            for start in range(0, len(todo), _CHUNK):
                parts.append(encode_cached(e, todo[start : start + _CHUNK], cache))
                if progress:
                    progress(f"embed ({e.name})", min(start + _CHUNK, len(todo)), len(todo))
            vectors = np.concatenate(parts)
            embeddings.append((e.floor, vectors[np.searchsorted(unique, source)]))
        return cls([a.id for a in articles], LexicalSpace(texts), embeddings)

    def matrix(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Dense same-story similarities among ``rows`` (all rows by default)."""
        rows = np.arange(len(self.ids)) if rows is None else np.asarray(rows)
        total, count = self.lexical.matrix_sums(rows)
        for floor, vectors in self.embeddings:
            e = vectors[rows]
            total = total + calibrated(e @ e.T, floor)
            count = count + 1
        return np.clip(mean_of_views(total, count), 0.0, 1.0)

    def word_similarity(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Word TF-IDF cosine alone: near 0 for texts in different languages."""
        x = self.lexical.views[0]
        return np.asarray(x[i].multiply(x[j]).sum(axis=1)).ravel()

    def similarity(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Same-story similarity of the row pairs (i[k], j[k])."""
        total, count = self.lexical.pair_sums(i, j)
        for floor, vectors in self.embeddings:
            total = total + calibrated(np.einsum("ij,ij->i", vectors[i], vectors[j]), floor)
            count = count + 1
        return np.clip(mean_of_views(total, count), 0.0, 1.0)
