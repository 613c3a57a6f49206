"""``wiretrace bench report DIR``: how fast the HTML report of a run is built and opens.

Builds ``report.html`` from the output folder, then opens it in headless
Chromium ``repeats`` times (a fresh browser each time) and prints the seconds
until the story list shows its first page and until the whole file has loaded.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from wiretrace.report.browser import first_page_seconds
from wiretrace.report.html import write_html


def main(out_dir: Path, console: Console, repeats: int = 3) -> int:
    start = time.perf_counter()
    html = write_html(out_dir, Path(out_dir) / "report.html")
    build = time.perf_counter() - start
    runs = [first_page_seconds(html) for _ in range(repeats)]
    table = Table(title=f"HTML report of {out_dir}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("file size (MB)", f"{html.stat().st_size / 2**20:.1f}")
    table.add_row("build (s)", f"{build:.1f}")
    for key in ("first_page_s", "loaded_s"):
        values = [r[key] for r in runs]
        spread = f"(min {min(values):.3f}, max {max(values):.3f})"
        table.add_row(f"{key} median of {repeats}", f"{statistics.median(values):.3f} {spread}")
    table.add_row("page errors", str(sum(r["errors"] for r in runs)))
    console.print(table)
    return 0
