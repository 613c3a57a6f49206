"""The writer lock of a store: one run with ``--db`` at a time, the others wait.

A run reads the store when it starts (stored fingerprints, relations, texts) and its
commit (:meth:`wiretrace.store.Store.commit_run`) replaces the derived state with what it
computed from that snapshot. Two runs working at once would each commit a view that
lacks the other's articles: the copy relations and families between their articles are
lost, and two runs of one input collide on the articles' ids. So a writer takes this
exclusive lock *before it reads anything* from the store and keeps it until its commit
is done and the store is closed; a second writer waits (saying so on stderr), then reads
a store that holds the first run's work. Read-only opens (``wiretrace query``) take no
lock: SQLite's WAL lets them read the last committed state while a run works.

The lock is ``flock(LOCK_EX)`` on a sidecar file next to the store (``index.db.lock``),
not anything written into the store, because the kernel releases a flock when the last
file descriptor holding it is closed, which happens when the process dies however it
dies (SIGKILL, OOM killer, power cut): no stale lock ever needs cleaning up, and no
pid file needs checking for liveness. The sidecar file itself stays (deleting it would
let a waiter hold a lock on an unlinked file while a newcomer locks a new one); it holds
the holder's pid, only for the waiting message.

Limits: the lock is advisory (only wiretrace takes it) and local to one machine (flock
over NFS is not reliable; neither is SQLite). Forked children (the run's worker pool)
close their inherited copy of the descriptor (:func:`os.register_at_fork`), so a worker
orphaned by a killed run cannot keep the lock. Two writers in one process exclude each
other too (flock is per open file): opening a second writing Store on the same file in
the thread that holds the first waits forever.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from wiretrace.errors import WiretraceError

#: Seconds between attempts while waiting with a timeout.
_POLL = 0.1

#: Locks held by this process (until released, even if their holder drops them): their
#: descriptors are closed in forked children.
_HELD: set[StoreLock] = set()


class StoreBusy(WiretraceError, RuntimeError):
    """Another writer held the store for longer than the caller would wait."""

    exit_code = 3


def lock_path(db: str | Path) -> Path:
    """The sidecar lock file of the store ``db``."""
    db = Path(db)
    return db.with_name(db.name + ".lock")


def _stderr_line(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class StoreLock:
    """Exclusive writer lock on the store ``db``, held from :meth:`acquire` to
    :meth:`release` (or the process's death).

    ``wait``: seconds to wait for another writer; ``None`` waits as long as it takes,
    ``0`` does not wait. ``notify`` gets the one line said when the lock is busy.
    """

    def __init__(
        self,
        db: str | Path,
        wait: float | None = None,
        notify: Callable[[str], None] = _stderr_line,
    ):
        self.db = Path(db)
        self.path = lock_path(db)
        self.wait = wait
        self.notify = notify
        self.fd: int | None = None

    def _try(self, fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _holder(self, fd: int) -> str:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return f" (pid {pid})" if pid.isdigit() else ""

    def acquire(self) -> StoreLock:
        if self.fd is not None:
            raise RuntimeError(f"{self.path}: already held by this lock")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            if not self._try(fd):
                holder = self._holder(fd)
                self.notify(f"waiting for another run on {self.db}{holder} to finish…")
                if self.wait is None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                else:
                    deadline = time.monotonic() + self.wait
                    while not self._try(fd):
                        left = deadline - time.monotonic()
                        if left <= 0:
                            raise StoreBusy(
                                f"gave up after {self.wait:g} s waiting for another run on "
                                f"{self.db}{self._holder(fd) or holder}; nothing was written"
                            )
                        time.sleep(min(_POLL, left))
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)  # closing the descriptor drops the lock if it was taken
            raise
        self.fd = fd
        _HELD.add(self)
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        _HELD.discard(self)
        try:
            os.ftruncate(fd, 0)  # no pid of a finished run for the next waiter to name
        finally:
            os.close(fd)  # drops the lock

    @property
    def held(self) -> bool:
        return self.fd is not None

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _forget_in_child() -> None:
    """A forked child closes its copy of every held lock's descriptor, so that the lock
    goes with the parent (closing a copy, unlike LOCK_UN, leaves the parent's lock held)."""
    for lock in list(_HELD):
        if lock.fd is not None:
            with contextlib.suppress(OSError):
                os.close(lock.fd)
            lock.fd = None
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_in_child)
