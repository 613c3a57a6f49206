"""JSON and JSONL output files of a run (documented in docs/outputs.md)."""

from __future__ import annotations

from pathlib import Path

import orjson

from wiretrace import __version__
from wiretrace.config import Config
from wiretrace.pipeline import RunResult
from wiretrace.records import CopyFamily, Lineage

_OPTS = orjson.OPT_APPEND_NEWLINE


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row, option=_OPTS))


def _family_row(family: CopyFamily, lineage: Lineage | None) -> dict:
    """A family with its original: the lineage's, when that is one of the family's members
    (a lineage of two families joined by a rewrite has one original for both)."""
    row = family.to_dict()
    if lineage is None:
        row.update(original=None, original_reason=None, lineage=None)
    elif lineage.original in family.members:
        row.update(original=lineage.original, original_reason=lineage.original_reason,
                   original_certain=lineage.original_certain, lineage=lineage.lineage)
    else:
        # The family derives from another family's original: its own source is the member
        # the derivation tree reaches first.
        first = next(d for d in lineage.derivations if d.derived in family.members)
        row.update(original=first.derived,
                   original_reason=f"derived from {first.source} ({first.relation}); "
                                   f"first version of this family in the lineage",
                   original_certain=first.certain, lineage=lineage.lineage)
    return row


def write_outputs(result: RunResult, out_dir: str | Path, config: Config) -> dict[str, Path]:
    """Write articles, relations, families and report files; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    family_of = result.family_of()
    story_of = result.story_of()
    paths = {
        "articles": out / "articles.jsonl",
        "relations": out / "relations.jsonl",
        "families": out / "families.jsonl",
        "stories": out / "stories.jsonl",
        "lineages": out / "lineages.jsonl",
        "diffs": out / "diffs.jsonl",
        "report": out / "report.json",
    }
    _write_jsonl(
        paths["articles"],
        (
            {
                "id": a.id,
                "title": a.title,
                "url": a.url,
                "source": a.source,
                "published": a.published,
                "byline": a.byline,
                "fetched": a.fetched,
                "family": family_of.get(a.id),
                "story": story_of.get(a.id),
                "paragraphs": a.paragraphs,
                "removed": a.removed,
                "removed_reasons": a.removed_reasons,
                "removed_at": a.removed_at,
                "origin": a.origin,
            }
            for a in result.articles
        ),
    )
    _write_jsonl(paths["relations"], (r.to_dict() for r in result.relations))
    lineage_of = {f: g for g in result.lineages for f in g.families}
    _write_jsonl(paths["families"], (_family_row(f, lineage_of.get(f.family))
                                     for f in result.families))
    _write_jsonl(paths["stories"], (s.to_dict() for s in result.stories))
    _write_jsonl(paths["lineages"], (g.to_dict() for g in result.lineages))
    _write_jsonl(paths["diffs"], (d.to_dict() for d in result.diffs))
    report = {
        "wiretrace": __version__,
        "config": config.to_dict(),
        "accounting": result.accounting.to_dict(),
        "counts": result.stats,
    }
    paths["report"].write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    return paths
