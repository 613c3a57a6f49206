"""``wiretrace bench scale``: the copy engine at 10k, 100k and 1M articles on one machine.

The corpus is AllSides stretched to any size:

* **distinct articles**, in blocks of ``block`` articles standing for stretches of
  time: block b holds a seeded random sample of AllSides texts under word cipher b
  (block 0 is the real text; cipher b maps every run of letters to another word of
  the vocabulary by a seeded permutation, keeping digits and punctuation). A block
  keeps the real texts' lengths, paragraphs, word frequencies and the relations
  they have among themselves (wire copy shared by two outlets), but shares no
  shingle with another block, as stories do not recur across years. So every
  block, and every size, has the same density of related pairs: a fair test of
  how the engine, not the data, scales;
* **planted copies** (``copy_share`` of the stream): an article seen shortly
  before, with 2-10% of its words substituted and sometimes a paragraph dropped.

Each size runs ``wiretrace run --db --no-stories`` in a fresh process and
store, measured from outside (wall time, peak PSS of the process tree), and
prints docs/s, memory per article, store bytes per article, the copy index
(fingerprints) bytes per article, and recall of the planted copies.
"""

from __future__ import annotations

import random
import re
import sqlite3
import tempfile
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from wiretrace_bench.datasets import MissingData, allsides_articles
from wiretrace_bench.measure import measure_run

#: Runs of letters: the cipher maps these and leaves digits, punctuation and spacing, so a
#: ciphered text tokenises into as many words as the real one, all of them ciphered.
_WORD = re.compile(r"[^\W\d_]+")


def scale_corpus(
    originals: list[dict],
    n: int,
    seed: int,
    copy_share: float = 0.1,
    planted: list | None = None,
    block: int = 10_000,
) -> Iterator[dict]:
    """``n`` articles; (copy id, source id) of every planted copy is appended to ``planted``."""
    rng = random.Random(seed)
    per_block = int(block * (1 - copy_share))
    sample: list[dict] = []
    vocab = sorted({w.lower() for a in originals for w in _WORD.findall(a["text"])})
    index = {w: i for i, w in enumerate(vocab)}
    ciphers: dict[int, list[str]] = {}
    recent: deque[tuple[str, str, str]] = deque(maxlen=5000)
    made = copies = 0
    for _ in range(n):
        if recent and rng.random() < copy_share:
            source_id, title, text = rng.choice(recent)
            paragraphs = text.split("\n\n")
            if len(paragraphs) > 3 and rng.random() < 0.3:
                del paragraphs[rng.randrange(len(paragraphs))]
            rate = rng.uniform(0.02, 0.10)
            words = "\n\n".join(paragraphs).split(" ")
            for _ in range(int(len(words) * rate)):
                words[rng.randrange(len(words))] = vocab[rng.randrange(len(vocab))]
            article = {"id": f"copy-{copies:07d}", "title": title, "text": " ".join(words)}
            copies += 1
            if planted is not None:
                planted.append((article["id"], source_id))
        else:
            variant, at = divmod(made, per_block)
            if at == 0:  # a new stretch of time: another sample of texts
                sample = random.Random(seed * 7919 + variant).sample(
                    originals, min(per_block, len(originals))
                )
            base = sample[at % len(sample)]
            made += 1
            if variant == 0:
                title, text = base["title"], base["text"]
            else:
                if variant not in ciphers:
                    perm = list(range(len(vocab)))
                    random.Random(seed * 1000 + variant).shuffle(perm)
                    ciphers[variant] = [vocab[p] for p in perm]
                cipher = ciphers[variant]

                def swap(m: re.Match, cipher=cipher) -> str:
                    w = m.group()
                    new = cipher[index[w.lower()]] if w.lower() in index else w
                    return new.capitalize() if w[0].isupper() else new

                text = _WORD.sub(swap, base["text"])
                title = _WORD.sub(swap, base["title"])
            article = {"id": f"{base['id']}-v{variant}", "title": title, "text": text}
        recent.append((article["id"], article["title"], article["text"]))
        yield article


def _corpus(
    originals: list[dict], n: int, seed: int, folder: Path
) -> tuple[Path, list[tuple[str, str]]]:
    """The corpus file of ``n`` articles and its planted (copy, source) pairs, made once
    per folder, size and seed."""
    corpus = folder / f"scale-{n}-seed{seed}.jsonl"
    pairs = folder / f"scale-{n}-seed{seed}.planted.json"
    if corpus.exists() and pairs.exists():
        return corpus, [tuple(p) for p in orjson.loads(pairs.read_bytes())]
    folder.mkdir(parents=True, exist_ok=True)
    planted: list[tuple[str, str]] = []
    partial = corpus.with_suffix(".partial")
    with open(partial, "wb") as fh:
        for article in scale_corpus(originals, n, seed, planted=planted):
            fh.write(orjson.dumps(article) + b"\n")
    partial.rename(corpus)
    pairs.write_bytes(orjson.dumps(planted))
    return corpus, planted


def _store_figures(db: Path, n: int) -> dict:
    con = sqlite3.connect(db)
    try:
        index = (
            con.execute(
                "SELECT SUM(LENGTH(doc_keys) + LENGTH(passage_keys) + LENGTH(id) + LENGTH(tag) + 8)"
                " FROM fingerprints"
            ).fetchone()[0]
            or 0
        )
        articles = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        con.close()
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return {
        "store_bytes_per_article": size / max(n, 1),
        "index_bytes_per_article": index / max(articles, 1),
        "stored": articles,
    }


def _recall(relations: Path, planted: list[tuple[str, str]]) -> float:
    found = set()
    with open(relations, "rb") as fh:
        for line in fh:
            r = orjson.loads(line)
            found.add(frozenset((r["a"], r["b"])))
    hits = sum(frozenset(p) in found for p in planted)
    return hits / max(len(planted), 1)


def main(
    data_dir: Path,
    console: Console,
    sizes: list[int],
    seed: int = 7,
    workers: int = 0,
    keep: Path | None = None,
    corpus_cache: str | None = None,
) -> int:
    """``corpus_cache``: a folder where the generated corpora are kept and found again
    (a million articles take about 20 minutes to generate and 9 GB)."""
    try:
        originals = [
            {"id": a["id"], "title": a["title"] or "", "text": a["text"]}
            for a in allsides_articles(data_dir)
        ]
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    table = Table(title=f"copy engine at scale (AllSides stretched, seed {seed})")
    for col in (
        "articles",
        "seconds",
        "docs/s",
        "peak MB (PSS)",
        "KB/article (memory)",
        "store B/article",
        "copy index B/article",
        "planted recall",
    ):
        table.add_column(col, justify="right")
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="wiretrace-scale-", dir=keep) as tmp:
            tmp_path = Path(tmp)
            corpus, planted = _corpus(
                originals, n, seed, Path(corpus_cache) if corpus_cache else tmp_path
            )
            db, out = tmp_path / "store.db", tmp_path / "out"
            m = measure_run(
                corpus,
                out,
                None,
                "--db",
                str(db),
                "--no-stories",
                "--no-html",
                "--workers",
                str(workers),
            )
            if m.returncode != 0:
                console.print(f"[red]run of {n} failed[/red]\n{m.stderr[-3000:]}")
                return 1
            figures = _store_figures(db, n)
            recall = _recall(out / "relations.jsonl", planted)
            stats = orjson.loads((out / "report.json").read_bytes()).get("counts", {})
            console.print(f"{n:,} articles, seconds by stage: {stats.get('seconds')}")
            console.print(
                f"{n:,} articles, main process MB after each stage: "
                f"{stats.get('main_process_rss_mb')}"
            )
            rows.append((n, m, figures, recall))
            table.add_row(
                f"{n:,}",
                f"{m.seconds:.1f}",
                f"{n / m.seconds:,.0f}",
                f"{m.peak_mb:,.0f}",
                f"{m.peak_mb * 1024 / n:.1f}",
                f"{figures['store_bytes_per_article']:,.0f}",
                f"{figures['index_bytes_per_article']:,.0f}",
                f"{recall:.4f}",
            )
            console.print(
                f"{n:,} articles: {m.seconds:.1f} s, {m.peak_mb:,.0f} MB; "
                f"{len(planted):,} planted copies"
            )
    console.print(table)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        rate0, rate1 = first[0] / first[1].seconds, last[0] / last[1].seconds
        console.print(
            f"throughput at {last[0]:,} is {rate1 / rate0:.2f}x that at {first[0]:,};"
            f" memory per article {last[1].peak_mb / last[0] * 1024:.1f} KB vs "
            f"{first[1].peak_mb / first[0] * 1024:.1f} KB"
        )
    return 0
