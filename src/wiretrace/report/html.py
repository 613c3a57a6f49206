"""The HTML report: one self-contained file a person opens in a browser.

No network, no CDN: the page's CSS and JavaScript (``assets/``) are inlined,
and the data travels inside the file as JSON:

* a small **index** (one row per story: size, title, time span, sources),
  parsed as soon as the page starts, so the story list shows before the rest
  of the file has been read;
* one **block per story** (its articles, relations with their evidence,
  lineages and diffs), a ``<script type="application/json">`` element left
  unparsed until the story is opened. A report of tens of thousands of
  articles therefore opens on its first page at once and renders each story
  only when asked;
* the **corpus** block (who copies whom: :mod:`wiretrace.report.corpus`), parsed
  only when the corpus page is opened.

The pictures (a story's timeline, a lineage's derivation tree, the corpus's outlet
matrix) are drawn by the page's script as SVG from these blocks: no library, and text
set as text, never as markup.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson

from wiretrace import __version__
from wiretrace.records import paragraph_starts, timestamp
from wiretrace.report.corpus import copy_pairs, outlet_of
from wiretrace.report.evidence import EVIDENCE_MEANING
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


#: Relation fields a story block carries (the evidence follows, as compact lists).
_RELATION_FIELDS = (
    "a",
    "b",
    "relation",
    "similarity",
    "match",
    "coverage_a",
    "coverage_b",
    "containment_ab",
    "containment_ba",
    "jaccard",
    "views",
)
#: Fields of each evidence item, in the order of its list in a story block; the offsets
#: there count from the start of the item's paragraph, not of the cleaned text.
_EVIDENCE_FIELDS = (
    "a_paragraph",
    "a_start",
    "a_end",
    "b_paragraph",
    "b_start",
    "b_end",
    "similarity",
    "words",
)
#: Fields of an article at the far end of a relation that leaves the story.
_LINKED_FIELDS = ("id", "title", "source", "published", "url")


def _relation_row(r: dict, starts: dict[str, list[int]]) -> dict:
    """A relation as its story block carries it: offsets into each paragraph, so that the
    page needs only the paragraphs the evidence is in."""
    row: dict[str, Any] = {k: r.get(k) for k in _RELATION_FIELDS}
    row["evidence"] = []
    for e in r["evidence"]:
        item = dict(e)
        for side in ("a", "b"):
            k, paragraph_start = e[f"{side}_paragraph"], starts.get(r[side], ())
            at = paragraph_start[k] if k < len(paragraph_start) else 0
            item[f"{side}_start"] -= at
            item[f"{side}_end"] -= at
        row["evidence"].append([item[k] for k in _EVIDENCE_FIELDS])
    return row


def _linked_row(article: dict, story: str | None, relations: list[dict]) -> dict:
    """An article of another story, with only the paragraphs ``relations`` show (the others
    are null): a template shared by hundreds of articles adds little to each block."""
    shown: set[int] = set()
    for r in relations:
        for side in ("a", "b"):
            if r[side] == article["id"]:
                k = _EVIDENCE_FIELDS.index(f"{side}_paragraph")
                shown.update(e[k] for e in r["evidence"])
    return {
        **{k: article.get(k) for k in _LINKED_FIELDS},
        "outlet": outlet_of(article),
        "story": story,
        "paragraphs": [p if k in shown else None for k, p in enumerate(article["paragraphs"])],
    }


def story_blocks(outputs: Outputs) -> tuple[list[dict], list[dict]]:
    """(index rows, story blocks), in the order of stories.jsonl (largest first).

    A story's block holds every relation with an end among its members, so that each one
    has its side-by-side view: one reaching an article of another story (a paragraph
    stitched in from it, a shared template) is in the blocks of both stories, and the
    article at its far end comes along in ``linked``."""
    relations_in: dict[str, list[dict]] = {}
    linked_in: dict[str, set[str]] = {}
    story_of = {m: s["story"] for s in outputs.stories for m in s["members"]}
    starts = {i: paragraph_starts(a["paragraphs"]) for i, a in outputs.articles.items()}
    for r in outputs.relations:
        row = _relation_row(r, starts)
        ends = {s for s in (story_of.get(r["a"]), story_of.get(r["b"])) if s is not None}
        for s in ends:
            relations_in.setdefault(s, []).append(row)
            linked_in.setdefault(s, set()).update(
                x for x in (r["a"], r["b"]) if story_of.get(x) != s
            )
    lineages_in: dict[str, list[dict]] = {}
    for g in outputs.lineages:
        lineages_in.setdefault(story_of.get(g["original"], ""), []).append(g)
    index, blocks = [], []
    for n, story in enumerate(outputs.stories):
        members = [outputs.articles[m] for m in story["members"] if m in outputs.articles]
        # In time, not as strings: published times keep the offset they were given in.
        stamped = [(t, p) for a in members if (t := timestamp(p := a.get("published"))) is not None]
        dates = [p for _, p in sorted(stamped, key=lambda tp: tp[0])]
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
        linked = [
            _linked_row(
                outputs.articles[i], story_of.get(i, outputs.articles[i].get("story")), rels
            )
            for i in sorted(linked_in.get(story["story"], ()))
            if i in outputs.articles
        ]
        blocks.append(
            {
                "story": story["story"],
                "articles": [
                    {**{k: a.get(k) for k in _ARTICLE_FIELDS}, "outlet": outlet_of(a)}
                    for a in members
                ],
                "relations": rels,
                "linked": linked,
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
    corpus = copy_pairs(outputs)
    summary = {
        "version": __version__,
        "articles": len({m for s in outputs.stories for m in s["members"]}),
        "stories": len(outputs.stories),
        "lineages": len(outputs.lineages),
        "families": len(outputs.families),
        "relations": len(outputs.relations),
        "copy_pairs": len(corpus["pairs"]),
        "accounting": {
            k: outputs.report.get("accounting", {}).get(k)
            for k in ("records", "processed", "skipped")
        },
        "evidence_meaning": EVIDENCE_MEANING,
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
        f'<script type="application/json" id="wt-corpus">{_json(corpus)}</script>',
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
