"""``wiretrace bench rounds``: what a round of the service's engine costs, by its size.

The service ingests in rounds (:mod:`wiretrace.service.engine`): the batches posted while
the last round ran are one engine run over the store, one transaction. A round pays a
fixed part (fitting the story stage's term weights and scoring the pairs over the stored
articles around the new ones, reading the stored fingerprints, the commit) and a part per
new article (cleaning, fingerprints, its lead embedded, its terms counted). Fitting

    seconds of a round = fixed + marginal * (articles in the round)

by least squares over every round of every size gives both, and ``1 / marginal`` is the
most articles a second the engine can ingest on this machine however large its rounds:
a ceiling that the service's readers, sharing its cores, only lower.

Here the engine runs in this process (:class:`wiretrace.service.engine.Engine`, as the
service's engine process holds it: the encoder loaded once, its workers kept, the term
memo on), on a new store for each round size, fed the first ``--articles`` AllSides
articles in posts of 50 (as ``wiretrace bench serve`` posts them), ``size`` articles a
round. No HTTP, no readers: the engine's own cost.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from wiretrace.config import Config
from wiretrace.service.engine import Engine, Job
from wiretrace_bench.datasets import MissingData, allsides_articles
from wiretrace_bench.serve import BATCH, posted_record


def round_seconds(records: list[dict], size: int, config: Config, db: Path) -> list[float]:
    """Seconds of each round when ``records`` go into a new store ``db`` ``size`` at a
    time, in posts of :data:`BATCH`."""
    engine = Engine(db, config)
    seconds = []
    logger = logging.getLogger("wiretrace")
    level = logger.level
    logger.setLevel(logging.WARNING)  # not a line per stage of every round
    try:
        posts = 0
        for start in range(0, len(records), size):
            chunk = records[start : start + size]
            jobs = [
                Job(posts + k, "ingest", chunk[at : at + BATCH])
                for k, at in enumerate(range(0, len(chunk), BATCH))
            ]
            posts += len(jobs)
            began = time.perf_counter()
            engine.ingest(jobs)
            seconds.append(time.perf_counter() - began)
    finally:
        logger.setLevel(level)
        engine.close()
    return seconds


def main(
    data_dir: Path, config: Config, console: Console, n_articles: int, sizes: list[int]
) -> int:
    try:
        records = [posted_record(r) for r in allsides_articles(data_dir, n_articles)]
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    table = Table(
        title=f"bench rounds: the service's engine on {len(records)} AllSides articles",
        header_style="bold",
    )
    for col in ("articles a round", "rounds", "seconds", "articles/s", "seconds a round"):
        table.add_column(col, justify="right")
    sizes_of, seconds_of = [], []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="wiretrace-rounds-") as tmp:
            seconds = round_seconds(records, size, config, Path(tmp) / "index.db")
        total = sum(seconds)
        table.add_row(
            f"{size:,}",
            f"{len(seconds):,}",
            f"{total:.1f}",
            f"{len(records) / total:.1f}",
            f"{float(np.median(seconds)):.2f} (median)",
        )
        sizes_of += [min(size, len(records) - k * size) for k in range(len(seconds))]
        seconds_of += seconds
    console.print(table)
    if len(set(sizes_of)) < 2:
        console.print("one round size only: give --sizes two or more to fit the costs")
        return 0
    marginal, fixed = np.polyfit(np.array(sizes_of, dtype=float), np.array(seconds_of), 1)
    console.print(
        f"least squares over {len(seconds_of)} rounds: {fixed:.2f} s fixed a round + "
        f"{marginal * 1000:.1f} ms an article; ceiling {1 / marginal:.0f} articles/s however "
        "large the rounds (no readers, this machine)"
    )
    return 0
