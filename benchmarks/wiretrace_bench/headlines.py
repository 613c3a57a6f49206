"""``wiretrace bench headlines``: stories of short records (headlines) against full texts.

A headline feed carries a title, perhaps a one-line summary, and no body. Such a record is
kept as *short* (:func:`wiretrace.clean.article.too_short_reason`) and joins stories on its
title and summary alone. AllSides has no story labels, so the reference is what wiretrace
itself makes of the full texts: the latest ``--articles`` dated, titled AllSides articles
go through a whole run (:func:`wiretrace.pipeline.run_records`, configured settings, trace
off), then again as:

* **titles**: every record a title and no text (all short);
* **title + first sentence**: the title and the body's first sentence as a summary (short
  when the sentence has fewer than ``min_words`` words, else an ordinary article);
* **mixed**: every third record a title alone, the others their full text: the headlines
  of a feed arriving among full articles. Besides the whole run, its scores on the pairs
  that hold a headline say whether headlines land in their event's story.

Each run's stories are scored against the full-text ones: adjusted Rand index, B-cubed F1,
and co-membership: of the pairs of articles the full texts put in one story, the share
the other run puts together too (recall), and of the pairs it puts together, the share the
full texts do (precision), with their F1.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.metrics import adjusted_rand_score

from wiretrace.config import Config
from wiretrace.pipeline import run_records
from wiretrace.records import Article, timestamp
from wiretrace_bench.clustering_metrics import b_cubed_f1
from wiretrace_bench.datasets import MissingData, allsides_articles

#: End of the first sentence: a full stop (or ! ?) followed by a capital or a quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019]?\s+(?=[\"\u201c\u2018A-Z])")


def first_sentence(text: str) -> str:
    """The first sentence of a body's first paragraph (at most 60 words)."""
    para = next((p for p in text.split("\n") if p.strip()), "").strip()
    return " ".join(_SENTENCE_END.split(para, maxsplit=1)[0].split()[:60])


def _article(row: dict, text: str) -> Article:
    return Article(
        id=row["id"],
        text=text,
        title=row["title"],
        published=row["date"],
        source=row["source"],
        origin="allsides",
    )


#: How each condition turns a row (and its position) into the text of its record.
CONDITIONS: dict[str, Callable[[dict, int], str]] = {
    "full text": lambda r, n: r["text"],  # the reference
    "titles": lambda r, n: "",
    "title+sentence": lambda r, n: first_sentence(r["text"]),
    "mixed 1/3 titles": lambda r, n: "" if n % 3 == 0 else r["text"],
}


def co_membership(
    gold: list, predicted: list, among: np.ndarray | None = None
) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of ``predicted`` against ``gold``: over every pair
    of items, or, with ``among`` (a boolean mask), over the pairs holding a marked item."""
    g, p = np.asarray(gold), np.asarray(predicted)
    mark = np.zeros(len(g), bool) if among is None else np.asarray(among, bool)

    def together(*labels: np.ndarray) -> int:
        keys = list(zip(*labels, strict=True))
        every = sum(c * (c - 1) // 2 for c in Counter(keys).values())
        if among is None:
            return every
        unmarked = Counter(k for k, m in zip(keys, mark, strict=True) if not m)
        return every - sum(c * (c - 1) // 2 for c in unmarked.values())

    both, pred, true = together(g, p), together(p), together(g)
    precision = both / pred if pred else 0.0
    recall = both / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main(data_dir: Path, config: Config, console: Console, n_articles: int) -> int:
    try:
        rows = [
            r
            for r in allsides_articles(data_dir)
            if timestamp(r.get("date")) and (r.get("title") or "").strip()
        ]
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    rows = rows[-n_articles:]
    config = replace(
        config, trace=replace(config.trace, enabled=False)
    )  # lineages are not scored here
    console.print(
        f"{len(rows)} dated AllSides articles {rows[0]['date']} .. {rows[-1]['date']}; "
        f"encoder {config.story.encoder}, story.min_match {config.story.min_match}, "
        f"horizon {config.story.horizon_days} days, min_words {config.ingest.min_words}"
    )
    ids = [r["id"] for r in rows]
    headline = np.array([n % 3 == 0 for n in range(len(rows))])
    table = Table(
        title="stories scored against the full-text stories",
        header_style="bold",
        caption="pair P, R: co-membership precision and recall",
    )
    for col in (
        "records",
        "short",
        "stories 2+",
        "in them",
        "ARI",
        "B3 F1",
        "pair P",
        "pair R",
        "pair F1",
        "s",
    ):
        table.add_column(col, justify="right", no_wrap=True)
    reference: list[str] | None = None
    mixed: list[str] | None = None
    for name, text_of in CONDITIONS.items():
        t0 = time.perf_counter()
        result = run_records((_article(r, text_of(r, n)) for n, r in enumerate(rows)), config)
        seconds = time.perf_counter() - t0
        story_of = result.story_of()
        labels = [story_of.get(i, i) for i in ids]  # a record not kept stands alone
        sizes = Counter(labels)
        multi = [s for s in sizes.values() if s > 1]
        if reference is None:
            reference = labels
        precision, recall, f1 = co_membership(reference, labels)
        table.add_row(
            name,
            f"{result.accounting.short:,}",
            f"{len(multi):,}",
            f"{sum(multi):,}",
            f"{adjusted_rand_score(reference, labels):.3f}",
            f"{b_cubed_f1(reference, labels):.3f}",
            f"{precision:.3f}",
            f"{recall:.3f}",
            f"{f1:.3f}",
            f"{seconds:.0f}",
        )
        if name.startswith("mixed"):
            mixed = labels
    console.print(table)
    assert reference is not None and mixed is not None
    precision, recall, f1 = co_membership(reference, mixed, among=headline)
    console.print(
        f"mixed run, pairs holding a headline ({int(headline.sum()):,} headlines): "
        f"precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}"
    )
    return 0
