"""Helpers of the service tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def new_key(db: Path, name: str, scope: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", "keys", "add", name, "--scope", scope]
        + ["--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.strip().splitlines()[-1]  # the key alone on the last line
