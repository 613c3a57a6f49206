"""The short table a person sees in the terminal after a run.

Ids, family names, reasons and paths are printed as printable plain text, never as markup
(see :mod:`wiretrace.untrusted`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from wiretrace.ingest.dates import DATE_NOTES
from wiretrace.records import RELATION_KINDS
from wiretrace.untrusted import printable

if TYPE_CHECKING:
    from wiretrace.pipeline import RunResult


def _plain(text: object, style: str | None = None) -> Text:
    return Text(printable(text), style=style or "")


def print_summary(
    result: RunResult,
    console: Console | None = None,
    out_dir: str | None = None,
    html: bool = True,
) -> None:
    console = console or Console(stderr=True)
    acc = result.accounting
    table = Table(title="wiretrace run", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("input records", str(acc.records))
    table.add_row("processed", str(acc.processed))
    if acc.short:  # headlines without a body: in stories, not in copy detection
        table.add_row("  of them short (title, short summary)", str(acc.short))
    table.add_row("skipped", str(acc.skipped_count))
    counted = acc.to_dict()
    for reason, n in counted["skipped_by_reason"].items():
        table.add_row(_plain(f"  skipped: {reason}"), str(n))
    for kind, n in counted["dates"].items():
        if n:
            table.add_row(f"noted: {DATE_NOTES[kind]}", str(n))
    if result.stats.get("articles_stored_before"):
        table.add_row("articles already stored", str(result.stats["articles_stored_before"]))
    table.add_row("candidate pairs", str(result.stats["candidate_pairs"]))
    for kind in RELATION_KINDS:
        table.add_row(f"relations: {kind}", str(result.stats["relations"].get(kind, 0)))
    table.add_row("copy families", str(len(result.families)))
    table.add_row("articles in families", str(result.stats["articles_in_families"]))
    table.add_row("stories (of 2 or more articles)", str(result.stats["stories_of_two_or_more"]))
    table.add_row("lineages (versions of one text)", str(len(result.lineages)))
    secs = sum(result.stats["seconds"].values())
    table.add_row("seconds", f"{secs:.2f}")
    console.print(table)
    if result.families:
        fam = Table(title="largest copy families", header_style="bold")
        fam.add_column("family")
        fam.add_column("members", justify="right")
        fam.add_column("ids")
        for f in result.families[:10]:
            ids = ", ".join(f.members[:6]) + (" …" if len(f.members) > 6 else "")
            fam.add_row(_plain(f.family), str(len(f.members)), _plain(ids))
        console.print(fam)
    if out_dir:
        console.print(_plain("outputs in ") + _plain(out_dir, "bold"))
        report = Path(out_dir) / "report.html"
        if html and report.exists():
            console.print(
                _plain("open ")
                + _plain(report, "bold")
                + _plain(
                    f" in a browser, or look at one article with: wiretrace show ID --out {out_dir}"
                )
            )
