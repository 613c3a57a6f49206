"""Stories, lineages and diffs of ``--engine spark``: the local engine's functions, scheduled
by Spark.

Spark schedules, the core decides: every story is found by
:func:`~wiretrace.story.stage.find_stories` and every lineage and diff by
:func:`~wiretrace.trace.lineages` and :func:`~wiretrace.trace.version_diffs`, the functions
the local engine runs; this module only cuts the work into tasks and puts the answers
together.

**Slices** (:func:`plan_slices`). The admitted articles (full and short records) are cut by
publication time into slices of ``slice_days`` days (30 by default), counted from the
epoch, so a slice's bounds do not depend on the corpus. A slice's task also reads the
*overlap*: the articles published within ``story.horizon_days`` before its start, the only
earlier articles its own ones may be compared with (further apart, the local engine counts
their match as 0). Undated articles follow the dated ones, as in the local engine's
publication order (:func:`~wiretrace.story.clustering.time_order`): the first
``slice_undated`` of them (input order) join the last dated slice; the rest make slices of
``slice_undated`` each, whose overlap is the ``story.undated_context`` undated articles
before them (the bound a run over a store uses for undated articles). With no horizon
(``story.horizon_days: null``) every dated article is in one slice.

**A slice's task** runs :func:`find_stories` on its overlap and own articles (in input
order), with the copy relations among them and the families cut to them.

**Reconciliation** on the driver (:func:`continue_stories`, a pure function), slices in
order, as the local stream moves forward. An article keeps the story the slice owning it
gave it: overlap articles are never relabelled by a later slice. A later slice's story
holding overlap articles *continues* the earlier story most of them are in (ties: the one
of its earliest article): its own articles move there; stories are never merged. A story
without overlap articles is new. Then each copy family joins the story holding most of it
(:func:`~wiretrace.story.stage.keep_families_together`, the local engine's rule, now
over all slices: a family reprinted beyond the horizon is whole again), and the stories
are named and ordered by :func:`~wiretrace.story.stage.name_stories`. A pair's figures
(a ``same_story`` or ``rewrite`` relation, a copy relation's same-story similarity) come
from the slice that owns one of the pair's articles and holds both, which is the slice of
the later one; a story relation whose articles end in two stories is dropped (the local
engine relates only fellow members of a story).

**Trace.** Lineages and diffs run per story, for each story holding a family or a rewrite
(a lineage joins families and rewrites, and both stay inside one story), the stories spread
over tasks. A story's trace reads its members, the relations touching them (copies from
other stories tell what was stitched in) and its families.

**Executors and driver.** Executors read, clean, fingerprint and verify (the copy engine),
and run :func:`find_stories` per slice and the trace per story, with the encoders loaded
once per Python worker process (:func:`executor_encoders`; numpy models, one thread: Spark
runs one task per core). The driver holds, per admitted article, its id and publication
time, plus the relations and families, and decides the slices and the reconciliation.

Where the result can differ from the local engine's (with everything in one slice every
table is the same: the trace scores each story's paragraphs in a space of their own in
both engines):

* the TF-IDF views are fitted on the texts compared, so a slice's similarities (and, near
  ``story.min_match``, its clusters) are those of its articles, not the whole corpus's;
* average link in a slice sees the overlap, not the whole story before it: a story
  longer than the horizon that straddles a slice's start may be cut differently;
* a copy relation whose articles are in no slice together (more than the horizon apart
  across a slice's start) keeps similarity 0: no story space holds both.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from wiretrace.config import Config
from wiretrace.records import (
    CopyFamily,
    Lineage,
    Relation,
    RelationKind,
    Story,
    VersionDiff,
)
from wiretrace.story.clustering import publication_days, time_order
from wiretrace.story.encoder import Encoder, PackagedEncoder, RunVectors, load_encoders
from wiretrace.story.stage import find_stories, keep_families_together, name_stories
from wiretrace.trace import lineages, version_diffs

#: Days of publication time in one slice (counted from the epoch).
SLICE_DAYS = 30.0
#: Undated articles in one slice.
SLICE_UNDATED = 1000


# -- the plan (pure) -------------------------------------------------------------------------
@dataclass
class Slice:
    """Positions (in input order) of a slice's own articles and of its overlap."""

    key: tuple[int, int]
    own: list[int] = field(default_factory=list)
    overlap: list[int] = field(default_factory=list)


def plan_slices(
    published: Sequence[str | None],
    slice_days: float = SLICE_DAYS,
    horizon_days: float | None = 7.0,
    slice_undated: int = SLICE_UNDATED,
    undated_context: int = 500,
) -> list[Slice]:
    """The slices of articles published at ``published`` (in input order), in stream order;
    each article is own in exactly one (see the module doc)."""
    if slice_days <= 0 or slice_undated < 1:
        raise ValueError("slice_days must be above 0 and slice_undated at least 1")
    days = publication_days(published)
    order = time_order(published)
    dated = [i for i in order if not math.isnan(days[i])]
    undated = [i for i in order if math.isnan(days[i])]
    slices: dict[tuple[int, int], Slice] = {}

    def at(key: tuple[int, int]) -> Slice:
        return slices.setdefault(key, Slice(key))

    for i in dated:
        k = 0 if horizon_days is None else math.floor(days[i] / slice_days)
        at((0, k)).own.append(i)
    if horizon_days is not None:
        for i in dated:
            k = math.floor(days[i] / slice_days)
            for later in range(k + 1, math.floor((days[i] + horizon_days) / slice_days) + 1):
                if (0, later) in slices:
                    slices[(0, later)].overlap.append(i)
    last = max(slices) if slices else (1, 0)
    for c, start in enumerate(range(0, len(undated), slice_undated)):
        chunk = at(last if c == 0 else (1, c))
        chunk.own += undated[start : start + slice_undated]
        if c:
            chunk.overlap += undated[max(0, start - undated_context) : start]
    out = [slices[k] for k in sorted(slices)]
    for s in out:
        s.own.sort()
        s.overlap.sort()
    return out


@dataclass
class SliceStories:
    """What a slice's task found: its stories' members (in time order, as
    :func:`find_stories` gives them) and the ids it owns."""

    own: set[str]
    stories: list[list[str]]


def continue_stories(slices: Iterable[SliceStories]) -> dict[str, int]:
    """Story number of every owned article, the slices taken in stream order: a story
    holding articles of earlier slices continues the earlier story most of them are in (ties:
    the one of its earliest such article); one holding none starts a new story."""
    story: dict[str, int] = {}
    count = 0
    for result in slices:
        for members in result.stories:
            own = [m for m in members if m in result.own]
            if not own:
                continue
            earlier = [story[m] for m in members if m not in result.own and m in story]
            if earlier:
                votes = Counter(earlier)
                most = max(votes.values())
                target = next(s for s in earlier if votes[s] == most)
            else:
                target, count = count, count + 1
            for m in own:
                story[m] = target
    return story


def whole_stories(
    ids: Sequence[str],
    published: Sequence[str | None],
    story_of: Mapping[str, int],
    families: Sequence[CopyFamily],
) -> list[Story]:
    """The stories of the articles ``ids`` (input order) from their story numbers: each
    family moved to the story holding most of it, as :func:`find_stories` does, then named
    and ordered as it does."""
    index = {a: k for k, a in enumerate(ids)}
    labels = np.array([story_of[a] for a in ids], dtype=np.int64)
    labels = keep_families_together(labels, families, index, published)
    family_of = {m: f.family for f in families for m in f.members}
    groups: dict[int, list[str]] = defaultdict(list)
    for a, label in zip(ids, labels.tolist(), strict=True):
        groups[label].append(a)
    stories = [
        Story("", members, sorted({family_of[m] for m in members if m in family_of}))
        for _, members in sorted(groups.items())
    ]
    name_stories(stories, published, index)
    return stories


def owned_pairs(
    relations: Iterable[Relation], own: set[str], story_of: Mapping[str, str] | None = None
) -> list[Relation]:
    """The relations of a slice that are its to give: holding an article it owns (and, with
    ``story_of``, inside one story)."""
    return [
        r
        for r in relations
        if (r.a in own or r.b in own)
        and (story_of is None or story_of.get(r.a) == story_of.get(r.b))
    ]


# -- executors ---------------------------------------------------------------------------------
_LOADED: dict[tuple[str, int], list[Encoder]] = {}


def executor_encoders(spec: str, lead_words: int) -> list[Encoder]:
    """The encoders, loaded once per Python worker process (Spark reuses its workers), each
    computing on one thread in this process: Spark runs one task per core."""
    key = (spec, lead_words)
    if key not in _LOADED:
        encoders = load_encoders(spec, lead_words)
        for e in encoders:
            if isinstance(e, PackagedEncoder):
                e.processes = 0
                e.one_thread()
        _LOADED[key] = encoders
    return _LOADED[key]


def _slice_task(config: Config):
    def run(item):
        number, (extras, keyed) = item
        relations, families, own = next(iter(extras))
        articles = [a for _, a in sorted(keyed, key=lambda x: x[0])]
        encoders = executor_encoders(config.story.encoder, config.story.encoder_lead_words)
        found, stories = find_stories(
            articles, relations, families, config, encoders, cache=RunVectors()
        )
        own_ids = set(own)
        return (
            number,
            [s.members for s in stories],
            owned_pairs(found, own_ids),
            {(r.a, r.b): r.similarity for r in owned_pairs(relations, own_ids)},
        )

    return run


def _trace_task(config: Config):
    def run(item):
        _, (extras, keyed) = item
        story, relations, families = next(iter(extras))
        by_id = {a.id: a for _, a in sorted(keyed, key=lambda x: x[0])}
        encoders = executor_encoders(config.story.encoder, config.story.encoder_lead_words)
        found = lineages(by_id, relations, families, [story], config.trace.margin)
        diffs = version_diffs(found, by_id, relations, [story], config, encoders, RunVectors())
        return found, diffs

    return run


# -- the driver --------------------------------------------------------------------------------
@dataclass
class StoryResult:
    """What the story and trace stages add to a Spark run."""

    stories: list[Story]
    relations: list[Relation]
    lineages: list[Lineage]
    diffs: list[VersionDiff]
    slices: int

    def story_of(self) -> dict[str, str]:
        return {m: s.story for s in self.stories for m in s.members}


def stories_on_spark(
    admitted,
    copy_relations: list[Relation],
    families: list[CopyFamily],
    config: Config,
    slice_days: float = SLICE_DAYS,
    slice_undated: int = SLICE_UNDATED,
    lap=None,
) -> StoryResult:
    """Stories (and, with ``trace.enabled``, lineages and diffs) of the ``admitted`` articles
    (RDD of (input position, CleanArticle)); the ``copy_relations`` get their same-story
    similarity, as in the local engine."""
    sc = admitted.context
    meta = sorted(admitted.map(lambda x: (x[0], x[1].id, x[1].published)).collect())
    keys = [k for k, _, _ in meta]
    ids = [a for _, a, _ in meta]
    published = [p for _, _, p in meta]
    del meta
    slices = plan_slices(
        published,
        slice_days,
        config.story.horizon_days,
        slice_undated,
        config.story.undated_context,
    )
    in_slices: dict[str, list[int]] = defaultdict(list)
    for n, s in enumerate(slices):
        for row in s.overlap + s.own:
            in_slices[ids[row]].append(n)
    parts = max(1, len(slices))
    rels_of: list[list[Relation]] = [[] for _ in slices]
    for r in copy_relations:
        for n in set(in_slices[r.a]) & set(in_slices[r.b]):
            rels_of[n].append(r)
    fams_of: list[list[CopyFamily]] = [[] for _ in slices]
    for f in families:
        by_slice: dict[int, list[str]] = defaultdict(list)
        for m in f.members:
            for n in in_slices[m]:
                by_slice[n].append(m)
        for n, members in by_slice.items():
            fams_of[n].append(CopyFamily(f.family, members))
    extras = sc.parallelize(
        [(n, (rels_of[n], fams_of[n], [ids[row] for row in s.own])) for n, s in enumerate(slices)],
        parts,
    )
    membership = sc.parallelize(
        [(keys[row], n) for n, s in enumerate(slices) for row in s.overlap + s.own], parts
    )
    keyed = admitted.join(membership, parts).map(lambda x: (x[1][1], (x[0], x[1][0])))
    found = sorted(
        extras.cogroup(keyed, parts).map(_slice_task(config)).collect(),
        key=lambda x: x[0],
    )
    del rels_of, fams_of
    number = continue_stories(
        SliceStories({ids[row] for row in slices[n].own}, members) for n, members, _, _ in found
    )
    stories = whole_stories(ids, published, number, families)
    story_of = {m: s.story for s in stories for m in s.members}
    similarity = {pair: sim for _, _, _, sims in found for pair, sim in sims.items()}
    for r in copy_relations:
        r.similarity = similarity.get((r.a, r.b), r.similarity)
    story_relations = sorted(
        owned_pairs((r for _, _, rels, _ in found for r in rels), set(ids), story_of),
        key=lambda r: (r.a, r.b),
    )
    if lap:
        lap("stories")
    result = StoryResult(stories, story_relations, [], [], len(slices))
    if config.trace.enabled:
        position = dict(zip(ids, keys, strict=True))
        result.lineages, result.diffs = _trace(
            admitted, position, stories, copy_relations + story_relations, families, config
        )
        if lap:
            lap("trace")
    return result


def _trace(
    admitted,
    position: Mapping[str, int],
    stories: list[Story],
    relations: list[Relation],
    families: list[CopyFamily],
    config: Config,
) -> tuple[list[Lineage], list[VersionDiff]]:
    """Lineages and diffs, a task per story holding a family or a rewrite (a lineage joins
    families and rewrites, both inside one story); in the local engine's order."""
    story_no = {m: n for n, s in enumerate(stories) for m in s.members}
    traced: set[int] = set()
    fams_of: dict[int, list[CopyFamily]] = defaultdict(list)
    for f in families:
        fams_of[story_no[f.members[0]]].append(f)
        traced.add(story_no[f.members[0]])
    traced |= {story_no[r.a] for r in relations if r.relation == RelationKind.REWRITE}
    if not traced:
        return [], []
    rels_of: dict[int, list[Relation]] = defaultdict(list)
    for r in relations:
        for n in {story_no[r.a], story_no[r.b]} & traced:
            rels_of[n].append(r)
    sc = admitted.context
    parts = max(1, min(len(traced), 4 * sc.defaultParallelism))  # a task traces many stories
    extras = sc.parallelize(
        [(n, (stories[n], rels_of[n], fams_of[n])) for n in sorted(traced)], parts
    )
    membership = sc.parallelize(
        [(position[m], n) for n in sorted(traced) for m in stories[n].members], parts
    )
    keyed = admitted.join(membership, parts).map(lambda x: (x[1][1], (x[0], x[1][0])))
    done = extras.cogroup(keyed, parts).map(_trace_task(config)).collect()
    found = sorted(
        (g for lineages_of, _ in done for g in lineages_of),
        key=lambda g: (-len(g.members), g.lineage),
    )
    diffs_of = {d.id: d for _, diffs in done for d in diffs}
    return found, [diffs_of[m] for g in found for m in g.members]
