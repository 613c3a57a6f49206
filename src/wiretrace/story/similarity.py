"""Same-story similarity and event match of article pairs, both in [0, 1].

The views of a pair (:meth:`StorySpace.views`) are word TF-IDF cosines (of the
leads, of the whole texts), the names-and-numbers cosine
(:mod:`wiretrace.story.lexical`), for each configured encoder
(:mod:`wiretrace.story.encoder`) three cosines of its vectors of the lead --
the lead's first piece, the mean of the lead's pieces, and how well each piece
finds a match among the other's pieces -- and two descriptors of the pair's
lengths. The lead is the title and first ``story.lead_words`` words; its pieces
are ``encoder_lead_words`` words each. The event match also reads three event
views (:data:`wiretrace.story.fusion.MATCH_VIEWS`): plain TF-IDF of the whole
texts and of their heads, and the numbers written in them
(:mod:`wiretrace.story.lexical`).

With a fitted fusion (:mod:`wiretrace.story.fusion`, ``story.fusion`` in the
config) the views give the *similarity* (the human same-story rating) and the
*match* (same event: what stories are clustered on). Without one, both are the
mean of the lead views (lexical, and encoder cosines calibrated).
Shared copy text (a relation from the copy engine) lifts the similarity to at
least that relation's coverage: a reprint is the same story by definition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from wiretrace.config import Config
from wiretrace.records import CleanArticle
from wiretrace.story.encoder import Encoder, VectorCache, calibrated, encode_in_steps
from wiretrace.story.fusion import (
    ENCODER_SUFFIXES,
    HEAD_WORDS,
    MATCH_VIEWS,
    Fusion,
    encoder_key,
    load,
    view_names,
)
from wiretrace.story.language import languages, one_language
from wiretrace.story.lexical import (
    LexicalSpace,
    mean_of_views,
    numbers_rows,
    plain_rows,
    story_text,
    words_and_plain_rows,
)

#: An encoder's views of the lead's pieces (beside the lead's own).
PIECE_VIEWS = ENCODER_SUFFIXES[1:]


def pieces_read(config: Config) -> int:
    """Pieces of each lead an encoder reads when the fusion weighs the piece views."""
    return max(
        1,
        min(
            config.story.encoder_lead_pieces,
            config.story.lead_words // config.story.encoder_lead_words,
        ),
    )


def _check_fitted_reading(about: dict, key: str, config: Config) -> None:
    """Fitted weights hold for the encoder reading what it read when fitted: the same words
    of each lead, in the same number of pieces (the encoder views shift with either)."""
    for setting, fitted_as in (
        ("encoder_lead_pieces", "lead_pieces"),
        ("encoder_lead_words", "lead_words"),
    ):
        fitted = about.get(fitted_as)
        if fitted is not None and fitted != getattr(config.story, setting):
            raise ValueError(
                f"the fitted weights for encoder {key!r} were fitted with story.{setting} "
                f"{fitted}, it is {getattr(config.story, setting)}: refit them with "
                "`wiretrace train fusion`"
            )


def lead_pieces(lead: str, words: int, most: int) -> list[str]:
    """The lead cut into pieces of ``words`` words, at most ``most`` of them (at least one)."""
    w = lead.split()
    return [" ".join(w[k : k + words]) for k in range(0, len(w), words)][:most] or ["-"]


@dataclass
class LeadPieces:
    """One encoder's vectors of every lead's pieces, flat, article ``r`` owning
    ``starts[r]:ends[r]`` (its first piece is its lead vector in ``StorySpace.embeddings``)."""

    name: str
    pieces: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    #: L2-normalised mean of each article's pieces.
    means: np.ndarray


@dataclass
class StorySpace:
    """Everything needed to score same-story similarity between articles of one corpus."""

    ids: list[str]
    lexical: LexicalSpace
    #: (floor, L2-normalised lead vectors) for each encoder.
    embeddings: list[tuple[float, np.ndarray]]
    #: Each encoder's name, in the order of ``embeddings``.
    encoder_names: tuple[str, ...] = ()
    #: The fitted combination of the views; None = their mean.
    fusion: Fusion | None = None
    #: A pair is in two languages below this word cosine ...
    foreign_max_word: float = 0.1
    #: ... with at least this mean calibrated encoder cosine (see wiretrace.story.fusion).
    foreign_min_encoder: float = 0.6
    #: Word TF-IDF rows of the whole texts (the "text" view); None = not computed.
    text: sparse.csr_matrix | None = None
    #: Words in each whole text (for the length descriptors).
    words: np.ndarray | None = None
    #: The encoders' pieces, where the fusion reads them.
    pieces: list[LeadPieces] = field(default_factory=list)
    #: The views computed beyond the lead ones (those the fusion weighs, or all).
    wanted: frozenset[str] = frozenset()
    #: Plain TF-IDF rows of the whole texts and of their heads, and of the numbers written
    #: in the whole texts (the event views); None = not computed.
    plain: sparse.csr_matrix | None = None
    head: sparse.csr_matrix | None = None
    numbers: sparse.csr_matrix | None = None
    #: Which articles have vectors (blocking embeds only those in a candidate pair).
    embedded: np.ndarray = field(default_factory=lambda: np.ones(0, dtype=bool))
    #: Which articles are short records (a headline, a summary): see :func:`_short_pairs`.
    short: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: Each article's language where it is plain, else "" (:mod:`wiretrace.story.language`);
    #: empty when no pair can be taken as in two languages (no encoder, or no imputation).
    language: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))

    @classmethod
    def build(
        cls,
        articles: Sequence[CleanArticle],
        config: Config,
        encoders: Sequence[Encoder] = (),
        same_text_as: dict[str, str] | None = None,
        cache: VectorCache | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        every_view: bool = False,
        embed_only: Callable[[StorySpace], np.ndarray] | None = None,
    ) -> StorySpace:
        """``same_text_as`` maps an article to one whose vectors it may share (a copy of it):
        only articles the copy engine has not explained are embedded. Only the views the
        fusion reads are computed, or ``every_view`` (to fit a fusion). ``embed_only`` says,
        from the space's word views (before any vector exists), which articles need vectors
        at all (blocking: see :func:`wiretrace.story.blocking.needs_vectors`); the others
        get zero vectors, and ``embedded`` is False for them."""
        texts = [story_text(a.title, a.paragraphs, config.story.lead_words) for a in articles]
        names = tuple(e.name for e in encoders)
        fusion = load(encoder_key(names)) if config.story.fusion else None
        if fusion and names:
            _check_fitted_reading(fusion.about, encoder_key(names), config)
        wanted = (
            set(view_names(names)) | set(MATCH_VIEWS)
            if every_view
            else fusion.views_read()
            if fusion
            else set()
        )
        text = words = plain = None
        whole = [story_text(a.title, a.paragraphs) for a in articles]
        if wanted & {"text", "length_ratio", "shorter_length"}:
            text, plain = words_and_plain_rows(whole)
            # story_text joins the words by single spaces: counting spaces counts words.
            words = np.array([t.count(" ") + 1 if t else 0 for t in whole], dtype=np.float64)
        if "plain" in wanted and plain is None:
            plain = plain_rows(whole)
        space = cls(
            [a.id for a in articles],
            LexicalSpace(texts),
            [],
            (),
            fusion,
            config.story.rewrite_foreign_word_similarity,
            config.story.foreign_min_encoder_similarity,
            text,
            words,
            [],
            frozenset(wanted),
            plain if "plain" in wanted else None,
            plain_rows([" ".join(t.split(" ", HEAD_WORDS)[:HEAD_WORDS]) for t in whole])
            if "head" in wanted
            else None,
            numbers_rows(whole) if "numbers" in wanted else None,
            np.zeros(len(articles), dtype=bool),
            np.array([a.short for a in articles], dtype=bool),
        )
        if encoders and fusion is not None and fusion.word_from:
            space.language = languages(texts)
        if encoders and texts:
            embedded = (
                np.ones(len(articles), dtype=bool)
                if embed_only is None
                else np.asarray(embed_only(space), dtype=bool)
            )
            space._embed(
                articles, texts, encoders, embedded, same_text_as or {}, config, cache, progress
            )
        return space

    def _embed(
        self,
        articles: Sequence[CleanArticle],
        texts: list[str],
        encoders: Sequence[Encoder],
        embedded: np.ndarray,
        same_text_as: dict[str, str],
        config: Config,
        cache: VectorCache | None,
        progress: Callable[[str, int, int], None] | None,
    ) -> None:
        """Each encoder's vectors of the leads (and their pieces, where the fusion reads
        them) of the ``embedded`` articles; a copy shares its embedded anchor's vectors."""
        index = {a.id: i for i, a in enumerate(articles)}
        source = np.array(
            [index.get(same_text_as.get(a.id, a.id), i) for i, a in enumerate(articles)],
            dtype=np.int64,
        )
        unique = np.unique(source[embedded])
        self.embedded = np.isin(source, unique)
        for e in encoders:
            piece_views = bool({e.name + "_mean", e.name + "_pieces"} & self.wanted)
            most = pieces_read(config) if piece_views else 1
            cut = [lead_pieces(texts[i], config.story.encoder_lead_words, most) for i in unique]
            flat = [p for ps in cut for p in ps]
            found = encode_in_steps(e, flat, cache, progress, f"embed ({e.name})")
            # The articles not embedded read the zero row appended last: cosine 0 with all.
            zero = np.zeros((1, found.shape[1]), dtype=np.float32)
            vectors = np.concatenate([found, zero])
            offsets = np.cumsum([0, *(len(ps) for ps in cut)])
            none = len(unique)  # the zero row, in rows of the embedded
            row = np.where(self.embedded, np.searchsorted(unique, source), none)
            starts = np.r_[offsets[:-1], offsets[-1]]
            ends = np.r_[offsets[1:], offsets[-1] + 1]
            self.embeddings.append((e.floor, vectors[starts][row]))
            if piece_views:
                sums = np.add.reduceat(vectors, starts, axis=0)
                means = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
                self.pieces.append(LeadPieces(e.name, vectors, starts[row], ends[row], means[row]))
        self.encoder_names = tuple(e.name for e in encoders)

    # -- the views ------------------------------------------------------------
    def views(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """The raw views of the row pairs (i[k], j[k]), as :mod:`wiretrace.story.fusion`
        names them (names = word where either row has no names)."""
        return {**self.word_views(i, j), **self.vector_views(i, j)}

    def word_views(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """The views of the row pairs (i[k], j[k]) that read no vector."""
        i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        word, names = (_row_dots(x, i, j) for x in self.lexical.views)
        present = self.lexical.views[1].getnnz(axis=1) > 0
        out = {"word": word, "names": np.where(present[i] & present[j], names, word)}
        if self.text is not None and self.words is not None:
            out["text"] = _row_dots(self.text, i, j)
            out.update(_lengths(self.words[i], self.words[j]))
        for name, x in self._event_rows():
            out[name] = _row_dots(x, i, j)
        return _short_pairs(out, self.short[i] | self.short[j])

    def vector_views(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """The encoders' views of the row pairs (i[k], j[k])."""
        i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        out = {}
        for name, (_, vectors) in zip(self.encoder_names, self.embeddings, strict=True):
            out[name] = np.einsum("ij,ij->i", vectors[i], vectors[j]).astype(np.float64)
        for p in self.pieces:
            out[p.name + "_mean"] = np.einsum("ij,ij->i", p.means[i], p.means[j]).astype(np.float64)
            if p.name + "_pieces" in self.wanted:
                out[p.name + "_pieces"] = _best_matches(p, i, j)
        return out

    def pair_views(self, i: np.ndarray, j: np.ndarray) -> list[dict[str, float]]:
        """:meth:`views` of each pair (i[k], j[k]) as one mapping of view name to value: the
        figures a relation carries, for a person to see what its similarity rests on."""
        views = self.views(i, j)
        return [{name: round(float(v[k]), 4) for name, v in views.items()} for k in range(len(i))]

    def view_matrices(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """:meth:`views` for all pairs among ``rows``, as dense matrices."""
        return {**self.word_view_matrices(rows), **self._vector_view_matrices(rows)}

    def word_view_matrices(
        self, rows: np.ndarray, cols: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """:meth:`word_views` for all pairs of ``rows`` and ``cols`` (``rows`` again by
        default), as dense matrices: one sparse product for each view."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = rows if cols is None else np.asarray(cols, dtype=np.int64)

        def product(x: sparse.csr_matrix) -> np.ndarray:
            return (x[rows] @ x[cols].T).toarray().astype(np.float64)

        word, names = (product(x) for x in self.lexical.views)
        present = self.lexical.views[1].getnnz(axis=1) > 0
        out = {"word": word, "names": np.where(np.outer(present[rows], present[cols]), names, word)}
        if self.text is not None and self.words is not None:
            out["text"] = product(self.text)
            out.update(_lengths(self.words[rows][:, None], self.words[cols][None, :]))
        for name, x in self._event_rows():
            out[name] = product(x)
        return _short_pairs(out, self.short[rows][:, None] | self.short[cols][None, :])

    def _vector_view_matrices(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        rows = np.asarray(rows, dtype=np.int64)
        out = {}
        for name, (_, vectors) in zip(self.encoder_names, self.embeddings, strict=True):
            e = vectors[rows]
            out[name] = (e @ e.T).astype(np.float64)
        for p in self.pieces:
            m = p.means[rows]
            out[p.name + "_mean"] = (m @ m.T).astype(np.float64)
            if p.name + "_pieces" in self.wanted:
                out[p.name + "_pieces"] = _best_match_matrix(p, rows)
        return out

    def _event_rows(self) -> list[tuple[str, sparse.csr_matrix]]:
        """The event views' rows that were computed, by view name. Rows are L2-normalised
        (or all zero: a text without numbers), so a dot product is the view."""
        return [
            (n, x)
            for n, x in (("plain", self.plain), ("head", self.head), ("numbers", self.numbers))
            if x is not None
        ]

    # -- the scores -------------------------------------------------------------
    def _fused(
        self, views: dict[str, np.ndarray], foreign: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The fusion's similarity and match, word views imputed for the pairs ``foreign``
        (in two languages)."""
        assert self.fusion is not None  # the callers' condition
        if foreign.any() and self.fusion.word_from:
            views = dict(views)
            imputed = {
                v: self.fusion.imputed(v, views) for v in self.fusion.word_from if v in views
            }
            for view, value in imputed.items():
                views[view] = np.where(foreign, np.maximum(views[view], value), views[view])
        sim = self.fusion.score(views)
        return sim, self.fusion.event_match(sim, views)

    def _in_two_languages(
        self, views: dict[str, np.ndarray], i: np.ndarray, j: np.ndarray
    ) -> np.ndarray:
        """Pairs (i, j; arrays alike, or broadcasting) sharing almost no words that their
        encoders find close, unless plainly in one language (see the fusion)."""
        if not self.embeddings or self.fusion is None or not self.fusion.word_from:
            return np.zeros(np.shape(views["word"]), dtype=bool)
        encoders = sum(
            calibrated(views[name], floor)
            for name, (floor, _) in zip(self.encoder_names, self.embeddings, strict=True)
        )
        return (
            (views["word"] < self.foreign_max_word)
            & (encoders / len(self.embeddings) >= self.foreign_min_encoder)
            & ~one_language(self.language, i, j)
        )

    def bounds_match(self, encoder_names: Sequence[str], pieces: int = 1) -> bool:
        """Whether :meth:`match_bound` is below 1 for some pairs: with a fitted fusion, and
        one piece of the lead read (or no piece view weighed)."""
        if self.fusion is None:
            return False
        read = self.fusion.views_read()
        return pieces == 1 or not any(n + s in read for n in encoder_names for s in PIECE_VIEWS)

    def match_bound(
        self,
        views: dict[str, np.ndarray],
        i: np.ndarray,
        j: np.ndarray,
        encoder_names: Sequence[str],
        pieces: int = 1,
    ) -> np.ndarray:
        """The highest event match the pairs (i, j: arrays alike, or broadcasting) with the
        word views ``views`` (:meth:`word_views`, :meth:`word_view_matrices`) could reach,
        whatever the vectors ``encoder_names`` would give them: what blocking reads before
        embedding.

        A pair whose bound is below ``story.min_match`` is never accepted, so an article in
        no pair above it ends alone, and its vectors change no story. The fused match grows
        with the similarity, which grows with each encoder cosine (the weights of
        similarity views are at least 0); the word views a pair in two languages has
        imputed are linear in the cosines, and only ever lift the views they replace, which
        the match weighs at least 0. So, with every pair sharing few words taken as in two
        languages (unless plainly in one: :mod:`wiretrace.story.language`), the match is a
        convex function of the cosines on ``[-1, 1]`` and its highest value is at an end.
        That needs one number per encoder: its lead views are equal when it reads one
        piece of the lead (``pieces``, 1 by default). With more pieces they may differ,
        and the bound is 1 (every pair may need vectors), as it is without a fitted fusion."""
        shape = np.shape(views["word"])
        if not self.bounds_match(encoder_names, pieces):
            return np.ones(shape)
        assert self.fusion is not None  # bounds_match's condition
        if not encoder_names:
            return self._fused(views, np.zeros(shape, dtype=bool))[1]
        # Taken as in two languages whatever the vectors: the pairs sharing few words.
        maybe = (views["word"] < self.foreign_max_word) & ~one_language(self.language, i, j)
        best = np.zeros(shape)
        for cosine in (-1.0, 1.0):
            ends = dict(views)
            for name in encoder_names:
                for suffix in ENCODER_SUFFIXES:
                    ends[name + suffix] = np.full(shape, cosine)
            best = np.maximum(best, self._fused(ends, maybe)[1])
        return best

    def _mean(self, total: np.ndarray, count: np.ndarray, cosines) -> np.ndarray:
        for (floor, _), cos in zip(self.embeddings, cosines, strict=True):
            total = total + calibrated(cos, floor)
            count = count + 1
        return np.clip(mean_of_views(total, count), 0.0, 1.0)

    def scores(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Dense (similarity, match) among ``rows`` (all rows by default)."""
        rows = np.arange(len(self.ids)) if rows is None else np.asarray(rows)
        if self.fusion is not None:
            views = self.view_matrices(rows)
            return self._fused(views, self._in_two_languages(views, rows[:, None], rows[None, :]))
        cosines = [v[rows] @ v[rows].T for _, v in self.embeddings]
        sim = self._mean(*self.lexical.matrix_sums(rows), cosines)
        return sim, sim

    def pair_scores(
        self, i: np.ndarray, j: np.ndarray, words: dict[str, np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(similarity, match) of the row pairs (i[k], j[k]); ``words``, their
        :meth:`word_views` where already computed."""
        i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        if self.fusion is not None:
            views = {
                **(self.word_views(i, j) if words is None else words),
                **self.vector_views(i, j),
            }
            return self._fused(views, self._in_two_languages(views, i, j))
        cosines = [np.einsum("ij,ij->i", v[i], v[j]) for _, v in self.embeddings]
        sim = self._mean(*self.lexical.pair_sums(i, j), cosines)
        return sim, sim

    def matrix(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Dense same-story similarities among ``rows``."""
        return self.scores(rows)[0]

    def match_matrix(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Dense event matches among ``rows``: what stories are clustered on."""
        return self.scores(rows)[1]

    def similarity(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Same-story similarity of the row pairs (i[k], j[k])."""
        return self.pair_scores(i, j)[0]

    def word_similarity(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Word TF-IDF cosine alone: near 0 for texts in different languages."""
        return _row_dots(self.lexical.views[0], i, j)


def _short_pairs(views: dict[str, np.ndarray], short: np.ndarray) -> dict[str, np.ndarray]:
    """A pair holding a short record (a headline, a summary) compares what both have: the
    whole-text views take the values of their lead counterparts (``text`` the lead word
    cosine, ``plain`` the head's). A headline's whole text is its head, while the other
    article's whole text dilutes it with everything its headline does not say."""
    if not short.any():
        return views
    for whole, lead in (("text", "word"), ("plain", "head")):
        if whole in views and lead in views:
            views[whole] = np.where(short, views[lead], views[whole])
    return views


def _lengths(a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    shorter, longer = np.log1p(np.minimum(a, b)), np.log1p(np.maximum(a, b))
    return {"length_ratio": shorter / np.maximum(longer, 1e-12), "shorter_length": shorter}


def _best_matches(p: LeadPieces, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each pair (i[k], j[k]): the mean over both articles' pieces of each piece's best
    cosine with the other's. The pieces are laid out padded, (articles, most pieces, dim),
    and the pairs taken a block at a time (a block's gathered pieces stay small)."""
    lengths = (p.ends - p.starts).astype(np.int64)
    most = int(lengths.max()) if len(lengths) else 1
    slot = np.arange(most)
    valid = slot[None, :] < lengths[:, None]  # article x slot
    index = np.where(valid, p.starts[:, None] + slot[None, :], 0)
    out = np.empty(len(i), dtype=np.float64)
    for lo in range(0, len(i), 4096):
        a, b = i[lo : lo + 4096], j[lo : lo + 4096]
        m = np.einsum("kpd,kqd->kpq", p.pieces[index[a]], p.pieces[index[b]])
        m = np.where(valid[b][:, None, :], m, -np.inf)
        best_a = m.max(axis=2)  # each of a's pieces, its best in b
        best_b = np.where(valid[a][:, :, None], m, -np.inf).max(axis=1)
        mean_a = np.where(valid[a], best_a, 0.0).sum(axis=1) / lengths[a]
        mean_b = np.where(valid[b], best_b, 0.0).sum(axis=1) / lengths[b]
        out[lo : lo + 4096] = 0.5 * (mean_a + mean_b)
    return out


def _best_match_matrix(p: LeadPieces, rows: np.ndarray) -> np.ndarray:
    """:func:`_best_matches` for all pairs among ``rows``: one product of all their pieces,
    then maxima over each article's columns and means over each article's rows."""
    lengths = (p.ends[rows] - p.starts[rows]).astype(np.int64)
    take = np.concatenate(
        [np.arange(s, e) for s, e in zip(p.starts[rows], p.ends[rows], strict=True)]
    )
    bounds = np.r_[0, np.cumsum(lengths)[:-1]]
    x = p.pieces[take]
    best = np.maximum.reduceat(x @ x.T, bounds, axis=1)  # piece x article
    half = np.add.reduceat(best, bounds, axis=0) / lengths[:, None]  # article x article
    return (0.5 * (half + half.T)).astype(np.float64)


#: Up to this many distinct rows, pair dot products come from one product of those rows.
_DENSE_ROWS = 4000


def _row_dots(x, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Dot products of the sparse rows (x[i[k]], x[j[k]]). The pairs of a window involve few
    distinct rows: one sparse product of those rows, read at the pairs, is several times
    cheaper than multiplying each gathered pair of rows."""
    rows, inverse = np.unique(np.r_[i, j], return_inverse=True)
    if len(rows) <= _DENSE_ROWS:
        sub = x[rows]
        product = (sub @ sub.T).toarray()
        return product[inverse[: len(i)], inverse[len(i) :]].astype(np.float64)
    return np.asarray(x[i].multiply(x[j]).sum(axis=1), dtype=np.float64).ravel()
