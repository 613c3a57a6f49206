"""``wiretrace bench outputs --against OLD --out NEW``: whether two runs' outputs are the same.

A change that should not change what a run finds (a refactor, a faster step) is shown
to keep its promise by running the same input before and after and comparing the two
output folders here. Each output file is read as rows keyed by what names a row (an
article's id, a relation's pair, a story's name...), so a change of order alone is no
difference; the fields that measure the run rather than describe its findings (the
stage seconds and memory in report.json) are left out. It prints, per file, the rows
that are the same, changed, only in OLD and only in NEW, with a few changed rows and the
fields that differ, and exits 1 when anything differs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from wiretrace.errors import InputMissing
from wiretrace.untrusted import printable

#: What names a row of each output file.
KEYS: dict[str, Callable[[dict], object]] = {
    "articles.jsonl": lambda r: r["id"],
    "relations.jsonl": lambda r: (r["a"], r["b"]),
    "families.jsonl": lambda r: r["family"],
    "stories.jsonl": lambda r: r["story"],
    "lineages.jsonl": lambda r: r["lineage"],
    "diffs.jsonl": lambda r: (r["id"], r.get("original")),
}

#: Fields of report.json's ``counts`` that measure the run, not what it found.
TIMING = ("seconds", "main_process_rss_mb")

#: Changed rows shown per file.
SHOWN = 3


def _rows(path: Path, key: Callable[[dict], object]) -> dict[object, dict]:
    return {key(row): row for row in _jsonl(path)}


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _findings(report: dict) -> dict:
    """report.json without what measures the run."""
    counts = {k: v for k, v in report.get("counts", {}).items() if k not in TIMING}
    return {**report, "counts": counts}


def differing_fields(old: dict, new: dict) -> list[str]:
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def compare(old_dir: Path, new_dir: Path) -> dict[str, dict]:
    """Per output file: keys ``same``, ``changed`` (key -> differing fields), ``only_old``
    and ``only_new`` (lists of keys); a file missing on one side counts as empty there."""
    found: dict[str, dict] = {}
    for name, key in KEYS.items():
        if not (old_dir / name).exists() and not (new_dir / name).exists():
            continue
        old = _rows(old_dir / name, key) if (old_dir / name).exists() else {}
        new = _rows(new_dir / name, key) if (new_dir / name).exists() else {}
        both = old.keys() & new.keys()
        changed = {k: differing_fields(old[k], new[k]) for k in both if old[k] != new[k]}
        found[name] = {
            "same": len(both) - len(changed),
            "changed": changed,
            "only_old": sorted(old.keys() - new.keys(), key=str),
            "only_new": sorted(new.keys() - old.keys(), key=str),
        }
    reports = [d / "report.json" for d in (old_dir, new_dir)]
    if all(r.exists() for r in reports):
        old_report, new_report = (_findings(json.loads(r.read_text())) for r in reports)
        changed = {
            "report": [f for f in differing_fields(old_report, new_report) if f != "counts"]
            + [f"counts.{k}" for k in differing_fields(old_report["counts"], new_report["counts"])]
        }
        found["report.json"] = {
            "same": int(old_report == new_report),
            "changed": {} if old_report == new_report else changed,
            "only_old": [],
            "only_new": [],
        }
    return found


def identical(found: dict[str, dict]) -> bool:
    return all(not f["changed"] and not f["only_old"] and not f["only_new"] for f in found.values())


def main(old_dir: Path, new_dir: Path, console: Console) -> int:
    for folder in (old_dir, new_dir):
        if not folder.is_dir():
            raise InputMissing(f"bench outputs: {folder}: no such folder")
    found = compare(old_dir, new_dir)
    if not found:
        raise InputMissing(f"bench outputs: no output files in {old_dir} or {new_dir}")
    # Ids and field names come from the articles' authors: printed as plain text, never
    # as markup or escape sequences (wiretrace.untrusted).
    title = f"outputs of {printable(new_dir)} against {printable(old_dir)} (timing left out)"
    table = Table(title=Text(title))
    for column in ("file", "same", "changed", "only in old", "only in new"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for name, f in found.items():
        table.add_row(
            name,
            str(f["same"]),
            str(len(f["changed"])),
            str(len(f["only_old"])),
            str(len(f["only_new"])),
        )
    console.print(table)
    for name, f in found.items():
        lines = [
            f"{k} differs in {', '.join(fields)}"
            for k, fields in list(f["changed"].items())[:SHOWN]
        ]
        lines += [f"{k} only in old" for k in f["only_old"][:SHOWN]]
        lines += [f"{k} only in new" for k in f["only_new"][:SHOWN]]
        for line in lines:
            console.print(Text(printable(f"{name}: {line}")))
    same = identical(found)
    console.print("identical apart from timing fields" if same else "the outputs differ")
    return 0 if same else 1
