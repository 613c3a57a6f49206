"""What a run says while it works: a log line per stage where no one watches a terminal.

Real ``python -m wiretrace.cli run`` subprocesses: with stderr a file (as under nohup or a
batch scheduler), and with stderr a terminal (a pseudo-terminal), where the progress bars
speak instead and the stage lines wait for ``-v``.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys

import orjson
import pytest

from tests.helpers import DEMO, SRC, wiretrace

STAGE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d wiretrace: info: stage (?P<name>\S+): "
    r"(?P<counts>.*; )?(?P<seconds>\d+\.\d\d) s, (?P<mb>\d+) MB$"
)
EVERY_STAGE = [
    "read+clean",
    "boilerplate",
    "fingerprint",
    "store",
    "candidates",
    "verify",
    "cluster",
    "stories",
    "trace",
    "commit",
]


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    path = tmp_path_factory.mktemp("logs") / "fast.json"
    path.write_bytes(orjson.dumps({"story": {"encoder": "none"}, "run": {"workers": 1}}))
    return path


def _stages(stderr: str) -> list[re.Match]:
    return [m for line in stderr.splitlines() if (m := STAGE.match(line))]


def test_a_run_without_a_terminal_logs_each_stage(config, tmp_path):
    proc = wiretrace(
        "run", DEMO, "--out", tmp_path / "out", "--db", tmp_path / "i.db", "--config", config
    )
    assert proc.returncode == 0, proc.stderr
    stages = _stages(proc.stderr)
    assert [m["name"] for m in stages] == EVERY_STAGE
    counts = {m["name"]: m["counts"] for m in stages}
    assert counts["read+clean"] == "6 records, 5 articles, 1 skipped; "
    assert counts["commit"] == "5 articles; "
    assert all(int(m["mb"]) > 0 for m in stages)
    # the stage lines come first, as each stage ends; the summary after them
    assert proc.stderr.index("stage commit") < proc.stderr.index("wiretrace run")


def test_quiet_leaves_warnings_only(config, tmp_path):
    proc = wiretrace("run", DEMO, "--out", tmp_path / "out", "--config", config, "-q")
    assert proc.returncode == 0
    assert proc.stderr == ""


def _in_a_terminal(*args: str) -> tuple[int, str]:
    """Exit code and everything written to stderr when stderr is a (pseudo-)terminal."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wiretrace.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    said = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side closed: the process is gone
            break
        if not chunk:
            break
        said += chunk
    os.close(leader)
    return proc.wait(60), said.decode("utf-8", "replace")


def test_at_a_terminal_bars_speak_and_stage_lines_wait_for_verbose(config, tmp_path):
    code, said = _in_a_terminal(
        "run", str(DEMO), "--out", str(tmp_path / "a"), "--config", str(config)
    )
    assert code == 0
    assert "stage read+clean" not in said
    assert "wiretrace run" in said  # the summary
    code, said = _in_a_terminal(
        "run", str(DEMO), "--out", str(tmp_path / "b"), "--config", str(config), "-v"
    )
    assert code == 0
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", said).replace("\r", "\n")
    # each log line is printed above the bars, not through them
    assert re.search(r"wiretrace: info: stage trace: 1 lineages, \d+ diffs; [^\n]* MB\n", plain)
    for bar in ("clean", "fingerprint", "verify", "stories", "trace"):  # one bar a stage
        assert re.search(rf"^ *{bar} +\S+ \d+/\d+ \d:\d\d:\d\d$", plain, re.M), bar
