"""Fingerprint: LSH band keys for whole articles and for their passages.

A *passage* is a paragraph, several short paragraphs joined until they reach
``passage_min_words``, or a window of ``passage_max_words`` words of a long
paragraph. Whole-article keys find copies whatever their paragraph breaks;
passage keys find partial copies, where only some passages are shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from wiretrace.fingerprint.hashsets import unique_sorted
from wiretrace.fingerprint.lsh import Banding, band_keys, choose_bands, edited_jaccard
from wiretrace.fingerprint.minhash import EMPTY, sketch
from wiretrace.fingerprint.settings import ALGORITHM_VERSION, FingerprintSettings
from wiretrace.fingerprint.shingles import Shingled, shingle_paragraphs
from wiretrace.records import CleanArticle

if TYPE_CHECKING:
    from wiretrace.config import Config

    #: What the functions of this stage take: its settings, or a whole Config to read
    #: them from.
    Settings = FingerprintSettings | Config

__all__ = [
    "ALGORITHM_VERSION",
    "Fingerprint",
    "FingerprintSettings",
    "doc_banding",
    "fingerprint_articles",
    "fingerprint_batch",
    "passage_banding",
    "passage_index",
]


@dataclass(slots=True)
class Fingerprint:
    id: str
    doc_keys: np.ndarray  # uint64 holding 36-bit keys, one per document band (or none)
    passage_keys: np.ndarray  # uint64 holding 36-bit keys, unique over the passages
    words: int
    #: Sorted unique shingle hashes (low 32 bits), for this run's prefilter (not stored).
    shingles: np.ndarray | None = None


def settings_of(given: Settings) -> FingerprintSettings:
    """The stage's settings, from a Config when given one: the stage reads no other."""
    return given if isinstance(given, FingerprintSettings) else given.fingerprint


def passage_banding(given: Settings) -> Banding:
    s = settings_of(given)
    target = edited_jaccard(s.edit_rate, s.shingle_size)
    return choose_bands(s.passage_num_perm, target, s.lsh_passage_recall)


def doc_banding(given: Settings) -> Banding:
    s = settings_of(given)
    target = edited_jaccard(s.edit_rate, s.shingle_size) * s.doc_structure_loss
    return choose_bands(s.doc_num_perm, target, s.lsh_doc_recall)


def passage_index(words: np.ndarray, doc_of_par: np.ndarray, given: Settings) -> np.ndarray:
    """First passage number of each paragraph (passages numbered across the batch)."""
    s = settings_of(given)
    base = np.zeros(len(words), dtype=np.int64)
    next_id, acc, prev_doc = 0, 0, -1
    max_w, min_w = s.passage_max_words, s.passage_min_words
    for p, (w, d) in enumerate(zip(words.tolist(), doc_of_par.tolist(), strict=True)):
        if d != prev_doc:
            if acc:
                next_id += 1
            acc, prev_doc = 0, d
        base[p] = next_id
        if w > max_w:  # windows of max_w words; pending short paragraphs join the first
            next_id += -(-w // max_w)
            acc = 0
            continue
        acc += w
        if acc >= min_w:
            next_id += 1
            acc = 0
    return base


def fingerprint_batch(
    paragraph_lists: list[list[str]], ids: list[str], given: Settings
) -> list[Fingerprint]:
    """Fingerprints of many articles in a few vectorised passes."""
    settings = settings_of(given)
    counts = np.array([len(p) for p in paragraph_lists], dtype=np.int64)
    flat = [p for paragraphs in paragraph_lists for p in paragraphs]
    sh: Shingled = shingle_paragraphs(flat, settings.shingle_size)
    doc_of_par = np.repeat(np.arange(len(ids)), counts)
    doc_of_sh = doc_of_par[sh.paragraph]

    doc_sig = sketch(sh.hashes, doc_of_sh, len(ids), settings.doc_num_perm)
    d_keys = band_keys(doc_sig, doc_banding(settings), salt=1)

    base = passage_index(sh.words, doc_of_par, settings)
    passage_of_sh = base[sh.paragraph] + sh.position // settings.passage_max_words
    n_pass = int(passage_of_sh.max()) + 1 if len(passage_of_sh) else 0
    p_sig = sketch(sh.hashes, passage_of_sh, n_pass, settings.passage_num_perm)
    p_keys = band_keys(p_sig, passage_banding(settings), salt=2)
    p_nonempty = p_sig[:, 0] != EMPTY
    doc_of_pass = np.full(n_pass, -1, dtype=np.int64)
    doc_of_pass[passage_of_sh] = doc_of_sh

    words_per_doc = np.bincount(doc_of_par, weights=sh.words, minlength=len(ids)).astype(np.int64)
    out = []
    order = np.argsort(doc_of_pass, kind="stable")
    pass_bounds = np.searchsorted(doc_of_pass[order], np.arange(len(ids) + 1))
    sh_bounds = np.searchsorted(doc_of_sh, np.arange(len(ids) + 1))
    for i, article_id in enumerate(ids):
        rows = order[pass_bounds[i] : pass_bounds[i + 1]]
        rows = rows[p_nonempty[rows]]
        # Whole-document keys matter for short articles; with more passages than
        # doc_lsh_max_passages, the passage keys find any copy (each at 95%).
        whole = doc_sig[i, 0] != EMPTY and len(rows) <= settings.doc_lsh_max_passages
        doc_keys = d_keys[i] if whole else np.empty(0, dtype=np.uint64)
        # Low 32 bits: half the memory, and a chance match of 2^-32 a pair of shingles is
        # nothing to a prefilter that counts dozens of shared ones.
        low = sh.hashes[sh_bounds[i] : sh_bounds[i + 1]].astype(np.uint32)
        shingles = unique_sorted(low)
        out.append(
            Fingerprint(
                article_id,
                doc_keys.copy(),
                np.unique(p_keys[rows]),
                int(words_per_doc[i]),
                shingles,
            )
        )
    return out


def fingerprint_articles(articles: Sequence[CleanArticle], given: Settings) -> list[Fingerprint]:
    """Fingerprints of cleaned articles, in their order.

    A short record (:attr:`~wiretrace.records.CleanArticle.short`: a title with at most a
    short summary) is not sketched: it gets a *keyless* fingerprint, so it is never a copy
    candidate and never verified. A dozen words cannot show copied text, and their band
    keys would only pair every headline with every article quoting it. The keyless
    fingerprint keeps the run's ids, the store's fingerprint table and its lookups as they
    are for every other article.
    """
    settings = settings_of(given)
    full = [a for a in articles if not a.short]
    made = iter(
        fingerprint_batch([a.paragraphs for a in full], [a.id for a in full], settings)
        if full
        else ()
    )
    empty = np.empty(0, dtype=np.uint64)
    return [
        Fingerprint(a.id, empty.copy(), empty.copy(), _words(a)) if a.short else next(made)
        for a in articles
    ]


def _words(article: CleanArticle) -> int:
    return sum(len(p.split()) for p in article.paragraphs)
