"""``wiretrace bench stories``: how long and how big stories get on real news.

AllSides has no story labels, so this is not an accuracy figure: it shows
what the story settings do to a stream of a few months of US news. The
latest ``--articles`` dated articles get one story space (the configured
encoder), and are clustered with the configured ``story.min_match`` and
``story.window`` under several ``story.horizon_days``: stories of two or more
articles, the largest ones, how many days the largest spans, and a few of its
headlines to judge by eye whether it is one story or a topic; and how much
the stories change when the same articles are read in the opposite order.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.metrics import adjusted_rand_score

from wiretrace.clean.article import clean_article
from wiretrace.config import Config
from wiretrace.records import Article, timestamp
from wiretrace.story.clustering import cluster_stories
from wiretrace.story.encoder import load_encoders
from wiretrace.story.similarity import StorySpace
from wiretrace_bench.clustering_metrics import pairwise_f1
from wiretrace_bench.datasets import MissingData, latest_dated_allsides

HORIZONS: tuple[float | None, ...] = (None, 30.0, 14.0, 7.0, 3.0)


def main(data_dir: Path, config: Config, console: Console, n_articles: int) -> int:
    try:
        rows = latest_dated_allsides(data_dir, n_articles)
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    articles = [
        clean_article(
            Article(id=r["id"], text=r["text"], title=r["title"] or "", published=r["date"])
        )
        for r in rows
    ]
    t0 = time.perf_counter()
    space = StorySpace.build(
        articles, config, load_encoders(config.story.encoder, config.story.encoder_lead_words)
    )
    console.print(
        f"{len(rows)} AllSides articles {rows[0]['date']} .. {rows[-1]['date']}; "
        f"story space ({config.story.encoder}) {time.perf_counter() - t0:.1f} s"
    )
    # Every row has a date that reads (latest_dated_allsides keeps only those).
    days = np.array([(timestamp(r["date"]) or 0.0) / 86400.0 for r in rows])
    horizons = (
        HORIZONS
        if config.story.horizon_days in HORIZONS
        else (*HORIZONS, config.story.horizon_days)
    )
    table = Table(
        title=f"stories at story.min_match {config.story.min_match}, window {config.story.window}",
        header_style="bold",
    )
    for col in (
        "horizon (days)",
        "stories of 2+",
        "articles in them",
        "largest five",
        "largest spans (days)",
        "cluster s",
    ):
        table.add_column(col, justify="right")
    largest, found = {}, {}
    for horizon in horizons:
        t0 = time.perf_counter()
        labels = cluster_stories(
            [r["date"] for r in rows],
            space.match_matrix,
            config.story.min_match,
            config.story.window,
            horizon,
        )
        seconds = time.perf_counter() - t0
        found[horizon] = labels
        sizes = Counter(labels.tolist())
        multi = [s for s in sizes.values() if s > 1]
        top = sizes.most_common(1)[0][0]
        members = np.flatnonzero(labels == top)
        largest[horizon] = members
        mark = " (configured)" if horizon == config.story.horizon_days else ""
        table.add_row(
            f"{'none' if horizon is None else f'{horizon:g}'}{mark}",
            f"{len(multi):,}",
            f"{sum(multi):,}",
            ", ".join(str(s) for _, s in sizes.most_common(5)),
            f"{days[members].max() - days[members].min():.0f}",
            f"{seconds:.1f}",
        )
    console.print(table)
    # Reading order: the same articles read backwards (ties in publication day then fall the
    # other way round inside the windows).
    back = np.arange(len(rows))[::-1].copy()
    labels = cluster_stories(
        [rows[i]["date"] for i in back],
        lambda idx: space.match_matrix(back[idx]),
        config.story.min_match,
        config.story.window,
        config.story.horizon_days,
    )
    backwards = np.empty_like(labels)
    backwards[back] = labels
    forwards = found[config.story.horizon_days]
    console.print(
        f"read backwards vs forwards (configured horizon): ARI "
        f"{adjusted_rand_score(forwards, backwards):.3f}, pairwise F1 "
        f"{pairwise_f1(forwards.tolist(), backwards.tolist()):.3f}"
    )
    for horizon in (None, config.story.horizon_days):
        members = largest[horizon]
        pick = members[np.linspace(0, len(members) - 1, min(8, len(members))).astype(int)]
        console.print(f"largest story, horizon {horizon}: {len(members)} articles")
        for i in pick:
            console.print(
                f"  {rows[i]['date']}  {(rows[i]['source'] or '')[:18]:18}  "
                f"{(rows[i]['title'] or '')[:80]}"
            )
    return 0
