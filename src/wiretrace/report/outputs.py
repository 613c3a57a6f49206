"""Reading a run's output folder back: what ``wiretrace report`` and ``wiretrace show`` use.

The output tables are the interface (docs/outputs.md), so the HTML report and
the terminal view can be made again from any output folder, without the
store or a new run, in any of the formats ``run --format`` writes (JSONL,
Parquet, CSV: :mod:`wiretrace.tables`). Tables a run did not write
(``--no-stories``, older versions) read as empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from wiretrace.errors import UsageError
from wiretrace.tables import FORMATS, read_table

#: The output tables of a run, each with its fields that are not text (lists, objects,
#: numbers, booleans): what a CSV cell holds as JSON (docs/outputs.md).
TABLES: dict[str, frozenset[str]] = {
    "articles": frozenset(
        {"paragraphs", "removed", "removed_reasons", "removed_at", "short", "notes"}
    ),
    "relations": frozenset(
        {
            "similarity",
            "match",
            "containment_ab",
            "containment_ba",
            "jaccard",
            "coverage_a",
            "coverage_b",
            "evidence",
            "views",
        }
    ),
    "families": frozenset({"members", "original_certain"}),
    "stories": frozenset({"members", "families"}),
    "lineages": frozenset({"families", "members", "original_certain", "derivations"}),
    "diffs": frozenset({"passages"}),
}


class OutputsMissing(UsageError, FileNotFoundError):
    """The folder holds no wiretrace outputs."""


def table_files(out: Path, name: str) -> list[Path]:
    """The files of table ``name`` in the folder ``out``, in any format, newest first."""
    found = [out / f"{name}{suffix}" for suffix in FORMATS.values()]
    return sorted((p for p in found if p.exists()), key=lambda p: -p.stat().st_mtime)


def _rows(out: Path, name: str) -> list[dict]:
    files = table_files(out, name)
    return read_table(files[0], TABLES[name]) if files else []


@dataclass
class Outputs:
    articles: dict[str, dict]
    relations: list[dict]
    families: list[dict]
    stories: list[dict]
    lineages: list[dict]
    diffs: dict[str, dict]
    report: dict = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: str | Path, report: dict | None = None) -> Outputs:
        """The outputs in ``out_dir``; ``report``: report.json's content when the caller
        has it (the run that just wrote it), so it is not read back."""
        out = Path(out_dir)
        if not table_files(out, "articles"):
            raise OutputsMissing(
                f"{out}: not the output folder of a run (no articles.jsonl, .parquet or .csv): "
                "give the folder that `wiretrace run --out` wrote"
            )
        report_file = out / "report.json"
        if report is None:
            report = orjson.loads(report_file.read_bytes()) if report_file.exists() else {}
        outputs = cls(
            articles={a["id"]: a for a in _rows(out, "articles")},
            relations=_rows(out, "relations"),
            families=_rows(out, "families"),
            stories=_rows(out, "stories"),
            lineages=_rows(out, "lineages"),
            diffs={d["id"]: d for d in _rows(out, "diffs")},
            report=report,
        )
        outputs._add_lone_stories()
        return outputs

    def _add_lone_stories(self) -> None:
        """Articles in no story (a run without the story stage) are stories of their own,
        or of their copy family."""
        placed = {m for s in self.stories for m in s["members"]}
        for f in self.families:
            if not placed.intersection(f["members"]):
                self.stories.append(
                    {
                        "story": f"story:{f['members'][0]}",
                        "members": f["members"],
                        "families": [f["family"]],
                    }
                )
                placed.update(f["members"])
        for a in self.articles:
            if a not in placed:
                self.stories.append({"story": f"story:{a}", "members": [a], "families": []})

    def story_of(self, article: str) -> dict | None:
        return next((s for s in self.stories if article in s["members"]), None)

    def lineage_of(self, article: str) -> dict | None:
        return next((g for g in self.lineages if article in g["members"]), None)

    def relations_of(self, article: str) -> list[dict]:
        return [r for r in self.relations if article in (r["a"], r["b"])]
