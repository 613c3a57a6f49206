"""Wall time, CPU time and peak memory of a command, its worker processes included.

CPU time (user + system, the whole process tree) is the figure to compare on a machine
other work shares: wall time counts the waits for the cores others hold, CPU time mostly
does not."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    returncode: int
    stderr: str
    #: User + system seconds of the process and every descendant it waited for.
    cpu_seconds: float = 0.0


def _tree_memory_kb(pid: int) -> int:
    """Proportional set size (PSS) of a process and all its descendants, from /proc.

    PSS splits pages shared between processes (forked workers share most of
    their parent's memory) among them, so the sum is the tree's real footprint;
    summing RSS would count shared pages once per worker.
    """
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(cmd: list[str], env: dict | None = None) -> Measured:
    """Run ``cmd``; sample the memory of its process tree every 100 ms or more."""
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    done = threading.Event()

    def sample() -> None:
        # Reading smaps walks every page table of the process: on a process of several GB
        # it takes tens of ms and holds its memory-map lock. Sleep 20x as long as a sample
        # took, so that measuring costs the measured run at most ~5%.
        nonlocal peak
        while not done.is_set():
            t = time.perf_counter()
            peak = max(peak, _tree_memory_kb(proc.pid))
            done.wait(max(0.1, 20 * (time.perf_counter() - t)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(seconds, peak / 1024, proc.returncode, err, cpu)


def measure_run(corpus: Path, out: Path, settings: Path | None, *options: str) -> Measured:
    """``wiretrace run CORPUS --out OUT --quiet [--config SETTINGS] [options]`` in a process
    of its own (this interpreter), measured."""
    config = ["--config", str(settings)] if settings is not None else []
    return measure(
        [
            sys.executable,
            "-m",
            "wiretrace.cli",
            "run",
            str(corpus),
            "--out",
            str(out),
            "--quiet",
            *config,
            *options,
        ]
    )
