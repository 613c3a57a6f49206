"""Cleaning one article: repair mojibake, normalise, split paragraphs, take out chrome and
bylines.

Everything taken out is kept, with its reason, in ``removed`` and
``removed_reasons`` so the report can show it.
"""

from __future__ import annotations

import bisect
import functools
import re

from wiretrace.clean.chrome import WIRE_LINE, is_byline
from wiretrace.clean.chrome import chrome_reason as chrome_reason_of_line
from wiretrace.clean.mojibake import MOJIBAKE_NOTE, repair_mojibake
from wiretrace.clean.paragraphs import join_block, normalize, split_blocks
from wiretrace.records import Article, CleanArticle

_NON_WORD = re.compile(r"\W+")
_SHORT_LABEL = "short label (no sentence)"


def _fold(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def _paragraphs(text: str, chrome_reason) -> list[str]:
    """Paragraphs, with whole lines that are chrome kept apart from their neighbours."""
    out: list[str] = []
    for block in split_blocks(text):
        pending: list[str] = []
        for line in block:
            reason = chrome_reason(line)
            if (reason and reason != _SHORT_LABEL) or is_byline(line):
                out.extend(join_block(pending))
                pending = []
                out.append(line)
            else:
                pending.append(line)
        out.extend(join_block(pending))
    return out


def clean_article(article: Article) -> CleanArticle:
    """The story text of ``article``: title, paragraphs, and what was removed."""
    chrome_reason = functools.cache(chrome_reason_of_line)  # lines are tested twice
    text, repaired = repair_mojibake(article.text)
    title, repaired_title = repair_mojibake(article.title)
    paragraphs = _paragraphs(normalize(text), chrome_reason)
    title = normalize(title).strip()
    notes = list(article.notes)
    if repaired + repaired_title:
        notes.append(f"{MOJIBAKE_NOTE} ({repaired + repaired_title} marked places)")
    removed: list[str] = []
    reasons: list[str] = []
    removed_at: list[int] = []
    bylines: list[str] = []
    kept: list[str] = []

    def drop(text: str, reason: str) -> None:
        removed.append(text)
        reasons.append(reason)
        removed_at.append(len(kept))

    for i, para in enumerate(paragraphs):
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        if is_byline(para) or (WIRE_LINE.match(nxt) and _looks_like_name(para)):
            bylines.append(para)
            drop(para, "byline")
            continue
        reason = chrome_reason(para)
        if article.title_in_text and not title:
            if reason is None:
                title = para
            else:
                drop(para, reason)
            continue
        if title and len(para) < 2 * len(title) + 10 and _fold(para) == _fold(title):
            drop(para, "title repeated")
            continue
        if reason:
            drop(para, reason)
            continue
        kept.append(para)

    return CleanArticle(
        id=article.id,
        title=title,
        paragraphs=kept,
        removed=removed,
        removed_reasons=reasons,
        url=article.url,
        source=article.source,
        published=article.published,
        byline="; ".join(bylines) or article.author or None,
        fetched=article.fetched,
        canonical=article.canonical,
        origin=article.origin,
        notes=notes,
        removed_at=removed_at,
    )


def too_short_reason(article: CleanArticle, words: int) -> str | None:
    """Why ``article``, left with fewer than ``min_words`` words of story text (``words``)
    after cleaning, is skipped; None when it is kept as a *short* record.

    The rule: such a record is kept, marked short, when its title has a word. A headline
    alone (cleaning removes its repeat in the text), or a headline and a one-line summary,
    is what a headline feed or an RSS item carries; the title names the event, and title
    and summary are enough to join a story, though too few words to show copied text. A
    record with neither title nor story text is skipped, and so is one with a few words
    of text and no title: what is left of an untitled page after cleaning is most often
    chrome the rules missed ("Read more", a caption), not a summary.
    """
    if _fold(article.title):
        return None
    return f"too short after cleaning ({words} words of story text, no title)"


def as_short_record(article: CleanArticle) -> CleanArticle:
    """``article``, kept by :func:`too_short_reason`, marked short.

    A headline alone has no story text once cleaning has taken out the title's repeat; its
    text is its title, so the title goes back as its one paragraph (the line cleaning took
    out, or the title when the record had no body). Every kept article then has text to
    show, hash and align: the story stage aligns the paragraphs of close pairs, and two
    identical headlines are close.
    """
    article.short = True
    if article.paragraphs or not article.title:
        return article
    repeat = next((k for k, r in enumerate(article.removed_reasons) if r == "title repeated"), None)
    others = [k for k in range(len(article.removed)) if k != repeat]
    if len(article.removed_at) == len(article.removed):  # lines before the title stay before
        article.removed_at = [0 if repeat is not None and k < repeat else 1 for k in others]
    article.paragraphs = [article.title if repeat is None else article.removed[repeat]]
    article.removed = [article.removed[k] for k in others]
    article.removed_reasons = [article.removed_reasons[k] for k in others]
    return article


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return 1 < len(words) <= 4 and all(w[:1].isupper() for w in words)


def drop_paragraphs(article: CleanArticle, indices: set[int], reason_for) -> CleanArticle:
    """``article`` without the paragraphs at ``indices``; ``reason_for(i)`` says why each went."""
    dropped = sorted(indices)
    known = len(article.removed_at) == len(article.removed)
    # Lines removed earlier sat before kept paragraph k; k moves back by the drops before it.
    article.removed_at = [k - bisect.bisect_left(dropped, k) for k in article.removed_at]
    for i in dropped:
        article.removed.append(article.paragraphs[i])
        article.removed_reasons.append(reason_for(i))
        if known:
            article.removed_at.append(i - bisect.bisect_left(dropped, i))
    article.paragraphs = [p for i, p in enumerate(article.paragraphs) if i not in indices]
    return article
