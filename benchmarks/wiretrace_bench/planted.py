"""Planted copies: AllSides articles reprinted the way the seeds were.

Each planted copy takes an original (or an earlier copy of it, so families
have copies of copies) and applies, at random:

* word edits: 2-10% of words substituted with words from other articles;
* site chrome: a made-up site's header and footer lines, "Advertisement" lines, and the
  site's name as the copy's ``source`` (originals keep their AllSides outlet and URL), so
  that blocks of one outlet are learned on the bench as in a real feed;
* dropped paragraphs (never more than a third);
* merged paragraphs (two neighbours joined, as 002 does);
* added paragraphs taken from another article (a *donor*), appended or
  stitched into the middle.

The truth kept for scoring: every pair inside one family (the original and
all its copies) must be related; pairs of a copy with a donor are counted
apart (they do share a block, so ``partial`` is right, but they are not the
family's relation).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

#: Invented outlets: name and site template; the words are ours.
SITES = [
    (
        "Daily Ledger",
        ["Home", "World News", "Advertisement"],
        [
            "Share this article",
            "Read More",
            "Sign up for our morning newsletter",
            "© 2024 Daily Ledger Media. All rights reserved.",
        ],
    ),
    (
        "Bayside Wire",
        ["Menu", "Politics"],
        [
            "For the latest headlines, follow our Google News channel online or via the app.",
            "Trending",
            "Exit mobile version",
        ],
    ),
    (
        "Northgate Post",
        ["Skip to content", "Advertisement"],
        [
            "Leave a Reply",
            "Your email address will not be published. Required fields are marked *",
            "Copyright 2024 Northgate Post",
        ],
    ),
    ("Harbour Herald", ["News"], ["You may also like", "Leave a Comment", "Download our Apps"]),
    ("Lunchtime Times", [], ["Want us to email you top stories each lunch time?", "Advertisement"]),
]


@dataclass
class PlantedCorpus:
    #: {"id", "title", "text", "source"} (originals may carry a "url"), shuffled; a copy's
    #: source is its invented site, so copies of one site are articles of one outlet.
    articles: list[dict]
    family_of: dict[str, str] = field(default_factory=dict)  # article id -> family (original id)
    donors: dict[str, set[str]] = field(default_factory=dict)  # copy id -> donor ids
    copy_params: dict[str, dict] = field(default_factory=dict)

    def expected_pairs(self) -> set[frozenset[str]]:
        members: dict[str, list[str]] = {}
        for article_id, family in self.family_of.items():
            members.setdefault(family, []).append(article_id)
        pairs = set()
        for ids in members.values():
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    pairs.add(frozenset((a, b)))
        return pairs

    def donor_pairs(self) -> set[frozenset[str]]:
        return {frozenset((c, d)) for c, ds in self.donors.items() for d in ds}


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _edit_words(paragraph: str, rate: float, vocab: list[str], rng: random.Random) -> str:
    words = paragraph.split(" ")
    for i in range(len(words)):
        if rng.random() < rate:
            words[i] = rng.choice(vocab)
    return " ".join(words)


def plant_copies(originals: list[dict], n_copies: int, seed: int) -> PlantedCorpus:
    """Originals plus ``n_copies`` planted copies of originals with at least 5 paragraphs."""
    rng = random.Random(seed)
    vocab = [w for a in originals[:500] for w in a["text"].split()[:200] if w.isalpha()]
    eligible = [a for a in originals if len(_paragraphs(a["text"])) >= 5]
    corpus = PlantedCorpus(articles=list(originals))
    texts = {a["id"]: a for a in originals}
    copies_of: dict[str, list[str]] = {}
    for n in range(n_copies):
        original = rng.choice(eligible)
        family = original["id"]
        corpus.family_of.setdefault(family, family)
        sources = [family] + copies_of.get(family, [])
        source = texts[rng.choice(sources)]  # copies of copies too
        paras = _paragraphs(source["text"])
        rate = rng.uniform(0.02, 0.10)
        paras = [_edit_words(p, rate, vocab, rng) for p in paras]
        params: dict = {"source": source["id"], "edit_rate": round(rate, 3)}
        if rng.random() < 0.5:
            k = rng.randint(1, max(1, len(paras) // 3))
            start = rng.randrange(0, len(paras) - k + 1)
            del paras[start : start + k]
            params["dropped"] = k
        if rng.random() < 0.3 and len(paras) > 3:
            i = rng.randrange(0, len(paras) - 1)
            paras[i : i + 2] = [paras[i] + " " + paras[i + 1]]
            params["merged"] = i
        donors: set[str] = set(corpus.donors.get(source["id"], ()))  # inherited stitching
        if rng.random() < 0.4:
            donor = rng.choice(originals)
            if donor["id"] != family:
                extra = _paragraphs(donor["text"])[: rng.randint(1, 2)]
                at = rng.randrange(1, len(paras) + 1)
                paras[at:at] = extra
                donors.add(donor["id"])
                params["stitched"] = donor["id"]
        site, header, footer = rng.choice(SITES)
        body: list[str] = []
        for i, p in enumerate(paras):
            body.append(p)
            if i % 4 == 2 and rng.random() < 0.5:
                body.append("Advertisement")
        copy_id = f"planted-{n:05d}"
        text = "\n\n".join(header + body + footer)
        article = {"id": copy_id, "title": source.get("title", ""), "text": text, "source": site}
        corpus.articles.append(article)
        texts[copy_id] = article
        corpus.family_of[copy_id] = family
        copies_of.setdefault(family, []).append(copy_id)
        if donors:
            corpus.donors[copy_id] = donors
        corpus.copy_params[copy_id] = params
    rng.shuffle(corpus.articles)
    return corpus
