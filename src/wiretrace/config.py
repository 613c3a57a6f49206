"""Every tunable setting of wiretrace, in one place.

Stages read the fields they need from one :class:`Config`; nothing else holds
thresholds. The defaults are the shipped configuration: the same values are
used on the seeds, the benchmarks and every evaluation set.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import NamedTuple

import orjson

from wiretrace.errors import ConfigError


@dataclass(frozen=True)
class Config:
    # -- ingest ---------------------------------------------------------------
    #: Articles longer than this (characters) are cut to it, with a note in the
    #: accounting; a 50 MB "article" is a crawl accident, not news.
    max_chars: int = 400_000
    #: Articles with fewer words than this after cleaning are skipped (reason given).
    min_words: int = 8

    # -- clean ----------------------------------------------------------------
    #: A line must recur in at least this many articles to be learned as boilerplate.
    boilerplate_min_df: int = 3
    #: ... and the sampled articles sharing it must be that many different stories: two
    #: of them are one story when the containment between them, besides the recurring
    #: lines, reaches this.
    boilerplate_max_story_overlap: float = 0.2
    #: A block of one outlet (wiretrace.clean.outlet_blocks) is a run of paragraphs of at
    #: least this many words: shorter recurring lines are headings, bylines and stock
    #: sentences ("X did not immediately respond to a request for comment.", 10 words).
    outlet_block_min_words: int = 12
    #: ... shared by two articles of the outlet whose other names and numbers overlap less
    #: than this (share of the smaller set): at or above it they report one story, and the
    #: paragraphs they share are its background, not a block (see the module doc).
    outlet_block_max_name_overlap: float = 0.3

    # -- fingerprint ----------------------------------------------------------
    #: (The fingerprint stage reads these as its own settings, all of them in the tag stored
    #: with each fingerprint: wiretrace.fingerprint.settings.)
    #: Word n-gram size of the shingles hashed into MinHash sketches.
    shingle_size: int = 4
    #: Bins of the whole-document one-permutation MinHash.
    doc_num_perm: int = 128
    #: Bins of each passage sketch.
    passage_num_perm: int = 32
    #: Paragraphs longer than this many words are cut into windows of this size.
    passage_max_words: int = 120
    #: Paragraphs shorter than this are joined to the next one before sketching.
    passage_min_words: int = 30
    #: Word edit rate the LSH must survive: bands and rows are chosen so that a
    #: copy with this rate of substituted words is found with ``lsh_recall``.
    edit_rate: float = 0.10
    #: Probability of finding one passage (or whole document) at ``edit_rate``.
    lsh_passage_recall: float = 0.95
    lsh_doc_recall: float = 0.99
    #: Extra loss of whole-document Jaccard from added, dropped or stitched paragraphs.
    doc_structure_loss: float = 0.6
    #: Whole-document LSH keys only for articles with at most this many passages: a longer
    #: article's copies are found by its passages (each at ``lsh_passage_recall``), and its
    #: 52 document keys are a fifth of its copy index. 7 keeps every Clough answer found
    #: (``wiretrace eval clough``: 2 lost one light and one heavy revision) and puts AllSides
    #: at 208 keys an article (937 bytes) instead of 257.
    doc_lsh_max_passages: int = 7
    #: Buckets with more members than this emit pairs only to their first members.
    max_bucket: int = 400

    # -- verify ---------------------------------------------------------------
    #: Candidates sharing fewer shingles than this (or than half the smaller article's)
    #: are dropped before alignment. A 40-word block (``partial_min_block_words``) with 10%
    #: of its words edited keeps about 40 * 0.9^4 = 26 shingles; fewer is no relation.
    verify_min_shared: int = 24
    #: Two paragraphs align when this share of the smaller one's shingles is in the other.
    align_min_containment: float = 0.3
    #: ... and they share at least this many shingles.
    align_min_shared: int = 4
    #: ``copy`` when aligned passages cover this share of both articles.
    copy_min_coverage: float = 0.7
    #: ``partial`` when they cover this share of the smaller article ...
    partial_min_coverage: float = 0.5
    #: ... or the shared block has at least this many words and this share of the smaller
    #: article (one quoted paragraph in a long article is not a partial copy of it).
    partial_min_block_words: int = 40
    partial_min_block_share: float = 0.1

    # -- story (meaning-level matching) ----------------------------------------
    #: Find stories, rewrites and same-story relations after the copy engine.
    find_stories: bool = True
    #: Words of title + lead that stand for an article's story.
    story_lead_words: int = 300
    #: Sentence encoders for meaning-level matching: "none" (lexical TF-IDF only), "e5",
    #: "use" or "e5+use" (see wiretrace.story.encoder). USE: multilingual, ~90 leads/s.
    encoder: str = "use"
    #: Words of each text (title + lead, or paragraph) given to an encoder. Its cost grows
    #: with the words it reads, and 60 words score as 100 did (SemEval grouped-CV r 0.788
    #: against 0.796, ECB+ test ARI 0.941 both, the close-events sets 0.01-0.03 higher)
    #: for 40% less embedding. The fitted weights are for one value: refit after changing it.
    encoder_lead_words: int = 60
    #: Pieces of ``encoder_lead_words`` words of each lead the encoder reads (at most
    #: ``story_lead_words / encoder_lead_words``). Embedding is most of a run, and reading the
    #: first piece alone costs a third of three while the fused scores barely move (SemEval
    #: grouped-CV r 0.796 against 0.803; ECB+ test ARI 0.941 both). The fitted weights are
    #: for one number of pieces: ``wiretrace train fusion`` after changing it.
    encoder_lead_pieces: int = 1
    #: Same-story similarity and event match are the fitted logistics of the views
    #: (wiretrace.story.fusion, weights in story/fusion_weights.json, written by ``wiretrace
    #: train fusion``: the similarity from the SemEval-2022 Task 8 dev pairs, the match from
    #: the ECB+ *dev* topics) when weights exist for ``encoder``; otherwise, or when False,
    #: both are the mean of the lead views (the thresholds below are for the fitted scores).
    story_fusion: bool = True
    #: A pair sharing almost no words (word cosine below ``rewrite_foreign_word_similarity``)
    #: whose encoders find it this close (mean calibrated cosine; USE: raw cosine 0.70, far
    #: above the 0.42 of the 90th percentile of random AllSides pairs) is taken to be in two
    #: languages (unless both are plainly in one: wiretrace.story.language): the fusion
    #: imputes its word views from the other views. Held apart from the labelled sets the
    #: fusion is fitted on: see docs/decisions.md.
    story_foreign_min_encoder_similarity: float = 0.6
    #: Event match (wiretrace.story.fusion) at or above which two articles (or, on average,
    #: two groups of them) are one story. The best value on the ECB+ *dev* topics for the
    #: shipped weights (``wiretrace eval ecbplus --sweep`` chooses it again after ``wiretrace
    #: train fusion``), and the same for every data set. Without a fitted fusion
    #: (``story_fusion: false``, "e5", "e5+use") the match is the mean of the views: then use
    #: 0.34 (0.20 with "none").
    story_min_match: float = 0.54
    #: Articles clustered together at most (a sliding window in publication order).
    story_window: int = 1000
    #: Two dated articles further apart than this (days) are not compared for a story: a
    #: story grows through articles close in time, and an old story takes a late article
    #: only through its own late members. Not fitted (no labelled set here has dates); on
    #: the 6,000 latest AllSides articles it turns month-long topic groups (Senate
    #: impeachment trial, 43 articles, 58 days) into events (the Soleimani strike and Iran's
    #: answer, 31 articles, 12 days): ``wiretrace bench stories --articles 6000``.
    #: ``null``: no horizon.
    story_horizon_days: float | None = 7.0
    #: Blocking (wiretrace.story.blocking) scores only the pairs whose match could reach
    #: this, whatever their vectors, and embeds only the articles of pairs that could reach
    #: ``story_min_match``; the other pairs count 0 in a window's average link. (Stories
    #: agree with scoring every pair at ARI 0.995 or more on ECB+ and AllSides: ``wiretrace
    #: bench blocking``; docs/decisions.md.)
    story_block_min_match: float = 0.2
    #: False scores every pair of a window (to measure blocking against).
    story_blocking: bool = True
    #: A run over a store compares its undated articles with this many stored undated ones
    #: at most (the latest stored): undated articles have no horizon to bound them by.
    story_undated_context: int = 500
    #: ``same_story`` relations written per article at most (its most similar ones).
    story_max_neighbours: int = 10
    #: Only pairs at least this alike as wholes are aligned paragraph by paragraph ...
    rewrite_min_story_similarity: float = 0.71
    #: ... and, when they share words (word TF-IDF cosine at least ``rewrite_foreign_word_
    #: similarity``: one language), at least this alike: same-language reports of one story
    #: are alike as wholes too, and aligning them all costs more than the rest of the run.
    #: Both are quantiles of the fused similarity (41% and 7.4% of the SemEval dev pairs and
    #: the ECB+ pairs inside one topic lie above them), to re-derive whenever the weights are
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

    # -- trace (provenance and diffs) -----------------------------------------
    #: Work out originals, derivations and per-version diffs after the stories.
    trace: bool = True
    #: Evidence for one version over another (completeness, containment) must differ by
    #: at least this; otherwise the direction is marked as undetermined.
    trace_margin: float = 0.05
    #: An added passage whose best similarity to any passage elsewhere in its story is
    #: below this was stitched in from another story (the seeds: the Iran paragraphs stitched
    #: into an AP reprint score 0.03-0.09; the original's own added reporting 0.17-0.28).
    stitched_max_story_similarity: float = 0.15
    #: Story members (besides the version) whose passages are compared with its added ones.
    trace_context_articles: int = 10
    #: A copy-aligned passage with less than this similarity counts as reworded, not shared.
    shared_min_similarity: float = 0.5

    # -- cluster --------------------------------------------------------------
    #: A relation joins two families only if the families' largest members are
    #: related with at least this coverage of the smaller one (no chaining).
    family_min_coverage: float = 0.5

    # -- run ------------------------------------------------------------------
    #: Worker processes for cleaning and fingerprinting (0 = all cores).
    workers: int = 0
    #: Articles handed to a worker at a time.
    chunk_size: int = 500
    #: Show a progress bar when the run has at least this many records.
    progress_min_records: int = 2000
    #: Seconds a run with ``--db`` waits for another run writing the same store to finish
    #: (``wiretrace run --wait``); ``null``: as long as it takes (see wiretrace.storelock).
    store_wait_seconds: float | None = None

    def __post_init__(self) -> None:
        """Every setting checked by type and range the moment a Config exists, so that a
        wrong one is told before any input is read, whoever made it (a settings file, the
        command line, ``wiretrace serve``, Python, ``dataclasses.replace``): unchecked, a
        mistyped threshold surfaces as a traceback from deep inside a later stage, after
        the copy engine has run, and a negative size quietly empties every article. All
        the problems are told at once, in one line."""
        # f.type is the annotation's text (``from __future__ import annotations``).
        problems = [
            p for f in fields(self) if (p := _problem(f.name, str(f.type), getattr(self, f.name)))
        ]
        if not problems and self.story_block_min_match > self.story_min_match:
            problems.append(
                f"story_block_min_match must be at most story_min_match "
                f"({self.story_min_match:g}), not {self.story_block_min_match:g}: a pair "
                "that could be accepted would not be scored"
            )
        if problems:
            raise ConfigError("; ".join(problems))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Config:
        if not isinstance(data, dict):
            raise ConfigError(
                f"settings must be a JSON object of names and values, not {type(data).__name__}"
            )
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        for old, new in RENAMED.items():
            if old in unknown:
                raise ConfigError(f"config key {old!r} is now {new!r}: {RENAMED_WHY[old]}")
        if unknown:
            raise ConfigError(f"unknown config keys: {', '.join(sorted(unknown))}")
        return cls(**data)

    @classmethod
    def read_file(cls, path: str | Path, overrides: dict | None = None) -> Config:
        """The settings of a JSON file, with ``overrides`` (command-line options) on top."""
        try:
            data = orjson.loads(Path(path).read_bytes())
        except OSError as exc:
            raise ConfigError(f"settings file {path}: {exc.strerror or exc}") from exc
        except orjson.JSONDecodeError as exc:
            raise ConfigError(f"settings file {path} is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"settings file {path}: a JSON object of names and values, please")
        return cls.from_dict({**data, **(overrides or {})})


#: Settings that were renamed, and why (an old settings file is told, not ignored).
RENAMED = {
    "story_min_similarity": "story_min_match",
    "story_block_min_names": "story_block_min_match",
    "story_block_min_word": "story_block_min_match",
    "story_block_neighbours": "story_block_min_match",
}
RENAMED_WHY = {
    "story_min_similarity": "stories are clustered on the event match, not on the "
    "similarity; re-choose it with `wiretrace eval ecbplus "
    "--sweep` (0.38 with the default encoder)",
    **dict.fromkeys(
        ("story_block_min_names", "story_block_min_word", "story_block_neighbours"),
        "blocking now proposes every pair whose match could reach story_min_match, "
        "whatever its vectors, instead of pairs sharing names or words or near by the "
        "encoder (wiretrace.story.blocking)",
    ),
}


class Bounds(NamedTuple):
    """The values a number setting may take: ``low`` to ``high`` (None: unbounded); an open
    end excludes its bound."""

    low: float | None = 0
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def __str__(self) -> str:
        low = "" if self.low is None else f"{'>' if self.low_open else '>='} {self.low:g}"
        high = "" if self.high is None else f"{'<' if self.high_open else '<='} {self.high:g}"
        return " and ".join(x for x in (low, high) if x)

    def holds(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or (value < self.high if self.high_open else value <= self.high)


#: Bounds of an int setting not in :data:`BOUNDS`: a count, at least 0.
COUNT = Bounds(0)
#: Bounds of a float setting not in :data:`BOUNDS`: a share, similarity or rate, in [0, 1].
SHARE = Bounds(0, 1)

#: Settings whose range is not the default of their type (:data:`COUNT`, :data:`SHARE`).
BOUNDS: dict[str, Bounds] = {
    "max_chars": Bounds(1),  # 0 or less cut every article to nothing: all "empty file"
    "boilerplate_min_df": Bounds(2),  # a line in one article recurs nowhere
    "shingle_size": Bounds(1),
    "doc_num_perm": Bounds(1),
    "passage_num_perm": Bounds(1),
    "passage_max_words": Bounds(1),
    # the banding divides by log(1 - p): an edit rate of 1 or a recall of 1 has no banding
    "edit_rate": Bounds(0, 1, high_open=True),
    "lsh_passage_recall": Bounds(0, 1, low_open=True, high_open=True),
    "lsh_doc_recall": Bounds(0, 1, low_open=True, high_open=True),
    "max_bucket": Bounds(2),
    "story_lead_words": Bounds(1),
    "encoder_lead_words": Bounds(1),
    "encoder_lead_pieces": Bounds(1),
    "story_window": Bounds(1),
    "story_horizon_days": Bounds(0),
    "rewrite_min_passages": Bounds(1),
    "chunk_size": Bounds(1),
    "store_wait_seconds": Bounds(0),
}

#: Worker processes a run may ask for, per core of the machine: more only adds memory and
#: forks (each worker holds a copy of its chunk), and a typo (10000) forks thousands.
WORKERS_PER_CORE = 4


def _problem(name: str, kind: str, value: object) -> str | None:
    """What is wrong with ``value`` for the setting ``name`` of type ``kind`` (the field's
    annotation), or None."""
    if kind.endswith(" | None"):
        if value is None:
            return None
        kind = kind.removesuffix(" | None")
    shown = repr(value) if isinstance(value, float) else json.dumps(value, default=repr)
    if kind == "bool":
        return None if isinstance(value, bool) else f"{name}: {shown} is not true or false"
    if kind == "str":
        if not isinstance(value, str):
            return f"{name}: {shown} is not a string"
        return _encoder_problem(value) if name == "encoder" else None
    if kind not in ("int", "float"):  # a new kind of setting needs its check written here
        raise TypeError(f"no check for a setting of type {kind} ({name})")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{name}: {shown} is not {'a whole number' if kind == 'int' else 'a number'}"
    if kind == "int" and not isinstance(value, int):
        return f"{name}: {shown} is not a whole number"
    if kind == "float" and not math.isfinite(value):
        return f"{name}: {shown} is not a number"
    if name == "workers":
        most = WORKERS_PER_CORE * (os.cpu_count() or 1)
        bounds = Bounds(0, most)
        if not bounds.holds(value):
            return (
                f"workers: {shown} must be {bounds} ({WORKERS_PER_CORE} per core of this "
                "machine; 0 = all cores)"
            )
        return None
    bounds = BOUNDS.get(name, COUNT if kind == "int" else SHARE)
    return None if bounds.holds(value) else f"{name}: {shown} must be {bounds}"


def _encoder_problem(spec: str) -> str | None:
    """The encoder setting names known encoders ("none", or names joined by "+")."""
    from wiretrace.story.encoder import ENCODERS

    if spec in ("", "none"):
        return None
    unknown = [n for n in spec.split("+") if n not in ENCODERS]
    if not unknown:
        return None
    return (
        f"encoder: {spec!r}: no encoder named {', '.join(map(repr, unknown))} "
        f"(known: none, {', '.join(ENCODERS)}, or several joined by +)"
    )
