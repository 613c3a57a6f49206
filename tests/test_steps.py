"""Steps: one record out for each record in, skipped ones passed on, their own stats, and
the same stats whichever process ran them."""

from __future__ import annotations

import random

import numpy as np

from wiretrace.config import Config, RunSettings
from wiretrace.executor import LocalExecutor, chunks
from wiretrace.records import Article, Skipped
from wiretrace.steps import Admit, Clean, Cleaned, DropBoilerplate, Sketch, StepStats

WORDS = [
    "ferry",
    "storm",
    "harbour",
    "council",
    "minister",
    "river",
    "bridge",
    "court",
    "vote",
    "strike",
    "market",
]


def _article(n: int, words: int = 60, title: str = "") -> Article:
    rng = random.Random(n)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(20)) + "." for _ in range(words // 20)]
    return Article(f"a{n:03d}", "\n\n".join(paragraphs), title=title, origin=f"test:{n}")


def test_a_step_gives_one_record_for_each_and_passes_skipped_ones_on():
    unreadable = Skipped("test:0", "malformed JSON: unexpected end of data")
    records = [
        _article(1),
        unreadable,
        Article("bare", "Too short.", origin="test:2"),  # no title: skipped
        Article("headline", "", title="Ferry service halted by storm", origin="test:3"),
    ]
    clean, admit = Clean(), Admit(min_words=8)
    out = list(admit.run(clean.run(records)))
    assert len(out) == len(records)
    assert out[1] is unreadable  # untouched, and counted by no step
    assert isinstance(out[2], Skipped) and out[2].id == "bare"
    assert out[2].reason.startswith("too short")
    assert isinstance(out[3], Cleaned) and out[3].article.short
    assert out[3].article.paragraphs == ["Ferry service halted by storm"]
    assert clean.stats["in"] == 3 and admit.stats["in"] == 3
    assert admit.stats["short"] == 1
    assert sum(v for k, v in admit.stats.items() if k.startswith("skipped: ")) == 1


def test_dropping_boilerplate_says_why_and_counts_what_it_took():
    cleaned = next(iter(Clean().run([_article(2, words=80)])))
    assert isinstance(cleaned, Cleaned)
    learned = {cleaned.keys[1]: 7}
    step = DropBoilerplate(learned)
    got = step.take(cleaned)
    assert isinstance(got, Cleaned)
    assert len(got.keys) == 3 and learned.keys().isdisjoint(got.keys)
    assert got.article.removed_reasons[-1] == (
        "learned boilerplate (in 7 articles of different stories)"
    )
    assert got.words == sum(p.count(" ") + 1 for p in got.article.paragraphs)
    assert dict(step.stats) == {"in": 1, "paragraphs dropped": 1, "articles changed": 1}


def test_sketching_in_batches_gives_the_fingerprints_of_one_batch():
    articles = [
        c.article for c in Clean().run([_article(n) for n in range(7)]) if isinstance(c, Cleaned)
    ]
    settings = Config().fingerprint
    one = list(Sketch(settings, batch=100).run(articles))
    step = Sketch(settings, batch=3)
    batched = list(step.run(articles))
    for a, b in zip(one, batched, strict=True):
        assert a.id == b.id and np.array_equal(a.passage_keys, b.passage_keys)
    assert dict(step.stats) == {"in": 7, "sketched": 7}


def test_worker_processes_count_what_one_process_counts():
    articles = [_article(n, words=20 + 20 * (n % 4)) for n in range(40)]
    parts = chunks(articles, 5)
    one = Clean()
    list(one.run(articles))
    for workers in (1, 2):
        executor = LocalExecutor(
            Config(run=RunSettings(workers=workers, chunk_size=5)), len(articles)
        )
        assert (executor.pool is not None) == (workers == 2)
        step = Clean()
        try:
            out = executor.map_step(step, parts, None, len(articles))
        finally:
            executor.close()
        assert [c.article.id for part in out for c in part] == [a.id for a in articles]
        assert step.stats == one.stats and step.stats["in"] == 40
        stats = StepStats()
        stats.add(step)
        stats.add(step)  # a second run of the step adds up
        assert stats.to_dict()["clean"]["in"] == 80
