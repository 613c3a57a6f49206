"""``wiretrace compare`` and ``wiretrace diff``: the relation of given article pairs, with
its evidence.

Input lines of ``compare`` are ``{"id", "a": ARTICLE, "b": ARTICLE}`` with ARTICLE as in
the JSONL input; each output line is the pair's relation (:func:`answer`), or ``{"id",
"error"}`` for a line that cannot be compared, so every input line is answered.
``relation`` is ``same_story`` when the pair's event match reaches ``story.min_match``
(and no copy or rewrite relation holds); the answer also carries that ``match``. IDF
statistics are fitted on all articles of the file together.

``diff`` relates two articles, each read from a file or from a store, by the same
:func:`relate` (the copy engine's verification, then the story stage's meaning-level
check): there is one pairwise comparison, whichever command asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from wiretrace import codec
from wiretrace.clean.article import clean_article
from wiretrace.config import Config
from wiretrace.errors import UsageError
from wiretrace.ingest import read_inputs
from wiretrace.ingest.fields import article_from_fields
from wiretrace.records import Article, CleanArticle, Relation, RelationKind, Skipped
from wiretrace.store import Store
from wiretrace.story.encoder import Encoder, load_encoders
from wiretrace.story.similarity import StorySpace
from wiretrace.story.stage import PassageSpace, meaning_relation, same_story
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


def relate(
    pairs: Sequence[tuple[CleanArticle, CleanArticle]],
    config: Config,
    encoders: Sequence[Encoder],
) -> list[Relation]:
    """The relation of each pair (ids unique among all the articles), with its evidence,
    similarity, match and views; ``unrelated`` (no evidence) when none holds."""
    if not pairs:
        return []
    articles = list({x.id: x for pair in pairs for x in pair}.values())
    index = {a.id: i for i, a in enumerate(articles)}
    space = StorySpace.build(articles, config, encoders)
    left = np.array([index[a.id] for a, _ in pairs])
    right = np.array([index[b.id] for _, b in pairs])
    similarity, match = space.pair_scores(left, right)
    close = similarity >= config.story.rewrite_min_story_similarity
    # As in the story stage: paragraphs are embedded only for pairs close enough to be a
    # rewrite; a same-story pair's evidence otherwise compares them by the word views.
    passages = PassageSpace(_sides(pairs, close), space, encoders)
    words_only = PassageSpace(_sides(pairs, ~close), space, ())
    verifier = Verifier(articles, config)
    out = []
    for k, ((a, b), views) in enumerate(zip(pairs, space.pair_views(left, right), strict=True)):
        score = float(similarity[k])
        rel = verifier.relate(a.id, b.id)
        if rel is not None:
            rel.similarity = round(max(score, min(rel.coverage_a, rel.coverage_b)), 4)
        elif close[k]:
            rel = meaning_relation(a, b, score, passages, config)
        elif match[k] >= config.story.min_match:
            rel = same_story(a, b, score, words_only, config)
        else:
            rel = Relation.by_meaning(a.id, b.id, RelationKind.UNRELATED, score)
        rel.match = round(float(match[k]), 4)
        rel.views = views
        out.append(rel)
    return out


def _sides(pairs: Sequence[tuple[CleanArticle, CleanArticle]], chosen: np.ndarray) -> list:
    """The articles of the chosen pairs, each once."""
    return list({x.id: x for k, pair in enumerate(pairs) if chosen[k] for x in pair}.values())


def answer(pair_id: object, rel: Relation, a: CleanArticle, b: CleanArticle) -> dict:
    """A compare answer: the relation's fields, each evidence item with the text of its two
    passages (the offsets point into cleaned texts the asker never sees)."""
    row = codec.row(rel)
    text_a, text_b = a.text, b.text
    for e in row["evidence"]:
        e["a_text"] = text_a[e["a_start"] : e["a_end"]]
        e["b_text"] = text_b[e["b_start"] : e["b_end"]]
    del row["a"], row["b"]
    return {"id": pair_id, **row}


def compare_pairs(
    lines: Iterable[bytes | dict],
    config: Config | None = None,
    encoders: Sequence[Encoder] | None = None,
) -> Iterator[dict]:
    """One answer per input line, in input order."""
    config = config or Config()
    if encoders is None:
        encoders = load_encoders(config.story.encoder, config.story.encoder_lead_words)
    parsed, articles = parse_pairs(lines)
    pairs = list(zip(articles[0::2], articles[1::2], strict=True))
    relations = iter(zip(pairs, relate(pairs, config, encoders), strict=True))
    for item in parsed:
        if isinstance(item, dict):
            yield item
            continue
        (a, b), rel = next(relations)
        yield answer(item[0], rel, a, b)


class NotComparable(UsageError, ValueError):
    """An input of ``diff`` that is not one article (with the reason)."""


@dataclass
class PairDiff:
    """Two articles and their relation, for ``wiretrace diff``."""

    a: CleanArticle
    b: CleanArticle
    relation: Relation
    #: Where the relation comes from: "compared now", or "stored" (the run's own).
    found: str


def one_article(path: str | Path, config: Config) -> CleanArticle:
    """The one article of a file in any input format, cleaned."""
    records = list(read_inputs([path], config.ingest.max_chars))
    articles = [r for r in records if isinstance(r, Article)]
    if len(articles) != 1:
        reasons = "; ".join(f"{s.origin}: {s.reason}" for s in records if isinstance(s, Skipped))
        raise NotComparable(
            f"{path}: {len(articles)} articles read ({len(records)} records"
            + (f"; {reasons})" if reasons else ")")
            + ", diff compares one article a file"
        )
    return clean_article(articles[0])


def diff_files(
    path_a: str | Path, path_b: str | Path, config: Config, encoders: Sequence[Encoder]
) -> PairDiff:
    """The relation of the articles of two files, compared now."""
    a, b = one_article(path_a, config), one_article(path_b, config)
    if b.id == a.id:  # two files may give their articles one id (the same file name)
        b.id = f"{b.id} (b)"
    (rel,) = relate([(a, b)], config, encoders)
    return PairDiff(a, b, rel, "compared now")


def diff_stored(
    db: str | Path, id_a: str, id_b: str, config: Config, encoders: Sequence[Encoder]
) -> PairDiff:
    """Two stored articles and the relation the store holds between them (the run's, the
    one the report shows), else their relation compared now."""
    if id_a == id_b:
        raise NotComparable(f"{id_a}: the same article twice")
    with Store(db, read_only=True) as store:
        found = store.articles_by_id([id_a, id_b])
        missing = [i for i in (id_a, id_b) if i not in found]
        if missing:
            raise NotComparable(f"{db}: no article {', '.join(missing)}")
        stored = [r for r in store.relations_of(id_a) if {r.a, r.b} == {id_a, id_b}]
    a, b = found[id_a], found[id_b]
    if stored:
        return PairDiff(a, b, stored[0], "stored")
    (rel,) = relate([(a, b)], config, encoders)
    return PairDiff(a, b, rel, "compared now (no relation stored between them)")
