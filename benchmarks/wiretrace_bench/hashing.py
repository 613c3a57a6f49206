"""``wiretrace bench hashing``: how fast MinHash signatures are made, by three implementations.

What is measured
----------------
The same real news texts (the first ``n_articles`` AllSides articles, paragraphs split on blank
lines) are turned into 128-value MinHash signatures of their word 4-shingles by:

* **datasketch** (``MinHash(num_perm=128).update_batch``), fed the usual Python pipeline:
  ``re.findall(r"\\w+", text.lower())`` and shingle strings joined with spaces. Classic
  *k-permutation* MinHash: every shingle is hashed once and then put through 128 affine
  permutations, O(n * K) work per document.
* **rensa** (Rust), twice: ``RMinHash.update`` with the same Python shingle strings, and its
  fastest entry point, ``RMinHash.digest_matrix_from_flat_token_hashes``, fed the uint64 shingle
  hashes of wiretrace's own :func:`~wiretrace.fingerprint.shingles.shingle_paragraphs` in batches
  of 500 documents. Its result is turned into a numpy ``(n, 128)`` uint32 array with
  ``.to_rows()``, since banding needs numpy arrays; figures are given with and without that
  conversion. rensa's ``..._rho`` variant of the same call (a bucketed sketch, one hash per
  token into bins, which may sample the tokens of long documents) is measured too, as the
  nearest like-for-like of ours; its accuracy is reported alongside.
* **wiretrace**: :func:`~wiretrace.fingerprint.shingles.shingle_paragraphs` +
  :func:`~wiretrace.fingerprint.minhash.sketch` (one-permutation hashing with densification: each
  shingle hash is split into a bin and a value once, O(n + K), all documents of a batch in one
  ``np.minimum.at``), and the whole fingerprint stage
  :func:`~wiretrace.fingerprint.fingerprint_batch` (document and passage sketches, LSH band keys).

Each implementation is warmed up (on a few documents; the batched ones on one full batch, whose
first run pays for one-off growth of numpy tables and the allocator), then timed in its own
section. Inside each section the shingling part and the signature part are also timed apart,
which gives the "shingling only" and "signature step only" rows (ANCHORS.md: once hashing is in
Rust, Python tokenising is the bottleneck). The slow Python-shingle pipelines are timed once, on
an evenly spaced sample of at most :data:`PY_CAP` documents (so their documents are as long on
average as the others'); the fast batched ones on all documents, best of :data:`FAST_ROUNDS`
round-robin runs. Everything runs on one core: the process is pinned to one CPU and
``RAYON_NUM_THREADS=1`` keeps rensa's thread pool to one thread.

Accuracy is checked as well: for 200 random documents and copies of them with 5% of their words
replaced by random words (``numpy.random.default_rng`` with a fixed seed), the mean absolute
error of the Jaccard estimates of datasketch, rensa and our sketch against the true Jaccard of
each one's own shingle sets (wiretrace's words differ a little from ``\\w+`` and its shingles
never cross a paragraph, so the two shingle sets differ slightly).

Why
---
The project rule is to use the field's library unless our own benchmark shows our own code is
clearly faster. This benchmark is the evidence for keeping our numpy one-permutation sketch
instead of rensa (if the figures show it), and it shows which step dominates the cost.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from wiretrace.config import Config, FingerprintSettings
from wiretrace.fingerprint import fingerprint_batch
from wiretrace.fingerprint.minhash import estimate_jaccard, sketch
from wiretrace.fingerprint.shingles import shingle_paragraphs
from wiretrace_bench.datasets import allsides_articles

NUM_PERM = 128
K = 4
BATCH = 500
#: Documents timed for the Python-shingle pipelines (datasketch, rensa ``update``).
PY_CAP = 3000
WARMUP_DOCS = 20
#: Round-robin rounds of the fast (batched) timings; each row keeps its best.
FAST_ROUNDS = 3
SEED = 1
JACCARD_PAIRS = 200
EDIT_RATE = 0.05
RNG_SEED = 20240607

_TOKEN = re.compile(r"\w+")
_BLANK_LINE = re.compile(r"\n\s*\n")

Doc = tuple[str, list[str]]  # id, paragraphs
Signer = Callable[[np.ndarray, np.ndarray, int], object]


@dataclass(slots=True)
class Row:
    label: str
    docs: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.docs / self.seconds if self.seconds > 0 else float("inf")


# -- data -----------------------------------------------------------------------------------


def articles_path(data_dir: Path) -> Path:
    return data_dir / "allsides_baly2020" / "articles.jsonl.gz"


def load_docs(data_dir: Path, limit: int) -> tuple[list[Doc], int]:
    """The first ``limit`` articles with some text, as paragraph lists; and how many had none."""
    docs: list[Doc] = []
    empty = 0
    for row in allsides_articles(data_dir, limit):
        paragraphs = [p.strip() for p in _BLANK_LINE.split(row.get("text") or "")]
        paragraphs = [p for p in paragraphs if p]
        if paragraphs:
            docs.append((str(row["id"]), paragraphs))
        else:
            empty += 1
    return docs, empty


def spread_sample(docs: Sequence[Doc], n: int) -> list[Doc]:
    """``n`` documents evenly spaced through ``docs`` (all of them if there are fewer)."""
    if len(docs) <= n:
        return list(docs)
    return [docs[i] for i in np.linspace(0, len(docs) - 1, n).astype(int)]


def python_shingles(paragraphs: list[str]) -> list[str]:
    """The usual Python pipeline: ``\\w+`` tokens of the lower-cased text, joined 4 by 4."""
    tokens = _TOKEN.findall("\n\n".join(paragraphs).lower())
    if len(tokens) < K:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i : i + K]) for i in range(len(tokens) - K + 1)]


def words_per_doc(docs: Sequence[Doc]) -> float:
    return float(np.mean([sum(len(p.split()) for p in ps) for _, ps in docs])) if docs else 0.0


# -- timing ---------------------------------------------------------------------------------


@contextmanager
def one_core() -> Iterator[int | None]:
    """Pin this process to one CPU (where the OS allows it); yields the CPU or None."""
    if not hasattr(os, "sched_getaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    cpu = min(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, before)


def time_python(docs: Sequence[Doc]) -> float:
    """Seconds to make the Python shingle strings of ``docs``."""
    start = time.perf_counter()
    for _, paragraphs in docs:
        python_shingles(paragraphs)
    return time.perf_counter() - start


def time_python_split(
    docs: Sequence[Doc], hasher: Callable[[list[str]], object]
) -> tuple[float, float]:
    """Python shingle strings, then ``hasher`` per document.

    Returns total seconds and the seconds spent in ``hasher`` alone.
    """
    hashing = 0.0
    start = time.perf_counter()
    for _, paragraphs in docs:
        shingles = python_shingles(paragraphs)
        t = time.perf_counter()
        hasher(shingles)
        hashing += time.perf_counter() - t
    return time.perf_counter() - start, hashing


def batches(docs: Sequence[Doc], size: int = BATCH) -> Iterator[Sequence[Doc]]:
    for i in range(0, len(docs), size):
        yield docs[i : i + size]


def time_batched(docs: Sequence[Doc], signer: Signer | None) -> tuple[float, float]:
    """wiretrace shingles per batch, then ``signer(hashes, doc_rows, n_docs)``.

    Returns total seconds and the seconds spent in ``signer`` alone.
    """
    signing = 0.0
    start = time.perf_counter()
    for batch in batches(docs):
        counts = np.fromiter((len(ps) for _, ps in batch), dtype=np.int64, count=len(batch))
        flat = [p for _, ps in batch for p in ps]
        sh = shingle_paragraphs(flat, K)
        rows = np.repeat(np.arange(len(batch)), counts)[sh.paragraph]
        if signer is not None:
            t = time.perf_counter()
            signer(sh.hashes, rows, len(batch))
            signing += time.perf_counter() - t
    return time.perf_counter() - start, signing


def time_fingerprint(docs: Sequence[Doc], config: Config) -> float:
    start = time.perf_counter()
    for batch in batches(docs):
        fingerprint_batch([ps for _, ps in batch], [i for i, _ in batch], config)
    return time.perf_counter() - start


# -- the signers ----------------------------------------------------------------------------


def row_offsets(rows: np.ndarray, n: int) -> np.ndarray:
    """Start of each document's hashes in a flat array sorted by document, plus the end."""
    return np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n)))).astype(np.uint64)


def rensa_flat(rensa: Any, *, rho: bool = False, to_numpy: bool = True) -> Signer:
    call = (
        rensa.RMinHash.digest_matrix_from_flat_token_hashes_rho
        if rho
        else rensa.RMinHash.digest_matrix_from_flat_token_hashes
    )

    def sign(hashes: np.ndarray, rows: np.ndarray, n: int) -> object:
        matrix = call(hashes, row_offsets(rows, n), num_perm=NUM_PERM, seed=SEED)
        if to_numpy:
            return np.array(matrix.to_rows(), dtype=np.uint32).reshape(n, NUM_PERM)
        return matrix

    return sign


def wiretrace_sign(hashes: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    return sketch(hashes, rows, n, NUM_PERM)


# -- accuracy -------------------------------------------------------------------------------


@dataclass(slots=True)
class Accuracy:
    pairs: int
    true_py: float  # mean true Jaccard of the Python shingle sets
    true_wt: float  # ... of wiretrace's shingle sets
    mae_datasketch: float
    mae_rensa: float
    mae_rensa_rho: float
    mae_wiretrace: float


def edited_copy(paragraphs: list[str], vocab: list[str], rng: np.random.Generator) -> list[str]:
    """``paragraphs`` with :data:`EDIT_RATE` of their words replaced by random words."""
    words = [p.split() for p in paragraphs]
    flat = [w for ws in words for w in ws]
    n_edit = max(1, round(EDIT_RATE * len(flat)))
    for pos in rng.choice(len(flat), size=n_edit, replace=False).tolist():
        flat[pos] = vocab[int(rng.integers(len(vocab)))]
    out, i = [], 0
    for ws in words:
        out.append(" ".join(flat[i : i + len(ws)]))
        i += len(ws)
    return out


def check_accuracy(docs: Sequence[Doc], rensa: Any, minhash_cls: Any) -> Accuracy | None:
    """Jaccard errors on (doc, edited copy) pairs; None if no document has 20 words."""
    rng = np.random.default_rng(RNG_SEED)
    pool = [d for d in docs if sum(len(p.split()) for p in d[1]) >= 20]
    if not pool:
        return None
    picked = [
        pool[i] for i in rng.choice(len(pool), size=min(JACCARD_PAIRS, len(pool)), replace=False)
    ]
    vocab = sorted({w for _, ps in picked for p in ps for w in p.split()})
    pairs = [(ps, edited_copy(ps, vocab, rng)) for _, ps in picked]

    true_py, err_ds = [], []
    for a, b in pairs:
        sa, sb = set(python_shingles(a)), set(python_shingles(b))
        true = len(sa & sb) / len(sa | sb)
        ma = minhash_cls(num_perm=NUM_PERM, seed=SEED)
        mb = minhash_cls(num_perm=NUM_PERM, seed=SEED)
        ma.update_batch([s.encode("utf-8") for s in sa])
        mb.update_batch([s.encode("utf-8") for s in sb])
        true_py.append(true)
        err_ds.append(abs(ma.jaccard(mb) - true))

    # wiretrace shingles of all 2 * pairs documents at once: rows 2i and 2i + 1 are a pair.
    doc_pars = [ps for pair in pairs for ps in pair]
    counts = np.array([len(ps) for ps in doc_pars], dtype=np.int64)
    sh = shingle_paragraphs([p for ps in doc_pars for p in ps], K)
    rows = np.repeat(np.arange(len(doc_pars)), counts)[sh.paragraph]
    sig_wt = sketch(sh.hashes, rows, len(doc_pars), NUM_PERM)
    sig_rensa = np.asarray(rensa_flat(rensa)(sh.hashes, rows, len(doc_pars)))
    sig_rho = np.asarray(rensa_flat(rensa, rho=True)(sh.hashes, rows, len(doc_pars)))
    bounds = np.searchsorted(rows, np.arange(len(doc_pars) + 1))
    sets = [np.unique(sh.hashes[bounds[i] : bounds[i + 1]]) for i in range(len(doc_pars))]
    true_wt, err_wt, err_rensa, err_rho = [], [], [], []
    for i in range(len(pairs)):
        set_a, set_b = sets[2 * i], sets[2 * i + 1]
        inter = len(np.intersect1d(set_a, set_b, assume_unique=True))
        true = inter / (len(set_a) + len(set_b) - inter)
        true_wt.append(true)
        err_wt.append(abs(estimate_jaccard(sig_wt[2 * i], sig_wt[2 * i + 1]) - true))
        err_rensa.append(abs(estimate_jaccard(sig_rensa[2 * i], sig_rensa[2 * i + 1]) - true))
        err_rho.append(abs(estimate_jaccard(sig_rho[2 * i], sig_rho[2 * i + 1]) - true))
    return Accuracy(
        len(pairs),
        float(np.mean(true_py)),
        float(np.mean(true_wt)),
        float(np.mean(err_ds)),
        float(np.mean(err_rensa)),
        float(np.mean(err_rho)),
        float(np.mean(err_wt)),
    )


# -- main -----------------------------------------------------------------------------------


def _table(sections: list[tuple[str, list[Row]]]) -> Table:
    table = Table(title=f"MinHash signatures: {NUM_PERM} values, word {K}-shingles, one core")
    table.add_column("implementation")
    table.add_column("docs timed", justify="right")
    table.add_column("docs/s", justify="right")
    table.add_column("ratio vs datasketch", justify="right")
    for n, (title, rows) in enumerate(sections):
        if n:
            table.add_section()
        table.add_row(f"[bold]{title}[/]", "", "", "")
        reference = rows[0].rate
        for row in rows:
            table.add_row(
                f"  {row.label}",
                f"{row.docs:,}",
                f"{row.rate:,.0f}",
                f"{row.rate / reference:,.1f}×",
            )
    return table


def main(data_dir: Path, console: Console, n_articles: int = 20000) -> int:
    path = articles_path(data_dir)
    if not path.exists():
        console.print(
            f"[red]{path} not found[/]: `wiretrace bench hashing` needs the AllSides "
            "articles in ../shared/data next to the repository (or --data DIR)."
        )
        return 2
    if n_articles < 1:
        console.print("[red]--articles must be at least 1[/]")
        return 2
    # One core for rensa too: rayon reads this when its thread pool is first built.
    os.environ["RAYON_NUM_THREADS"] = "1"
    try:
        import rensa
        from datasketch import MinHash
    except ImportError as exc:
        console.print(
            f"[red]{exc}[/]: this benchmark needs datasketch and rensa "
            "(pip install 'wiretrace[bench]')"
        )
        return 2

    wall = time.perf_counter()
    with console.status("loading articles"):
        docs, empty = load_docs(data_dir, n_articles)
    if not docs:
        console.print(f"[red]no article with text among the first {n_articles} of {path}[/]")
        return 2
    py_docs = spread_sample(docs, PY_CAP)
    config = Config(fingerprint=FingerprintSettings(shingle_size=K, doc_num_perm=NUM_PERM))

    def datasketch_hash(shingles: list[str]) -> object:
        m = MinHash(num_perm=NUM_PERM, seed=SEED)
        m.update_batch([s.encode("utf-8") for s in shingles])
        return m.digest()

    def rensa_hash(shingles: list[str]) -> object:
        m = rensa.RMinHash(NUM_PERM, SEED)
        m.update(shingles)
        return m.digest()

    def fingerprint(batch: Sequence[Doc]) -> tuple[float, float]:
        return time_fingerprint(batch, config), 0.0

    fast_runs: dict[str, Callable[[Sequence[Doc]], tuple[float, float]]] = {
        "shingles": lambda d: time_batched(d, None),
        "rensa": lambda d: time_batched(d, rensa_flat(rensa, to_numpy=False)),
        "rensa+numpy": lambda d: time_batched(d, rensa_flat(rensa)),
        "rho+numpy": lambda d: time_batched(d, rensa_flat(rensa, rho=True)),
        "wiretrace": lambda d: time_batched(d, wiretrace_sign),
        "fingerprint": fingerprint,
    }
    with one_core() as cpu, console.status("timing") as status:
        status.update("timing: Python shingles, datasketch, rensa RMinHash.update")
        warm = docs[:WARMUP_DOCS]
        time_python(warm)
        py_shingle = time_python(py_docs)
        time_python_split(warm, datasketch_hash)
        ds_total, ds_hash = time_python_split(py_docs, datasketch_hash)
        time_python_split(warm, rensa_hash)
        rp_total, rp_hash = time_python_split(py_docs, rensa_hash)

        # Warm-up on one full batch: the first batch of that size pays for numpy's and the
        # allocator's one-off growth, which is not the cost per document.
        for run in fast_runs.values():
            run(docs[:BATCH])
        fast = {name: (float("inf"), float("inf")) for name in fast_runs}
        for r in range(FAST_ROUNDS):  # round robin, best of: shares out noise from other work
            for name, run in fast_runs.items():
                status.update(f"timing: {name}, round {r + 1} of {FAST_ROUNDS}")
                total, part = run(docs)
                fast[name] = (min(fast[name][0], total), min(fast[name][1], part))
        status.update("checking Jaccard estimates")
        accuracy = check_accuracy(docs, rensa, MinHash)

    n, m = len(docs), len(py_docs)
    console.print(
        _table(
            [
                (
                    "text → signatures",
                    [
                        Row("datasketch (Py shingles)", m, ds_total),
                        Row("rensa update (Py shingles)", m, rp_total),
                        Row("rensa flat (our shingles)", n, fast["rensa"][0]),
                        Row("rensa flat + numpy", n, fast["rensa+numpy"][0]),
                        Row("rensa rho flat + numpy", n, fast["rho+numpy"][0]),
                        Row("wiretrace shingles + sketch", n, fast["wiretrace"][0]),
                        Row("wiretrace fingerprint_batch", n, fast["fingerprint"][0]),
                    ],
                ),
                (
                    "shingling only",
                    [
                        Row("Python \\w+ shingle strings", m, py_shingle),
                        Row("wiretrace shingle_paragraphs", n, fast["shingles"][0]),
                    ],
                ),
                (
                    "signature step only",
                    [
                        Row("datasketch (from strings)", m, ds_hash),
                        Row("rensa update (from strings)", m, rp_hash),
                        Row("rensa flat", n, fast["rensa"][1]),
                        Row("rensa flat + numpy", n, fast["rensa+numpy"][1]),
                        Row("rensa rho flat + numpy", n, fast["rho+numpy"][1]),
                        Row("wiretrace sketch", n, fast["wiretrace"][1]),
                    ],
                ),
            ]
        )
    )

    where = f"process pinned to CPU {cpu}" if cpu is not None else "single-threaded code"
    notes = [
        f"Machine: os.cpu_count() = {os.cpu_count()}; all timings run on ONE core ({where}, "
        "RAYON_NUM_THREADS=1).",
        f"Articles: first {n_articles:,} AllSides rows, {n:,} with text ({empty:,} empty "
        f"skipped), {words_per_doc(docs):,.0f} words/doc.",
        f"datasketch, rensa update and Python shingling are slow, so they are timed once on "
        f"{m:,} docs only (evenly spaced sample, {words_per_doc(py_docs):,.0f} words/doc); the "
        f"other rows are the best of {FAST_ROUNDS} round-robin runs on all {n:,} docs, "
        f"{BATCH} docs per call.",
        "Rows: 'Py shingles' = re.findall(r'\\w+', text.lower()) + ' '.join of 4 tokens; "
        "'rensa flat' = RMinHash.digest_matrix_from_flat_token_hashes on the uint64 shingle "
        "hashes of wiretrace's shingle_paragraphs ('rho': its bucketed Rho sketch, one hash per "
        "token into bins, which may sample the tokens of long docs); '+ numpy' = .to_rows() to "
        "an (n, 128) uint32 array; fingerprint_batch = doc and passage sketches + LSH band keys.",
        "Ratios: each section against its first row (datasketch, or Python shingling).",
    ]
    wt_total, wt_sign = fast["wiretrace"]
    notes.append(
        f"Shingling is {1 - wt_sign / wt_total:.0%} of wiretrace's shingles + sketch time. "
        f"Signature step, rensa flat + numpy vs wiretrace sketch: "
        f"{fast['rensa+numpy'][1] / wt_sign:.2f}× as much time "
        f"(without the numpy conversion: {fast['rensa'][1] / wt_sign:.2f}×)."
    )
    a = accuracy
    if a is None:
        notes.append("Jaccard check skipped: no document of at least 20 words.")
    else:
        expected = np.sqrt(2 / np.pi * a.true_wt * (1 - a.true_wt) / NUM_PERM)
        notes.append(
            f"Jaccard estimates, {a.pairs} pairs (doc, copy with {EDIT_RATE:.0%} of its words "
            f"replaced by random words; rng seed {RNG_SEED}): mean true Jaccard {a.true_py:.3f} "
            f"(Python shingles), {a.true_wt:.3f} (wiretrace shingles). Mean absolute error: "
            f"datasketch {a.mae_datasketch:.4f}, rensa flat {a.mae_rensa:.4f}, rensa rho "
            f"{a.mae_rensa_rho:.4f}, wiretrace sketch {a.mae_wiretrace:.4f} (≈ {expected:.4f} "
            f"expected from {NUM_PERM} independent values)."
        )
    notes.append(f"Benchmark took {time.perf_counter() - wall:.1f} s, loading included.")
    for note in notes:
        console.print(note)
    return 0
