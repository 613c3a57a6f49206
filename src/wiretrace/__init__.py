"""wiretrace: find every copy of a news story, group the copies, and show the evidence.

The Python API mirrors the command line::

    from wiretrace import Config, run, write_outputs
    result = run(["articles/"], Config())
    write_outputs(result, "out/", Config())

Every name is imported when first used: the engine behind ``run`` loads scikit-learn and
SciPy, and ``Config`` every stage's settings with their modules (numpy among them), which
``wiretrace --version`` and ``--help`` never need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from wiretrace.config import Config
    from wiretrace.pipeline import RunResult, run, run_records
    from wiretrace.report import write_outputs

__all__ = ["Config", "RunResult", "__version__", "run", "run_records", "write_outputs"]

_LAZY = {
    "Config": "wiretrace.config",
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
