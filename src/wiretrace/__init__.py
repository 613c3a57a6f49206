"""wiretrace: find every copy of a news story, group the copies, and show the evidence.

The Python API mirrors the command line::

    from wiretrace import Config, run, write_outputs
    result = run(["articles/"], Config())
    write_outputs(result, "out/", Config())

``run``, ``run_records``, ``RunResult`` and ``write_outputs`` are imported when first
used: the engine behind them loads scikit-learn and SciPy (2 of the 3 seconds a command
took to start), which a command that only checks its settings, or fails on them, never
needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

from wiretrace.config import Config  # noqa: E402

if TYPE_CHECKING:
    from wiretrace.pipeline import RunResult, run, run_records
    from wiretrace.report import write_outputs

__all__ = ["Config", "RunResult", "__version__", "run", "run_records", "write_outputs"]

_LAZY = {
    "RunResult": "wiretrace.pipeline",
    "run": "wiretrace.pipeline",
    "run_records": "wiretrace.pipeline",
    "write_outputs": "wiretrace.report",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'wiretrace' has no attribute {name!r}")
