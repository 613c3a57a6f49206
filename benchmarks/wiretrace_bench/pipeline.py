"""``wiretrace bench pipeline``: a whole default run (stories on) against the datasketch anchor.

Both read the same JSONL file of the first ``--articles`` AllSides articles, as separate
processes one after the other, so wall time and peak memory (PSS of the process tree)
compare; the ratio is the figure to quote, since the machines are noisy. The anchor is
what people run today (:mod:`wiretrace_bench.baseline`: datasketch MinHashLSH, copies
only, bare pairs); wiretrace does copies, stories, rewrites, lineages and diffs.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from wiretrace.config import Config
from wiretrace_bench.datasets import MissingData, allsides_articles
from wiretrace_bench.measure import Measured, measure, measure_run


def write_corpus(rows: list[dict], path: Path) -> None:
    with open(path, "wb") as fh:
        for r in rows:
            fh.write(
                orjson.dumps(
                    {
                        "id": r["id"],
                        "title": r["title"],
                        "text": r["text"],
                        "source": r.get("source"),
                        "url": r.get("url"),
                        "published": r.get("date"),
                    }
                )
                + b"\n"
            )


def main(
    data_dir: Path, config: Config, console: Console, n_articles: int, baseline: bool = True
) -> int:
    try:
        rows = list(allsides_articles(data_dir, n_articles))
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    results: list[tuple[str, Measured]] = []
    with tempfile.TemporaryDirectory(prefix="wiretrace-bench-") as tmp:
        corpus, settings, out = (
            Path(tmp) / "corpus.jsonl",
            Path(tmp) / "config.json",
            Path(tmp) / "out",
        )
        write_corpus(rows, corpus)
        settings.write_bytes(orjson.dumps(config.to_dict()))
        wt = measure_run(corpus, out, settings, "--no-html")
        if wt.returncode != 0:
            console.print(f"[red]wiretrace failed[/red]\n{wt.stderr}")
            return 1
        results.append(("wiretrace run (stories on)", wt))
        report = orjson.loads((out / "report.json").read_bytes())
        if baseline:
            ds = measure(
                [
                    sys.executable,
                    "-m",
                    "wiretrace_bench.baseline",
                    str(corpus),
                    str(Path(tmp) / "pairs.jsonl"),
                ]
            )
            if ds.returncode != 0:
                console.print(f"[red]baseline failed[/red]\n{ds.stderr}")
                return 1
            results.append(("datasketch MinHashLSH (copies only)", ds))
    table = Table(
        title=f"bench pipeline: the first {len(rows)} AllSides articles", header_style="bold"
    )
    for col in ("system", "seconds", "CPU seconds", "docs/s", "peak MB"):
        table.add_column(col, justify="left" if col == "system" else "right")
    for name, m in results:
        table.add_row(
            name,
            f"{m.seconds:.1f}",
            f"{m.cpu_seconds:.1f}",
            f"{len(rows) / m.seconds:,.0f}",
            f"{m.peak_mb:,.0f}",
        )
    console.print(table)
    if len(results) == 2:
        (_, wt), (_, ds) = results
        console.print(
            f"speed ratio wiretrace / datasketch: {ds.seconds / wt.seconds:.2f}x wall, "
            f"{ds.cpu_seconds / wt.cpu_seconds:.2f}x CPU (above 1: wiretrace faster)"
        )
    counts = report["counts"]
    console.print(f"wiretrace stage seconds: {counts['seconds']}")
    console.print(
        f"wiretrace: {counts['relations']} relations, {counts['families']} families, "
        f"{counts['stories']} stories ({counts['stories_of_two_or_more']} of two or "
        f"more), {counts['lineages']} lineages"
    )
    return 0
