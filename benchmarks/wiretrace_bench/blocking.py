"""``wiretrace bench blocking``: what blocking keeps of exhaustive scoring, and what it saves.

On the ECB+ documents (dev topics, then test topics), on the latest ``--articles`` dated
AllSides articles and on as many before them: one story space each (the configured
encoder), cut into windows of ``story.window`` articles in time order as the story stage
cuts them. In each window,
every pair is scored (exhaustive); the pairs it accepts (event match at least
``story.min_match``, within ``story.horizon_days``: what clustering can join) are the
reference. Blocking proposes them all by construction (:mod:`wiretrace.story.blocking`);
the recall column checks it. Blocking's recall is the share of them that
blocking proposes; its savings are the shares of pairs it does not score and of articles
it does not embed. Then the stories clustered with and without blocking are compared
(ARI), and the seconds spent embedding and scoring each way (no vector cache: both embed).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.metrics import adjusted_rand_score

from wiretrace.clean.article import clean_article
from wiretrace.config import Config
from wiretrace.records import Article, CleanArticle
from wiretrace.story.blocking import Candidates, window_matches
from wiretrace.story.clustering import (
    beyond_horizon,
    cluster_stories,
    publication_days,
    windows_to_cluster,
)
from wiretrace.story.encoder import load_encoders
from wiretrace.story.similarity import StorySpace
from wiretrace_bench.datasets import MissingData, ecbplus_documents, latest_dated_allsides


def measure_set(articles: list[CleanArticle], config: Config, encoders) -> dict:
    published = [a.published for a in articles]
    spans = windows_to_cluster(published, config.story.window)
    t0 = time.perf_counter()
    space = StorySpace.build(articles, config, encoders)
    build_all = time.perf_counter() - t0
    found: list[Candidates] = []

    def worth_embedding(s: StorySpace) -> np.ndarray:
        found.append(Candidates.find(s, spans, published, config, [e.name for e in encoders]))
        return found[0].articles

    t0 = time.perf_counter()
    lazy = StorySpace.build(articles, config, encoders, embed_only=worth_embedding)
    build_blocked = time.perf_counter() - t0
    candidates = found[0]
    days = publication_days(published)
    proposed_pairs = set(zip(candidates.i.tolist(), candidates.j.tolist(), strict=True))
    accepted = proposed = pairs = 0
    seconds_all = seconds_blocked = 0.0
    for rows in spans:
        t0 = time.perf_counter()
        match = space.match_matrix(rows)
        seconds_all += time.perf_counter() - t0
        t0 = time.perf_counter()
        candidates.match_matrix(lazy, rows)
        seconds_blocked += time.perf_counter() - t0
        # What clustering can accept: pairs at the threshold within the horizon.
        upper = np.triu(match >= config.story.min_match, k=1)
        upper &= ~beyond_horizon(days[rows], config.story.horizon_days)
        a, b = np.nonzero(upper)
        accepted += len(a)
        proposed += sum(
            (min(x, y), max(x, y)) in proposed_pairs
            for x, y in zip(rows[a].tolist(), rows[b].tolist(), strict=True)
        )
        pairs += len(rows) * (len(rows) - 1) // 2
    exhaustive = cluster_stories(
        published,
        space.match_matrix,
        config.story.min_match,
        config.story.window,
        config.story.horizon_days,
    )
    blocked = cluster_stories(
        published,
        window_matches(lazy, candidates),
        config.story.min_match,
        config.story.window,
        config.story.horizon_days,
    )
    return {
        "articles": len(articles),
        "accepted": accepted,
        "recall": proposed / max(accepted, 1),
        "pairs": pairs,
        "scored_share": len(candidates.i) / max(pairs, 1),
        "embedded": float(lazy.embedded.mean()),
        "ari": adjusted_rand_score(exhaustive, blocked),
        "seconds_all": build_all + seconds_all,
        "seconds_blocked": build_blocked + seconds_blocked,
    }


def main(data_dir: Path, config: Config, console: Console, n_articles: int) -> int:
    try:
        ecb = ecbplus_documents(data_dir)
        dated = latest_dated_allsides(data_dir, 2 * n_articles)
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    encoders = load_encoders(config.story.encoder, config.story.encoder_lead_words)
    sets = {
        f"ECB+ {split}": [
            clean_article(Article(id=d["doc_id"], text=d["text"], title=""))
            for d in ecb
            if d["split"] == split
        ]
        for split in ("dev", "test")
    }
    # The latest articles (where the thresholds were chosen), and as many before them.
    for name, rows in (
        (f"AllSides latest {n_articles}", dated[-n_articles:]),
        (f"AllSides the {n_articles} before", dated[-2 * n_articles : -n_articles]),
    ):
        sets[name] = [
            clean_article(
                Article(id=r["id"], text=r["text"], title=r["title"] or "", published=r["date"])
            )
            for r in rows
        ]
    table = Table(
        title=f"bench blocking (pairs whose match could reach {config.story.min_match}, "
        f"window {config.story.window}, horizon {config.story.horizon_days} days, "
        f"encoder {config.story.encoder})",
        header_style="bold",
    )
    for col in (
        "set",
        "articles",
        "accepted pairs",
        "recall of accepted",
        "pairs scored",
        "articles embedded",
        "stories ARI vs exhaustive",
        "s exhaustive",
        "s blocked",
    ):
        table.add_column(col, justify="left" if col == "set" else "right")
    for name, articles in sets.items():
        m = measure_set(articles, config, encoders)
        table.add_row(
            name,
            str(m["articles"]),
            f"{m['accepted']:,}",
            f"{m['recall']:.4f}",
            f"{m['scored_share']:.1%}",
            f"{m['embedded']:.1%}",
            f"{m['ari']:.4f}",
            f"{m['seconds_all']:.1f}",
            f"{m['seconds_blocked']:.1f}",
        )
    console.print(table)
    return 0
