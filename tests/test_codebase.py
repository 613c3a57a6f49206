"""The code gates: formatting, lint and types, checked in the suite so that CI (which runs
only the README's test command) enforces them. Each runs the tool installed beside the
interpreter running the tests (the `dev` extras bring them); a missing tool fails the
test, it does not skip it: a skipped gate would pass a CI run that checked nothing."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: What each gate runs, from the repository's root (settings in pyproject.toml).
GATES = {
    "ruff format": ("ruff", ["format", "--check", "src", "benchmarks", "tests"]),
    "ruff check": ("ruff", ["check", "src", "benchmarks", "tests"]),
    "mypy": ("mypy", []),  # files and strictness: [tool.mypy]
}


@pytest.mark.parametrize("gate", list(GATES))
def test_gate_passes(gate: str) -> None:
    module, args = GATES[gate]
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is not installed for {sys.executable}: pip install -e '.[dev]'")
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        pytest.fail(
            f"{gate} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}", pytrace=False
        )


def test_the_core_never_imports_the_benchmarks() -> None:
    """src/wiretrace stands alone: the command line loads ``wiretrace_bench`` by name, on
    demand (:func:`wiretrace.cli._bench`), and no module imports it."""
    found = []
    for path in sorted((ROOT / "src" / "wiretrace").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {name}"
                for name in names
                if name.split(".")[0] == "wiretrace_bench" or name.startswith("wiretrace.bench")
            ]
    assert not found, found
