"""``wiretrace bench html``: main-text extractors on news pages whose story text is known.

AllSides texts are wrapped in the chrome of :mod:`wiretrace_bench.pages`
(navigation, cookie banner, share bars, related links, comment form, footer).
Each extractor's output is scored against the story text, as bags of words:

* **recall**: share of the story's words the extractor kept;
* **precision**: share of the extracted words that are story words (the rest
  is chrome let through);

plus pages per second on one core (wiretrace's path includes reading the page
metadata). The project uses the extractor this measures best (see
:mod:`wiretrace.ingest.html_page`).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from wiretrace_bench.datasets import MissingData, allsides_articles
from wiretrace_bench.pages import news_page


def _words(text: str) -> Counter:
    return Counter(w.strip(".,;:!?\"'()“”‘’").lower() for w in text.split())


def _trafilatura(html: str) -> str:
    import warnings

    import trafilatura
    from trafilatura.settings import Document

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lxml's FutureWarnings from inside trafilatura
        doc = trafilatura.bare_extraction(
            html, include_comments=False, include_tables=False, with_metadata=True
        )
    # A Document, or None; a dict only when asked for (as_dict=True).
    return doc.text if isinstance(doc, Document) and doc.text else ""


def _resiliparse(html: str) -> str:
    """wiretrace's own path (main text and page metadata)."""
    from wiretrace.ingest.html_page import article_from_html

    got = article_from_html(html, "x", "bench")
    return getattr(got, "text", "")


EXTRACTORS: dict[str, Callable[[str], str]] = {
    "trafilatura": _trafilatura,
    "resiliparse (wiretrace)": _resiliparse,
}


def _cleaned(text: str) -> str:
    """The text after wiretrace's cleaning stage (chrome lines, bylines, ...)."""
    from wiretrace.clean.article import clean_article
    from wiretrace.records import Article

    paragraphs = "\n\n".join(line for line in text.split("\n") if line.strip())
    return clean_article(Article(id="x", text=paragraphs)).text


def _score(pages, outputs) -> tuple[float, float]:
    kept = total = extracted = 0
    for (paragraphs, _), text in zip(pages, outputs, strict=True):
        story, got = _words(" ".join(paragraphs)), _words(text)
        kept += sum((story & got).values())
        total += sum(story.values())
        extracted += sum(got.values())
    return kept / max(total, 1), kept / max(extracted, 1)


def main(data_dir: Path, console: Console, n_articles: int = 500, seed: int = 7) -> int:
    try:
        originals = list(allsides_articles(data_dir, n_articles))
    except MissingData as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    rng = random.Random(seed)
    pages = []
    for k, a in enumerate(originals):
        paragraphs = [p for p in a["text"].split("\n\n") if p.strip()]
        pages.append(
            (
                paragraphs,
                news_page(
                    a["title"] or "Untitled",
                    paragraphs,
                    site=rng.randrange(3),
                    author="Jo Reporter",
                    published="2020-03-04T10:00:00",
                    slug=f"s{k}",
                ),
            )
        )
    table = Table(title=f"main-text extraction on {len(pages)} AllSides pages with chrome")
    for col in (
        "extractor",
        "recall",
        "precision",
        "after cleaning: recall",
        "precision",
        "pages/s",
    ):
        table.add_column(col, justify="right")
    for name, extract in EXTRACTORS.items():
        try:
            extract(pages[0][1])
        except ImportError as exc:
            console.print(f"{name}: not installed ({exc})")
            continue
        start = time.perf_counter()
        outputs = [extract(html) for _, html in pages]
        seconds = time.perf_counter() - start
        raw = _score(pages, outputs)
        cleaned = _score(pages, [_cleaned(text) for text in outputs])
        table.add_row(
            name,
            f"{raw[0]:.4f}",
            f"{raw[1]:.4f}",
            f"{cleaned[0]:.4f}",
            f"{cleaned[1]:.4f}",
            f"{len(pages) / seconds:,.0f}",
        )
    console.print(table)
    return 0
