"""``wiretrace eval NAME``: the shipped configuration on labelled data sets.

One configuration for every set; nothing here tunes a threshold on the labels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from wiretrace.config import Config
from wiretrace.pipeline import run_records
from wiretrace.records import Article
from wiretrace_bench.clustering_metrics import scores
from wiretrace_bench.datasets import (
    MissingData,
    clough_documents,
    ecbplus_documents,
    mrpc_pairs,
    semeval_pairs,
)

CLOUGH_CATEGORIES = ("cut", "light", "heavy", "non")
PREDICTIONS = ("duplicate", "copy", "partial", "rewrite", "same_story", "none")
#: Relations that say one text was made from the other.
DERIVED = ("duplicate", "copy", "partial", "rewrite")


def clough_confusion(data_dir: Path, config: Config) -> dict[str, Counter]:
    """Relation found between each answer and its task's source, per answer category.

    The 100 texts are run as one corpus, as a user would: an answer may be related to
    its source, to nothing, or (wrongly) to other texts.
    """
    docs = clough_documents(data_dir)
    records = [
        Article(id=d["file"], text=d["text"], title=d["file"], origin="clough") for d in docs
    ]
    result = run_records(records, config)
    relation = {frozenset((r.a, r.b)): r.relation for r in result.relations}
    confusion: dict[str, Counter] = {c: Counter() for c in CLOUGH_CATEGORIES}
    for d in docs:
        if d["role"] != "answer":
            continue
        found = relation.get(frozenset((d["file"], d["source_file"])), "none")
        confusion[d["category"]][found] += 1
    sources = {d["file"] for d in docs if d["role"] == "source"}
    answers_of = {d["file"]: d["task"] for d in docs if d["role"] == "answer"}
    cross = [
        r
        for r in result.relations
        if not ({r.a, r.b} & sources) and answers_of.get(r.a) and answers_of.get(r.b)
    ]
    confusion["_answer_pairs"] = Counter(r.relation for r in cross)
    return confusion


def print_clough(confusion: dict[str, Counter], console: Console) -> None:
    table = Table(
        title="Clough & Stevenson: relation of each answer to its source", header_style="bold"
    )
    table.add_column("category")
    for p in PREDICTIONS:
        table.add_column(p, justify="right")
    for c in CLOUGH_CATEGORIES:
        table.add_row(c, *(str(confusion[c][p]) for p in PREDICTIONS))
    console.print(table)

    def derived(category: str) -> int:
        return sum(confusion[category][p] for p in DERIVED)

    def total(category: str) -> int:
        return sum(confusion[category].values())

    console.print(
        "derived from their source (duplicate, copy, partial or rewrite): "
        + ", ".join(f"{c} {derived(c)}/{total(c)}" for c in CLOUGH_CATEGORIES)
        + " (non answers are on the source's topic, so same_story is right for them)"
    )
    pairs = confusion["_answer_pairs"]
    console.print(
        f"relations between answers (students copying the same source): {dict(pairs) or 'none'}"
    )


def semeval_lines(rows: list[dict]) -> list[dict]:
    """SemEval pairs as ``wiretrace compare`` input lines (an empty text stands in by its
    title)."""
    return [
        {
            "id": r["pair_id"],
            "a": {"title": r["title1"], "text": r["text1"] or r["title1"] or "-"},
            "b": {"title": r["title2"], "text": r["text2"] or r["title2"] or "-"},
        }
        for r in rows
    ]


def semeval_correlations(data_dir: Path, config: Config) -> dict[str, tuple[float, int]]:
    """Pearson r of ``similarity`` with -overall (1 = same story), per language and pooled."""
    from scipy.stats import pearsonr

    from wiretrace.compare import compare_pairs

    rows = semeval_pairs(data_dir)
    answers = list(compare_pairs(semeval_lines(rows), config))
    sim = np.array([a.get("similarity", 0.0) for a in answers])
    gold = -np.array([r["overall"] for r in rows])
    langs = np.array([r["lang1"] for r in rows])
    out = {"pooled": (float(pearsonr(sim, gold)[0]), len(rows))}
    for lang in sorted(set(langs)):
        m = langs == lang
        out[lang] = (float(pearsonr(sim[m], gold[m])[0]), int(m.sum()))
    return out


def print_semeval(results: dict[str, tuple[float, int]], console: Console) -> None:
    table = Table(
        title="SemEval-2022 Task 8 dev pairs: Pearson r of similarity vs -overall",
        header_style="bold",
    )
    table.add_column("language")
    table.add_column("pairs", justify="right")
    table.add_column("Pearson r", justify="right")
    for lang, (r, n) in results.items():
        table.add_row(lang, str(n), f"{r:.3f}")
    console.print(table)


def _ecbplus_spaces(data_dir: Path, config: Config, splits: tuple[str, ...]):
    """(split, gold labels, story space) for each split's documents."""
    from wiretrace.clean.article import clean_article
    from wiretrace.story.encoder import load_encoders
    from wiretrace.story.similarity import StorySpace

    docs = ecbplus_documents(data_dir)
    encoders = load_encoders(config.story.encoder, config.story.encoder_lead_words)
    for split in splits:
        part = [d for d in docs if d["split"] == split]
        articles = [clean_article(Article(id=d["doc_id"], text=d["text"], title="")) for d in part]
        yield split, [d["cluster"] for d in part], StorySpace.build(articles, config, encoders)


def ecbplus_scores(data_dir: Path, config: Config) -> dict[str, dict[str, float]]:
    """Stories found among each split's documents, scored against the gold event clusters,
    clustered as the story stage clusters them (blocked pairs, in windows)."""
    from wiretrace.story.blocking import Candidates, window_matches
    from wiretrace.story.clustering import cluster_stories, windows_to_cluster

    out = {}
    for split, gold, space in _ecbplus_spaces(data_dir, config, ("train", "dev", "test")):
        undated = [None] * len(gold)
        candidates = (
            Candidates.find(
                space,
                windows_to_cluster(undated, config.story.window),
                undated,
                config,
                space.encoder_names,
            )
            if config.story.blocking
            else None
        )
        labels = cluster_stories(
            undated,
            window_matches(space, candidates),
            config.story.min_match,
            config.story.window,
            config.story.horizon_days,
        )
        out[split] = {
            **scores(gold, labels),
            "documents": len(gold),
            "gold_clusters": len(set(gold)),
            "stories": len(set(labels)),
        }
    return out


def ecbplus_sweep(data_dir: Path, config: Config, console: Console) -> float:
    """The documented training step for ``story.min_match``: ARI on the ECB+ *dev*
    topics only, over a grid; prints the grid and returns the best value."""
    from wiretrace.story.clustering import average_link

    ((_, gold, space),) = _ecbplus_spaces(data_dir, config, ("dev",))
    matrix = space.match_matrix()
    grid = [round(0.10 + 0.02 * k, 2) for k in range(41)]  # 0.10 .. 0.90
    results = {t: scores(gold, average_link(matrix, t))["ari"] for t in grid}
    table = Table(title="story.min_match on ECB+ dev topics", header_style="bold")
    table.add_column("threshold", justify="right")
    table.add_column("dev ARI", justify="right")
    for t, ari in results.items():
        table.add_row(f"{t:.2f}", f"{ari:.3f}")
    console.print(table)
    best = max(results, key=lambda t: results[t])
    console.print(f"best on dev: {best:.2f} (configured: {config.story.min_match:.2f})")
    return best


def print_ecbplus(results: dict[str, dict[str, float]], console: Console) -> None:
    table = Table(title="ECB+: stories vs gold event clusters", header_style="bold")
    for col in (
        "split",
        "documents",
        "gold clusters",
        "stories",
        "ARI",
        "B-cubed F1",
        "pairwise F1",
    ):
        table.add_column(col, justify="left" if col == "split" else "right")
    for split, r in results.items():
        table.add_row(
            split,
            str(r["documents"]),
            str(r["gold_clusters"]),
            str(r["stories"]),
            f"{r['ari']:.3f}",
            f"{r['b3_f1']:.3f}",
            f"{r['pairwise_f1']:.3f}",
        )
    console.print(table)


REWRITE_OR_COPY = DERIVED


def mrpc_scores(data_dir: Path, config: Config) -> dict[str, dict[str, float]]:
    """Accuracy and F1 of "rewrite or copy" against MRPC's paraphrase labels, per split."""
    from wiretrace.compare import compare_pairs

    out = {}
    for split in ("train", "test"):
        rows = mrpc_pairs(data_dir, split)
        lines = [
            {"id": n, "a": {"text": r["sentence1"]}, "b": {"text": r["sentence2"]}}
            for n, r in enumerate(rows)
        ]
        answers = list(compare_pairs(lines, config))
        predicted = np.array([a.get("relation") in REWRITE_OR_COPY for a in answers])
        gold = np.array([r["label"] == 1 for r in rows])
        tp = int((predicted & gold).sum())
        precision = tp / max(int(predicted.sum()), 1)
        recall = tp / max(int(gold.sum()), 1)
        out[split] = {
            "pairs": len(rows),
            "accuracy": float((predicted == gold).mean()),
            "f1": 2 * precision * recall / (precision + recall) if tp else 0.0,
            "precision": precision,
            "recall": recall,
        }
    return out


def print_mrpc(results: dict[str, dict[str, float]], console: Console) -> None:
    table = Table(title="MRPC: rewrite-or-copy vs paraphrase label", header_style="bold")
    for col in ("split", "pairs", "accuracy", "F1", "precision", "recall"):
        table.add_column(col, justify="left" if col == "split" else "right")
    for split, r in results.items():
        table.add_row(
            split,
            str(r["pairs"]),
            f"{r['accuracy']:.3f}",
            f"{r['f1']:.3f}",
            f"{r['precision']:.3f}",
            f"{r['recall']:.3f}",
        )
    console.print(table)
    console.print("(all-positive baseline on test: accuracy 0.665, F1 0.799)")


def _event_tables(data_dir: Path, config: Config) -> dict:
    from wiretrace_bench.events import event_tables

    return event_tables(data_dir, config)


def _print_event_tables(results: dict, console: Console) -> None:
    from wiretrace_bench.events import print_event_tables

    print_event_tables(results, console)


#: Each evaluation: (compute figures from data and config, print them).
#: name: (compute the results, print them); each pair agrees on its results' type.
EVALUATIONS: dict[str, tuple[Callable[[Path, Config], Any], Callable[[Any, Console], None]]] = {
    "events": (_event_tables, _print_event_tables),
    "clough": (clough_confusion, print_clough),
    "semeval": (semeval_correlations, print_semeval),
    "ecbplus": (ecbplus_scores, print_ecbplus),
    "mrpc": (mrpc_scores, print_mrpc),
}


def main(name: str, data_dir: Path, config: Config, console: Console, sweep: bool = False) -> int:
    if name not in EVALUATIONS:
        raise ValueError(f"unknown evaluation {name!r}")
    try:
        if name == "ecbplus" and sweep:
            ecbplus_sweep(data_dir, config, console)
        else:
            compute, show = EVALUATIONS[name]
            show(compute(data_dir, config), console)
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    return 0
