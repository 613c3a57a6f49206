"""The whole job: ingest → clean → fingerprint → candidates → verify → cluster → story → trace.

:func:`run` is the Python API behind ``wiretrace run``: a short sequence of named
stages. The copy engine's stages live in :mod:`wiretrace.copy_engine`, the story and
trace stages in :mod:`wiretrace.story` and :mod:`wiretrace.trace`; what a run reads of
the store around its new articles, and gives back, in :mod:`wiretrace.neighbourhood`.
With a store, a run compares its new articles with everything stored for copies, but
reads and rewrites only the stories, families and lineages they touch; all it adds is
written in one transaction at its end.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wiretrace.accounting import Accounting
from wiretrace.codec import derived_rows, run_counts
from wiretrace.config import Config
from wiretrace.copy_engine import (
    admit,
    candidate_pairs,
    clean_into_shelf,
    fingerprint_shelf,
    remove_learned_boilerplate,
    remove_outlet_blocks,
    stored_fingerprints,
    verify,
)
from wiretrace.executor import Progress
from wiretrace.ingest import read_inputs
from wiretrace.neighbourhood import Neighbourhood, TraceInputs
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
from wiretrace.shelf import ArticleLookup, ArticleShelf
from wiretrace.steps import StepStats
from wiretrace.store import DerivedUpdate, Store, StoredRun, article_day
from wiretrace.story.encoder import Encoder, RunVectors, check_installed, load_encoders
from wiretrace.story.stage import find_stories
from wiretrace.trace import lineages, version_diffs
from wiretrace.verify import Verifier

__all__ = ["Accounting", "RunArticles", "RunResult", "StageClock", "run", "run_records"]

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    articles: Sequence[CleanArticle]
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


def run(
    inputs: Iterable[str | Path],
    config: Config | None = None,
    db: str | Path | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Find every copy and story among the articles in the files and folders ``inputs``
    (and, with ``db``, add them to that store)."""
    config = config or Config()
    return run_records(read_inputs(inputs, config.ingest.max_chars), config, db, progress)


def run_records(
    records: Iterable[Article | Skipped],
    config: Config | None = None,
    db: str | Path | None = None,
    progress: Progress | None = None,
    read_only: bool = False,
    encoders: list[Encoder] | None = None,
    accounting: Accounting | None = None,
) -> RunResult:
    """:func:`run` over records already read (or made) in Python. ``read_only`` compares
    them with the store and changes nothing (see :mod:`wiretrace.query`); ``encoders``
    already loaded spare a long-running caller (the service) loading them each run;
    ``accounting`` is where the run counts its records (``Accounting(keep_all=True)`` keeps
    every skipped record, for a caller that answers for each)."""
    config = config or Config()
    if config.story.enabled and encoders is None:
        check_installed(config.story.encoder)  # now, not after the copy engine has run
    clock = StageClock()
    lap = clock.lap
    # a writer waits here for the store's writer lock, before reading anything from it
    store = Store(db, read_only=read_only, wait=config.run.store_wait_seconds) if db else None
    lookup: ArticleLookup | None = None
    try:
        shelf = ArticleShelf()
    except BaseException:
        if store:
            store.close()
        raise
    try:
        accounting = accounting or Accounting()
        steps = StepStats()
        held = clean_into_shelf(records, shelf, config, accounting, steps, progress)
        lap(
            "read+clean",
            records=accounting.records,
            articles=len(held),
            skipped=len(accounting.skipped),
        )
        learned = remove_learned_boilerplate(held, shelf, config, store, steps)
        stored_hashes = store.content_hashes() if store else {}
        outlets = remove_outlet_blocks(held, shelf, config, store, stored_hashes)
        admit(held, shelf, config, accounting, stored_hashes, steps)
        outlet_lines = outlets.rows(held) if store and not read_only else ()
        lap("boilerplate", lines_learned=len(learned), articles=len(held))
        fingerprints = fingerprint_shelf(shelf, len(held), config, steps, progress)
        del held
        lap("fingerprint", articles=len(fingerprints))

        stored_fps = stored_fingerprints(store, config) if store else []
        lap("store", articles_stored=len(stored_fps))
        all_fps = stored_fps + fingerprints
        ids = [f.id for f in all_fps]
        lookup = ArticleLookup(ids, shelf, store)
        pairs, cstats = candidate_pairs(all_fps, config, new_from=len(stored_fps))
        lap("candidates", pairs=len(pairs))
        uniques = {f.id: f.shingles for f in fingerprints if f.shingles is not None}
        verifier = Verifier(lookup, config, uniques)
        new_relations = verify(
            verifier, [(ids[i], ids[j]) for i, j in pairs.tolist()], config, progress
        )
        del pairs, uniques
        for f in all_fps:
            f.shingles = None  # the prefilter is done: this is most of their memory
        lap("verify", relations=len(new_relations))
        hood = Neighbourhood([f.id for f in fingerprints], lookup, store)
        families, copy_relations = hood.families(
            new_relations, {f.id: f.words for f in all_fps}, verifier.relate, config
        )
        lap("cluster", families=len(families))

        stories: list[Story] = []
        story_relations: list[Relation] = []
        found_lineages: list[Lineage] = []
        diffs: list[VersionDiff] = []
        update = None
        inputs: TraceInputs | None = None  # with stories, when they are traced
        if config.story.enabled:
            if encoders is None:
                encoders = load_encoders(config.story.encoder, config.story.encoder_lead_words)
            vectors = RunVectors(store)
            context = hood.story_context(families, copy_relations, config)
            story_relations, stories = find_stories(
                context.articles,
                context.copy_relations,
                families,
                config,
                encoders,
                cache=vectors,
                progress=progress,
                known=context.known,
            )
            stories = hood.whole_stories(stories, families)
            lap("stories", stories=len(stories), relations=len(story_relations))
            if config.trace.enabled:
                inputs = hood.trace_inputs(stories, families, new_relations + story_relations)
                by_id = {a.id: a for a in inputs.articles}
                found = lineages(
                    by_id, inputs.relations, inputs.families, inputs.stories, config.trace.margin
                )
                found_lineages = [
                    g for g in found if inputs.changed is None or inputs.changed & set(g.members)
                ]
                diffs = version_diffs(
                    found_lineages,
                    by_id,
                    inputs.relations,
                    inputs.stories,
                    config,
                    encoders,
                    vectors,
                    progress,
                )
                lap("trace", lineages=len(found_lineages), diffs=len(diffs))
        if config.story.enabled and store and not read_only:  # rows only for a store to keep
            rows = derived_rows(families, stories, found_lineages, diffs)
            update = DerivedUpdate(
                rows["stories"],
                rows["families"],
                hood.families_replaced,
                rows["lineages"],
                inputs.lineages_replaced if inputs is not None else [],
                rows["diffs"],
                inputs.diffs_replaced if inputs is not None else [],
                {
                    m: article_day(a.published)
                    for m, a in lookup.many([m for s in stories for m in s.members]).items()
                },
            )
        if store and not read_only:  # everything this run adds, in one transaction
            store.commit_run(
                StoredRun(
                    shelf.rows(),
                    fingerprints,
                    config.fingerprint.tag(),
                    new_relations,
                    learned,
                    story_relations,
                    update,
                    outlet_lines,
                )
            )
            lap("commit", articles=len(fingerprints))
        articles, relations = _touched(
            lookup, store, hood, families, stories, copy_relations + story_relations
        )
    except BaseException:
        shelf.close()
        raise
    finally:
        if store:
            if lookup is not None:
                lookup.let_go_of_store()  # so that the store closes at rest (store.py)
            store.close()

    stats = {
        **run_counts(len(fingerprints), cstats, relations, families, steps),
        "articles_stored_before": len(stored_fps),
        "stories": len(stories),
        "stories_of_two_or_more": sum(len(s.members) > 1 for s in stories),
        "lineages": len(found_lineages),
        "seconds": clock.seconds,
        "main_process_rss_mb": clock.rss_mb,
    }
    if isinstance(articles, list):
        shelf.close()  # everything is in memory
    return RunResult(
        articles, relations, families, stories, accounting, stats, found_lineages, diffs
    )


def _touched(
    lookup: ArticleLookup,
    store: Store | None,
    hood: Neighbourhood,
    families: Sequence[CopyFamily],
    stories: Sequence[Story],
    relations: list[Relation],
) -> tuple[Sequence[CleanArticle], list[Relation]]:
    """The articles and relations a run reports: all of them without a store; with one,
    the new articles, the members of every story and family they touched and the articles
    they are related to, and every relation among those (stored ones too)."""
    if store is None:
        articles: Sequence[CleanArticle] = (
            RunArticles(lookup) if not stories else list(lookup.articles())
        )
        return articles, relations
    related = (x for r in relations if r.a in hood.new or r.b in hood.new for x in (r.a, r.b))
    touched = {
        *(m for f in families for m in f.members),
        *(m for s in stories for m in s.members),
        *related,
    } - hood.new
    ids = [i for i in lookup.ids if i in touched] + hood.new_ids  # stored ones in store order
    seen = {frozenset((r.a, r.b)) for r in relations}
    stored = [
        r
        for table in ("relations", "story_relations")
        for r in store.relations_among(ids, table)
        if frozenset((r.a, r.b)) not in seen
    ]
    wanted = set(ids)
    among = [r for r in relations if r.a in wanted and r.b in wanted] + stored
    return (RunArticles(lookup, ids) if not stories else list(RunArticles(lookup, ids)), among)


class RunArticles(Sequence[CleanArticle]):
    """A run's articles, read from disk as they are iterated (stored ones first, then new).

    It keeps the run's shelf alive for as long as the result that holds it.
    """

    def __init__(self, lookup: ArticleLookup, ids: list[str] | None = None):
        self.lookup = lookup
        self.ids = lookup.ids if ids is None else ids

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[CleanArticle]:
        return self.lookup.articles(self.ids)

    def __getitem__(self, index):  # positions, as a list
        if isinstance(index, slice):
            return [self.lookup[i] for i in self.ids[index]]
        return self.lookup[self.ids[index]]


class StageClock:
    """Seconds (and this process's resident memory) at the end of each stage of a run, and
    the one log line of each stage: its counts, seconds and memory (see :mod:`wiretrace.logs`:
    shown when stderr is not a terminal, or with ``-v``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.rss_mb: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str, **counts: int) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 3)
        self.rss_mb[name] = _rss_mb()
        self._last = now
        told = ", ".join(f"{n:,} {what.replace('_', ' ')}" for what, n in counts.items())
        log.info(
            "stage %s: %s%.2f s, %.0f MB",
            name,
            f"{told}; " if told else "",
            self.seconds[name],
            self.rss_mb[name],
        )


def _rss_mb() -> float:
    """Resident memory of this process now (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return round(int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except (OSError, ValueError):
        return 0.0
