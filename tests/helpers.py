"""Helpers the tests import (``from tests.helpers import ...``): the demo corpus shipped with
the package, ../shared when present, and the command line run in a subprocess. Fixtures are
in the conftest.py files; a helper used by the tests of one folder only lives beside them."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import wiretrace
from wiretrace_bench.pages import news_page

DEMO = Path(wiretrace.__file__).parent / "demo"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
#: Small inputs the tests read, kept beside them (tests/fixtures/).
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def need(path: Path) -> Path:
    """``path`` under ../shared, which CI has beside the checkout: a test that needs it fails
    without it (a skip would pass a CI run that checked nothing)."""
    if not path.exists():
        pytest.fail(f"{path} is absent: this test needs the shared data set next to the repo")
    return path


def synthetic_corpus(folder: Path, n: int, seed: int) -> Path:
    """``n`` articles made of demo paragraphs, some edited: copies, partial copies, stories."""
    rng = random.Random(seed)
    paragraphs = [
        p
        for f in sorted(DEMO.glob("*.txt"))
        for p in f.read_text(encoding="utf-8").split("\n\n")[1:]
        if len(p) > 80
    ]
    words = " ".join(paragraphs).split()
    folder.mkdir(parents=True)
    rows = []
    for k in range(n):
        picked = rng.sample(paragraphs, rng.randint(2, 5))
        edited = []
        for p in picked:
            toks = p.split()
            for _ in range(rng.randint(0, len(toks) // 8)):
                toks[rng.randrange(len(toks))] = rng.choice(words)
            edited.append(" ".join(toks))
        rows.append(
            {
                "id": f"s{seed}-{k:03d}",
                "title": f"Article {k}",
                "text": "\n\n".join(edited),
                "published": f"2024-05-{1 + k % 28:02d}",
            }
        )
    path = folder / "articles.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


SRC = Path(__file__).resolve().parents[1] / "src"


def wiretrace(
    *args, cwd=None, env=None, timeout=300, prefix=(), **popen
) -> subprocess.CompletedProcess:
    """``python -m wiretrace.cli ARGS`` in a real subprocess (this checkout's source), its
    output as text; ``env`` is added to this process's environment, ``prefix`` is a command
    that runs it (``setpriv ...``)."""
    paths = [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "wiretrace.cli", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        **popen,
    )


def store_run_command(inputs: Path, db: Path, out: Path, config: Path, *extra: str) -> list[str]:
    """``wiretrace run INPUTS --db DB`` as a command line, quiet and without the HTML report
    (for tests that start, race or kill real runs on one store)."""
    return [
        sys.executable,
        "-m",
        "wiretrace.cli",
        "run",
        str(inputs),
        "--db",
        str(db),
        "--out",
        str(out),
        "--config",
        str(config),
        "--quiet",
        "--no-html",
        *extra,
    ]


def error_line(proc: subprocess.CompletedProcess, code: int) -> str:
    """The one line a failed command says (after any log lines), having checked its exit
    code and that it said nothing else: no traceback, no second line."""
    assert "Traceback" not in proc.stderr, proc.stderr
    said = [line for line in proc.stderr.splitlines() if " wiretrace: info: " not in line]
    assert len(said) == 1, proc.stderr
    assert said[0].startswith("wiretrace: error: "), proc.stderr
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    return said[0].removeprefix("wiretrace: error: ")


def file_size_limit(kib: int):
    """A ``preexec_fn`` that limits every file the subprocess writes to ``kib`` KiB
    (RLIMIT_FSIZE): past it, writes fail as on a full disk (short writes, then EFBIG), and
    the files stay on the real disk for the test to look at afterwards."""
    import resource

    limit = kib * 1024

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limited


def small_disk(folder: Path, kib: int, then: str = "") -> list[str]:
    """A ``prefix`` that runs a command with a real ``kib`` KiB disk (tmpfs) mounted on
    ``folder``, in a mount namespace of its own (nothing to unmount; gone with the command);
    ``then`` is a shell command run in there after it (its exit code is kept). Skips where
    the kernel allows no such namespace."""
    import shutil

    if not shutil.which("unshare") or subprocess.run(["unshare", "-Urm", "true"]).returncode:
        pytest.skip("no user and mount namespaces here (unshare -Urm)")
    folder.mkdir(parents=True, exist_ok=True)
    script = (
        f'mount -t tmpfs -o size={kib}k tmpfs "$0" || exit 99; "$@"; code=$?; {then}; exit $code'
    )
    return ["unshare", "-Urm", "sh", "-c", script, str(folder)]


#: The story of the news pages the ingest tests write.
STORY = [
    "The harbour authority opened a floating solar farm on the old reservoir on Tuesday, "
    "the first of its kind in the region, after two years of building work.",
    "The farm's 12,000 panels will supply about a fifth of the port's electricity, the "
    "authority said, and cut its emissions by 4,000 tonnes a year.",
    "Critics said the money would have been better spent insulating council housing.",
]


def write_warc(path: Path, records: list[tuple]) -> Path:
    """A WARC file (gzipped if ``path`` ends in .gz) of ``records``: ("response", uri,
    status, content_type, body) | ("request", uri) | ("revisit", uri)."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for rec in records:
            kind, uri = rec[0], rec[1]
            if kind == "response":
                _, _, status, ctype, body = rec
                http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(body), http_headers=http
                )
            elif kind == "request":
                http = StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "x.example")], is_http_request=True
                )
                record = writer.create_warc_record(
                    uri, "request", payload=io.BytesIO(b""), http_headers=http
                )
            else:
                record = writer.create_warc_record(uri, kind, payload=io.BytesIO(b""))
            writer.write_record(record)
    return path


def news_html(title="Harbour city opens floating solar farm", **kw) -> bytes:
    """A news page of :data:`STORY`, as bytes."""
    return news_page(
        title, STORY, author="Maria Lind", published="2024-05-14T09:30:00", slug="solar-farm", **kw
    ).encode()


SOLAR_TITLE = "Harbour city opens floating solar farm on old reservoir"
