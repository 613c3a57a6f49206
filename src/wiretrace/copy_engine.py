"""The copy engine's stages: clean, learn boilerplate and outlet blocks, admit, fingerprint,
candidates, verify.

Each is a function over the run's records; :mod:`wiretrace.pipeline` calls them in
order. Cleaned articles go to the scratch shelf (:mod:`wiretrace.shelf`) as they are
cleaned, so the main process keeps only what the later stages need of each (its
paragraph keys and word count); fingerprinting and verification read the articles they
need by id, in worker processes (:mod:`wiretrace.executor`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wiretrace.accounting import Accounting
from wiretrace.candidates import CandidateStats, sharded_candidate_pairs
from wiretrace.clean.article import drop_paragraphs
from wiretrace.clean.boilerplate import (
    KEY_DTYPE,
    frequent_lines,
    judge_in_batches,
    split_keys,
)
from wiretrace.clean.outlet_blocks import (
    Holder,
    OutletBlocks,
    OutletLines,
    StoredLine,
    find_outlet_blocks,
    outlet_line_rows,
)
from wiretrace.codec import article_from_record
from wiretrace.config import Config
from wiretrace.executor import LocalExecutor, Progress, chunks
from wiretrace.fingerprint import Fingerprint, FingerprintSettings, fingerprint_articles
from wiretrace.records import Article, CleanArticle, Relation, Skipped
from wiretrace.shelf import ArticleShelf, Row, shelved_between
from wiretrace.shelf import article_row as shelf_row
from wiretrace.steps import (
    Admit,
    Clean,
    Cleaned,
    DropBoilerplate,
    Sketch,
    StepStats,
    already_stored,
    duplicate_id,
    word_count,
)
from wiretrace.store import Store, content_hash
from wiretrace.verify import Verifier


@dataclass(slots=True)
class _Cleaned:
    """What the main process keeps of a cleaned article (its text goes to the shelf)."""

    row: Row | None  # shelved, then dropped
    keys: bytes  # its paragraphs' line keys, 8 bytes each
    words: int
    notes: list[str]
    outlet: str | None
    #: Line keys of the paragraphs taken out as blocks of its outlet (the store indexes
    #: them with the others).
    blocks: bytes = b""


def _to_shelve(cleaned: list[Cleaned]) -> list[_Cleaned]:
    """What a cleaning worker sends back: each article as a shelf row, and what the main
    process keeps of it."""
    return [
        _Cleaned(shelf_row(c.article), b"".join(c.keys), c.words, c.article.notes, c.outlet)
        for c in cleaned
    ]


@dataclass(frozen=True, slots=True)
class _ShelfRange:
    """Shelved articles by sequence number, read from disk where they are iterated (in a
    worker process: only the range travels)."""

    path: Path
    lo: int
    hi: int

    def __iter__(self) -> Iterator[CleanArticle]:
        return iter(shelved_between(self.path, self.lo, self.hi))


_VERIFIER: Verifier | None = None


def _verify_chunk(pairs: list[tuple[str, str]]) -> list[Relation]:
    assert _VERIFIER is not None, "set before the worker processes were forked"
    return _VERIFIER.relate_pairs(pairs)


def verify(
    verifier: Verifier, pairs: list[tuple[str, str]], config: Config, progress: Progress | None
) -> list[Relation]:
    """Relations among candidate pairs, in worker processes forked with the articles."""
    global _VERIFIER
    _VERIFIER = verifier
    parts_in = chunks(pairs, 4 * config.run.chunk_size)
    pool = LocalExecutor(config, len(pairs), fork_only=True)
    try:
        parts = pool.map(_verify_chunk, parts_in, progress, "verify", len(pairs))
    finally:
        pool.close()
        _VERIFIER = None
    return [r for part in parts for r in part]


def ingest_chunks(
    records: Iterable[Article | Skipped], accounting: Accounting, size: int
) -> Iterator[list[Article]]:
    """Count every record and skip those whose id an earlier record of this run had; yield
    the articles in lists of ``size``, read lazily: the run cleans each list as it comes
    and never holds every raw article at once."""
    articles: list[Article] = []
    first_seen: dict[str, str] = {}
    for record in records:
        accounting.records += 1
        if isinstance(record, Skipped):
            accounting.skip(record)
            continue
        if record.id in first_seen:
            accounting.skip(duplicate_id(record, first_seen[record.id]))
            continue
        first_seen[record.id] = record.origin
        articles.append(record)
        if len(articles) >= size:
            yield articles
            articles = []
    if articles:
        yield articles


def _shelve(part: list[_Cleaned], shelf: ArticleShelf, held: dict[str, _Cleaned]) -> None:
    """Write a chunk of cleaned articles to the shelf; keep the rest in ``held``."""
    rows = []
    for c in part:
        assert c.row is not None
        rows.append(c.row)
        held[c.row[0]] = c
        c.row = None
    shelf.put(rows)


def clean_into_shelf(
    records: Iterable[Article | Skipped],
    shelf: ArticleShelf,
    config: Config,
    accounting: Accounting,
    stats: StepStats,
    progress: Progress | None,
) -> dict[str, _Cleaned]:
    """Read and clean every record onto the shelf (in worker processes when they pay); what
    the later stages need of each article, by id in reading order."""
    parts = ingest_chunks(records, accounting, config.run.chunk_size)
    first = list(itertools.islice(parts, 2))  # enough to tell whether workers pay
    pool = LocalExecutor(config, sum(map(len, first)))
    held: dict[str, _Cleaned] = {}
    step = Clean()
    try:
        for part in pool.stream_step(
            step, itertools.chain(first, parts), progress, finish=_to_shelve
        ):
            _shelve(part, shelf, held)
    finally:
        pool.close()
    stats.add(step)
    return held


def fingerprint_shelf(
    shelf: ArticleShelf,
    n_articles: int,
    config: Config,
    stats: StepStats,
    progress: Progress | None,
) -> list[Fingerprint]:
    """Fingerprints of the shelved articles, in shelf order (worker processes read them)."""
    ranges = shelf.seq_ranges(config.run.chunk_size)
    sizes = [
        min(config.run.chunk_size, n_articles - n * config.run.chunk_size)
        for n in range(len(ranges))
    ]
    pool = LocalExecutor(config, n_articles)
    step = Sketch(config.fingerprint, config.run.chunk_size)
    try:
        parts = pool.map_step(
            step,
            [_ShelfRange(shelf.path, lo, hi) for lo, hi in ranges],
            progress,
            n_articles,
            sizes,
        )
    finally:
        pool.close()
    stats.add(step)
    return [f for part in parts for f in part if not isinstance(f, Skipped)]


def remove_learned_boilerplate(
    held: dict[str, _Cleaned],
    shelf: ArticleShelf,
    config: Config,
    store: Store | None,
    stats: StepStats,
) -> dict[bytes, int]:
    """Drop boilerplate (learned now, or stored) from the shelved articles; return what was
    learned now."""
    ids = list(held)
    packed = [held[i].keys for i in ids]
    frequent, holders = frequent_lines(packed, config.clean.boilerplate_min_df)

    def fetch(members: list[int]) -> dict[int, tuple[list[str], list[bytes]]]:
        found = shelf.records([ids[n] for n in members])
        return {
            n: (article_from_record(found[ids[n]]).paragraphs, split_keys(packed[n]))
            for n in members
        }

    new = judge_in_batches(frequent, holders, fetch, config) if frequent else {}
    learned = {**store.boilerplate(), **new} if store else new
    step = DropBoilerplate(learned)
    holding: list[int] = []
    if learned:
        flat = np.frombuffer(b"".join(packed), dtype=KEY_DTYPE)
        owner = np.repeat(np.arange(len(ids)), [len(k) // KEY_DTYPE.itemsize for k in packed])
        hit = np.isin(flat, np.frombuffer(b"".join(learned), dtype=KEY_DTYPE))
        holding = np.unique(owner[hit]).tolist()
    step.passed_by(len(ids) - len(holding))
    changed = []
    for n in holding:  # only these have a line to drop: read those
        c = held[ids[n]]
        got = step.take(Cleaned(shelf.get(ids[n]), split_keys(c.keys), c.words, c.outlet))
        assert isinstance(got, Cleaned), "dropping lines never skips an article"
        c.keys, c.words = b"".join(got.keys), got.words
        changed.append(got.article)
        if len(changed) >= 500:
            shelf.replace(changed)
            changed = []
    shelf.replace(changed)
    stats.add(step)
    return new


@dataclass
class OutletLearning:
    """What a run learned of outlet blocks, and what the store held of its lines."""

    stored: dict[int, StoredLine]
    found: OutletBlocks

    def rows(self, held: dict[str, _Cleaned]):
        """Rows of the store's ``outlet_lines`` for the admitted articles ``held`` (every
        line they had after the corpus-wide boilerplate went, blocks included)."""
        lines = OutletLines.of((i, c.outlet, c.keys + c.blocks) for i, c in held.items())
        return outlet_line_rows(lines, self.stored, self.found)


def remove_outlet_blocks(
    held: dict[str, _Cleaned],
    shelf: ArticleShelf,
    config: Config,
    store: Store | None,
    stored: dict[str, str],
) -> OutletLearning:
    """Learn the blocks of each outlet (:mod:`wiretrace.clean.outlet_blocks`) among this
    run's articles and the stored ones, and drop them, and those learned before, from this
    run's articles. Articles already stored (ids in ``stored``) are left to :func:`admit`."""
    lines = OutletLines.of((i, c.outlet, c.keys) for i, c in held.items() if i not in stored)
    known = store.outlet_lines(lines.stored_keys()) if store else {}

    def fetch(ids: list[str]) -> dict[str, Holder]:
        shelved = shelf.records([i for i in ids if i in held])
        out = {
            i: Holder.of(article_from_record(r), split_keys(held[i].keys))
            for i, r in shelved.items()
        }
        if store:
            stored_ones = store.articles_by_id([i for i in ids if i not in held])
            out.update((i, Holder.of(a)) for i, a in stored_ones.items())
        return out

    found = find_outlet_blocks(lines, known, fetch, config)
    changed = []
    for article_id in lines.ids:
        c = held[article_id]
        blocks = found.blocks.get(c.outlet, set()) if c.outlet else set()
        keys = split_keys(c.keys)
        drop = {i for i, k in enumerate(keys) if k in blocks}
        if not drop:
            continue
        article = shelf.get(article_id)
        drop_paragraphs(
            article,
            drop,
            lambda i, k=keys, o=c.outlet, n=article.source or c.outlet: found.reason(o, k[i], n),
        )
        c.keys = b"".join(k for i, k in enumerate(keys) if i not in drop)
        c.blocks = b"".join(keys[i] for i in sorted(drop))
        c.words = word_count(article)
        changed.append(article)
        if len(changed) >= 500:
            shelf.replace(changed)
            changed = []
    shelf.replace(changed)
    return OutletLearning(known, found)


def admit(
    held: dict[str, _Cleaned],
    shelf: ArticleShelf,
    config: Config,
    accounting: Accounting,
    stored: dict[str, str],
    stats: StepStats,
) -> None:
    """Keep (in ``held`` and on the shelf) articles with enough story text, or short ones
    (the :class:`~wiretrace.steps.Admit` step: marked ``short`` on the shelf so the
    fingerprint stage passes them by), that are not already stored; account for the
    others."""
    step = Admit(config.ingest.min_words)
    rejected, short = [], []
    for article_id, c in held.items():
        got: Cleaned | Skipped | None = None  # None: long enough, its text left on disk
        if not step.long_enough(c.words):
            got = step.take(Cleaned(shelf.get(article_id), [], c.words, c.outlet))
        # after the length: a short record's stored text is its short form
        if not isinstance(got, Skipped) and article_id in stored:
            article = got.article if got else shelf.get(article_id)
            got = already_stored(article, stored[article_id] == content_hash(article))
        if isinstance(got, Skipped):
            accounting.skip(got)
            rejected.append(article_id)
            continue
        accounting.processed += 1
        accounting.notes.extend((article_id, note) for note in c.notes)
        if got is not None:
            short.append(got.article)
    stats.add(step)
    shelf.replace(short)
    accounting.short += len(short)
    shelf.delete(rejected)
    for article_id in rejected:
        del held[article_id]


#: Stored articles fingerprinted again at a time (the rest stay on disk).
REBUILD_BATCH = 1000


def stored_fingerprints(store: Store, config: Config) -> list[Fingerprint]:
    """Fingerprints of the stored articles, in order; those of another settings tag (or
    none) are rebuilt from the stored text."""
    settings = config.fingerprint
    tag = settings.tag()
    fps = {id_: fp for id_, t, fp in store.fingerprints() if t == tag}
    ids = store.article_ids()
    if len(fps) < len(ids):
        stale = set(ids) - fps.keys()
        batch: list[CleanArticle] = []
        for article in store.articles():
            if article.id in stale:
                batch.append(article)
            if len(batch) >= REBUILD_BATCH:
                _rebuild(batch, store, settings, fps)
                batch = []
        _rebuild(batch, store, settings, fps)
    return [fps[i] for i in ids]


def _rebuild(
    batch: list[CleanArticle],
    store: Store,
    settings: FingerprintSettings,
    fps: dict[str, Fingerprint],
) -> None:
    """Fingerprint stored articles again (a content-addressed write: right whenever it lands)."""
    if not batch:
        return
    rebuilt = fingerprint_articles(batch, settings)  # stored short ones stay keyless
    store.cache_fingerprints(rebuilt, settings.tag())
    for fp in rebuilt:
        fp.shingles = None
        fps[fp.id] = fp
    batch.clear()


def candidate_pairs(fps: list[Fingerprint], config: Config, new_from: int):
    if not fps:
        return np.empty((0, 2), dtype=np.int64), CandidateStats()
    key_parts, owner_parts = [], []
    for idx, fp in enumerate(fps):
        key_parts += [fp.doc_keys, fp.passage_keys]
        n = len(fp.doc_keys) + len(fp.passage_keys)
        owner_parts.append(np.full(n, idx, dtype=np.int32))
    keys = np.concatenate(key_parts)
    owners = np.concatenate(owner_parts)
    del key_parts, owner_parts
    return sharded_candidate_pairs(keys, owners, config.candidates.max_bucket, new_from=new_from)
