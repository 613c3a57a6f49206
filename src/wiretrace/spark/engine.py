"""``wiretrace run --engine spark``: the copy engine as Spark jobs.

The same stage functions as the default engine, run by Spark over partitions:

1. **read**: JSONL (``sc.textFile``, split across tasks), Parquet (``spark.read``) and
   every other input type the default engine reads (text, CSV, HTML, WARC: one task
   per file); each record becomes an Article or a Skipped record with its reason;
2. **clean** each article; duplicate ids are skipped (the first in input order wins);
3. **boilerplate**: line document frequencies by ``reduceByKey``; the frequent lines'
   first holders are judged on the driver (:func:`~wiretrace.clean.boilerplate.judge_boilerplate`,
   a bounded sample) and the learned lines are removed everywhere;
4. **fingerprint** per partition; **candidates** by grouping (band key → articles),
   capped as in :func:`~wiretrace.candidates.candidate_pairs`;
5. **verify** each candidate pair where both articles were joined to it;
6. **families**: connected components of the strong edges (label propagation),
   then the anchor-checked join of :func:`~wiretrace.cluster.copy_families` inside
   each component, so the families are those of the default engine.

Articles keep their input order as a global index, so pairs, relation
orientation and families match the default engine on the same input. The
story stage (meaning-level matching) is not part of this mode: run the default
engine, or ``wiretrace run --db`` on the results, for stories.

Outputs are the same files (articles, relations, families, report.json),
streamed to the driver's output folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from wiretrace.accounting import Accounting
from wiretrace.candidates import CandidateStats
from wiretrace.clean.article import clean_article, drop_paragraphs, too_short_reason
from wiretrace.clean.boilerplate import SAMPLE, judge_boilerplate, paragraph_keys
from wiretrace.cluster import copy_families, joins_family
from wiretrace.codec import article_table_row, family_row, relation_counts, row
from wiretrace.config import Config
from wiretrace.fingerprint import fingerprint_batch
from wiretrace.ingest import STDIN, check_inputs, input_files, read_files, truncate
from wiretrace.ingest.fields import article_from_fields, row_fields
from wiretrace.pipeline import StageClock
from wiretrace.records import Article, Skipped
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
        if name.endswith((".jsonl", ".jsonl.gz", ".ndjson")) and path.exists():
            lines = sc.textFile(str(path)).zipWithIndex()
            parts.append(
                lines.filter(lambda x: x[0].strip()).map(
                    lambda x, p=str(path), f=file_no: (
                        (f, x[1]),
                        _from_json(x[0], f"{p}:{x[1] + 1}", config.ingest.max_chars),
                    )
                )
            )
        elif name.endswith(".parquet"):
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
        else:  # one task per file, through the default engine's readers
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


def _from_json(line: str, origin: str, max_chars: int) -> Article | Skipped:
    import orjson

    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Skipped(origin, f"malformed JSON: {exc}")
    return _from_fields(record, origin, max_chars)


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
) -> dict:
    """Run the copy engine on Spark and write the outputs to ``out_dir`` (tables in ``fmt``:
    jsonl, parquet or csv); returns the counts."""
    from wiretrace.report.files import write_output_table, write_report_json

    inputs = check_inputs(inputs)  # before a Spark session is started for nothing
    own = spark is None
    spark = spark or spark_session(master)
    _quiet(spark)
    sc = spark.sparkContext
    clock = StageClock()
    lap, timings = clock.lap, clock.seconds

    try:
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
            lambda x: (
                x[1][0][0],
                Skipped(x[1][0][1].origin, f"duplicate id (first at {x[1][1][1]})", x[0]),
            )
        )
        skipped = sorted(skipped, key=lambda x: x[0]) + sorted(
            duplicates.collect(), key=lambda x: x[0]
        )
        unique = joined.filter(lambda x: x[1][0][0] == x[1][1][0]).map(lambda x: x[1][0])
        ordered = unique.sortByKey().map(lambda x: x[1]).zipWithIndex().map(lambda x: (x[1], x[0]))
        cleaned = ordered.mapValues(
            lambda a: (lambda c: (c, paragraph_keys(c)))(clean_article(a))
        ).cache()
        lap("read+clean")

        learned = _learn_boilerplate(cleaned, config)
        lb = sc.broadcast(learned)
        reason_text = "learned boilerplate (in {} articles of different stories)"

        def remove(item):
            article, keys = item
            table = lb.value
            drop = {i for i, k in enumerate(keys) if k in table}
            if drop:
                drop_paragraphs(article, drop, lambda i: reason_text.format(table[keys[i]]))
            return article

        min_words = config.ingest.min_words

        def words(a) -> int:
            return sum(p.count(" ") + 1 for p in a.paragraphs)

        articles_all = cleaned.mapValues(remove).cache()
        # A short record with a title is processed (it belongs in stories, which this engine
        # does not find) but never fingerprinted; one without a title is skipped, as in the
        # default engine (wiretrace.clean.article.too_short_reason).
        below = (
            articles_all.filter(lambda x: words(x[1]) < min_words)
            .map(lambda x: (x[0], x[1], too_short_reason(x[1], words(x[1]))))
            .collect()
        )
        n_short = sum(reason is None for _, _, reason in below)
        skipped += sorted(
            ((k, Skipped(a.origin, reason, a.id)) for k, a, reason in below if reason is not None),
            key=lambda x: x[0],
        )
        # admitted articles keep their order; re-index densely as the default engine does
        articles = (
            articles_all.filter(lambda x: words(x[1]) >= min_words)
            .sortByKey()
            .map(lambda x: x[1])
            .zipWithIndex()
            .map(lambda x: (x[1], x[0]))
            .cache()
        )
        n_articles = articles.count()
        cleaned.unpersist()
        lap("boilerplate")

        def fingerprint_partition(items):
            items = list(items)
            if not items:
                return []
            fps = fingerprint_batch(
                [a.paragraphs for _, a in items], [a.id for _, a in items], config
            )
            return [(idx, (a, fp)) for (idx, a), fp in zip(items, fps, strict=True)]

        printed = articles.mapPartitions(fingerprint_partition).cache()
        lap("fingerprint")

        max_bucket = config.candidates.max_bucket

        def bucket_pairs(item):
            members = sorted(set(item[1]))
            if len(members) < 2:
                return []
            members = members[:max_bucket]
            return [
                (members[i], members[j])
                for i in range(len(members))
                for j in range(i + 1, len(members))
            ]

        keys = printed.flatMap(
            lambda x: [(int(k), x[0]) for k in list(x[1][1].doc_keys) + list(x[1][1].passage_keys)]
        )
        buckets = keys.groupByKey().mapValues(list).cache()
        stats = CandidateStats(
            keys=keys.count(),
            buckets=buckets.filter(lambda x: len(set(x[1])) >= 2).count(),
            capped_buckets=buckets.filter(lambda x: len(set(x[1])) > max_bucket).count(),
        )
        pairs = buckets.flatMap(bucket_pairs).distinct().cache()
        stats.pairs = pairs.count()
        buckets.unpersist()
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

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        family_of = {m: f.family for f in families for m in f.members}
        write_output_table(
            out,
            "articles",
            (
                article_table_row(a, family_of, {})
                for _, a in articles.sortByKey().toLocalIterator()
            ),
            fmt,
        )
        rels = sorted(relations.collect(), key=lambda r: (r.a, r.b))
        write_output_table(out, "relations", (row(r) for r in rels), fmt)
        write_output_table(out, "families", (family_row(f, None) for f in families), fmt)
        for name in ("stories", "lineages", "diffs"):
            write_output_table(out, name, [], fmt)
        lap("write")
        counted = Accounting(n_records, n_articles + n_short, n_short)
        for _, record in skipped:  # read, then duplicate ids, then too short
            counted.skip(record)
        accounting = counted.to_dict()
        counts = {
            "engine": f"spark ({sc.master})",
            "articles_new": n_articles,
            "candidate_pairs": stats.pairs,
            "capped_buckets": stats.capped_buckets,
            "relations": relation_counts(rels),
            "families": len(families),
            "articles_in_families": sum(len(f.members) for f in families),
            "seconds": timings,
        }
        write_report_json(out / "report.json", config, accounting, counts)
        assert n_records == n_articles + n_short + counted.skipped_count, (
            "every record accounted for"
        )
        return {"accounting": accounting, "counts": counts, "n_relations": n_relations}
    finally:
        if own:
            spark.stop()


def _learn_boilerplate(cleaned, config: Config) -> dict[bytes, int]:
    """Document frequency by reduceByKey; the frequent lines judged on a bounded sample."""
    min_df = config.clean.boilerplate_min_df
    df = (
        cleaned.flatMap(lambda x: [(k, 1) for k in set(x[1][1])])
        .reduceByKey(lambda a, b: a + b)
        .filter(lambda x: x[1] >= min_df)
    )
    frequent = dict(df.collect())
    if not frequent:
        return {}
    fb = cleaned.context.broadcast(set(frequent))
    holders = dict(
        cleaned.flatMap(lambda x: [(k, x[0]) for k in set(x[1][1]) if k in fb.value])
        .groupByKey()
        .mapValues(lambda v: sorted(v)[:SAMPLE])
        .collect()
    )
    wanted = {i for members in holders.values() for i in members}
    wb = cleaned.context.broadcast(wanted)
    sampled = dict(
        cleaned.filter(lambda x: x[0] in wb.value)
        .mapValues(lambda v: (v[0].paragraphs, v[1]))
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
