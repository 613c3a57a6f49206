"""TF-IDF vectors of articles, fitted on the corpus being compared.

Two views, averaged:

* word unigrams (sublinear tf);
* *names and numbers*: capitalised words not opening a sentence, and figures.
  Stories are defined by who, where and how many: two rehab check-ins or two
  earthquakes share their vocabulary but not their names, places or counts
  (ECB+ is built on exactly such pairs). Scripts without capitals (Arabic)
  leave this view empty, and an empty view is left out of the mean.

Each view is L2-normalised, so a dot product is a cosine in [0, 1].

Character 3-5-grams were measured too: on SemEval-2022 Task 8 dev pairs they
add 0.01 Pearson r over words alone, but cost 9x the time to fit and 13x to
multiply (3,000 AllSides articles: 6.8 s + 15.5 s against 0.8 s + 1.2 s), so
they are left out.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    CountVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)


def story_text(title: str, paragraphs: Sequence[str], max_words: int | None = None) -> str:
    """Title and lead of an article: what its story is about, in at most ``max_words`` words
    (None: the whole text)."""
    # A short record whose text is its title (wiretrace.clean.article.as_short_record)
    # counts it once, as cleaning makes every other article do.
    lead = paragraphs[1:] if paragraphs and paragraphs[0] == title else paragraphs
    if max_words is None:
        return " ".join(" ".join([title, *lead]).split())
    words: list[str] = []
    for piece in (title, *lead):  # a lead is a few paragraphs of a text: split no more
        words += piece.split()
        if len(words) >= max_words:
            break
    return " ".join(words[:max_words])


_SENTENCE_END = (".", "!", "?", ":", "\u201d", '"')
_LETTER = re.compile(r"[^\W\d_]")
_PUNCT = ".,;:!?\"'()[]\u201c\u201d\u2018\u2019"


def names_and_numbers(text: str) -> str:
    """Capitalised words that do not open a sentence, and numbers, lower-cased.

    Empty for text mostly in a script without letter case (Arabic, Chinese...),
    where capitals cannot mark names and numbers alone would say little.
    """
    sample = text[:200]
    if not sample.isascii():
        letters = len(_LETTER.findall(sample))
        cased = sum(map(str.__ne__, sample.lower(), sample.upper()))
        if letters and cased < 0.5 * letters:
            return ""
    words = text.split()
    if not words:
        return ""
    opens = [True, *(w.endswith(_SENTENCE_END) for w in words[:-1])]
    out = [
        w.strip(_PUNCT).lower()
        for w, first in zip(words, opens, strict=True)
        if w[:1].isdigit() or (not first and w[:1].isupper())
    ]
    return " ".join(w for w in out if w)


T = TypeVar("T")


class TermMemo:
    """What the TF-IDF views read of the texts seen lately: each text's term counts (per
    view) and its names and numbers, at most ``most`` texts per kind (the least recently
    used go).

    A run over a store fits its TF-IDF views on the stored articles around its new ones as
    well, so a long-running caller (the service's engine) analyses the same stored texts
    round after round: splitting them and counting their terms was most of a round's story
    stage (scikit-learn counts terms in a Python loop over every word). The terms of a text
    do not depend on the other texts (the IDF does, and is still fitted on each run's texts),
    so taking them from here changes no figure: the count matrices are built to be the very
    ones scikit-learn builds (:meth:`_Remembering._count_vocab`). A text's counts are kept
    as numbered terms (:class:`TermNumbers`), a few kilobytes a text. Off unless
    :func:`remember_terms` turns it on: a single run reads each text once."""

    def __init__(self, most: int, most_terms: int = 500_000):
        self.most = most
        self.most_terms = most_terms
        self.kinds: dict[Hashable, OrderedDict[bytes, object]] = {}
        self.numbers: dict[Hashable, TermNumbers] = {}

    def get(self, kind: Hashable, text: str, compute: Callable[[str], T]) -> T:
        """``compute(text)``, remembered under ``kind`` (and a digest of the text: the text
        itself is not kept)."""
        memo = self.kinds.setdefault(kind, OrderedDict())
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = memo.get(key)
        if found is None:
            found = memo[key] = compute(text)
            if len(memo) > self.most:
                memo.popitem(last=False)
        else:
            memo.move_to_end(key)
        return cast(T, found)

    def term_numbers(self, analysis: Hashable) -> TermNumbers:
        """The numbers of the terms of one way of analysing texts. Past ``most_terms`` terms
        (a service up for months meets names and typos without end) they start afresh, with
        the counts that were kept in them; so call it once per matrix, never between two
        texts of one."""
        numbers = self.numbers.get(analysis)
        if numbers is None or len(numbers) > self.most_terms:
            numbers = self.numbers[analysis] = TermNumbers()
            for kind in [
                k for k in self.kinds if isinstance(k, Counted) and k.analysis == analysis
            ]:
                del self.kinds[kind]
        return numbers


class TermNumbers:
    """A number for each term, in the order terms were first met: a text's term counts are
    two small arrays (numbers and counts) rather than its words."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self._terms: list[str] = []
        self._array = np.empty(0, dtype=object)

    def __len__(self) -> int:
        return len(self._terms)

    def count(self, terms: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """The numbers of the distinct ``terms`` and how often each occurs."""
        counts = Counter(terms)
        numbers = np.empty(len(counts), dtype=np.int32)
        for k, term in enumerate(counts):
            n = self.number.get(term)
            if n is None:
                n = self.number[term] = len(self._terms)
                self._terms.append(term)
            numbers[k] = n
        return numbers, np.fromiter(counts.values(), dtype=np.int32, count=len(counts))

    def terms(self) -> np.ndarray:
        """Every term, by its number (an object array, extended as terms come)."""
        if len(self._array) < len(self._terms):
            added = np.array(self._terms[len(self._array) :], dtype=object)
            self._array = np.concatenate([self._array, added])
        return self._array


@dataclass(frozen=True, slots=True)
class Counted:
    """The memo's kind for the term counts of one way of analysing texts; ``fitted`` apart
    (texts a vocabulary is fitted on, or texts put in one: paragraphs), so that one does not
    push the other's texts out."""

    analysis: Hashable
    fitted: bool


#: The terms remembered between runs in this process; None: none (see :class:`TermMemo`).
_MEMO: TermMemo | None = None


def remembered(kind: Hashable, text: str, compute: Callable[[str], T]) -> T:
    """``compute(text)``, from the :class:`TermMemo` when one is on (kept under ``kind``)."""
    memo = _MEMO
    return compute(text) if memo is None else memo.get(kind, text, compute)


def remember_terms(most: int | None) -> None:
    """Remember the terms of up to ``most`` texts per view between runs in this process
    (None: stop, and forget them)."""
    global _MEMO
    _MEMO = TermMemo(most) if most else None


class _Remembering(CountVectorizer):
    """A vectoriser that reads each text's term counts from the :class:`TermMemo` when one
    is on: the same count matrix, the same fit."""

    def _count_vocab(self, raw_documents, fixed_vocab):
        """scikit-learn's own step (``fit`` and ``transform`` both count through it),
        from remembered counts: the same vocabulary and the same matrix (data in
        ``self.dtype``). A test holds the two equal bit for bit, so a scikit-learn that
        counts otherwise fails it."""
        memo = _MEMO
        if memo is None:
            return super()._count_vocab(raw_documents, fixed_vocab)
        analysis = (self.token_pattern, str(self.stop_words), self.lowercase, self.ngram_range)
        numbers = memo.term_numbers(analysis)
        analyze = self.build_analyzer()
        kind = Counted(analysis, not fixed_vocab)
        rows = [
            memo.get(kind, doc, lambda text: numbers.count(analyze(text))) for doc in raw_documents
        ]
        found = np.concatenate([r[0] for r in rows]) if rows else np.empty(0, dtype=np.int32)
        counts = np.concatenate([r[1] for r in rows]) if rows else np.empty(0, dtype=np.int32)
        lengths = np.fromiter((len(r[0]) for r in rows), dtype=np.int64, count=len(rows))
        column = np.full(len(numbers), -1, dtype=np.int64)
        if fixed_vocab:
            vocabulary = self.vocabulary_
            for term, col in vocabulary.items():
                n = numbers.number.get(term)
                if n is not None:
                    column[n] = col
        else:
            # Numbered as first met in these texts, as scikit-learn numbers them before
            # sorting them by term: the order each row's entries are left in after that.
            used, first = np.unique(found, return_index=True)
            if not len(used):
                raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
            order = np.argsort(first)
            column[used[order]] = np.arange(len(used))
            terms = numbers.terms()[used[order]].tolist()
            vocabulary = dict(zip(terms, range(len(used)), strict=True))
        local = column[found]
        if (local < 0).any():  # terms the fitted vocabulary does not hold: left out
            kept = local >= 0
            row = np.repeat(np.arange(len(rows)), lengths)
            lengths = np.bincount(row[kept], minlength=len(rows))
            local, counts = local[kept], counts[kept]
        indptr = np.zeros(len(rows) + 1, dtype=np.int32)
        np.cumsum(lengths, out=indptr[1:])
        matrix = sparse.csr_matrix(
            (counts, local.astype(np.int32), indptr),
            shape=(len(rows), len(vocabulary)),
            dtype=self.dtype,
        )
        matrix.sort_indices()
        return vocabulary, matrix


class _Tfidf(_Remembering, TfidfVectorizer):
    """:class:`TfidfVectorizer` reading remembered terms."""


class _Count(_Remembering):
    """:class:`CountVectorizer` reading remembered terms."""


def _names_and_numbers(text: str) -> str:
    return remembered("names", text, names_and_numbers)


class LexicalSpace:
    """Word, character and name TF-IDF fitted on the texts given, for cosines between them."""

    def __init__(self, texts: Sequence[str]):
        def tfidf(**kw) -> TfidfVectorizer:
            return _Tfidf(sublinear_tf=True, dtype=np.float32, **kw)

        self.vectorizers = [tfidf(), tfidf(token_pattern=r"\S+")]
        self.views = [
            _fit(v, x) for v, x in zip(self.vectorizers, self._inputs(texts), strict=True)
        ]

    @staticmethod
    def _inputs(texts: Sequence[str]) -> list[Sequence[str]]:
        return [texts, [_names_and_numbers(t) for t in texts]]

    def transform(self, texts: Sequence[str]) -> LexicalSpace:
        """Other texts (e.g. paragraphs) in this space's vocabulary and IDF, without refitting."""
        other = object.__new__(LexicalSpace)
        other.vectorizers = self.vectorizers
        other.views = [
            v.transform(x).tocsr() if hasattr(v, "idf_") else sparse.csr_matrix((len(texts), 1))
            for v, x in zip(self.vectorizers, self._inputs(texts), strict=True)
        ]
        return other

    def pair_sums(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Summed cosines of the row pairs (i[k], j[k]) over the views in which both rows
        have terms, and how many views that is (to average with other views)."""
        total = np.zeros(len(i), dtype=np.float64)
        count = np.zeros(len(i), dtype=np.float64)
        for x in self.views:
            present = (x.getnnz(axis=1) > 0).astype(np.float64)
            both = present[i] * present[j]
            total += _row_dots(x, i, j) * both
            count += both
        return total, count

    def matrix_sums(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`pair_sums` for all pairs among ``rows`` (dense: for a window of articles)."""
        n = len(rows)
        total = np.zeros((n, n))
        count = np.zeros((n, n))
        for full in self.views:
            x = full[rows]
            present = (x.getnnz(axis=1) > 0).astype(np.float64)
            both = np.outer(present, present)
            total += (x @ x.T).toarray() * both
            count += both
        return total, count

    def matrix(self, rows: np.ndarray) -> np.ndarray:
        """Mean cosine over the views, for all pairs among ``rows``."""
        return mean_of_views(*self.matrix_sums(rows))


def mean_of_views(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def plain_rows(texts: Sequence[str]) -> sparse.csr_matrix:
    """Plain TF-IDF rows (sublinear tf, English stop words dropped), L2-normalised: the
    representation of the baseline every story change must beat, as an event view."""
    return _fit(_Tfidf(sublinear_tf=True, stop_words="english", dtype=np.float32), texts)


def words_and_plain_rows(texts: Sequence[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """L2-normalised word TF-IDF rows of ``texts`` (sublinear tf), and :func:`plain_rows` of
    them, from one tokenisation. Dropping the stop words' columns from the counts is
    dropping them from the texts (a term's IDF reads its own column only), and tokenising
    the whole texts was the largest part of fitting the story stage's views."""
    counter = _Count(dtype=np.float32)
    try:
        counts = counter.fit_transform(texts).tocsr()
    except ValueError:  # empty vocabulary
        empty = sparse.csr_matrix((len(texts), 1), dtype=np.float32)
        return empty, empty.copy()
    kept = np.array([t not in ENGLISH_STOP_WORDS for t in counter.get_feature_names_out()])
    words = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    if not kept.any():
        return words, sparse.csr_matrix((len(texts), 1), dtype=np.float32)
    plain = TfidfTransformer(sublinear_tf=True).fit_transform(counts[:, kept]).tocsr()
    return words, plain


#: A number as written: digits, with the separators inside it ("1,200", "3.5", "9/11"),
#: unless letters lead into it: digits in a name ("COVID-19", "G20", "F-35") are no figure,
#: and one such name shared by every article of a season (all coronavirus reports hold
#: "19") made their numbers view 1.
_NUMBER = re.compile(r"(?<!\w)(?<![^\W\d_]-)\d+(?:[.,:/]\d+)*")


def numbers_rows(texts: Sequence[str]) -> sparse.csr_matrix:
    """TF-IDF rows (sublinear tf) of the numbers written in ``texts``, L2-normalised; a
    text without numbers has an all-zero row, so its cosine with any text is 0 (no
    evidence either way rather than agreement)."""
    found = [_numbers_in(t) for t in texts]
    return _fit(_Tfidf(sublinear_tf=True, token_pattern=r"\S+", dtype=np.float32), found)


def _numbers_written(text: str) -> str:
    return " ".join(_NUMBER.findall(text))


def _numbers_in(text: str) -> str:
    memo = _MEMO
    return _numbers_written(text) if memo is None else memo.get("numbers", text, _numbers_written)


def _fit(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sparse.csr_matrix:
    """TF-IDF rows of ``texts``; all-zero rows when no text has a term of this view."""
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # empty vocabulary
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)


def _row_dots(x: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(x[i].multiply(x[j]).sum(axis=1)).ravel()
