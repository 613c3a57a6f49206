"""Verify and classify a candidate pair from the articles' actual text.

LSH only says two articles *may* share text. Here the shingles of both are
compared paragraph by paragraph:

* ``n_ij`` = shingles shared by paragraph i of a and paragraph j of b;
* the pair (i, j) is *aligned* when ``n_ij >= align_min_shared`` and
  ``n_ij / min(|S_i|, |S_j|) >= align_min_containment``. Dividing by the
  smaller paragraph lets one paragraph align with a longer one that merged it
  with its neighbour, as reprints often do;
* the evidence of an aligned pair is the span from the first to the last
  shared shingle in each paragraph, as character offsets into the cleaned text;
* *coverage* of an article is the share of its words inside aligned spans.

Then: ``duplicate`` when both have the same words in the same order; ``copy``
when aligned spans cover ``copy_min_coverage`` of both; ``partial`` when they
cover ``partial_min_coverage`` of the smaller one, or form a block of at least
``partial_min_block_words`` words that is ``partial_min_block_share`` of the smaller
one; otherwise no relation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from wiretrace.fingerprint.hashsets import member, sorted_intersection, unique_sorted
from wiretrace.fingerprint.shingles import Shingled, shingle_paragraphs
from wiretrace.records import AlignedPassage, CleanArticle, Relation, RelationKind
from wiretrace.settings import Settings

if TYPE_CHECKING:
    from wiretrace.config import Config


@dataclass(frozen=True, slots=True)
class VerifySettings(Settings):
    """When a candidate pair is a copy, a partial copy or nothing (section ``verify`` of a
    settings file)."""

    SECTION = "verify"

    #: Candidates sharing fewer shingles than this (or than half the smaller article's)
    #: are dropped before alignment. A 40-word block (``partial_min_block_words``) with 10%
    #: of its words edited keeps about 40 * 0.9^4 = 26 shingles; fewer is no relation.
    min_shared: int = 24
    #: Two paragraphs align when this share of the smaller one's shingles is in the other.
    align_min_containment: float = 0.3
    #: ... and they share at least this many shingles.
    align_min_shared: int = 4
    #: ``copy`` when aligned passages cover this share of both articles.
    copy_min_coverage: float = 0.7
    #: ``partial`` when they cover this share of the smaller article ...
    partial_min_coverage: float = 0.5
    #: ... or the shared block has at least this many words and this share of the smaller
    #: article (one quoted paragraph in a long article is not a partial copy of it).
    partial_min_block_words: int = 40
    partial_min_block_share: float = 0.1


@dataclass
class ShingledArticle:
    """An article with its shingles, ready to be compared with others."""

    article: CleanArticle
    shingles: Shingled

    @classmethod
    def of(cls, article: CleanArticle, config: Config) -> ShingledArticle:
        return cls(article, shingle_paragraphs(article.paragraphs, config.fingerprint.shingle_size))

    @classmethod
    def many(cls, articles: list[CleanArticle], config: Config) -> list[ShingledArticle]:
        """Shingle many articles in one vectorised pass (as :func:`of` one by one)."""
        counts = np.array([len(a.paragraphs) for a in articles], dtype=np.int64)
        flat = [p for a in articles for p in a.paragraphs]
        sh = shingle_paragraphs(flat, config.fingerprint.shingle_size)
        par_start = np.concatenate(([0], np.cumsum(counts)))
        sh_start = np.searchsorted(sh.paragraph, par_start)
        out = []
        word_start = np.concatenate((sh.first_word, [len(sh.word_bytes)]))
        for i, article in enumerate(articles):
            lo, hi = sh_start[i], sh_start[i + 1]
            p0, p1 = par_start[i], par_start[i + 1]
            w0, w1 = word_start[p0], word_start[p1]
            part = Shingled(
                sh.hashes[lo:hi],
                sh.paragraph[lo:hi] - p0,
                sh.position[lo:hi],
                sh.words[p0:p1],
                sh.word_bytes[w0:w1],
                sh.first_word[p0:p1] - w0,
            )
            out.append(cls(article, part))
        return out

    @cached_property
    def unique(self) -> np.ndarray:
        return unique_sorted(self.shingles.hashes)

    @cached_property
    def per_paragraph(self) -> np.ndarray:
        return np.bincount(self.shingles.paragraph, minlength=len(self.article.paragraphs))

    @cached_property
    def starts(self) -> list[int]:
        return self.article.paragraph_starts()

    @cached_property
    def total_words(self) -> int:
        return int(self.shingles.words.sum())

    def char_span(self, paragraph: int, first: int, last: int) -> tuple[int, int]:
        """Offsets in :attr:`CleanArticle.text` of words first..last-1 of a paragraph."""
        start, end = self.shingles.char_span(
            self.article.paragraphs[paragraph], paragraph, first, last
        )
        return self.starts[paragraph] + start, self.starts[paragraph] + end


def enough_shared(a: np.ndarray, b: np.ndarray, config: Config) -> bool:
    """Whether two sorted unique shingle sets share enough for any relation to rest on."""
    needed = min(config.verify.min_shared, len(a) // 2, len(b) // 2)
    return len(sorted_intersection(a, b)) >= max(needed, config.verify.align_min_shared)


class Verifier:
    """Compares articles by id, shingling each once, in batches.

    ``uniques`` (article id to sorted unique shingle hashes, as the fingerprint
    stage makes them) lets most candidate pairs be dropped before any article
    is shingled again.
    """

    def __init__(
        self,
        articles: Sequence[CleanArticle] | Mapping[str, CleanArticle],
        config: Config,
        uniques: dict[str, np.ndarray] | None = None,
    ):
        by_id = articles if isinstance(articles, Mapping) else {a.id: a for a in articles}
        self.by_id: Mapping[str, CleanArticle] = by_id
        # A mapping that reads from disk (wiretrace.shelf.ArticleLookup) fetches many at once.
        self._many = getattr(by_id, "many", None) or (lambda ids: {i: by_id[i] for i in ids})
        self.config = config
        self.uniques = uniques or {}
        self.cache: dict[str, ShingledArticle] = {}

    def prepare(self, ids: list[str], batch: int = 256) -> None:
        todo = [i for i in dict.fromkeys(ids) if i not in self.cache]
        for start in range(0, len(todo), batch):  # bounded batches: bounded temporary memory
            part = todo[start : start + batch]
            found = self._many(part)
            missing = [i for i in part if i not in found]
            if missing:
                raise KeyError(f"articles not found: {missing[:5]}")
            for shingled in ShingledArticle.many([found[i] for i in part], self.config):
                self.cache[shingled.article.id] = shingled

    def relate(self, a: str, b: str) -> Relation | None:
        self.prepare([a, b])
        return compare(self.cache[a], self.cache[b], self.config)

    def relate_pairs(self, pairs: list[tuple[str, str]]) -> list[Relation]:
        """Relations among ``pairs``; the articles shingled for them are not kept after,
        so memory stays bounded by one batch of pairs, whatever the corpus size."""
        u = self.uniques
        pairs = [
            (a, b)
            for a, b in pairs
            if a not in u or b not in u or enough_shared(u[a], u[b], self.config)
        ]
        self.prepare([i for pair in pairs for i in pair])
        found = [compare(self.cache[a], self.cache[b], self.config) for a, b in pairs]
        self.cache.clear()
        return [r for r in found if r is not None]


def _paragraph_overlap(a: ShingledArticle, b: ShingledArticle, common: np.ndarray):
    """Shared-shingle counts and word-position ranges for every paragraph pair that shares any."""
    sa, sb = a.shingles, b.shingles
    in_a = member(sa.hashes, common)
    in_b = member(sb.hashes, common)
    ha, pa, posa = sa.hashes[in_a], sa.paragraph[in_a], sa.position[in_a]
    hb, pb, posb = sb.hashes[in_b], sb.paragraph[in_b], sb.position[in_b]
    order = np.argsort(hb, kind="stable")
    hb, pb, posb = hb[order], pb[order], posb[order]
    lo = np.searchsorted(hb, ha, side="left")
    hi = np.searchsorted(hb, ha, side="right")
    # Expand each shingle of a to every occurrence in b (nearly always exactly one).
    reps = hi - lo
    ia = np.repeat(np.arange(len(ha)), reps)
    run_start = np.repeat(np.cumsum(reps) - reps, reps)
    ib = np.repeat(lo, reps) + (np.arange(len(ia)) - run_start)
    n_b = len(b.article.paragraphs)
    code = pa[ia] * n_b + pb[ib]
    return code, posa[ia], posb[ib], n_b


def compare(a: ShingledArticle, b: ShingledArticle, config: Config) -> Relation | None:
    """The relation between two articles with its evidence, or None when they share no text."""
    if not enough_shared(a.unique, b.unique, config):
        return None  # most LSH candidates stop here, cheaply
    common = sorted_intersection(a.unique, b.unique)
    union = len(a.unique) + len(b.unique) - len(common)
    c_ab, c_ba = len(common) / len(a.unique), len(common) / len(b.unique)

    code, pos_a, pos_b, n_b = _paragraph_overlap(a, b, common)
    # Group the shared shingles by paragraph pair: one sort, then per-group reductions.
    order = np.argsort(code, kind="stable")
    code, pos_a, pos_b = code[order], pos_a[order], pos_b[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    pairs = code[starts]
    counts = np.diff(np.r_[starts, len(code)])
    par_a, par_b = pairs // n_b, pairs % n_b
    smaller = np.minimum(a.per_paragraph[par_a], b.per_paragraph[par_b])
    similarity = counts / np.maximum(smaller, 1)
    aligned = (counts >= config.verify.align_min_shared) & (
        similarity >= config.verify.align_min_containment
    )
    if not aligned.any():
        return None

    k = config.fingerprint.shingle_size
    first_a, last_a = np.minimum.reduceat(pos_a, starts), np.maximum.reduceat(pos_a, starts)
    first_b, last_b = np.minimum.reduceat(pos_b, starts), np.maximum.reduceat(pos_b, starts)

    evidence: list[AlignedPassage] = []
    covered_a: dict[int, tuple[int, int]] = {}
    covered_b: dict[int, tuple[int, int]] = {}
    for idx in np.flatnonzero(aligned):
        i, j = int(par_a[idx]), int(par_b[idx])
        wa = _word_range(a, i, int(first_a[idx]), int(last_a[idx]), k)
        wb = _word_range(b, j, int(first_b[idx]), int(last_b[idx]), k)
        _extend(covered_a, i, wa)
        _extend(covered_b, j, wb)
        a_start, a_end = a.char_span(i, *wa)
        b_start, b_end = b.char_span(j, *wb)
        evidence.append(
            AlignedPassage(
                a_paragraph=i,
                a_start=a_start,
                a_end=a_end,
                b_paragraph=j,
                b_start=b_start,
                b_end=b_end,
                similarity=round(float(min(similarity[idx], 1.0)), 3),
                words=wa[1] - wa[0],
            )
        )
    evidence.sort(key=lambda e: (e.a_start, e.b_start))
    words_a = sum(e - s for s, e in covered_a.values())
    words_b = sum(e - s for s, e in covered_b.values())
    cov_a = words_a / max(a.total_words, 1)
    cov_b = words_b / max(b.total_words, 1)

    kind = classify(a, b, cov_a, cov_b, min(words_a, words_b), config)
    if kind is None:
        return None
    return Relation(
        a=a.article.id,
        b=b.article.id,
        relation=kind,
        containment_ab=round(c_ab, 4),
        containment_ba=round(c_ba, 4),
        jaccard=round(len(common) / union, 4),
        coverage_a=round(min(cov_a, 1.0), 4),
        coverage_b=round(min(cov_b, 1.0), 4),
        evidence=evidence,
    )


def classify(
    a: ShingledArticle, b: ShingledArticle, cov_a: float, cov_b: float, block: int, config: Config
) -> RelationKind | None:
    if np.array_equal(a.shingles.hashes, b.shingles.hashes):
        return RelationKind.DUPLICATE
    if min(cov_a, cov_b) >= config.verify.copy_min_coverage:
        return RelationKind.COPY
    smaller_cov = cov_a if a.total_words <= b.total_words else cov_b
    if smaller_cov >= config.verify.partial_min_coverage:
        return RelationKind.PARTIAL
    if block >= config.verify.partial_min_block_words and (
        block >= config.verify.partial_min_block_share * min(a.total_words, b.total_words)
    ):
        return RelationKind.PARTIAL
    return None


def _word_range(
    art: ShingledArticle, paragraph: int, first: int, last: int, k: int
) -> tuple[int, int]:
    """Words covered by shingles starting at positions first..last of a paragraph."""
    return first, min(last + k, int(art.shingles.words[paragraph]))


def _extend(covered: dict[int, tuple[int, int]], paragraph: int, span: tuple[int, int]) -> None:
    if paragraph in covered:
        s, e = covered[paragraph]
        covered[paragraph] = (min(s, span[0]), max(e, span[1]))
    else:
        covered[paragraph] = span
