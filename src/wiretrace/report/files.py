"""JSON and JSONL output files of a run (documented in docs/outputs.md)."""

from __future__ import annotations

from pathlib import Path

import orjson

from wiretrace import __version__
from wiretrace.config import Config
from wiretrace.pipeline import RunResult
from wiretrace.records import CleanArticle
from wiretrace.trace import derived_rows

_OPTS = orjson.OPT_APPEND_NEWLINE


def write_jsonl(path: Path, rows) -> None:
    with open(path, "wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row, option=_OPTS))


def article_row(a: CleanArticle, family_of: dict[str, str], story_of: dict[str, str]) -> dict:
    """One line of articles.jsonl."""
    return {
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
        "short": a.short,
        "notes": a.notes,
    }


def write_report_json(path: Path, config: Config, accounting: dict, counts: dict) -> None:
    report = {
        "wiretrace": __version__,
        "config": config.to_dict(),
        "accounting": accounting,
        "counts": counts,
    }
    path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))


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
    write_jsonl(paths["articles"], (article_row(a, family_of, story_of) for a in result.articles))
    write_jsonl(paths["relations"], (r.to_dict() for r in result.relations))
    rows = derived_rows(result.families, result.stories, result.lineages, result.diffs)
    for name in ("families", "stories", "lineages", "diffs"):
        write_jsonl(paths[name], rows[name])
    write_report_json(paths["report"], config, result.accounting.to_dict(), result.stats)
    return paths
