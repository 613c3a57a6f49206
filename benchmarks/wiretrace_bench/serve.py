"""``wiretrace bench serve``: the service under load, on loopback.

A real ``wiretrace serve`` (a subprocess on 127.0.0.1, a new store, default settings:
stories on) takes the first ``--articles`` AllSides articles from 4 clients posting
batches of 50, while 4 other clients read: a page of the newest stories, then an
article already acknowledged, as fast as the server answers them. Everything is bounded:
the articles given, and ``time_limit`` seconds at most.

It prints the ingest rate (articles acknowledged a second, from the first post to the
last answer), the read latencies during ingest (p50, p95, p99), every error (a non-200
answer or a failed request: the aim is none), and the peak memory (PSS) of the server's
process tree, the engine and its encoder workers included. The aims: reads p95 under
100 ms during ingest, ingest at least 100 articles a second, on 2 cores.

The anchor, run in the same call on the same articles: datasketch MinHashLSH as people
run it today (copies only, bare pairs, one batch), so that the service's rate has a
reference measured on the same machine at the same time.
"""

from __future__ import annotations

import queue
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from wiretrace.config import Config
from wiretrace_bench.datasets import MissingData, allsides_articles
from wiretrace_bench.measure import _tree_memory_kb, measure
from wiretrace_bench.pipeline import write_corpus

WRITERS, READERS, BATCH = 4, 4, 50


def posted_record(row: dict) -> dict:
    """An AllSides row as a client posts it to `/v1/articles`."""
    return {
        "id": row["id"],
        "title": row["title"],
        "text": row["text"],
        "source": row.get("source"),
        "url": row.get("url"),
        "published": row.get("date"),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(
    data_dir: Path,
    config: Config,
    console: Console,
    n_articles: int = 5000,
    baseline: bool = True,
    time_limit: float = 1800.0,
    log: str | None = None,
) -> int:
    """``log``: keep the server's log (its engine logs each round's stage seconds) there."""
    import httpx
    import orjson

    from wiretrace.service.keys import add_key

    try:
        rows = list(allsides_articles(data_dir, n_articles))
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    records = [posted_record(r) for r in rows]
    with tempfile.TemporaryDirectory(prefix="wiretrace-serve-") as tmp:
        db, settings = Path(tmp) / "index.db", Path(tmp) / "config.json"
        settings.write_bytes(orjson.dumps(config.to_dict()))
        writer_keys = [add_key(db, f"writer{k}", "write") for k in range(WRITERS)]
        reader_keys = [add_key(db, f"reader{k}", "read") for k in range(READERS)]
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = Path(log) if log else Path(tmp) / "serve.log"
        log_file = open(log_path, "wb")  # noqa: SIM115 - the server's, closed after it
        server = subprocess.Popen(
            [sys.executable, "-m", "wiretrace.cli", "serve", "--db", str(db), "--port"]
            + [str(port), "--config", str(settings), "--rate", "100000"],
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        try:
            if not _wait_up(url, server):
                console.print(f"[red]the server did not start[/red]\n{log_path.read_text()}")
                return 1
            run = _load(url, records, writer_keys, reader_keys, server.pid, time_limit, httpx)
        finally:
            server.terminate()
            server.wait(120)
            log_file.close()
        ds_rate = None
        if baseline:
            corpus = Path(tmp) / "corpus.jsonl"
            write_corpus(rows, corpus)
            cmd = [sys.executable, "-m", "wiretrace_bench.baseline", str(corpus)]
            ds = measure([*cmd, str(Path(tmp) / "pairs.jsonl")])
            if ds.returncode == 0:
                ds_rate = len(rows) / ds.seconds
    _print(console, run, len(records), ds_rate)
    return 0 if not run["errors"] else 1


def _wait_up(url: str, server: subprocess.Popen, seconds: float = 300.0) -> bool:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    return False


def _load(url, records, writer_keys, reader_keys, pid, time_limit, httpx) -> dict:
    """Post every batch from the writers while the readers read; measure both."""
    batches: queue.Queue = queue.Queue()
    for first in range(0, len(records), BATCH):
        batches.put(records[first : first + BATCH])
    acknowledged: list[str] = []
    statuses: Counter = Counter()
    errors: list[str] = []
    latencies: dict[str, list[float]] = {"stories": [], "article": []}
    ingesting = threading.Event()
    ingesting.set()
    deadline = time.monotonic() + time_limit
    lock = threading.Lock()
    peak_kb = 0

    def write(key: str) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as client:
            while time.monotonic() < deadline:
                try:
                    batch = batches.get_nowait()
                except queue.Empty:
                    return
                try:
                    r = client.post("/v1/articles", json={"articles": batch}, timeout=600)
                except httpx.HTTPError as exc:
                    errors.append(f"post: {type(exc).__name__}: {exc}")
                    continue
                if r.status_code != 200:
                    errors.append(f"post: {r.status_code} {r.text[:200]}")
                    continue
                with lock:
                    for a in r.json()["articles"]:
                        statuses[a["status"]] += 1
                        if a["status"] != "skipped":
                            acknowledged.append(a["id"])

    def read(key: str, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as client:
            while ingesting.is_set():
                if acknowledged and rng.random() < 0.5:
                    kind, path = "article", f"/v1/articles/{rng.choice(acknowledged)}"
                else:
                    kind, path = "stories", f"/v1/stories?page={rng.randint(1, 3)}"
                t = time.perf_counter()
                try:
                    r = client.get(path, timeout=60)
                except httpx.HTTPError as exc:
                    errors.append(f"read: {type(exc).__name__}: {exc}")
                    continue
                latencies[kind].append(time.perf_counter() - t)
                if r.status_code != 200:
                    errors.append(f"read {path}: {r.status_code} {r.text[:200]}")

    def sample() -> None:
        nonlocal peak_kb
        while ingesting.is_set():
            peak_kb = max(peak_kb, _tree_memory_kb(pid))
            time.sleep(0.5)

    start = time.perf_counter()
    writers = [threading.Thread(target=write, args=(k,)) for k in writer_keys]
    readers = [threading.Thread(target=read, args=(k, n)) for n, k in enumerate(reader_keys)] + [
        threading.Thread(target=sample)
    ]
    for t in writers + readers:
        t.start()
    for t in writers:
        t.join()
    seconds = time.perf_counter() - start
    ingesting.clear()
    for t in readers:
        t.join()
    return {
        "seconds": seconds,
        "acknowledged": len(acknowledged),
        "statuses": dict(statuses),
        "latencies": latencies,
        "errors": errors,
        "peak_mb": peak_kb / 1024,
        "unsent": batches.qsize() * BATCH,
    }


def _print(console: Console, run: dict, n: int, ds_rate: float | None) -> None:
    rate = run["acknowledged"] / run["seconds"] if run["seconds"] else 0.0
    table = Table(title=f"bench serve: {n} AllSides articles, {WRITERS} writers, {READERS} readers")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("ingest seconds", f"{run['seconds']:.1f}")
    table.add_row("articles answered (statuses)", f"{run['acknowledged']} {run['statuses']}")
    table.add_row("ingest articles/s (stories on)", f"{rate:.0f}")
    every = run["latencies"]["stories"] + run["latencies"]["article"]
    for name, values in [("all reads", every)] + list(run["latencies"].items()):
        if values:
            p50, p95, p99 = np.percentile(np.array(values) * 1000, [50, 95, 99])
            table.add_row(
                f"{name}: {len(values)} during ingest, ms p50/p95/p99",
                f"{p50:.1f} / {p95:.1f} / {p99:.1f}",
            )
    table.add_row("errors", str(len(run["errors"])))
    table.add_row("peak memory of the server's tree (PSS MB)", f"{run['peak_mb']:.0f}")
    if run["unsent"]:
        table.add_row("articles not posted (time limit)", str(run["unsent"]))
    if ds_rate:
        table.add_row("datasketch MinHashLSH batch, copies only (docs/s)", f"{ds_rate:.0f}")
        table.add_row("service ingest / datasketch batch", f"{rate / ds_rate:.2f}x")
    console.print(table)
    for e in run["errors"][:10]:
        console.print(f"[red]{e}[/red]")
