"""Close-but-distinct events built from AllSides: dev data for the event match (not gold).

AllSides has no story labels, so the labels here come from a stated rule, not from
people. AllSides presents each story through a few outlets on the day it breaks,
under one topic tag; the rule takes such a day's coverage as one event and the
same actors' coverage on another day as another event:

1. **Day events.** Among dated articles whose title does not start with
   "OPINION", two articles of the same AllSides ``topic`` and the same ``date``
   are linked when their titles share at least two key words, where a title's
   key words are its lower-cased words of three or more letters that are not
   English stop words and not among the ``COMMON`` most frequent such words of
   all AllSides titles (so "Trump" or "House" alone never links two titles).
   Each connected group of ``MIN_SIZE``..``MAX_SIZE`` articles is one event.
2. **Close pairs.** Two day events are close when they have the same topic, lie
   1..``MAX_DAYS`` days apart and their titles share a key word (the same
   actors). Only day events in at least one close pair are kept: every event in
   the set has a namesake a few days away, like the hidden set's "secret visit"
   vs "test moratorium three days later".
3. **Splits.** Events dated before ``SPLIT_DATE`` are ``dev``, the rest ``test``;
   each split keeps at most ``MAX_EVENTS`` events (a seeded sample of close
   pairs, both events of a pair together).

The rule is noisy both ways: a story followed for several days becomes several
"events", and two stories breaking the same day with two title words in common
become one. It is dev data for fitting and checking the match, never a gold
figure.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

from wiretrace_bench.datasets import allsides_articles

#: The most frequent title words (of the rule's kind) that never make a key word.
COMMON = 100
MIN_SIZE, MAX_SIZE = 3, 12
MAX_DAYS = 6
SPLIT_DATE = "2015-06-01"
MAX_EVENTS = 120
SEED = 0
_WORD = re.compile(r"[a-z][a-z'’-]{2,}")


def _words(title: str) -> set[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return {w.strip("'’-") for w in _WORD.findall(title.lower())} - ENGLISH_STOP_WORDS - {""}


def _components(n: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for x in range(n):
        groups[find(x)].append(x)
    return list(groups.values())


def close_events(data_dir: Path, common: int = COMMON) -> list[dict]:
    """The set's articles: the AllSides row plus ``event`` (label) and ``split``; ``common``
    most frequent title words are never key words."""
    rows = [
        r
        for r in allsides_articles(data_dir)
        if r["date"] and not r["title"].strip().upper().startswith("OPINION")
    ]
    counts = Counter(w for r in rows for w in _words(r["title"]))
    frequent = {w for w, _ in counts.most_common(common)}
    keys = [_words(r["title"]) - frequent for r in rows]
    by_day: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, r in enumerate(rows):
        by_day[(r["topic"], r["date"])].append(k)
    events: list[list[int]] = []
    for members in by_day.values():
        edges = [
            (a, b)
            for x, a in enumerate(members)
            for b in members[x + 1 :]
            if len(keys[a] & keys[b]) >= 2
        ]
        local = _components(len(members), [(members.index(a), members.index(b)) for a, b in edges])
        events += [[members[m] for m in g] for g in local if MIN_SIZE <= len(g) <= MAX_SIZE]
    words = [set().union(*(keys[k] for k in e)) for e in events]
    day = [datetime.date.fromisoformat(rows[e[0]]["date"]) for e in events]
    topic = [rows[e[0]]["topic"] for e in events]
    by_topic: dict[str, list[int]] = defaultdict(list)
    for x, t in enumerate(topic):
        by_topic[t].append(x)
    pairs = [
        (a, b)
        for xs in by_topic.values()
        for i, a in enumerate(xs)
        for b in xs[i + 1 :]
        if 1 <= abs((day[a] - day[b]).days) <= MAX_DAYS and words[a] & words[b]
    ]
    out = []
    rng = random.Random(SEED)
    for split in ("dev", "test"):
        mine = [p for p in pairs if (str(day[p[0]]) < SPLIT_DATE) == (split == "dev")]
        rng.shuffle(mine)
        chosen: set[int] = set()
        for a, b in mine:
            if len(chosen | {a, b}) > MAX_EVENTS:
                break
            chosen |= {a, b}
        for x in sorted(chosen, key=lambda x: (day[x], x)):
            for k in events[x]:
                out.append({**rows[k], "event": f"{topic[x]}/{day[x]}/{x}", "split": split})
    return out
