"""Steps: the stages of a run that work record by record, one logic for every executor.

A step takes records and yields records, as datatrove's ``PipelineStep`` does, and counts
what it did in its own :class:`Stats`. A :class:`~wiretrace.records.Skipped` record passes
through every later step untouched, so whatever reads the end of the chain (the run's
:class:`~wiretrace.accounting.Accounting`) sees every record: a step never drops one.
Each step yields exactly one record for each record it takes, in order; so an executor
can carry a key beside each record (Spark's input order) without the step knowing.

The executors only schedule: :class:`~wiretrace.executor.LocalExecutor` hands chunks to
forked worker processes, :mod:`wiretrace.spark.engine` hands partitions to Spark tasks;
both call :meth:`Step.run` and merge the stats the step counted where it ran. The stages
that need the whole corpus at once (learning boilerplate, first-seen ids, candidate
pairs, families, stories) are the engines' own, and use these steps for the work on each
record.

Every reason a record is skipped for, and every note a step leaves on an article, is
written here or in the one function a step calls (:func:`~wiretrace.clean.article.
too_short_reason`, the readers of :mod:`wiretrace.ingest`), never twice.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from wiretrace.accounting import reason_class
from wiretrace.clean.article import (
    as_short_record,
    clean_article,
    drop_paragraphs,
    too_short_reason,
)
from wiretrace.clean.boilerplate import paragraph_keys
from wiretrace.clean.outlet_blocks import outlet_of
from wiretrace.fingerprint import Fingerprint, FingerprintSettings, fingerprint_articles
from wiretrace.records import Article, CleanArticle, Skipped

In = TypeVar("In")
Out = TypeVar("Out")


def duplicate_id(record: Article, first_origin: str) -> Skipped:
    """A record whose id an earlier record of the run had: the first in input order wins,
    so that a feed read twice, or two files that overlap, give each story once."""
    return Skipped(record.origin, f"duplicate id (first at {first_origin})", record.id)


def learned_boilerplate(holders: int) -> str:
    """Why a learned boilerplate line was taken out of an article (its removed reason)."""
    return f"learned boilerplate (in {holders} articles of different stories)"


#: Why a record whose id and text the store holds is skipped (the service answers such a
#: record "already stored").
ALREADY_STORED = "already in the store (same text)"


def already_stored(record: CleanArticle, same_text: bool) -> Skipped:
    """A record whose id the store holds: the same text is nothing new; another text under
    a stored id is a conflict the store does not resolve by overwriting."""
    reason = ALREADY_STORED if same_text else "duplicate id (stored earlier with different text)"
    return Skipped(record.origin, reason, record.id)


class Stats(Counter[str]):
    """What a step did, by name: records taken (``in``), kept as short, skipped by reason
    (``skipped: REASON``), and whatever else the step counts. Workers' stats add up."""

    def merge(self, other: Counter[str]) -> Stats:
        self.update(other)
        return self


class Step(ABC, Generic[In, Out]):
    """One stage over records; see the module doc for the contract."""

    #: The step's name in a run's stats (report.json ``steps``).
    name: ClassVar[str]

    def __init__(self) -> None:
        self.stats = Stats()

    def run(self, records: Iterable[In | Skipped]) -> Iterator[Out | Skipped]:
        """Each record processed in turn; skipped ones pass through."""
        for record in records:
            if isinstance(record, Skipped):
                yield record
                continue
            yield self.take(record)

    def passed_by(self, n: int) -> None:
        """Count ``n`` records as taken and given back unchanged, without reading them: a
        caller that keeps its records on disk, and knows from what it holds in memory that
        the step would not change them, reads only the others."""
        self.stats["in"] += n

    def take(self, record: In) -> Out | Skipped:
        """One record processed and counted: for a caller that gives records one by one."""
        return self._counted(self.process(record))

    @abstractmethod
    def process(self, record: In) -> Out | Skipped:
        """One record's result: the record changed, or why it is skipped."""

    def _counted(self, got: Out | Skipped) -> Out | Skipped:
        self.stats["in"] += 1
        if isinstance(got, Skipped):
            self.stats[f"skipped: {reason_class(got.reason)}"] += 1
        return got


@dataclass(slots=True)
class Cleaned:
    """A cleaned article, with what the corpus-wide stages read of it without its text:
    its paragraphs' line keys (8 bytes each), its words and its outlet."""

    article: CleanArticle
    keys: list[bytes]
    words: int
    outlet: str | None


def word_count(article: CleanArticle) -> int:
    """Words of story text (cleaned paragraphs are single-spaced)."""
    return sum(p.count(" ") + 1 for p in article.paragraphs)


class Clean(Step[Article, Cleaned]):
    """Mojibake repaired, text normalised, paragraphs split, chrome and bylines taken out
    (:func:`~wiretrace.clean.article.clean_article`)."""

    name = "clean"

    def process(self, record: Article) -> Cleaned:
        article = clean_article(record)
        self.stats["paragraphs removed"] += len(article.removed)
        return Cleaned(
            article,
            paragraph_keys(article),
            word_count(article),
            outlet_of(article.source, article.url),
        )


class DropBoilerplate(Step[Cleaned, Cleaned]):
    """The paragraphs that are learned boilerplate lines taken out: ``learned`` maps a line
    key to the number of articles it was found in (:mod:`wiretrace.clean.boilerplate`)."""

    name = "boilerplate"

    def __init__(self, learned: dict[bytes, int]):
        super().__init__()
        self.learned = learned

    def process(self, record: Cleaned) -> Cleaned:
        drop = {i for i, k in enumerate(record.keys) if k in self.learned}
        if not drop:
            return record
        keys = record.keys
        drop_paragraphs(record.article, drop, lambda i: learned_boilerplate(self.learned[keys[i]]))
        record.keys = [k for i, k in enumerate(keys) if i not in drop]
        record.words = word_count(record.article)
        self.stats["paragraphs dropped"] += len(drop)
        self.stats["articles changed"] += 1
        return record


class Admit(Step[Cleaned, Cleaned]):
    """Articles with at least ``min_words`` words of story text go on; a shorter one is
    kept as a *short* record when it has a title (:func:`~wiretrace.clean.article.
    too_short_reason` says why it is skipped otherwise)."""

    name = "admit"

    def __init__(self, min_words: int):
        super().__init__()
        self.min_words = min_words

    def long_enough(self, words: int) -> bool:
        """Whether an article of ``words`` words goes on as it is (then counted as taken): a
        caller that keeps articles on disk reads only the others' text."""
        if words < self.min_words:
            return False
        self.passed_by(1)
        return True

    def process(self, record: Cleaned) -> Cleaned | Skipped:
        if record.words >= self.min_words:
            return record
        reason = too_short_reason(record.article, record.words)
        if reason is not None:
            return Skipped(record.article.origin, reason, record.article.id)
        record.article = as_short_record(record.article)
        self.stats["short"] += 1
        return record


class Sketch(Step[CleanArticle, Fingerprint]):
    """Fingerprints (:mod:`wiretrace.fingerprint`), made in batches of ``batch`` articles:
    a batch shares its hashing and sketching arrays."""

    name = "fingerprint"

    def __init__(self, settings: FingerprintSettings, batch: int = 500):
        super().__init__()
        self.settings = settings
        self.batch = batch

    def run(self, records: Iterable[CleanArticle | Skipped]) -> Iterator[Fingerprint | Skipped]:
        pending: list[CleanArticle | Skipped] = []
        for record in records:
            pending.append(record)
            if len(pending) >= self.batch:
                yield from self._sketched(pending)
                pending = []
        yield from self._sketched(pending)

    def process(self, record: CleanArticle) -> Fingerprint:
        return fingerprint_articles([record], self.settings)[0]

    def _sketched(
        self, records: Sequence[CleanArticle | Skipped]
    ) -> Iterator[Fingerprint | Skipped]:
        made = iter(
            fingerprint_articles([r for r in records if not isinstance(r, Skipped)], self.settings)
        )
        for record in records:
            if isinstance(record, Skipped):
                yield record
                continue
            fp = next(made)
            self.stats["keyless" if record.short else "sketched"] += 1
            yield self._counted(fp)


class StepStats(dict[str, Stats]):
    """A run's stats, by step name: what report.json shows under ``steps``, the same for
    every executor."""

    def add(self, step: Step) -> None:
        self.setdefault(step.name, Stats()).merge(step.stats)

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {name: dict(sorted(stats.items())) for name, stats in self.items()}
