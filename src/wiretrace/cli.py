"""Command line: a thin layer over the Python API.

wiretrace run INPUT... --out DIR [--db index.db] [--format jsonl|parquet|csv]
wiretrace dedup INPUT... --out corpus.jsonl [--keep original|earliest|longest]
wiretrace report DIR [-o report.html] [--screenshot shot.png --story ID]
wiretrace show ID [--out DIR] [--full]
wiretrace diff A B [--db index.db]   (two files, or two stored ids: aligned passages side by side)
wiretrace query FILE... --db index.db [--out answers.jsonl]   (read-only)
wiretrace serve --db index.db [--host 127.0.0.1] [--port 8080]  (the store over HTTP)
wiretrace keys add NAME --scope read|write --db index.db | list | revoke NAME
wiretrace compare PAIRS.jsonl --out FILE
wiretrace eval clough | semeval | ecbplus | mrpc | events
wiretrace train fusion --out FILE   (similarity and event-match weights, SemEval and ECB+ dev)
wiretrace bench copies | pipeline | incremental | blocking | hashing | embed | report |
                scale | html | stories | distil | headlines | serve |
                provenance | dates | inputs
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import orjson
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from wiretrace import __version__, logs
from wiretrace.errors import UsageError, WiretraceError
from wiretrace.untrusted import printable

if TYPE_CHECKING:
    from wiretrace.config import Config


def shared_data() -> Path:
    """../shared/data beside the working folder, else beside this checkout."""
    here = Path.cwd() / ".." / "shared" / "data"
    checkout = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    return here if here.exists() or not checkout.exists() else checkout


def _config(args: argparse.Namespace) -> Config:
    from wiretrace.config import Config  # the stages' settings: not for --help or --version

    """The run's settings: the ``--config`` file's, with the command-line options on top."""
    run: dict[str, object] = {}
    story: dict[str, object] = {}
    if getattr(args, "workers", None) is not None:
        run["workers"] = args.workers
    if getattr(args, "wait", None) is not None:
        run["store_wait_seconds"] = args.wait
    if getattr(args, "no_stories", False):
        story["enabled"] = False
    if getattr(args, "name", None) == "copies" and not getattr(args, "stories", False):
        story["enabled"] = False  # bench copies times the copy engine unless --stories
    data = {name: section for name, section in (("run", run), ("story", story)) if section}
    if getattr(args, "config", None):
        return Config.read_file(args.config, data)
    return Config.from_dict(data)


@contextmanager
def _progress_bar(enabled: bool, console: Console):
    if not enabled:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description:>18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}
    # never finished while the run works: its clock ticks between the stages' own bars
    whole = bar.add_task("run", total=None)

    def update(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total)
        bar.update(tasks[label], completed=done, total=total)

    with bar:
        yield update
        bar.update(whole, total=1, completed=1)


def cmd_run(args: argparse.Namespace) -> int:
    config = _config(args)  # before anything heavy is imported: a wrong setting is told at once
    from wiretrace.pipeline import run
    from wiretrace.report import print_summary, write_outputs

    console = Console(stderr=True, quiet=args.quiet)
    if args.engine == "spark":
        return _run_spark(args, config, console)
    show_bar = not args.quiet and console.is_terminal
    with _progress_bar(show_bar, console) as progress:
        result = run(args.inputs, config, db=args.db, progress=progress)
    write_outputs(result, args.out, config, args.format)
    if not args.no_html:
        from wiretrace.report.html import write_html

        write_html(args.out, report={"accounting": result.accounting.to_dict()})
    print_summary(result, console, out_dir=args.out, html=not args.no_html)
    return 0


def _run_spark(args: argparse.Namespace, config: Config, console: Console) -> int:
    from wiretrace.spark import run_spark
    from wiretrace.story.encoder import check_installed

    if args.db:
        raise UsageError("--engine spark writes output files; --db is for the default engine")
    if config.story.enabled:
        check_installed(config.story.encoder)  # now, not after the copy engine has run
    counts = run_spark(
        args.inputs,
        config,
        args.out,
        master=args.spark_master,
        fmt=args.format,
        slice_days=args.spark_slice_days,
    )
    acc = counts["accounting"]
    console.print(
        f"{acc['records']} records: {acc['processed']} processed, {acc['skipped']} "
        f"skipped; {counts['counts']['families']} families, "
        f"{counts['n_relations']} copy relations, {counts['counts']['stories']} stories, "
        f"{counts['counts']['lineages']} lineages -> {args.out}"
    )
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    from collections import Counter

    from wiretrace.dedup import dedup

    config = _config(args)
    console = Console(stderr=True, quiet=args.quiet)
    with _progress_bar(not args.quiet and console.is_terminal, console) as progress:
        done = dedup(args.inputs, args.out, args.keep, config, progress)
    kinds = Counter(r.relation or "skipped" for r in done.removed)
    console.print(
        printable(
            f"{done.written} records -> {done.corpus}; {len(done.removed)} removed "
            f"({', '.join(f'{n} {k}' for k, n in kinds.most_common()) or 'none'}) -> "
            f"{done.removed_file}"
        ),
        markup=False,
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    config = _config(args)  # checked before the store is made or the engine started
    import uvicorn

    from wiretrace.service.app import ServiceSettings, create_app
    from wiretrace.store import Store

    settings = ServiceSettings(
        Path(args.db),
        config,
        max_body_bytes=int(args.max_body_mb * 2**20),
        max_batch=args.max_batch,
        rate_per_second=args.rate,
        rate_burst=max(1, int(args.rate * 2)),
    )
    Store(settings.db, wait=settings.config.run.store_wait_seconds).close()  # made or upgraded now
    logs.configure(args.verbose, args.quiet, service=True)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info", workers=1)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from wiretrace.service.keys import KeyProblem, add_key, list_keys, revoke_key

    if args.action == "add":
        if not args.name or not args.scope:
            raise KeyProblem("keys add NAME --scope read|write")
        key = add_key(args.db, args.name, args.scope)
        print(f"key {args.name!r} ({args.scope}); it is shown this once, keep it:")
        print(key)
    elif args.action == "list":
        for row in list_keys(args.db):
            state = f"revoked {row['revoked']}" if row["revoked"] else "live"
            fields = (row["name"], row["scope"], f"created {row['created']}", state)
            print("\t".join(map(printable, fields)))
    else:
        if not args.name:
            raise KeyProblem("keys revoke NAME")
        revoke_key(args.db, args.name)
        print(f"revoked {args.name!r}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    config = _config(args)
    from wiretrace.query import query

    answers, accounting = query(args.inputs, args.db, config)
    lines = b"".join(orjson.dumps(a.to_dict()) + b"\n" for a in answers)
    if args.out:
        Path(args.out).write_bytes(lines)
    else:
        sys.stdout.buffer.write(lines)
    console = Console(stderr=True, quiet=args.quiet)
    seen = sum(a.seen for a in answers)
    related = sum(bool(a.relations) for a in answers)
    console.print(
        f"{len(answers)} articles: {seen} seen before (duplicate or copy), "
        f"{related} related to stored articles; {accounting.skipped_count} records skipped",
        markup=False,
        soft_wrap=True,
    )
    for s in accounting.skipped:  # one line each, however long: it names a file
        console.print(Text(printable(f"  {s.origin}: {s.reason}")), soft_wrap=True)
    if not accounting.all_skips_kept:
        unlisted = accounting.skipped_count - len(accounting.skipped)
        console.print(f"  ({unlisted} more, not listed)", markup=False)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from wiretrace.report.html import write_html

    console = Console(stderr=True)
    path = write_html(args.out_dir, args.output)
    console.print(Text(printable(f"report: {path}")))
    if args.screenshot:
        from wiretrace.report.browser import screenshot

        shot = screenshot(path, args.screenshot, args.story, args.version)
        console.print(Text(printable(f"screenshot: {shot}")))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from wiretrace.report.outputs import Outputs
    from wiretrace.report.terminal import show_article

    if not show_article(Outputs.load(args.out), args.id, Console(), full=args.full):
        raise WiretraceError(f"{args.id}: not in the outputs in {args.out}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from wiretrace.compare import diff_files, diff_stored
    from wiretrace.report.terminal import show_pair
    from wiretrace.story.encoder import load_encoders

    config = _config(args)
    encoders = load_encoders(config.story.encoder, config.story.encoder_lead_words)
    if args.db:
        pair = diff_stored(args.db, args.a, args.b, config, encoders)
    else:
        pair = diff_files(args.a, args.b, config, encoders)
    show_pair(pair, Console())
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from wiretrace.compare import compare_pairs

    with open(args.pairs, "rb") as fh:
        lines = [line for line in fh if line.strip()]
    answers = compare_pairs(lines, _config(args))
    with open(args.out, "wb") as out:
        for answer in answers:
            out.write(orjson.dumps(answer) + b"\n")
    return 0


#: The package that holds ``bench``, ``eval`` and ``train``: beside the core package in the
#: repository (``benchmarks/``) and installed with it, but never imported by it.
BENCH_PACKAGE = "wiretrace_bench"


def _bench(module: str) -> ModuleType:
    """``wiretrace_bench.<module>``; its absence is told in one line (exit 1), while a
    module missing inside it (a baseline's library, say) keeps its traceback."""
    try:
        importlib.import_module(BENCH_PACKAGE)
    except ModuleNotFoundError as exc:
        if exc.name != BENCH_PACKAGE:
            raise
        raise WiretraceError(
            f"the benchmarks package {BENCH_PACKAGE} is not installed: `bench`, `eval` and "
            "`train` need wiretrace installed from its repository (pip install '.[bench]')"
        ) from None
    return importlib.import_module(f"{BENCH_PACKAGE}.{module}")


def cmd_eval(args: argparse.Namespace) -> int:
    data_dir = Path(args.data) if args.data else shared_data()
    return _bench("evaluations").main(
        args.name, data_dir, _config(args), Console(), sweep=args.sweep
    )


def cmd_train(args: argparse.Namespace) -> int:
    data_dir = Path(args.data) if args.data else shared_data()
    return _bench("fusion_training").main(
        data_dir,
        _config(args),
        Console(),
        Path(args.out),
        seeds=args.seeds,
        limit=args.limit,
        topics=args.topics,
    )


def _sizes(text: str) -> list[int]:
    """``--sizes``: positive whole numbers, comma-separated."""
    try:
        sizes = [int(x) for x in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise UsageError(f"--sizes {text!r}: give positive whole numbers, comma-separated")
    return sizes


def cmd_bench(args: argparse.Namespace) -> int:
    data_dir = Path(args.data) if args.data else shared_data()
    console = Console()
    if args.articles is None:  # bench headlines makes four whole runs with stories
        args.articles = {
            "headlines": 3000,
            "serve": 5000,
            "rounds": 2000,
            "embed": 1000,  # every packaged encoder, e5 (slow) too, in-process then in runs
            "provenance": 200,
            "dates": None,
            "inputs": None,
        }.get(args.name, 20000)
    if args.name == "copies":
        return _bench("copies").main(
            data_dir,
            _config(args),
            console,
            n_articles=args.articles,
            n_copies=args.copies,
            seed=args.seed,
            baseline=not args.no_baseline,
        )
    if args.name == "html":
        return _bench("extractors").main(data_dir, console, n_articles=min(args.articles, 2000))
    if args.name == "scale":
        sizes = _sizes(args.sizes or "10000,100000,1000000")
        return _bench("scale").main(
            data_dir,
            console,
            sizes,
            seed=args.seed,
            workers=args.workers or 0,
            corpus_cache=args.corpus_cache,
        )
    if args.name == "outputs":
        if not args.out or not args.against:
            raise UsageError("bench outputs needs --against OLD_DIR and --out NEW_DIR")
        return _bench("outputs").main(Path(args.against), Path(args.out), console)
    if args.name == "report":
        if not args.out:
            raise UsageError("bench report needs --out DIR (the output folder of a run)")
        return _bench("report_open").main(Path(args.out), console, repeats=args.repeats)
    if args.name == "embed":
        return _bench("embedding").main(data_dir, _config(args), console, n_articles=args.articles)
    if args.name == "distil":
        return _bench("distillation").main(data_dir, console)
    if args.name == "provenance":
        return _bench("provenance").main(data_dir, _config(args), console, args.articles, args.seed)
    if args.name == "rounds":
        sizes = _sizes(args.sizes or "50,200,1000")
        return _bench("rounds").main(data_dir, _config(args), console, args.articles, sizes)
    if args.name == "serve":
        return _bench("serve").main(
            data_dir,
            _config(args),
            console,
            n_articles=args.articles,
            baseline=not args.no_baseline,
            log=args.out,
        )
    if args.name == "pipeline":
        return _bench("pipeline").main(
            data_dir,
            _config(args),
            console,
            n_articles=args.articles,
            baseline=not args.no_baseline,
        )
    if args.name == "incremental":
        return _bench("incremental").main(
            data_dir,
            _config(args),
            console,
            n_articles=args.articles,
            n_add=args.add,
            batches=args.batches,
        )
    if args.name == "blocking":
        return _bench("blocking").main(data_dir, _config(args), console, n_articles=args.articles)
    if args.name == "stories":
        return _bench("stories").main(data_dir, _config(args), console, n_articles=args.articles)
    if args.name == "dates":
        return _bench("dates").main(data_dir, console, n_articles=args.articles)
    if args.name == "inputs":
        return _bench("inputs").main(data_dir, console, n_articles=args.articles)
    if args.name == "headlines":
        return _bench("headlines").main(data_dir, _config(args), console, n_articles=args.articles)
    return _bench("hashing").main(data_dir, console, n_articles=args.articles)


def _format_option(p: argparse.ArgumentParser) -> None:
    from wiretrace.tables import FORMATS

    p.add_argument(
        "--format",
        choices=list(FORMATS),
        default="jsonl",
        help="the output tables as JSON Lines (default), Parquet, or CSV (lists and objects "
        "as JSON in a cell); `report` and `show` read any of them",
    )


def _dedup_parser(sub) -> None:
    p = sub.add_parser(
        "dedup",
        help="the input records minus copies, and the list of those removed",
        description="Run the engine of `run` and write the input records, as they were read "
        "(every field kept, never the cleaned text), minus copies: of each copy family "
        "(duplicates, copies, partial copies) one member stays. OUT.removed.EXT beside it "
        "lists every record left out: id, kept, relation, reason. --keep original (the "
        "default) runs the story stage, since the trace stage that names the original reads "
        "it: text a version shares with other stories counts against it, and rewrites join "
        "the lineage. --keep earliest|longest read only dates and lengths, and run the copy "
        "engine alone, several times faster. Rewrites and "
        "independent reports are not copies: they stay.",
    )
    p.add_argument("inputs", nargs="+", help="files or folders (.txt, .jsonl[.gz], .csv, ...)")
    p.add_argument("--out", required=True, help="the corpus: .jsonl, .jsonl.gz or .parquet")
    p.add_argument(
        "--keep",
        choices=["original", "earliest", "longest"],
        default="original",
        help="which member of a copy family stays: its traced original (default), the "
        "earliest published, or the longest",
    )
    p.add_argument("--config", help="JSON file of settings (see wiretrace.config.Config)")
    p.add_argument("--workers", type=int, help="worker processes (0 = all cores)")
    p.set_defaults(func=cmd_dedup)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wiretrace", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"wiretrace {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="find copies among articles and write the outputs")
    p.add_argument(
        "inputs",
        nargs="+",
        help="files, folders or quoted glob patterns (.txt, .jsonl[.gz], .csv[.gz], .parquet, "
        ".html, .warc[.gz]); - reads JSON Lines from standard input",
    )
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--db", help="SQLite store to compare against and add to")
    p.add_argument("--config", help="JSON file of settings (see wiretrace.config.Config)")
    p.add_argument("--workers", type=int, help="worker processes (0 = all cores)")
    p.add_argument(
        "--no-stories",
        action="store_true",
        help="copy engine only: no stories, rewrites or same-story relations",
    )
    p.add_argument("--no-html", action="store_true", help="do not write DIR/report.html")
    _format_option(p)
    p.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="with --db: give up (exit 3) if another run holds the store longer "
        "(default: wait as long as it takes)",
    )
    p.add_argument(
        "--engine",
        choices=["local", "spark"],
        default="local",
        help="spark: the whole run as Spark jobs (JSONL, Parquet, WARC, ...)",
    )
    p.add_argument(
        "--spark-master",
        default="local[2]",
        help="Spark master URL for --engine spark (local[N], spark://host:7077, yarn)",
    )
    p.add_argument(
        "--spark-slice-days",
        type=float,
        default=30.0,
        metavar="DAYS",
        help="--engine spark: stories are found in slices of this many days of publication "
        "time, each also reading the story horizon before it (default 30)",
    )
    p.set_defaults(func=cmd_run)

    _dedup_parser(sub)

    p = sub.add_parser("query", help="have we seen this? relations to a store, read-only")
    p.add_argument("inputs", nargs="+", help="files or folders of articles to look up")
    p.add_argument("--db", required=True, help="SQLite store written by `run --db`")
    p.add_argument(
        "--out", help='JSONL answers (default stdout): {"id", "seen", "story", "relations"}'
    )
    p.add_argument("--config", help="JSON file of settings")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("serve", help="the store as an HTTP service (API keys, live report)")
    p.add_argument("--db", required=True, help="SQLite store (made if missing)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--config", help="JSON file of the engine's settings")
    p.add_argument("--max-body-mb", type=float, default=10.0, help="largest request body")
    p.add_argument("--max-batch", type=int, default=1000, help="most articles in one POST")
    p.add_argument("--rate", type=float, default=50.0, help="requests a second per key")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("keys", help="API keys of `wiretrace serve`: add, list, revoke")
    p.add_argument("action", choices=["add", "list", "revoke"])
    p.add_argument("name", nargs="?", help="the key's name (add, revoke)")
    p.add_argument("--scope", choices=["read", "write"], help="add: what the key may do")
    p.add_argument("--db", required=True, help="SQLite store the service serves")
    p.set_defaults(func=cmd_keys)

    p = sub.add_parser("report", help="write the HTML report of an output folder")
    p.add_argument("out_dir", help="output folder of a run")
    p.add_argument("-o", "--output", help="HTML file (default OUT_DIR/report.html)")
    p.add_argument("--screenshot", help="also save a PNG of the page (needs Chromium)")
    p.add_argument("--story", help="screenshot this story's page (e.g. story:ID)")
    p.add_argument("--version", help="... with this version compared with its original")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("show", help="an article's story, family, original and diff")
    p.add_argument("id", help="article id")
    p.add_argument("--out", default="out", help="output folder of a run (default out/)")
    p.add_argument("--full", action="store_true", help="whole passages, not one line each")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("diff", help="two articles' relation and aligned passages side by side")
    p.add_argument("a", help="a file holding one article (any input format), or a stored id")
    p.add_argument("b", help="the other one")
    p.add_argument("--db", help="A and B are ids of articles in this store")
    p.add_argument("--config", help="JSON file of settings")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("compare", help="relation and same-story similarity of article pairs")
    p.add_argument("pairs", help='JSONL, one {"id", "a": ARTICLE, "b": ARTICLE} per line')
    p.add_argument(
        "--out",
        required=True,
        help='JSONL answers: {"id", "relation", "similarity", "match", "evidence", ...}',
    )
    p.add_argument("--config", help="JSON file of settings")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("eval", help="evaluate on a labelled set in ../shared/data")
    p.add_argument(
        "name",  # see EVALUATIONS
        choices=["clough", "semeval", "ecbplus", "mrpc", "events"],
    )
    p.add_argument(
        "--sweep",
        action="store_true",
        help="ecbplus: choose story.min_match on the dev topics only",
    )
    p.add_argument("--data", help="folder holding the data sets (default ../shared/data)")
    p.add_argument("--config", help="JSON file of settings")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("train", help="fit shipped weights on the dev portions of labelled sets")
    p.add_argument("name", choices=["fusion"])
    p.add_argument("--data", help="folder holding the data sets (default ../shared/data)")
    p.add_argument("--config", help="JSON file of settings (its encoder is the one fitted)")
    p.add_argument("--seeds", type=int, default=10, help="shuffles of the grouped 5-fold CV")
    p.add_argument("--limit", type=int, help="first N SemEval pairs only (a quick check)")
    p.add_argument("--topics", type=int, help="first N ECB+ dev topics only (a quick check)")
    p.add_argument(
        "--out",
        required=True,
        help="the weights file to write (a file already there keeps its other encoders' fits); "
        "the shipped weights are src/wiretrace/story/fusion_weights.json in the repository",
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("bench", help="measure speed, memory and accuracy")
    p.add_argument(
        "name",
        choices=[
            "copies",
            "pipeline",
            "incremental",
            "blocking",
            "hashing",
            "embed",
            "report",
            "scale",
            "html",
            "stories",
            "distil",
            "headlines",
            "serve",
            "provenance",
            "dates",
            "inputs",
            "outputs",
            "rounds",
        ],
    )
    p.add_argument("--corpus-cache", help="bench scale: keep generated corpora here, reuse them")
    p.add_argument(
        "--sizes",
        help="bench scale: corpus sizes to run (default 10000,100000,1000000); bench rounds: "
        "articles a round (default 50,200,1000); comma-separated",
    )
    p.add_argument(
        "--out",
        help="bench report: the output folder of a run; bench serve: the server's log file; "
        "bench outputs: the output folder compared with --against's",
    )
    p.add_argument(
        "--against",
        help="bench outputs: the output folder of the run before (the same input)",
    )
    p.add_argument("--repeats", type=int, default=3, help="bench report: page loads to time")
    p.add_argument("--data", help="folder holding the data sets (default ../shared/data)")
    p.add_argument(
        "--articles",
        type=int,
        help="AllSides articles to use (default 20,000; bench headlines 3,000, serve 5,000, "
        "rounds 2,000, embed 1,000; bench provenance: planted sources, 200; bench dates: all)",
    )
    p.add_argument("--copies", type=int, default=2000, help="planted copies (bench copies)")
    p.add_argument(
        "--add",
        type=int,
        default=100,
        help="bench incremental: the newest articles added to the store",
    )
    p.add_argument(
        "--batches",
        type=int,
        default=1,
        help="bench incremental: runs that build the store before the timed one",
    )
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-baseline", action="store_true", help="skip the datasketch baseline")
    p.add_argument(
        "--stories",
        action="store_true",
        help="bench copies: include the story stage in the timed run",
    )
    p.add_argument("--config", help="JSON file of settings")
    p.add_argument("--workers", type=int, help="worker processes (0 = all cores)")
    p.set_defaults(func=cmd_bench)
    _add_verbosity(sub.choices.values())
    return parser


def _add_verbosity(commands) -> None:
    """-v and -q on every command (after its name: ``wiretrace run -q ...``); a command that
    defines one itself keeps its own."""
    flags = (
        (("-v", "--verbose"), "log every stage (and debug lines)"),
        (("-q", "--quiet"), "warnings only: no summary, no progress"),
    )
    for p in commands:
        group = p.add_mutually_exclusive_group()
        for names, told in flags:
            with suppress(argparse.ArgumentError):  # already the command's own
                group.add_argument(*names, action="store_true", help=told)


def main(argv: list[str] | None = None) -> int:
    """Run one command. A known failure (:class:`~wiretrace.errors.WiretraceError`, or the
    system refusing a file) is told in one line on stderr, with exit code 2 for a wrong
    command, 1 for failed work (3: the store stayed busy); anything else is a bug, and
    keeps its traceback."""
    args = build_parser().parse_args(argv)
    logs.configure(getattr(args, "verbose", False), getattr(args, "quiet", False))
    try:
        return args.func(args)
    except WiretraceError as exc:
        return _fail(str(exc), exc.exit_code)
    except BrokenPipeError:  # `wiretrace query ... | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a file the command reads or writes: its name and the reason
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", 1)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def _fail(message: str, code: int) -> int:
    print(f"wiretrace: error: {printable(message)}", file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
