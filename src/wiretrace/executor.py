"""Where the per-article stages run: worker processes when there is enough work.

The stages are steps over chunks of records (:mod:`wiretrace.steps`) or plain functions;
:class:`LocalExecutor` only schedules them (a pool forked once per stage, chunks mapped in
order, or read lazily with a bounded number in flight). A step carries its own settings
to the workers; its stats are counted where each chunk ran and added up in the run's
process.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from wiretrace.steps import Stats, Step

if TYPE_CHECKING:
    from wiretrace.config import Config

Progress = Callable[[str, int, int], None]


def _step_in_worker(step: Step, finish: Callable[[list], list] | None, chunk: Iterable) -> tuple:
    """``step`` over one chunk, its outputs (through ``finish``, when given: what the
    worker sends back) and what it counted on this chunk alone."""
    kept, step.stats = step.stats, Stats()
    try:
        out = list(step.run(chunk))
        return (finish(out) if finish else out), step.stats
    finally:
        step.stats = kept


def chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class LocalExecutor:
    """Maps a stage over chunks, in worker processes when there is enough work."""

    def __init__(self, config: Config, n_items: int, fork_only: bool = False):
        workers = config.run.workers or os.cpu_count() or 1
        self.workers = workers
        self.pool = None
        can_fork = "fork" in mp.get_all_start_methods()
        if workers > 1 and n_items >= 2 * config.run.chunk_size and (can_fork or not fork_only):
            ctx = mp.get_context("fork") if can_fork else mp.get_context()
            self.pool = ctx.Pool(workers)

    def map(
        self,
        fn,
        chunks: list,
        progress: Progress | None,
        label: str,
        total: int,
        sizes: list[int] | None = None,
    ) -> list:
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

    def map_step(
        self,
        step: Step,
        chunks: list,
        progress: Progress | None,
        total: int,
        sizes: list[int] | None = None,
        finish: Callable[[list], list] | None = None,
    ) -> list[list]:
        """:meth:`map` of ``step`` (each chunk's outputs through ``finish`` in the worker);
        the stats counted in the workers are added to ``step.stats``."""
        fn = functools.partial(_step_in_worker, step, finish)
        parts = self.map(fn, chunks, progress, step.name, total, sizes)
        for _, stats in parts:
            step.stats.merge(stats)
        return [out for out, _ in parts]

    def stream_step(
        self,
        step: Step,
        chunks: Iterator[list],
        progress: Progress | None,
        finish: Callable[[list], list] | None = None,
    ) -> Iterator[list]:
        """:meth:`stream` of ``step``, as :meth:`map_step`."""
        fn = functools.partial(_step_in_worker, step, finish)
        for out, stats in self.stream(fn, chunks, progress, step.name):
            step.stats.merge(stats)
            yield out

    def stream(self, fn, chunks: Iterator[list], progress: Progress | None, label: str) -> Iterator:
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
        limit = 2 * self.workers  # the pool's size
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
