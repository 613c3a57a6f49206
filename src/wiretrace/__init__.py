"""wiretrace: find every copy of a news story, group the copies, and show the evidence.

The Python API mirrors the command line::

    from wiretrace import Config, run, write_outputs
    result = run(["articles/"], Config())
    write_outputs(result, "out/", Config())
"""

__version__ = "0.1.0"

from wiretrace.config import Config  # noqa: E402
from wiretrace.pipeline import RunResult, run, run_records  # noqa: E402
from wiretrace.report import write_outputs  # noqa: E402

__all__ = ["Config", "RunResult", "__version__", "run", "run_records", "write_outputs"]
