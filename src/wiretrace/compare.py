"""``wiretrace compare``: the relation and same-story similarity of given article pairs.

Input lines are ``{"id", "a": ARTICLE, "b": ARTICLE}`` with ARTICLE as in the
JSONL input; each output line is ``{"id", "relation", "similarity"}``, or
``{"id", "error"}`` for a line that cannot be compared, so every input line is
answered. ``relation`` is ``same_story`` when the pair's event match reaches
``story_min_match`` (and no copy or rewrite relation holds); the answer also
carries that ``match``. IDF statistics are fitted on all articles of the file together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import orjson

from wiretrace.clean.article import clean_article
from wiretrace.config import Config
from wiretrace.ingest.fields import article_from_fields
from wiretrace.records import Article, CleanArticle, Skipped
from wiretrace.story.encoder import Encoder, load_encoders
from wiretrace.story.similarity import StorySpace
from wiretrace.story.stage import PassageSpace, meaning_relation
from wiretrace.verify import Verifier


def _parse(line: bytes | dict, n: int) -> tuple[str, Article, Article] | dict:
    try:
        row = orjson.loads(line) if isinstance(line, bytes | str) else line
    except orjson.JSONDecodeError as exc:
        return {"id": None, "line": n, "error": f"malformed JSON: {exc}"}
    if not isinstance(row, dict):
        return {"id": None, "line": n, "error": "line is not an object"}
    pair_id = row.get("id", n)
    sides = []
    for side in ("a", "b"):
        record = row.get(side)
        if isinstance(record, dict) and "id" not in record:
            record = {**record, "id": f"{pair_id}/{side}"}
        article = article_from_fields(record, f"line {n}, {side}")
        if isinstance(article, Skipped):
            return {"id": pair_id, "error": f"{side}: {article.reason}"}
        article.id = f"{n}/{side}"  # ids inside one file may repeat across pairs
        sides.append(article)
    return pair_id, sides[0], sides[1]


def parse_pairs(lines: Iterable[bytes | dict]) -> tuple[list, list[CleanArticle]]:
    """Each line parsed (a (pair id, a, b) tuple, or an error answer), and the cleaned
    articles of the good pairs: a then b of each, in order."""
    parsed = [_parse(line, n) for n, line in enumerate(lines, start=1) if line]
    good = [p for p in parsed if isinstance(p, tuple)]
    return parsed, [clean_article(a) for _, a, b in good for a in (a, b)]


def compare_pairs(
    lines: Iterable[bytes | dict],
    config: Config | None = None,
    encoders: Sequence[Encoder] | None = None,
) -> Iterator[dict]:
    """One answer per input line, in input order."""
    config = config or Config()
    if encoders is None:
        encoders = load_encoders(config.encoder, config.encoder_lead_words)
    parsed, articles = parse_pairs(lines)
    good = [p for p in parsed if isinstance(p, tuple)]
    index = {a.id: i for i, a in enumerate(articles)}
    similarity = match = np.zeros(len(good))
    passages = None
    if good:
        space = StorySpace.build(articles, config, encoders)
        left = np.array([index[a.id] for _, a, _ in good])
        right = np.array([index[b.id] for _, _, b in good])
        similarity, match = space.pair_scores(left, right)
        close = similarity >= config.rewrite_min_story_similarity
        pairs_close = [(a, b) for k, (_, a, b) in enumerate(good) if close[k]]
        to_align = dict.fromkeys(x.id for pair in pairs_close for x in pair)
        passages = PassageSpace([articles[index[i]] for i in to_align], space, encoders)
    verifier = Verifier(articles, config)
    answers = iter(range(len(good)))
    for item in parsed:
        if isinstance(item, dict):
            yield item
            continue
        k = next(answers)
        pair_id, a, b = item
        rel = verifier.relate(a.id, b.id)
        score = float(similarity[k])
        if rel is not None:
            relation = rel.relation
            score = max(score, min(rel.coverage_a, rel.coverage_b))
        elif score >= config.rewrite_min_story_similarity:
            clean_a, clean_b = articles[index[a.id]], articles[index[b.id]]
            relation = meaning_relation(clean_a, clean_b, score, passages, config).relation
        else:
            relation = "same_story" if match[k] >= config.story_min_match else "unrelated"
        yield {
            "id": pair_id,
            "relation": relation,
            "similarity": round(score, 4),
            "match": round(float(match[k]), 4),
        }
