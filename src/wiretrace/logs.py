"""What wiretrace says while it works: stdlib logging on stderr, under the ``wiretrace`` logger.

A person at a terminal sees progress bars and the summary, and only warnings in the log.
A run under nohup, cron or a batch scheduler has no terminal and no bars: there, each
stage of a run says when it ends, with its counts, seconds and memory
(:class:`wiretrace.pipeline.StageClock`), so that the log shows where a long run is, and
where a slow or a failed one spent its time. ``-v`` shows those lines at a terminal too
(and debug lines anywhere); ``-q`` leaves warnings only.

Log lines can quote input (an id, a reason): they are :func:`~wiretrace.untrusted.printable`.
"""

from __future__ import annotations

import logging
import sys

from wiretrace.untrusted import printable

#: The logger of every wiretrace module (``logging.getLogger(__name__)`` is a child of it).
log = logging.getLogger("wiretrace")


class _Stderr(logging.StreamHandler):
    """A handler writing to ``sys.stderr`` as it is when a line comes, not as it was when the
    handler was made: rich's live display (the progress bars) replaces ``sys.stderr`` while
    it runs, and prints what is written to it above the bars instead of through them."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):  # read each time, never stored
        return sys.stderr


class _Line(logging.Formatter):
    """One printable line: ``wiretrace: warning: …`` at a terminal; with the time in a file."""

    def __init__(self, terminal: bool):
        super().__init__(datefmt="%Y-%m-%dT%H:%M:%S")
        self.terminal = terminal

    def format(self, record: logging.LogRecord) -> str:
        line = f"wiretrace: {record.levelname.lower()}: {printable(record.getMessage())}"
        if self.terminal:
            return line
        return f"{self.formatTime(record, self.datefmt)} {line}"


_HANDLER = _Stderr()


def configure(verbose: bool = False, quiet: bool = False, service: bool = False) -> None:
    """Log to stderr: stage lines (INFO) when stderr is not a terminal, for a ``service``
    (its log is its output) or with ``verbose``; debug lines with ``verbose``; warnings
    only with ``quiet``, which wins."""
    terminal = sys.stderr.isatty()
    if quiet:
        level = logging.WARNING
    elif verbose:
        level = logging.DEBUG
    else:
        level = logging.INFO if service or not terminal else logging.WARNING
    _HANDLER.setFormatter(_Line(terminal))
    log.setLevel(level)
    root = logging.getLogger()
    if _HANDLER not in root.handlers:  # on the root: third-party warnings are told too
        root.addHandler(_HANDLER)
