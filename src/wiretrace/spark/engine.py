"""``wiretrace run --engine spark``: the whole pipeline as Spark jobs.

The same steps (:mod:`wiretrace.steps`) and stage functions as the default engine, run
by Spark over partitions (:func:`map_step`: Spark schedules, the steps decide):

1. **read**: Parquet (``spark.read``, split across tasks) and every other input type the
   default engine reads (JSONL, text, CSV, HTML, WARC), one task per file through the
   default engine's readers: the same rules for an over-long line, a line in another
   encoding or a damaged gzip stream (Spark's own text reader has already replaced the
   bytes it could not decode, and holds any line whole). A corpus in one big JSONL file
   is read by one task: split it, or give Parquet, to read it in parallel;
2. **clean** each article (the ``Clean`` step); duplicate ids are skipped (the first in
   input order wins);
3. **boilerplate**: line document frequencies by ``reduceByKey``; the frequent lines'
   first holders are judged on the driver (:func:`~wiretrace.clean.boilerplate.judge_boilerplate`,
   a bounded sample) and the learned lines are removed everywhere (``DropBoilerplate``);
   articles too short are skipped or kept as short records (``Admit``);
4. **fingerprint** per partition (``Sketch``); **candidates** by
   :func:`~wiretrace.candidates.candidate_pairs` on shards of the key space, one
   partition each;
5. **verify** each candidate pair where both articles were joined to it;
6. **families**: connected components of the strong edges (label propagation),
   then the anchor-checked join of :func:`~wiretrace.cluster.copy_families` inside
   each component, so the families are those of the default engine;
7. **stories, lineages, diffs** (unless ``story.enabled`` / ``trace.enabled`` is off):
   the default engine's story and trace functions, in time slices overlapping by the
   story horizon and then per story (:mod:`wiretrace.spark.stories`).

Articles keep their input order as a global index, so pairs, relation
orientation and families match the default engine on the same input.

Outputs are the same files (articles, relations, families, stories, lineages,
diffs, report.json), streamed to the driver's output folder.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from pathlib import Path

import numpy as np

from wiretrace.accounting import Accounting
from wiretrace.candidates import CandidateStats, candidate_pairs
from wiretrace.clean.boilerplate import SAMPLE, judge_boilerplate
from wiretrace.cluster import copy_families, joins_family
from wiretrace.codec import article_table_row, derived_rows, row, run_counts
from wiretrace.config import Config
from wiretrace.ingest import STDIN, check_inputs, input_files, read_files, truncate
from wiretrace.ingest.fields import article_from_fields, row_fields
from wiretrace.pipeline import StageClock
from wiretrace.records import Article, Skipped
from wiretrace.spark.stories import SLICE_DAYS, SLICE_UNDATED, StoryResult, stories_on_spark
from wiretrace.steps import (
    Admit,
    Clean,
    DropBoilerplate,
    Sketch,
    Stats,
    Step,
    StepStats,
    duplicate_id,
)
from wiretrace.verify import Verifier


def spark_session(master: str = "local[2]", app: str = "wiretrace"):
    """A SparkSession; ``master`` is e.g. ``local[2]``, ``spark://host:7077`` or ``yarn``."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", os.environ.get("WIRETRACE_SPARK_DRIVER_MEMORY", "4g"))
        .getOrCreate()
    )


def _quiet(spark) -> None:
    spark.sparkContext.setLogLevel("ERROR")


# -- reading ---------------------------------------------------------------------------------
#: Standard input is the driver's, which Spark's tasks do not read.
_STDIN_REASON = "standard input is read by the default engine only (--engine local)"


def _records(spark, inputs, config: Config):
    """RDD of (order key, Article | Skipped), the order key giving input order."""
    sc = spark.sparkContext
    parts = []
    for file_no, path in enumerate(input_files(inputs)):
        if isinstance(path, Skipped) or str(path) == STDIN:
            skipped = path if isinstance(path, Skipped) else Skipped(STDIN, _STDIN_REASON)
            parts.append(sc.parallelize([((file_no, 0), skipped)], 1))
            continue
        name = path.name.lower()
        if name.endswith(".parquet"):
            rows = spark.read.parquet(str(path)).rdd.zipWithIndex()
            parts.append(
                rows.map(
                    lambda x, p=str(path), f=file_no: (
                        (f, x[1]),
                        _from_fields(
                            row_fields(x[0].asDict()), f"{p}:{x[1] + 1}", config.ingest.max_chars
                        ),
                    )
                )
            )
        else:  # one task per file, through the default engine's readers (JSONL too)
            parts.append(
                sc.parallelize([(file_no, str(path))], 1).flatMap(
                    lambda x: [
                        ((x[0], n), r)
                        for n, r in enumerate(read_files([x[1]], config.ingest.max_chars))
                    ]
                )
            )
    if not parts:
        return sc.emptyRDD()
    return sc.union(parts)


def _from_fields(record, origin: str, max_chars: int) -> Article | Skipped:
    got = article_from_fields(record, origin)
    return truncate(got, max_chars) if isinstance(got, Article) else got


# -- the run ---------------------------------------------------------------------------------
def run_spark(
    inputs,
    config: Config,
    out_dir: str | Path,
    master: str = "local[2]",
    spark=None,
    fmt: str = "jsonl",
    slice_days: float = SLICE_DAYS,
    slice_undated: int = SLICE_UNDATED,
) -> dict:
    """Run the engine on Spark and write the outputs to ``out_dir`` (tables in ``fmt``:
    jsonl, parquet or csv); returns the counts. Stories run in slices of ``slice_days``
    days of publication time (and of ``slice_undated`` undated articles):
    :mod:`wiretrace.spark.stories`."""
    from wiretrace.report.files import write_output_table, write_report_json

    inputs = check_inputs(inputs)  # before a Spark session is started for nothing
    own = spark is None
    spark = spark or spark_session(master)
    _quiet(spark)
    sc = spark.sparkContext
    clock = StageClock()
    lap, timings = clock.lap, clock.seconds

    try:
        steps = StepStats()
        records = _records(spark, inputs, config).cache()
        n_records = records.count()
        skipped = records.filter(lambda x: isinstance(x[1], Skipped)).collect()
        # input order -> a global index; duplicate ids: the first in input order wins
        firsts = (
            records.filter(lambda x: isinstance(x[1], Article))
            .map(lambda x: (x[1].id, (x[0], x[1].origin)))
            .reduceByKey(min)
        )
        keyed = records.filter(lambda x: isinstance(x[1], Article)).map(lambda x: (x[1].id, x))
        joined = keyed.join(firsts)
        duplicates = joined.filter(lambda x: x[1][0][0] != x[1][1][0]).map(
            lambda x: (x[1][0][0], duplicate_id(x[1][0][1], x[1][1][1]))
        )
        skipped = sorted(skipped, key=lambda x: x[0]) + sorted(
            duplicates.collect(), key=lambda x: x[0]
        )
        unique = joined.filter(lambda x: x[1][0][0] == x[1][1][0]).map(lambda x: x[1][0])
        ordered = unique.sortByKey().map(lambda x: x[1]).zipWithIndex().map(lambda x: (x[1], x[0]))
        cleaned = map_step(ordered, Clean(), steps)
        lap("read+clean")

        learned = _learn_boilerplate(cleaned, config)
        judged = map_step(cleaned, DropBoilerplate(learned), steps)
        admitted = map_step(judged, Admit(config.ingest.min_words), steps)
        skipped += sorted(
            admitted.filter(lambda x: isinstance(x[1], Skipped)).collect(), key=lambda x: x[0]
        )
        # admitted articles (short ones too) keep their order; re-indexed densely as the
        # default engine does
        articles = (
            admitted.filter(lambda x: not isinstance(x[1], Skipped))
            .sortByKey()
            .map(lambda x: x[1].article)
            .zipWithIndex()
            .map(lambda x: (x[1], x[0]))
            .cache()
        )
        n_articles = articles.count()
        n_short = articles.filter(lambda x: x[1].short).count()
        notes = [
            (article_id, note)
            for article_id, article_notes in articles.sortByKey()
            .filter(lambda x: x[1].notes)
            .map(lambda x: (x[1].id, x[1].notes))
            .collect()
            for note in article_notes
        ]
        lap("boilerplate")

        # the key carries the article on: (index, article) -> fingerprint
        sketched = map_step(articles.map(lambda x: (x, x[1])), Sketch(config.fingerprint), steps)
        printed = sketched.map(lambda x: (x[0][0], (x[0][1], x[1]))).cache()
        lap("fingerprint")

        pairs, stats = _candidate_pairs(printed, config)
        lap("candidates")

        by_index = printed.mapValues(lambda v: (v[0], v[1].shingles))
        with_a = pairs.join(by_index).map(lambda x: (x[1][0], (x[0], x[1][1])))
        with_both = with_a.join(by_index).map(lambda x: (x[1][0][0], x[0], x[1][0][1], x[1][1]))

        def verify_partition(items):
            items = list(items)
            if not items:
                return []
            arts, uniques = {}, {}
            for _, _, (a, ua), (b, ub) in items:
                arts[a.id], arts[b.id] = a, b
                uniques[a.id], uniques[b.id] = ua, ub
            verifier = Verifier(list(arts.values()), config, uniques)
            ordered_pairs = sorted((i, j, a.id, b.id) for i, j, (a, _), (b, _) in items)
            return verifier.relate_pairs([(a, b) for _, _, a, b in ordered_pairs])

        relations = with_both.mapPartitions(verify_partition).cache()
        n_relations = relations.count()
        lap("verify")

        families = _families(relations, printed, config)
        lap("families")

        rels = sorted(relations.collect(), key=lambda r: (r.a, r.b))
        found = (
            stories_on_spark(articles, rels, families, config, slice_days, slice_undated, lap)
            if config.story.enabled
            else StoryResult([], [], [], [], 0)
        )
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        family_of = {m: f.family for f in families for m in f.members}
        story_of = found.story_of()
        write_output_table(
            out,
            "articles",
            (
                article_table_row(a, family_of, story_of)
                for _, a in articles.sortByKey().toLocalIterator()
            ),
            fmt,
        )
        rels += found.relations
        write_output_table(out, "relations", (row(r) for r in rels), fmt)
        tables = derived_rows(families, found.stories, found.lineages, found.diffs)
        for name in ("families", "stories", "lineages", "diffs"):
            write_output_table(out, name, tables[name], fmt)
        lap("write")
        counted = Accounting(n_records, n_articles, n_short, notes=notes)
        for _, record in skipped:  # read, then duplicate ids, then too short
            counted.skip(record)
        accounting = counted.to_dict()
        counts = {
            "engine": f"spark ({sc.master})",
            **run_counts(n_articles, stats, rels, families, steps),
            "stories": len(found.stories),
            "stories_of_two_or_more": sum(len(s.members) > 1 for s in found.stories),
            "story_slices": found.slices,
            "lineages": len(found.lineages),
            "seconds": timings,
        }
        write_report_json(out / "report.json", config, accounting, counts)
        assert n_records == n_articles + counted.skipped_count, "every record accounted for"
        return {"accounting": accounting, "counts": counts, "n_relations": n_relations}
    finally:
        if own:
            spark.stop()


class _StatsOf:
    """What a partition's step counted, sent back as the partition's last item."""

    __slots__ = ("stats",)

    def __init__(self, stats: Stats):
        self.stats = stats


def map_step(rdd, step: Step, stats: StepStats):
    """``step`` over an RDD of (key, record) pairs, a partition per task; the stats counted
    in the tasks are added to ``stats`` (for the run's report).

    Each partition sends its stats back as one more item, which is taken out here: an RDD
    computed again (evicted from the cache, a task retried) gives the same items, where an
    accumulator would count twice. The step's results are cached once (Spark's cleaner
    lets them go when the RDD returned is no longer referenced)."""

    def run_partition(items):
        keys: deque = deque()  # of the records the step has taken and not yet given back

        def records():
            for key, record in items:
                keys.append(key)
                yield record

        step.stats = Stats()
        for output in step.run(records()):
            yield keys.popleft(), output
        yield _StatsOf(step.stats)

    mapped = rdd.mapPartitions(run_partition).cache()
    counted = Stats()
    for part in mapped.filter(lambda x: isinstance(x, _StatsOf)).collect():
        counted.merge(part.stats)
    stats.setdefault(step.name, Stats()).merge(counted)
    return mapped.filter(lambda x: not isinstance(x, _StatsOf))


def _candidate_pairs(printed, config: Config):
    """Candidate pairs of the fingerprints ``printed`` ((index, (article, fingerprint))) by
    :func:`~wiretrace.candidates.candidate_pairs`, run on shards of the key space: every
    key, with its articles, lands in one partition (the default engine shards the same
    way, by key, in one process)."""
    shards = max(2, printed.context.defaultParallelism)
    max_bucket = config.candidates.max_bucket

    def pairs_of_shard(items):
        keys, owners = [], []
        for key, owner in items:
            keys.append(key)
            owners.append(owner)
        pairs, stats = candidate_pairs(
            np.array(keys, dtype=np.uint64), np.array(owners, dtype=np.int64), max_bucket
        )
        yield stats
        yield from ((int(i), int(j)) for i, j in pairs.tolist())

    keyed = printed.flatMap(
        lambda x: [
            (int(k), x[0]) for k in [*x[1][1].doc_keys.tolist(), *x[1][1].passage_keys.tolist()]
        ]
    )
    found = keyed.partitionBy(shards).mapPartitions(pairs_of_shard).cache()
    stats = CandidateStats()
    for part in found.filter(lambda x: isinstance(x, CandidateStats)).collect():
        stats.keys += part.keys
        stats.buckets += part.buckets
        stats.capped_buckets += part.capped_buckets
    pairs = found.filter(lambda x: not isinstance(x, CandidateStats)).distinct().cache()
    stats.pairs = pairs.count()
    found.unpersist()
    return pairs, stats


def _learn_boilerplate(cleaned, config: Config) -> dict[bytes, int]:
    """Document frequency by reduceByKey; the frequent lines judged on a bounded sample."""
    min_df = config.clean.boilerplate_min_df
    df = (
        cleaned.flatMap(lambda x: [(k, 1) for k in set(x[1].keys)])
        .reduceByKey(lambda a, b: a + b)
        .filter(lambda x: x[1] >= min_df)
    )
    frequent = dict(df.collect())
    if not frequent:
        return {}
    fb = cleaned.context.broadcast(set(frequent))
    holders = dict(
        cleaned.flatMap(lambda x: [(k, x[0]) for k in set(x[1].keys) if k in fb.value])
        .groupByKey()
        .mapValues(lambda v: sorted(v)[:SAMPLE])
        .collect()
    )
    wanted = {i for members in holders.values() for i in members}
    wb = cleaned.context.broadcast(wanted)
    sampled = dict(
        cleaned.filter(lambda x: x[0] in wb.value)
        .mapValues(lambda v: (v.article.paragraphs, v.keys))
        .collect()
    )
    return judge_boilerplate(frequent, holders, sampled, config)


def _families(relations, printed, config: Config):
    """Connected components of the strong edges by label propagation in Spark, then the
    anchor-checked join inside each component."""
    min_cov = config.cluster.family_min_coverage
    strong = relations.filter(lambda r: joins_family(r, min_cov)).map(lambda r: (r.a, r.b)).cache()
    if strong.isEmpty():
        return []
    edges = strong.flatMap(lambda e: [e, (e[1], e[0])]).cache()
    parts = max(2, relations.context.defaultParallelism)
    labels = edges.keys().distinct(parts).map(lambda v: (v, v)).cache()
    while True:  # each vertex takes the smallest label among itself and its neighbours
        proposed = edges.join(labels, parts).map(lambda x: (x[1][0], x[1][1]))
        updated = labels.union(proposed).reduceByKey(min, parts).cache()
        updated.localCheckpoint()  # cut the lineage: it grows with every round
        changed = updated.join(labels, parts).filter(lambda x: x[1][0] != x[1][1]).count()
        labels = updated
        if changed == 0:
            break
    component_of = labels  # (id, component)
    rels_by_comp = (
        relations.map(lambda r: (r.a, r))
        .join(component_of, parts)
        .values()
        .map(lambda x: (x[1], x[0]))
    )
    arts_by_comp = (
        printed.map(lambda x: (x[1][0].id, (x[0], x[1][0], x[1][1].words)))
        .join(component_of, parts)
        .values()
        .map(lambda x: (x[1], x[0]))
    )

    def families_of(item):
        _, (rels, arts) = item
        arts = sorted(arts, key=lambda x: x[0])
        verifier = Verifier([a for _, a, _ in arts], config)
        words = {a.id: w for _, a, w in arts}
        order = [a.id for _, a, _ in arts]
        return copy_families(order, list(rels), words, verifier.relate, min_cov)

    found = rels_by_comp.cogroup(arts_by_comp, parts).flatMap(families_of).collect()
    found.sort(key=lambda f: (-len(f.members), f.family))
    return found
