"""The terminal views: ``wiretrace show ID`` (an article's story, family, original,
relations with their evidence, and diff) and ``wiretrace diff A B`` (two articles' aligned
passages side by side).

Every piece of an article's data is printed as :func:`~wiretrace.untrusted.printable`
plain text (:class:`rich.text.Text`, never markup): see :mod:`wiretrace.untrusted`.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from wiretrace import codec
from wiretrace.records import COPY_RELATIONS, CleanArticle, RelationKind
from wiretrace.report.evidence import (
    EVIDENCE_MEANING,
    EvidenceRow,
    Passage,
    evidence_rows,
    ordered,
    other_end,
)
from wiretrace.report.outputs import Outputs
from wiretrace.untrusted import printable

if TYPE_CHECKING:  # the comparison itself (encoders, TF-IDF) is not loaded to show outputs
    from wiretrace.compare import PairDiff

#: Terminal colour of each diff kind (the HTML report uses the same meanings).
KIND_STYLE = {
    "shared": "green",
    "reworded": "blue",
    "dropped": "red",
    "added": "yellow",
    "stitched_in": "bold magenta",
    "boilerplate": "dim",
}


def _clip(text: str, width: int | None) -> str:
    text = " ".join(printable(text).split())
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def _role(outputs: Outputs, article: str) -> str:
    lineage = outputs.lineage_of(article)
    if lineage is None:
        return "independent report"
    if lineage["original"] == article:
        return "original"
    d = next(d for d in lineage["derivations"] if d["derived"] == article)
    return f"{d['relation']} of {d['source']}"


def _line(*parts: tuple[object, str | None]) -> Text:
    """One line of (untrusted text, style) parts, each made printable."""
    line = Text()
    for text, style in parts:
        line.append(printable(text), style=style)
    return line


def show_article(outputs: Outputs, article_id: str, console: Console, full: bool = False) -> bool:
    """Print what wiretrace knows about ``article_id``; False when it is not in the outputs."""
    article = outputs.articles.get(article_id)
    if article is None:
        return False
    width = None if full else 110
    console.print(_line((article["title"] or article_id, "bold")))
    meta = [article_id, article.get("source"), article.get("published"), article.get("url")]
    console.print(_line((" · ".join(str(m) for m in meta if m), "dim")))

    story = outputs.story_of(article_id)
    if story:
        console.print()
        console.print(
            _line((story["story"], "bold"), (f": {len(story['members'])} articles", None))
        )
        for m in story["members"]:
            a = outputs.articles[m]
            mark = "▶" if m == article_id else " "
            extra = [a.get("published"), a.get("source"), _clip(a["title"] or "", 60)]
            console.print(
                _line(
                    (f" {mark} {m}  ", "bold" if m == article_id else None),
                    (_role(outputs, m), "cyan"),
                    ("  " + " · ".join(str(x) for x in extra if x), "dim"),
                )
            )
    lineage = outputs.lineage_of(article_id)
    if article.get("family"):
        console.print(_line((f"Copy family: {article['family']}", None)))
    if lineage:
        console.print(
            _line(
                ("Original: ", None),
                (lineage["original"], "bold"),
                ("" if lineage["original_certain"] else " (not certain)", "yellow"),
                (f": {lineage['original_reason']}", None),
            )
        )
        for d in lineage["derivations"]:
            if article_id in (d["source"], d["derived"]):
                console.print(
                    _line(
                        (f"  {d['source']} → {d['derived']} ({d['relation']}): {d['basis']}", None)
                    )
                )

    relations = ordered(outputs.relations_of(article_id))
    if relations:
        console.print(f"\n[bold]Relations[/bold]: {len(relations)}")
    for rel in relations:
        there = other_end(rel, article_id)
        other = outputs.articles.get(there)
        extra = []
        if other is not None:
            extra = [other.get("source"), _clip(other.get("title") or "", 60)]
            if other.get("story") != article.get("story"):
                extra.append(f"in {other.get('story')}")
        console.print(
            _line(
                (f" {rel['relation']} ", "bold"),
                (f"with {there}", None),
                ("  " + " · ".join(str(x) for x in extra if x) if extra else "", "dim"),
            )
        )
        print_evidence(console, rel, article_id, article, other, full, indent=3)

    diff = outputs.diffs.get(article_id)
    if not diff:
        return True
    against = outputs.articles.get(diff["against"]) if diff["against"] else None
    head = (
        f"Diff against {diff['against']} ({diff['relation']})"
        if against
        else "Passages of the original (added = present only here)"
    )
    counts: dict[str, int] = {}
    for p in diff["passages"]:
        counts[p["kind"]] = counts.get(p["kind"], 0) + 1
    console.print()
    console.print(
        _line(
            (head, "bold"),
            (": ", None),
            *(
                (f"{', ' if n else ''}{k} {c}", KIND_STYLE.get(k))
                for n, (k, c) in enumerate(counts.items())
            ),
        )
    )
    paragraphs = {
        "version": article["paragraphs"],
        "against": against["paragraphs"] if against else [],
    }
    for p in diff["passages"]:
        text = p["text"] if p["paragraph"] is None else paragraphs[p["side"]][p["paragraph"]]
        note = []
        if p.get("similarity") is not None:
            note.append(f"sim {p['similarity']:.2f}")
        if p.get("story_similarity") is not None:
            note.append(f"story {p['story_similarity']:.2f}")
        if p.get("from_article"):
            note.append(f"from {p['from_article']} ¶{p['from_paragraph']}")
        if p.get("reason"):
            note.append(p["reason"])
        where = f"¶{p['paragraph']}" if p["paragraph"] is not None else "  "
        console.print(
            _line(
                (f"{p['kind']:>11} {where:>4} ", KIND_STYLE.get(p["kind"])),
                (_clip(text, width), None),
                (f"  [{', '.join(note)}]" if note else "", "dim"),
            )
        )
    return True


def figures(relation: dict, here: str) -> str:
    """The relation's figures from ``here``'s side, on one line."""
    mine, theirs = ("a", "b") if relation["a"] == here else ("b", "a")
    copy_engine = relation["relation"] in COPY_RELATIONS
    parts = [f"similarity {relation['similarity']:.2f}"]
    if relation.get("match") is not None:
        parts.append(f"match {relation['match']:.2f}")
    noun = (
        "aligned passages"
        if copy_engine or relation["relation"] == RelationKind.REWRITE
        else "pairs"
    )
    parts.append(f"{len(relation['evidence'])} {noun}")
    if relation["relation"] not in (RelationKind.SAME_STORY, RelationKind.UNRELATED):
        cover_here, cover_there = relation[f"coverage_{mine}"], relation[f"coverage_{theirs}"]
        parts.append(f"coverage {cover_here:.2f} here, {cover_there:.2f} there")
    if copy_engine:
        parts.append(
            f"4-grams found there {relation[f'containment_{mine}{theirs}']:.2f}, here "
            f"{relation[f'containment_{theirs}{mine}']:.2f} · jaccard {relation['jaccard']:.2f}"
        )
    return " · ".join(parts)


def views_line(relation: dict) -> str | None:
    """The views of a meaning-level relation's similarity, on one line (None without)."""
    views = relation.get("views")
    if not views:
        return None
    return "views: " + " · ".join(f"{name} {value:.2f}" for name, value in views.items())


def print_evidence(
    console: Console,
    relation: dict,
    here: str,
    article_here: dict,
    article_there: dict | None,
    full: bool,
    indent: int = 0,
) -> None:
    """A relation's figures, its views, and its evidence side by side (``here`` on the
    left): one line an item, or with ``full`` the whole passages and what they mean."""
    pad = " " * indent
    console.print(pad + figures(relation, here), style="dim", highlight=False)
    views = views_line(relation)
    if views:
        console.print(pad + views, style="dim", highlight=False)
    if full:
        console.print(pad + EVIDENCE_MEANING[relation["relation"]], style="italic dim")
    if not relation["evidence"]:
        return
    if article_there is None:
        console.print(pad + "(the other article is not in these outputs)", style="dim")
        return
    rows = evidence_rows(relation, here, article_here["paragraphs"], article_there["paragraphs"])
    table = _evidence_table(rows, relation["relation"], here, other_end(relation, here), full)
    console.print(Padding(table, (0, 0, 0, indent)))


def _evidence_table(rows: list[EvidenceRow], kind: str, here: str, there: str, full: bool) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD if full else None,
        show_header=full,
        expand=True,
        pad_edge=False,
        padding=(0, 1) if not full else (0, 1, 1, 1),
    )
    table.add_column("¶", no_wrap=True, style="dim")
    table.add_column("sim", justify="right", no_wrap=True, style="dim")
    for name in (here, there):
        table.add_column(
            Text(printable(name)),
            ratio=1,
            no_wrap=not full,
            overflow="fold" if full else "ellipsis",
        )
    for r in rows:
        left, right = _text(r.here), _text(r.there)
        # Copied text has its edits marked whatever the similarity: 1.00 is the share of the
        # smaller passage's 4-grams found in the other, and a changed date can leave it so.
        cells = word_edits(left, right) if kind in COPY_RELATIONS else (Text(left), Text(right))
        table.add_row(f"{r.here.paragraph}↔{r.there.paragraph}", f"{r.similarity:.2f}", *cells)
    return table


def _text(p: Passage) -> str:
    """A passage on one line, "…" where it begins or ends inside its paragraph."""
    text = " ".join(printable(p.text).split())
    return ("…" if p.cut_before else "") + text + ("…" if p.cut_after else "")


def word_edits(left: str, right: str) -> tuple[Text, Text]:
    """Two versions of a passage with the words of each that the other lacks marked (red
    struck through on the left, green underlined on the right), as the report marks them."""
    a, b = re.split(r"(\s+)", left), re.split(r"(\s+)", right)
    out_a, out_b = Text(), Text()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out_a.append("".join(a[i1:i2]))
            out_b.append("".join(b[j1:j2]))
            continue
        out_a.append("".join(a[i1:i2]), style="red strike")
        out_b.append("".join(b[j1:j2]), style="green underline")
    return out_a, out_b


def _article_line(label: str, article: CleanArticle) -> Text:
    meta = [article.title, article.source, article.published, article.origin]
    return _line(
        (f"{label}: ", "bold"),
        (article.id, "bold"),
        ("  " + " · ".join(str(m) for m in meta if m), "dim"),
    )


def show_pair(pair: PairDiff, console: Console) -> None:
    """``wiretrace diff``: the two articles, their relation with its figures and what its
    evidence means, and the evidence side by side, whole."""
    console.print(_article_line("A", pair.a))
    console.print(_article_line("B", pair.b))
    rel = codec.row(pair.relation)
    head = Text(f"\n{rel['relation']}", style="bold")
    head.append(f"  ({pair.found}; A is on the left)", style="dim")
    console.print(head)
    as_dict = {a.id: {"id": a.id, "paragraphs": a.paragraphs} for a in (pair.a, pair.b)}
    print_evidence(console, rel, pair.a.id, as_dict[pair.a.id], as_dict[pair.b.id], full=True)
