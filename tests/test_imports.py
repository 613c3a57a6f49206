"""No import cycles among wiretrace's modules.

Two modules that import each other work only in the order Python happens to load them: a
cycle breaks the day one of them is imported first from somewhere new, or an import moves
to the top of a file. A lazy import (inside a function) is an import all the same: the
modules still need each other, so it is counted. Imports under ``if TYPE_CHECKING:`` are
never run, and are not.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

#: Cycles known when this test was written, each to be broken by work under way (its
#: modules named exactly). A cycle not listed fails the test; a listed one that is gone
#: fails it too, so that the list only shrinks.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / "wiretrace").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(name: str, source: str, is_package: bool = False) -> set[str]:
    """Every module name the module ``name`` (its text ``source``) imports, at any depth of
    its code but under ``if TYPE_CHECKING:``; ``from x import y`` gives ``x`` and ``x.y``
    (``y`` may be a module)."""
    package = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def import_graph() -> dict[str, set[str]]:
    """Each wiretrace module and the wiretrace modules it imports. Importing ``a.b.c`` runs
    ``a/__init__`` and ``a/b/__init__`` first, so those count as imported too (but a
    module's own packages, which are loading already when it runs)."""
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        deps = set()
        source = path.read_text(encoding="utf-8")
        for imported in imported_names(name, source, path.name == "__init__.py"):
            parts = imported.split(".")
            for k in range(1, len(parts) + 1):
                target = ".".join(parts[:k])
                if target in known and target != name and not name.startswith(target + "."):
                    deps.add(target)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    found = set(cycles(import_graph()))
    new = [sorted(c) for c in found - KNOWN_CYCLES.keys()]
    gone = [sorted(c) for c in KNOWN_CYCLES.keys() - found if any(m in modules() for m in c)]
    assert not new, f"import cycles: {new}"
    assert not gone, f"these cycles are broken: take them off KNOWN_CYCLES: {gone}"


def test_the_cycle_finder_finds_cycles_lazy_ones_too() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [frozenset("abc")]
    lazy = "def f():\n    from wiretrace.config import Config\n"
    typing_only = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import wiretrace.store\n"
    )
    relative = "from .lsh import Banding\nfrom . import minhash\n"
    assert "wiretrace.config" in imported_names("wiretrace.x", lazy)
    assert "wiretrace.store" not in imported_names("wiretrace.x", typing_only)
    assert {"wiretrace.fingerprint.lsh", "wiretrace.fingerprint.minhash"} <= imported_names(
        "wiretrace.fingerprint", relative, is_package=True
    )
