"""The service's engine: ``run --db`` and ``query`` in a process of their own.

The service calls the same engine as ``wiretrace run --db`` (:func:`run_records`), never
a second ingest path. It runs in one child process (:class:`EngineProcess`) that loads
the encoder once and is the store's only writer, for three reasons:

* **Reads stay fast.** The engine's Python work holds a GIL; in its own process it never
  delays the HTTP process's readers.
* **Forking stays safe.** The encoder forks its workers (:mod:`wiretrace.story.encoder`),
  once, when the engine starts, and keeps them for every round (a pool forked per encode
  call cost about as much as embedding a round's new leads); forking a process whose other
  threads serve requests can copy a lock held mid-call.
* **Writes are serialised** in one place, with the store's writer lock besides, so a
  ``wiretrace run --db`` on the same store waits its turn too.

Batches waiting together are **committed together** (group commit): a round takes every
posted batch in order, up to ``max_round_articles``, and runs them as one engine run, one
transaction. A run's fixed costs (reading the stored fingerprints, fitting the story
stage's term weights over the neighbourhood) are then paid once per round, not per post.
A batch that shares an id with one already in the round waits for the next round, so
that overlapping posts get exactly the answers they would get one after another: the
second sees the first's articles as ``already stored``.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing as mp
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiretrace.accounting import Accounting
from wiretrace.config import Config
from wiretrace.errors import WiretraceError
from wiretrace.ingest import truncate
from wiretrace.ingest.fields import article_from_fields
from wiretrace.lifetime import die_with_parent
from wiretrace.records import Article, Skipped
from wiretrace.steps import ALREADY_STORED

log = logging.getLogger("wiretrace.serve")

#: Seconds a round waits for one more post once it has one. Clients answered by the last
#: round post again within milliseconds, and a round costs seconds, most of it fixed:
#: waiting a little lets their posts share one.
GATHER = 0.05


#: Texts per TF-IDF view whose terms the engine remembers between rounds
#: (:class:`wiretrace.story.lexical.TermMemo`): a round's stored context is a few thousand
#: articles at most (a week of a busy desk), each remembered a few kilobytes.
TERMS_REMEMBERED = 10_000


class EngineUnavailable(WiretraceError, RuntimeError):
    """The engine process is gone (it crashed, or the service is stopping)."""


@dataclass
class Job:
    """One request's records for the engine: ``kind`` is ``ingest`` or ``query``."""

    number: int
    kind: str
    records: list[Any]


def records_of(job: Job, max_chars: int) -> Iterator[Article | Skipped]:
    """A request's JSON records as the run's input records, each named ``#N articles[i]``
    (N the job) so that skips are told apart between the posts of one round."""
    for i, raw in enumerate(job.records):
        record = article_from_fields(raw, f"#{job.number} articles[{i}]")
        yield truncate(record, max_chars) if isinstance(record, Article) else record


def _local(job: Job, text: str) -> str:
    """A reason or origin as its poster knows it (``articles[i]``, without the job)."""
    return text.replace(f"#{job.number} ", "")


def rounds(jobs: list[Job], max_articles: int) -> Iterator[list[Job]]:
    """Ingest jobs grouped into runs, in posting order: a job joins the current round unless
    it shares an id with a job in it, or the round holds ``max_articles`` already."""
    current: list[Job] = []
    ids: set[str] = set()
    size = 0
    for job in jobs:
        mine = {str(r.get("id")) for r in job.records if isinstance(r, dict) and "id" in r}
        if current and (ids & mine or size + len(job.records) > max_articles):
            yield current
            current, ids, size = [], set(), 0
        current.append(job)
        ids |= mine
        size += len(job.records)
    if current:
        yield current


class Engine:
    """The engine as the child process holds it: the config, the encoders loaded once."""

    def __init__(self, db: str | Path, config: Config):
        from wiretrace.story.encoder import load_encoders
        from wiretrace.story.lexical import remember_terms

        self.db = db
        self.config = config
        self.encoders = (
            load_encoders(config.story.encoder, config.story.encoder_lead_words)
            if config.story.enabled
            else []
        )
        remember_terms(TERMS_REMEMBERED)
        for encoder in self.encoders:  # forked now: no store is open, no thread runs
            if hasattr(encoder, "keep_workers"):
                encoder.keep_workers()

    def close(self) -> None:
        """Stop the encoders' kept worker processes, and forget the remembered terms."""
        from wiretrace.story.lexical import remember_terms

        remember_terms(None)
        for encoder in self.encoders:
            if hasattr(encoder, "close_workers"):
                encoder.close_workers()

    def ingest(self, jobs: list[Job]) -> list[list[dict]]:
        """Run the jobs' records as one run over the store (one transaction); answer each
        record, in order: ``added``, ``already stored`` or ``skipped`` with the reason, and
        for the first two where the article now stands in the store."""
        from wiretrace.pipeline import run_records
        from wiretrace.service.reads import StoreReader

        records = [r for job in jobs for r in records_of(job, self.config.ingest.max_chars)]
        # every skip is kept: each posted record is answered for by its origin
        result = run_records(
            records,
            self.config,
            self.db,
            encoders=self.encoders,
            accounting=Accounting(keep_all=True),
        )
        log.info(
            "round of %d posts, %d records: %d new, stage seconds %s",
            len(jobs),
            len(records),
            result.stats["articles_new"],
            result.stats["seconds"],
        )
        skipped = {s.origin: s.reason for s in result.accounting.skipped}
        answers = []
        with StoreReader(self.db) as reader:
            for job in jobs:
                mine = []
                for i, record in enumerate(job.records):
                    origin = f"#{job.number} articles[{i}]"
                    article_id = _record_id(record)
                    reason = skipped.get(origin)
                    if reason is not None and reason != ALREADY_STORED:
                        mine.append(
                            {"id": article_id, "status": "skipped", "reason": _local(job, reason)}
                        )
                        continue
                    status = "already stored" if reason == ALREADY_STORED else "added"
                    assert article_id is not None  # a record without one is skipped
                    mine.append(
                        {"id": article_id, "status": status, **reader.placement(article_id)}
                    )
                answers.append(mine)
        return answers

    def query(self, job: Job) -> list[dict]:
        """Compare the job's records with the store and change nothing: answers as
        :meth:`ingest`'s, with the status ``compared`` (see :func:`query_records`)."""
        from wiretrace.query import query_records

        records = list(records_of(job, self.config.ingest.max_chars))
        found, accounting = query_records(
            records,
            self.db,
            self.config,
            encoders=self.encoders,
            accounting=Accounting(keep_all=True),
        )
        by_id = {a.id: a for a in found}
        skipped = {s.origin: s.reason for s in accounting.skipped}
        answers = []
        for i, record in enumerate(records):
            origin = f"#{job.number} articles[{i}]"
            if origin in skipped or not isinstance(record, Article):
                reason = skipped.get(origin) or str(getattr(record, "reason", "not read"))
                answers.append(
                    {
                        "id": _record_id(job.records[i]),
                        "status": "skipped",
                        "reason": _local(job, reason),
                    }
                )
                continue
            answer = by_id.get(record.id)
            entry = {"id": _record_id(job.records[i]), "status": "compared"}
            if answer is not None:
                entry.update(answer.to_dict(), id=entry["id"], compared_as=answer.id)
            answers.append(entry)
        return answers


def _skipped(article_id: str | None, reason: str) -> dict:
    return {"id": article_id, "status": "skipped", "reason": reason}


def _record_id(record: Any) -> str | None:
    if isinstance(record, dict) and record.get("id") is not None:
        return str(record["id"]).strip()
    return None


# -- the child process -------------------------------------------------------------
def _engine_main(conn, db: str, settings: dict, max_round_articles: int) -> None:
    die_with_parent()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops it, through the pipe
    try:
        engine = Engine(db, Config.from_dict(settings))
    except Exception as exc:  # noqa: BLE001 - told to the server, which exits with it
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    try:
        _serve_rounds(conn, engine, max_round_articles)
    finally:
        engine.close()


def _serve_rounds(conn, engine: Engine, max_round_articles: int) -> None:
    """Answer the server's jobs, round by round, until it stops (or is gone)."""
    stopping = False
    while not stopping:
        jobs: list[Job] = []
        try:
            while not jobs or (
                sum(len(j.records) for j in jobs) < max_round_articles and conn.poll(GATHER)
            ):
                job = conn.recv()
                if job is None:  # the server is stopping: answer what came before, then stop
                    stopping = True
                    break
                jobs.append(job)
        except (EOFError, OSError):
            return  # the server is gone
        queries = [j for j in jobs if j.kind == "query"]
        for group in rounds([j for j in jobs if j.kind == "ingest"], max_round_articles):
            _answer(conn, group, lambda g=group: engine.ingest(g))
        for job in queries:
            _answer(conn, [job], lambda job=job: [engine.query(job)])


def _answer(conn, jobs: list[Job], work) -> None:
    try:
        results = work()
        for job, answer in zip(jobs, results, strict=True):
            conn.send((job.number, answer, None))
    except Exception as exc:  # noqa: BLE001 - one failed round fails its posts, not the engine
        log.exception("engine run failed")
        for job in jobs:
            conn.send((job.number, None, f"{type(exc).__name__}: {exc}"))


# -- the server's side ---------------------------------------------------------------
class EngineProcess:
    """The engine's child process, as the server sees it: :meth:`submit` a job, get a
    future of its answers. One thread reads the answers and settles the futures."""

    def __init__(
        self,
        db: str | Path,
        config: Config,
        max_round_articles: int = 400,
        start_timeout: float = 300.0,
    ):
        ctx = mp.get_context("spawn")  # a fresh interpreter: nothing of the server's threads
        self._conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_engine_main,
            args=(child, str(db), config.to_dict(), max_round_articles),
            name="wiretrace-engine",
            daemon=False,  # a daemonic process may not fork, and the encoder forks its workers
        )
        self.process.start()
        child.close()
        # Before multiprocessing's own exit hook, which would wait for the engine forever.
        atexit.register(self.close, 10.0)
        if not self._conn.poll(start_timeout):
            self.process.kill()
            raise EngineUnavailable(f"the engine did not start within {start_timeout:.0f} s")
        status, detail = self._conn.recv()
        if status != "ready":
            self.process.join(5)
            raise EngineUnavailable(f"the engine could not start: {detail}")
        self._send = threading.Lock()
        self._pending: dict[int, Future] = {}
        self._numbers = iter(range(1, 1 << 62))
        self._gone: str | None = None
        self._reader = threading.Thread(target=self._read_answers, daemon=True)
        self._reader.start()

    def submit(self, kind: str, records: list[Any]) -> Future:
        future: Future = Future()
        with self._send:
            if self._gone:
                raise EngineUnavailable(self._gone)
            number = next(self._numbers)
            self._pending[number] = future
            self._conn.send(Job(number, kind, records))
        return future

    def _read_answers(self) -> None:
        while True:
            try:
                number, answer, error = self._conn.recv()
            except (EOFError, OSError):
                break
            future = self._pending.pop(number, None)
            if future is None:
                continue
            if error is None:
                future.set_result(answer)
            else:
                future.set_exception(RuntimeError(error))
        with self._send:
            self._gone = "the engine process stopped"
            pending, self._pending = self._pending, {}
        for future in pending.values():
            future.set_exception(EngineUnavailable(self._gone))

    @property
    def alive(self) -> bool:
        return self._gone is None and self.process.is_alive()

    def close(self, timeout: float = 60.0) -> None:
        """Stop the engine once it has answered every job sent before (each round commits
        whole or not at all, so a kill after ``timeout`` loses no acknowledged batch)."""
        with self._send:
            if self._gone is None:
                with contextlib.suppress(OSError):  # the engine is gone already
                    self._conn.send(None)
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self._conn.close()
