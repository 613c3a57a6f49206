"""``wiretrace bench copies``: planted copies in AllSides, wiretrace vs datasketch.

Both run as separate processes on the same JSONL file, one after the other,
so wall time and peak memory (whole process tree) are comparable; the ratio
of the two is the figure to quote, since the machines are noisy.

Scoring (see :mod:`wiretrace_bench.planted`):

* recall: share of the planted family pairs (original-copy and copy-copy)
  that are output as related;
* precision: among output pairs that involve a planted copy, the share that
  are planted family pairs. Counted apart, as they do share text: pairs of a
  copy with the article it had paragraphs stitched in from; pairs of articles
  that carry text of one original (through stitching) or of two originals
  that share text in the data already (at least ``SHARED_4GRAMS`` exact word
  4-grams: AllSides has real reprints of wire copy and shared quotes);
  relations between two original AllSides articles (reported with a sample).
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from wiretrace.config import Config
from wiretrace.records import COPY_RELATIONS
from wiretrace_bench.datasets import MissingData, allsides_articles
from wiretrace_bench.measure import measure, measure_run
from wiretrace_bench.planted import PlantedCorpus, plant_copies

#: Word 4-grams two originals must share to count as sharing text in the data.
SHARED_4GRAMS = 20


def _four_grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return set(zip(*(words[i:] for i in range(4)), strict=False))


def score(found: set[frozenset[str]], corpus: PlantedCorpus) -> dict:
    """Recall and precision of ``found`` pairs against the planted truth (see module doc)."""
    expected = corpus.expected_pairs()
    donors = corpus.donor_pairs()
    planted = set(corpus.copy_params)
    texts = {a["id"]: a["text"] for a in corpus.articles}
    grams: dict[str, set] = {}

    def sources(x: str) -> set[str]:
        """Originals whose text article x carries: its family's and any stitched in."""
        return {corpus.family_of.get(x, x)} | corpus.donors.get(x, set())

    def grams_of(f: str) -> set:
        if f not in grams:
            grams[f] = _four_grams(texts[f])
        return grams[f]

    def shares_text_in_data(pair: frozenset[str]) -> bool:
        """True when the two articles carry text of one original, or of two originals that
        share text in the data themselves (exact word 4-grams, independent of wiretrace)."""
        a, b = tuple(pair)
        sa, sb = sources(a), sources(b)
        if sa & sb:
            return True
        return any(len(grams_of(x) & grams_of(y)) >= SHARED_4GRAMS for x in sa for y in sb)

    unexpected = {p for p in found if p & planted and p not in expected}
    donor_found = unexpected & donors
    natural = {p for p in unexpected - donors if shares_text_in_data(p)}
    judged = {p for p in found if p & planted} - donor_found - natural
    true_pos = judged & expected
    orig_copy = {p for p in expected if not p <= planted}
    return {
        "expected": len(expected),
        "found_expected": len(true_pos),
        "recall": len(true_pos) / max(len(expected), 1),
        "recall_original_copy": len(true_pos & orig_copy) / max(len(orig_copy), 1),
        "recall_copy_copy": len(true_pos - orig_copy) / max(len(expected - orig_copy), 1),
        "precision": len(true_pos) / max(len(judged), 1),
        "false_pairs": sorted(tuple(sorted(p)) for p in judged - expected),
        "donor_pairs_found": len(donor_found),
        "donor_pairs": len(donors),
        "natural_pairs_found": len(natural),
        "original_pairs_found": sorted(tuple(sorted(p)) for p in found if not p & planted),
        "missed": sorted(tuple(sorted(p)) for p in expected - true_pos),
    }


def _read_pairs_jsonl(path: Path, wiretrace_format: bool) -> set[frozenset[str]]:
    """Pairs output as copies (wiretrace's rewrite and same_story relations are not scored)."""
    pairs = set()
    for line in path.read_bytes().splitlines():
        row = orjson.loads(line)
        if not wiretrace_format:
            pairs.add(frozenset(row))
        elif row["relation"] in COPY_RELATIONS:
            pairs.add(frozenset((row["a"], row["b"])))
    return pairs


def main(
    data_dir: Path,
    config: Config,
    console: Console,
    n_articles: int,
    n_copies: int,
    seed: int,
    baseline: bool,
) -> int:
    try:
        originals = [
            {k: a[k] for k in ("id", "title", "text", "source", "url")}
            for a in allsides_articles(data_dir, n_articles)
        ]
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    corpus = plant_copies(originals, n_copies, seed)
    n_docs = len(corpus.articles)
    console.print(
        f"{len(originals)} AllSides articles + {n_copies} planted copies = {n_docs} "
        f"documents; {len(corpus.expected_pairs())} planted family pairs; seed {seed}"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="wiretrace-bench-") as tmp:
        tmp_path = Path(tmp)
        corpus_path = tmp_path / "corpus.jsonl"
        with open(corpus_path, "wb") as fh:
            for a in corpus.articles:
                fh.write(orjson.dumps(a) + b"\n")
        config_path = tmp_path / "config.json"
        config_path.write_bytes(orjson.dumps(config.to_dict()))
        out = tmp_path / "out"
        wt = measure_run(corpus_path, out, config_path)
        if wt.returncode != 0:
            console.print(f"[red]wiretrace failed[/red]\n{wt.stderr}")
            return 1
        wt_score = score(_read_pairs_jsonl(out / "relations.jsonl", True), corpus)
        report = orjson.loads((out / "report.json").read_bytes())
        rows.append(("wiretrace", wt, wt_score))
        if baseline:
            pairs_path = tmp_path / "baseline_pairs.jsonl"
            ds = measure(
                [
                    sys.executable,
                    "-m",
                    "wiretrace_bench.baseline",
                    str(corpus_path),
                    str(pairs_path),
                ]
            )
            if ds.returncode != 0:
                console.print(f"[red]baseline failed[/red]\n{ds.stderr}")
                return 1
            rows.append(
                (
                    "datasketch MinHashLSH (128 perm, 5-shingles, t=0.8)",
                    ds,
                    score(_read_pairs_jsonl(pairs_path, False), corpus),
                )
            )

    table = Table(title="bench copies: planted copies in AllSides", header_style="bold")
    for col in (
        "system",
        "seconds",
        "docs/s",
        "peak MB",
        "recall",
        "precision",
        "recall orig-copy",
        "recall copy-copy",
    ):
        table.add_column(col, justify="right" if col != "system" else "left")
    for name, m, s in rows:
        table.add_row(
            name,
            f"{m.seconds:.1f}",
            f"{n_docs / m.seconds:,.0f}",
            f"{m.peak_mb:,.0f}",
            f"{s['recall']:.4f}",
            f"{s['precision']:.4f}",
            f"{s['recall_original_copy']:.4f}",
            f"{s['recall_copy_copy']:.4f}",
        )
    console.print(table)
    if len(rows) == 2:
        ratio = rows[1][1].seconds / rows[0][1].seconds
        console.print(
            f"throughput ratio wiretrace / datasketch: {ratio:.1f}x; "
            f"memory ratio: {rows[0][1].peak_mb / rows[1][1].peak_mb:.2f}x"
        )
    s = rows[0][2]
    console.print(f"wiretrace stage seconds: {report['counts']['seconds']}")
    console.print(
        f"wiretrace relations: {report['counts']['relations']}; candidate pairs: "
        f"{report['counts']['candidate_pairs']}"
    )
    console.print(
        f"copy-donor pairs found (stitched-in text, counted apart): "
        f"{s['donor_pairs_found']}/{s['donor_pairs']}"
    )
    console.print(
        f"pairs carrying text of one original, or of originals that share text in the data "
        f"(counted apart): {s['natural_pairs_found']}"
    )
    console.print(
        f"relations between original AllSides articles (not planted): "
        f"{len(s['original_pairs_found'])}, e.g. {s['original_pairs_found'][:5]}"
    )
    if s["false_pairs"]:
        console.print(f"unexplained pairs: {len(s['false_pairs'])}, e.g. {s['false_pairs'][:10]}")
    if s["missed"]:
        console.print(f"missed planted pairs: {len(s['missed'])}, e.g. {s['missed'][:5]}")
        params: Counter[str] = Counter()
        for pair in s["missed"][:200]:
            for x in pair:
                if x in corpus.copy_params:
                    params.update(k for k in corpus.copy_params[x] if k != "source")
        console.print(f"edits in the missed copies: {dict(params)}")
    return 0
