"""Shared fixtures: the demo corpus shipped with the package, and ../shared when present."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

import wiretrace

DEMO = Path(wiretrace.__file__).parent / "demo"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def need(path: Path) -> Path:
    """``path`` under ../shared, which CI has beside the checkout: a test that needs it fails
    without it (a skip would pass a CI run that checked nothing)."""
    if not path.exists():
        pytest.fail(f"{path} is absent: this test needs the shared data set next to the repo")
    return path


@pytest.fixture
def demo_dir() -> Path:
    return DEMO


@pytest.fixture
def counting_use():
    """The real USE encoder, wrapped to record every text it is asked to embed."""
    from wiretrace.story.encoder import EncoderUnavailable, load_encoders

    try:
        (use,) = load_encoders("use")
    except EncoderUnavailable as exc:
        pytest.fail(f"{exc} (the test extra installs it)")
    seen: list[str] = []

    class Counting:
        name, floor = use.name, use.floor

        def encode(self, texts, done=None):
            seen.extend(texts)
            return use.encode(texts, done)

    return Counting(), seen


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


@pytest.fixture(scope="module")
def page():
    """One headless Chromium page for a test module. CI sets WIRETRACE_REQUIRE_BROWSER=1 so
    that a missing browser fails there instead of skipping."""
    import os

    from wiretrace.report.browser import BrowserUnavailable, browser_page

    try:
        with browser_page() as p:
            yield p
    except BrowserUnavailable as exc:
        if os.environ.get("WIRETRACE_REQUIRE_BROWSER"):
            raise
        pytest.skip(f"no headless browser: {exc}")


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


#: Test modules whose tests read ../shared (``need``, ``SEEDS`` or ``DATA``).
_NEEDS_DATA = {
    "test_dates",
    "test_dedup",
    "test_fusion",
    "test_report",
    "test_seeds",
    "test_service",
    "test_trace",
    "test_web_inputs",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers from what each test uses, so that ``-m`` selects by component."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        uses = set(getattr(item, "fixturenames", ()))
        if module == "test_spark":
            item.add_marker(pytest.mark.spark)
            item.add_marker(pytest.mark.slow)
        if "page" in uses:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
        if module == "test_service":
            item.add_marker(pytest.mark.slow)
        if module in _NEEDS_DATA:
            item.add_marker(pytest.mark.needs_data)
