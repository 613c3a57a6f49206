"""Same-story similarity of article pairs, in [0, 1] (1 = the same story).

The views of a pair are the two lexical TF-IDF cosines (words; names and
numbers, :mod:`wiretrace.story.lexical`) and, for each configured encoder, the
cosine of the articles' embeddings (:mod:`wiretrace.story.encoder`). They are
combined by the fitted logistic of :mod:`wiretrace.story.fusion` (``story_fusion``
in the config, with weights trained for this set of encoders); otherwise, by the
mean of the views available, each weighted alike (encoder cosines calibrated).
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
from wiretrace.story.fusion import Fusion, encoder_key, load
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
    #: Each encoder's name, in the order of ``embeddings``.
    encoder_names: tuple[str, ...] = ()
    #: The fitted combination of the views; None = their mean.
    fusion: Fusion | None = None
    #: A pair is in two languages below this word cosine ...
    foreign_max_word: float = 0.1
    #: ... with at least this mean calibrated encoder cosine (see wiretrace.story.fusion).
    foreign_min_encoder: float = 0.6

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
        names = tuple(e.name for e in encoders)
        fusion = load(encoder_key(names)) if config.story_fusion else None
        return cls([a.id for a in articles], LexicalSpace(texts), embeddings, names, fusion,
                   config.rewrite_foreign_word_similarity,
                   config.story_foreign_min_encoder_similarity)

    def matrix(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Dense same-story similarities among ``rows`` (all rows by default)."""
        rows = np.arange(len(self.ids)) if rows is None else np.asarray(rows)
        if self.fusion is not None:
            return self._fused(self.view_matrices(rows))
        total, count = self.lexical.matrix_sums(rows)
        for floor, vectors in self.embeddings:
            e = vectors[rows]
            total = total + calibrated(e @ e.T, floor)
            count = count + 1
        return np.clip(mean_of_views(total, count), 0.0, 1.0)

    def views(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """The raw views of the row pairs (i[k], j[k]), as :mod:`wiretrace.story.fusion` reads
        them: word and names cosines (names = word where either row has no names), and each
        encoder's cosine under its name."""
        i, j = np.asarray(i), np.asarray(j)
        word, names = (_row_dots(x, i, j) for x in self.lexical.views)
        present = self.lexical.views[1].getnnz(axis=1) > 0
        out = {"word": word, "names": np.where(present[i] & present[j], names, word)}
        for name, (_, vectors) in zip(self.encoder_names, self.embeddings, strict=True):
            out[name] = np.einsum("ij,ij->i", vectors[i], vectors[j]).astype(np.float64)
        return out

    def view_matrices(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """:meth:`views` for all pairs among ``rows``, as dense matrices."""
        word, names = ((x[rows] @ x[rows].T).toarray().astype(np.float64)
                       for x in self.lexical.views)
        present = self.lexical.views[1][rows].getnnz(axis=1) > 0
        out = {"word": word, "names": np.where(np.outer(present, present), names, word)}
        for name, (_, vectors) in zip(self.encoder_names, self.embeddings, strict=True):
            e = vectors[rows]
            out[name] = (e @ e.T).astype(np.float64)
        return out

    def _fused(self, views: dict[str, np.ndarray]) -> np.ndarray:
        """The fusion's score, the word view imputed for pairs in two languages."""
        if self.embeddings and self.fusion.word_from:
            encoders = sum(calibrated(views[name], floor) for name, (floor, _) in
                           zip(self.encoder_names, self.embeddings, strict=True))
            foreign = ((views["word"] < self.foreign_max_word)
                       & (encoders / len(self.embeddings) >= self.foreign_min_encoder))
            if foreign.any():
                imputed = np.maximum(views["word"], self.fusion.imputed_word(views))
                views = {**views, "word": np.where(foreign, imputed, views["word"])}
        return self.fusion.score(views)

    def word_similarity(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Word TF-IDF cosine alone: near 0 for texts in different languages."""
        return _row_dots(self.lexical.views[0], i, j)

    def similarity(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Same-story similarity of the row pairs (i[k], j[k])."""
        if self.fusion is not None:
            return self._fused(self.views(i, j))
        total, count = self.lexical.pair_sums(i, j)
        for floor, vectors in self.embeddings:
            total = total + calibrated(np.einsum("ij,ij->i", vectors[i], vectors[j]), floor)
            count = count + 1
        return np.clip(mean_of_views(total, count), 0.0, 1.0)


def _row_dots(x, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(x[i].multiply(x[j]).sum(axis=1), dtype=np.float64).ravel()
