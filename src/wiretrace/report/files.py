"""The output files of a run (documented in docs/outputs.md): its tables, in JSONL, Parquet
or CSV (:mod:`wiretrace.tables`), and report.json."""

from __future__ import annotations

from pathlib import Path

import orjson

from wiretrace import __version__
from wiretrace.codec import article_table_row, derived_rows, row
from wiretrace.config import Config
from wiretrace.pipeline import RunResult
from wiretrace.report.outputs import table_files
from wiretrace.tables import FORMATS, write_table


def write_output_table(out: Path, name: str, rows, fmt: str = "jsonl") -> Path:
    """Table ``name`` of an output folder, in ``fmt``. The table's files in the other
    formats go: left from an earlier run into the same folder, they would be read back
    in place of this one."""
    path = write_table(out / f"{name}{FORMATS[fmt]}", rows)
    for stale in table_files(out, name):
        if stale != path:
            stale.unlink()
    return path


def write_report_json(path: Path, config: Config, accounting: dict, counts: dict) -> None:
    report = {
        "wiretrace": __version__,
        "config": config.to_dict(),
        "accounting": accounting,
        "counts": counts,
    }
    path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))


def write_outputs(
    result: RunResult, out_dir: str | Path, config: Config, fmt: str = "jsonl"
) -> dict[str, Path]:
    """Write the tables (articles, relations, families, stories, lineages, diffs) in ``fmt``
    (``jsonl``, ``parquet`` or ``csv``) and report.json; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    family_of = result.family_of()
    story_of = result.story_of()
    paths = {
        "articles": write_output_table(
            out,
            "articles",
            (article_table_row(a, family_of, story_of) for a in result.articles),
            fmt,
        ),
        "relations": write_output_table(out, "relations", (row(r) for r in result.relations), fmt),
    }
    rows = derived_rows(result.families, result.stories, result.lineages, result.diffs)
    for name in ("families", "stories", "lineages", "diffs"):
        paths[name] = write_output_table(out, name, rows[name], fmt)
    paths["report"] = out / "report.json"
    write_report_json(paths["report"], config, result.accounting.to_dict(), result.stats)
    return paths
