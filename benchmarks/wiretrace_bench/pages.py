"""News pages written around a text, with the chrome real sites carry: navigation, a
cookie banner, share buttons, a related-links rail, a comment form, a footer and scripts.

Used to make HTML (and WARC) inputs from text inputs for tests and for
``wiretrace bench html``: the story text is known, so what an extractor keeps
and what chrome it lets through can be measured.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from string import Template

from wiretrace.clean.chrome import chrome_reason

#: Site templates: name, host, navigation labels, related-link headlines.
SITES = [
    (
        "Daily Courier",
        "dailycourier.example",
        ["Home", "World", "Politics", "Business", "Sport"],
        ["Council approves new bus lanes", "Five things to do this weekend"],
    ),
    (
        "The Morning Ledger",
        "ledger.example",
        ["News", "Opinion", "Markets", "Culture"],
        ["Markets close higher on tech rally", "Why the harbour project stalled"],
    ),
    (
        "Metro Wire",
        "metrowire.example",
        ["Latest", "Local", "National", "Weather"],
        ["Storm warning for the coast", "Library reopens after repairs"],
    ),
]

#: The page around the story (``page.html``: $-placeholders, see :func:`news_page`).
_TEMPLATE = Template((files("wiretrace_bench") / "page.html").read_text(encoding="utf-8"))


def news_page(
    title: str,
    paragraphs: list[str],
    *,
    site: int = 0,
    author: str | None = None,
    published: str | None = None,
    slug: str = "story",
) -> str:
    """A whole HTML page carrying ``paragraphs`` as its article body."""
    name, host, nav, related = SITES[site % len(SITES)]
    url = f"https://{host}/news/{slug}"
    meta = [
        f'<link rel="canonical" href="{url}">',
        f'<meta property="og:site_name" content="{escape(name)}">',
        f'<meta property="og:title" content="{escape(title)}">',
    ]
    if author:
        meta.append(f'<meta name="author" content="{escape(author)}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    links = "".join(f'<li><a href="/news/{k}">{escape(h)}</a></li>' for k, h in enumerate(related))
    when = f' · <time datetime="{published}">{published}</time>' if published else ""
    return _TEMPLATE.substitute(
        title=escape(title),
        site=escape(name),
        meta="\n".join(meta),
        nav="".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in nav),
        byline=escape(author or "Staff") + when,
        body=body,
        links=links,
    )


def page_from_text(text: str, *, site: int = 0, slug: str = "story") -> str:
    """A page for a plain-text article as wiretrace reads ``.txt`` files: the title is the
    first block that is not chrome; the other blocks, chrome lines included (a site's
    "Advertisement" labels sit inside the body), are the body's paragraphs."""
    blocks = [" ".join(b.split()) for b in text.strip().split("\n\n") if b.strip()]
    title_at = next((k for k, b in enumerate(blocks) if chrome_reason(b) is None), 0)
    title = blocks[title_at] if blocks else ""
    return news_page(title, blocks[:title_at] + blocks[title_at + 1 :], site=site, slug=slug)
