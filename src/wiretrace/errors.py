"""The failures a user can cause or meet, each told in one line.

A :class:`WiretraceError` is a failure wiretrace understands: its message is the whole
story (what, where, and what to do), so the command line prints it on one line
(``wiretrace: error: …``) and exits with :attr:`~WiretraceError.exit_code`, never with a
traceback (:func:`wiretrace.cli.main`). Anything else that escapes is a bug, and keeps
its traceback so that it can be reported.

The exit codes: 2 when the command itself asked for something impossible (a setting out
of range, an input path that does not exist, a folder that is not a run's outputs), 1
when well-formed work failed (a corrupt or full store, no record in the inputs), and 3
for a store held by another run longer than ``--wait`` (:mod:`wiretrace.storelock`).

The kinds of failure live here, apart from the modules that raise them, so that any module
can raise one without importing another stage; a module's own failures subclass them
(``StoreBusy``, ``OutputsMissing``, ``EncoderUnavailable``, ...).
"""

from __future__ import annotations


class WiretraceError(Exception):
    """A known failure; ``str(error)`` is the line the user reads."""

    exit_code = 1


class UsageError(WiretraceError):
    """The command asked for something impossible: fix the command, not the data."""

    exit_code = 2


class ConfigError(UsageError, ValueError):
    """A setting of the wrong type, out of its range, unknown, or a settings file that is
    not JSON. A ``ValueError`` too: that is what Python callers of ``Config`` caught."""


class InputMissing(UsageError, FileNotFoundError):
    """An input path that does not exist: said before anything is read, since a run that
    silently skips it reports "nothing found" about articles it never saw."""


class NoRecords(WiretraceError):
    """The inputs exist but hold no record at all (an empty folder, files of no type
    wiretrace reads): an empty report would look like a clean bill of health."""


class StoreError(WiretraceError):
    """The store cannot be used as asked: not a store, corrupt, read-only, or full."""


class DamagedRecord(StoreError):
    """A stored row that does not read back as the record it was written as."""


class ScratchSpaceError(WiretraceError):
    """The run's scratch file (in $TMPDIR) could not be written: the folder is full or not
    writable. The run stops, and its scratch file is removed."""
