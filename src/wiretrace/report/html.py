"""The HTML report: one self-contained file a person opens in a browser.

No network, no CDN: the page's CSS and JavaScript (``assets/``) are inlined,
and the data travels inside the file as JSON:

* a small **index** (one row per story: size, title, time span, sources),
  parsed as soon as the page starts, so the story list shows before the rest
  of the file has been read;
* one **block per story** (its articles, relations, lineages and diffs), a
  ``<script type="application/json">`` element left unparsed until the story
  is opened. A report of tens of thousands of articles therefore opens on
  its first page at once and renders each story only when asked.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

import orjson

from wiretrace import __version__
from wiretrace.records import timestamp
from wiretrace.report.outputs import Outputs

#: Article fields the story page needs.
_ARTICLE_FIELDS = (
    "id",
    "title",
    "source",
    "published",
    "url",
    "byline",
    "family",
    "paragraphs",
    "removed",
    "removed_reasons",
    "removed_at",
)


def _json(value) -> str:
    """JSON safe inside a <script> element: every ``<`` written as ``\\u003c``, still
    valid JSON, so no ``</script>`` or ``<!--`` in the data can end or bend the element."""
    return orjson.dumps(value).decode().replace("<", "\\u003c")


def _asset(name: str) -> str:
    return (files("wiretrace.report") / "assets" / name).read_text(encoding="utf-8")


def _relation_row(r: dict) -> dict:
    row = {k: r[k] for k in ("a", "b", "relation", "similarity", "coverage_a", "coverage_b")}
    row["evidence"] = [[e["a_paragraph"], e["b_paragraph"], e["similarity"]] for e in r["evidence"]]
    return row


def story_blocks(outputs: Outputs) -> tuple[list[dict], list[dict]]:
    """(index rows, story blocks), in the order of stories.jsonl (largest first)."""
    relations_in: dict[str, list[dict]] = {}
    story_of = {m: s["story"] for s in outputs.stories for m in s["members"]}
    for r in outputs.relations:
        s = story_of.get(r["a"])
        if s is not None and s == story_of.get(r["b"]):
            relations_in.setdefault(s, []).append(_relation_row(r))
    lineages_in: dict[str, list[dict]] = {}
    for g in outputs.lineages:
        lineages_in.setdefault(story_of.get(g["original"], ""), []).append(g)
    index, blocks = [], []
    for n, story in enumerate(outputs.stories):
        members = [outputs.articles[m] for m in story["members"] if m in outputs.articles]
        # In time, not as strings: published times keep the offset they were given in.
        dates = sorted(
            (p for a in members if timestamp(p := a.get("published")) is not None), key=timestamp
        )
        sources = sorted({a["source"] for a in members if a.get("source")})
        rels = relations_in.get(story["story"], [])
        kinds: dict[str, int] = {}
        for r in rels:
            kinds[r["relation"]] = kinds.get(r["relation"], 0) + 1
        lineages = lineages_in.get(story["story"], [])
        index.append(
            {
                "story": story["story"],
                "block": n,
                "size": len(members),
                "title": members[0]["title"] if members else "",
                "first": dates[0] if dates else None,
                "last": dates[-1] if dates else None,
                "sources": sources[:4],
                "n_sources": len(sources),
                "lineages": len(lineages),
                "families": len(story.get("families", [])),
                "kinds": kinds,
            }
        )
        blocks.append(
            {
                "story": story["story"],
                "articles": [{k: a.get(k) for k in _ARTICLE_FIELDS} for a in members],
                "relations": rels,
                "lineages": lineages,
                "diffs": [outputs.diffs[a["id"]] for a in members if a["id"] in outputs.diffs],
            }
        )
    return index, blocks


def report_script() -> str:
    """The page's one script, as inlined (the service allows it by its hash)."""
    return _asset("report.js")


def render_html(outputs: Outputs, title: str = "wiretrace report", nav: str = "") -> str:
    """The report page of ``outputs``; ``nav``: trusted HTML put under the heading (the
    live report's paging)."""
    index, blocks = story_blocks(outputs)
    summary = {
        "version": __version__,
        "articles": len(outputs.articles),
        "stories": len(outputs.stories),
        "lineages": len(outputs.lineages),
        "families": len(outputs.families),
        "relations": len(outputs.relations),
        "accounting": {
            k: outputs.report.get("accounting", {}).get(k)
            for k in ("records", "processed", "skipped")
        },
    }
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name=viewport content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_asset('report.css')}</style></head><body>",
        f'<header><h1><a href="#">{escape(title)}</a></h1><div id=summary></div>{nav}</header>',
        "<main id=app><p>Loading…</p></main>",
        f'<script type="application/json" id="wt-index">'
        f"{_json({'summary': summary, 'stories': index})}</script>",
        f"<script>{report_script()}</script>",
    ]
    parts += [
        f'<script type="application/json" id="wt-s{n}">{_json(b)}</script>'
        for n, b in enumerate(blocks)
    ]
    parts.append("</body></html>")
    return "".join(parts)


def write_html(
    out_dir: str | Path, path: str | Path | None = None, report: dict | None = None
) -> Path:
    """Write the report of the run in ``out_dir`` (default: ``out_dir/report.html``);
    ``report``: report.json's content, when the caller has it (not read back, then)."""
    target = Path(path) if path else Path(out_dir) / "report.html"
    outputs = Outputs.load(out_dir, report)
    target.write_text(render_html(outputs), encoding="utf-8")
    return target
