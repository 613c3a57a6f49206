"""The whole pipeline (copies, stories, lineages, diffs) as Spark jobs, for corpora one
machine cannot hold (``--engine spark``)."""

from wiretrace.spark.engine import run_spark

__all__ = ["run_spark"]
