"""Helpers of the report tests: a run's output folder, and rows read back from it."""

from __future__ import annotations

import orjson

from wiretrace import Config, run
from wiretrace.config import RunSettings
from wiretrace.report import write_outputs
from wiretrace.report.html import write_html


def report_out(tmp_path_factory, name, inputs):
    out = tmp_path_factory.mktemp(name)
    config = Config(run=RunSettings(workers=1))
    write_outputs(run(inputs, config), out, config)
    return out, write_html(out)


def relation(out, a, b) -> dict:
    rows = [orjson.loads(x) for x in (out / "relations.jsonl").read_bytes().splitlines()]
    return next(r for r in rows if {r["a"], r["b"]} == {a, b})


def cleaned(out) -> dict[str, str]:
    rows = [orjson.loads(x) for x in (out / "articles.jsonl").read_bytes().splitlines()]
    return {a["id"]: "\n\n".join(a["paragraphs"]) for a in rows}
