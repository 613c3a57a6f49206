"""Child processes that die with their parent."""

from __future__ import annotations

import ctypes
import signal


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies: a child must not outlive a
    killed parent (a SIGKILLed server's engine would hold the store's writer lock, and a
    killed engine's encoder workers would hold their memory). Elsewhere nothing is asked,
    and a child stops at its next read of the pipe its parent closed."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
