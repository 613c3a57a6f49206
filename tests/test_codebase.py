"""The code gates: formatting, lint and types, checked in the suite so that CI (which runs
only the README's test command) enforces them. Each runs the tool installed beside the
interpreter running the tests (the `dev` extras bring them); a missing tool fails the
test, it does not skip it: a skipped gate would pass a CI run that checked nothing."""

from __future__ import annotations

import ast
import importlib.util
import re
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


#: Test files that exercise the whole tool rather than one module: the only ones that mirror
#: no module. tests/README.md lists the same files, each with why.
CROSS_CUTTING = {"test_codebase.py", "test_imports.py", "test_seeds.py"}


def _mirrored(test: Path) -> Path | None:
    """The module ``test`` (a path under tests/) mirrors, or None: tests/<pkg>/test_<module>.py
    tests src/wiretrace/<pkg>/<module>.py, tests/<pkg>/test_<pkg>.py the package's
    __init__.py, tests/test_<module>.py src/wiretrace/<module>.py, and tests/bench/
    test_<module>.py benchmarks/wiretrace_bench/<module>.py."""
    *folders, name = test.parts
    module = name.removeprefix("test_").removesuffix(".py")
    if folders[:1] == ["bench"]:
        base = ROOT / "benchmarks" / "wiretrace_bench" / Path(*folders[1:])
    else:
        base = ROOT / "src" / "wiretrace" / Path(*folders)
    for candidate in (base / f"{module}.py", base / "__init__.py"):
        if candidate.is_file() and (candidate.name != "__init__.py" or folders[-1:] == [module]):
            return candidate
    return None


def test_every_test_file_mirrors_a_module() -> None:
    tests = ROOT / "tests"
    stray = [
        path.relative_to(tests).as_posix()
        for path in sorted(tests.rglob("test_*.py"))
        if path.relative_to(tests).as_posix() not in CROSS_CUTTING
        and _mirrored(path.relative_to(tests)) is None
    ]
    assert not stray, (
        f"{stray}: a test of src/wiretrace/<pkg>/<module>.py goes in tests/<pkg>/"
        "test_<module>.py (see tests/README.md); a test of the whole tool is listed in "
        "CROSS_CUTTING here and in tests/README.md"
    )
    listed = set(re.findall(r"^- `(test_\w+\.py)`", (tests / "README.md").read_text(), re.M))
    assert listed == CROSS_CUTTING, (listed, CROSS_CUTTING)
