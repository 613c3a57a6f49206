"""``wiretrace train fusion``: fit the same-story fusion weights on dev data, and check them.

The documented training step behind :mod:`wiretrace.story.fusion`. It uses only
the dev portions of the evaluation sets:

* the similarity on the 886 SemEval-2022 Task 8 dev pairs (the only SemEval
  file there is), built exactly as ``wiretrace compare`` builds them (one story
  space, IDF fitted on all articles of the file);
* then the event match on the ECB+ dev topics: every pair inside a topic, and
  as many random pairs across topics (seeded), from one story space over the
  dev documents, scored by the similarity just fitted and the event views.

Where the event match holds beyond the set it was fitted on (leave one data
set out, and against plain TF-IDF on every labelled set) is measured by
``wiretrace eval events`` (:mod:`wiretrace_bench.events`).

It prints, for the configured encoder set: the SemEval Pearson r of the fit on
all pairs (in-sample); the grouped cross-validated r (5 folds over connected
groups of articles, so no article is in a training and a test fold; mean and
sd over ``seeds`` shuffles), per language; and the leave-one-language-out r.
Then it writes the weights with these figures into the file given (``--out``); to
refit the shipped weights, name them from a checkout:
``--out src/wiretrace/story/fusion_weights.json``.
``story.min_match`` is chosen afterwards on the ECB+ dev topics with
``wiretrace eval ecbplus --sweep``.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from wiretrace.config import Config
from wiretrace.records import Article
from wiretrace.story import fusion
from wiretrace.story.encoder import Encoder, load_encoders
from wiretrace.story.similarity import StorySpace
from wiretrace_bench.datasets import MissingData, ecbplus_documents, semeval_pairs

SEMEVAL_FILE = "semeval2022_task8/dev_pairs_with_text.jsonl.gz"
ECBPLUS_FILE = "ecbplus/documents.jsonl.gz"
#: Seed of the random cross-topic ECB+ pairs.
PAIR_SEED = 0


def semeval_set(
    data_dir: Path, config: Config, encoders: list[Encoder], limit: int | None = None
) -> dict:
    """Views, target, language, article groups and the mean-of-views score of the pairs;
    their ``overall`` rating, and the baseline's plain TF-IDF cosine of the raw texts."""
    from wiretrace.compare import parse_pairs
    from wiretrace_bench.evaluations import semeval_lines

    rows = semeval_pairs(data_dir)[:limit]
    parsed, articles = parse_pairs(semeval_lines(rows))
    if len(articles) != 2 * len(rows):
        raise ValueError("every SemEval pair should parse")
    space = StorySpace.build(
        articles,
        replace(config, story=replace(config.story, fusion=False)),
        encoders,
        every_view=True,
    )
    left = np.arange(0, len(articles), 2)
    right = left + 1
    return {
        "views": space.views(left, right),
        "target": (4.0 - np.array([r["overall"] for r in rows], dtype=float)) / 3.0,
        "lang": np.array([r["lang1"] for r in rows]),
        "groups": _connected(rows),
        "mean": space.similarity(left, right),
        "overall": np.array([r["overall"] for r in rows], dtype=float),
        "baseline": _plain_cosines(
            [f"{r['title1']}\n{r['text1']}" for r in rows],
            [f"{r['title2']}\n{r['text2']}" for r in rows],
        ),
    }


def _plain_cosines(a: list[str], b: list[str]) -> np.ndarray:
    """Plain TF-IDF cosine of each pair (a[k], b[k]), IDF over all the texts."""
    from wiretrace.story.lexical import plain_rows

    x = plain_rows([*a, *b])
    return np.asarray(x[: len(a)].multiply(x[len(a) :]).sum(axis=1), dtype=np.float64).ravel()


def _connected(rows: list[dict]) -> np.ndarray:
    """Group of each pair: connected components of the graph of article ids."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids = [str(r["id1"]) for r in rows] + [str(r["id2"]) for r in rows]
    _, inverse = np.unique(ids, return_inverse=True)
    n = len(rows)
    graph = coo_matrix((np.ones(n), (inverse[:n], inverse[n:])), shape=(n * 2, n * 2))
    return connected_components(graph, directed=False)[1][inverse[:n]]


def ecbplus_dev_set(
    data_dir: Path, config: Config, encoders: list[Encoder], topics: int | None = None
) -> dict:
    """Views and targets of ECB+ dev pairs: all within a topic (1 = same event), and as many
    random ones across topics (0)."""
    from wiretrace.clean.article import clean_article

    docs = [d for d in ecbplus_documents(data_dir) if d["split"] == "dev"]
    if topics is not None:
        keep = sorted({d["topic"] for d in docs})[:topics]
        docs = [d for d in docs if d["topic"] in keep]
    articles = [clean_article(Article(id=d["doc_id"], text=d["text"], title="")) for d in docs]
    space = StorySpace.build(
        articles,
        replace(config, story=replace(config.story, fusion=False)),
        encoders,
        every_view=True,
    )
    i, j = np.triu_indices(len(docs), 1)
    topic = np.array([d["topic"] for d in docs])
    event = np.array([d["cluster"] for d in docs])
    within = np.flatnonzero(topic[i] == topic[j])
    across = np.flatnonzero(topic[i] != topic[j])
    rng = np.random.default_rng(PAIR_SEED)
    pick = np.concatenate(
        [within, rng.choice(across, min(len(within), len(across)), replace=False)]
    )
    return {
        "views": space.views(i[pick], j[pick]),
        "target": (event[i[pick]] == event[j[pick]]).astype(float),
    }


def _matrix(views: dict[str, np.ndarray], names: list[str]) -> np.ndarray:
    return np.column_stack([views[n] for n in names])


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1]) if len(x) > 2 and np.std(x) > 0 else float("nan")


def cross_validated(sem: dict, names: list[str], seeds: int, folds: int = 5) -> dict:
    """Out-of-fold SemEval predictions: pooled r per seed, and r per language averaged over
    seeds; and leave-one-language-out r."""
    from sklearn.model_selection import GroupKFold

    x, t = _matrix(sem["views"], names), sem["target"]
    folds = min(folds, len(set(sem["groups"])))
    pooled, per_lang = [], []
    for seed in range(seeds):
        predicted = np.zeros(len(t))
        splits = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        for train, test in splits.split(x, t, sem["groups"]):
            fitted = fusion.fit([(x[train], t[train])], names)
            predicted[test] = fitted.score(dict(zip(names, x[test].T, strict=True)))
        pooled.append(_pearson(predicted, t))
        per_lang.append(
            {
                lang: _pearson(predicted[sem["lang"] == lang], t[sem["lang"] == lang])
                for lang in sorted(set(sem["lang"]))
            }
        )
    lolo = np.zeros(len(t))
    for lang in sorted(set(sem["lang"])):
        m = sem["lang"] == lang
        rest = fusion.fit([(x[~m], t[~m])], names) if (~m).any() else None
        lolo[m] = rest.score(dict(zip(names, x[m].T, strict=True))) if rest else np.nan
    return {
        "r": float(np.mean(pooled)),
        "sd": float(np.std(pooled)),
        "seeds": seeds,
        "folds": folds,
        "per_language": {
            lang: round(float(np.mean([p[lang] for p in per_lang])), 4) for lang in per_lang[0]
        },
        "leave_one_language_out_r": _pearson(lolo, t) if np.isfinite(lolo).all() else None,
    }


def train(
    data_dir: Path,
    config: Config,
    seeds: int = 10,
    limit: int | None = None,
    topics: int | None = None,
) -> tuple[str, fusion.Fusion, dict]:
    """Fit the fusion for ``config.encoder`` on all dev data: the encoder set's key in the
    weights file, the fit (its figures inside) and the figures."""
    encoders = load_encoders(config.story.encoder, config.story.encoder_lead_words)
    names = fusion.view_names([e.name for e in encoders])
    sem = semeval_set(data_dir, config, encoders, limit)
    ecb = ecbplus_dev_set(data_dir, config, encoders, topics)
    fitted = fusion.fit(
        [(_matrix(sem["views"], names), sem["target"])],
        names,
        config.story.rewrite_foreign_word_similarity,
    )
    ecb_sim = fitted.score(ecb["views"])
    fitted = replace(fitted, match=fusion.fit_match(ecb_sim, ecb["views"], ecb["target"]))
    # The event views counting words are imputed for pairs in two languages, as the
    # similarity's word views are, from the same SemEval pairs.
    fitted = replace(
        fitted,
        word_from={
            **fitted.word_from,
            **fusion.word_regressions(
                sem["views"],
                names,
                fusion.EVENT_WORD_VIEWS,
                config.story.rewrite_foreign_word_similarity,
            ),
        },
    )
    cv = cross_validated(sem, names, seeds)
    figures = {
        "trained_on": {
            "semeval": {"file": SEMEVAL_FILE, "pairs": len(sem["target"])},
            "ecbplus_dev": {
                "file": ECBPLUS_FILE,
                "split": "dev",
                "pairs": len(ecb["target"]),
                "same_event": int(ecb["target"].sum()),
            },
        },
        "date": datetime.date.today().isoformat(),
        "encoder": config.story.encoder,
        "lead_pieces": config.story.encoder_lead_pieces,
        "lead_words": config.story.encoder_lead_words,
        "semeval_in_sample_r": _pearson(fitted.score(sem["views"]), sem["target"]),
        "semeval_mean_of_views_r": _pearson(sem["mean"], sem["target"]),
        "semeval_grouped_cv": cv,
        "ecbplus_dev_match_brier": float(
            np.mean((fitted.event_match(ecb_sim, ecb["views"]) - ecb["target"]) ** 2)
        ),
    }
    key = fusion.encoder_key([e.name for e in encoders])
    return key, replace(fitted, about=figures), figures


def main(
    data_dir: Path,
    config: Config,
    console: Console,
    out: Path,
    seeds: int = 10,
    limit: int | None = None,
    topics: int | None = None,
) -> int:
    try:
        key, fitted, figures = train(data_dir, config, seeds, limit, topics)
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    cv = figures["semeval_grouped_cv"]
    console.print(
        f"fusion for encoder {config.story.encoder!r}: sim = sigmoid({fitted.bias:+.4f} "
        + " ".join(f"{w:+.4f}*{n}" for n, w in fitted.weights.items())
        + ")"
    )
    m = fitted.match
    console.print(
        f"event match (ECB+ dev): match = sigmoid({m['bias']:+.4f} "
        f"{m['similarity']:+.4f}*logit(sim) "
        + " ".join(f"{c:+.4f}*{n}" for n, c in m.items() if n not in ("bias", "similarity"))
        + f"); Brier {figures['ecbplus_dev_match_brier']:.4f}"
    )
    table = Table(
        title="SemEval-2022 Task 8 dev pairs: Pearson r with (4 - overall) / 3", header_style="bold"
    )
    table.add_column("score")
    table.add_column("r", justify="right")
    table.add_row("mean of views (no learning)", f"{figures['semeval_mean_of_views_r']:.3f}")
    table.add_row("fused, in-sample (fitted on all pairs)", f"{figures['semeval_in_sample_r']:.3f}")
    table.add_row(
        f"fused, grouped {cv['folds']}-fold CV (mean of {cv['seeds']} seeds)",
        f"{cv['r']:.3f} (sd {cv['sd']:.3f})",
    )
    for lang, r in cv["per_language"].items():
        table.add_row(f"  CV, {lang}", f"{r:.3f}")
    lolo = cv["leave_one_language_out_r"]
    table.add_row("fused, leave one language out", "-" if lolo is None else f"{lolo:.3f}")
    console.print(table)
    fusion.save(key, fitted, out)
    console.print(
        f"weights written to {out}; now choose story.min_match with "
        "`wiretrace eval ecbplus --sweep`"
    )
    return 0
