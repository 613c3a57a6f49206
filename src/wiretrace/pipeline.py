"""The whole job: ingest → clean → fingerprint → candidates → verify → cluster.

:func:`run` is the Python API behind ``wiretrace run``. Each stage is a
function of its own module taking and returning plain records; this module
only wires them, spreads the per-article stages over worker processes, keeps
the accounting of every input record, and talks to the store.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from wiretrace.candidates import CandidateStats, sharded_candidate_pairs
from wiretrace.clean.article import (
    as_short_record,
    clean_article,
    drop_paragraphs,
    too_short_reason,
)
from wiretrace.clean.boilerplate import (
    KEY_DTYPE,
    frequent_lines,
    judge_in_batches,
    paragraph_keys,
    split_keys,
)
from wiretrace.cluster import copy_families
from wiretrace.config import Config
from wiretrace.fingerprint import Fingerprint, fingerprint_articles
from wiretrace.ingest import read_inputs
from wiretrace.records import (
    Article,
    CleanArticle,
    CopyFamily,
    Lineage,
    Relation,
    Skipped,
    Story,
    VersionDiff,
)
from wiretrace.shelf import ArticleLookup, ArticleShelf, Row, shelved_between
from wiretrace.shelf import article_row as shelf_row
from wiretrace.store import Store, StoredRun, article_from_record, content_hash
from wiretrace.story.encoder import load_encoders
from wiretrace.story.stage import find_stories
from wiretrace.trace import derived_rows, trace
from wiretrace.verify import Verifier

Progress = Callable[[str, int, int], None]


@dataclass
class Accounting:
    """What happened to every input record."""

    records: int = 0
    processed: int = 0
    #: Processed records kept as short (a title, at most a short summary): in stories,
    #: never in copy detection.
    short: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (id, note)

    def skip(self, record: Skipped) -> None:
        self.skipped.append(record)

    def to_dict(self) -> dict:
        by_reason = Counter(_reason_class(s.reason) for s in self.skipped)
        return {
            "records": self.records,
            "processed": self.processed,
            "short": self.short,
            "skipped": len(self.skipped),
            "skipped_by_reason": dict(by_reason.most_common()),
            "skipped_records": [
                {"origin": s.origin, "id": s.id, "reason": s.reason} for s in self.skipped
            ],
            "notes": [{"id": i, "note": n} for i, n in self.notes],
        }


def _reason_class(reason: str) -> str:
    return reason.split(":")[0].split(" (")[0]


@dataclass
class RunResult:
    articles: list[CleanArticle]
    relations: list[Relation]
    families: list[CopyFamily]
    stories: list[Story]
    accounting: Accounting
    stats: dict
    lineages: list[Lineage] = field(default_factory=list)
    diffs: list[VersionDiff] = field(default_factory=list)

    def family_of(self) -> dict[str, str]:
        return {m: f.family for f in self.families for m in f.members}

    def story_of(self) -> dict[str, str]:
        return {m: s.story for s in self.stories for m in s.members}


# -- worker-side stage functions ---------------------------------------------
_CONFIG = Config()


def _init_worker(config: Config) -> None:
    global _CONFIG
    _CONFIG = config


@dataclass(slots=True)
class _Cleaned:
    """What the main process keeps of a cleaned article (its text goes to the shelf)."""

    row: Row | None  # shelved, then dropped
    keys: bytes  # its paragraphs' line keys, 8 bytes each
    words: int
    notes: list[str]


def _clean_chunk(articles: list[Article]) -> list[_Cleaned]:
    out = []
    for article in articles:
        cleaned = clean_article(article)
        out.append(_Cleaned(shelf_row(cleaned), b"".join(paragraph_keys(cleaned)),
                            _word_count(cleaned), cleaned.notes))
    return out


def _word_count(article: CleanArticle) -> int:
    return sum(p.count(" ") + 1 for p in article.paragraphs)  # paragraphs are single-spaced


def _fingerprint_range(chunk: tuple[Path, int, int]) -> list[Fingerprint]:
    return fingerprint_articles(shelved_between(*chunk), _CONFIG)  # short ones keyless


_VERIFIER: Verifier | None = None


def _verify_chunk(pairs: list[tuple[str, str]]) -> list[Relation]:
    assert _VERIFIER is not None, "set before the worker processes were forked"
    return _VERIFIER.relate_pairs(pairs)


def _verify(verifier: Verifier, pairs: list[tuple[str, str]], config: Config,
            progress: Progress | None) -> list[Relation]:
    """Relations among candidate pairs, in worker processes forked with the articles."""
    global _VERIFIER
    _VERIFIER = verifier
    chunks = _chunks(pairs, 4 * config.chunk_size)
    executor = _Executor(config, len(pairs), fork_only=True)
    try:
        parts = executor.map(_verify_chunk, chunks, progress, "verify", len(pairs))
    finally:
        executor.close()
        _VERIFIER = None
    return [r for part in parts for r in part]


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class _Executor:
    """Maps a stage over chunks, in worker processes when there is enough work."""

    def __init__(self, config: Config, n_items: int, fork_only: bool = False):
        workers = config.workers or os.cpu_count() or 1
        self.pool = None
        can_fork = "fork" in mp.get_all_start_methods()
        if workers > 1 and n_items >= 2 * config.chunk_size and (can_fork or not fork_only):
            ctx = mp.get_context("fork") if can_fork else mp.get_context()
            self.pool = ctx.Pool(workers, initializer=_init_worker, initargs=(config,))
        else:
            _init_worker(config)

    def map(self, fn, chunks: list, progress: Progress | None, label: str, total: int,
            sizes: list[int] | None = None) -> list:
        """``fn`` over every chunk, in order; ``sizes`` are the items of each (for progress)
        when a chunk's ``len`` is not."""
        results, done = [], 0
        it = self.pool.imap(fn, chunks) if self.pool else map(fn, chunks)
        for n, (chunk, result) in enumerate(zip(chunks, it, strict=True)):
            results.append(result)
            done += sizes[n] if sizes is not None else len(chunk)
            if progress:
                progress(label, done, total)
        return results

    def stream(self, fn, chunks: Iterator[list], progress: Progress | None,
               label: str) -> Iterator:
        """Map over chunks read lazily, in order, with at most two chunks a worker in flight,
        so the input is never read far ahead of the workers."""
        done = 0
        if self.pool is None:
            for chunk in chunks:
                yield fn(chunk)
                done += len(chunk)
                if progress:
                    progress(label, done, done)
            return
        window: deque = deque()
        limit = 2 * self.pool._processes  # noqa: SLF001 - the pool's size
        for chunk in chunks:
            window.append((len(chunk), self.pool.apply_async(fn, (chunk,))))
            if len(window) >= limit:
                n, result = window.popleft()
                yield result.get()
                done += n
                if progress:
                    progress(label, done, done)
        while window:
            n, result = window.popleft()
            yield result.get()
            done += n
            if progress:
                progress(label, done, done)

    def close(self) -> None:
        if self.pool:
            self.pool.close()
            self.pool.join()


# -- the run -----------------------------------------------------------------
def ingest_chunks(records: Iterable[Article | Skipped], accounting: Accounting,
                  size: int) -> Iterator[list[Article]]:
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
            accounting.skip(
                Skipped(
                    record.origin, f"duplicate id (first at {first_seen[record.id]})", record.id
                )
            )
            continue
        first_seen[record.id] = record.origin
        articles.append(record)
        if len(articles) >= size:
            yield articles
            articles = []
    if articles:
        yield articles


def run(
    inputs: Iterable[str | Path],
    config: Config | None = None,
    db: str | Path | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Find every copy among the articles in the files and folders ``inputs`` (and in ``db``)."""
    config = config or Config()
    return run_records(read_inputs(inputs, config.max_chars), config, db, progress)


def run_records(
    records: Iterable[Article | Skipped],
    config: Config | None = None,
    db: str | Path | None = None,
    progress: Progress | None = None,
    read_only: bool = False,
) -> RunResult:
    """:func:`run` over records already read (or made) in Python.

    ``read_only`` compares the records with the store without changing it (``query``):
    a record whose id is stored is compared as ``query:<id>``.
    """
    config = config or Config()
    clock = StageClock()
    lap, timings, memory = clock.lap, clock.seconds, clock.rss_mb

    store = Store(db, read_only=read_only) if db else None
    shelf = ArticleShelf()
    try:
        stored_hashes = store.content_hashes() if store else {}
        accounting = Accounting()
        chunks = ingest_chunks(records, accounting, config.chunk_size)
        first = list(itertools.islice(chunks, 2))  # enough to tell whether workers pay
        executor = _Executor(config, sum(map(len, first)))
        try:
            held: dict[str, _Cleaned] = {}  # in reading order; the texts are on the shelf
            for part in executor.stream(_clean_chunk, itertools.chain(first, chunks),
                                        progress, "clean"):
                _shelve(part, shelf, held, stored_hashes if read_only else {})
            del first, chunks
            lap("read+clean")
            learned = _remove_learned_boilerplate(held, shelf, config, store)
            _admit(held, shelf, config, accounting, {} if read_only else stored_hashes)
            lap("boilerplate")
            ranges = shelf.seq_ranges(config.chunk_size)
            sizes = [min(config.chunk_size, len(held) - n * config.chunk_size)
                     for n in range(len(ranges))]
            fingerprints = [
                f
                for part in executor.map(_fingerprint_range,
                                         [(shelf.path, lo, hi) for lo, hi in ranges],
                                         progress, "fingerprint", len(held), sizes)
                for f in part
            ]
            lap("fingerprint")
        finally:
            executor.close()
        n_new = len(fingerprints)
        del held

        stored_fps: list[Fingerprint] = []
        old_relations: list[Relation] = []
        if store:
            stored_fps = _load_stored(store, config)
            old_relations = list(store.relations())
        lap("store")

        all_fps = stored_fps + fingerprints
        del fingerprints
        ids = [f.id for f in all_fps]
        lookup = ArticleLookup(ids, shelf, store.path if store else None)
        pairs, cstats = _candidates(all_fps, config, new_from=len(stored_fps))
        lap("candidates")

        uniques = {f.id: f.shingles for f in all_fps[len(stored_fps):] if f.shingles is not None}
        verifier = Verifier(lookup, config, uniques)
        id_pairs = [(ids[i], ids[j]) for i, j in pairs.tolist()]
        del pairs
        new_relations = _verify(verifier, id_pairs, config, progress)
        del id_pairs, uniques
        for f in all_fps:
            f.shingles = None  # the prefilter is done: this is most of their memory
        lap("verify")
        relations = old_relations + new_relations
        words = {f.id: f.words for f in all_fps}
        families = copy_families(ids, relations, words, verifier.relate,
                                 config.family_min_coverage)
        lap("cluster")
        articles: Sequence[CleanArticle] = RunArticles(lookup)
        stories: list[Story] = []
        lineages: list[Lineage] = []
        diffs: list[VersionDiff] = []
        story_relations: list[Relation] = []
        if config.find_stories:
            articles = list(lookup.articles())  # the meaning-level stages work in memory
            encoders = load_encoders(config.encoder, config.encoder_lead_words)
            story_relations, stories = find_stories(
                articles, relations, families, config, encoders, cache=store,
                progress=progress,
            )
            relations = relations + story_relations
            lap("stories")
            if config.trace:
                lineages, diffs = trace(articles, relations, families, stories, config,
                                        encoders, cache=store)
                lap("trace")
        if store and not read_only:  # everything this run adds, in one transaction
            store.commit_run(StoredRun(
                shelf.rows(), all_fps[len(stored_fps):], config.fingerprint_tag(),
                new_relations, learned, story_relations,
                derived_rows(families, stories, lineages, diffs)
                if config.find_stories else None,
            ))
            lap("commit")
    except BaseException:
        shelf.close()
        raise
    finally:
        if store:
            store.close()

    stats = {
        "articles_new": n_new,
        "articles_stored_before": len(stored_fps),
        "candidate_pairs": cstats.pairs,
        "capped_buckets": cstats.capped_buckets,
        "relations": dict(Counter(r.relation for r in relations)),
        "families": len(families),
        "articles_in_families": sum(len(f.members) for f in families),
        "stories": len(stories),
        "stories_of_two_or_more": sum(len(s.members) > 1 for s in stories),
        "lineages": len(lineages),
        "seconds": timings,
        "main_process_rss_mb": memory,
    }
    if isinstance(articles, list):
        shelf.close()  # everything is in memory
    return RunResult(articles, relations, families, stories, accounting, stats, lineages,
                     diffs)


class RunArticles(Sequence[CleanArticle]):
    """A run's articles, read from disk as they are iterated (stored ones first, then new).

    It keeps the run's shelf alive for as long as the result that holds it.
    """

    def __init__(self, lookup: ArticleLookup):
        self.lookup = lookup

    def __len__(self) -> int:
        return len(self.lookup)

    def __iter__(self) -> Iterator[CleanArticle]:
        return self.lookup.articles()

    def __getitem__(self, index):  # type: ignore[override] - positions, as a list
        if isinstance(index, slice):
            return [self.lookup[i] for i in self.lookup.ids[index]]
        return self.lookup[self.lookup.ids[index]]


class StageClock:
    """Seconds (and this process's resident memory) at the end of each stage of a run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.rss_mb: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 3)
        self.rss_mb[name] = _rss_mb()
        self._last = now


@dataclass
class QueryAnswer:
    """What the store knows of one queried article."""

    id: str
    #: A stored article is the same text or a copy of it (duplicate or copy relation).
    seen: bool
    #: The stored story it belongs with, if any.
    story: str | None
    relations: list[Relation]

    def to_dict(self) -> dict:
        return {"id": self.id, "seen": self.seen, "story": self.story,
                "relations": [r.to_dict() for r in self.relations]}


def query(
    inputs: Iterable[str | Path],
    db: str | Path,
    config: Config | None = None,
    progress: Progress | None = None,
) -> tuple[list[QueryAnswer], Accounting]:
    """"Have we seen this?": each article's relations to the stored ones. The store is
    opened read-only and left as it was."""
    config = config or Config()
    with Store(db, read_only=True) as store:
        stored = set(store.content_hashes())
    result = run_records(read_inputs(inputs, config.max_chars), config, db, progress,
                         read_only=True)
    story_of = result.story_of()
    answers = []
    for article in result.articles:
        if article.id in stored:
            continue
        rels = [r for r in result.relations
                if article.id in (r.a, r.b) and ({r.a, r.b} - {article.id}) <= stored]
        seen = any(r.relation in ("duplicate", "copy") for r in rels)
        story = story_of.get(article.id)
        in_store = story is not None and any(
            m in stored for s in result.stories if s.story == story for m in s.members)
        answers.append(QueryAnswer(article.id, seen, story if in_store else None, rels))
    return answers, result.accounting


def _rss_mb() -> float:
    """Resident memory of this process now (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return round(int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except (OSError, ValueError):
        return 0.0


def _shelve(part: list[_Cleaned], shelf: ArticleShelf, held: dict[str, _Cleaned],
            stored: dict[str, str]) -> None:
    """Write a chunk of cleaned articles to the shelf; keep the rest in ``held``.

    A read-only run (``query``) compares an article whose id is stored as ``query:<id>``.
    """
    rows = []
    for c in part:
        assert c.row is not None
        if c.row[0] in stored:
            article = article_from_record(c.row[2])
            article.id = f"query:{article.id}"
            c.row = shelf_row(article)
        rows.append(c.row)
        held[c.row[0]] = c
        c.row = None
    shelf.put(rows)


def _remove_learned_boilerplate(held: dict[str, _Cleaned], shelf: ArticleShelf, config: Config,
                                store: Store | None) -> dict[bytes, int]:
    """Drop boilerplate (learned now, or stored) from the shelved articles; return what was
    learned now."""
    ids = list(held)
    packed = [held[i].keys for i in ids]
    frequent, holders = frequent_lines(packed, config.boilerplate_min_df)
    def fetch(members: list[int]) -> dict[int, tuple[list[str], list[bytes]]]:
        found = shelf.records([ids[n] for n in members])
        return {n: (article_from_record(found[ids[n]]).paragraphs, split_keys(packed[n]))
                for n in members}

    new = judge_in_batches(frequent, holders, fetch, config) if frequent else {}
    learned = {**store.boilerplate(), **new} if store else new
    if not learned:
        return new
    flat = np.frombuffer(b"".join(packed), dtype=KEY_DTYPE)
    owner = np.repeat(np.arange(len(ids)), [len(k) // KEY_DTYPE.itemsize for k in packed])
    hit = np.isin(flat, np.frombuffer(b"".join(learned), dtype=KEY_DTYPE))
    changed = []
    for n in np.unique(owner[hit]).tolist():
        c, article = held[ids[n]], shelf.get(ids[n])
        article_keys = split_keys(c.keys)
        drop = {i for i, k in enumerate(article_keys) if k in learned}
        drop_paragraphs(article, drop, lambda i, k=article_keys: (
            f"learned boilerplate (in {learned[k[i]]} articles of different stories)"))
        c.keys = b"".join(k for i, k in enumerate(article_keys) if i not in drop)
        c.words = _word_count(article)
        changed.append(article)
        if len(changed) >= 500:
            shelf.replace(changed)
            changed = []
    shelf.replace(changed)
    return new


def _admit(held: dict[str, _Cleaned], shelf: ArticleShelf, config: Config,
           accounting: Accounting, stored: dict[str, str]) -> None:
    """Keep (in ``held`` and on the shelf) articles with enough story text, or short ones
    (a title: see :func:`too_short_reason`, marked ``short`` on the shelf so the
    fingerprint stage passes them by), that are not already stored; account for the
    others."""
    rejected, short = [], []
    for article_id, c in held.items():
        reason, article = None, None
        if c.words < config.min_words:
            article = shelf.get(article_id)
            reason = too_short_reason(article, c.words)
            if reason is None:  # before the store's check: it compares the short text
                article = as_short_record(article)
        if reason is None and article_id in stored:
            same = stored[article_id] == content_hash(
                article if article is not None else shelf.get(article_id))
            reason = ("already in the store (same text)" if same
                      else "duplicate id (stored earlier with different text)")
        if reason is None:
            accounting.processed += 1
            accounting.notes.extend((article_id, note) for note in c.notes)
            if article is not None:
                short.append(article)
            continue
        accounting.skip(Skipped(shelf.get(article_id).origin, reason, article_id))
        rejected.append(article_id)
    shelf.replace(short)
    accounting.short += len(short)
    shelf.delete(rejected)
    for article_id in rejected:
        del held[article_id]


def _load_stored(store: Store, config: Config) -> list[Fingerprint]:
    """Fingerprints of the stored articles, in order; those of another settings tag (or
    none) are rebuilt from the stored text."""
    tag = config.fingerprint_tag()
    fps = {id_: fp for id_, t, fp in store.fingerprints() if t == tag}
    ids = store.article_ids()
    if len(fps) < len(ids):
        stale = set(ids) - fps.keys()
        batch: list[CleanArticle] = []
        for article in store.articles():
            if article.id in stale:
                batch.append(article)
            if len(batch) >= 1000:
                _rebuild(batch, store, config, fps)
        _rebuild(batch, store, config, fps)
    return [fps[i] for i in ids]


def _rebuild(batch: list[CleanArticle], store: Store, config: Config,
             fps: dict[str, Fingerprint]) -> None:
    """Fingerprint stored articles again (a content-addressed write: right whenever it lands)."""
    if not batch:
        return
    rebuilt = fingerprint_articles(batch, config)  # stored short ones stay keyless
    with store.db:
        store.put_fingerprints(rebuilt, config.fingerprint_tag())
    for fp in rebuilt:
        fp.shingles = None
        fps[fp.id] = fp
    batch.clear()


def _candidates(fps: list[Fingerprint], config: Config, new_from: int):
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
    return sharded_candidate_pairs(keys, owners, config.max_bucket, new_from=new_from)
