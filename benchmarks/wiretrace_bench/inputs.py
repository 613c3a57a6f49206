"""``wiretrace bench inputs``: what hostile or garbled input costs, and what its guards cost.

1. **Nesting.** resiliparse's main-text extraction (CPU seconds) on pages of nested
   ``<div>``: one stack of 4,000 / 8,000 / 16,000 levels, and the same 16,000 elements as
   32 stacks of 500 levels (its cost follows the summed depth of the elements); parsing
   and the depth pre-scan beside it. Why :data:`~wiretrace.ingest.html_depth.MAX_HTML_DEPTH`
   exists.
2. **The depth pre-scan** per page (:func:`~wiretrace.ingest.html_depth.nesting_depth`)
   against parsing and extracting the same page, on news pages in realistic chrome.
3. **Mojibake** on AllSides (needs ../shared/data): texts that show the markers, the cost
   of looking for them in every text and of repairing the marked ones
   (:func:`~wiretrace.clean.mojibake.repair_mojibake`), against ftfy run on every text,
   and whether the markers miss any text ftfy would change. ``--articles`` caps the texts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.table import Table

from wiretrace.clean.mojibake import MARKERS, repair_mojibake
from wiretrace.ingest.html_depth import nesting_depth
from wiretrace_bench.datasets import MissingData, allsides_articles
from wiretrace_bench.pages import page_from_text

T = TypeVar("T")


def _cpu(work: Callable[..., T]) -> tuple[float, T]:
    start = time.process_time()
    out = work()
    return time.process_time() - start, out


def _stacks(stacks: int, depth: int) -> str:
    body = ("<div>x" * depth + "</div>" * depth) * stacks
    return f"<html><body><p>A story.</p>{body}</body></html>"


def nesting(console: Console) -> None:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    table = Table(title="main-text extraction against nesting (resiliparse)")
    for col in ("stacks x levels", "bytes", "parse s", "extract s", "pre-scan s"):
        table.add_column(col, justify="right")
    for stacks, depth in ((1, 4000), (1, 8000), (1, 16000), (32, 500)):
        page = _stacks(stacks, depth)
        parse_s, tree = _cpu(lambda page=page: HTMLTree.parse(page))
        extract_s, _ = _cpu(lambda tree=tree: extract_plain_text(tree, main_content=True))
        scan_s, _ = _cpu(lambda page=page: nesting_depth(page.encode(), cap=10**9))
        table.add_row(
            f"{stacks} x {depth:,}",
            f"{len(page):,}",
            f"{parse_s:.3f}",
            f"{extract_s:.3f}",
            f"{scan_s:.3f}",
        )
    console.print(table)


def prescan(console: Console, pages: int = 500) -> None:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    story = "\n\n".join(["A paragraph of the story, with a few more words in it. " * 5] * 12)
    raw = [page_from_text(f"Title\n\n{story}", site=s, slug=f"s{s}").encode() for s in range(8)]
    scan_s, _ = _cpu(lambda: [nesting_depth(raw[i % 8]) for i in range(pages)])
    both_s, _ = _cpu(
        lambda: [
            extract_plain_text(HTMLTree.parse(raw[i % 8].decode()), main_content=True)
            for i in range(pages)
        ]
    )
    console.print(
        f"depth pre-scan: {scan_s / pages * 1e3:.3f} ms a page; parse + extract: "
        f"{both_s / pages * 1e3:.3f} ms a page ({pages} news pages of "
        f"{sum(map(len, raw)) // len(raw):,} bytes on average)"
    )


def mojibake(console: Console, data_dir: Path, n_articles: int | None) -> int:
    import ftfy

    try:
        texts = [
            f"{r.get('title') or ''}\n\n{r.get('text') or ''}"
            for r in allsides_articles(data_dir, n_articles)
        ]
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    search_s, marked = _cpu(lambda: [t for t in texts if MARKERS.search(t)])
    repair_s, repaired = _cpu(lambda: [repair_mojibake(t) for t in texts])
    every_s, fixed = _cpu(lambda: [ftfy.fix_encoding(t) for t in texts])
    changed = [t for t, f in zip(texts, fixed, strict=True) if f != t]
    table = Table(
        title=f"mojibake in {len(texts):,} AllSides texts ({sum(map(len, texts)):,} chars)"
    )
    table.add_column("what")
    table.add_column("texts", justify="right")
    table.add_column("CPU s", justify="right")
    table.add_row(
        "show the markers (looked for in every text)", f"{len(marked):,}", f"{search_s:.2f}"
    )
    table.add_row(
        "repaired (markers looked for, ftfy on the marked)",
        f"{sum(n > 0 for _, n in repaired):,}",
        f"{repair_s:.2f}",
    )
    table.add_row("changed by ftfy run on every text", f"{len(changed):,}", f"{every_s:.2f}")
    table.add_row(
        "  of them without a marker (missed)",
        f"{sum(not MARKERS.search(t) for t in changed):,}",
        "",
    )
    console.print(table)
    return 0


def main(data_dir: Path, console: Console, n_articles: int | None = None) -> int:
    nesting(console)
    prescan(console)
    return mojibake(console, data_dir, n_articles)
