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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from wiretrace.candidates import CandidateStats, sharded_candidate_pairs
from wiretrace.clean.article import clean_article, drop_paragraphs
from wiretrace.clean.boilerplate import learn_boilerplate, paragraph_keys
from wiretrace.cluster import copy_families
from wiretrace.config import Config
from wiretrace.fingerprint import Fingerprint, fingerprint_batch
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
from wiretrace.store import Store, StoredRun, content_hash
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
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (id, note)

    def skip(self, record: Skipped) -> None:
        self.skipped.append(record)

    def to_dict(self) -> dict:
        by_reason = Counter(_reason_class(s.reason) for s in self.skipped)
        return {
            "records": self.records,
            "processed": self.processed,
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


def _clean_chunk(articles: list[Article]) -> list[tuple[CleanArticle, list[bytes]]]:
    out = []
    for article in articles:
        cleaned = clean_article(article)
        out.append((cleaned, paragraph_keys(cleaned)))
    return out


def _fingerprint_chunk(chunk: tuple[list[list[str]], list[str]]) -> list[Fingerprint]:
    paragraph_lists, ids = chunk
    return fingerprint_batch(paragraph_lists, ids, _CONFIG)


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

    def map(self, fn, chunks: list, progress: Progress | None, label: str, total: int) -> list:
        results, done = [], 0
        it = self.pool.imap(fn, chunks) if self.pool else map(fn, chunks)
        for chunk, result in zip(chunks, it, strict=True):
            results.append(result)
            done += len(chunk[1]) if isinstance(chunk, tuple) else len(chunk)
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
    try:
        stored_hashes = store.content_hashes() if store else {}
        accounting = Accounting()
        chunks = ingest_chunks(records, accounting, config.chunk_size)
        first = list(itertools.islice(chunks, 2))  # enough to tell whether workers pay
        executor = _Executor(config, sum(map(len, first)))
        try:
            cleaned = [c for part in executor.stream(_clean_chunk, itertools.chain(first, chunks),
                                                     progress, "clean")
                       for c in part]
            del first, chunks
            lap("read+clean")
            articles, keys, learned = _remove_learned_boilerplate(cleaned, config, store)
            if read_only:
                for a in articles:
                    a.id = f"query:{a.id}" if a.id in stored_hashes else a.id
            articles, keys = _admit(articles, keys, config, accounting,
                                    {} if read_only else stored_hashes)
            lap("boilerplate")
            batches = [
                ([a.paragraphs for a in chunk], [a.id for a in chunk])
                for chunk in _chunks(articles, config.chunk_size)
            ]
            fingerprints = [
                f
                for part in executor.map(
                    _fingerprint_chunk, batches, progress, "fingerprint", len(articles)
                )
                for f in part
            ]
            lap("fingerprint")
        finally:
            executor.close()

        stored_articles: list[CleanArticle] = []
        stored_fps: list[Fingerprint] = []
        old_relations: list[Relation] = []
        if store:
            stored_articles, stored_fps = _load_stored(store, config)
            old_relations = list(store.relations())
        lap("store")

        all_articles = stored_articles + articles
        all_fps = stored_fps + fingerprints
        pairs, cstats = _candidates(all_fps, config, new_from=len(stored_fps))
        lap("candidates")

        uniques = {f.id: f.shingles for f in fingerprints if f.shingles is not None}
        verifier = Verifier(all_articles, config, uniques)
        id_pairs = [(all_fps[i].id, all_fps[j].id) for i, j in pairs.tolist()]
        new_relations = _verify(verifier, id_pairs, config, progress)
        lap("verify")
        relations = old_relations + new_relations
        words = {f.id: f.words for f in all_fps}
        families = copy_families(
            [a.id for a in all_articles], relations, words, verifier.relate,
            config.family_min_coverage
        )
        lap("cluster")
        stories: list[Story] = []
        lineages: list[Lineage] = []
        diffs: list[VersionDiff] = []
        story_relations: list[Relation] = []
        if config.find_stories:
            encoders = load_encoders(config.encoder, config.encoder_lead_words)
            story_relations, stories = find_stories(
                all_articles, relations, families, config, encoders, cache=store,
                progress=progress,
            )
            relations = relations + story_relations
            lap("stories")
            if config.trace:
                lineages, diffs = trace(all_articles, relations, families, stories, config,
                                        encoders, cache=store)
                lap("trace")
        if store and not read_only:  # everything this run adds, in one transaction
            store.commit_run(StoredRun(
                articles, fingerprints, config.fingerprint_tag(), new_relations, learned,
                story_relations, derived_rows(families, stories, lineages, diffs)
                if config.find_stories else None,
            ))
            lap("commit")
    finally:
        if store:
            store.close()

    stats = {
        "articles_new": len(articles),
        "articles_stored_before": len(stored_articles),
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
    return RunResult(all_articles, relations, families, stories, accounting, stats, lineages,
                     diffs)


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


def _remove_learned_boilerplate(
    cleaned: list[tuple[CleanArticle, list[bytes]]], config: Config, store: Store | None
) -> tuple[list[CleanArticle], list[list[bytes]], dict[bytes, int]]:
    """Articles without boilerplate learned now or stored; and what was learned now."""
    articles = [c for c, _ in cleaned]
    keys = [k for _, k in cleaned]
    new = learn_boilerplate(articles, keys, config)
    learned = {**store.boilerplate(), **new} if store else new
    if learned:
        for idx, (article, article_keys) in enumerate(zip(articles, keys, strict=True)):
            drop = {i for i, k in enumerate(article_keys) if k in learned}
            if drop:
                reason = {
                    i: f"learned boilerplate (in {learned[article_keys[i]]} articles of "
                    "different stories)"
                    for i in drop
                }
                drop_paragraphs(article, drop, reason.__getitem__)
                keys[idx] = [k for i, k in enumerate(article_keys) if i not in drop]
    return articles, keys, new


def _admit(articles, keys, config: Config, accounting: Accounting, stored: dict[str, str]):
    """Keep articles with enough story text that are not already stored."""
    kept, kept_keys = [], []
    for article, article_keys in zip(articles, keys, strict=True):
        n_words = sum(p.count(" ") + 1 for p in article.paragraphs)  # paragraphs are single-spaced
        if n_words < config.min_words:
            accounting.skip(
                Skipped(
                    article.origin,
                    f"too short after cleaning ({n_words} words of story text)",
                    article.id,
                )
            )
            continue
        if article.id in stored:
            same = stored[article.id] == content_hash(article)
            reason = (
                "already in the store (same text)"
                if same
                else "duplicate id (stored earlier with different text)"
            )
            accounting.skip(Skipped(article.origin, reason, article.id))
            continue
        accounting.processed += 1
        for note in article.notes:
            accounting.notes.append((article.id, note))
        kept.append(article)
        kept_keys.append(article_keys)
    return kept, kept_keys


def _load_stored(store: Store, config: Config) -> tuple[list[CleanArticle], list[Fingerprint]]:
    """Stored articles and fingerprints; fingerprints of another settings tag are rebuilt."""
    tag = config.fingerprint_tag()
    articles = list(store.articles())
    fps = {id_: (t, fp) for id_, t, fp in store.fingerprints()}
    stale = [a for a in articles if a.id not in fps or fps[a.id][0] != tag]
    if stale:
        rebuilt = fingerprint_batch([a.paragraphs for a in stale], [a.id for a in stale], config)
        with store.db:
            store.put_fingerprints(rebuilt, tag)
        for fp in rebuilt:
            fps[fp.id] = (tag, fp)
    return articles, [fps[a.id][1] for a in articles]


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
