"""The settings of the story stage (section ``story`` of a settings file): meaning-level
matching, stories, rewrites and same-story relations.

How the fitted values were chosen, and what they were before, is in docs/decisions.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiretrace.settings import Bounds, Settings


@dataclass(frozen=True, slots=True)
class StorySettings(Settings):
    SECTION = "story"
    BOUNDS = {
        "lead_words": Bounds(1),
        "encoder_lead_words": Bounds(1),
        "encoder_lead_pieces": Bounds(1),
        "window": Bounds(1),
        "horizon_days": Bounds(0),
        "rewrite_min_passages": Bounds(1),
    }

    #: Find stories, rewrites and same-story relations after the copy engine.
    enabled: bool = True
    #: Words of title + lead that stand for an article's story.
    lead_words: int = 300
    #: Sentence encoders for meaning-level matching: "none" (lexical TF-IDF only), "e5",
    #: "use" or "e5+use" (see wiretrace.story.encoder). USE reads many languages.
    encoder: str = "use"
    #: Words of each text (title + lead, or paragraph) given to an encoder: its cost grows
    #: with the words it reads, and more words barely move the scores. The fitted weights
    #: are for one value: ``wiretrace train fusion`` after changing it.
    encoder_lead_words: int = 60
    #: Pieces of ``encoder_lead_words`` words of each lead the encoder reads (at most
    #: ``lead_words / encoder_lead_words``): embedding is most of a run, and more pieces
    #: barely move the fused scores. The fitted weights are for one number of pieces:
    #: ``wiretrace train fusion`` after changing it.
    encoder_lead_pieces: int = 1
    #: Same-story similarity and event match are the fitted logistics of the views
    #: (wiretrace.story.fusion, weights in story/fusion_weights.json, written by ``wiretrace
    #: train fusion``: the similarity from the SemEval-2022 Task 8 dev pairs, the match from
    #: the ECB+ *dev* topics) when weights exist for ``encoder``; otherwise, or when False,
    #: both are the mean of the lead views (the thresholds below are for the fitted scores).
    fusion: bool = True
    #: A pair sharing almost no words (word cosine below ``rewrite_foreign_word_similarity``)
    #: whose encoders find it this close (mean calibrated cosine, far above that of random
    #: pairs) is taken to be in two languages (unless both are plainly in one:
    #: wiretrace.story.language): the fusion imputes its word views from the other views.
    #: Held apart from the labelled sets the fusion is fitted on: see docs/decisions.md.
    foreign_min_encoder_similarity: float = 0.6
    #: Event match (wiretrace.story.fusion) at or above which two articles (or, on average,
    #: two groups of them) are one story. The best value on the ECB+ *dev* topics for the
    #: shipped weights (``wiretrace eval ecbplus --sweep`` chooses it again after ``wiretrace
    #: train fusion``), and the same for every data set. Without a fitted fusion
    #: (``fusion: false``, "e5", "e5+use") the match is the mean of the views: then use
    #: 0.34 (0.20 with "none").
    min_match: float = 0.54
    #: Articles clustered together at most (a sliding window in publication order).
    window: int = 1000
    #: Two dated articles further apart than this (days) are not compared for a story: a
    #: story grows through articles close in time, and an old story takes a late article
    #: only through its own late members. Not fitted (no labelled set here has dates): it
    #: turns month-long topic groups into events (``wiretrace bench stories``;
    #: docs/decisions.md). ``null``: no horizon.
    horizon_days: float | None = 7.0
    #: Blocking (wiretrace.story.blocking) scores only the pairs whose match could reach
    #: this, whatever their vectors, and embeds only the articles of pairs that could reach
    #: ``min_match``; the other pairs count 0 in a window's average link (``wiretrace bench
    #: blocking`` measures what that changes; docs/decisions.md).
    block_min_match: float = 0.2
    #: False scores every pair of a window (to measure blocking against).
    blocking: bool = True
    #: A run over a store compares its undated articles with this many stored undated ones
    #: at most (the latest stored): undated articles have no horizon to bound them by.
    undated_context: int = 500
    #: ``same_story`` relations written per article at most (its most similar ones).
    max_neighbours: int = 10
    #: Only pairs at least this alike as wholes are aligned paragraph by paragraph ...
    rewrite_min_story_similarity: float = 0.71
    #: ... and, when they share words (word TF-IDF cosine at least ``rewrite_foreign_word_
    #: similarity``: one language), at least this alike: same-language reports of one story
    #: are alike as wholes too, and aligning them all costs more than the rest of the run.
    #: Both are quantiles of the fused similarity, to re-derive whenever the weights are
    #: retrained (docs/decisions.md).
    rewrite_min_story_similarity_same_language: float = 0.92
    rewrite_foreign_word_similarity: float = 0.1
    #: Two paragraphs are a reworded pair when their similarity is at least this and beats
    #: every other pairing of either paragraph by ``rewrite_margin`` ...
    rewrite_min_passage_similarity: float = 0.25
    rewrite_margin: float = 0.05
    #: ... and a pair of articles is a ``rewrite`` when such pairs, in order, cover this
    #: share of the words of *both* articles (an independent report of the same events
    #: retells some of it, not most of both), in at least ``rewrite_min_passages`` pairs.
    rewrite_min_coverage: float = 0.6
    rewrite_min_passages: int = 3

    def problems(self) -> list[str]:
        problems = Settings.problems(self)
        if not problems and self.block_min_match > self.min_match:
            problems.append(
                f"story.block_min_match must be at most story.min_match "
                f"({self.min_match:g}), not {self.block_min_match:g}: a pair "
                "that could be accepted would not be scored"
            )
        return problems

    def field_problem(self, name: str, kind: str, value: object) -> str | None:
        problem = Settings.field_problem(self, name, kind, value)
        if name == "encoder" and not problem and isinstance(value, str):
            return _encoder_problem(value)
        return problem


def _encoder_problem(spec: str) -> str | None:
    """The encoder setting names known encoders ("none", or names joined by "+")."""
    from wiretrace.story.encoder import ENCODERS

    if spec in ("", "none"):
        return None
    unknown = [n for n in spec.split("+") if n not in ENCODERS]
    if not unknown:
        return None
    return (
        f"story.encoder: {spec!r}: no encoder named {', '.join(map(repr, unknown))} "
        f"(known: none, {', '.join(ENCODERS)}, or several joined by +)"
    )
