"""``wiretrace show ID``: one article's story, family, original and diff in the terminal.

Every piece of an article's data is printed as :func:`~wiretrace.untrusted.printable`
plain text (:class:`rich.text.Text`, never markup): see :mod:`wiretrace.untrusted`.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from wiretrace.report.outputs import Outputs
from wiretrace.untrusted import printable

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
