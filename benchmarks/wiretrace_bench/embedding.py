"""``wiretrace bench embed``: speed of each encoder, and of a whole run with it on or off.

For each packaged encoder: articles/s on title + lead (``encoder_lead_words``)
and passages/s on single paragraphs, on AllSides texts, in this process.
Then ``wiretrace run`` on the same articles as a separate process, without
an encoder and with each one, for wall time and peak memory (PSS of the
process tree) side by side: the cost the embedding stage adds to a run.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from wiretrace.config import Config
from wiretrace.story.encoder import ENCODERS, EncoderUnavailable, load_encoders
from wiretrace_bench.datasets import MissingData, allsides_articles
from wiretrace_bench.measure import measure_run
from wiretrace_bench.pipeline import write_corpus


def main(data_dir: Path, config: Config, console: Console, n_articles: int) -> int:
    try:
        rows = list(allsides_articles(data_dir, n_articles))
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    leads = [f"{r['title']}\n{r['text']}" for r in rows]
    paragraphs = [p for r in rows for p in r["text"].split("\n\n") if p.strip()][: len(rows) * 2]
    speed = Table(title=f"encoders on {len(rows)} AllSides articles (2 cores)", header_style="bold")
    for col in ("encoder", "articles/s (lead)", "passages/s", "load s"):
        speed.add_column(col, justify="left" if col == "encoder" else "right")
    for name in ENCODERS:
        try:
            t0 = time.perf_counter()
            (encoder,) = load_encoders(name, config.story.encoder_lead_words)
            load = time.perf_counter() - t0
        except EncoderUnavailable as exc:
            speed.add_row(name, "-", "-", str(exc))
            continue
        t0 = time.perf_counter()
        encoder.encode(leads)
        lead_rate = len(leads) / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        encoder.encode(paragraphs)
        para_rate = len(paragraphs) / (time.perf_counter() - t0)
        speed.add_row(name, f"{lead_rate:,.1f}", f"{para_rate:,.1f}", f"{load:.1f}")
    console.print(speed)

    runs = Table(title="wiretrace run on the same articles", header_style="bold")
    for col in ("encoder", "seconds", "docs/s", "peak MB (PSS)", "story seconds"):
        runs.add_column(col, justify="left" if col == "encoder" else "right")
    with tempfile.TemporaryDirectory(prefix="wiretrace-embed-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_corpus(rows, corpus)
        for spec in ("none", *ENCODERS):
            settings = Path(tmp) / f"{spec}.json"
            written = config.to_dict()
            written["story"] = {**written["story"], "encoder": spec}
            settings.write_bytes(orjson.dumps(written))
            out = Path(tmp) / f"out-{spec}"
            m = measure_run(corpus, out, settings)
            if m.returncode != 0:
                runs.add_row(spec, "failed", "-", "-", m.stderr.strip().splitlines()[-1][:60])
                continue
            report = orjson.loads((out / "report.json").read_bytes())
            story_s = report["counts"]["seconds"].get("stories", 0.0)
            runs.add_row(
                spec,
                f"{m.seconds:.1f}",
                f"{len(rows) / m.seconds:,.0f}",
                f"{m.peak_mb:,.0f}",
                f"{story_s:.1f}",
            )
    console.print(runs)
    return 0
