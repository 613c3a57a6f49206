"""``wiretrace bench incremental``: adding articles to a store costs what they touch.

The latest ``--articles`` dated AllSides articles (2,000 by default) are split into a
stored part and the ``--add`` newest (100). Every run is a real ``wiretrace run --db``
process with the configured settings (stories on):

1. the stored part goes into a store in ``--batches`` runs (untimed: the setup);
2. timed: the new articles into that store, then the same new articles into an empty
   store. The ratio of the two is the figure: adding to a store should cost about what
   the new articles cost alone, not what the store holds;
3. one batch run of all the articles into a third store.

It then compares the stories of the successive runs with those of the batch run, by
story co-membership of the article pairs (pairwise F1, ARI), over all the articles and
over the pairs holding a new one.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from wiretrace.config import Config
from wiretrace_bench.clustering_metrics import pairwise_f1
from wiretrace_bench.datasets import MissingData, latest_dated_allsides
from wiretrace_bench.measure import Measured, measure_run
from wiretrace_bench.pipeline import write_corpus


def stored_stories(db: Path) -> dict[str, str]:
    """{article id: story} as the store holds them."""
    con = sqlite3.connect(db)
    try:
        return {
            m: orjson.loads(r)["story"]
            for (r,) in con.execute("SELECT record FROM stories")
            for m in orjson.loads(r)["members"]
        }
    finally:
        con.close()


def agreement(
    batch: dict[str, str], successive: dict[str, str], ids: list[str], new: set[str]
) -> dict[str, float]:
    """Co-membership agreement of two story assignments over ``ids``: pairwise F1 and ARI
    over all the pairs, and the F1 over the pairs holding an article of ``new``."""
    from sklearn.metrics import adjusted_rand_score

    a = [batch.get(i, f"alone:{i}") for i in ids]
    b = [successive.get(i, f"alone:{i}") for i in ids]
    together_a = {
        frozenset((x, y)) for x in new for y in ids if x != y and batch.get(x, x) == batch.get(y, y)
    }
    together_b = {
        frozenset((x, y))
        for x in new
        for y in ids
        if x != y and successive.get(x, x) == successive.get(y, y)
    }
    both = len(together_a & together_b)
    f1_new = 2 * both / (len(together_a) + len(together_b)) if together_a or together_b else 1.0
    return {
        "pairwise_f1": pairwise_f1(a, b),
        "ari": adjusted_rand_score(a, b),
        "pairwise_f1_new": f1_new,
        "pairs_new_batch": len(together_a),
        "pairs_new_successive": len(together_b),
    }


def main(
    data_dir: Path, config: Config, console: Console, n_articles: int, n_add: int, batches: int
) -> int:
    try:
        rows = latest_dated_allsides(data_dir, n_articles)
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    stored, added = rows[:-n_add], rows[-n_add:]
    with tempfile.TemporaryDirectory(prefix="wiretrace-incremental-") as tmp:
        folder = Path(tmp)
        settings = folder / "config.json"
        settings.write_bytes(orjson.dumps(config.to_dict()))

        def run(part: list[dict], db: Path, name: str) -> Measured:
            corpus = folder / f"{name}.jsonl"
            write_corpus(part, corpus)
            m = measure_run(corpus, folder / f"out-{name}", settings, "--no-html", "--db", str(db))
            if m.returncode != 0:
                raise RuntimeError(f"wiretrace run failed:\n{m.stderr}")
            return m

        store, empty, batch = folder / "store.db", folder / "empty.db", folder / "batch.db"
        size = -(-len(stored) // batches)
        setup = [
            run(stored[k : k + size], store, f"stored-{k}") for k in range(0, len(stored), size)
        ]
        into_store = run(added, store, "added")
        into_empty = run(added, empty, "added-alone")
        whole = run(rows, batch, "batch")
        ids = [r["id"] for r in rows]
        found = agreement(
            stored_stories(batch), stored_stories(store), ids, {r["id"] for r in added}
        )
    table = Table(
        title=f"bench incremental: {len(added)} dated AllSides articles "
        f"({added[0]['date']} .. {added[-1]['date']}) added to a store of "
        f"{len(stored)}",
        header_style="bold",
    )
    for col in ("run", "seconds", "peak MB"):
        table.add_column(col, justify="left" if col == "run" else "right")
    table.add_row(
        f"setup: {len(stored)} articles in {len(setup)} run(s)",
        f"{sum(m.seconds for m in setup):.1f}",
        f"{max(m.peak_mb for m in setup):,.0f}",
    )
    table.add_row(
        f"{len(added)} new into the store of {len(stored)}",
        f"{into_store.seconds:.1f}",
        f"{into_store.peak_mb:,.0f}",
    )
    table.add_row(
        f"the same {len(added)} into an empty store",
        f"{into_empty.seconds:.1f}",
        f"{into_empty.peak_mb:,.0f}",
    )
    table.add_row(
        f"one batch run of all {len(rows)}", f"{whole.seconds:.1f}", f"{whole.peak_mb:,.0f}"
    )
    console.print(table)
    console.print(
        f"cost of the store: {into_store.seconds / into_empty.seconds:.2f}x the "
        f"time of the same articles into an empty store"
    )
    console.print(
        f"stories of the successive runs vs one batch run: pairwise co-membership "
        f"F1 {found['pairwise_f1']:.3f}, ARI {found['ari']:.3f} over all "
        f"{len(rows)} articles; F1 {found['pairwise_f1_new']:.3f} over the pairs "
        f"holding a new article ({found['pairs_new_batch']} together in the batch "
        f"run, {found['pairs_new_successive']} in the successive runs)"
    )
    return 0
