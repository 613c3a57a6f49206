"""``wiretrace show ID``: one article's story, family, original and diff in the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from wiretrace.report.outputs import Outputs

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
    text = " ".join(text.split())
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def _role(outputs: Outputs, article: str) -> str:
    lineage = outputs.lineage_of(article)
    if lineage is None:
        return "independent report"
    if lineage["original"] == article:
        return "original"
    d = next(d for d in lineage["derivations"] if d["derived"] == article)
    return f"{d['relation']} of {d['source']}"


def show_article(outputs: Outputs, article_id: str, console: Console, full: bool = False) -> bool:
    """Print what wiretrace knows about ``article_id``; False when it is not in the outputs."""
    article = outputs.articles.get(article_id)
    if article is None:
        console.print(f"[red]{article_id}: not in these outputs[/red]")
        return False
    width = None if full else 110
    console.print(Text(article["title"] or article_id, style="bold"))
    meta = [article_id, article.get("source"), article.get("published"), article.get("url")]
    console.print(" · ".join(str(m) for m in meta if m), style="dim")

    story = outputs.story_of(article_id)
    if story:
        console.print(f"\n[bold]{story['story']}[/bold]: {len(story['members'])} articles")
        for m in story["members"]:
            a = outputs.articles[m]
            mark = "▶" if m == article_id else " "
            line = Text(f" {mark} {m}  ", style="bold" if m == article_id else None)
            line.append(_role(outputs, m), style="cyan")
            extra = [a.get("published"), a.get("source"), _clip(a["title"] or "", 60)]
            line.append("  " + " · ".join(str(x) for x in extra if x), style="dim")
            console.print(line)
    lineage = outputs.lineage_of(article_id)
    if article.get("family"):
        console.print(f"Copy family: {article['family']}")
    if lineage:
        sure = "" if lineage["original_certain"] else " [yellow](not certain)[/yellow]"
        console.print(
            f"Original: [bold]{lineage['original']}[/bold]{sure}: {lineage['original_reason']}"
        )
        for d in lineage["derivations"]:
            if article_id in (d["source"], d["derived"]):
                console.print(f"  {d['source']} → {d['derived']} ({d['relation']}): {d['basis']}")

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
    console.print(
        f"\n[bold]{head}[/bold]: "
        + ", ".join(f"[{KIND_STYLE[k]}]{k} {n}[/]" for k, n in counts.items())
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
        line = Text(f"{p['kind']:>11} {where:>4} ", style=KIND_STYLE[p["kind"]])
        line.append(_clip(text, width))
        if note:
            line.append(f"  [{', '.join(note)}]", style="dim")
        console.print(line)
    return True
