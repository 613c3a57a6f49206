"""``python -m wiretrace.cli run`` as a user runs it, in a child process.

Each hostile input is run beside good records, in bounded time and memory: the child's
wall time and peak resident memory are measured against a run of the good records alone
(see :func:`run_cli`), and the good records must still be processed. Then standard input,
glob patterns, Parquet, and a command line that names nothing.

Then the failures: each is one line on stderr and a non-zero exit, never a traceback (2 when
the command asked for something impossible, 1 when the work failed).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from tests.helpers import DEMO, SRC, error_line, news_html, wiretrace, write_warc
from wiretrace.config import Config
from wiretrace.ingest.jsonl import MAX_LINE_BYTES

#: The child runs this checkout's code, whatever folder it runs in.
CHILD_ENV = os.environ | {"PYTHONPATH": str(SRC)}

#: What a hostile input may add to a run of the good records alone: one line under the cap
#: is read whole, and 40 MB besides. Each input below would add several times that if it
#: were read whole (each says how much).
EXTRA_MB = MAX_LINE_BYTES / 2**20 + 40
EXTRA_SECONDS = 15
#: The one copy among the demo articles: its reprint, found whatever else a run reads.
REPRINT = ("reprint_with_chrome", "wire_original", "copy")


@dataclass
class Finished:
    code: int
    stderr: str
    seconds: float
    peak_mb: float


def run_cli(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = 120) -> Finished:
    """Run ``python -m wiretrace.cli ARGS`` in ``cwd``; its exit code, stderr, wall seconds
    and peak resident memory. The memory is the child's own (its workers included), from
    ``wait4`` on its pid: ``getrusage(RUSAGE_CHILDREN)`` would give the largest of every
    child this test session has waited for."""
    err = cwd / f"stderr-{time.monotonic_ns()}.txt"
    with open(err, "wb") as err_fh:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "wiretrace.cli", *args],
            cwd=cwd,
            env=CHILD_ENV,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err_fh,
        )
        if stdin is not None:
            child.stdin.write(stdin)
            child.stdin.close()
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                os.kill(child.pid, signal.SIGKILL)
                os.wait4(child.pid, 0)
                pytest.fail(f"wiretrace {' '.join(args)} ran over {timeout} s")
            time.sleep(0.02)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Finished(
        child.returncode,
        err.read_text(encoding="utf-8", errors="replace"),
        time.perf_counter() - start,
        usage.ru_maxrss / 1024,
    )


def demo_records() -> list[dict]:
    """The demo articles as JSONL records: a wire story, its reprint, three others."""
    rows = []
    for path in sorted(DEMO.glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        rows.append({"id": path.stem, "title": title, "text": text.strip()})
    return rows


def jsonl(rows: list[dict]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)


def report(out: Path) -> dict:
    return orjson.loads((out / "report.json").read_bytes())["accounting"]


def relations(out: Path) -> set[tuple[str, str, str]]:
    rows = map(orjson.loads, (out / "relations.jsonl").read_bytes().splitlines())
    return {(r["a"], r["b"], r["relation"]) for r in rows}


def run_beside_good(tmp_path: Path, baseline: Finished, *hostile: str) -> dict:
    """Run the good records (good.jsonl) with the ``hostile`` inputs; check the bounds and
    that every good record was processed and the reprint found; return the accounting."""
    finished = run_cli(
        "run", "good.jsonl", *hostile, "--out", "out", "--no-stories", "--workers", "1",
        cwd=tmp_path,
    )  # fmt: skip
    assert finished.code == 0, finished.stderr
    assert "Traceback" not in finished.stderr
    print(  # the figures, shown by pytest -s
        f"{' '.join(hostile)}: {finished.seconds:.2f} s, peak {finished.peak_mb:.0f} MB; "
        f"good records alone: {baseline.seconds:.2f} s, {baseline.peak_mb:.0f} MB"
    )
    assert finished.seconds < baseline.seconds + EXTRA_SECONDS
    assert finished.peak_mb < baseline.peak_mb + EXTRA_MB, (finished.peak_mb, baseline.peak_mb)
    accounting = report(tmp_path / "out")
    assert accounting["processed"] >= len(demo_records())
    assert accounting["records"] == accounting["processed"] + accounting["skipped"]
    assert REPRINT in relations(tmp_path / "out")
    return accounting


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Finished:
    """A run of the good records alone: what each hostile run is measured against."""
    folder = tmp_path_factory.mktemp("baseline")
    (folder / "good.jsonl").write_bytes(jsonl(demo_records()))
    finished = run_cli(
        "run", "good.jsonl", "--out", "out", "--no-stories", "--workers", "1", cwd=folder
    )
    assert finished.code == 0, finished.stderr
    return finished


@pytest.fixture
def good(tmp_path: Path) -> Path:
    (tmp_path / "good.jsonl").write_bytes(jsonl(demo_records()))
    return tmp_path


# -- hostile inputs -----------------------------------------------------------------------------
def _deep_page(levels: int) -> str:
    return f"<html><body><p>A story.</p>{'<div>' * levels}x{'</div>' * levels}</body></html>"


def test_deeply_nested_html_is_skipped_in_every_carrier(good, baseline):
    """100,000 nested <div> (1.1 MB; its main text took minutes): as a page, a JSONL
    ``html`` field and a WARC record."""
    page = _deep_page(100_000)
    assert len(page) > 1_100_000
    (good / "deep.html").write_text(page, encoding="utf-8")
    (good / "deep.jsonl").write_bytes(jsonl([{"id": "deep-field", "html": page}]))
    deep = ("response", "https://x.example/deep", "200 OK", "text/html", page.encode())
    write_warc(good / "deep.warc.gz", [deep])
    accounting = run_beside_good(good, baseline, "deep.html", "deep.jsonl", "deep.warc.gz")
    assert accounting["skipped_by_reason"] == {"HTML nested over 512 levels deep": 3}


def _long_line(fh, mb: int) -> int:
    """Write a JSON line whose text is ``mb`` MB of words; return its size in bytes."""
    fh.write(b'{"id": "long", "text": "')
    for _ in range(mb):
        fh.write(b"word " * (2**20 // 5))
    fh.write(b'"}\n')
    return 24 + mb * (2**20 // 5) * 5 + 3


def test_a_jsonl_line_over_the_cap_is_never_read_whole(good, baseline):
    """A line of 200 MB (the cap is 64 MB) between good lines: read whole, with its copy
    stripped of blanks, it added 400 MB."""
    with open(good / "long.jsonl", "wb") as fh:
        fh.write(jsonl([{"id": "before", "text": demo_records()[2]["text"] + " Before."}]))
        size = _long_line(fh, 200)
        fh.write(jsonl([{"id": "after", "text": demo_records()[3]["text"] + " After."}]))
    accounting = run_beside_good(good, baseline, "long.jsonl")
    (skip,) = accounting["skipped_records"]
    assert skip["origin"] == "long.jsonl:2"
    assert skip["reason"] == f"line of {size} bytes is over {MAX_LINE_BYTES}"
    assert accounting["processed"] == len(demo_records()) + 2  # before and after


def _gzip_bomb(path: Path, head: bytes, repeated: bytes, size: int) -> Path:
    """``head`` then ``repeated`` over and over up to ``size`` bytes, gzipped."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as fh:
        fh.write(packer.compress(head))
        block = repeated * (2**20 // len(repeated))
        for _ in range(size // len(block)):
            fh.write(packer.compress(block))
        fh.write(packer.flush())
    return path


def test_a_gzip_bomb_stops_at_the_ratio_cap(good, baseline):
    """A 200 kB .jsonl.gz whose second line expands to 200 MB, and a .csv.gz whose rows
    expand to 200 MB (read whole and decoded, it added over 400 MB): each read up to the
    ratio cap, the records before the bomb kept."""
    first = demo_records()[4] | {"id": "first", "title": "First"}
    head = jsonl([first]) + b'{"id": "bomb", "text": "'
    _gzip_bomb(good / "bomb.jsonl.gz", head, b"a", 200 * 2**20)
    head = b'id,text\nrow1,"A first row, with enough words to be kept as one."\n'
    _gzip_bomb(good / "bomb.csv.gz", head, b"bomb," + b"a" * 1000 + b"\n", 200 * 2**20)
    assert (good / "bomb.jsonl.gz").stat().st_size < 400_000
    accounting = run_beside_good(good, baseline, "bomb.jsonl.gz", "bomb.csv.gz")
    reasons = {s["origin"]: s["reason"] for s in accounting["skipped_records"]}
    assert reasons["bomb.jsonl.gz:2"].startswith(
        "unreadable from here on: decompressed to over 100"
    )
    assert [r for o, r in reasons.items() if o.startswith("bomb.csv.gz") and "100 times" in r]
    assert accounting["skipped_by_reason"]["duplicate id"] > 1000  # the bomb's rows, counted
    assert accounting["processed"] == len(demo_records()) + 2  # first, row1


def test_a_csv_row_over_the_cap_is_skipped_and_the_next_rows_read(good, baseline):
    """A 200 MB field (read whole, decoded and parsed, it added over 600 MB)."""
    row = demo_records()[1]
    with open(good / "table.csv", "wb") as fh:
        fh.write(b"id,title,text\n")
        fh.write(b'huge,Huge,"')
        for _ in range(200):
            fh.write(b"word " * (2**20 // 5))
        fh.write(b'"\n')
        fh.write(f'after,{row["title"]},"{row["text"]} After."\n'.encode())
    accounting = run_beside_good(good, baseline, "table.csv")
    (skip,) = accounting["skipped_records"]
    assert skip["origin"] == "table.csv:2"
    assert skip["reason"].startswith(f"row of over {MAX_LINE_BYTES} bytes")
    assert accounting["processed"] == len(demo_records()) + 1


def test_many_bad_lines_cost_counters_not_memory(good, baseline):
    """500,000 malformed lines: counted by reason, 20 examples kept, a small report.json,
    and the HTML report written without reading it back."""
    (good / "bad.jsonl").write_bytes(b"{not json\n" * 500_000)
    accounting = run_beside_good(good, baseline, "bad.jsonl")
    assert accounting["skipped_by_reason"] == {"malformed JSON": 500_000}
    assert len(accounting["skipped_records"]) == 20
    assert accounting["skipped_records_complete"] is False
    assert (good / "out" / "report.json").stat().st_size < 100_000
    assert (good / "out" / "report.html").exists()


def test_a_warc_record_claiming_a_huge_length_does_not_swallow_the_next(good, baseline):
    """A Content-Length of 100 GB on the first of three records."""
    pages = [
        ("response", f"https://x.example/{i}", "200 OK", "text/html", news_html(title=f"Page {i}"))
        for i in range(3)
    ]
    data = write_warc(good / "crawl.warc", pages).read_bytes()
    at = data.index(b"Content-Length: ") + len(b"Content-Length: ")
    end = data.index(b"\r\n", at)
    (good / "crawl.warc").write_bytes(data[:at] + b"99999999999" + data[end:])
    accounting = run_beside_good(good, baseline, "crawl.warc")
    (skip,) = accounting["skipped_records"]
    assert skip["origin"] == "crawl.warc#1"
    assert skip["reason"].startswith("damaged WARC record: its Content-Length runs into the next")
    assert accounting["processed"] == len(demo_records()) + 2  # the two records it swallowed


def test_links_loops_and_fifos_in_a_folder_are_accounted_for(good, baseline):
    folder = good / "inputs"
    folder.mkdir()
    more = demo_records()[0] | {"id": "more", "title": "More"}
    (folder / "more.jsonl").write_bytes(jsonl([more]))
    (folder / "loop").symlink_to("loop")
    (folder / "nowhere.jsonl").symlink_to("missing.jsonl")
    (folder / "up").symlink_to("..")
    os.mkfifo(folder / "pipe.jsonl")  # reading it would wait for ever
    accounting = run_beside_good(good, baseline, "inputs")
    reasons = {Path(s["origin"]).name: s["reason"] for s in accounting["skipped_records"]}
    assert reasons == {
        "loop": "symbolic link loop",
        "nowhere.jsonl": "dangling symbolic link (to missing.jsonl)",
        "pipe.jsonl": "not a regular file (a FIFO)",
        "up": "symbolic link loop (a link to a folder it is in)",
    }


# -- inputs ----------------------------------------------------------------------------------------
def test_standard_input_is_read_as_jsonl(tmp_path):
    finished = run_cli(
        "run", "-", "--out", "out", "--no-stories", "--workers", "1",
        cwd=tmp_path, stdin=jsonl(demo_records()),
    )  # fmt: skip
    assert finished.code == 0, finished.stderr
    accounting = report(tmp_path / "out")
    assert accounting["processed"] == len(demo_records())
    assert REPRINT in relations(tmp_path / "out")
    origins = [
        orjson.loads(line)["origin"] for line in (tmp_path / "out" / "articles.jsonl").open("rb")
    ]
    assert sorted(origins) == [f"<stdin>:{n}" for n in range(1, len(demo_records()) + 1)]


def test_a_quoted_glob_is_expanded(tmp_path):
    rows = demo_records()
    (tmp_path / "data").mkdir()
    for row in rows:
        (tmp_path / "data" / f"{row['id']}.jsonl").write_bytes(jsonl([row]))
    (tmp_path / "data" / "notes.md").write_text("not matched", encoding="utf-8")
    finished = run_cli(
        "run", "data/*.jsonl", "--out", "out", "--no-stories", "--workers", "1", cwd=tmp_path
    )
    assert finished.code == 0, finished.stderr
    assert report(tmp_path / "out")["records"] == len(rows)


def test_a_command_line_that_names_nothing_gets_one_line_and_exit_2(tmp_path):
    finished = run_cli("run", "nothing/*.jsonl", "missing.jsonl", "--out", "out", cwd=tmp_path)
    assert finished.code == 2
    assert finished.stderr.strip() == (
        "wiretrace: error: nothing/*.jsonl: no file matches the pattern; "
        "missing.jsonl: no such file or folder"
    )
    assert not (tmp_path / "out").exists()


def test_parquet_gives_what_the_same_records_give_as_jsonl(tmp_path):
    """A Parquet round trip: the records written with pyarrow (dates as a timestamp column)
    and run, against the same records as JSONL."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [
        r | {"published": dt.datetime(2024, 5, 1 + i, 9, 30), "source": f"Outlet {i}"}
        for i, r in enumerate(demo_records())
    ]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "articles.parquet", row_group_size=2)
    iso = [r | {"published": r["published"].isoformat()} for r in rows]
    (tmp_path / "articles.jsonl").write_bytes(jsonl(iso))
    outputs = {}
    for name in ("articles.parquet", "articles.jsonl"):
        finished = run_cli("run", name, "--out", name + ".out", "--workers", "1", cwd=tmp_path)
        assert finished.code == 0, finished.stderr
        out = tmp_path / f"{name}.out"
        articles = [orjson.loads(line) for line in (out / "articles.jsonl").open("rb")]
        for a in articles:
            assert a.pop("origin").startswith(f"{name}:")
        outputs[name] = (
            articles,
            (out / "relations.jsonl").read_bytes(),
            (out / "families.jsonl").read_bytes(),
            (out / "stories.jsonl").read_bytes(),
        )
    assert outputs["articles.parquet"] == outputs["articles.jsonl"]
    assert outputs["articles.parquet"][0][0]["published"] == "2024-05-01T09:30:00"
    assert outputs["articles.parquet"][1]  # relations were found


# -- failures: one line, an exit code, no traceback ------------------------------------------------
def test_a_missing_input_path_is_an_error(tmp_path):
    proc = wiretrace("run", DEMO, tmp_path / "no" / "such" / "path", "--out", tmp_path / "out")
    assert error_line(proc, 2) == f"{tmp_path / 'no' / 'such' / 'path'}: no such file or folder"
    assert not (tmp_path / "out").exists()  # nothing read, nothing written


def test_a_run_that_reads_no_record_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = wiretrace("run", tmp_path / "empty", "--out", tmp_path / "out")
    assert error_line(proc, 1).startswith(f"no records in {tmp_path / 'empty'} (files ")
    assert not (tmp_path / "out" / "articles.jsonl").exists()  # no empty report


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"story": {"min_match": "high"}}, 'story.min_match: "high" is not a number'),
        ({"ingest": {"max_chars": -1}}, "ingest.max_chars: -1 must be >= 1"),
        ({"story": {"enabled": "no"}}, 'story.enabled: "no" is not true or false'),
        ({"run": {"workers": 10000}}, "run.workers: 10000 must be >= 0 and <= "),
        (
            {"story": {"encoder": "bert"}},
            "story.encoder: 'bert': no encoder named 'bert' (known: none, e5, use",
        ),
        ({"story_min_similarity": 0.4}, "config key 'story_min_similarity' is now 'story.min_"),
        (dict(story_min_match=0.4), "config key 'story_min_match' is now 'story.min_match'"),
        ({"nonsense": 1, "fingerprint": {"edit_rate": 0.1}}, "unknown config keys: nonsense"),
        ({"story": 0.5}, "config key 'story': the story settings, a JSON object"),
        ([1, 2], "a JSON object of sections"),
    ],
)
def test_a_wrong_setting_is_told_before_any_input_is_read(tmp_path, settings, said):
    config = tmp_path / "settings.json"
    config.write_bytes(orjson.dumps(settings))
    start = time.perf_counter()
    proc = wiretrace("run", DEMO, "--out", tmp_path / "out", "--config", config)
    assert said in error_line(proc, 2)
    assert time.perf_counter() - start < 30  # told at once, not after the copy engine
    assert not (tmp_path / "out").exists()


def test_every_wrong_setting_is_told_at_once(tmp_path):
    config = tmp_path / "settings.json"
    settings = {"ingest": {"max_chars": 0}, "story": {"window": "many"}, "trace": {"enabled": 1}}
    config.write_bytes(orjson.dumps(settings))
    line = error_line(wiretrace("run", DEMO, "--out", tmp_path, "--config", config), 2)
    assert line == (
        'ingest.max_chars: 0 must be >= 1; story.window: "many" is not a whole number; '
        "trace.enabled: 1 is not true or false"
    )


def test_a_settings_file_of_flat_names_is_told_where_each_is_now(tmp_path):
    config = tmp_path / "settings.json"
    config.write_bytes(orjson.dumps(dict(story_min_match=0.5, workers=1)))  # as they were
    line = error_line(wiretrace("run", DEMO, "--out", tmp_path / "o", "--config", config), 2)
    assert line == (
        "config key 'story_min_match' is now 'story.min_match'; "
        "config key 'workers' is now 'run.workers'"
    )


def test_a_run_reads_a_settings_file_of_sections(tmp_path):
    """End to end on the demo articles: the file's sections reach the stages (no stories,
    no trace), the command line's --workers goes on top of its run section, and
    report.json gives the settings back in the same sections."""
    config = tmp_path / "settings.json"
    settings = {
        "story": {"enabled": False, "min_match": 0.5},
        "trace": {"enabled": False},
        "run": {"workers": 2, "chunk_size": 7},
        "verify": {"min_shared": 20},
    }
    config.write_bytes(orjson.dumps(settings))
    out = tmp_path / "out"
    proc = wiretrace("run", DEMO, "--out", out, "--config", config, "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    report = orjson.loads((out / "report.json").read_bytes())
    written = report["config"]
    assert written["story"]["enabled"] is False and written["story"]["min_match"] == 0.5
    assert written["trace"]["enabled"] is False and written["verify"]["min_shared"] == 20
    assert written["run"] == {**written["run"], "workers": 1, "chunk_size": 7}
    relations = [orjson.loads(line) for line in (out / "relations.jsonl").read_text().splitlines()]
    assert relations and {r["relation"] for r in relations} <= {"duplicate", "copy", "partial"}
    assert not (out / "stories.jsonl").read_text().strip()
    assert Config.from_dict(written) == Config.read_file(config, {"run": {"workers": 1}})


def test_a_settings_file_that_is_not_json_or_not_there(tmp_path):
    broken = tmp_path / "settings.json"
    broken.write_text('{"workers": ')
    line = error_line(wiretrace("run", DEMO, "--out", tmp_path / "o", "--config", broken), 2)
    assert line.startswith(f"settings file {broken} is not valid JSON: ")
    missing = tmp_path / "nope.json"
    line = error_line(wiretrace("query", DEMO, "--db", "x.db", "--config", missing), 2)
    assert line == f"settings file {missing}: No such file or directory"


def test_workers_on_the_command_line_are_checked_too(tmp_path):
    line = error_line(wiretrace("run", DEMO, "--out", tmp_path, "--workers", "-3"), 2)
    assert line.startswith("run.workers: -3 must be >= 0")


def test_serve_checks_its_settings_before_making_the_store(tmp_path):
    config = tmp_path / "settings.json"
    config.write_bytes(orjson.dumps({"story": {"encoder": "e6"}}))
    db = tmp_path / "index.db"
    proc = wiretrace("serve", "--db", db, "--config", config, "--port", "0")
    assert "no encoder named 'e6'" in error_line(proc, 2)
    assert not db.exists()


def test_show_without_a_run_folder(tmp_path):
    proc = wiretrace("show", "some_id", cwd=tmp_path)  # no --out: ./out, which is not there
    assert error_line(proc, 2) == (
        "out: not the output folder of a run (no articles.jsonl, .parquet or .csv): give the "
        "folder that `wiretrace run --out` wrote"
    )


def test_show_an_id_that_is_not_in_the_outputs(tmp_path):
    out = tmp_path / "out"
    assert wiretrace("run", DEMO, "--out", out, "--no-stories", "-q").returncode == 0
    assert error_line(wiretrace("show", "nope", "--out", out), 1) == (
        f"nope: not in the outputs in {out}"
    )


def test_a_file_the_system_refuses_is_one_line(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should go")
    proc = wiretrace("run", DEMO, "--out", blocker, "--no-stories", "--no-html", "-q")
    assert error_line(proc, 1).startswith(f"{blocker}")


@pytest.mark.parametrize("command", [["bench", "copies"], ["eval", "ecbplus"]])
def test_without_the_benchmarks_package_bench_and_eval_say_so(tmp_path, command):
    """The core never imports wiretrace_bench; the commands that need it load it on demand,
    and say in one line when it is absent (here hidden from the child's imports)."""
    hide = "import sys; sys.modules['wiretrace_bench'] = None; from wiretrace.cli import main; "
    proc = subprocess.run(
        [sys.executable, "-c", hide + "sys.exit(main())", *command, "--data", tmp_path],
        env=CHILD_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "benchmarks package wiretrace_bench is not installed" in error_line(proc, 1)


def test_train_writes_only_where_it_is_told(tmp_path):
    """No default weights file: the installed package's weights are never overwritten."""
    proc = wiretrace("train", "fusion", "--data", tmp_path, cwd=tmp_path)
    assert proc.returncode == 2 and "--out" in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["run", "--help"]])
def test_version_and_help_load_no_stage(argv):
    """They start in a fraction of a second: no stage's settings, no numpy, no engine."""
    code = (
        "import sys\n"
        "from wiretrace.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('numpy', 'sklearn', 'wiretrace.config') if m in sys.modules]\n"
        "print('loaded:', heavy, file=sys.stderr)\n"
    )
    got = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=60,
    )
    assert got.returncode == 0, got.stderr
    assert got.stderr.strip().endswith("loaded: []"), got.stderr


def test_bench_sizes_mistyped_is_one_line(tmp_path):
    proc = wiretrace("bench", "rounds", "--sizes", "50,x", "--data", tmp_path)
    assert error_line(proc, 2) == "--sizes '50,x': give positive whole numbers, comma-separated"
